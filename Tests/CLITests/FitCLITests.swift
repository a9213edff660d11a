import Foundation
import Testing
import TestSupport

@Suite struct FitCLITests {
    let design = "ATCNNNNCACGTGNNNNCTA..U"

    @Test func simulateCountDDGFitPredict() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runBetseq(["simulate", "--design", design, "--landscape", "normal:2", "--depth", "2e6", "--seed", "2", "--out", "sim"], cwd: dir).status == 0)
        let ddg = try runBetseq(["ddg", "sim/counts.tsv", "--bound", "bound", "--reference", "input", "--out", "ddg.tsv"], cwd: dir)
        #expect(ddg.status == 0, "\(ddg.stderr)")
        let fit = try runBetseq(["fit", "linear", "--design", design, "--features", "nn", "ddg.tsv", "--truth", "sim/truth.tsv",
                                 "--out", "nn.json", "--energy-matrix", "mono.tsv", "--meme", "mono.meme"], cwd: dir)
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stderr.contains("nn: 79 parameters"))  // 1 + 3·8 + 9·(3 + 3) pairs
        #expect(fit.stderr.contains("truth_library"))
        // From the count table directly: the same rows and the same weights up to rounding of se.
        let fromCounts = try runBetseq(["fit", "linear", "--design", design, "--features", "nn", "sim/counts.tsv",
                                        "--bound", "bound", "--reference", "input", "--out", "nn2.json"], cwd: dir)
        #expect(fromCounts.status == 0, "\(fromCounts.stderr)")
        // Same inputs, same bytes: the all-dinucleotide fit twice, in separate processes (whose hash
        // seeds differ, so any order taken from a Dictionary would show).
        var fits: [Data] = []
        for run in ["a", "b", "c"] {
            let sub = dir.appendingPathComponent(run)
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let di = try runBetseq(["fit", "linear", "--design", design, "--features", "di", "../ddg.tsv", "--out", "di.json"], cwd: sub)
            #expect(di.status == 0, "\(di.stderr)")
            fits.append(try Data(contentsOf: sub.appendingPathComponent("di.json")))
        }
        #expect(fits[0] == fits[1] && fits[0] == fits[2])

        let all = try runBetseq(["predict", "nn.json", "--all", "--out", "all.tsv"], cwd: dir)
        #expect(all.status == 0, "\(all.stderr)")
        let rows = try String(contentsOf: dir.appendingPathComponent("all.tsv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "sequence\tddg" && rows.count == 65_536 + 1)
        let some = try runBetseq(["predict", "nn.json", "ddg.tsv", "--out", "some.tsv"], cwd: dir)
        #expect(some.status == 0)
        let predicted = try String(contentsOf: dir.appendingPathComponent("some.tsv"), encoding: .utf8).split(separator: "\n")
        let lookup = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0.split(separator: "\t")[0], $0.split(separator: "\t")[1]) })
        for line in predicted.dropFirst().prefix(200) {
            let f = line.split(separator: "\t")
            #expect(lookup[f[0]] == f[1])
        }
        // The fitted model and its energy matrix are landscapes for the simulator.
        for landscape in ["nn.json", "mono.tsv"] {
            let sim = try runBetseq(["simulate", "--design", design, "--landscape", landscape, "--depth", "1e4", "--out", "s_\(landscape)"], cwd: dir)
            #expect(sim.status == 0, "\(landscape): \(sim.stderr)")
        }
        let meme = try String(contentsOf: dir.appendingPathComponent("mono.meme"), encoding: .utf8)
        #expect(meme.hasPrefix("MEME version 4") && meme.contains("letter-probability matrix: alength= 4 w= 8"))
    }

    @Test func badFitInputsFailWithOneLine() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("sequence\tddg\nACGTACGT\t0.1\nACGTACG\t0.2\n".utf8).write(to: dir.appendingPathComponent("bad.tsv"))
        try Data("sequence\tscore\n".utf8).write(to: dir.appendingPathComponent("notarget.tsv"))
        for (args, message, status) in [
            (["fit", "linear", "bad.tsv", "--design", design, "--out", "m.json"], "bad.tsv: line 3", Int32(65)),
            (["fit", "linear", "notarget.tsv", "--out", "m.json"], "notarget.tsv: no 'ddg' or 'ddg_true' column", 65),
            (["fit", "linear", "notarget.tsv", "--target", "score", "--out", "m.json"], "notarget.tsv: no rows to fit", 65),
            (["fit", "linear", "missing.tsv", "--out", "m.json"], "missing.tsv", 66),
            (["fit", "linear", "bad.tsv", "--features", "tri", "--out", "m.json"], "--features", 64),
            (["fit", "linear", "bad.tsv", "--bound", "b", "--out", "m.json"], "give both --bound and --reference", 64),
        ] {
            let run = try runBetseq(args, cwd: dir)
            #expect(run.status == status, "\(args): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(run.stderr)")
            // Data errors are one line of our own; usage errors are ArgumentParser's message and usage.
            let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("betseq: ") || $0.hasPrefix("Error: ") }
            #expect(lines.count == 1, "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.json").path))
        }
    }
}
