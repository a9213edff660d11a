import CAMX
import Foundation
import IO

/// Number format of network inference.
public enum InferencePrecision: String, Sendable, CaseIterable {
    /// Float32 through OpenBLAS, everywhere.
    case float32 = "fp32"
    /// bfloat16 inputs and weights with float32 accumulation on Intel AMX tiles (Sapphire Rapids
    /// and later); several times faster, predictions within about 0.01 kcal/mol of float32.
    case bfloat16 = "bf16"
    /// bf16 when the CPU has AMX, else float32.
    case automatic = "auto"

    /// Whether bf16 tiles can be used on this machine (asks the kernel for the tile state once).
    public static var amxAvailable: Bool { betseq_amx_available() != 0 }
}

/// An evaluation-mode multilayer perceptron on one-hot inputs folded for AMX: each hidden layer is
/// one packed bf16 weight matrix with a per-output scale and shift (bias and batch norm together)
/// and ReLU; the output layer is a float dot product. Dropout is the identity in evaluation.
/// Inputs are packed categorical keys, as `OneHot` reads them.
public final class AMXNetwork: @unchecked Sendable {
    struct Dense {
        var packed: [UInt16]
        var depth: Int        // input width rounded up to 32
        var width: Int        // outputs
        var stride: Int       // output row stride (width rounded up to 32)
        var scale: [Float]    // width rounded up to 16
        var shift: [Float]
    }
    /// Where the products run: AMX tiles, or the portable scalar emulation of the same kernel.
    public enum Backend: Sendable { case tiles, emulated }
    public let backend: Backend
    let length: Int
    let layers: [Dense]
    let outputWeights: [Float]
    let outputBias: Float

    /// Nil unless AMX is available and `layers` are Linear → BatchNorm → ReLU (→ Dropout) blocks
    /// ending in a Linear with one output, on the one-hot encoding of `length` positions.
    public init?(layers networkLayers: [Layer<Float>], length: Int, backend: Backend = .tiles) {
        guard backend == .emulated || InferencePrecision.amxAvailable else { return nil }
        self.backend = backend
        var blocks: [Dense] = []
        var pending: Linear<Float>?
        var last: Linear<Float>?
        var depth = (OneHot.width(length) + 31) / 32 * 32
        var norm: BatchNorm<Float>?
        func finish(relu: Bool) -> Bool {
            guard let linear = pending else { return false }
            let n = linear.outputs, np = (n + 15) / 16 * 16
            var scale = [Float](repeating: 0, count: np), shift = [Float](repeating: 0, count: np)
            for j in 0..<n {
                if let bn = norm {
                    let s = bn.gamma.value[j] / (bn.runningVariance.value[j] + bn.epsilon).squareRoot()
                    scale[j] = s
                    shift[j] = (linear.bias.value[j] - bn.runningMean.value[j]) * s + bn.beta.value[j]
                } else {
                    scale[j] = 1
                    shift[j] = linear.bias.value[j]
                }
            }
            var packed = [UInt16](repeating: 0, count: betseq_amx_packed_size(Int32(depth), Int32(n)))
            // Pack with the padded depth: rows beyond the layer's inputs are zero.
            var padded = [Float](repeating: 0, count: depth * n)
            for i in 0..<linear.inputs { for j in 0..<n { padded[i * n + j] = linear.weight.value[i * n + j] } }
            betseq_amx_pack(padded, Int32(depth), Int32(n), &packed)
            let stride = (n + 31) / 32 * 32
            blocks.append(Dense(packed: packed, depth: depth, width: n, stride: stride, scale: scale, shift: shift))
            depth = stride
            pending = nil
            norm = nil
            return relu
        }
        for layer in networkLayers {
            switch layer {
            case let linear as Linear<Float>:
                guard pending == nil else { return nil }   // two linear maps in a row: not this architecture
                pending = linear
                last = linear
            case let bn as BatchNorm<Float>:
                guard pending != nil, norm == nil else { return nil }
                norm = bn
            case let activation as Activation<Float>:
                guard activation.negativeSlope == 0, finish(relu: true) else { return nil }
            case is Dropout<Float>:
                continue
            default:
                return nil
            }
        }
        guard let output = last, pending === output, output.outputs == 1, output.inputs == blocks.last?.width ?? -1 else { return nil }
        self.length = length
        layers = blocks
        outputWeights = output.weight.value
        outputBias = output.bias.value[0]
    }

    /// Raw outputs for keys (any count; processed in 1,024-row batches padded to a multiple of 32).
    public func outputs(_ keys: ArraySlice<UInt64>, into out: UnsafeMutableBufferPointer<Float>) {
        let rows = (keys.count + 31) / 32 * 32
        let inputDepth = layers[0].depth
        var x = [UInt16](repeating: 0, count: rows * inputDepth)
        for (r, key) in keys.enumerated() {
            OneHot.forEachHot(key, length: length) { x[r * inputDepth + $0] = 0x3F80 }  // 1.0 in bf16
        }
        for layer in layers {
            // Every element, padding included, is written by the kernel.
            var y = [UInt16](unsafeUninitializedCapacity: rows * layer.stride) { _, count in count = rows * layer.stride }
            x.withUnsafeBufferPointer { xv in
                layer.packed.withUnsafeBufferPointer { w in
                    y.withUnsafeMutableBufferPointer { yv in
                        let run = backend == .tiles ? betseq_amx_layer : betseq_bf16_layer_emulated
                        run(xv.baseAddress, Int32(rows), Int32(layer.depth), w.baseAddress, Int32(layer.width),
                            layer.scale, layer.shift, 1, yv.baseAddress, Int32(layer.stride))
                    }
                }
            }
            x = y
        }
        var result = [Float](repeating: 0, count: rows)
        let final = layers[layers.count - 1]
        let dot = backend == .tiles ? betseq_bf16_rows_dot : betseq_bf16_rows_dot_emulated
        dot(x, Int32(rows), Int32(final.width), Int32(final.stride), outputWeights, outputBias, &result)
        for i in 0..<keys.count { out[i] = result[i] }
    }
}

/// One-hot rows of packed categorical keys: `length` positions of 4 categories, 2 bits each, the
/// first position in the most significant bits (DNA keys, A=0 … T=3, are the use).
public enum OneHot {
    /// Columns of the encoding: 4 per position.
    public static func width(_ length: Int) -> Int { 4 * length }

    /// Calls `body` with the column of each position's hot category.
    @inline(__always)
    public static func forEachHot(_ key: UInt64, length: Int, _ body: (Int) -> Void) {
        for p in 0..<length { body(4 * p + Int((key >> UInt64(2 * (length - 1 - p))) & 3)) }
    }

    /// A batch of one-hot rows (zeros elsewhere).
    public static func encode<T: NNScalar>(_ keys: ArraySlice<UInt64>, length: Int) -> Batch<T> {
        let columns = width(length)
        var x = Batch<T>(zeros: keys.count, columns)
        x.values.withUnsafeMutableBufferPointer { v in
            for (r, key) in keys.enumerated() { forEachHot(key, length: length) { v[r * columns + $0] = 1 } }
        }
        return x
    }
}
