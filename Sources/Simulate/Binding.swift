import CGSL
import Foundation
import IO
import Sequence
import Affinity

/// Concentrations of a binding reaction (nM) and how to treat it.
public struct BindingConditions: Sendable, Equatable {
    /// Total protein, P_tot.
    public var protein = 50.0
    /// Total library DNA over all species, S_tot.
    public var library = 1000.0
    /// Kd of a sequence with ΔΔG = 0 (the library average).
    public var kdRef = 100.0
    /// RT in kcal/mol; Kd_i = Kd_ref·exp(ΔΔG_i/RT).
    public var rt = defaultRT
    /// Skip the equilibrium: bound ∝ abundance·exp(−ΔΔG/RT), free protein = P_tot (no depletion,
    /// no saturation), unbound ∝ abundance.
    public var dilute = false

    public init() {}

    public func validate() throws {
        for (name, v) in [("--protein", protein), ("--library", library), ("--kd-ref", kdRef), ("--rt", rt)] {
            guard v.isFinite, v > 0 else {
                throw BETSeqError(.invalidOption, file: "binding", "\(name) must be a positive number, got \(v)")
            }
        }
    }
}

/// The equilibrium of one protein with many DNA species.
public struct BindingState: Sendable {
    /// Free protein concentration P (nM).
    public var freeProtein: Double
    /// θ_i = P/(Kd_i + P), the fraction of species i that is bound (in the dilute limit P_tot/Kd_i).
    public var fractionBound: [Double]
    /// Bound and unbound concentration of each species (nM).
    public var bound: [Double]
    public var unbound: [Double]
    /// Root-finder iterations (0 in the dilute limit).
    public var iterations: Int
    /// |P + Σ bound − P_tot| / P_tot at the solution.
    public var massBalanceError: Double
}

/// Relative abundances of the library species (sum 1): uniform, or log-normal synthesis bias
/// a_i ∝ exp(N(0, sd)).
public func libraryAbundance(count: Int, logNormalSD: Double, seed: UInt64) throws -> [Double] {
    guard logNormalSD.isFinite, logNormalSD >= 0 else {
        throw BETSeqError(.invalidOption, file: "abundance", "--input-bias must be a finite number ≥ 0")
    }
    guard logNormalSD > 0 else { return [Double](repeating: 1 / Double(count), count: count) }
    let rng = RandomSource(seed: seed, stream: Streams.abundance)
    var a = (0..<count).map { _ in exp(rng.gaussian(sigma: logNormalSD)) }
    let total = a.reduce(0, +)
    for i in a.indices { a[i] /= total }
    return a
}

/// Solves the binding equilibrium of total protein P_tot with species of concentration
/// S_i = S_tot·a_i and Kd_i = Kd_ref·exp(ΔΔG_i/RT), with ligand depletion and competition.
///
/// Each complex obeys Kd_i = P·(S_i − C_i)/C_i, so C_i = S_i·P/(Kd_i + P), and the free protein P
/// is the single root in [0, P_tot] of the mass balance
///
///     g(P) = P + Σ_i S_i·P/(Kd_i + P) − P_tot,
///
/// which is increasing, with g(0) = −P_tot < 0 and g(P_tot) ≥ 0. It is bracketed there and solved
/// by GSL's Brent method to a relative width of 1e-15; the whole library enters every evaluation
/// (no truncation to the strongest species).
public func solveBinding(ddg: [Double], abundance: [Double], conditions c: BindingConditions) throws -> BindingState {
    try c.validate()
    guard ddg.count == abundance.count, !ddg.isEmpty else {
        throw BETSeqError(.invalidOption, file: "binding", "ΔΔG and abundance arrays differ in length")
    }
    let n = ddg.count
    let totalAbundance = abundance.reduce(0, +)
    guard totalAbundance > 0, totalAbundance.isFinite else {
        throw BETSeqError(.invalidOption, file: "binding", "library abundances must be positive")
    }
    // Kd = Kd_ref·exp(ΔΔG/RT) must stay a finite, positive double.
    if let bad = ddg.firstIndex(where: { !$0.isFinite || abs($0 / c.rt) > 700 }) {
        throw BETSeqError(.invalidOption, file: "landscape",
                          "ΔΔG \(ddg[bad]) kcal/mol (sequence \(bad + 1)): binding needs |ΔΔG| ≤ 700·RT = \(700 * c.rt) kcal/mol")
    }
    var s = [Double](repeating: 0, count: n)
    var kd = [Double](repeating: 0, count: n)
    for i in 0..<n {
        s[i] = c.library * abundance[i] / totalAbundance
        kd[i] = max(c.kdRef * exp(ddg[i] / c.rt), Double.leastNormalMagnitude)
    }
    if c.dilute {
        var theta = [Double](repeating: 0, count: n)
        var bound = theta
        for i in 0..<n {
            theta[i] = c.protein / kd[i]
            bound[i] = s[i] * theta[i]
        }
        return BindingState(freeProtein: c.protein, fractionBound: theta, bound: bound, unbound: s,
                            iterations: 0, massBalanceError: 0)
    }

    let context = MassBalance(s: s, kd: kd, total: c.protein)
    let (p, iterations) = try withExtendedLifetime(context) { () throws -> (Double, Int) in
        var function = gsl_function(
            function: { x, params in
                guard let params else { return .nan }
                return Unmanaged<MassBalance>.fromOpaque(params).takeUnretainedValue().residual(x)
            },
            params: Unmanaged.passUnretained(context).toOpaque())
        guard let solver = gsl_root_fsolver_alloc(betseq_gsl_root_fsolver_brent()) else {
            throw BETSeqError(.numerical, file: "binding", "GSL could not allocate a root solver")
        }
        defer { gsl_root_fsolver_free(solver) }
        var lo = 0.0, hi = c.protein
        if context.residual(hi) <= 0 { return (hi, 0) }  // only when S_tot underflows to zero
        gsl_root_fsolver_set(solver, &function, lo, hi)
        for iteration in 1...200 {
            let status = gsl_root_fsolver_iterate(solver)
            guard status == GSL_SUCCESS else {
                throw BETSeqError(.numerical, file: "binding", "equilibrium solve failed (GSL status \(status))")
            }
            lo = gsl_root_fsolver_x_lower(solver)
            hi = gsl_root_fsolver_x_upper(solver)
            let root = gsl_root_fsolver_root(solver)
            if context.residual(root) == 0 || gsl_root_test_interval(lo, hi, 0, 1e-15) == GSL_SUCCESS {
                return (root, iteration)
            }
        }
        return (gsl_root_fsolver_root(solver), 200)
    }

    var theta = [Double](repeating: 0, count: n)
    var bound = theta
    var unbound = theta
    var boundTotal = 0.0
    for i in 0..<n {
        let d = kd[i] + p
        theta[i] = p / d
        bound[i] = s[i] * theta[i]
        unbound[i] = s[i] * (kd[i] / d)
        boundTotal += bound[i]
    }
    let error = abs(p + boundTotal - c.protein) / c.protein
    // Brent stops on its interval; a root that does not balance the mass is no equilibrium.
    guard error.isFinite, error <= 1e-6 else {
        throw BETSeqError(.numerical, file: "binding",
                          "the equilibrium did not converge: mass-balance error \(String(format: "%.2g", error)) after \(iterations) Brent steps")
    }
    return BindingState(freeProtein: p, fractionBound: theta, bound: bound, unbound: unbound,
                        iterations: iterations, massBalanceError: error)
}

/// g(P) for the root finder, summed in four lanes (independent accumulators vectorise and keep
/// rounding error low).
private final class MassBalance {
    let s: [Double]
    let kd: [Double]
    let total: Double
    init(s: [Double], kd: [Double], total: Double) {
        self.s = s
        self.kd = kd
        self.total = total
    }

    func residual(_ p: Double) -> Double {
        if p == 0 { return -total }
        return s.withUnsafeBufferPointer { s in
            kd.withUnsafeBufferPointer { kd in
                var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
                let n = s.count
                var i = 0
                while i + 4 <= n {
                    a0 += s[i] / (kd[i] + p)
                    a1 += s[i + 1] / (kd[i + 1] + p)
                    a2 += s[i + 2] / (kd[i + 2] + p)
                    a3 += s[i + 3] / (kd[i + 3] + p)
                    i += 4
                }
                while i < n { a0 += s[i] / (kd[i] + p); i += 1 }
                return p + p * ((a0 + a1) + (a2 + a3)) - total
            }
        }
    }
}
