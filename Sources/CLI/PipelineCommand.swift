import Affinity
import ArgumentParser
import Foundation
import Pipeline
import Sequence
import Simulate

struct Pipeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Simulate, count, estimate ΔΔG, fit linear and neural models and write the report, end to end.",
        discussion: """
            Runs, in DIR: simulate (with gzip FASTQ reads) → count the reads → ddg → fit linear \
            mono, nn and di (scored against the truth) → fit nn → simulate sweep → report. Each \
            step is the library function its own betseq command calls, so every file can be \
            reproduced or replaced by hand. The network is trained on the counts (binomial \
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
    var optimizer = OptimizerKind.adam

    @Option(help: "Batch size of the network.")
    var batchSize = 1024

    @Option(help: "Network likelihood: binomial or poisson (trained on the counts, so sequences without bound reads count too) or ratio (the published fit to measured ΔΔG).")
    var likelihood = Likelihood.binomial

    @Option(help: "Hidden layer widths of the network.")
    var layers = LayerWidths([500, 500, 250])

    @Option(help: "Depths of the sweep (as 'betseq simulate sweep --depths'); 'none' skips it.")
    var sweepDepths = "1e5:1e9:9"

    @Option(help: "Replicates per depth in the sweep.")
    var sweepReplicates = 3

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard batchSize >= 2 else { throw ValidationError("--batch-size must be at least 2") }
        guard sweepReplicates >= 1 else { throw ValidationError("--sweep-replicates must be at least 1") }
    }

    func run() throws {
        let clock = Date()
        var request = PipelineRequest(out: out)
        request.landscape = landscape
        if let design { request.design = try DesignTemplate(design) }
        request.depth = depth.value
        request.duplicates = duplicates
        request.seed = seed
        request.network.maxEpochs = epochs
        request.network.optimizer = optimizer
        request.network.batchSize = batchSize
        request.network.likelihood = likelihood
        request.network.widths = layers.values
        request.sweepDepths = sweepDepths == "none" ? [] : try parseDepths(sweepDepths)
        request.sweepReplicates = sweepReplicates
        request.threads = threads.threads
        request.betseqVersion = BETSeq.version
        request.command = CommandLine.arguments.joined(separator: " ")
        let report = try runPipeline(request) { printErr($0) }
        printErr(String(format: "pipeline finished in %.0f s", Date().timeIntervalSince(clock)))
        print("report: \(report)")
    }
}
