import Foundation
import Testing
import IO
import Sequence
@testable import Affinity

@Suite struct DDGTests {
    let rt = 0.593

    /// Hand-computed: B = (10, 20, 0, 5), U = (10, 10, 4, 20); ΣB = 35, ΣU = 44.
    /// Row 3 is dropped (B = 0). ℓ = ln(B/ΣB) − ln(U/ΣU):
    ///   AAA: ln(10/35) − ln(10/44) = ln(44/35)        = 0.228842
    ///   CCC: ln(20/35) − ln(10/44) = ln(88/35)        = 0.921989
    ///   TTT: ln(5/35)  − ln(20/44) = ln(220/700)      = −1.157453
    /// ΔΔG = −RT·ℓ = (−0.135703, −0.546739, 0.686370); mean 0.001309
    /// → centred (−0.137012, −0.548048, 0.685060).
    @Test func handComputedExample() throws {
        let table = CountTable(sequences: ["AAA", "CCC", "GGG", "TTT"], samples: ["input", "bound"],
                               counts: [[10, 10, 4, 20], [10, 20, 0, 5]])
        let r = try estimateDDG(table, bound: ["bound"], reference: ["input"])
        #expect(r.sequences == ["AAA", "CCC", "TTT"])
        #expect(r.dropped == 1)
        let raw = [-rt * log(44.0 / 35), -rt * log(88.0 / 35), -rt * log(220.0 / 700)]
        let mean = raw.reduce(0, +) / 3
        for (got, want) in zip(r.ddg, raw.map { $0 - mean }) { #expect(abs(got - want) < 1e-12) }
        // The same numbers as written out above, to the 6 decimals of the output format.
        for (got, want) in zip(r.ddg, [-0.137_012, -0.548_048, 0.685_060]) { #expect(abs(got - want) < 1e-6) }
        #expect(abs(r.ddg.reduce(0, +)) < 1e-12)
        #expect(abs(r.se[0] - rt * (1.0 / 10 + 1.0 / 10).squareRoot()) < 1e-12)
        #expect(abs(r.se[2] - rt * (1.0 / 5 + 1.0 / 20).squareRoot()) < 1e-12)
        // Tighter binding (enriched in bound) is more negative.
        #expect(r.ddg[1] < r.ddg[0])
    }

    @Test func pseudocountKeepsZeroRows() throws {
        let table = CountTable(sequences: ["A", "C"], samples: ["u", "b"], counts: [[3, 5], [0, 7]])
        var o = DDGOptions()
        o.pseudocount = 0.5
        let r = try estimateDDG(table, bound: ["b"], reference: ["u"], options: o)
        #expect(r.dropped == 0)
        let l0 = log(0.5 / 8.0) - log(3.5 / 9.0), l1 = log(7.5 / 8.0) - log(5.5 / 9.0)
        #expect(abs((r.ddg[0] - r.ddg[1]) - (-rt * (l0 - l1))) < 1e-12)
    }

    /// Two replicates: the combined value is the inverse-variance weighted mean of the per-replicate
    /// values, and its SE is (Σw)^(-1/2).
    @Test func replicatesCombineByInverseVariance() throws {
        let table = CountTable(sequences: ["A", "C", "G"], samples: ["u1", "b1", "u2", "b2"],
                               counts: [[10, 30, 20], [20, 10, 20], [100, 50, 80], [40, 60, 0]])
        let r = try estimateDDG(table, bound: ["b1", "b2"], reference: ["u1", "u2"])
        func rep(_ b: [Double], _ u: [Double], _ i: Int) -> (Double, Double) {
            let x = -rt * (log(b[i] / b.reduce(0, +)) - log(u[i] / u.reduce(0, +)))
            return (x, 1 / (rt * rt * (1 / b[i] + 1 / u[i])))
        }
        var raw: [Double] = [], se: [Double] = []
        for i in 0..<3 {
            var parts = [rep([20, 10, 20], [10, 30, 20], i)]
            if i < 2 { parts.append(rep([40, 60, 0], [100, 50, 80], i)) }   // G has no bound reads in replicate 2
            let w = parts.map(\.1).reduce(0, +)
            raw.append(parts.map { $0.0 * $0.1 }.reduce(0, +) / w)
            se.append(1 / w.squareRoot())
        }
        let mean = raw.reduce(0, +) / 3
        #expect(r.sequences == ["A", "C", "G"])
        for i in 0..<3 {
            #expect(abs(r.ddg[i] - (raw[i] - mean)) < 1e-12)
            #expect(abs(r.se[i] - se[i]) < 1e-12)
        }
    }

    @Test func temperatureSetsRT() {
        var o = DDGOptions()
        o.setTemperature(kelvin: 298.15)
        #expect(abs(o.rt - 0.592_48) < 1e-5)
    }

    @Test func badRequestsAreTypedErrors() {
        let table = CountTable(sequences: ["A"], samples: ["u", "b"], counts: [[1], [1]])
        #expect(throws: BETSeqError.self) { try estimateDDG(table, bound: ["x"], reference: ["u"]) }
        #expect(throws: BETSeqError.self) { try estimateDDG(table, bound: ["b"], reference: []) }
        var o = DDGOptions()
        o.pseudocount = -1
        #expect(throws: BETSeqError.self) { try estimateDDG(table, bound: ["b"], reference: ["u"], options: o) }
    }

    @Test func writesTSVWithCounts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ddg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = CountTable(sequences: ["AC", "GT"], samples: ["input", "bound"], counts: [[4, 4], [1, 4]])
        let r = try estimateDDG(table, bound: ["bound"], reference: ["input"])
        let path = dir.appendingPathComponent("d.tsv").path
        try writeDDG(r, table: table, countColumns: ["bound", "input"], to: path)
        let half = rt * log(4.0) / 2
        let expected = String(format: "sequence\tddg\tse\tbound\tinput\nAC\t%.6f\t%.6f\t1\t4\nGT\t%.6f\t%.6f\t4\t4\n",
                              half, rt * (1.25).squareRoot(), -half, rt * (0.5).squareRoot())
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }
}
