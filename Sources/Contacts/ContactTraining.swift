import Foundation
import IO
import Learn

// MARK: Training

public struct ContactTrainingOptions: Sendable {
    public enum LossKind: String, Sendable, CaseIterable { case bce, weighted, focal }
    public var maxEpochs = 200
    public var timeBudget: Double?
    public var seed: UInt64 = 0
    public var learningRate = 1e-3
    public var weightDecay = 0.0
    /// Stop after this many evaluations without a better validation mean AUPRC.
    public var patience = 10
    public var evaluateEvery = 1
    public var loss = LossKind.weighted
    public var focalGamma = 2.0
    public var threads = 2
    public init() {}
}

extension ContactTrainingOptions {
    /// Throws a usage error for options no training can use.
    public func validate() throws {
        guard learningRate.isFinite, learningRate > 0, learningRate <= 1 else {
            throw BETSeqError(.invalidOption, file: "contacts train", "learning rate \(learningRate): expected a number in (0, 1]")
        }
        guard weightDecay.isFinite, weightDecay >= 0, focalGamma.isFinite, focalGamma >= 0 else {
            throw BETSeqError(.invalidOption, file: "contacts train", "weight decay and focal gamma must be finite and ≥ 0")
        }
        guard maxEpochs >= 1, evaluateEvery >= 1, patience >= 1, threads >= 1 else {
            throw BETSeqError(.invalidOption, file: "contacts train", "epochs, evaluation interval, patience and threads must be at least 1")
        }
        if let t = timeBudget, !(t.isFinite && t >= 0) {
            throw BETSeqError(.invalidOption, file: "contacts train", "time budget \(t): expected seconds ≥ 0")
        }
    }
}

public struct ContactEpoch: Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var seconds: Double
    public var validationAUPRC: Double?
    public var trainAUPRC: Double?
}

/// Adam over structures (one structure per optimizer step, in a seeded random order each epoch);
/// after every `evaluateEvery` epochs the validation mean AUPRC decides the best model (kept) and
/// early stopping. Without validation structures, the training AUPRC decides. `checkpoint` is
/// called with the network and the history so far whenever the score improves.
public func trainContactNetwork(_ network: ContactNetwork, train: [ContactExample], valid: [ContactExample],
                                options o: ContactTrainingOptions, log: (String) -> Void = { _ in },
                                checkpoint: (ContactNetwork, [ContactEpoch]) throws -> Void = { _, _ in }) throws
    -> (best: [Float], history: [ContactEpoch], bestEpoch: Int, stopReason: String) {
    try o.validate()
    NumericEnvironment.flushDenormals()
    NumericEnvironment.setThreads(o.threads)
    let optimizer = Adam<Float>(learningRate: o.learningRate, weightDecay: o.weightDecay)
    // Positive weights per channel from the training prevalence: sqrt(negatives/positives) in [1, 100].
    var positives = [Double](repeating: 0, count: 8), total = 0.0
    for ex in train { for q in 0..<ex.pairCount where ex.mask[q] > 0 { total += 1; for c in 0..<8 { positives[c] += Double(ex.targets[q * 8 + c]) } } }
    let weights: [Float] = o.loss == .weighted
        ? positives.map { $0 > 0 ? Float(min(100, max(1, ((total - $0) / $0).squareRoot()))) : 1 }
        : [Float](repeating: 1, count: 8)
    let gamma: Float = o.loss == .focal ? Float(o.focalGamma) : 0
    var order = EpochOrder(Array(train.indices), seed: o.seed, reshuffle: .fresh)
    var history: [ContactEpoch] = []
    let schedule = TrainingSchedule(maxEpochs: max(1, o.maxEpochs), patience: o.patience, goal: .maximize,
                                    evaluateEvery: o.evaluateEvery, timeBudget: o.timeBudget)
    let outcome = try runTraining(schedule, epoch: { epochNumber in
        var lossSum = 0.0
        for i in order.next() {
            let ex = train[i]
            let logits = network.forward(ex, training: true)
            let (loss, gradient) = Loss.maskedBinaryCrossEntropy(logits, ex.targets, columns: 8, mask: ex.mask,
                                                                 positiveWeight: weights, focalGamma: gamma)
            for p in network.parameters { for k in p.gradient.indices { p.gradient[k] = 0 } }
            network.backward(gradient)
            optimizer.step(network.parameters)
            lossSum += Double(loss)
        }
        let mean = lossSum / Double(max(1, train.count))
        guard mean.isFinite else {
            throw BETSeqError(.numerical, file: "contacts train", "training diverged at epoch \(epochNumber) (non-finite loss); lower the learning rate")
        }
        return mean
    }, evaluate: { _ in
        meanAUPRC(channelMetrics(valid.isEmpty ? train : valid) { network.predict($0) })
    }, snapshot: {
        ParameterStore.flatten(network.parameters + network.buffers)
    }, report: { e in
        var record = ContactEpoch(epoch: e.epoch, trainLoss: e.trainLoss, seconds: e.seconds)
        if let score = e.score {
            if valid.isEmpty { record.trainAUPRC = score } else { record.validationAUPRC = score }
            log(String(format: "epoch %5d  %8.1f ms  loss %.5f  %@ mean AUPRC %.4f%@", e.epoch, e.seconds * 1000, e.trainLoss,
                       valid.isEmpty ? "train" : "valid", score, e.improved ? "  *" : ""))
        }
        history.append(record)
        if e.improved { try checkpoint(network, history) }
    })
    return (outcome.best, history, outcome.bestEpoch, outcome.stopReason.rawValue)
}

/// Everything `betseq contacts train` takes.
public struct ContactTrainingRequest: Sendable {
    /// List files of training and (optional) validation structures.
    public var train: String
    public var valid: String?
    /// The model file, written at every improvement (a checkpoint) and at the end.
    public var out: String
    public var config = ContactNetworkConfig()
    public var options = ContactTrainingOptions()
    /// Weight of pairs whose residues miss template atoms.
    public var missingWeight: Float = 0.1
    public var betseqVersion = ""
    public var command = ""

    public init(train: String, out: String) {
        self.train = train
        self.out = out
    }
}

/// Prepares the structures, trains, and writes the best network to `request.out` (checkpoints on
/// the way). `log` gets the set sizes, the architecture and one line per evaluation.
public func trainContactModel(_ r: ContactTrainingRequest, log: (String) -> Void = { _ in }) throws
    -> (network: ContactNetwork, metadata: ContactModelMetadata) {
    let o = r.options
    try o.validate()
    guard r.config.layers >= 1, r.config.hasValidSizes else {
        throw BETSeqError(.invalidOption, file: "contacts train", "layers must be 1 to 64, heads and hidden width 1 to 4096")
    }
    // Weights, gradients and Adam's two moments, in float32, before any is allocated.
    try MemoryBudget.check(16 * r.config.leastParameterCount,
                           for: "a network of \(r.config.layers) layers × \(r.config.heads) heads × \(r.config.hidden)", file: "contacts train")
    guard r.missingWeight.isFinite, r.missingWeight >= 0, r.missingWeight <= 1 else {
        throw BETSeqError(.invalidOption, file: "contacts train", "missing-atom weight \(r.missingWeight): expected a number in [0, 1]")
    }
    let clock = Date()
    let trainPaths = try StructureList.read(path: r.train), validPaths = try r.valid.map(StructureList.read) ?? []
    try checkDistinctOutputs([("--out", r.out)], inputs: (trainPaths + validPaths).map { ("a listed structure", $0) })
    let trainSet = try ContactExample.load(trainPaths, config: r.config, withTargets: true, missingWeight: r.missingWeight)
    let validSet = try ContactExample.load(validPaths, config: r.config, withTargets: true, missingWeight: r.missingWeight)
    let atoms = trainSet.reduce(0) { $0 + $1.tokens.count }, pairs = trainSet.reduce(0) { $0 + $1.pairCount }
    log(String(format: "contacts train: %d training structures (%d atoms, %d pairs), %d validation; prepared in %.1f s",
               trainSet.count, atoms, pairs, validSet.count, Date().timeIntervalSince(clock)))
    let network = ContactNetwork(config: r.config, seed: o.seed)
    log("\(r.config.variant.rawValue), \(r.config.layers) layers × \(r.config.heads) heads × \(r.config.hidden), \(network.parameterCount) parameters, loss \(o.loss.rawValue)")
    func metadata(_ history: [ContactEpoch], bestEpoch: Int, stop: String) -> ContactModelMetadata {
        ContactModelMetadata(history: history.map(ContactModelMetadata.Epoch.init), bestEpoch: bestEpoch, stopReason: stop,
                             train: trainPaths, valid: validPaths, loss: o.loss.rawValue, seed: o.seed,
                             provenance: .init(betseqVersion: r.betseqVersion, command: r.command))
    }
    let result = try trainContactNetwork(network, train: trainSet, valid: validSet, options: o, log: log) { net, history in
        try net.save(path: r.out, metadata: metadata(history, bestEpoch: history.last?.epoch ?? 0, stop: "checkpoint"))
    }
    let final = ContactNetwork(config: r.config, seed: o.seed)
    _ = final.restore(result.best)
    let record = metadata(result.history, bestEpoch: result.bestEpoch, stop: result.stopReason)
    try final.save(path: r.out, metadata: record)
    return (final, record)
}
