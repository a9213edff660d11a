import Foundation
import Testing
@testable import Simulate

@Suite struct RandomSourceTests {
    @Test func multinomialSumsExactlyAndIsSeeded() {
        let weights = (0..<1000).map { Double($0 % 17) + 0.5 }
        // Below and above the switch from one-by-one draws to Poissonisation (N ≥ K/2).
        for trials in [0, 1, 123, 499, 500, 123_457, 50_000_000] {
            let a = RandomSource(seed: 7).multinomial(trials: trials, weights: weights)
            let b = RandomSource(seed: 7).multinomial(trials: trials, weights: weights)
            #expect(a.reduce(0) { $0 + Int($1) } == trials)
            #expect(a == b)
            if trials > 100 { #expect(a != RandomSource(seed: 8).multinomial(trials: trials, weights: weights)) }
        }
        let streams = (0..<2).map { RandomSource(seed: 7, stream: UInt64($0)).multinomial(trials: 10_000, weights: weights) }
        #expect(streams[0] != streams[1])
    }

    @Test func multinomialZeroWeightsGetNothing() {
        let counts = RandomSource(seed: 2).multinomial(trials: 100_000, weights: [0, 1, 0, 3, 0, -1, .nan])
        #expect(counts[0] == 0 && counts[2] == 0 && counts[4] == 0 && counts[5] == 0 && counts[6] == 0)
        #expect(counts[1] + counts[3] == 100_000)
    }

    @Test func multinomialMarginalsHaveBinomialMeanAndVariance() {
        // 2,000 draws of Multinomial(N, p) over 4 categories; each count is Binomial(N, p_i):
        // mean N·p_i, variance N·p_i(1 − p_i). The sample mean is within 5 standard errors and the
        // sample variance within 15 % (its relative sd is about sqrt(2/2000) ≈ 3 %).
        let p = [0.1, 0.2, 0.3, 0.4]
        for n in [3, 1_000, 1_000_000] {
            let rng = RandomSource(seed: 11)
            let plan = MultinomialPlan(weights: p)
            var counts = [UInt32](repeating: 0, count: 4)
            var sum = [Double](repeating: 0, count: 4), sq = sum
            let reps = 2000
            for _ in 0..<reps {
                counts.withUnsafeMutableBufferPointer { rng.multinomial(trials: n, plan: plan, into: $0) }
                for i in 0..<4 { sum[i] += Double(counts[i]); sq[i] += Double(counts[i]) * Double(counts[i]) }
            }
            for i in 0..<4 {
                let mean = sum[i] / Double(reps), variance = sq[i] / Double(reps) - mean * mean
                let expectedVar = Double(n) * p[i] * (1 - p[i])
                #expect(abs(mean - Double(n) * p[i]) < 5 * (expectedVar / Double(reps)).squareRoot(), "N=\(n) i=\(i)")
                #expect(abs(variance / expectedVar - 1) < 0.15, "N=\(n) i=\(i) var \(variance) vs \(expectedVar)")
            }
        }
    }

    /// Pearson χ² of samples against a probability mass function, pooling tail cells below 5
    /// expected counts.
    func chiSquare(_ samples: [Int], pmf: (Int) -> Double) -> (stat: Double, dof: Int) {
        let n = Double(samples.count)
        var observed: [Int: Int] = [:]
        for s in samples { observed[s, default: 0] += 1 }
        let hi = (observed.keys.max() ?? 0) + 1
        var stat = 0.0, cells = 0, pooledO = 0.0, pooledE = 0.0, massSeen = 0.0
        for k in 0...hi {
            let e = n * pmf(k)
            massSeen += pmf(k)
            pooledO += Double(observed[k] ?? 0)
            pooledE += e
            if pooledE >= 5 {
                stat += (pooledO - pooledE) * (pooledO - pooledE) / pooledE
                cells += 1
                pooledO = 0
                pooledE = 0
            }
        }
        // Whatever mass lies beyond the largest sample joins the last cell.
        pooledE += n * max(0, 1 - massSeen)
        if pooledE > 0 { stat += (pooledO - pooledE) * (pooledO - pooledE) / pooledE; cells += 1 }
        return (stat, cells - 1)
    }

    @Test func poissonMatchesItsMassFunction() {
        // Both regimes (inversion below μ = 10, PTRS above), 200,000 draws each. For ν degrees of
        // freedom χ² has mean ν and sd sqrt(2ν); ν + 6·sqrt(2ν) fails a correct sampler with
        // probability ~1e-6.
        for mu in [0.3, 3.0, 9.9, 10.1, 47.5, 1000.0] {
            let rng = RandomSource(seed: 5)
            let samples = (0..<200_000).map { _ in rng.poisson(mu) }
            let (stat, dof) = chiSquare(samples) { k in exp(Double(k) * log(mu) - mu - logFactorial(k)) }
            #expect(stat < Double(dof) + 6 * (2 * Double(dof)).squareRoot(), "μ=\(mu): χ²=\(stat) on \(dof) dof")
        }
    }

    @Test func logFactorialIsAccurateAcrossTheTableBoundary() {
        var exact = 0.0
        for k in 1...2000 {
            exact += log(Double(k))
            #expect(abs(logFactorial(k) - exact) <= 1e-12 * exact, "k=\(k)")
        }
    }

    @Test func aliasTableDrawsInProportion() {
        let weights = [5.0, 0, 1, 2, 0.5, 1.5]
        let plan = MultinomialPlan(weights: weights)
        let rng = RandomSource(seed: 9)
        var counts = [Int](repeating: 0, count: weights.count)
        let n = 1_000_000
        for _ in 0..<n { counts[plan.draw(rng)] += 1 }
        let total = weights.reduce(0, +)
        for i in weights.indices {
            let p = weights[i] / total
            #expect(abs(Double(counts[i]) / Double(n) - p) < 5 * (p * (1 - p) / Double(n)).squareRoot() + 1e-12)
        }
    }

    @Test func distinctDrawsMatchBruteForce() {
        // Number of distinct UMIs among m uniform draws from U: mean U·(1 − (1 − 1/U)^m). Compare
        // the occupancy sampler's mean and variance with direct simulation (same number of
        // replicates, independent streams): means within 5 combined standard errors.
        // Run sampling (m < U/4, or m > 8U where repeats are skipped geometrically) and the direct
        // bitset in between.
        for (u, m, reps) in [(4096, 200, 20_000), (64, 12, 20_000), (1024, 9000, 3000),
                             (4096, 5000, 4000), (16, 40, 20_000), (4, 3, 20_000)] {
            let fast = DistinctDraws(space: u, largest: m)
            let rng = RandomSource(seed: 21)
            let brute = RandomSource(seed: 22)
            var a = [Double](), b = [Double]()
            var seen = [Bool](repeating: false, count: u)
            var touched: [Int] = []
            for _ in 0..<reps {
                a.append(Double(fast.sample(draws: m, rng: rng)))
                for i in touched { seen[i] = false }
                touched.removeAll(keepingCapacity: true)
                for _ in 0..<m {
                    let x = brute.uniformInt(u)
                    if !seen[x] { seen[x] = true; touched.append(x) }
                }
                let d = touched.count
                b.append(Double(d))
            }
            func stats(_ v: [Double]) -> (Double, Double) {
                let mean = v.reduce(0, +) / Double(v.count)
                return (mean, v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1))
            }
            let (ma, va) = stats(a), (mb, vb) = stats(b)
            let expected = Double(u) * (1 - pow(1 - 1 / Double(u), Double(m)))
            let se = ((va + vb) / Double(reps)).squareRoot()
            #expect(abs(ma - mb) < 5 * se + 1e-9, "U=\(u) m=\(m): \(ma) vs \(mb)")
            #expect(abs(ma - expected) < 5 * (va / Double(reps)).squareRoot() + 1e-9, "U=\(u) m=\(m): \(ma) vs \(expected)")
            // Each sample variance has relative sd ≈ sqrt(2/reps); their ratio ≈ sqrt(4/reps): allow 5 sd.
            if vb > 0 { #expect(abs(va / vb - 1) < 5 * (4 / Double(reps)).squareRoot(), "U=\(u) m=\(m): variance \(va) vs \(vb)") }
            #expect(a.allSatisfy { $0 <= Double(min(u, m)) })
        }
    }

    @Test func uniformInUnitInterval() {
        let r = RandomSource(seed: 3)
        for _ in 0..<1000 {
            let u = r.uniform()
            #expect(u >= 0 && u < 1)
            let v = r.uniformPositive()
            #expect(v > 0 && v <= 1)
        }
    }
}
