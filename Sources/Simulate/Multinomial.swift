import Foundation

/// Category weights prepared for repeated multinomial draws: normalised probabilities and a Vose
/// alias table (one uniform picks a category in O(1)).
public struct MultinomialPlan: Sendable {
    /// Probabilities, summing to 1 (all zero when every weight is zero).
    public let probabilities: [Double]
    /// Sum of the weights as given.
    public let total: Double
    let aliasCut: [Double]
    let alias: [Int32]
    public var count: Int { probabilities.count }

    /// Negative and non-finite weights count as zero.
    public init(weights: [Double]) {
        let clean = weights.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        var sum = 0.0
        for w in clean { sum += w }
        total = sum
        let n = clean.count
        probabilities = sum > 0 ? clean.map { $0 / sum } : clean
        // Vose's alias method: scaled probabilities n·p split into "small" (< 1) and "large".
        var cut = probabilities.map { $0 * Double(n) }
        var alias = [Int32](repeating: 0, count: n)
        var small: [Int32] = [], large: [Int32] = []
        small.reserveCapacity(n)
        large.reserveCapacity(n)
        for i in 0..<n { if cut[i] < 1 { small.append(Int32(i)) } else { large.append(Int32(i)) } }
        while let s = small.last, let l = large.last {
            small.removeLast()
            alias[Int(s)] = l
            cut[Int(l)] -= 1 - cut[Int(s)]
            if cut[Int(l)] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        // Leftovers are 1 up to rounding.
        for i in large { cut[Int(i)] = 1; alias[Int(i)] = i }
        for i in small { cut[Int(i)] = sum > 0 ? 1 : 0; alias[Int(i)] = i }
        aliasCut = cut
        self.alias = alias
    }

    /// One category drawn with probability p_i.
    @inline(__always)
    func draw(_ rng: RandomSource) -> Int {
        let x = rng.uniform() * Double(aliasCut.count)
        let i = min(Int(x), aliasCut.count - 1)
        return x - Double(i) < aliasCut[i] ? i : Int(alias[i])
    }
}

extension RandomSource {
    /// Draws `trials` items over categories with the given (unnormalised, non-negative) weights;
    /// the counts sum exactly to `trials`.
    public func multinomial(trials: Int, weights: [Double]) -> [UInt32] {
        var counts = [UInt32](repeating: 0, count: weights.count)
        let plan = MultinomialPlan(weights: weights)
        counts.withUnsafeMutableBufferPointer { multinomial(trials: trials, plan: plan, into: $0) }
        return counts
    }

    /// Multinomial(N, p), exactly, in O(K + √N) time for K categories.
    ///
    /// Poissonisation: X_i ~ Poisson(λ·p_i) independently makes T = Σ X_i ~ Poisson(λ) and, given
    /// T = t, (X_i) ~ Multinomial(t, p). With λ = N − 4√N, T ≤ N almost always (otherwise every X
    /// is redrawn); the missing N − T items are then drawn one by one from p (alias table), and the
    /// sum of the two independent multinomials with the same p is Multinomial(N, p). When N is small
    /// next to K, all N items are drawn one by one instead.
    public func multinomial(trials n: Int, plan: MultinomialPlan, into counts: UnsafeMutableBufferPointer<UInt32>) {
        precondition(counts.count == plan.count && n >= 0 && n <= Int(UInt32.max))
        for i in counts.indices { counts[i] = 0 }
        guard n > 0, plan.total > 0 else { return }
        var placed = 0
        if n >= plan.count / 2 {
            let lambda = max(0, Double(n) - 4 * Double(n).squareRoot())
            while true {
                var sum = 0
                plan.probabilities.withUnsafeBufferPointer { p in
                    LogFactorialTable.reciprocals.withUnsafeBufferPointer { recip in
                    for i in 0..<p.count where p[i] > 0 {
                        let x = poisson(lambda * p[i], reciprocals: recip)
                        counts[i] = UInt32(truncatingIfNeeded: x)
                        sum += x
                    }
                    }
                }
                if sum <= n {
                    placed = sum
                    break
                }
                for i in counts.indices { counts[i] = 0 }
            }
        }
        for _ in placed..<n { counts[plan.draw(self)] += 1 }
    }

    /// Poisson(μ): inversion by sequential search for μ < 10, else Hörmann's PTRS (transformed
    /// rejection with squeeze, 1993), which needs ~1.2 uniform pairs per draw and a log-factorial
    /// only outside the squeeze.
    public func poisson(_ mu: Double) -> Int {
        LogFactorialTable.reciprocals.withUnsafeBufferPointer { poisson(mu, reciprocals: $0) }
    }

    @inline(__always)
    func poisson(_ mu: Double, reciprocals: UnsafeBufferPointer<Double>) -> Int {
        if mu < 10 {
            guard mu > 0 else { return 0 }
            let p0 = exp(-mu)
            while true {
                var k = 0
                var p = p0
                var u = uniform()
                while u > p && k < 200 {
                    u -= p
                    k += 1
                    p *= mu * reciprocals[k]
                }
                // k = 200 only when rounding left u above the total mass: draw again.
                if k < 200 { return k }
            }
        }
        let slam = mu.squareRoot()
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mu + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invAlpha) - log(a / (us * us) + b) <= -mu + k * log(mu) - logFactorial(Int(k)) {
                return Int(k)
            }
        }
    }
}

/// ln k! from a table below 256 and the Stirling series above (error < 1e-15 relative there).
func logFactorial(_ k: Int) -> Double {
    if k < LogFactorialTable.values.count { return LogFactorialTable.values[k] }
    let x = Double(k) + 1
    let inv = 1 / x, inv2 = inv * inv
    // ln Γ(x) = (x − ½)ln x − x + ½ln 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵)
    return (x - 0.5) * log(x) - x + 0.918_938_533_204_672_7
        + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260))
}

enum LogFactorialTable {
    /// 1/k (k ≥ 1), so the inversion loop multiplies instead of dividing.
    static let reciprocals: [Double] = (0...200).map { $0 == 0 ? 0 : 1 / Double($0) }
    static let values: [Double] = {
        var t = [0.0]
        for k in 1..<256 { t.append(t[k - 1] + log(Double(k))) }
        return t
    }()
}
