import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// Runs the built `betseq` executable the way a user would.
struct CLIRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

func betseqExecutable() -> URL {
    // Tests run from the build products directory, where `betseq` sits beside the test bundle.
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("betseq").path), dir.path != "/" {
        dir.deleteLastPathComponent()
    }
    return dir.appendingPathComponent("betseq")
}

func runBetseq(_ args: [String], cwd: URL? = nil, environment: [String: String] = [:]) throws -> CLIRun {
    let p = Process()
    p.executableURL = betseqExecutable()
    p.arguments = args
    if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    if let cwd { p.currentDirectoryURL = cwd }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return CLIRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                  stderr: String(decoding: e, as: UTF8.self))
}

@Suite struct CLITests {
    @Test func badInputGivesOneLineErrorAndNoOutputFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.fastq")
        try Data("@r1\nACGT\n+\nIIII\n@r2\nACGT\nIIII\n".utf8).write(to: bad)
        let run = try runBetseq(["count", "--out", "counts.tsv", "input=\(bad.path)"], cwd: dir)
        #expect(run.status == 65)  // EX_DATAERR
        let errorLines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("betseq: ") }
        #expect(errorLines.count == 1)
        #expect(errorLines.first?.hasPrefix("betseq: \(bad.path): record 2") == true, "\(run.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "bad.fastq" }
        #expect(leftovers.isEmpty, "partial output left behind: \(leftovers)")
    }

    @Test func countThenDDGOnTheFixture() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/demo")
        let count = try runBetseq(["count", "--out", "counts.tsv",
                                   "input=\(fixtures.appendingPathComponent("input.fastq.gz").path)",
                                   "bound=\(fixtures.appendingPathComponent("bound.fastq.gz").path)"], cwd: dir)
        #expect(count.status == 0, "\(count.stderr)")
        let ddg = try runBetseq(["ddg", "counts.tsv", "--bound", "bound", "--reference", "input", "--out", "ddg.tsv"], cwd: dir)
        #expect(ddg.status == 0, "\(ddg.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent("ddg.tsv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "sequence\tddg\tse\tbound\tinput")
        #expect(lines.count > 50)
    }

    /// Help and version are ArgumentParser's, on stdout with status 0; a bad option value is a usage
    /// error (64) with the subcommand's usage.
    @Test func helpVersionAndUsageErrors() throws {
        let help = try runBetseq(["fit", "nn", "--help"])
        #expect(help.status == 0 && help.stdout.hasPrefix("OVERVIEW: Fit the neural ΔΔG network"), "\(help.stdout)")
        let version = try runBetseq(["--version"])
        #expect(version.status == 0 && version.stdout.split(separator: "\n").count == 1)
        let bad = try runBetseq(["fit", "nn", "t.tsv", "--layers", "5,0", "--out", "m.model"])
        #expect(bad.status == 64 && bad.stderr.hasPrefix("Error: The value '5,0' is invalid for '--layers <layers>'"), "\(bad.stderr)")
        #expect(bad.stderr.contains("Usage: betseq fit nn"))
    }

    /// Model files written by 0.4.0 still load and predict exactly what 0.4.0 predicted.
    @Test func modelFilesOfVersion040StillPredictTheSame() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let legacy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/legacy")
        for model in ["network-0.4.0", "linear-nn-cv-0.4.0"] {
            let ext = model.hasPrefix("network") ? "model" : "json"
            let run = try runBetseq(["predict", legacy.appendingPathComponent("\(model).\(ext)").path, legacy.appendingPathComponent("sequences.tsv").path,
                                     "--precision", "fp32", "--out", "p.tsv"], cwd: dir)
            #expect(run.status == 0, "\(model): \(run.stderr)")
            #expect(try Data(contentsOf: dir.appendingPathComponent("p.tsv")) == Data(contentsOf: legacy.appendingPathComponent("\(model).predictions.tsv")), "\(model)")
        }
        let structure = legacy.deletingLastPathComponent().appendingPathComponent("structures/1YJP.cif").path
        let contacts = try runBetseq(["contacts", "predict", legacy.appendingPathComponent("contacts-0.4.0.model").path, structure, "--out", "c.tsv"], cwd: dir)
        #expect(contacts.status == 0, "\(contacts.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("c.tsv")) == Data(contentsOf: legacy.appendingPathComponent("contacts-0.4.0.1YJP.predictions.tsv")))
        // A file from a newer betseq is refused by name and version.
        let model = try String(contentsOf: legacy.appendingPathComponent("network-0.4.0.model"), encoding: .utf8)
        try model.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 7").write(to: dir.appendingPathComponent("new.model"), atomically: true, encoding: .utf8)
        let newer = try runBetseq(["predict", "new.model", "--all", "--out", "x.tsv"], cwd: dir)
        #expect(newer.status == 65 && newer.stderr == "betseq: new.model: betseq-neural-model version 7 was written by a newer betseq; this one reads versions 1 to 1\n", "\(newer.stderr)")
    }

    @Test func missingColumnIsAnError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("sequence\ta\tb\nAAAA\t1\t2\n".utf8).write(to: dir.appendingPathComponent("c.tsv"))
        let run = try runBetseq(["ddg", "c.tsv", "--bound", "x", "--reference", "b", "--out", "d.tsv"], cwd: dir)
        #expect(run.status == 64)  // the option names a column the table lacks
        #expect(run.stderr == "betseq: c.tsv: no column 'x'; the table has: a, b\n", "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("d.tsv").path))
    }
}

@Suite struct CLIStdinTests {
    /// `-` reads standard input; gzip is recognised on a pipe by its magic bytes.
    @Test func countReadsGzipFromStdin() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/demo/input.fastq.gz")
        let p = Process()
        p.executableURL = betseqExecutable()
        p.arguments = ["count", "--out", "-", "input=-"]
        p.standardInput = try FileHandle(forReadingFrom: fixture)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let fromStdin = String(decoding: data, as: UTF8.self)
        let fromFile = try runBetseq(["count", "--out", "-", "input=\(fixture.path)"])
        #expect(fromStdin == fromFile.stdout)
        #expect(fromStdin.split(separator: "\n").count == 7697 + 1)
    }
}

@Suite struct ContactsCLITests {
    @Test func mapWritesResiduePairsAtomsAndSVG() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let structure = root.appendingPathComponent("fixtures/structures/1YJP.cif").path
        let run = try runBetseq(["contacts", "map", structure, "--out", "map.tsv", "--atoms", "atoms.tsv", "--svg", "map.svg"], cwd: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let map = try String(contentsOf: dir.appendingPathComponent("map.tsv"), encoding: .utf8).split(separator: "\n")
        #expect(map.first == "res1\tres2\thp\thb\tvdw\twb\tsb\tps\tpc\tts")
        #expect(map.count > 5 && map.dropFirst().allSatisfy { $0.split(separator: "\t").count == 10 && !$0.contains("HOH") })
        let atoms = try String(contentsOf: dir.appendingPathComponent("atoms.tsv"), encoding: .utf8)
        #expect(atoms.hasPrefix("# total_frames:1") && atoms.contains("\thbbb\t") && atoms.contains("\twb"))
        let svg = try Data(contentsOf: dir.appendingPathComponent("map.svg"))
        #expect(XMLParser(data: svg).parse())
        // Errors: one line, no output file.
        let bad = try runBetseq(["contacts", "map", "nope.pdb", "--out", "x.tsv"], cwd: dir)
        #expect(bad.status == 66 && bad.stderr.split(separator: "\n").count == 1 && bad.stderr.hasPrefix("betseq: nope.pdb: "), "\(bad.stderr)")
        try "ATOM      1  N   GLY A   1      xx.000   0.000   0.000  1.00  0.00           N\n".write(
            to: dir.appendingPathComponent("bad.pdb"), atomically: true, encoding: .utf8)
        let malformed = try runBetseq(["contacts", "map", "bad.pdb", "--out", "x.tsv"], cwd: dir)
        #expect(malformed.status == 65 && malformed.stderr.hasPrefix("betseq: bad.pdb: line 1"), "\(malformed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.tsv").path))
        let selection = try runBetseq(["contacts", "map", structure, "--sele", "chain", "--out", "x.tsv"], cwd: dir)
        #expect(selection.status == 64 && selection.stderr.contains("--sele"), "\(selection.stderr)")
    }
}

@Suite struct ContactsModelCLITests {
    @Test func trainPredictAndEvaluateEndToEnd() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let structures = root.appendingPathComponent("fixtures/structures").path
        try "# one small structure\n\(structures)/1YJP.cif\n".write(to: dir.appendingPathComponent("train.txt"), atomically: true, encoding: .utf8)
        let small = ["--layers", "2", "--heads", "2", "--hidden", "4", "--max-epochs", "3", "--threads", "1"]
        // The default cache folder follows $BETSEQ_CACHE_DIR (here inside the test's folder).
        let cacheEnv = ["BETSEQ_CACHE_DIR": dir.appendingPathComponent("cache").path]
        let trained = try runBetseq(["contacts", "train", "--train", "train.txt", "--valid", "train.txt", "--out", "m.model"] + small,
                                    cwd: dir, environment: cacheEnv)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stderr.contains("valid mean AUPRC"))
        #expect(trained.stderr.contains("(1 from the cache)"), "\(trained.stderr)")   // the validation copy of the one structure
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("cache/contacts").path)
        #expect(entries.count == 1 && entries[0].hasSuffix(".example"), "\(entries)")
        // Modified residues (SEP, TPO in 1FMO; MSE in 1A8O) need no new vocabulary.
        for name in ["1FMO.pdb", "1A8O.pdb"] {
            let p = try runBetseq(["contacts", "predict", "m.model", "\(structures)/\(name)", "--out", "pred.tsv", "--svg", "pred.svg"], cwd: dir)
            #expect(p.status == 0, "\(p.stderr)")
            let rows = try String(contentsOf: dir.appendingPathComponent("pred.tsv"), encoding: .utf8).split(separator: "\n")
            #expect(rows[0] == "res1\tres2\thp\thb\tvdw\twb\tsb\tps\tpc\tts")
            #expect(rows.dropFirst().allSatisfy { $0.split(separator: "\t").count == 10 })
            if name == "1FMO.pdb" { #expect(rows.contains { $0.contains(":SEP:") } && rows.contains { $0.contains(":TPO:") }) }
            #expect(XMLParser(data: try Data(contentsOf: dir.appendingPathComponent("pred.svg"))).parse())
        }
        let evaluated = try runBetseq(["contacts", "eval", "m.model", "train.txt", "--out", "eval.tsv", "--svg", "pr.svg"], cwd: dir, environment: cacheEnv)
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let table = try String(contentsOf: dir.appendingPathComponent("eval.tsv"), encoding: .utf8).split(separator: "\n")
        #expect(table.count == 9 && table[0].hasPrefix("channel\tpositives\tpairs\tauroc\tauprc"))
        #expect(XMLParser(data: try Data(contentsOf: dir.appendingPathComponent("pr.svg"))).parse())
        // Bad model file: one line, non-zero exit.
        try "{}".write(to: dir.appendingPathComponent("bad.model"), atomically: true, encoding: .utf8)
        let bad = try runBetseq(["contacts", "predict", "bad.model", "\(structures)/1YJP.cif", "--out", "x.tsv"], cwd: dir)
        #expect(bad.status == 65 && bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        #expect(bad.stderr.hasPrefix("betseq: bad.model: not a betseq-contact-model file"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.tsv").path))
    }
}
