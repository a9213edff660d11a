import Foundation
import Learn
import IO

/// Architecture of the contact network.
public struct ContactNetworkConfig: Sendable, Equatable {
    public enum Variant: String, Sendable, CaseIterable { case gat, pgnn }
    public var variant = Variant.gat
    public var vocabulary = AtomVocabulary.element
    public var embedding = 32
    /// Per-head width; a layer is heads × hidden wide.
    public var hidden = 32
    public var heads = 4
    public var layers = 5
    public var pairHidden = 128
    /// P-GNN anchor sets (pgnn only).
    public var anchorSets = 16
    /// Batch norm at prediction: each structure's own statistics ("graph", as in training) or the
    /// running averages ("running").
    public var graphStatistics = true
    public init() {}
}

/// Atom embeddings from tokens → L × [graph attention (or P-GNN messages) → batch norm → leaky ReLU]
/// → atoms summed into residues → batch norm → for every residue pair i < j the features
/// [r_i + r_j, r_i ⊙ r_j, |r_i − r_j|, sequence separation, same chain, covalent closeness] →
/// MLP → 8 logits (one per channel; sigmoid gives probabilities).
public final class ContactNetwork {
    public let config: ContactNetworkConfig
    let embed: Embedding<Float>
    let graphLayers: [Layer<Float>]
    let norms: [BatchNorm<Float>]
    let activations: [Activation<Float>]
    let pool = SegmentSum<Float>()
    let residueNorm: BatchNorm<Float>
    let pairs = PairFeatures<Float>()
    let head: Sequential<Float>

    public init(config: ContactNetworkConfig, seed: UInt64) {
        self.config = config
        var random = SplitMix64(seed: seed)
        embed = Embedding(config.vocabulary.size, config.embedding, name: "embed", random: &random)
        var layers: [Layer<Float>] = [], norms: [BatchNorm<Float>] = [], acts: [Activation<Float>] = []
        var width = config.embedding
        for l in 0..<config.layers {
            switch config.variant {
            case .gat:
                layers.append(GraphAttention(width, heads: config.heads, channels: config.hidden, name: "gat\(l + 1)", random: &random))
                width = config.heads * config.hidden
            case .pgnn:
                let layer = AnchorMessage<Float>(width, config.heads * config.hidden, anchorSets: config.anchorSets, name: "pgnn\(l + 1)", random: &random)
                layers.append(layer)
                width = layer.width
            }
            norms.append(BatchNorm(width, name: "bn\(l + 1)"))
            acts.append(Activation(negativeSlope: 0.2))
        }
        graphLayers = layers
        self.norms = norms
        activations = acts
        residueNorm = BatchNorm(width, name: "residue_bn")
        let pairWidth = 3 * width + ContactExample.pairExtraWidth
        head = Sequential([
            Linear(pairWidth, config.pairHidden, name: "pair1", random: &random), Activation(negativeSlope: 0.2),
            Linear(config.pairHidden, config.pairHidden / 2, name: "pair2", random: &random), Activation(negativeSlope: 0.2),
            Linear(config.pairHidden / 2, 8, name: "pair3", random: &random),
        ])
    }

    public var parameters: [Parameter<Float>] {
        embed.parameters + graphLayers.flatMap(\.parameters) + norms.flatMap(\.parameters) + residueNorm.parameters + head.parameters
    }
    public var buffers: [Parameter<Float>] { norms.flatMap(\.buffers) + residueNorm.buffers }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Sets every parameter and buffer from a flat array (as `ParameterStore.flatten` made it).
    public func restore(_ flat: [Float]) -> Bool { ParameterStore.restore(flat, into: parameters + buffers) }

    /// Logits, pairs × 8 (pair order as in the example).
    public func forward(_ ex: ContactExample, training: Bool) -> [Float] {
        let r = residueEmbeddings(ex, training: training)
        return pairLogits(r, ex, range: 0..<ex.pairCount, training: training)
    }

    /// Residue embeddings (residues × width) after pooling and batch norm.
    func residueEmbeddings(_ ex: ContactExample, training: Bool) -> Batch<Float> {
        embed.indices = ex.tokens
        var h = embed.forward(Batch(zeros: 0, 0), training: training)
        // Batch statistics need two rows; otherwise the running averages serve.
        let batchStatistics = training || config.graphStatistics
        for (l, layer) in graphLayers.enumerated() {
            if let gat = layer as? GraphAttention<Float> { gat.graph = ex.graph }
            if let message = layer as? AnchorMessage<Float> { message.anchors = ex.anchors; message.closeness = ex.closeness }
            h = layer.forward(h, training: training)
            h = norms[l].forward(h, training: batchStatistics && h.rows > 1)
            h = activations[l].forward(h, training: training)
        }
        pool.groups = ex.membership
        pool.groupCount = ex.residueLabels.count
        let r = pool.forward(h, training: training)
        return residueNorm.forward(r, training: batchStatistics && r.rows > 1)
    }

    /// Logits of a range of the example's pairs.
    func pairLogits(_ r: Batch<Float>, _ ex: ContactExample, range: Range<Int>, training: Bool) -> [Float] {
        let e = ContactExample.pairExtraWidth
        pairs.first = Array(ex.pairFirst[range])
        pairs.second = Array(ex.pairSecond[range])
        pairs.extra = Array(ex.pairExtra[(range.lowerBound * e)..<(range.upperBound * e)])
        pairs.extraWidth = e
        return head.forward(pairs.forward(r, training: training), training: training).values
    }

    /// Accumulates parameter gradients from ∂loss/∂logits of the last forward pass.
    public func backward(_ gradient: [Float]) {
        var g = head.backward(Batch(rows: gradient.count / 8, columns: 8, values: gradient))
        g = pairs.backward(g)
        g = residueNorm.backward(g)
        g = pool.backward(g)
        for l in graphLayers.indices.reversed() {
            g = activations[l].backward(g)
            g = norms[l].backward(g)
            g = graphLayers[l].backward(g)
        }
        _ = embed.backward(g)
    }

    /// Probabilities, pairs × 8. Pairs go through the head in chunks, so a large complex (millions
    /// of residue pairs) does not hold every pair's features at once.
    public func predict(_ ex: ContactExample, chunk: Int = 65_536) -> [Float] {
        let r = residueEmbeddings(ex, training: false)
        var out: [Float] = []
        out.reserveCapacity(ex.pairCount * 8)
        var start = 0
        while start < ex.pairCount {
            let end = min(ex.pairCount, start + max(1, chunk))
            out += pairLogits(r, ex, range: start..<end, training: false).map { 1 / (1 + exp(-$0)) }
            start = end
        }
        return out
    }
}

// MARK: Metrics

/// Ranking quality of one channel over residue pairs (`count` is the number of pairs).
public typealias ChannelMetrics = RankingMetrics

/// Per-channel metrics over examples (pairs pooled; pairs with mask 0 left out), for a scorer that
/// gives pairs × 8 scores per example.
public func channelMetrics(_ examples: [ContactExample], scores: (ContactExample) -> [Float]) -> [ChannelMetrics] {
    var perChannel = [[Float]](repeating: [], count: 8), labels = [[Bool]](repeating: [], count: 8)
    for ex in examples where !ex.targets.isEmpty {
        let s = scores(ex)
        for q in 0..<ex.pairCount where ex.mask[q] > 0 {
            for c in 0..<8 {
                perChannel[c].append(s[q * 8 + c])
                labels[c].append(ex.targets[q * 8 + c] > 0.5)
            }
        }
    }
    return (0..<8).map { ChannelMetrics(scores: perChannel[$0], labels: labels[$0]) }
}

/// The baseline that sees only sequence separation: score = −separation feature for every channel.
public func separationScores(_ ex: ContactExample) -> [Float] {
    (0..<ex.pairCount).flatMap { q in [Float](repeating: -ex.pairExtra[q * ContactExample.pairExtraWidth], count: 8) }
}

/// Mean AUPRC over channels that have positives (nan if none do).
public func meanAUPRC(_ metrics: [ChannelMetrics]) -> Double {
    let values = metrics.map(\.auprc).filter(\.isFinite)
    return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
}

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
    let outcome = try runTraining(schedule, epoch: { _ in
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
        return lossSum / Double(max(1, train.count))
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
    guard r.config.layers >= 1, r.config.heads >= 1, r.config.hidden >= 1, o.maxEpochs >= 1, o.evaluateEvery >= 1, o.patience >= 1 else {
        throw BETSeqError(.invalidOption, file: "contacts train", "layers, heads, hidden, epochs, evaluation interval and patience must be at least 1")
    }
    let clock = Date()
    let trainPaths = try StructureList.read(path: r.train), validPaths = try r.valid.map(StructureList.read) ?? []
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
