import Testing
@testable import Simulate

@Suite struct RandomSourceTests {
    @Test func multinomialSumsExactlyAndIsSeeded() {
        let weights = (0..<1000).map { Double($0 % 17) + 0.5 }
        let a = RandomSource(seed: 7).multinomial(trials: 123_457, weights: weights)
        let b = RandomSource(seed: 7).multinomial(trials: 123_457, weights: weights)
        let c = RandomSource(seed: 8).multinomial(trials: 123_457, weights: weights)
        #expect(a.reduce(0) { $0 + Int($1) } == 123_457)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func multinomialFollowsTheWeights() {
        // Two categories 1:3 over 10^6 trials: the share of the first is 0.25 ± 5 sd (sd ≈ 0.00043).
        let counts = RandomSource(seed: 1).multinomial(trials: 1_000_000, weights: [1, 3])
        #expect(abs(Double(counts[0]) / 1e6 - 0.25) < 0.0022)
    }

    @Test func uniformInUnitInterval() {
        let r = RandomSource(seed: 3)
        for _ in 0..<1000 {
            let u = r.uniform()
            #expect(u >= 0 && u < 1)
        }
    }
}
