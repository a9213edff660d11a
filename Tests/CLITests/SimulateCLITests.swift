import Foundation
import Testing
import TestSupport

@Suite struct SimulateCLITests {
    let design = "UU....ATCNNNNCACGTGNNNNCTA....U"

    @Test func simulateThenCountReproducesTheCounts() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sim = try runBetseq(["simulate", "--design", design, "--landscape", "normal:2", "--depth", "4e5",
                                 "--unbound-reads", "1e5", "--duplicates", "0.15", "--fastq", "--seed", "3", "--out", "sim"], cwd: dir)
        #expect(sim.status == 0, "\(sim.stderr)")
        for file in ["truth.tsv", "counts.tsv", "simulation.json", "input.fastq.gz", "bound.fastq.gz", "unbound.fastq.gz"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("sim/\(file)").path), "\(file)")
        }
        let truth = try String(contentsOf: dir.appendingPathComponent("sim/truth.tsv"), encoding: .utf8).split(separator: "\n")
        #expect(truth.first == "sequence\tddg_true\tfraction_bound\trelative_abundance")
        #expect(truth.count == 65_536 + 1)
        let count = try runBetseq(["count", "--design", design, "--out", "back.tsv", "input=sim/input.fastq.gz",
                                   "bound=sim/bound.fastq.gz", "unbound=sim/unbound.fastq.gz"], cwd: dir)
        #expect(count.status == 0, "\(count.stderr)")
        let simulated = try Data(contentsOf: dir.appendingPathComponent("sim/counts.tsv"))
        let counted = try Data(contentsOf: dir.appendingPathComponent("back.tsv"))
        #expect(simulated == counted)
        #expect(String(decoding: simulated.prefix(30), as: UTF8.self).hasPrefix("sequence\tinput\tbound\tunbound\n"))

        // The same seed again gives the same bytes.
        let again = try runBetseq(["simulate", "--design", design, "--landscape", "normal:2", "--depth", "4e5",
                                   "--unbound-reads", "1e5", "--duplicates", "0.15", "--fastq", "--seed", "3", "--out", "sim2"], cwd: dir)
        #expect(again.status == 0)
        for file in ["truth.tsv", "counts.tsv", "bound.fastq.gz"] {
            #expect(try Data(contentsOf: dir.appendingPathComponent("sim/\(file)")) == Data(contentsOf: dir.appendingPathComponent("sim2/\(file)")))
        }
    }

    @Test func energyModelAndMotifLandscapes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // An energy model that favours A at the first position by 1 kcal/mol.
        let model = #"{"format":"betseq-energy-model","version":1,"length":8,"mono":[[-1,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0]]}"#
        try Data(model.utf8).write(to: dir.appendingPathComponent("m.json"))
        let run = try runBetseq(["simulate", "--design", design, "--landscape", "m.json", "--depth", "1e5", "--out", "a"], cwd: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try String(contentsOf: dir.appendingPathComponent("a/truth.tsv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let aFirst = rows.first { $0.hasPrefix("A") }, cFirst = rows.first { $0.hasPrefix("C") }
        // Mean-centred: A-first sequences at −0.75, the others at +0.25.
        #expect(aFirst?.split(separator: "\t")[1] == "-0.750000")
        #expect(cFirst?.split(separator: "\t")[1] == "0.250000")

        let motif = ">M1 toy\nA [ 1 0 1 0 0 0 0 1 ]\nC [ 1 1 0 1 0 0 0 1 ]\nG [ 1 0 0 0 1 0 1 1 ]\nT [ 1 0 0 0 0 1 0 1 ]\n"
        try Data(motif.utf8).write(to: dir.appendingPathComponent("m.jaspar"))
        let fromMotif = try runBetseq(["simulate", "--design", design, "--landscape", "m.jaspar", "--depth", "1e5", "--out", "b"], cwd: dir)
        #expect(fromMotif.status == 0, "\(fromMotif.stderr)")
        #expect(fromMotif.stderr.contains("M1 toy on the forward strand"))
    }

    @Test func badLandscapeFailsCleanlyWithoutOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"format":"betseq-energy-model","version":1,"length":3,"mono":[[0,0,0,0],[0,0,0,0],[0,0,0,0]]}"#.utf8)
            .write(to: dir.appendingPathComponent("short.json"))
        for (spec, status, message) in [("normal:abc", Int32(64), "betseq: --landscape: 'normal:abc': expected normal:RANGE"),
                                        ("missing.json", 66, "betseq: missing.json: cannot read the landscape file"),
                                        ("short.json", 64, "betseq: short.json: the model covers 3 positions but the design has")] {
            let run = try runBetseq(["simulate", "--design", design, "--landscape", spec, "--out", "out"], cwd: dir)
            #expect(run.status == status, "\(spec): \(run.stderr)")
            #expect(run.stderr.hasPrefix(message), "\(spec): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(spec): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
        }
    }

    @Test func sweepWritesTableAndChart() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runBetseq(["simulate", "sweep", "--design", design, "--landscape", "normal:3", "--depths", "1e3:1e7:3",
                                 "--replicates", "2", "--out", "sweep.tsv"], cwd: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try String(contentsOf: dir.appendingPathComponent("sweep.tsv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 4)
        #expect(rows[0].hasPrefix("depth\tbound_reads\tinput_reads\tmean_reads_per_seq\treplicates\tfrac_observed"))
        #expect(rows[3].hasPrefix("10000000\t5000000\t5000000\t"))
        let svg = try String(contentsOf: dir.appendingPathComponent("sweep.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline"))
    }
}
