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
    /// Dilated convolutions along each chain after pooling (dilations 1, 2, 4, …): with 5 each
    /// residue sees ±31 residues of its chain. 0 in models of format 1.
    public var chainLayers = 5
    /// Learned per-channel logit offsets by sequence-separation bin and crystal waters (the
    /// separation baseline inside the network). Off in models of format 1.
    public var pairOffsets = true
    /// Pair features beside the residue embeddings: 17 (separation, same chain, covalent closeness,
    /// crystal waters, separation bin one-hot); 3 in models of format 1.
    public var pairExtras = ContactExample.pairExtraWidth
    /// The pair's third feature block is r_j − r_i (i before j) rather than |r_i − r_j|, so the head
    /// knows which residue comes first along the chain (an H-bond's donor and acceptor sides). Off in
    /// models of format 1.
    public var pairDirection = true
    public var pairHidden = 128
    /// P-GNN anchor sets (pgnn only).
    public var anchorSets = 16
    /// Batch norm at prediction: each structure's own statistics ("graph", as in training) or the
    /// running averages ("running").
    public var graphStatistics = true
    public init() {}

    /// Every width (embedding, hidden, heads, pair hidden, anchor sets) is 1...4096, layers and
    /// chain layers 0...64 (a model file may have none; training needs a graph layer), pair extras
    /// 3 or 4: far above any useful network, low enough that products of them cannot overflow.
    public var hasValidSizes: Bool {
        [embedding, hidden, heads, pairHidden, anchorSets].allSatisfy { (1...4096).contains($0) } && (0...64).contains(layers)
            && (0...64).contains(chainLayers) && (3...ContactExample.pairExtraWidth).contains(pairExtras)
    }

    /// A lower bound on the weights this configuration allocates: the deeper layers' square
    /// matrices, the chain convolutions and the pair head's first layer (exact enough to refuse
    /// sizes that cannot fit).
    public var leastParameterCount: Double {
        let width = Double(heads * hidden + (variant == .pgnn ? anchorSets : 0))
        return Double(max(0, layers - 1)) * width * Double(heads * hidden) + Double(chainLayers) * 3 * width * width
            + Double(pairHidden) * 3 * width
    }
}

extension ContactNetworkConfig {
    /// Anchor sets each example needs: P-GNN's, none for attention.
    public var exampleAnchorSets: Int { variant == .pgnn ? anchorSets : 0 }
}

/// Atom embeddings from tokens → L × [graph attention (or P-GNN messages) → batch norm → leaky ReLU]
/// → atoms summed into residues → batch norm → C × dilated residual convolutions along each chain
/// → batch norm → for every residue pair i < j the features [r_i + r_j, r_i ⊙ r_j, r_j − r_i,
/// separation, same chain, covalent closeness, crystal waters, separation bin] → MLP → 8 logits,
/// plus a learned offset per separation bin and channel (sigmoid gives probabilities).
public final class ContactNetwork {
    public let config: ContactNetworkConfig
    let embed: Embedding<Float>
    let graphLayers: [Layer<Float>]
    let norms: [BatchNorm<Float>]
    let activations: [Activation<Float>]
    let pool = SegmentSum<Float>()
    let residueNorm: BatchNorm<Float>
    let chainLayers: [ChainConvolution<Float>]
    let chainNorm: BatchNorm<Float>?
    let pairs = PairFeatures<Float>()
    let head: Sequential<Float>
    let offsets: BinOffset<Float>?
    /// Offset bins: separation bins, once with crystal waters and once without.
    public static let offsetBins = 2 * ContactExample.separationBins

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
        chainLayers = (0..<config.chainLayers).map {
            ChainConvolution(width: width, dilation: 1 << min($0, 20), name: "chain\($0 + 1)", random: &random)
        }
        chainNorm = config.chainLayers > 0 ? BatchNorm(width, name: "chain_bn") : nil
        let pairWidth = 3 * width + config.pairExtras
        head = Sequential([
            Linear(pairWidth, config.pairHidden, name: "pair1", random: &random), Activation(negativeSlope: 0.2),
            Linear(config.pairHidden, config.pairHidden / 2, name: "pair2", random: &random), Activation(negativeSlope: 0.2),
            Linear(config.pairHidden / 2, 8, name: "pair3", random: &random),
        ])
        offsets = config.pairOffsets ? BinOffset(bins: Self.offsetBins, columns: 8, name: "pair_offset") : nil
        pairs.signed = config.pairDirection
    }

    public var parameters: [Parameter<Float>] {
        embed.parameters + graphLayers.flatMap(\.parameters) + norms.flatMap(\.parameters) + residueNorm.parameters
            + chainLayers.flatMap(\.parameters) + (chainNorm?.parameters ?? []) + head.parameters + (offsets?.parameters ?? [])
    }
    public var buffers: [Parameter<Float>] { norms.flatMap(\.buffers) + residueNorm.buffers + (chainNorm?.buffers ?? []) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Sets every parameter and buffer from a flat array (as `ParameterStore.flatten` made it).
    public func restore(_ flat: [Float]) -> Bool { ParameterStore.restore(flat, into: parameters + buffers) }

    /// Sets the separation offsets to the log-odds of each channel in each bin over `examples`
    /// (with half a pseudo-count each way), so training starts from the separation baseline.
    public func initializeOffsets(from examples: [ContactExample]) {
        guard let offsets else { return }
        let bins = Self.offsetBins
        var positives = [Double](repeating: 0, count: bins * 8), totals = [Double](repeating: 0, count: bins)
        for ex in examples where ex.hasTargets {
            var start = 0
            while start < ex.pairCount {
                let end = min(ex.pairCount, start + 65_536)
                let batch = ex.pairs(in: start..<end)
                for q in 0..<batch.count where batch.weights[q] > 0 {
                    let b = Int(batch.bins[q])
                    totals[b] += 1
                    for c in 0..<8 { positives[b * 8 + c] += Double(batch.targets[q * 8 + c]) }
                }
                start = end
            }
        }
        for b in 0..<bins {
            for c in 0..<8 {
                let p = (positives[b * 8 + c] + 0.5) / (totals[b] + 1)
                offsets.table.value[b * 8 + c] = Float(log(p / (1 - p)))
            }
        }
    }

    /// Residue embeddings (residues × width): graph layers, pooling, chain context.
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
        pool.groupCount = ex.residueCount
        var r = residueNorm.forward(pool.forward(h, training: training), training: batchStatistics && ex.residueCount > 1)
        let tables = ChainConvolution<Float>.neighbours(chain: ex.chain, position: ex.position, dilations: chainLayers.map(\.dilation))
        for (layer, table) in zip(chainLayers, tables) {
            layer.neighbours = table
            r = layer.forward(r, training: training)
        }
        if let chainNorm { r = chainNorm.forward(r, training: batchStatistics && r.rows > 1) }
        return r
    }

    /// Logits (pairs × 8) of a batch of the example's pairs.
    func pairLogits(_ r: Batch<Float>, _ batch: PairBatch, training: Bool) -> [Float] {
        let e = ContactExample.pairExtraWidth, used = config.pairExtras
        pairs.first = batch.first
        pairs.second = batch.second
        if used == e {
            pairs.extra = batch.extra
        } else {
            pairs.extra = (0..<batch.count).flatMap { q in batch.extra[(q * e)..<(q * e + used)] }
        }
        pairs.extraWidth = used
        var z = head.forward(pairs.forward(r, training: training), training: training)
        if let offsets {
            offsets.bins = batch.bins
            z = offsets.forward(z, training: training)
        }
        return z.values
    }

    /// Backward through the pair head for the last `pairLogits` call: accumulates the head's
    /// gradients and returns ∂loss/∂residue embeddings.
    func backwardPairs(_ gradient: [Float]) -> Batch<Float> {
        var g = Batch(rows: gradient.count / 8, columns: 8, values: gradient)
        if let offsets { g = offsets.backward(g) }
        return pairs.backward(head.backward(g))
    }

    /// Backward from ∂loss/∂residue embeddings to every layer below.
    func backwardResidues(_ dr: Batch<Float>) {
        var g = dr
        if let chainNorm { g = chainNorm.backward(g) }
        for layer in chainLayers.reversed() { g = layer.backward(g) }
        g = residueNorm.backward(g)
        g = pool.backward(g)
        for l in graphLayers.indices.reversed() {
            g = activations[l].backward(g)
            g = norms[l].backward(g)
            g = graphLayers[l].backward(g)
        }
        _ = embed.backward(g)
    }

    /// Logits of every pair (pairs × 8), for tests and small structures.
    public func forward(_ ex: ContactExample, training: Bool) -> [Float] {
        let r = residueEmbeddings(ex, training: training)
        return pairLogits(r, ex.pairs(in: 0..<ex.pairCount), training: training)
    }

    /// Accumulates parameter gradients from ∂loss/∂logits of the last `forward`.
    public func backward(_ gradient: [Float]) {
        backwardResidues(backwardPairs(gradient))
    }

    /// One structure's contribution to a training step: the weighted loss over the sampled pairs
    /// (`keys`, `weights`), divided by `normalizer`, with gradients accumulated. Pairs go through
    /// the head `chunk` at a time, forward then backward, so memory is bounded by the chunk
    /// and the residues, never by the structure's pairs.
    public func accumulateGradients(_ ex: ContactExample, keys: [Int64], weights: [Float], normalizer: Float,
                                    positiveWeight: [Float], focalGamma: Float, chunk: Int = 8192) -> Double {
        let r = residueEmbeddings(ex, training: true)
        var dr = Batch<Float>(zeros: r.rows, r.columns)
        var loss = 0.0
        var start = 0
        while start < keys.count {
            let end = min(keys.count, start + max(1, chunk))
            let batch = ex.pairs(keys: keys[start..<end], weights: weights[start..<end])
            let logits = pairLogits(r, batch, training: true)
            let (l, g) = Loss.maskedBinaryCrossEntropy(logits, batch.targets, columns: 8, mask: batch.weights,
                                                        positiveWeight: positiveWeight, focalGamma: focalGamma, normalizer: normalizer)
            loss += Double(l)
            let d = backwardPairs(g)
            for k in dr.values.indices { dr.values[k] += d.values[k] }
            start = end
        }
        backwardResidues(dr)
        return loss
    }

    /// Probabilities, pairs × 8, in row-major upper-triangle order. Pairs go through the head in
    /// chunks, so a large complex (millions of residue pairs) does not hold every pair's features
    /// at once.
    public func predict(_ ex: ContactExample, chunk: Int = 32_768) -> [Float] {
        let r = residueEmbeddings(ex, training: false)
        var out: [Float] = []
        out.reserveCapacity(ex.pairCount * 8)
        var start = 0
        while start < ex.pairCount {
            let end = min(ex.pairCount, start + max(1, chunk))
            out += pairLogits(r, ex.pairs(in: start..<end), training: false).map { 1 / (1 + exp(-$0)) }
            start = end
        }
        return out
    }
}
