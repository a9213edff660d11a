import Foundation
import IO
import Learn
import Sequence

/// Rows to train on: sequence keys with either a ΔΔG target (and weights) or bound/reference counts.
public struct NeuralData: Sendable {
    public var keys: [UInt64]
    public var target: [Double]
    public var weights: [Double]?
    public var bound: [Double]
    public var reference: [Double]
    public init(keys: [UInt64], target: [Double], weights: [Double]?, bound: [Double] = [], reference: [Double] = []) {
        self.keys = keys
        self.target = target
        self.weights = weights
        self.bound = bound
        self.reference = reference
    }
}

/// One epoch of training, as logged.
public struct EpochRecord: Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var validationLoss: Double
    /// RMSE of predicted vs measured ΔΔG on validation rows (with both counts > 0 in count mode).
    public var validationRMSE: Double
    public var learningRate: Double
    public var seconds: Double
}

public struct NeuralTraining: Sendable {
    public var history: [EpochRecord]
    public var bestEpoch: Int
    public var stopReason: String
    public var split: (train: [Int], validation: [Int], test: [Int])
}

/// Trains a network on an 80/10/10 split of the rows (seeded); keeps the weights of the epoch
/// with the lowest validation loss. Deterministic for a fixed seed and thread count.
public func trainNetwork(_ data: NeuralData, length: Int, options o: NeuralOptions,
                         log: (String) -> Void = { _ in }) throws -> (DDGNetwork, NeuralTraining) {
    let n = data.keys.count
    guard n >= 10 else { throw BETSeqError(.invalidOption, file: "fit nn", "need at least 10 rows, got \(n)") }
    try o.validate()
    try o.checkMemory(length: length)
    if o.likelihood != .ratio && (data.bound.count != n || data.reference.count != n) {
        throw BETSeqError(.invalidOption, file: "fit nn", "count likelihoods need bound and reference counts")
    }
    NumericEnvironment.flushDenormals()
    NumericEnvironment.setThreads(o.threads)
    let split = RowSplit(rows: n, train: 0.8, validation: 0.1, seed: o.seed &+ 12_345, rounding: .down)
    let network = DDGNetwork(length: length, widths: o.widths, dropout: o.dropout, likelihood: o.likelihood, rt: o.rt, seed: o.seed)
    let objective = NeuralObjective(network: network, data: data, trainRows: split.train, options: o)
    var order = EpochOrder(split.train, seed: o.seed &+ 1, reshuffle: .cumulative)
    var history: [EpochRecord] = []
    var lastRMSE = Double.nan
    let state = network.net.parameters + network.net.buffers
    let schedule = TrainingSchedule(maxEpochs: o.maxEpochs, patience: o.patience, goal: .minimize, decayAfter: max(1, o.patience / 2))
    let outcome = try runTraining(schedule, epoch: { _ in
        objective.trainEpoch(order.next())
    }, evaluate: { epoch in
        let (loss, rmse) = objective.validation(split.validation)
        guard loss.isFinite else {
            throw BETSeqError(.numerical, file: "fit nn", "training diverged at epoch \(epoch) (non-finite validation loss); lower the learning rate")
        }
        lastRMSE = rmse
        return loss
    }, snapshot: {
        ParameterStore.flatten(state)
    }, decay: {
        objective.optimizer.learningRate *= 0.1
    }, report: { e in
        let record = EpochRecord(epoch: e.epoch, trainLoss: e.trainLoss, validationLoss: e.score ?? .nan,
                                 validationRMSE: lastRMSE, learningRate: objective.optimizer.learningRate, seconds: e.seconds)
        history.append(record)
        log(String(format: "epoch %3d  train %7.2f s (%.0f rows/s)  loss %.4f  val loss %.4f  val RMSE %.4f  lr %.1e",
                   e.epoch, e.seconds, Double(split.train.count) / max(e.seconds, 1e-9), record.trainLoss, record.validationLoss,
                   record.validationRMSE, record.learningRate) + (e.improved ? "  *" : ""))
    })
    _ = ParameterStore.restore(outcome.best, into: state)
    return (network, NeuralTraining(history: history, bestEpoch: outcome.bestEpoch, stopReason: outcome.stopReason.rawValue,
                                    split: (split.train, split.validation, split.test)))
}

/// What one network minimises: the likelihood of its rows, mini-batch steps over an epoch, and the
/// validation loss and ΔΔG error.
private final class NeuralObjective {
    let network: DDGNetwork
    let data: NeuralData
    let o: NeuralOptions
    let optimizer: any Optimizer
    let parameters: [Parameter<Float>]
    /// Weights normalised to mean 1 over the training rows, so the loss scale does not depend on depth.
    let weights: [Float]?
    let target: [Float], bound: [Float], reference: [Float]
    /// Gaussian target noise (ratio training), one stream across epochs.
    var noise: SplitMix64

    init(network: DDGNetwork, data: NeuralData, trainRows: [Int], options o: NeuralOptions) {
        self.network = network
        self.data = data
        self.o = o
        parameters = network.net.parameters
        optimizer = o.optimizer == .sgd
            ? SGD<Float>(learningRate: o.learningRate, momentum: o.momentum, weightDecay: o.weightDecay)
            : Adam<Float>(learningRate: o.learningRate, weightDecay: o.weightDecay)
        weights = data.weights.map { w in
            let mean = trainRows.reduce(0.0) { $0 + w[$1] } / Double(trainRows.count)
            return w.map { Float($0 / mean) }
        }
        target = data.target.map(Float.init)
        bound = data.bound.map(Float.init)
        reference = data.reference.map(Float.init)
        noise = SplitMix64(seed: o.seed &+ 2)
    }

    func step() {
        if let sgd = optimizer as? SGD<Float> { sgd.step(parameters) } else if let adam = optimizer as? Adam<Float> { adam.step(parameters) }
    }

    /// The loss of outputs for rows and its gradient; training adds target noise in ratio mode.
    func loss(_ out: [Float], rows: ArraySlice<Int>, training: Bool) -> (Float, [Float]) {
        switch o.likelihood {
        case .ratio:
            var y = rows.map { target[$0] }
            if training && o.targetNoise > 0 { for i in y.indices { y[i] += Float(noise.normal() * o.targetNoise) } }
            return Loss.weightedMSE(out, y, weights: weights.map { w in rows.map { w[$0] } })
        case .poisson:
            return Loss.poisson(out, counts: rows.map { bound[$0] }, exposure: rows.map { reference[$0] + 0.5 })
        case .binomial:
            return Loss.binomial(out, successes: rows.map { bound[$0] }, trials: rows.map { bound[$0] + reference[$0] })
        }
    }

    /// One pass over the rows in mini-batches (a last batch of one row is skipped: batch norm needs
    /// two); the mean batch loss.
    func trainEpoch(_ rows: [Int]) -> Double {
        var total = 0.0, steps = 0
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + o.batchSize)
            defer { start = end }
            guard end - start >= 2 else { continue }
            let batch = rows[start..<end]
            network.net.zeroGradients()
            let out = network.net.forward(network.encode(batch.map { data.keys[$0] }[...]), training: true)
            let (l, g) = loss(out.values, rows: batch, training: true)
            _ = network.net.backward(Batch(rows: g.count, columns: 1, values: g))
            step()
            total += Double(l)
            steps += 1
        }
        return total / Double(max(1, steps))
    }

    /// Validation loss, and the RMSE of predicted vs measured ΔΔG where measured (count likelihoods
    /// fix ΔΔG only up to a constant: compared after removing the mean offset).
    func validation(_ rows: [Int]) -> (loss: Double, rmse: Double) {
        let out = network.outputs(rows.map { data.keys[$0] }, threads: o.threads)
        let l = Double(loss(out, rows: rows[...], training: false).0)
        let scale: Float = o.likelihood == .ratio ? 1 : Float(-o.rt)
        let measured = rows.indices.filter { data.target[rows[$0]].isFinite }
        guard !measured.isEmpty else { return (l, .nan) }
        let y = measured.map { data.target[rows[$0]] }, p = measured.map { Double(out[$0] * scale) }
        let fit = o.likelihood == .ratio ? FitMetrics(target: y, prediction: p) : FitMetrics.offsetFree(target: y, prediction: p)
        return (l, fit.rmse)
    }
}

extension NeuralOptions {
    /// Throws a usage error for options no training can use.
    public func validate() throws {
        guard batchSize >= 2, maxEpochs >= 1, patience >= 1, threads >= 1, !widths.isEmpty, widths.allSatisfy({ $0 >= 1 }),
              dropout.isFinite, (0..<1).contains(dropout) else {
            throw BETSeqError(.invalidOption, file: "fit nn", "batch size ≥ 2, epochs, patience, threads ≥ 1, widths ≥ 1 and dropout in [0, 1) are required")
        }
        guard learningRate.isFinite, learningRate > 0, learningRate <= 1 else {
            throw BETSeqError(.invalidOption, file: "fit nn", "learning rate \(learningRate): expected a number in (0, 1]")
        }
        guard momentum.isFinite, (0..<1).contains(momentum), weightDecay.isFinite, weightDecay >= 0,
              targetNoise.isFinite, targetNoise >= 0, rt.isFinite, rt > 0 else {
            throw BETSeqError(.invalidOption, file: "fit nn", "momentum must be in [0, 1); weight decay, target noise ≥ 0 and RT > 0, all finite")
        }
    }

    /// Throws when training this network on `length` positions would not fit in memory: weights,
    /// gradients and two optimizer moments, plus a batch's activations in each layer (about six
    /// arrays of batch × width floats through linear, batch norm, activation and dropout).
    public func checkMemory(length: Int) throws {
        let parameters = MemoryBudget.mlpParameters(inputs: OneHot.width(length), widths: widths, outputs: 1)
        let activations = Double(batchSize) * Double(widths.reduce(0, +)) * 6
        try MemoryBudget.check(4 * (4 * parameters + activations), for: "a network of widths \(widths.map(String.init).joined(separator: ","))", file: "fit nn")
    }
}
