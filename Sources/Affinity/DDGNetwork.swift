import Foundation
import Learn
import IO
import Sequence

/// What the network is trained on.
public enum Likelihood: String, Sendable, CaseIterable {
    /// Measured ΔΔG (weighted MSE with Gaussian target noise, as published).
    case ratio
    /// Bound counts ~ Poisson((input + 0.5)·exp(o)): the network output o is the log affinity.
    case poisson
    /// Bound counts ~ Binomial(bound + input, σ(o)): o is the log odds of a read being bound.
    case binomial
}

public enum OptimizerKind: String, Sendable, CaseIterable { case sgd, adam }

/// Architecture and training recipe. Defaults are the published ones: one-hot → 500 → 500 → 250 →
/// 1 with batch norm and ReLU, dropout 0.25 on the two deeper hidden layers; SGD lr 1e-3, weight
/// decay 0.01, Gaussian target noise sd 0.5, learning rate ÷10 after 2 epochs and stop after 5
/// without improvement of the validation loss.
public struct NeuralOptions: Sendable {
    public var widths = [500, 500, 250]
    public var dropout = 0.25
    public var optimizer = OptimizerKind.sgd
    public var learningRate = 1e-3
    public var momentum = 0.0
    public var weightDecay = 0.01
    public var batchSize = 256
    public var maxEpochs = 100
    public var patience = 5
    public var targetNoise = 0.5
    public var seed: UInt64 = 0
    public var threads = 2
    public var likelihood = Likelihood.ratio
    public var rt = defaultRT
    public init() {}
}

/// The ΔΔG network on one-hot DNA.
public final class DDGNetwork {
    public let length: Int
    public let widths: [Int]
    public let dropout: Double
    public let likelihood: Likelihood
    public let rt: Double
    let net: Sequential<Float>

    public init(length: Int, widths: [Int], dropout: Double, likelihood: Likelihood, rt: Double, seed: UInt64) {
        self.length = length
        self.widths = widths
        self.dropout = dropout
        self.likelihood = likelihood
        self.rt = rt
        var random = SplitMix64(seed: seed)
        var layers: [Layer<Float>] = []
        var width = 4 * length
        for (k, w) in widths.enumerated() {
            let linear = Linear<Float>(width, w, name: "hidden\(k + 1)", random: &random)
            linear.computesInputGradient = k > 0  // nothing upstream of the one-hot input
            layers.append(linear)
            layers.append(BatchNorm<Float>(w, name: "bn\(k + 1)"))
            layers.append(Activation<Float>())
            if k >= 1 && dropout > 0 { layers.append(Dropout<Float>(dropout, seed: seed &+ UInt64(k) &* 7919)) }
            width = w
        }
        layers.append(Linear<Float>(width, 1, name: "output", random: &random))
        net = Sequential(layers)
    }

    public var parameterCount: Int { net.parameters.reduce(0) { $0 + $1.value.count } }

    /// One-hot rows for sequence keys (A, C, G, T per position, position 1 first).
    func encode(_ keys: ArraySlice<UInt64>) -> Batch<Float> { Self.encode(keys, length: length) }

    static func encode(_ keys: ArraySlice<UInt64>, length: Int) -> Batch<Float> { OneHot.encode(keys, length: length) }

    /// Raw network outputs in evaluation mode, on `threads` threads.
    ///
    /// Each thread runs its own copy of the network on 1,024-row batches with single-threaded BLAS:
    /// OpenBLAS's own threads are about three times slower on these small products (their hand-off
    /// costs more than the work). Batches are the same whatever the thread count, so the outputs are
    /// bit-identical for any `threads`.
    func outputs(_ keys: [UInt64], threads: Int = 1, precision: InferencePrecision = .float32) -> [Float] {
        let batch = 1024  // the per-layer arrays of a 1,024-row batch (about 2 MB) stay in cache
        let jobs = (keys.count + batch - 1) / batch
        let workers = max(1, min(threads, jobs))
        if precision != .float32, let amx = amxNetwork() {
            var out = [Float](repeating: 0, count: keys.count)
            out.withUnsafeMutableBufferPointer { buffer in
                let target = SendableBuffer(buffer)
                try? parallelJobs(jobs, threads: workers) { job, _ in
                    let start = job * batch, end = min(keys.count, start + batch)
                    amx.outputs(keys[start..<end], into: UnsafeMutableBufferPointer(rebasing: target.buffer[start..<end]))
                }
            }
            return out
        }
        let length = self.length
        let copies = WorkerNetworks([net] + (1..<workers).map { _ in clone().net })
        var out = [Float](repeating: 0, count: keys.count)
        let kernelThreads = NumericEnvironment.threads
        NumericEnvironment.setThreads(1)  // the workers are the threads; no nested ones
        defer { NumericEnvironment.setThreads(kernelThreads) }
        out.withUnsafeMutableBufferPointer { buffer in
            let target = SendableBuffer(buffer)
            try? parallelJobs(jobs, threads: workers) { job, worker in
                // Trained weights include denormals (weight decay), which slow sgemm more than
                // tenfold; the flag is per thread.
                NumericEnvironment.flushDenormals()
                let start = job * batch, end = min(keys.count, start + batch)
                let y = copies.networks[worker].forward(Self.encode(keys[start..<end], length: length), training: false).values
                for (i, v) in y.enumerated() { target.buffer[start + i] = v }
            }
        }
        return out
    }

    /// The network folded for bf16 AMX tiles (nil without AMX or for other architectures); built once.
    private var amxCache: AMXNetwork??
    func amxNetwork() -> AMXNetwork? {
        if let cached = amxCache { return cached }
        let built = AMXNetwork(layers: net.layers, length: length)
        amxCache = .some(built)
        return built
    }

    /// A network with the same architecture and weights.
    func clone() -> DDGNetwork {
        let copy = DDGNetwork(length: length, widths: widths, dropout: dropout, likelihood: likelihood, rt: rt, seed: 0)
        _ = ParameterStore.restore(ParameterStore.flatten(net.parameters + net.buffers), into: copy.net.parameters + copy.net.buffers)
        return copy
    }

    /// ΔΔG (kcal/mol, not centred) of each key: the output itself for ratio training, −RT·output
    /// for count likelihoods (whose output is a log affinity).
    public func predict(_ keys: [UInt64], threads: Int = 1, precision: InferencePrecision = .float32) -> [Double] {
        let scale = likelihood == .ratio ? 1.0 : -rt
        return outputs(keys, threads: threads, precision: precision).map { Double($0) * scale }
    }

    /// The precision `automatic` resolves to for this network on this machine.
    public func effectivePrecision(_ requested: InferencePrecision) -> InferencePrecision {
        requested == .float32 || amxNetwork() == nil ? .float32 : .bfloat16
    }
}

/// Fit of the network to the measured ΔΔG (`data.target`) on `rows`, skipping rows without a finite
/// target. The predictions are first shifted by their mean difference from the targets on these rows:
/// the zero of ΔΔG is arbitrary (a count-trained network predicts a log affinity up to a constant, and
/// measured ΔΔG are centred over the observed flanks only), so only the shape is scored.
public func heldOutMetrics(_ network: DDGNetwork, data: NeuralData, rows: [Int], threads: Int = 1) -> FitMetrics {
    let kept = rows.filter { data.target[$0].isFinite }
    let prediction = network.predict(kept.map { data.keys[$0] }, threads: threads)
    return FitMetrics.offsetFree(target: kept.map { data.target[$0] }, prediction: prediction)
}

/// Per-worker network copies; each worker touches only its own.
private final class WorkerNetworks: @unchecked Sendable {
    let networks: [Sequential<Float>]
    init(_ networks: [Sequential<Float>]) { self.networks = networks }
}

/// A buffer whose disjoint ranges are written by different workers.
private struct SendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Float>
    init(_ buffer: UnsafeMutableBufferPointer<Float>) { self.buffer = buffer }
}
