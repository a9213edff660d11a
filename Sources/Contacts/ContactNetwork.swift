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

    /// Every width (embedding, hidden, heads, pair hidden, anchor sets) is 1...4096 and layers
    /// 0...64 (a model file may have none; training needs one): far above any useful network,
    /// low enough that products of them cannot overflow.
    public var hasValidSizes: Bool {
        [embedding, hidden, heads, pairHidden, anchorSets].allSatisfy { (1...4096).contains($0) } && (0...64).contains(layers)
    }

    /// A lower bound on the weights this configuration allocates: the deeper layers' square
    /// matrices and the pair head's first layer (exact enough to refuse sizes that cannot fit).
    public var leastParameterCount: Double {
        let width = Double(heads * hidden + (variant == .pgnn ? anchorSets : 0))
        return Double(max(0, layers - 1)) * width * Double(heads * hidden) + Double(pairHidden) * 3 * width
    }
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
