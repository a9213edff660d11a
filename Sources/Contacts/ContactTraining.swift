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
    /// Structures per Adam step (their losses averaged); the threads share them out.
    public var batchStructures = 4
    /// Fraction of the distant non-contact pairs each step samples (weighted by its inverse);
    /// contacts and same-chain pairs up to `localSeparation` apart are always taken. 1 takes all.
    public var negativeFraction = 0.1
    public var localSeparation = 8
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
        guard (1...1024).contains(batchStructures) else {
            throw BETSeqError(.invalidOption, file: "contacts train", "structures per step \(batchStructures): expected 1 to 1024")
        }
        guard negativeFraction.isFinite, negativeFraction > 0, negativeFraction <= 1 else {
            throw BETSeqError(.invalidOption, file: "contacts train", "negative fraction \(negativeFraction): expected a number in (0, 1]")
        }
        guard (0...100_000).contains(localSeparation) else {
            throw BETSeqError(.invalidOption, file: "contacts train", "local separation \(localSeparation): expected 0 to 100000")
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

/// Networks that share one set of weights, one per thread: each computes the gradients of its
/// share of a step's structures, and the shares are summed in a fixed order.
final class ReplicaSet: @unchecked Sendable {
    let networks: [ContactNetwork]

    init(_ master: ContactNetwork, count: Int) {
        networks = [master] + (1..<max(1, count)).map { _ in ContactNetwork(config: master.config, seed: 0) }
    }

    var master: ContactNetwork { networks[0] }

    /// Copies the master's weights and buffers into the others and zeroes every gradient.
    func synchronise() {
        let source = master.parameters + master.buffers
        for (t, net) in networks.enumerated() {
            for (p, q) in zip(source, net.parameters + net.buffers) {
                if t > 0 { q.value = p.value }
                for k in q.gradient.indices { q.gradient[k] = 0 }
            }
        }
    }

    /// Adds every other network's gradients into the master's, in network order.
    func reduce() {
        let target = master.parameters
        for net in networks.dropFirst() {
            for (p, q) in zip(target, net.parameters) { for k in p.gradient.indices { p.gradient[k] += q.gradient[k] } }
        }
    }

    /// Structures dealt to networks, largest first to the least loaded (deterministic).
    func deal(_ members: [Int], cost: (Int) -> Double) -> [[Int]] {
        var shares = [[Int]](repeating: [], count: networks.count), load = [Double](repeating: 0, count: networks.count)
        for m in members.sorted(by: { (cost($0), $1) > (cost($1), $0) }) {
            let t = load.indices.min { (load[$0], $0) < (load[$1], $1) } ?? 0
            shares[t].append(m)
            load[t] += cost(m)
        }
        return shares
    }

    /// Predictions for every example, computed in parallel.
    func predict(_ examples: [ContactExample]) -> [[Float]] {
        final class Box: @unchecked Sendable { var out: [[Float]]; init(_ n: Int) { out = Array(repeating: [], count: n) } }
        let box = Box(examples.count), lock = NSLock()
        try? parallelJobs(examples.count, threads: networks.count) { job, worker in
            let p = self.networks[worker].predict(examples[job])
            lock.lock(); box.out[job] = p; lock.unlock()
        }
        return box.out
    }
}

/// Adam over steps of `batchStructures` structures (in a seeded random order each epoch), each
/// structure contributing the weighted loss over a fresh sample of its pairs; after every
/// `evaluateEvery` epochs the validation mean AUPRC decides the best model (kept) and early
/// stopping. Without validation structures, the training AUPRC decides. `checkpoint` is called
/// with the network and the history so far whenever the score improves. Deterministic for a seed
/// and thread count.
public func trainContactNetwork(_ network: ContactNetwork, train: [ContactExample], valid: [ContactExample],
                                options o: ContactTrainingOptions, log: (String) -> Void = { _ in },
                                checkpoint: (ContactNetwork, [ContactEpoch]) throws -> Void = { _, _ in }) throws
    -> (best: [Float], history: [ContactEpoch], bestEpoch: Int, stopReason: String) {
    try o.validate()
    NumericEnvironment.flushDenormals()
    let replicas = ReplicaSet(network, count: min(o.threads, o.batchStructures, max(1, train.count)))
    // Parallel replicas run single-threaded BLAS; one replica uses every thread inside its layers.
    NumericEnvironment.setThreads(replicas.networks.count > 1 ? 1 : o.threads)
    defer { NumericEnvironment.setThreads(o.threads) }
    let optimizer = Adam<Float>(learningRate: o.learningRate, weightDecay: o.weightDecay)
    // Positive weights per channel from the training prevalence: sqrt(negatives/positives) in [1, 100].
    // Per structure, the weighted pair count its loss is divided by (fixed, so counted once).
    let counts = train.map { $0.positiveCounts() }
    let pairTotals = counts.map { Float(max(1, $0.pairs)) }
    var positives = [Double](repeating: 0, count: 8), total = 0.0
    for (p, n) in counts {
        total += n
        for c in 0..<8 { positives[c] += p[c] }
    }
    let weights: [Float] = o.loss == .weighted
        ? positives.map { $0 > 0 ? Float(min(100, max(1, ((total - $0) / $0).squareRoot()))) : 1 }
        : [Float](repeating: 1, count: 8)
    let gamma: Float = o.loss == .focal ? Float(o.focalGamma) : 0
    var order = EpochOrder(Array(train.indices), seed: o.seed, reshuffle: .fresh)
    var history: [ContactEpoch] = []
    let schedule = TrainingSchedule(maxEpochs: max(1, o.maxEpochs), patience: o.patience, goal: .maximize,
                                    evaluateEvery: o.evaluateEvery, timeBudget: o.timeBudget)
    let pgnnAnchors = network.config.variant == .pgnn ? network.config.anchorSets : 0
    final class Losses: @unchecked Sendable { var values: [Double]; init(_ n: Int) { values = Array(repeating: 0, count: n) } }
    let outcome = try runTraining(schedule, epoch: { epochNumber in
        var lossSum = 0.0, steps = 0
        let shuffled = order.next()
        for start in stride(from: 0, to: shuffled.count, by: o.batchStructures) {
            let members = Array(shuffled[start..<min(shuffled.count, start + o.batchStructures)])
            replicas.synchronise()
            let shares = replicas.deal(members) { Double(train[$0].tokens.count) + Double(train[$0].pairCount) * o.negativeFraction }
            let losses = Losses(shares.count)
            let scale = Float(members.count)
            try parallelJobs(shares.count, threads: shares.count) { t, _ in
                let net = replicas.networks[t]
                for m in shares[t] {
                    var ex = train[m]
                    if pgnnAnchors > 0 { ex.resampleAnchors(count: pgnnAnchors, seed: UInt64(epochNumber)) }
                    var random = SplitMix64(seed: o.seed ^ (UInt64(epochNumber) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(m) &* 0xD1B5_4A32_D192_ED03))
                    let (keys, w) = ex.samplePairs(local: o.localSeparation, fraction: o.negativeFraction, random: &random)
                    let normalizer = pairTotals[m] * scale
                    losses.values[t] += net.accumulateGradients(ex, keys: keys, weights: w, normalizer: normalizer,
                                                                positiveWeight: weights, focalGamma: gamma)
                }
            }
            replicas.reduce()
            optimizer.step(network.parameters)
            lossSum += losses.values.reduce(0, +)
            steps += 1
        }
        let mean = lossSum / Double(max(1, steps))
        guard mean.isFinite else {
            throw BETSeqError(.numerical, file: "contacts train", "training diverged at epoch \(epochNumber) (non-finite loss); lower the learning rate")
        }
        return mean
    }, evaluate: { _ in
        replicas.synchronise()
        let set = valid.isEmpty ? train : valid
        let predictions = replicas.predict(set)
        var next = 0
        return meanAUPRC(channelMetrics(set) { _ in defer { next += 1 }; return predictions[next] })
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
    /// Prepared examples are read from and stored in this cache when given.
    public var cache: ContactExampleCache?

    public init(train: String, out: String) {
        self.train = train
        self.out = out
    }
}

/// Prepares the structures, trains, and writes the best network to `request.out` (checkpoints on
/// the way). `log` gets the set sizes, the architecture, one line per evaluation and a summary
/// (best epoch, time, peak memory).
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
    let trainPrep = try ContactExample.load(trainPaths, config: r.config, withTargets: true, missingWeight: r.missingWeight,
                                            cache: r.cache, threads: o.threads)
    let validPrep = try ContactExample.load(validPaths, config: r.config, withTargets: true, missingWeight: r.missingWeight,
                                            cache: r.cache, threads: o.threads)
    let trainSet = trainPrep.examples, validSet = validPrep.examples
    let atoms = trainSet.reduce(0) { $0 + $1.tokens.count }, pairs = trainSet.reduce(0) { $0 + $1.pairCount }
    let hits = trainPrep.fromCache + validPrep.fromCache, unstored = trainPrep.unstored + validPrep.unstored
    log(String(format: "contacts train: %d training structures (%d atoms, %d pairs), %d validation; prepared in %.1f s (%d from the cache%@)",
               trainSet.count, atoms, pairs, validSet.count, Date().timeIntervalSince(clock), hits,
               unstored > 0 ? ", \(unstored) could not be stored" : ""))
    let network = ContactNetwork(config: r.config, seed: o.seed)
    network.initializeOffsets(from: trainSet)
    log("\(r.config.variant.rawValue), \(r.config.layers) layers × \(r.config.heads) heads × \(r.config.hidden), \(network.parameterCount) parameters, loss \(o.loss.rawValue)")
    func metadata(_ history: [ContactEpoch], bestEpoch: Int, stop: String) -> ContactModelMetadata {
        ContactModelMetadata(history: history.map(ContactModelMetadata.Epoch.init), bestEpoch: bestEpoch, stopReason: stop,
                             train: trainPaths, valid: validPaths, loss: o.loss.rawValue, seed: o.seed,
                             batchStructures: o.batchStructures, negativeFraction: o.negativeFraction, localSeparation: o.localSeparation,
                             provenance: .init(betseqVersion: r.betseqVersion, command: r.command))
    }
    let result = try trainContactNetwork(network, train: trainSet, valid: validSet, options: o, log: log) { net, history in
        try net.save(path: r.out, metadata: metadata(history, bestEpoch: history.last?.epoch ?? 0, stop: "checkpoint"))
    }
    let final = ContactNetwork(config: r.config, seed: o.seed)
    _ = final.restore(result.best)
    let record = metadata(result.history, bestEpoch: result.bestEpoch, stop: result.stopReason)
    try final.save(path: r.out, metadata: record)
    let total = record.history.reduce(0) { $0 + $1.seconds }
    log(String(format: "best epoch %d of %d (%@); %.1f s training, %.1f ms per epoch; peak memory %.0f MB; wrote %@", record.bestEpoch,
               record.history.count, record.stopReason, total, 1000 * total / Double(max(1, record.history.count)),
               Double(MemoryBudget.peakResidentBytes) / 1e6, r.out))
    return (final, record)
}
