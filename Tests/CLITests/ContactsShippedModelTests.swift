import Foundation
import Testing
import TestSupport

/// The shipped contact model, eval's long-range figure and training memory on the largest entry.
@Suite struct ContactsShippedModelTests {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var structures: String { root.appendingPathComponent("fixtures/structures").path }
    var shipped: String { root.appendingPathComponent("models/contacts-default.json.gz").path }

    @Test func predictWithoutAModelUsesTheShippedOne() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = "\(structures)/1EJG.pdb"
        let implicit = try runBetseq(["contacts", "predict", s, "--out", "a.tsv"], cwd: dir)
        #expect(implicit.status == 0, "\(implicit.stderr)")
        let explicit = try runBetseq(["contacts", "predict", s, "--model", shipped, "--out", "b.tsv"], cwd: dir)
        let older = try runBetseq(["contacts", "predict", shipped, s, "--out", "c.tsv"], cwd: dir)   // MODEL STRUCTURE, as before
        #expect(explicit.status == 0 && older.status == 0)
        let a = try Data(contentsOf: dir.appendingPathComponent("a.tsv"))
        let b = try Data(contentsOf: dir.appendingPathComponent("b.tsv")), c = try Data(contentsOf: dir.appendingPathComponent("c.tsv"))
        #expect(a == b && a == c)
        // 46 residues of crambin: 1,035 pairs, probabilities in [0, 1].
        let rows = String(decoding: a, as: UTF8.self).split(separator: "\n")
        #expect(rows.count == 1 + 46 * 45 / 2)
        let values = rows.dropFirst().flatMap { $0.split(separator: "\t").dropFirst(2).compactMap { Double($0) } }
        #expect(values.count == 8 * 1035 && values.allSatisfy { (0...1).contains($0) })

        let both = try runBetseq(["contacts", "predict", shipped, s, "--model", shipped, "--out", "d.tsv"], cwd: dir)
        #expect(both.status == 64 && both.stderr.contains("either as --model or as the first argument"), "\(both.stderr)")
        // A named model that is not there: no input (66), nothing written.
        let missing = try runBetseq(["contacts", "predict", s, "--out", "e.tsv"], cwd: dir,
                                    environment: ["BETSEQ_CONTACT_MODEL": dir.appendingPathComponent("none.json").path])
        #expect(missing.status == 66 && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("e.tsv").path))
    }

    @Test func evalGivesTopLOver5LongRangePrecision() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "\(structures)/1EJG.pdb\n\(structures)/1A8O.pdb\n".write(to: dir.appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        let run = try runBetseq(["contacts", "eval", "list.txt", "--out", "eval.tsv", "--no-cache"], cwd: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let table = try String(contentsOf: dir.appendingPathComponent("eval.tsv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t") }
        #expect(table[0].suffix(2) == ["top_l5_long", "separation_top_l5_long"])
        // van der Waals contacts exist between residues ≥ 24 apart in both: a precision in [0, 1].
        let vdw = table.first { $0[0] == "vdw" }
        #expect(vdw.flatMap { Double($0[8]) }.map { (0...1).contains($0) } == true, "\(table)")
        #expect(run.stderr.contains("2 structures; mean AUPRC"))
    }

    /// Training on the pool's largest entry (5TS9, 8 chains, 1,295 residues, ~0.84 M residue pairs),
    /// taking every pair (--negative-fraction 1): the pair head runs in chunks, so the peak memory
    /// stays far below what all pairs' activations and gradients would need.
    @Test func trainingMemoryIsBoundedOnTheLargestPoolEntry() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try root.appendingPathComponent("fixtures/contacts/5TS9.pdb.gz").path.write(to: dir.appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        let run = try runBetseq(["contacts", "train", "--train", "list.txt", "--out", "m.json", "--max-epochs", "1", "--layers", "1",
                                 "--heads", "2", "--hidden", "8", "--chain-layers", "2", "--negative-fraction", "1", "--threads", "1",
                                 "--no-cache"], cwd: dir)
        #expect(run.status == 0, "\(run.stderr)")
        func number(after prefix: String, before suffix: String) -> Double? {
            guard let r = run.stderr.range(of: prefix) else { return nil }
            return Double(run.stderr[r.upperBound...].prefix { $0 != " " && $0 != ")" && $0 != "," }.trimmingCharacters(in: .whitespaces))
        }
        let pairs = number(after: "atoms, ", before: " pairs") ?? 0
        let peak = (number(after: "peak memory ", before: " MB") ?? .infinity) * 1e6
        #expect(pairs > 800_000, "\(run.stderr)")
        // All pairs at once: features (3·16 + 4) and hidden layers (128, 128, 64, 64, 8) in float32,
        // each kept for the backward pass and met by a gradient of its size.
        let allPairs = pairs * Double(3 * 16 + 4 + 128 + 128 + 64 + 64 + 8) * 4 * 2
        #expect(peak < 1e9 && peak < allPairs / 3, "peak \(peak / 1e6) MB; all pairs would need \(allPairs / 1e6) MB")
    }
}
