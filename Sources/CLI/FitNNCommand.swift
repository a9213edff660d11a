import Affinity
import ArgumentParser
import Foundation
import IO
import Sequence

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
    var likelihood: String = "ratio"

    @Option(help: "Bound count column (count mode).")
    var bound: String?

    @Option(help: "Reference (input) count column (count mode).")
    var reference: String?

    @Option(help: "Target column in ratio mode (default: ddg, else ddg_true).")
    var target: String?

    @Flag(help: "Ratio mode without inverse-variance weights.")
    var unweighted = false

    @Option(help: "sgd or adam.")
    var optimizer: String = "sgd"

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
    var layers = "500,500,250"

    @Option(help: "Dropout on the second and later hidden layers.")
    var dropout = 0.25

    @Option(help: "Random seed (split, initialisation, dropout, shuffling, noise).")
    var seed: UInt64 = 0

    @Option(help: "BLAS threads.")
    var threads = 2

    @Option(help: "truth.tsv (ddg_true) to score the trained network against.")
    var truth: String?

    @Option(help: "RT in kcal/mol.")
    var rt = 0.593

    func run() throws {
        var o = NeuralOptions()
        guard let lk = Likelihood(rawValue: likelihood) else { throw ValidationError("--likelihood must be ratio, poisson or binomial") }
        guard let opt = OptimizerKind(rawValue: optimizer) else { throw ValidationError("--optimizer must be sgd or adam") }
        let widths = layers.split(separator: ",").compactMap { Int($0) }
        guard !widths.isEmpty, widths.count == layers.split(separator: ",").count else { throw ValidationError("--layers: comma-separated widths") }
        o.likelihood = lk; o.optimizer = opt; o.learningRate = lr; o.momentum = momentum; o.weightDecay = weightDecay
        o.batchSize = batchSize; o.maxEpochs = maxEpochs; o.patience = patience; o.targetNoise = targetNoise
        o.widths = widths; o.dropout = dropout; o.seed = seed; o.threads = threads; o.rt = rt

        let data: NeuralData
        let length: Int
        if lk == .ratio {
            let rows = try TargetRows.read(path: table, target: target, seColumn: "se", weighted: !unweighted)
            data = NeuralData(keys: rows.keys, target: rows.targets, weights: rows.weights)
            length = rows.length
        } else {
            guard let bound, let reference else { throw ValidationError("count likelihoods need --bound and --reference") }
            let t = try SequenceTable.read(path: table, required: [bound, reference])
            let b = t.column(bound) ?? [], u = t.column(reference) ?? []
            // The measured ΔΔG where it exists, for validation RMSE only.
            let measured = ddgFromCounts(bound: b, reference: u, rt: rt)
            var keys: [UInt64] = [], bs: [Double] = [], us: [Double] = [], ys: [Double] = []
            for i in t.keys.indices where b[i] + u[i] > 0 && b[i] >= 0 && u[i] >= 0 {
                keys.append(t.keys[i]); bs.append(b[i]); us.append(u[i]); ys.append(measured[i])
            }
            data = NeuralData(keys: keys, target: ys, weights: nil, bound: bs, reference: us)
            length = t.length
        }
        guard length >= 1 else { throw BETSeqError(.malformedTable, file: table, "no rows") }
        printErr("fit nn: \(data.keys.count) rows, \(length) positions, \(lk.rawValue) likelihood, \(opt.rawValue), batch \(batchSize), layers \(layers), threads \(threads)")
        let (network, training) = try trainNetwork(data, length: length, options: o) { printErr($0) }

        let heldOut = heldOutMetrics(network, data: data, rows: training.split.test, threads: threads)
        printErr(String(format: "test rows vs measured ΔΔG: R² %.4f, Pearson r² %.4f, RMSE %.4f (%d rows)",
                        heldOut.r2, heldOut.pearsonR2, heldOut.rmse, heldOut.rows))
        var metrics: [String: Any] = ["test": heldOut.json]
        if let truth {
            let t = try SequenceTable.read(path: truth, required: ["ddg_true"])
            guard t.length == length, length <= 12 else {
                throw BETSeqError(.malformedTable, file: truth, "truth sequences must have the model's \(length) bases (≤ 12)")
            }
            var land = [Double](repeating: .nan, count: 1 << (2 * length))
            for (k, v) in zip(t.keys, t.column("ddg_true") ?? []) { land[Int(k)] = v }
            let all = try network.predictAll(threads: threads)
            let test = training.split.test
            let testKeys = test.map { Int(data.keys[$0]) }
            let known = testKeys.filter { land[$0].isFinite }
            let measured = test.filter { data.target[$0].isFinite && land[Int(data.keys[$0])].isFinite }
            let network = FitMetrics(target: known.map { land[$0] }, prediction: known.map { all[$0] })
            let library = FitMetrics(target: land.filter(\.isFinite), prediction: all.indices.filter { land[$0].isFinite }.map { all[$0] })
            let raw = FitMetrics(target: measured.map { land[Int(data.keys[$0])] }, prediction: measured.map { data.target[$0] })
            printErr(String(format: "vs truth: network (test rows) Pearson r² %.4f, (library) %.4f; raw measured ΔΔG (test rows) %.4f",
                            network.pearsonR2, library.pearsonR2, raw.pearsonR2))
            metrics["truth_test_pearson_r2"] = network.pearsonR2
            metrics["truth_library_pearson_r2"] = library.pearsonR2
            metrics["measured_vs_truth_test_pearson_r2"] = raw.pearsonR2
        }
        let history: [[String: Any]] = training.history.map {
            ["epoch": $0.epoch, "train_loss": $0.trainLoss, "validation_loss": $0.validationLoss,
             "validation_rmse": $0.validationRMSE.isFinite ? $0.validationRMSE : NSNull(), "learning_rate": $0.learningRate,
             "seconds": $0.seconds]
        }
        let metadata: [String: Any] = [
            "history": history, "best_epoch": training.bestEpoch, "stop_reason": training.stopReason,
            "rows": ["train": training.split.train.count, "validation": training.split.validation.count, "test": training.split.test.count],
            "options": ["optimizer": optimizer, "learning_rate": lr, "momentum": momentum, "weight_decay": weightDecay,
                        "batch_size": batchSize, "max_epochs": maxEpochs, "patience": patience, "target_noise": targetNoise,
                        "seed": seed, "threads": threads, "weighted": data.weights != nil],
            "metrics": metrics,
            "provenance": ["input": table, "betseq_version": BETSeq.version, "command": CommandLine.arguments.joined(separator: " ")],
        ]
        try network.save(path: out, metadata: metadata)
        printErr("best epoch \(training.bestEpoch) of \(training.history.count) (\(training.stopReason)); \(network.parameterCount) parameters; wrote \(out)")
    }
}
