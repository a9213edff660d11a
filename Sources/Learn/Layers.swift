#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Splits 0..<n (rows or columns) into `ElementwiseThreads.count` contiguous chunks run concurrently (only for
/// batches large enough to pay for it). Chunk boundaries depend only on n and the thread count, so
/// results are deterministic for a fixed thread count.
enum ElementwiseThreads {
    nonisolated(unsafe) static var count = 1
}

func forEachChunk(_ n: Int, work: Int, _ body: (Int, Range<Int>) -> Void) {
    let threads = min(ElementwiseThreads.count, max(1, n / 16))
    guard threads > 1, work >= 65_536 else { body(0, 0..<n); return }
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let f = body
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            f(t, (n * t / threads)..<(n * (t + 1) / threads))
        }
    }
}

/// A batch of row vectors: `rows` examples × `columns` features, row-major.
public struct Batch<T: NNScalar>: Sendable {
    public var rows: Int
    public var columns: Int
    public var values: [T]

    public init(rows: Int, columns: Int, values: [T]) {
        precondition(values.count == rows * columns, "shape does not match the values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(zeros rows: Int, _ columns: Int) {
        self.init(rows: rows, columns: columns, values: [T](repeating: 0, count: rows * columns))
    }

    /// For outputs that are overwritten completely (skips zeroing).
    init(uninitialized rows: Int, _ columns: Int) {
        self.rows = rows
        self.columns = columns
        values = [T](unsafeUninitializedCapacity: rows * columns) { _, count in count = rows * columns }
    }
}

/// A trainable array and its gradient.
public final class Parameter<T: NNScalar> {
    public let name: String
    public var value: [T]
    public var gradient: [T]
    /// Weight decay applies to this parameter (weights and biases alike, as PyTorch does by default).
    public init(_ name: String, _ value: [T]) {
        self.name = name
        self.value = value
        gradient = [T](repeating: 0, count: value.count)
    }
}

/// A network layer with a hand-written backward pass. `forward` keeps what `backward` needs;
/// `backward` takes ∂L/∂output, accumulates ∂L/∂parameters and returns ∂L/∂input.
open class Layer<T: NNScalar> {
    public init() {}
    open func forward(_ x: Batch<T>, training: Bool) -> Batch<T> { x }
    open func backward(_ gradient: Batch<T>) -> Batch<T> { gradient }
    open var parameters: [Parameter<T>] { [] }
    /// Non-trained state saved with the model (batch-norm running statistics).
    open var buffers: [Parameter<T>] { [] }
}

/// y = x·W + b for `rows` row vectors (x rows × inputs, W inputs × outputs, row-major): the map of
/// `Linear` and of every layer that projects stacked features.
@_specialize(where T == Float)
@_specialize(where T == Double)
func affineForward<T: NNScalar>(_ x: [T], rows: Int, inputs: Int, outputs: Int, weight: Parameter<T>, bias: Parameter<T>) -> [T] {
    var y = [T](unsafeUninitializedCapacity: rows * outputs) { _, count in count = rows * outputs }
    guard rows > 0 else { return y }
    y.withUnsafeMutableBufferPointer { out in
        bias.value.withUnsafeBufferPointer { b in
            for r in 0..<rows { for c in 0..<outputs { out[r * outputs + c] = b[c] } }
        }
        x.withUnsafeBufferPointer { xv in
            weight.value.withUnsafeBufferPointer { w in
                T.gemm(transA: false, transB: false, m: rows, n: outputs, k: inputs, alpha: 1,
                       a: xv.baseAddress, lda: inputs, b: w.baseAddress, ldb: outputs,
                       beta: 1, c: out.baseAddress, ldc: outputs)
            }
        }
    }
    return y
}

/// The backward pass of `affineForward`: dW += xᵀ·dy, db += Σ_rows dy, and dx = dy·Wᵀ (empty when
/// `inputGradient` is false).
@_specialize(where T == Float)
@_specialize(where T == Double)
func affineBackward<T: NNScalar>(_ x: [T], _ dy: [T], rows: Int, inputs: Int, outputs: Int, weight: Parameter<T>, bias: Parameter<T>,
                                 inputGradient: Bool = true) -> [T] {
    var dx = inputGradient ? [T](unsafeUninitializedCapacity: rows * inputs) { _, count in count = rows * inputs } : []
    guard rows > 0 else { return dx }
    dy.withUnsafeBufferPointer { gv in
        x.withUnsafeBufferPointer { xv in
            weight.gradient.withUnsafeMutableBufferPointer { dw in
                T.gemm(transA: true, transB: false, m: inputs, n: outputs, k: rows, alpha: 1,
                       a: xv.baseAddress, lda: inputs, b: gv.baseAddress, ldb: outputs,
                       beta: 1, c: dw.baseAddress, ldc: outputs)
            }
        }
        bias.gradient.withUnsafeMutableBufferPointer { db in
            for r in 0..<rows { for c in 0..<outputs { db[c] += gv[r * outputs + c] } }
        }
        guard inputGradient else { return }
        weight.value.withUnsafeBufferPointer { w in
            dx.withUnsafeMutableBufferPointer { d in
                T.gemm(transA: false, transB: true, m: rows, n: inputs, k: outputs, alpha: 1,
                       a: gv.baseAddress, lda: outputs, b: w.baseAddress, ldb: outputs,
                       beta: 0, c: d.baseAddress, ldc: inputs)
            }
        }
    }
    return dx
}

/// y = x·W + b, W stored in×out.
public final class Linear<T: NNScalar>: Layer<T> {
    public let weight: Parameter<T>
    public let bias: Parameter<T>
    public let inputs: Int
    public let outputs: Int
    /// False for a network's first layer, whose input gradient nobody uses.
    public var computesInputGradient = true
    private var input: Batch<T>?

    /// Xavier-uniform weights (U(±sqrt(6/(in+out)))), zero bias.
    public init(_ inputs: Int, _ outputs: Int, name: String, random: inout SplitMix64) {
        self.inputs = inputs
        self.outputs = outputs
        let bound = (6 / Double(inputs + outputs)).squareRoot()
        weight = Parameter("\(name).weight", (0..<(inputs * outputs)).map { _ in T((random.uniform() * 2 - 1) * bound) })
        bias = Parameter("\(name).bias", [T](repeating: 0, count: outputs))
    }

    public override var parameters: [Parameter<T>] { [weight, bias] }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    // gemm pointers: every array below is non-empty once the batch has rows (checked first).
    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        precondition(x.columns == inputs)
        input = x
        return Batch(rows: x.rows, columns: outputs,
                     values: affineForward(x.values, rows: x.rows, inputs: inputs, outputs: outputs, weight: weight, bias: bias))
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func backward(_ g: Batch<T>) -> Batch<T> {
        guard let x = input else { preconditionFailure("backward before forward") }
        let dx = affineBackward(x.values, g.values, rows: g.rows, inputs: inputs, outputs: outputs, weight: weight, bias: bias,
                                inputGradient: computesInputGradient)
        return computesInputGradient ? Batch(rows: g.rows, columns: inputs, values: dx) : Batch(zeros: 0, inputs)
    }
}

/// Batch normalisation over the batch dimension (PyTorch BatchNorm1d): in training,
/// x̂ = (x − μ_B)/sqrt(σ²_B + ε) with the batch's mean and biased variance, y = γ·x̂ + β, and the
/// running statistics move by `momentum` towards μ_B and the unbiased variance; in evaluation the
/// running statistics replace the batch's.
public final class BatchNorm<T: NNScalar>: Layer<T> {
    public let gamma: Parameter<T>
    public let beta: Parameter<T>
    public let runningMean: Parameter<T>
    public let runningVariance: Parameter<T>
    public let features: Int
    public var momentum: T = 0.1
    public var epsilon: T = 1e-5
    private var normalized: [T] = []
    private var inverseStd: [T] = []
    private var usedBatchStatistics = true
    /// The input of an evaluation-mode forward pass, for the (rarely needed) backward pass.
    private var evaluationInput: [T] = []

    public init(_ features: Int, name: String) {
        self.features = features
        gamma = Parameter("\(name).gamma", [T](repeating: 1, count: features))
        beta = Parameter("\(name).beta", [T](repeating: 0, count: features))
        runningMean = Parameter("\(name).running_mean", [T](repeating: 0, count: features))
        runningVariance = Parameter("\(name).running_var", [T](repeating: 1, count: features))
    }

    public override var parameters: [Parameter<T>] { [gamma, beta] }
    public override var buffers: [Parameter<T>] { [runningMean, runningVariance] }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        let n = x.rows, f = features
        var y = Batch<T>(uninitialized: n, f)
        var mean = [T](repeating: 0, count: f), variance = [T](repeating: 0, count: f)
        if training {
            precondition(n > 1, "batch normalisation needs at least 2 rows in training")
            // Column statistics, split by columns across threads (each sum in one fixed order).
            x.values.withUnsafeBufferPointer { xv in
                mean.withUnsafeMutableBufferPointer { m in
                    variance.withUnsafeMutableBufferPointer { va in
                        nonisolated(unsafe) let (m, va) = (m, va)
                        forEachChunk(f, work: n * f) { _, cols in
                            for r in 0..<n { for c in cols { m[c] += xv[r * f + c] } }
                            for c in cols { m[c] /= T(n) }
                            for r in 0..<n { for c in cols { let d = xv[r * f + c] - m[c]; va[c] += d * d } }
                        }
                    }
                }
            }
            for c in 0..<f {
                let biased = variance[c] / T(n)
                runningMean.value[c] += momentum * (mean[c] - runningMean.value[c])
                runningVariance.value[c] += momentum * (variance[c] / T(n - 1) - runningVariance.value[c])
                variance[c] = biased
            }
        } else {
            mean = runningMean.value
            variance = runningVariance.value
        }
        usedBatchStatistics = training
        inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        if !training {
            // Evaluation: an affine map per feature; nothing to keep for a backward pass.
            let scale = (0..<f).map { gamma.value[$0] * inverseStd[$0] }
            let shift = (0..<f).map { beta.value[$0] - mean[$0] * scale[$0] }
            y.values.withUnsafeMutableBufferPointer { out in
                x.values.withUnsafeBufferPointer { xv in
                    nonisolated(unsafe) let out = out
                    forEachChunk(n, work: n * f) { _, rows in
                        for r in rows { let o = r * f; for c in 0..<f { out[o + c] = xv[o + c] * scale[c] + shift[c] } }
                    }
                }
            }
            normalized = []
            evaluationInput = x.values
            return y
        }
        if normalized.count != n * f { normalized = [T](repeating: 0, count: n * f) }
        evaluationInput = []
        normalized.withUnsafeMutableBufferPointer { xh in
            y.values.withUnsafeMutableBufferPointer { out in
                x.values.withUnsafeBufferPointer { xv in
                    gamma.value.withUnsafeBufferPointer { g in
                        beta.value.withUnsafeBufferPointer { b in
                            inverseStd.withUnsafeBufferPointer { s in
                                mean.withUnsafeBufferPointer { mu in
                                    nonisolated(unsafe) let (xh, out) = (xh, out)
                                    forEachChunk(n, work: n * f) { _, rows in
                                        for r in rows {
                                            let o = r * f
                                            for c in 0..<f {
                                                let v = (xv[o + c] - mu[c]) * s[c]
                                                xh[o + c] = v
                                                out[o + c] = g[c] * v + b[c]
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// dx = (γ/σ)/N · (N·dy − Σdy − x̂·Σ(dy·x̂)) with batch statistics (training), dx = γ/σ·dy with
    /// the fixed running statistics (evaluation).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func backward(_ g: Batch<T>) -> Batch<T> {
        let n = g.rows, f = features
        if !usedBatchStatistics && normalized.count != n * f {
            // Rebuild x̂ from the stored evaluation input (running statistics).
            normalized = [T](repeating: 0, count: n * f)
            for r in 0..<n {
                for c in 0..<f { normalized[r * f + c] = (evaluationInput[r * f + c] - runningMean.value[c]) * inverseStd[c] }
            }
        }
        var sumDy = [T](repeating: 0, count: f), sumDyXh = [T](repeating: 0, count: f)
        var dx = Batch<T>(uninitialized: n, f)
        g.values.withUnsafeBufferPointer { gv in
            normalized.withUnsafeBufferPointer { xh in
                sumDy.withUnsafeMutableBufferPointer { sd in
                    sumDyXh.withUnsafeMutableBufferPointer { sx in
                        nonisolated(unsafe) let (sd, sx) = (sd, sx)
                        forEachChunk(f, work: n * f) { _, cols in
                            for r in 0..<n {
                                let o = r * f
                                for c in cols {
                                    sd[c] += gv[o + c]
                                    sx[c] += gv[o + c] * xh[o + c]
                                }
                            }
                        }
                    }
                }
                for c in 0..<f {
                    gamma.gradient[c] += sumDyXh[c]
                    beta.gradient[c] += sumDy[c]
                }
                let scale = (0..<f).map { gamma.value[$0] * inverseStd[$0] / T(n) }
                let batch = usedBatchStatistics
                dx.values.withUnsafeMutableBufferPointer { d in
                    nonisolated(unsafe) let d = d
                    forEachChunk(n, work: n * f) { _, rows in
                        for r in rows {
                            let o = r * f
                            if batch {
                                for c in 0..<f {
                                    d[o + c] = scale[c] * (T(n) * gv[o + c] - sumDy[c] - xh[o + c] * sumDyXh[c])
                                }
                            } else {
                                for c in 0..<f { d[o + c] = scale[c] * T(n) * gv[o + c] }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}

/// ReLU (slope 0 below zero) or leaky ReLU (slope `negativeSlope`).
public final class Activation<T: NNScalar>: Layer<T> {
    public let negativeSlope: T
    /// The output: for slopes ≥ 0 its sign is the input's, which is all backward needs (and
    /// keeping it, rather than a copy of the input, lets the forward pass work in place).
    private var output: [T] = []

    public init(negativeSlope: T = 0) {
        precondition(negativeSlope >= 0, "negative slopes would change the sign of the output")
        self.negativeSlope = negativeSlope
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        var y = x
        let a = negativeSlope
        let c = x.columns
        y.values.withUnsafeMutableBufferPointer { v in
            nonisolated(unsafe) let v = v
            forEachChunk(x.rows, work: v.count) { _, rows in
                for i in (rows.lowerBound * c)..<(rows.upperBound * c) { let x = v[i]; v[i] = x < 0 ? x * a : x }
            }
        }
        output = y.values
        return y
    }

    /// ∂y/∂x = 1 where the output is positive, the slope elsewhere (0 at the kink, as PyTorch).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func backward(_ g: Batch<T>) -> Batch<T> {
        var d = g
        let a = negativeSlope
        let c = g.columns
        output.withUnsafeBufferPointer { y in
            d.values.withUnsafeMutableBufferPointer { v in
                nonisolated(unsafe) let v = v
                forEachChunk(g.rows, work: v.count) { _, rows in
                    for i in (rows.lowerBound * c)..<(rows.upperBound * c) { let g = v[i]; v[i] = y[i] > 0 ? g : g * a }
                }
            }
        }
        return d
    }
}

/// Inverted dropout: in training each value is zeroed with probability p and the rest scaled by
/// 1/(1−p); identity in evaluation. Masks come from the layer's own seeded generator.
public final class Dropout<T: NNScalar>: Layer<T> {
    public let probability: Double
    public var random: SplitMix64
    /// For gradient checks: reuse the last mask instead of drawing a new one.
    public var freezeMask = false
    private var mask: [T] = []

    public init(_ probability: Double, seed: UInt64) {
        self.probability = probability
        random = SplitMix64(seed: seed)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        guard training, probability > 0 else { mask = []; return x }
        if !(freezeMask && mask.count == x.values.count) {
            // Each chunk of rows draws from its own stream, seeded from the layer's generator, so
            // masks are reproducible for a fixed thread count; two 32-bit uniforms per 64 bits.
            let keep = T(1 / (1 - probability))
            let threshold = UInt32(min(probability * 4_294_967_296.0, 4_294_967_295.0))
            let count = x.values.count, c = x.columns
            if mask.count != count { mask = [T](repeating: 0, count: count) }
            let base = random.next()
            mask.withUnsafeMutableBufferPointer { m in
                nonisolated(unsafe) let m = m
                forEachChunk(x.rows, work: count) { chunk, rows in
                    var stream = SplitMix64(seed: base &+ UInt64(chunk) &* 0xD1B5_4A32_D192_ED03)
                    var i = rows.lowerBound * c
                    let end = rows.upperBound * c
                    while i < end {
                        let r = stream.next()
                        m[i] = UInt32(truncatingIfNeeded: r) < threshold ? 0 : keep
                        if i + 1 < end { m[i + 1] = UInt32(truncatingIfNeeded: r >> 32) < threshold ? 0 : keep }
                        i += 2
                    }
                }
            }
        }
        var y = x
        mask.withUnsafeBufferPointer { m in
            y.values.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] *= m[i] } }
        }
        return y
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func backward(_ g: Batch<T>) -> Batch<T> {
        guard !mask.isEmpty else { return g }
        var d = g
        mask.withUnsafeBufferPointer { m in
            d.values.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] *= m[i] } }
        }
        return d
    }
}

/// Layers applied in order.
public final class Sequential<T: NNScalar>: Layer<T> {
    public let layers: [Layer<T>]
    public init(_ layers: [Layer<T>]) { self.layers = layers }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        layers.reduce(x) { $1.forward($0, training: training) }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func backward(_ g: Batch<T>) -> Batch<T> {
        layers.reversed().reduce(g) { $1.backward($0) }
    }

    public override var parameters: [Parameter<T>] { layers.flatMap(\.parameters) }
    public override var buffers: [Parameter<T>] { layers.flatMap(\.buffers) }

    public func zeroGradients() {
        for p in parameters { for i in p.gradient.indices { p.gradient[i] = 0 } }
    }
}

/// SplitMix64: a small, fast, seedable generator for initialisation, dropout and shuffling.
public struct SplitMix64: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform on [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u = 1 - uniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
