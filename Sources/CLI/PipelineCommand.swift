import ArgumentParser
import Foundation
import IO
import Sequence

struct Pipeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Simulate, count, estimate ΔΔG, fit linear and neural models and write the report, end to end.",
        discussion: """
            Runs, in DIR: simulate (with gzip FASTQ reads) → count the reads → ddg → fit linear \
            mono, nn and di (scored against the truth) → fit nn → simulate sweep → report. Each \
            step is the betseq command of the same name with the options below, so every file can \
            be reproduced or replaced by hand. The network is trained on the counts (binomial \
            likelihood) with Adam and batch 1024 by default, a quick run that also learns from \
            sequences without bound reads; 'betseq fit nn' alone defaults to the published ratio \
            fit with SGD.
            """)

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(help: "Landscape for the simulation and the sweep (as 'betseq simulate --landscape').")
    var landscape = "motif:cbf1"

    @Option(help: "Design template (default: the published BET-seq amplicon).")
    var design: String?

    @Option(help: "Total reads, split between bound and input.")
    var depth = ReadCount(10_000_000)

    @Option(help: "Fraction of reads that are PCR duplicates.")
    var duplicates = 0.1

    @Option(help: "Random seed for every step.")
    var seed: UInt64 = 1

    @Option(help: "Training epochs of the network.")
    var epochs = 5

    @Option(help: "Optimizer of the network: sgd or adam.")
    var optimizer = "adam"

    @Option(help: "Batch size of the network.")
    var batchSize = 1024

    @Option(help: "Network likelihood: binomial or poisson (trained on the counts, so sequences without bound reads count too) or ratio (the published fit to measured ΔΔG).")
    var likelihood = "binomial"

    @Option(help: "Hidden layer widths of the network.")
    var layers = "500,500,250"

    @Option(help: "Depths of the sweep (as 'betseq simulate sweep --depths'); 'none' skips it.")
    var sweepDepths = "1e5:1e9:9"

    @Option(help: "Replicates per depth in the sweep.")
    var sweepReplicates = 3

    @Option(help: "Threads.")
    var threads = 2

    func run() throws {
        let clock = Date()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }
        let designArgs = design.map { ["--design", $0] } ?? []
        func step<C: ParsableCommand>(_ type: C.Type, _ title: String, _ args: [String]) throws {
            printErr("== betseq \(title) \(args.joined(separator: " "))")
            var command = try type.parse(args)
            try command.run()
        }
        try step(SimulateRun.self, "simulate", ["--landscape", landscape, "--depth", String(depth.value), "--duplicates", String(duplicates),
                                                "--fastq", "--seed", String(seed), "--out", path("sim")] + designArgs)
        try step(Count.self, "count", ["--out", path("counts.tsv"), "--summary", path("count_summary.tsv")] + designArgs
                 + ["input=" + path("sim/input.fastq.gz"), "bound=" + path("sim/bound.fastq.gz")])
        let same = try readAllBytes(path: path("counts.tsv")) == readAllBytes(path: path("sim/counts.tsv"))
        printErr(same ? "counts from the reads equal the simulated counts" : "warning: counts from the reads differ from the simulated counts")
        try step(DDG.self, "ddg", [path("counts.tsv"), "--bound", "bound", "--reference", "input", "--out", path("ddg.tsv")])
        var models: [String] = []
        for features in ["mono", "nn", "di"] {
            try step(FitLinear.self, "fit linear", ["--features", features, path("ddg.tsv"), "--truth", path("sim/truth.tsv"),
                                                                "--seed", String(seed), "--out", path("\(features).json")] + designArgs)
            models.append(path("\(features).json"))
        }
        let table = likelihood == "ratio" ? path("ddg.tsv") : path("counts.tsv")
        let countArgs = likelihood == "ratio" ? [] : ["--bound", "bound", "--reference", "input"]
        try step(FitNN.self, "fit nn", [table, "--likelihood", likelihood] + countArgs
                 + ["--optimizer", optimizer, "--batch-size", String(batchSize), "--max-epochs", String(epochs), "--layers", layers,
                    "--seed", String(seed), "--threads", String(threads), "--truth", path("sim/truth.tsv"), "--out", path("network.model")])
        models.append(path("network.model"))
        var reportArgs = ["--ddg", path("ddg.tsv"), "--counts", path("counts.tsv"), "--truth", path("sim/truth.tsv")]
        if sweepDepths != "none" {
            try step(SimulateSweep.self, "simulate sweep", ["--landscape", landscape, "--depths", sweepDepths, "--replicates", String(sweepReplicates),
                                                   "--seed", String(seed), "--out", path("sweep.tsv")] + designArgs)
            reportArgs += ["--sweep", path("sweep.tsv")]
        }
        try step(ReportCommand.self, "report", reportArgs + models.flatMap { ["--model", $0] }
                 + ["--threads", String(threads), "--out", path("report.html")])
        printErr(String(format: "pipeline finished in %.0f s", Date().timeIntervalSince(clock)))
        print("report: \(path("report.html"))")
    }
}
