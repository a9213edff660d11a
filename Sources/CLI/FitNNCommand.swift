import Affinity
import ArgumentParser
import Foundation
import IO
import Sequence
import Simulate

struct FitNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn",
        abstract: "Fit the neural ΔΔG network on one-hot DNA (published architecture and recipe by default).",
        discussion: """
            Ratio mode (default): weighted MSE on measured ΔΔG (weights 1/se² when the table has se), \
            Gaussian target noise, 80/10/10 split by --seed; the weights of the best validation epoch \
            are kept. Count mode (--likelihood poisson|binomial with --bound and --reference): the \
            network's output is a log affinity; bound counts follow Poisson((input + 0.5)·exp(o)) or \
            Binomial(bound + input, σ(o)), so sequences with no bound read still inform the fit; \
            ΔΔG = −RT·o. Per-epoch loss, validation RMSE and seconds go to stderr and into the model's \
            metadata. 'betseq predict MODEL --all' gives mean-centred ΔΔG for every sequence.
            """)

    @Argument(help: "ddg.tsv (ratio mode) or a count table (count mode).")
    var table: String

    @Option(help: "Output model file (JSON metadata + float32 weights).")
    var out: String

    @Option(help: "ratio, poisson or binomial.")
    var likelihood = Likelihood.ratio

    @Option(help: "Bound count column (count mode); comma-separated replicate columns are pooled.")
    var bound: String?

    @Option(help: "Reference (input) count column (count mode); comma-separated replicate columns are pooled.")
    var reference: String?

    @Option(help: "Target column in ratio mode (default: \(DDGTable.Column.ddg), else \(TruthTable.Column.ddg)).")
    var target: String?

    @Flag(help: "Ratio mode without inverse-variance weights.")
    var unweighted = false

    @Option(help: "sgd or adam.")
    var optimizer = OptimizerKind.sgd

    @Option(help: "Learning rate.")
    var lr = 1e-3

    @Option(help: "SGD momentum.")
    var momentum = 0.0

    @Option(help: "L2 weight decay.")
    var weightDecay = 0.01

    @Option(help: "Rows per optimizer step.")
    var batchSize = 256

    @Option(help: "Maximum epochs.")
    var maxEpochs = 100

    @Option(help: "Stop after this many epochs without improvement (learning rate ÷10 at half).")
    var patience = 5

    @Option(help: "SD of Gaussian noise added to training targets (ratio mode).")
    var targetNoise = 0.5

    @Option(help: "Hidden layer widths, comma-separated.")
    var layers = LayerWidths([500, 500, 250])

    @Option(help: "Dropout on the second and later hidden layers.")
    var dropout = 0.25

    @Option(help: "Random seed (split, initialisation, dropout, shuffling, noise).")
    var seed: UInt64 = 0

    @OptionGroup var threads: ThreadOptions

    @Option(help: "truth.tsv (\(TruthTable.Column.ddg)) to score the trained network against.")
    var truth: String?

    @Option(help: "RT in kcal/mol.")
    var rt = defaultRT

    func validate() throws {
        try usageCheck { try checkDistinctOutputs([("--out", out)], inputs: [("the table", table)] + (truth.map { [("--truth", $0)] } ?? [])) }
        if likelihood != .ratio && (bound == nil || reference == nil) { throw ValidationError("count likelihoods need --bound and --reference") }
    }

    func run() throws {
        var request = NeuralFitRequest(table: table)
        if let bound, let reference { request.counts = (bound, reference) }
        request.targets = target.map { [$0] } ?? [DDGTable.Column.ddg, TruthTable.Column.ddg]
        request.weighted = !unweighted
        request.truth = try truth.map(TruthTable.read)
        var o = NeuralOptions()
        o.likelihood = likelihood; o.optimizer = optimizer; o.learningRate = lr; o.momentum = momentum; o.weightDecay = weightDecay
        o.batchSize = batchSize; o.maxEpochs = maxEpochs; o.patience = patience; o.targetNoise = targetNoise
        o.widths = layers.values; o.dropout = dropout; o.seed = seed; o.threads = threads.threads; o.rt = rt
        request.options = o
        request.betseqVersion = BETSeq.version
        request.command = CommandLine.arguments.joined(separator: " ")
        let fit = try fitNeuralModel(request) { printErr($0) }
        try fit.network.save(path: out, metadata: fit.metadata)
        printErr("best epoch \(fit.metadata.bestEpoch) of \(fit.metadata.history.count) (\(fit.metadata.stopReason)); \(fit.network.parameterCount) parameters; wrote \(out)")
    }
}
