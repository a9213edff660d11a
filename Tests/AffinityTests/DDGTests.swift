import Foundation
import Testing
import TestSupport
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
        let table = try CountTable(sequences: ["AAA", "CCC", "GGG", "TTT"], samples: ["input", "bound"],
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
        let table = try CountTable(sequences: ["A", "C"], samples: ["u", "b"], counts: [[3, 5], [0, 7]])
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
        let table = try CountTable(sequences: ["A", "C", "G"], samples: ["u1", "b1", "u2", "b2"],
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

    @Test func badRequestsAreTypedErrors() throws {
        let table = try CountTable(sequences: ["A"], samples: ["u", "b"], counts: [[1], [1]])
        expectError(.invalidOption, mentioning: "t.tsv: ", "no column 'x'; the table has: u, b") {
            _ = try estimateDDG(table, bound: ["x"], reference: ["u"], file: "t.tsv")
        }
        expectError(.invalidOption, mentioning: "one reference column per bound column (1 bound, 0 reference)") {
            _ = try estimateDDG(table, bound: ["b"], reference: [])
        }
        var o = DDGOptions()
        o.pseudocount = -1
        expectError(.invalidOption, mentioning: "pseudocount must be a finite number ≥ 0") {
            _ = try estimateDDG(table, bound: ["b"], reference: ["u"], options: o)
        }
        expectError(.invalidBase, mentioning: "sequence 'AN'") { _ = try CountTable(sequences: ["AC", "AN"], samples: ["u"], counts: [[1, 1]]) }
    }

    @Test func writesTSVWithCounts() throws {
        let dir = try temporaryDirectory("ddg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = try CountTable(sequences: ["AC", "GT"], samples: ["input", "bound"], counts: [[4, 4], [1, 4]])
        let r = try estimateDDG(table, bound: ["bound"], reference: ["input"])
        let path = dir.appendingPathComponent("d.tsv").path
        try DDGTable(r, counts: table, countColumns: ["bound", "input"]).write(path: path)
        let half = rt * log(4.0) / 2
        let expected = String(format: "sequence\tddg\tse\tbound\tinput\nAC\t%.6f\t%.6f\t1\t4\nGT\t%.6f\t%.6f\t4\t4\n",
                              half, rt * (1.25).squareRoot(), -half, rt * (0.5).squareRoot())
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }

    /// `ddg.tsv` with replicate columns reads back as it was written: ΔΔG, se, each replicate's
    /// own column (nan where it measured nothing) and the counts.
    @Test func ddgTablesRoundTripWithReplicates() throws {
        let dir = try temporaryDirectory("ddg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = try CountTable(sequences: ["AA", "CC", "GG"], samples: ["input_1", "bound_1", "input_2", "bound_2"],
                                   counts: [[5, 5, 5], [1, 2, 4], [6, 0, 6], [2, 9, 4]])
        let r = try estimateDDG(table, bound: ["bound_1", "bound_2"], reference: ["input_1", "input_2"])
        let path = dir.appendingPathComponent("d.tsv").path
        try DDGTable(r, counts: table, countColumns: ["bound_1", "bound_2"], replicateNames: ["1", "2"]).write(path: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("sequence\tddg\tse\tddg_1\tddg_2\tbound_1\tbound_2\nAA\t"))
        #expect(text.split(separator: "\n")[2].split(separator: "\t")[4] == "nan")  // CC: no input reads in replicate 2
        let back = try DDGTable.read(path: path)
        #expect(back.length == 2 && back.keys == [0, 5, 10])
        #expect(back.replicateNames == ["1", "2"] && back.counts.map(\.name) == ["bound_1", "bound_2"])
        #expect(back.counts[1].values == [2, 9, 4])
        for i in 0..<3 {
            #expect(abs(back.ddg[i] - r.ddg[i]) < 5e-7 && abs((back.se?[i] ?? 0) - r.se[i]) < 5e-7)
            for k in 0..<2 {
                let a = back.replicates[k].ddg[i], b = r.replicates[k][i]
                #expect(a.isNaN == b.isNaN && (a.isNaN || abs(a - b) < 5e-7))
            }
        }
        expectError(.invalidOption, mentioning: "1 replicate names for 2 replicates") {
            _ = try DDGTable(r, counts: table, countColumns: [], replicateNames: ["1"])
        }
        let bad = try write("sequence\tse\nAA\t0.1\n", to: dir, "bad.tsv")
        expectError(.malformedTable, mentioning: "bad.tsv: line 1: no column 'ddg'") { _ = try DDGTable.read(path: bad) }
    }
}
