import Foundation

/// A dilated convolution along chains with kernel 3 and a residual connection (the blocks of
/// WaveNet/ByteNet, one dimension): for row i with chain neighbours i−d and i+d,
///
///   u_i = [x_{i−d} ‖ x_i ‖ x_{i+d}]·W + b   (a missing neighbour, past a chain end, is zero),
///   y_i = x_i + LeakyReLU_0.2(u_i).
///
/// Stacking dilations 1, 2, 4, 8, 16 lets each row see ±31 rows of its chain. `neighbours` (rows × 2:
/// the row d before and d after, −1 where there is none) must be set before `forward`.
public final class ChainConvolution<T: NNScalar>: Layer<T> {
    public let weight: Parameter<T>
    public let bias: Parameter<T>
    public let width: Int
    public let dilation: Int
    public let negativeSlope: T = 0.2
    public var neighbours: [Int32] = []
    private var stacked: [T] = []   // rows × 3·width
    private var preActivation: [T] = []

    /// Weights U(±sqrt(6/(3·width + width)))·0.5: the residual path dominates at the start.
    public init(width: Int, dilation: Int, name: String, random: inout SplitMix64) {
        self.width = width
        self.dilation = dilation
        let bound = 0.5 * (6 / Double(4 * width)).squareRoot()
        weight = Parameter("\(name).weight", (0..<(3 * width * width)).map { _ in T((random.uniform() * 2 - 1) * bound) })
        bias = Parameter("\(name).bias", [T](repeating: 0, count: width))
    }

    public override var parameters: [Parameter<T>] { [weight, bias] }

    /// Neighbour tables, one per dilation, for rows with chain ids and positions (rows of one chain
    /// need not be contiguous; positions must be unique within a chain). One index serves them all.
    public static func neighbours(chain: [Int32], position: [Int32], dilations: [Int]) -> [[Int32]] {
        var index: [SIMD2<Int32>: Int32] = [:]
        for k in chain.indices { index[SIMD2(chain[k], position[k])] = Int32(k) }
        return dilations.map { d in
            var table = [Int32](repeating: -1, count: 2 * chain.count)
            for k in chain.indices {
                table[2 * k] = index[SIMD2(chain[k], position[k] &- Int32(truncatingIfNeeded: d))] ?? -1
                table[2 * k + 1] = index[SIMD2(chain[k], position[k] &+ Int32(truncatingIfNeeded: d))] ?? -1
            }
            return table
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        let n = x.rows, w = width
        precondition(x.columns == w && neighbours.count == 2 * n)
        stacked = [T](repeating: 0, count: n * 3 * w)
        for i in 0..<n {
            let o = i * 3 * w
            let before = Int(neighbours[2 * i]), after = Int(neighbours[2 * i + 1])
            for c in 0..<w {
                if before >= 0 { stacked[o + c] = x.values[before * w + c] }
                stacked[o + w + c] = x.values[i * w + c]
                if after >= 0 { stacked[o + 2 * w + c] = x.values[after * w + c] }
            }
        }
        preActivation = affineForward(stacked, rows: n, inputs: 3 * w, outputs: w, weight: weight, bias: bias)
        var y = x
        for k in 0..<(n * w) { let u = preActivation[k]; y.values[k] += u > 0 ? u : negativeSlope * u }
        return y
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public override func backward(_ g: Batch<T>) -> Batch<T> {
        let n = g.rows, w = width
        var du = [T](repeating: 0, count: n * w)
        for k in 0..<(n * w) { du[k] = preActivation[k] > 0 ? g.values[k] : negativeSlope * g.values[k] }
        let dStacked = affineBackward(stacked, du, rows: n, inputs: 3 * w, outputs: w, weight: weight, bias: bias)
        var dx = g   // the residual path
        for i in 0..<n {
            let o = i * 3 * w
            let before = Int(neighbours[2 * i]), after = Int(neighbours[2 * i + 1])
            for c in 0..<w {
                if before >= 0 { dx.values[before * w + c] += dStacked[o + c] }
                dx.values[i * w + c] += dStacked[o + w + c]
                if after >= 0 { dx.values[after * w + c] += dStacked[o + 2 * w + c] }
            }
        }
        return dx
    }
}

/// A learned logit offset per bin and output column, added to the input: y_{q,c} = x_{q,c} +
/// table[bin_q, c]. With bins of sequence separation it is the separation baseline inside the
/// network, which the layers below then correct. `bins` must be set before `forward`.
public final class BinOffset<T: NNScalar>: Layer<T> {
    public let table: Parameter<T>
    public let binCount: Int, columns: Int
    public var bins: [Int32] = []

    public init(bins: Int, columns: Int, name: String) {
        binCount = bins
        self.columns = columns
        table = Parameter("\(name).table", [T](repeating: 0, count: bins * columns))
    }

    public override var parameters: [Parameter<T>] { [table] }

    public override func forward(_ x: Batch<T>, training: Bool) -> Batch<T> {
        precondition(x.columns == columns && bins.count == x.rows)
        var y = x
        for (q, b) in bins.enumerated() {
            let k = min(max(Int(b), 0), binCount - 1)
            for c in 0..<columns { y.values[q * columns + c] += table.value[k * columns + c] }
        }
        return y
    }

    public override func backward(_ g: Batch<T>) -> Batch<T> {
        for (q, b) in bins.enumerated() {
            let k = min(max(Int(b), 0), binCount - 1)
            for c in 0..<columns { table.gradient[k * columns + c] += g.values[q * columns + c] }
        }
        return g
    }
}
