import Foundation
import Testing
import TestSupport

/// Bad input found by trying (issue 14): each case a usage or data error with one line, a status
/// of its kind and no output left behind; outputs never replace what is at their path.
@Suite struct HardeningCLITests {
    let design = "ATCNNNNCACGTGNNNNCTA..U"
    var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    /// Runs and checks the status, that the last stderr line starts with `message` and that `out` was not written.
    func expectFailure(_ args: [String], in dir: URL, status: Int32, message: String, out: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try runBetseq(args, cwd: dir)
        #expect(run.status == status, "\(args): \(run.stderr)", sourceLocation: sourceLocation)
        let last = run.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(run.stderr.contains(message), "\(args): \(last)", sourceLocation: sourceLocation)
        if let out { #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(out).path), "\(args) wrote \(out)", sourceLocation: sourceLocation) }
    }

    @Test func sweepDepthsBeyondTwoFractionsOfUInt32AreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for depths in ["1e20", "1e4:1e20", "1e19:1e21:3", "9.3e18"] {
            let bad = depths.split(separator: ":").first { (Double($0) ?? 0) > 8_589_934_590 }.map(String.init) ?? depths
            try expectFailure(["simulate", "sweep", "--design", design, "--depths", depths, "--out", "s.tsv"], in: dir, status: 64,
                              message: "betseq: --depths: '\(bad)' is not a read count from 2 to 8589934590", out: "s.tsv")
        }
        try expectFailure(["pipeline", "--design", design, "--sweep-depths", "1e20", "--out", "p"], in: dir, status: 64,
                          message: "betseq: --depths: '1e20' is not a read count from 2 to 8589934590", out: "p")
    }

    @Test func trainingOptionsOutOfRangeAreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var table = "sequence\tddg\n"
        for k in 0..<64 { table += String((0..<4).map { Array("ACGT")[(k >> (2 * $0)) & 3] }) + "\t\(Double(k % 7) / 10)\n" }
        try table.write(to: dir.appendingPathComponent("t.tsv"), atomically: true, encoding: .utf8)
        for (options, message) in [(["--lr=0"], "learning rate 0.0: expected a number in (0, 1]"),
                                   (["--lr=-1"], "learning rate -1.0: expected a number in (0, 1]"),
                                   (["--lr", "nan"], "learning rate nan: expected a number in (0, 1]"),
                                   (["--momentum", "5"], "momentum must be in [0, 1)"),
                                   (["--layers", "100000000"], "a network of widths 100000000 needs about")] {
            try expectFailure(["fit", "nn", "t.tsv", "--out", "m.model"] + options, in: dir, status: 64, message: "betseq: fit nn: " + message, out: "m.model")
        }
        try "\(root.path)/fixtures/structures/1YJP.cif\n".write(to: dir.appendingPathComponent("train.txt"), atomically: true, encoding: .utf8)
        for lr in ["nan", "inf", "1e30", "10", "0"] {
            try expectFailure(["contacts", "train", "--train", "train.txt", "--lr", lr, "--out", "c.model"], in: dir, status: 64,
                              message: "betseq: contacts train: learning rate", out: "c.model")
        }
        try expectFailure(["predict", "x.json", "--all", "--decimals=-1", "--out", "p.tsv"], in: dir, status: 64,
                          message: "--decimals must be 0 to 9", out: "p.tsv")
    }

    /// A model file with a NaN weight is refused before it predicts anything (it used to give NaN
    /// maps, or spin forever ranking NaN scores).
    /// The contact commands' new options: shards, a manifest that is the list, a cache folder that
    /// cannot exist, the model given twice; each one line with its exit code, nothing written.
    @Test func contactPreparationAndModelOptionsAreChecked() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = "\(root.path)/fixtures/structures/1YJP.cif"
        try "\(s)\n".write(to: dir.appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        try "x".write(to: dir.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        try expectFailure(["contacts", "prepare", "list.txt", "--cache", "c", "--shard", "3/2"], in: dir, status: 64,
                          message: "--shard '3/2': expected K/N with 1 ≤ K ≤ N", out: "c")
        try expectFailure(["contacts", "prepare", "list.txt", "--cache", "c", "--manifest", "list.txt"], in: dir, status: 64,
                          message: "--manifest is also an input", out: "c")
        try expectFailure(["contacts", "prepare", "list.txt", "--cache", "file/c"], in: dir, status: 73,
                          message: "file/c: cannot create the directory")
        try expectFailure(["contacts", "train", "--train", "list.txt", "--out", "m.json", "--cache", "file/c"], in: dir, status: 73,
                          message: "file/c: cannot create the directory", out: "m.json")
        try expectFailure(["contacts", "train", "--train", "list.txt", "--out", "m.json", "--negative-fraction", "0"], in: dir, status: 64,
                          message: "--negative-fraction must be in (0, 1]", out: "m.json")
        try expectFailure(["contacts", "predict", "m.json", s, "--model", "m.json", "--out", "p.tsv"], in: dir, status: 64,
                          message: "either as --model or as the first argument", out: "p.tsv")
        // A shard writes its manifest: one row per structure it took.
        let ok = try runBetseq(["contacts", "prepare", "list.txt", "--cache", "c", "--shard", "1/1", "--manifest", "m.tsv"], cwd: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        let rows = try String(contentsOf: dir.appendingPathComponent("m.tsv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 2 && rows[0] == "structure\tentry\tresidues\tatoms\tpairs\tcontact_pairs\tcached" && rows[1].hasSuffix("\t7\t59\t21\t10\tno"))
    }

    @Test func modelsWithNonFiniteWeightsAreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["contacts-0.4.0.model", "network-0.4.0.model"] {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("fixtures/legacy/\(name)"))) as? [String: Any])
            var weights = try #require(Data(base64Encoded: object["parameters"] as? String ?? ""))
            withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { weights.replaceSubrange(4..<8, with: $0) }
            object["parameters"] = weights.base64EncodedString()
            try JSONSerialization.data(withJSONObject: object).write(to: dir.appendingPathComponent(name))
        }
        try "\(root.path)/fixtures/structures/1YJP.cif\n".write(to: dir.appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        try expectFailure(["contacts", "eval", "contacts-0.4.0.model", "list.txt", "--out", "e.tsv"], in: dir, status: 65,
                          message: "betseq: contacts-0.4.0.model: parameter 2 of", out: "e.tsv")
        try expectFailure(["predict", "network-0.4.0.model", "--all", "--out", "p.tsv"], in: dir, status: 65,
                          message: "is nan; a model's weights must be finite", out: "p.tsv")
        try expectFailure(["simulate", "--landscape", "network-0.4.0.model", "--out", "s"], in: dir, status: 65,
                          message: "a model's weights must be finite", out: "s")
    }

    /// Outputs write through devices and FIFOs, follow symbolic links, keep an existing file's mode
    /// and refuse a directory.
    @Test func outputsRespectWhatIsAtTheirPath() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = root.appendingPathComponent("fixtures/legacy/linear-nn-cv-0.4.0.json").path
        // A device: written through, still a device afterwards.
        let null = try runBetseq(["predict", model, "--all", "--out", "/dev/null"], cwd: dir)
        #expect(null.status == 0, "\(null.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/null")
        #expect(attributes[.type] as? FileAttributeType == .typeCharacterSpecial)
        // A link: its target is replaced, the link stays, the target's mode is kept.
        try "old\n".write(to: dir.appendingPathComponent("real.tsv"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.appendingPathComponent("real.tsv").path)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.tsv").path, withDestinationPath: "real.tsv")
        let linked = try runBetseq(["predict", model, "--all", "--out", "link.tsv"], cwd: dir)
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.appendingPathComponent("link.tsv").path) == "real.tsv")
        let real = try String(contentsOf: dir.appendingPathComponent("real.tsv"), encoding: .utf8)
        #expect(real.hasPrefix("sequence\tddg\n") && real.split(separator: "\n").count == 1_048_577)
        #expect(try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("real.tsv").path)[.posixPermissions] as? Int == 0o600)
        // A FIFO: written through to its reader.
        let fifo = dir.appendingPathComponent("pipe.tsv").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "wc -l < '\(fifo)' > '\(dir.path)/count.txt'"]
        try reader.run()
        let piped = try runBetseq(["predict", model, "--all", "--out", "pipe.tsv"], cwd: dir)
        reader.waitUntilExit()
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("count.txt"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "1048577")
        #expect(try FileManager.default.attributesOfItem(atPath: fifo)[.type] as? FileAttributeType == .typeUnknown
                || (try FileManager.default.attributesOfItem(atPath: fifo)[.type] as? FileAttributeType) != .typeRegular)
        // A directory is refused.
        try expectFailure(["predict", model, "--all", "--out", dir.path], in: dir, status: 73, message: "betseq: \(dir.path): is a directory")
    }

    @Test func countRefusesWhatWouldCountWrongly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reads = root.appendingPathComponent("fixtures/demo/input.fastq.gz").path
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("again.fastq.gz").path, withDestinationPath: reads)
        try expectFailure(["count", "--out", "x.tsv", "--summary", "./x.tsv", "input=\(reads)"], in: dir, status: 64,
                          message: "Error: ./x.tsv: --out and --summary name the same file", out: "x.tsv")
        try expectFailure(["count", "--out", "x.tsv", "input=\(reads),again.fastq.gz"], in: dir, status: 64,
                          message: "betseq: again.fastq.gz: listed twice in sample 'input' (as '\(reads)')", out: "x.tsv")
        try expectFailure(["count", "--out", "x.tsv", "--max-mismatches", "20", "input=\(reads)"], in: dir, status: 64,
                          message: "betseq: --max-mismatches: 20: the design has 12 anchor bases, so 0 to 5 (fewer than half) may mismatch", out: "x.tsv")
        try expectFailure(["count", "--out", "x.tsv", "--min-mean-quality", "nan", "input=\(reads)"], in: dir, status: 64,
                          message: "betseq: --min-mean-quality: nan: expected a PHRED score from 0 to 93", out: "x.tsv")
    }

    @Test func tablesRefuseAmbiguousRows() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = ["dup.tsv": "sequence\tb\tu\nACGT\t1\t2\nACGT\t3\t4\n",
                     "short.tsv": "sequence\tb\tu\nACGT\t1\t2\nACG\t3\t4\n",
                     "n.tsv": "sequence\tb\tu\nACGT\t1\t2\nACGN\t3\t4\n",
                     "lower.tsv": "sequence\tb\tu\nACGT\t1\t2\nacga\t3\t4\n",
                     "twice.tsv": "sequence\tb\tb\nACGT\t1\t2\n",
                     "negative.tsv": "sequence\tb\tu\nACGT\t1\t-3\n",
                     "ddg.tsv": "sequence\tddg\tse\nACGT\t0.1\t-1\nACGA\t0.2\t0.1\n",
                     "ddgdup.tsv": "sequence\tddg\nACGT\t0.1\nACGT\t0.2\n"]
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        for (file, message) in [("dup.tsv", "betseq: dup.tsv: line 3: sequence ACGT also on line 2"),
                                ("short.tsv", "betseq: short.tsv: line 3: sequence of 3 bases; the table's first has 4"),
                                ("n.tsv", "betseq: n.tsv: line 3: sequence 'ACGN': expected only A, C, G and T (upper case)"),
                                ("lower.tsv", "betseq: lower.tsv: line 3: sequence 'acga': expected only A, C, G and T (upper case)"),
                                ("twice.tsv", "betseq: twice.tsv: line 1: column 'b' appears twice in the header"),
                                ("negative.tsv", "betseq: negative.tsv: line 2: column 'u': '-3' is not a non-negative integer count")] {
            try expectFailure(["ddg", file, "--bound", "b", "--reference", "u", "--out", "out.tsv"], in: dir, status: 65, message: message, out: "out.tsv")
        }
        try expectFailure(["ddg", "dup.tsv", "--bound", "b", "--reference", "b", "--out", "out.tsv"], in: dir, status: 65,
                          message: "betseq: dup.tsv: line 3", out: "out.tsv")
        try "sequence\tb\tu\nACGT\t1\t2\n".write(to: dir.appendingPathComponent("ok.tsv"), atomically: true, encoding: .utf8)
        try expectFailure(["ddg", "ok.tsv", "--bound", "b", "--reference", "b", "--out", "out.tsv"], in: dir, status: 64,
                          message: "betseq: ok.tsv: column 'b' is given as both bound and reference", out: "out.tsv")
        let small = "ATCNNNNCACGTGCTA"
        try expectFailure(["fit", "linear", "ddg.tsv", "--design", small, "--out", "m.json"], in: dir, status: 65,
                          message: "betseq: ddg.tsv: sequence ACGT: se -1.0; a standard error must be positive", out: "m.json")
        try expectFailure(["fit", "linear", "ddgdup.tsv", "--design", small, "--out", "m.json"], in: dir, status: 65,
                          message: "betseq: ddgdup.tsv: line 3: sequence ACGT also on line 2", out: "m.json")
        try "sequence\tddg\nACGT\t0.1\nACGA\t-0.1\n".write(to: dir.appendingPathComponent("d.tsv"), atomically: true, encoding: .utf8)
        try expectFailure(["report", "--ddg", "d.tsv", "--counts", "negative.tsv", "--out", "r.html"], in: dir, status: 65,
                          message: "betseq: negative.tsv: line 2: column 'u': '-3' is not a non-negative integer count", out: "r.html")
    }

    @Test func simulationRefusesWhatItCannotComputeAndLeavesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try expectFailure(["simulate", "--design", design, "--landscape", "normal:1e308", "--out", "s"], in: dir, status: 64,
                          message: "betseq: landscape: normal:RANGE needs a range from 0 to 100 kcal/mol, got 1e+308", out: "s")
        try expectFailure(["simulate", "--design", design, "--kd-ref", "1e-300", "--depth", "1e4", "--out", "s"], in: dir, status: 70,
                          message: "betseq: binding: the equilibrium did not converge: mass-balance error", out: "s")
    }

    @Test func contactMapsRefuseDuplicatedOrMissingThings() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOf: root.appendingPathComponent("fixtures/structures/1A8O.pdb"), encoding: .utf8)
        let atoms = text.split(separator: "\n").filter { $0.hasPrefix("ATOM") }.map(String.init)
        let waters = text.split(separator: "\n").filter { $0.hasPrefix("HETATM") && $0.contains("HOH") }.map(String.init)
        func write(_ name: String, _ lines: [String]) throws {
            try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("base.pdb", atoms)
        // An exact copy of a record is dropped (noted); the map is the one without it.
        try write("copy.pdb", [atoms[0]] + atoms)
        let base = try runBetseq(["contacts", "map", "base.pdb", "--out", "base.tsv"], cwd: dir)
        let copy = try runBetseq(["contacts", "map", "copy.pdb", "--out", "copy.tsv"], cwd: dir)
        #expect(base.status == 0 && copy.status == 0, "\(copy.stderr)")
        #expect(copy.stderr.contains("betseq: note: copy.pdb: 1 exact copies of atom records ignored"))
        #expect(try Data(contentsOf: dir.appendingPathComponent("base.tsv")) == Data(contentsOf: dir.appendingPathComponent("copy.tsv")))
        // The same atom at another place is an error; so is a file concatenated with itself.
        var moved = atoms[1]
        moved.replaceSubrange(moved.index(moved.startIndex, offsetBy: 30)..<moved.index(moved.startIndex, offsetBy: 38), with: "  99.000")
        try write("moved.pdb", [atoms[0], atoms[1], moved] + atoms.dropFirst(2))
        try expectFailure(["contacts", "map", "moved.pdb", "--out", "x.tsv"], in: dir, status: 65,
                          message: "betseq: moved.pdb: line 3: atom CA of residue A:", out: "x.tsv")
        try write("twice.pdb", atoms + atoms)
        try expectFailure(["contacts", "map", "twice.pdb", "--out", "x.tsv"], in: dir, status: 65,
                          message: "appears again (first on line 1)", out: "x.tsv")
        // A bare record name is a broken record, ATOM or HETATM alike.
        for record in ["ATOM", "HETATM"] {
            try write("bare.pdb", atoms + [record])
            try expectFailure(["contacts", "map", "bare.pdb", "--out", "x.tsv"], in: dir, status: 65,
                              message: "betseq: bare.pdb: line \(atoms.count + 1): an ATOM/HETATM line needs at least 54 columns", out: "x.tsv")
        }
        try write("water.pdb", waters)
        try expectFailure(["contacts", "map", "water.pdb", "--out", "x.tsv"], in: dir, status: 65,
                          message: "betseq: water.pdb: only water molecules (\(waters.count)); no residues to map", out: "x.tsv")
        try expectFailure(["contacts", "map", "base.pdb", "--sele", "chain Z", "--out", "x.tsv"], in: dir, status: 64,
                          message: "betseq: base.pdb: no chain Z; the structure has chain A", out: "x.tsv")
    }

    /// Multi-file outputs appear complete or not at all, and a rerun leaves no stale files of its
    /// kind (files it does not own are never touched).
    @Test func multiFileOutputsAreWholeAndFresh() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func listing(_ folder: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(folder).path).sorted() }
        let withReads = try runBetseq(["simulate", "--design", design, "--depth", "1e4", "--fastq", "--out", "sim"], cwd: dir)
        #expect(withReads.status == 0, "\(withReads.stderr)")
        try "keep\n".write(to: dir.appendingPathComponent("sim/notes.txt"), atomically: true, encoding: .utf8)
        #expect(try listing("sim") == ["bound.fastq.gz", "counts.tsv", "input.fastq.gz", "notes.txt", "simulation.json", "truth.tsv"])
        let withoutReads = try runBetseq(["simulate", "--design", design, "--depth", "1e4", "--seed", "2", "--out", "sim"], cwd: dir)
        #expect(withoutReads.status == 0, "\(withoutReads.stderr)")
        #expect(try listing("sim") == ["counts.tsv", "notes.txt", "simulation.json", "truth.tsv"])
        try "x".write(to: dir.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        try expectFailure(["simulate", "--design", design, "--depth", "1e4", "--out", "file/sim"], in: dir, status: 73,
                          message: "betseq: file/sim: cannot create the directory: 'file' is not a directory")
        // A pipeline that fails late leaves no partial run, but keeps what else is in its folder.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("run"), withIntermediateDirectories: true)
        try "keep\n".write(to: dir.appendingPathComponent("run/notes.txt"), atomically: true, encoding: .utf8)
        for folder in ["run", "fresh"] {
            try expectFailure(["pipeline", "--design", design, "--depth", "20", "--out", folder], in: dir, status: 65,
                              message: "betseq: \(folder)/ddg.tsv: no rows to fit")
        }
        #expect(try listing("run") == ["notes.txt"])
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("fresh").path))
    }

    /// Messages name the real problem: another compression, damaged gzip (not the record it
    /// garbled), binary data, numbers no fit can hold.
    @Test func messagesNameTheRealProblem() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var gz = try Data(contentsOf: root.appendingPathComponent("fixtures/demo/input.fastq.gz"))
        for i in 200_000..<200_050 { gz[i] ^= 0x55 }
        try gz.write(to: dir.appendingPathComponent("damaged.fq.gz"))
        try expectFailure(["count", "--out", "c.tsv", "a=damaged.fq.gz"], in: dir, status: 65,
                          message: "betseq: damaged.fq.gz: record 5134: gzip CRC-32 mismatch in member 1 (corrupt file); the records read from it stop making sense here", out: "c.tsv")
        for (magic, name, tool) in [([0x42, 0x5A, 0x68, 0x39] as [UInt8], "bzip2", "bunzip2"), ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz", "unxz"),
                                    ([0x28, 0xB5, 0x2F, 0xFD], "zstd", "unzstd")] {
            try Data(magic + Array("rest of the stream".utf8)).write(to: dir.appendingPathComponent("r.\(name)"))
            try expectFailure(["count", "--out", "c.tsv", "a=r.\(name)"], in: dir, status: 65,
                              message: "betseq: r.\(name): \(name)-compressed; betseq reads plain or gzip files (decompress with \(tool), or recompress with gzip)", out: "c.tsv")
        }
        try Data([0x00, 0xFF, 0xFE, 0x41, 0x0A, 0x80]).write(to: dir.appendingPathComponent("noise.bin"))
        try expectFailure(["simulate", "--landscape", "noise.bin", "--out", "s"], in: dir, status: 65,
                          message: "betseq: noise.bin: binary data; a landscape file is", out: "s")
        try "sequence\tddg\nACGT\t1e308\nACGA\t-1e308\nACGC\t0.5\n".write(to: dir.appendingPathComponent("huge.tsv"), atomically: true, encoding: .utf8)
        try expectFailure(["fit", "linear", "huge.tsv", "--design", "ATCNNNNCACGTGCTA", "--out", "m.json"], in: dir, status: 65,
                          message: "betseq: huge.tsv: sequence ACGT: ddg 1e+308 is beyond ±1000000 kcal/mol", out: "m.json")
    }

    /// A count table whose bound column is all zero trains nothing: an error, not a model whose
    /// validation RMSE is NaN.
    @Test func networkOnCountsWithoutBoundReadsIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var table = "sequence\tbound\tinput\n"
        for k in 0..<64 { table += String((0..<4).map { Array("ACGT")[(k >> (2 * $0)) & 3] }) + "\t0\t\(k % 5 + 1)\n" }
        try table.write(to: dir.appendingPathComponent("c.tsv"), atomically: true, encoding: .utf8)
        try expectFailure(["fit", "nn", "c.tsv", "--likelihood", "binomial", "--bound", "bound", "--reference", "input", "--out", "m.model"],
                          in: dir, status: 65, message: "betseq: c.tsv: a bound or reference column has no counts at all", out: "m.model")
    }

    /// Found by the option pass of the second session: an output that is one of the command's
    /// inputs (same path, a symlink or a hard link to it) is refused before anything is read, and
    /// the input is left byte for byte.
    @Test func outputsNeverReplaceTheirOwnInputs() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reads = dir.appendingPathComponent("in.fastq.gz")
        try FileManager.default.copyItem(at: root.appendingPathComponent("fixtures/demo/input.fastq.gz"), to: reads)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.fq").path, withDestinationPath: "in.fastq.gz")
        try FileManager.default.linkItem(atPath: reads.path, toPath: dir.appendingPathComponent("hard.fq").path)
        let before = try Data(contentsOf: reads)
        try expectFailure(["count", "s=in.fastq.gz", "--out", "in.fastq.gz"], in: dir, status: 64,
                          message: "Error: in.fastq.gz: --out is also an input (sample 's' in.fastq.gz); writing it would destroy what is read")
        try expectFailure(["count", "s=in.fastq.gz", "--out", "link.fq"], in: dir, status: 64,
                          message: "Error: link.fq: --out is also an input (sample 's' in.fastq.gz)")
        try expectFailure(["count", "s=in.fastq.gz", "--out", "c.tsv", "--summary", "hard.fq"], in: dir, status: 64,
                          message: "Error: hard.fq: --summary is also an input (sample 's' in.fastq.gz)", out: "c.tsv")
        #expect(try Data(contentsOf: reads) == before)

        #expect(try runBetseq(["count", "input=in.fastq.gz", "bound=in.fastq.gz", "--out", "c.tsv"], cwd: dir).status == 0)
        let counts = try Data(contentsOf: dir.appendingPathComponent("c.tsv"))
        try expectFailure(["ddg", "c.tsv", "--bound", "bound", "--reference", "input", "--out", "c.tsv"], in: dir, status: 64,
                          message: "Error: c.tsv: --out is also an input (the count table c.tsv)")
        try expectFailure(["fit", "linear", "c.tsv", "--bound", "bound", "--reference", "input", "--out", "c.tsv"], in: dir, status: 64,
                          message: "Error: c.tsv: --out is also an input (the table c.tsv)")
        try expectFailure(["report", "--ddg", "c.tsv", "--out", "r.html", "--json", "c.tsv"], in: dir, status: 64,
                          message: "Error: c.tsv: --json is also an input (--ddg c.tsv)", out: "r.html")
        #expect(try Data(contentsOf: dir.appendingPathComponent("c.tsv")) == counts)

        // A simulation into the folder its landscape comes from would replace that landscape.
        let sim = ["simulate", "run", "--design", design, "--depth", "2000"]
        #expect(try runBetseq(sim + ["--out", "sim"], cwd: dir).status == 0)
        let truth = try Data(contentsOf: dir.appendingPathComponent("sim/truth.tsv"))
        try expectFailure(sim + ["--landscape", "sim/truth.tsv", "--out", "sim"], in: dir, status: 64,
                          message: "betseq: sim/truth.tsv: --out is also an input (--landscape sim/truth.tsv)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("sim/truth.tsv")) == truth)
    }

    @Test func fitsRefuseWhatHasNothingToFit() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "sequence\tddg\tse\nAAAA\tnan\t1\nAAAC\t1\t1\n".write(to: dir.appendingPathComponent("one.tsv"), atomically: true, encoding: .utf8)
        try expectFailure(["fit", "linear", "one.tsv", "--design", "ATCNNCACGTGNNCTA", "--out", "m.json"], in: dir, status: 65,
                          message: "betseq: one.tsv: one row to fit (1 dropped for a zero count or a non-finite value); a fit needs at least two", out: "m.json")
        try "sequence\tddg\nAAAA\t0.5\nAAAC\t0.5\nACGT\t0.5\n".write(to: dir.appendingPathComponent("flat.tsv"), atomically: true, encoding: .utf8)
        try expectFailure(["fit", "linear", "flat.tsv", "--design", "ATCNNCACGTGNNCTA", "--out", "m.json"], in: dir, status: 65,
                          message: "betseq: flat.tsv: ddg is 0.5 in every row; a constant has nothing to fit", out: "m.json")
        var table = "sequence\tddg\tse\tbound\tinput\n"
        for k in 0..<64 { table += String((0..<4).map { Array("ACGT")[(k >> (2 * $0)) & 3] }) + "\t\(Double(k % 7) / 10)\t0.1\t\(k % 3 + 1)\t\(k % 5 + 1)\n" }
        try table.write(to: dir.appendingPathComponent("t.tsv"), atomically: true, encoding: .utf8)
        try expectFailure(["fit", "linear", "t.tsv", "--design", "ATCNNCACGTGNNCTA", "--se-column", "stderr", "--out", "m.json"], in: dir, status: 65,
                          message: "betseq: t.tsv: line 1: no column 'stderr'; the table has: sequence, ddg, se, bound, input", out: "m.json")
        try expectFailure(["fit", "linear", "t.tsv", "--design", "ATCNNCACGTGNNCTA", "--folds", "5", "--split", "0.8,0.1,0.1", "--out", "m.json"], in: dir, status: 64,
                          message: "Error: give --folds or --split, not both", out: "m.json")
        for rt in ["0", "-1", "nan"] {
            try expectFailure(["fit", "linear", "t.tsv", "--design", "ATCNNCACGTGNNCTA", "--bound", "bound", "--reference", "input", "--rt=\(rt)", "--out", "m.json"],
                              in: dir, status: 64, message: "betseq: t.tsv: RT \(Double(rt)!): expected a positive number (kcal/mol)", out: "m.json")
        }
    }

    /// Sizes that cannot be allocated are usage errors before any allocation (they aborted).
    @Test func impossibleSizesAreRefusedUpFront() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try expectFailure(["simulate", "sweep", "--design", design, "--depths", "1e3", "--replicates", "1000000000", "--out", "s.tsv"], in: dir,
                          status: 64, message: "betseq: --replicates: 1000000000: expected 1 to 10000 per depth", out: "s.tsv")
        try expectFailure(["pipeline", "--design", design, "--sweep-replicates", "20000", "--out", "p"], in: dir,
                          status: 64, message: "betseq: --replicates: 20000: expected 1 to 10000 per depth", out: "p")
        try "\(root.path)/fixtures/structures/1YJP.cif\n".write(to: dir.appendingPathComponent("train.txt"), atomically: true, encoding: .utf8)
        try expectFailure(["contacts", "train", "--train", "train.txt", "--hidden", "100000", "--out", "c.model"], in: dir, status: 64,
                          message: "betseq: contacts train: layers must be 1 to 64, heads and hidden width 1 to 4096", out: "c.model")
        try expectFailure(["contacts", "train", "--train", "train.txt", "--heads", "4096", "--hidden", "4096", "--out", "c.model"], in: dir, status: 64,
                          message: "betseq: contacts train: a network of 5 layers × 4096 heads × 4096 needs about", out: "c.model")
    }

    /// `-` is standard output for a report too; the JSON then goes only where --json says (it used
    /// to land in a file named '-.json').
    @Test func reportToStandardOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var table = "sequence\tddg\tse\n"
        for k in 0..<64 { table += String((0..<3).map { Array("ACGT")[(k >> (2 * $0)) & 3] }) + "\t\(Double(k % 7) / 10 - 0.3)\t0.1\n" }
        try table.write(to: dir.appendingPathComponent("d.tsv"), atomically: true, encoding: .utf8)
        let page = try runBetseq(["report", "--ddg", "d.tsv", "--out", "-"], cwd: dir)
        #expect(page.status == 0, "\(page.stderr)")
        #expect(page.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(page.stderr.hasSuffix("wrote the page to standard output\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["d.tsv"])
        let both = try runBetseq(["report", "--ddg", "d.tsv", "--out", "-", "--json", "r.json"], cwd: dir)
        #expect(both.status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as? [String: Any]
        #expect(summary?["betseq_report_version"] != nil)
        try expectFailure(["report", "--ddg", "d.tsv", "--out", "-", "--json", "-"], in: dir, status: 64,
                          message: "Error: -: --out and --json name the same file")
    }
}
