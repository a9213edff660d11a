import Foundation
import Testing
import TestSupport

/// `betseq run` and the commands the workflow calls (issue 15).
@Suite struct RunCLITests {
    let design = "UUUUNNNCACGTGNNNAGAT"

    func text(_ dir: URL, _ path: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    /// A simulated experiment (two replicates, two lanes each), run: the counts from the reads equal
    /// the simulated counts (UMIs repeated across lanes counted once), ddg.tsv is what `betseq ddg`
    /// writes for the same columns, and every number on the summary page is the JSON's.
    @Test func studyFromASimulatedExperiment() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sim = try runBetseq(["simulate", "run", "--design", design, "--landscape", "cbf1like", "--depth", "30000", "--duplicates", "0.3",
                                 "--replicates", "2", "--lanes", "2", "--experiment-name", "cbf1", "--protein-name", "Cbf1-like", "--out", "sim"], cwd: dir)
        #expect(sim.status == 0, "\(sim.stderr)")
        let sheet = try text(dir, "sim/samples.tsv").split(separator: "\n")
        #expect(sheet.count == 9 && sheet[1] == "cbf1\t1\tinput\tinput_1_L1.fastq.gz\t\(design)\tCbf1-like")
        let run = try runBetseq(["run", "sim/samples.tsv", "--out", "study", "--epochs", "1"], cwd: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "summary: study/summary.html\n")
        #expect(try text(dir, "study/cbf1/counts.tsv") == text(dir, "sim/counts.tsv"))

        let ddg = try runBetseq(["ddg", "study/cbf1/counts.tsv", "--bound", "bound_1,bound_2", "--reference", "input_1,input_2",
                                 "--replicate-names", "1,2", "--out", "ddg.tsv"], cwd: dir)
        #expect(ddg.status == 0)
        #expect(try text(dir, "ddg.tsv") == text(dir, "study/cbf1/ddg.tsv"))
        #expect(try text(dir, "ddg.tsv").hasPrefix("sequence\tddg\tse\tddg_1\tddg_2\tbound_1\tbound_2\tinput_1\tinput_2\n"))
        for name in ["count_summary.tsv", "mono.json", "nn.json", "di.json", "network.model", "report.html", "report.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("study/cbf1/\(name)").path), "\(name)")
        }

        // The experiment's report adds replicate agreement, the same r² as the summary's.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("study/cbf1/report.json"))) as? [String: Any])
        let agreement = try #require((report["replicates"] as? [String: Any])?["r2"] as? Double)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("study/summary.json"))) as? [String: Any])
        #expect(((json["experiments"] as? [String: Any])?["cbf1"] as? [String: Any])?["replicate_r2"] as? Double == agreement)
        let cbf1 = try #require((json["experiments"] as? [String: Any])?["cbf1"] as? [String: Any])
        let explained = try #require(cbf1["explained"] as? [String: Double])
        // A Cbf1-like network needs couplings: each richer model explains more of it.
        #expect(explained["mono"]! < explained["nn"]! && explained["nn"]! < explained["di"]!)
        #expect((cbf1["replicate_r2"] as? Double).map { $0 > 0 && $0 < 1 } == true)
        #expect(cbf1["reads"] as? Int == 60000)
        // Every number shown: <span data-k="path" data-d="digits">text</span> equals the JSON's value.
        let page = try text(dir, "study/summary.html")
        let pattern = try NSRegularExpression(pattern: "data-k=\"([^\"]+)\" data-d=\"(\\d+)\">([^<]+)<")
        let matches = pattern.matches(in: page, range: NSRange(page.startIndex..., in: page))
        #expect(matches.count >= 19)  // reads, coverage and rejections, replicate r², explained, gains
        for m in matches {
            let field = { (i: Int) in String(page[Range(m.range(at: i), in: page)!]) }
            var node: Any? = json
            for key in field(1).split(separator: "/") { node = (node as? [String: Any])?[String(key)] }
            let shown = field(3).replacingOccurrences(of: ",", with: "")
            if let value = node as? Double {
                #expect(shown == String(format: "%.\(field(2))f", value) || Double(shown) == 0 && abs(value) < 0.5, "\(field(1))")
            } else {
                #expect(shown == "n/a" && node is NSNull, "\(field(1)): \(String(describing: node))")
            }
        }
    }

    /// The same sheet and seed give the same bytes: every file of a rerun into the same folder.
    @Test func rerunGivesTheSameBytes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runBetseq(["simulate", "run", "--design", design, "--landscape", "pho4like", "--depth", "8000", "--replicates", "2",
                               "--lanes", "2", "--out", "sim"], cwd: dir).status == 0)
        func files() throws -> [String: Data] {
            let root = dir.appendingPathComponent("study")
            var all: [String: Data] = [:]
            for case let name as String in FileManager.default.enumerator(atPath: root.path)! {
                let url = root.appendingPathComponent(name)
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { all[name] = try Data(contentsOf: url) }
            }
            return all
        }
        #expect(try runBetseq(["run", "sim/samples.tsv", "--out", "study", "--epochs", "2"], cwd: dir).status == 0)
        let first = try files()
        #expect(first.count == 11)  // nine per experiment, summary.html and summary.json
        #expect(try runBetseq(["run", "sim/samples.tsv", "--out", "study", "--epochs", "2"], cwd: dir).status == 0)
        let second = try files()
        #expect(second.keys.sorted() == first.keys.sorted())
        for (name, data) in first { #expect(second[name] == data, "\(name) changed on a rerun") }
    }

    /// Counting split per file (shards) and merged equals one count, summary included.
    @Test func shardsMergeLikeOneCount() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runBetseq(["simulate", "run", "--design", design, "--depth", "20000", "--duplicates", "0.4", "--replicates", "1",
                               "--lanes", "3", "--out", "sim"], cwd: dir).status == 0)
        let lanes = (1...3).map { "sim/input_1_L\($0).fastq.gz" }
        for (i, lane) in lanes.enumerated() {
            let shard = try runBetseq(["count", "s=\(lane)", "--design", design, "--shard", "\(i).shard"], cwd: dir)
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let merged = try runBetseq(["count", "merge", "input=0.shard,1.shard,2.shard", "--out", "merged.tsv", "--summary", "merged_summary.tsv"], cwd: dir)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try runBetseq(["count", "input=\(lanes.joined(separator: ","))", "--design", design, "--out", "one.tsv", "--summary", "one_summary.tsv"], cwd: dir).status == 0)
        #expect(try text(dir, "merged.tsv") == text(dir, "one.tsv"))
        #expect(try text(dir, "merged_summary.tsv") == text(dir, "one_summary.tsv"))
        let duplicates = try text(dir, "one_summary.tsv").split(separator: "\n").first { $0.hasPrefix("duplicates") }
        #expect(duplicates.map { Int($0.split(separator: "\t")[1])! > 1000 } == true)
        // Shards of another design are refused.
        #expect(try runBetseq(["count", "s=\(lanes[0])", "--design", "UUUUNNNCACGTGNNNAGA.", "--shard", "x.shard"], cwd: dir).status == 0)
        let mixed = try runBetseq(["count", "merge", "input=0.shard,x.shard", "--out", "bad.tsv"], cwd: dir)
        #expect(mixed.status == 65)
        #expect(mixed.stderr == "betseq: x.shard: design UUUUNNNCACGTGNNNAGA. differs from 0.shard's \(design)\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.tsv").path))
    }

    @Test func sheetProblemsStopBeforeAnyOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "experiment\treplicate\tfraction\tfastq\ne\t1\tinput\tin.fq\ne\t1\tbound\tmissing.fq\n"
            .write(to: dir.appendingPathComponent("s.tsv"), atomically: true, encoding: .utf8)
        try "".write(to: dir.appendingPathComponent("in.fq"), atomically: true, encoding: .utf8)
        let missing = try runBetseq(["run", "s.tsv", "--out", "out"], cwd: dir)
        #expect(missing.status == 66)
        #expect(missing.stderr == "betseq: missing.fq: cannot read (No such file or directory); listed in s.tsv\n")
        try "experiment\treplicate\tfraction\tfastq\ne\t1\tinput\tin.fq\ne\t1\tbond\tin2.fq\n"
            .write(to: dir.appendingPathComponent("s.tsv"), atomically: true, encoding: .utf8)
        let typo = try runBetseq(["run", "s.tsv", "--out", "out"], cwd: dir)
        #expect(typo.status == 65)
        #expect(typo.stderr == "betseq: s.tsv: line 3: fraction 'bond'; expected input, bound or unbound\n")
        let plan = try runBetseq(["run", "plan", "s.tsv"], cwd: dir)
        #expect(plan.status == 65 && plan.stderr == typo.stderr)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }
}
