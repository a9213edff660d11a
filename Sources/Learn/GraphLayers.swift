import Foundation

/// Incoming edges of every node, grouped by destination (CSR): the edges into node v are
/// `sources[offsets[v]..<offsets[v+1]]`. Built from undirected bonds (each becomes two directed
/// edges), optionally with a self-loop per node as graph attention uses.
public struct GraphStructure: Sendable, Equatable {
    public let nodes: Int
    public let sources: [Int32]
    public let offsets: [Int32]

    public init(nodes: Int, undirected edges: [SIMD2<Int32>], selfLoops: Bool) {
        self.nodes = nodes
        var incoming = [[Int32]](repeating: [], count: nodes)
        for e in edges where e.x != e.y {
            incoming[Int(e.y)].append(e.x)
            incoming[Int(e.x)].append(e.y)
        }
        var sources: [Int32] = [], offsets: [Int32] = [0]
        for v in 0..<nodes {
            if selfLoops { sources.append(Int32(v)) }
            sources += incoming[v].sorted()
            offsets.append(Int32(sources.count))
        }
        self.sources = sources
        self.offsets = offsets
    }

    public var edgeCount: Int { sources.count }
}

/// Rows of a table selected by index: y_n = E[index_n]. The gradient scatters back into E.
public final class Embedding<T: NNScalar>: Layer<T> {
    public let table: Parameter<T>
    public let vocabulary: Int, width: Int
    /// The indices of the next forward pass (set before calling `forward`, whose input is ignored).
    public var indices: [Int32] = []

    /// N(0, 1) entries, as PyTorch initialises embeddings.
    public init(_ vocabulary: Int, _ width: Int, name: String, random: inout SplitMix64) {
        self.vocabulary = vocabulary
        self.width = width
        table = Parameter("\(name).weight", (0..<(vocabulary * width)).map { _ in T(random.normal()) })
    }

    public override var parameters: [Parameter<T>] { [table] }

    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        var y = Batch<T>(uninitialized: indices.count, width)
        for (r, i) in indices.enumerated() {
            let k = min(max(Int(i), 0), vocabulary - 1)
            for c in 0..<width { y.values[r * width + c] = table.value[k * width + c] }
        }
        return y
    }

    public override func backward(_ g: Batch<T>) -> Batch<T> {
        for (r, i) in indices.enumerated() {
            let k = min(max(Int(i), 0), vocabulary - 1)
            for c in 0..<width { table.gradient[k * width + c] += g.values[r * width + c] }
        }
        return Batch(zeros: 0, 0)
    }
}

/// Multi-head graph attention (Veličković et al. 2018; the semantics of torch_geometric's GATConv
/// with concatenated heads and self-loops). For node v, head h:
///
///   z = x·W,  e_uv = LeakyReLU_0.2(a_src·z_u + a_dst·z_v) over edges u → v,
///   α_uv = softmax over u of e_uv,  y_v = Σ_u α_uv·z_u + b.
///
/// `graph` must be set before `forward` (self-loops included).
public final class GraphAttention<T: NNScalar>: Layer<T> {
    public let weight: Parameter<T>
    public let attentionSource: Parameter<T>
    public let attentionTarget: Parameter<T>
    public let bias: Parameter<T>
    public let inputs: Int, heads: Int, channels: Int
    public let negativeSlope: T = 0.2
    public var graph: GraphStructure?
    private var input: Batch<T>?
    private var projected: [T] = []
    private var logits: [T] = []      // pre-activation attention logits per edge and head
    private var alpha: [T] = []       // attention weights per edge and head

    public init(_ inputs: Int, heads: Int, channels: Int, name: String, random: inout SplitMix64) {
        self.inputs = inputs
        self.heads = heads
        self.channels = channels
        let width = heads * channels
        let bound = (6 / Double(inputs + width)).squareRoot()
        weight = Parameter("\(name).weight", (0..<(inputs * width)).map { _ in T((random.uniform() * 2 - 1) * bound) })
        let attentionBound = (6 / Double(1 + channels)).squareRoot()
        attentionSource = Parameter("\(name).att_src", (0..<width).map { _ in T((random.uniform() * 2 - 1) * attentionBound) })
        attentionTarget = Parameter("\(name).att_dst", (0..<width).map { _ in T((random.uniform() * 2 - 1) * attentionBound) })
        bias = Parameter("\(name).bias", [T](repeating: 0, count: width))
    }

    public override var parameters: [Parameter<T>] { [weight, attentionSource, attentionTarget, bias] }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        guard let graph else { preconditionFailure("GraphAttention.forward needs a graph") }
        precondition(x.columns == inputs && x.rows == graph.nodes)
        input = x
        let n = x.rows, width = heads * channels, hc = channels, edges = graph.edgeCount
        projected = [T](repeating: 0, count: n * width)
        if n > 0 {
            x.values.withUnsafeBufferPointer { xv in
                weight.value.withUnsafeBufferPointer { w in
                    projected.withUnsafeMutableBufferPointer { z in
                        T.gemm(transA: false, transB: false, m: n, n: width, k: inputs, alpha: 1, a: xv.baseAddress, lda: inputs,
                               b: w.baseAddress, ldb: width, beta: 0, c: z.baseAddress, ldc: width)
                    }
                }
            }
        }
        // Per-node attention scores for each head.
        var scoreSource = [T](repeating: 0, count: n * heads), scoreTarget = [T](repeating: 0, count: n * heads)
        for v in 0..<n {
            for h in 0..<heads {
                var s: T = 0, t: T = 0
                for c in 0..<hc {
                    let z = projected[v * width + h * hc + c]
                    s += z * attentionSource.value[h * hc + c]
                    t += z * attentionTarget.value[h * hc + c]
                }
                scoreSource[v * heads + h] = s
                scoreTarget[v * heads + h] = t
            }
        }
        logits = [T](repeating: 0, count: edges * heads)
        alpha = [T](repeating: 0, count: edges * heads)
        var y = Batch<T>(zeros: n, width)
        for v in 0..<n {
            let lo = Int(graph.offsets[v]), hi = Int(graph.offsets[v + 1])
            for h in 0..<heads {
                var largest = -T.greatestFiniteMagnitude
                for e in lo..<hi {
                    let u = Int(graph.sources[e])
                    let raw = scoreSource[u * heads + h] + scoreTarget[v * heads + h]
                    logits[e * heads + h] = raw
                    let a = raw > 0 ? raw : raw * negativeSlope
                    alpha[e * heads + h] = a
                    largest = max(largest, a)
                }
                var total: T = 0
                for e in lo..<hi {
                    let w = T.exp(alpha[e * heads + h] - largest)
                    alpha[e * heads + h] = w
                    total += w
                }
                for e in lo..<hi {
                    let a = alpha[e * heads + h] / total
                    alpha[e * heads + h] = a
                    let u = Int(graph.sources[e])
                    for c in 0..<hc { y.values[v * width + h * hc + c] += a * projected[u * width + h * hc + c] }
                }
            }
            for c in 0..<width { y.values[v * width + c] += bias.value[c] }
        }
        return y
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func backward(_ g: Batch<T>) -> Batch<T> {
        guard let graph, let x = input else { preconditionFailure("backward before forward") }
        let n = x.rows, width = heads * channels, hc = channels
        var dz = [T](repeating: 0, count: n * width)
        var dScoreSource = [T](repeating: 0, count: n * heads), dScoreTarget = [T](repeating: 0, count: n * heads)
        var dAlpha = [T](repeating: 0, count: graph.edgeCount)   // reused for every node and head
        for v in 0..<n {
            for c in 0..<width { bias.gradient[c] += g.values[v * width + c] }
            let lo = Int(graph.offsets[v]), hi = Int(graph.offsets[v + 1])
            for h in 0..<heads {
                // dα_uv = g_v · z_u; softmax backward; LeakyReLU backward.
                var weighted: T = 0
                for e in lo..<hi {
                    let u = Int(graph.sources[e])
                    var d: T = 0
                    for c in 0..<hc {
                        let gv = g.values[v * width + h * hc + c]
                        d += gv * projected[u * width + h * hc + c]
                        dz[u * width + h * hc + c] += alpha[e * heads + h] * gv
                    }
                    dAlpha[e] = d
                    weighted += alpha[e * heads + h] * d
                }
                for e in lo..<hi {
                    let u = Int(graph.sources[e])
                    var de = alpha[e * heads + h] * (dAlpha[e] - weighted)
                    if logits[e * heads + h] <= 0 { de *= negativeSlope }
                    dScoreSource[u * heads + h] += de
                    dScoreTarget[v * heads + h] += de
                }
            }
        }
        for v in 0..<n {
            for h in 0..<heads {
                let ds = dScoreSource[v * heads + h], dt = dScoreTarget[v * heads + h]
                for c in 0..<hc {
                    let k = h * hc + c
                    let z = projected[v * width + k]
                    attentionSource.gradient[k] += ds * z
                    attentionTarget.gradient[k] += dt * z
                    dz[v * width + k] += ds * attentionSource.value[k] + dt * attentionTarget.value[k]
                }
            }
        }
        var dx = Batch<T>(zeros: n, inputs)
        guard n > 0 else { return dx }
        x.values.withUnsafeBufferPointer { xv in
            dz.withUnsafeBufferPointer { d in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    T.gemm(transA: true, transB: false, m: inputs, n: width, k: n, alpha: 1, a: xv.baseAddress, lda: inputs,
                           b: d.baseAddress, ldb: width, beta: 1, c: dw.baseAddress, ldc: width)
                }
                weight.value.withUnsafeBufferPointer { w in
                    dx.values.withUnsafeMutableBufferPointer { out in
                        T.gemm(transA: false, transB: true, m: n, n: inputs, k: width, alpha: 1, a: d.baseAddress, lda: width,
                               b: w.baseAddress, ldb: width, beta: 0, c: out.baseAddress, ldc: inputs)
                    }
                }
            }
        }
        return dx
    }
}

/// Position-aware message passing (You et al., P-GNN, 2019). Each node v has K anchor sets; from
/// each it takes its nearest anchor u_k and a closeness s_k = 1/(1 + hops) (0 beyond reach):
///
///   m_vk = s_k·([x_v ‖ x_{u_k}]·W + b),  y_v = [ (1/K)·Σ_k m_vk  ‖  (m_vk·w)_k ],
///
/// so the output has `outputs` structural features followed by K position features.
public final class AnchorMessage<T: NNScalar>: Layer<T> {
    public let weight: Parameter<T>
    public let bias: Parameter<T>
    public let positionWeight: Parameter<T>
    public let inputs: Int, outputs: Int, anchorSets: Int
    /// Nearest anchor (node index) and closeness per node and anchor set, node-major (N × K).
    public var anchors: [Int32] = []
    public var closeness: [T] = []
    private var stacked: [T] = []     // (N·K) × 2·inputs
    private var messages: [T] = []    // (N·K) × outputs, before the closeness factor

    public init(_ inputs: Int, _ outputs: Int, anchorSets: Int, name: String, random: inout SplitMix64) {
        self.inputs = inputs
        self.outputs = outputs
        self.anchorSets = anchorSets
        let bound = (6 / Double(2 * inputs + outputs)).squareRoot()
        weight = Parameter("\(name).weight", (0..<(2 * inputs * outputs)).map { _ in T((random.uniform() * 2 - 1) * bound) })
        bias = Parameter("\(name).bias", [T](repeating: 0, count: outputs))
        let positionBound = (6 / Double(outputs + 1)).squareRoot()
        positionWeight = Parameter("\(name).position", (0..<outputs).map { _ in T((random.uniform() * 2 - 1) * positionBound) })
    }

    public var width: Int { outputs + anchorSets }
    public override var parameters: [Parameter<T>] { [weight, bias, positionWeight] }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        let n = x.rows, k = anchorSets, rows = n * k, d = inputs
        precondition(x.columns == d && anchors.count == rows && closeness.count == rows)
        stacked = [T](repeating: 0, count: rows * 2 * d)
        for v in 0..<n {
            for a in 0..<k {
                let r = v * k + a, u = Int(anchors[r])
                for c in 0..<d {
                    stacked[r * 2 * d + c] = x.values[v * d + c]
                    stacked[r * 2 * d + d + c] = x.values[u * d + c]
                }
            }
        }
        messages = affineForward(stacked, rows: rows, inputs: 2 * d, outputs: outputs, weight: weight, bias: bias)
        var y = Batch<T>(zeros: n, width)
        let scale = 1 / T(max(k, 1))
        for v in 0..<n {
            for a in 0..<k {
                let r = v * k + a, s = closeness[r]
                var position: T = 0
                for c in 0..<outputs {
                    let m = s * messages[r * outputs + c]
                    y.values[v * width + c] += scale * m
                    position += m * positionWeight.value[c]
                }
                y.values[v * width + outputs + a] = position
            }
        }
        return y
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func backward(_ g: Batch<T>) -> Batch<T> {
        let k = anchorSets, rows = anchors.count, n = rows / max(k, 1), d = inputs
        let scale = 1 / T(max(k, 1))
        // d(pre-closeness message) per row.
        var dm = [T](repeating: 0, count: rows * outputs)
        for v in 0..<n {
            for a in 0..<k {
                let r = v * k + a, s = closeness[r]
                let gp = g.values[v * width + outputs + a]
                for c in 0..<outputs {
                    let m = s * messages[r * outputs + c]
                    positionWeight.gradient[c] += gp * m
                    let dmc = scale * g.values[v * width + c] + gp * positionWeight.value[c]
                    dm[r * outputs + c] = s * dmc
                }
            }
        }
        let dStacked = affineBackward(stacked, dm, rows: rows, inputs: 2 * d, outputs: outputs, weight: weight, bias: bias)
        var dx = Batch<T>(zeros: n, d)
        for v in 0..<n {
            for a in 0..<k {
                let r = v * k + a, u = Int(anchors[r])
                for c in 0..<d {
                    dx.values[v * d + c] += dStacked[r * 2 * d + c]
                    dx.values[u * d + c] += dStacked[r * 2 * d + d + c]
                }
            }
        }
        return dx
    }
}

/// Sums rows into groups (atoms into residues): y_g = Σ_{n: group[n] = g} x_n, i.e. y = M·x with the
/// membership matrix M. The gradient copies each group's row back to its members.
public final class SegmentSum<T: NNScalar>: Layer<T> {
    public var groups: [Int32] = []
    public var groupCount = 0

    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        var y = Batch<T>(zeros: groupCount, x.columns)
        let f = x.columns
        for (n, gIndex) in groups.enumerated() where gIndex >= 0 {
            let g = Int(gIndex)
            for c in 0..<f { y.values[g * f + c] += x.values[n * f + c] }
        }
        return y
    }

    public override func backward(_ g: Batch<T>) -> Batch<T> {
        let f = g.columns
        var dx = Batch<T>(zeros: groups.count, f)
        for (n, gIndex) in groups.enumerated() where gIndex >= 0 {
            let k = Int(gIndex)
            for c in 0..<f { dx.values[n * f + c] = g.values[k * f + c] }
        }
        return dx
    }
}

/// Features of row pairs (i, j): [r_i + r_j, r_i ⊙ r_j, |r_i − r_j|, extra_ij], width 3·D + E with
/// E fixed extra features per pair; order-invariant, or with `signed` the third block is r_j − r_i
/// (for pairs given in a meaningful order, such as i before j along a chain).
public final class PairFeatures<T: NNScalar>: Layer<T> {
    public var signed = false
    public var first: [Int32] = []
    public var second: [Int32] = []
    /// pairs × extraWidth.
    public var extra: [T] = []
    public var extraWidth = 0
    private var input: Batch<T>?

    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        input = x
        let d = x.columns, p = first.count, w = 3 * d + extraWidth
        var y = Batch<T>(uninitialized: p, w)
        y.values.withUnsafeMutableBufferPointer { out in
            x.values.withUnsafeBufferPointer { xv in
                nonisolated(unsafe) let out = out
                let (first, second, extra, e, signed) = (self.first, self.second, self.extra, self.extraWidth, self.signed)
                forEachChunk(p, work: p * w) { _, pairs in
                    for q in pairs {
                        let i = Int(first[q]) * d, j = Int(second[q]) * d, o = q * w
                        for c in 0..<d {
                            let a = xv[i + c], b = xv[j + c]
                            out[o + c] = a + b
                            out[o + d + c] = a * b
                            out[o + 2 * d + c] = signed ? b - a : abs(a - b)
                        }
                        for c in 0..<e { out[o + 3 * d + c] = extra[q * e + c] }
                    }
                }
            }
        }
        return y
    }

    public override func backward(_ g: Batch<T>) -> Batch<T> {
        guard let x = input else { preconditionFailure("backward before forward") }
        let d = x.columns, w = 3 * d + extraWidth
        var dx = Batch<T>(zeros: x.rows, d)
        for q in first.indices {
            let i = Int(first[q]), j = Int(second[q]), o = q * w
            for c in 0..<d {
                let a = x.values[i * d + c], b = x.values[j * d + c]
                let gs = g.values[o + c], gp = g.values[o + d + c], ga = g.values[o + 2 * d + c]
                let sign: T = signed ? -1 : (a > b ? 1 : (a < b ? -1 : 0))
                dx.values[i * d + c] += gs + gp * b + ga * sign
                dx.values[j * d + c] += gs + gp * a - ga * sign
            }
        }
        return dx
    }
}

extension Loss {
    /// Mean over the weighted entries of binary cross-entropy with logits, optionally focal
    /// (Lin et al. 2017): ℓ = −w·[y·(1−p)^γ·log p + (1−y)·p^γ·log(1−p)], p = σ(z), with
    /// `positiveWeight[c]` multiplying positive terms of column c and `mask[row]` (0 or more)
    /// weighting rows. Returns the loss (Σℓ / Σ mask, or Σℓ / `normalizer` when given, for a chunk
    /// of a larger set) and ∂loss/∂z. γ = 0 is plain BCE.
    public static func maskedBinaryCrossEntropy<T: NNScalar>(_ z: [T], _ y: [T], columns: Int, mask: [T],
                                                             positiveWeight: [T], focalGamma: T = 0,
                                                             normalizer: T? = nil) -> (T, [T]) {
        var loss: T = 0
        var grad = [T](repeating: 0, count: z.count)
        let rows = columns > 0 ? z.count / columns : 0
        let total = normalizer.map { max($0, T.leastNormalMagnitude) } ?? max(mask.reduce(0, +), 1)
        for r in 0..<rows where mask[r] > 0 {
            for c in 0..<columns {
                let i = r * columns + c
                let zi = z[i], yi = y[i]
                // log σ(z) and log(1 − σ(z)) without overflow.
                let softplusNeg = zi > 0 ? T.log1p(T.exp(-zi)) : -zi + T.log1p(T.exp(zi))   // −log σ(z)
                let logP = -softplusNeg, log1mP = -zi - softplusNeg
                let p = T.exp(logP)
                let wPos = positiveWeight[c] * mask[r] / total, wNeg = mask[r] / total
                if focalGamma == 0 {
                    loss += -(wPos * yi * logP + wNeg * (1 - yi) * log1mP)
                    grad[i] = wPos * yi * (p - 1) + wNeg * (1 - yi) * p
                } else {
                    let g = focalGamma
                    let q = 1 - p
                    let powQ = T.exp(g * T.log(max(q, T.leastNormalMagnitude))), powP = T.exp(g * T.log(max(p, T.leastNormalMagnitude)))
                    loss += -(wPos * yi * powQ * logP + wNeg * (1 - yi) * powP * log1mP)
                    // d/dz of −(1−p)^γ log p = (1−p)^γ·(γ·p·log p − (1−p)); of −p^γ log(1−p) = p^γ·(p − γ·(1−p)·log(1−p)).
                    grad[i] = wPos * yi * powQ * (g * p * logP - q) + wNeg * (1 - yi) * powP * (p - g * q * log1mP)
                }
            }
        }
        return (loss, grad)
    }
}
