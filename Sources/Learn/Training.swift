import Foundation

/// Losses over a batch of scalar predictions, averaged over the batch (as PyTorch's mean
/// reduction); each returns the loss and ∂loss/∂prediction.
public enum Loss {
    /// (1/N)·Σ w_i·(p_i − y_i)²; weights nil = 1.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func weightedMSE<T: NNScalar>(_ p: [T], _ y: [T], weights w: [T]?) -> (T, [T]) {
        let n = T(p.count)
        var loss: T = 0
        var g = [T](repeating: 0, count: p.count)
        for i in p.indices {
            let wi = w?[i] ?? 1, d = p[i] - y[i]
            loss += wi * d * d
            g[i] = 2 * wi * d / n
        }
        return (loss / n, g)
    }

    /// Poisson negative log-likelihood with log-rate η = p + log(exposure):
    /// (1/N)·Σ [e·exp(p) − k·(p + log e)] (constant log k! dropped).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func poisson<T: NNScalar>(_ p: [T], counts k: [T], exposure e: [T]) -> (T, [T]) {
        let n = T(p.count)
        var loss: T = 0
        var g = [T](repeating: 0, count: p.count)
        for i in p.indices {
            let rate = e[i] * T.exp(p[i])
            loss += rate - k[i] * (p[i] + T.log(e[i]))
            g[i] = (rate - k[i]) / n
        }
        return (loss / n, g)
    }

    /// Binomial negative log-likelihood of k successes in m trials with logit p:
    /// (1/N)·Σ [m·softplus(p) − k·p] (constant log C(m, k) dropped). BCE is m = 1.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func binomial<T: NNScalar>(_ p: [T], successes k: [T], trials m: [T]) -> (T, [T]) {
        let n = T(p.count)
        var loss: T = 0
        var g = [T](repeating: 0, count: p.count)
        for i in p.indices {
            let z = p[i]
            // softplus(z) = max(z, 0) + log1p(exp(−|z|)), stable for any z.
            let softplus = max(z, 0) + T.log1p(T.exp(-abs(z)))
            let sigmoid = z >= 0 ? 1 / (1 + T.exp(-z)) : T.exp(z) / (1 + T.exp(z))
            loss += m[i] * softplus - k[i] * z
            g[i] = (m[i] * sigmoid - k[i]) / n
        }
        return (loss / n, g)
    }

    /// Binary cross-entropy with logits: (1/N)·Σ [softplus(p) − y·p], y ∈ [0, 1].
    public static func binaryCrossEntropy<T: NNScalar>(_ p: [T], _ y: [T]) -> (T, [T]) {
        binomial(p, successes: y, trials: [T](repeating: 1, count: p.count))
    }
}

/// An optimizer updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
    associatedtype Scalar: NNScalar
    var learningRate: Double { get set }
    func step(_ parameters: [Parameter<Scalar>])
}

/// SGD with momentum μ and L2 weight decay λ (PyTorch semantics): g ← g + λw; v ← μv + g;
/// w ← w − lr·v.
public final class SGD<T: NNScalar>: Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let weightDecay: Double
    private var velocity: [[T]] = []

    public init(learningRate: Double, momentum: Double = 0, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func step(_ parameters: [Parameter<T>]) {
        if velocity.isEmpty { velocity = parameters.map { [T](repeating: 0, count: $0.value.count) } }
        let lr = T(learningRate), mu = T(momentum), wd = T(weightDecay)
        for (k, p) in parameters.enumerated() {
            p.value.withUnsafeMutableBufferPointer { w in
                p.gradient.withUnsafeBufferPointer { g in
                    velocity[k].withUnsafeMutableBufferPointer { v in
                        for i in w.indices {
                            let gi = g[i] + wd * w[i]
                            if momentum == 0 {
                                w[i] -= lr * gi
                            } else {
                                v[i] = mu * v[i] + gi
                                w[i] -= lr * v[i]
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Adam (Kingma & Ba) with L2 weight decay added to the gradient (PyTorch's `Adam`):
/// m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², w ← w − lr·m̂/(sqrt(v̂) + ε).
public final class Adam<T: NNScalar>: Optimizer {
    public var learningRate: Double
    public let beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double
    private var m: [[T]] = [], v: [[T]] = []
    private var t = 0

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func step(_ parameters: [Parameter<T>]) {
        if m.isEmpty {
            m = parameters.map { [T](repeating: 0, count: $0.value.count) }
            v = m
        }
        t += 1
        let b1 = T(beta1), b2 = T(beta2), wd = T(weightDecay), eps = T(epsilon)
        let c1 = T(1 - pow(beta1, Double(t))), c2 = T(1 - pow(beta2, Double(t)))
        let lr = T(learningRate)
        for (k, p) in parameters.enumerated() {
            p.value.withUnsafeMutableBufferPointer { w in
                p.gradient.withUnsafeBufferPointer { g in
                    m[k].withUnsafeMutableBufferPointer { mk in
                        v[k].withUnsafeMutableBufferPointer { vk in
                            for i in w.indices {
                                let gi = g[i] + wd * w[i]
                                mk[i] = b1 * mk[i] + (1 - b1) * gi
                                vk[i] = b2 * vk[i] + (1 - b2) * gi * gi
                                w[i] -= lr * (mk[i] / c1) / ((vk[i] / c2).squareRoot() + eps)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Parameters and buffers as one flat float32 array (little-endian base64 in model files).
public enum ParameterStore {
    public static func flatten<T: NNScalar>(_ arrays: [Parameter<T>]) -> [Float] {
        arrays.flatMap { $0.value.map { Float($0) } }
    }

    /// Copies values back in order; false when the sizes do not match.
    public static func restore<T: NNScalar>(_ flat: [Float], into arrays: [Parameter<T>]) -> Bool {
        guard flat.count == arrays.reduce(0, { $0 + $1.value.count }) else { return false }
        var o = 0
        for p in arrays {
            for i in p.value.indices { p.value[i] = T(flat[o + i]) }
            o += p.value.count
        }
        return true
    }

    public static func encode(_ flat: [Float]) -> String {
        var data = Data(capacity: flat.count * 4)
        for v in flat { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data.base64EncodedString()
    }

    public static func decode(_ text: String) -> [Float]? {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else { return nil }
        return stride(from: 0, to: data.count, by: 4).map { o in
            let bits = UInt32(data[o]) | UInt32(data[o + 1]) << 8 | UInt32(data[o + 2]) << 16 | UInt32(data[o + 3]) << 24
            return Float(bitPattern: bits)
        }
    }
}
