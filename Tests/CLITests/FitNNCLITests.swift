import Foundation
import Testing
import TestSupport

@Suite struct FitNNCLITests {
    let design = "ATCNNNNCACGTGNNNNCTA..U"

    @Test func fitPredictAndSimulateFromANeuralModel() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runBetseq(["simulate", "--design", design, "--landscape", "normal:2", "--depth", "2e6", "--seed", "4", "--out", "sim"], cwd: dir).status == 0)
        #expect(try runBetseq(["ddg", "sim/counts.tsv", "--bound", "bound", "--reference", "input", "--out", "ddg.tsv"], cwd: dir).status == 0)
        let common = ["--layers", "32,16", "--max-epochs", "3", "--batch-size", "512", "--threads", "1"]
        let ratio = try runBetseq(["fit", "nn", "ddg.tsv", "--out", "r.model", "--truth", "sim/truth.tsv"] + common, cwd: dir)
        #expect(ratio.status == 0, "\(ratio.stderr)")
        #expect(ratio.stderr.contains("epoch   1") && ratio.stderr.contains("vs truth"))
        let counts = try runBetseq(["fit", "nn", "sim/counts.tsv", "--likelihood", "binomial", "--bound", "bound",
                                    "--reference", "input", "--out", "c.model", "--optimizer", "adam"] + common, cwd: dir)
        #expect(counts.status == 0, "\(counts.stderr)")
        let again = try runBetseq(["fit", "nn", "ddg.tsv", "--out", "r2.model", "--truth", "sim/truth.tsv"] + common, cwd: dir)
        #expect(again.status == 0)
        // Same seed, same weights (the metadata's timings differ, the parameters do not).
        func parameters(_ name: String) throws -> String? {
            let o = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name))) as? [String: Any]
            return o?["parameters"] as? String
        }
        #expect(try parameters("r.model") == parameters("r2.model"))

        let predicted = try runBetseq(["predict", "r.model", "--all", "--out", "all.tsv"], cwd: dir)
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let rows = try String(contentsOf: dir.appendingPathComponent("all.tsv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 65_536 + 1 && rows[0] == "sequence\tddg")
        let mean = rows.dropFirst().reduce(0.0) { $0 + (Double($1.split(separator: "\t")[1]) ?? .nan) } / 65_536
        #expect(abs(mean) < 1e-4)
        let sim = try runBetseq(["simulate", "--design", design, "--landscape", "c.model", "--depth", "1e4", "--out", "s2"], cwd: dir)
        #expect(sim.status == 0, "\(sim.stderr)")

        let bad = try runBetseq(["fit", "nn", "sim/counts.tsv", "--likelihood", "poisson", "--out", "x.model"], cwd: dir)
        #expect(bad.status == 64 && bad.stderr.contains("count likelihoods need --bound and --reference"), "\(bad.stderr)")
    }
}
