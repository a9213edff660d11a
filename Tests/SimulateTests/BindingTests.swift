import Foundation
import Testing
@testable import Simulate

@Suite struct BindingTests {
    @Test func massBalanceHoldsOverAWholeLibrary() throws {
        // 4^8 species, ΔΔG sd 1 kcal/mol, with log-normal abundance: depletion matters at 50 nM.
        let landscape = try Landscape.normal(range: 6, length: 8, seed: 3)
        let abundance = try libraryAbundance(count: landscape.count, logNormalSD: 0.5, seed: 3)
        for protein in [0.5, 50, 5000] {
            var c = BindingConditions()
            c.protein = protein
            let state = try solveBinding(ddg: landscape.ddg, abundance: abundance, conditions: c)
            var bound = 0.0
            for b in state.bound { bound += b }
            // Relative mass-balance error 1e-9 is the requirement; Brent to 1e-15 gives far better.
            #expect(abs(state.freeProtein + bound - protein) / protein < 1e-9)
            #expect(state.massBalanceError < 1e-9)
            #expect(state.freeProtein > 0 && state.freeProtein < protein)
            // Per species: bound + unbound = total, and θ = P/(Kd + P).
            for i in stride(from: 0, to: landscape.count, by: 997) {
                let s = c.library * abundance[i]
                #expect(abs(state.bound[i] + state.unbound[i] - s) <= 1e-12 * s)
                let kd = c.kdRef * exp(landscape.ddg[i] / c.rt)
                #expect(abs(state.fractionBound[i] - state.freeProtein / (kd + state.freeProtein)) < 1e-12)
            }
        }
    }

    @Test func oneSpeciesMatchesTheQuadraticClosedForm() throws {
        // C = ((P + S + K) − sqrt((P + S + K)² − 4PS)) / 2 for one protein and one site.
        for (p, s, kd) in [(10.0, 100.0, 5.0), (100.0, 10.0, 5.0), (1.0, 1.0, 1000.0), (1000.0, 1000.0, 0.01)] {
            var c = BindingConditions()
            c.protein = p
            c.library = s
            c.kdRef = kd
            let state = try solveBinding(ddg: [0], abundance: [1], conditions: c)
            let sum = p + s + kd
            let closed = (sum - (sum * sum - 4 * p * s).squareRoot()) / 2
            // The closed form itself loses digits to cancellation; 1e-9 relative covers both.
            #expect(abs(state.bound[0] - closed) <= 1e-9 * closed, "P=\(p) S=\(s) Kd=\(kd)")
        }
    }

    @Test func agreesWithTimeIntegrationOfThreeSpecies() throws {
        // dC_i/dt = kon·P·(S_i − C_i) − koff_i·C_i with P = P_tot − ΣC, integrated by RK4 to steady
        // state; Kd_i = koff_i/kon. Independent of the mass-balance root: it never solves for P.
        let s = [10.0, 20.0, 30.0], kd = [1.0, 10.0, 100.0], total = 25.0
        var conc = [0.0, 0.0, 0.0]
        func rate(_ c: [Double]) -> [Double] {
            let p = total - c.reduce(0, +)
            return (0..<3).map { p * (s[$0] - c[$0]) - kd[$0] * c[$0] }
        }
        let dt = 1e-3
        for _ in 0..<60_000 {
            let k1 = rate(conc)
            let k2 = rate((0..<3).map { conc[$0] + dt / 2 * k1[$0] })
            let k3 = rate((0..<3).map { conc[$0] + dt / 2 * k2[$0] })
            let k4 = rate((0..<3).map { conc[$0] + dt * k3[$0] })
            conc = (0..<3).map { conc[$0] + dt / 6 * (k1[$0] + 2 * k2[$0] + 2 * k3[$0] + k4[$0]) }
        }
        var c = BindingConditions()
        c.protein = total
        c.library = s.reduce(0, +)
        c.kdRef = 10
        let ddg = kd.map { c.rt * log($0 / c.kdRef) }
        let state = try solveBinding(ddg: ddg, abundance: s, conditions: c)
        for i in 0..<3 {
            // RK4 at dt = 1e-3 on rates of order 50/s is accurate far below 1e-7.
            #expect(abs(state.bound[i] - conc[i]) < 1e-7 * s[i], "species \(i): \(state.bound[i]) vs \(conc[i])")
        }
    }

    @Test func diluteLimitIsBoltzmannAndTheEquilibriumApproachesIt() throws {
        let ddg = [-1.0, 0.0, 0.5, 2.0]
        var c = BindingConditions()
        c.dilute = true
        let dilute = try solveBinding(ddg: ddg, abundance: [1, 1, 1, 1], conditions: c)
        for i in 1..<4 {
            #expect(abs(dilute.bound[i] / dilute.bound[0] - exp(-(ddg[i] - ddg[0]) / c.rt)) < 1e-12)
        }
        // Trace protein and DNA far below Kd: the exact equilibrium has the same ratios.
        c.dilute = false
        c.protein = 1e-4
        c.library = 1e-4
        let exact = try solveBinding(ddg: ddg, abundance: [1, 1, 1, 1], conditions: c)
        for i in 1..<4 {
            #expect(abs(exact.bound[i] / exact.bound[0] / (dilute.bound[i] / dilute.bound[0]) - 1) < 1e-4)
        }
    }

    @Test func rejectsNonsenseConditions() {
        var c = BindingConditions()
        c.protein = -1
        #expect(throws: (any Error).self) { try solveBinding(ddg: [0], abundance: [1], conditions: c) }
        c.protein = 1
        c.kdRef = .nan
        #expect(throws: (any Error).self) { try solveBinding(ddg: [0], abundance: [1], conditions: c) }
        #expect(throws: (any Error).self) { try solveBinding(ddg: [0, 1], abundance: [1], conditions: BindingConditions()) }
    }
}
