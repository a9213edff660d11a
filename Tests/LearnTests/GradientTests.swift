import Foundation
import Testing
@testable import Learn

/// Finite-difference checks in double precision: for a random upstream gradient g, the scalar
/// L = Σ g·f(x) has ∂L/∂x = backward(g); central differences with h = 1e-6 agree with the analytic
/// gradient to ~1e-8 relative, so 1e-6 leaves room for rounding in the sums.
@Suite struct GradientTests {
    func randomBatch(_ rows: Int, _ cols: Int, _ r: inout SplitMix64) -> Batch<Double> {
        Batch(rows: rows, columns: cols, values: (0..<(rows * cols)).map { _ in r.normal() })
    }

    func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    func check(_ layer: Layer<Double>, input: Batch<Double>, training: Bool = true, tolerance: Double = 1e-6) {
        var r = SplitMix64(seed: 99)
        let out = layer.forward(input, training: training)
        let g = (0..<out.values.count).map { _ in r.normal() }
        for p in layer.parameters { for i in p.gradient.indices { p.gradient[i] = 0 } }
        let dx = layer.backward(Batch(rows: out.rows, columns: out.columns, values: g))
        let h = 1e-6
        func lossAt(_ x: Batch<Double>) -> Double { dot(layer.forward(x, training: training).values, g) }
        for i in stride(from: 0, to: input.values.count, by: max(1, input.values.count / 40)) {
            var plus = input, minus = input
            plus.values[i] += h
            minus.values[i] -= h
            let numeric = (lossAt(plus) - lossAt(minus)) / (2 * h)
            #expect(abs(numeric - dx.values[i]) <= tolerance * max(1, abs(numeric)), "input \(i): \(numeric) vs \(dx.values[i])")
        }
        for p in layer.parameters {
            let analytic = p.gradient
            for i in stride(from: 0, to: p.value.count, by: max(1, p.value.count / 20)) {
                let v = p.value[i]
                p.value[i] = v + h
                let lp = lossAt(input)
                p.value[i] = v - h
                let lm = lossAt(input)
                p.value[i] = v
                let numeric = (lp - lm) / (2 * h)
                #expect(abs(numeric - analytic[i]) <= tolerance * max(1, abs(numeric)), "\(p.name)[\(i)]: \(numeric) vs \(analytic[i])")
            }
        }
    }

    @Test func linear() {
        var r = SplitMix64(seed: 1)
        check(Linear<Double>(7, 5, name: "l", random: &r), input: randomBatch(6, 7, &r))
    }

    @Test func batchNormInTrainingAndEvaluation() {
        var r = SplitMix64(seed: 2)
        let bn = BatchNorm<Double>(4, name: "bn")
        for i in 0..<4 { bn.gamma.value[i] = r.normal(); bn.beta.value[i] = r.normal() }
        check(bn, input: randomBatch(8, 4, &r))
        bn.runningVariance.value = [0.5, 1.5, 2, 0.9]
        check(bn, input: randomBatch(8, 4, &r), training: false)
    }

    @Test func activations() {
        var r = SplitMix64(seed: 3)
        // Inputs away from the kink at 0, where the derivative is undefined.
        var x = randomBatch(5, 6, &r)
        for i in x.values.indices where abs(x.values[i]) < 0.01 { x.values[i] = 0.5 }
        check(Activation<Double>(), input: x)
        check(Activation<Double>(negativeSlope: 0.01), input: x)
    }

    @Test func dropoutWithAFixedMask() {
        var r = SplitMix64(seed: 4)
        let d = Dropout<Double>(0.3, seed: 5)
        d.freezeMask = true
        let x = randomBatch(6, 10, &r)
        let y = d.forward(x, training: true)
        let dropped = y.values.filter { $0 == 0 }.count
        #expect(dropped > 5 && dropped < 35)
        check(d, input: x)
        #expect(d.forward(x, training: false).values == x.values)
    }

    @Test func stackedNetwork() {
        var r = SplitMix64(seed: 6)
        let net = Sequential<Double>([Linear(8, 6, name: "a", random: &r), BatchNorm(6, name: "b"), Activation(negativeSlope: 0.1),
                                      Linear(6, 1, name: "c", random: &r)])
        check(net, input: randomBatch(10, 8, &r))
    }

    func checkLoss(_ f: ([Double]) -> (Double, [Double]), at p: [Double]) {
        let (_, g) = f(p)
        let h = 1e-6
        for i in p.indices {
            var a = p, b = p
            a[i] += h
            b[i] -= h
            let numeric = (f(a).0 - f(b).0) / (2 * h)
            #expect(abs(numeric - g[i]) <= 1e-6 * max(1, abs(numeric)), "\(i): \(numeric) vs \(g[i])")
        }
    }

    @Test func losses() {
        let p = [0.3, -1.2, 2.5, 0.0, -0.7]
        checkLoss({ Loss.weightedMSE($0, [0.1, -1, 2, 0.5, 0], weights: [1, 2, 0.5, 1, 3]) }, at: p)
        checkLoss({ Loss.weightedMSE($0, [0.1, -1, 2, 0.5, 0], weights: nil) }, at: p)
        checkLoss({ Loss.poisson($0, counts: [3, 0, 10, 1, 2], exposure: [2.5, 1, 0.5, 4, 1]) }, at: p)
        checkLoss({ Loss.binomial($0, successes: [3, 0, 10, 1, 2], trials: [5, 4, 10, 1, 9]) }, at: p)
        checkLoss({ Loss.binaryCrossEntropy($0, [1, 0, 1, 0, 0.5]) }, at: p)
        // Closed forms: BCE of logit 0 is ln 2; Poisson is minimised where e·exp(p) = k.
        #expect(abs(Loss.binaryCrossEntropy([0.0], [1]).0 - log(2)) < 1e-12)
        #expect(abs(Loss.poisson([log(3.0 / 2)], counts: [3], exposure: [2]).1[0]) < 1e-12)
        // Extreme logits stay finite.
        #expect(Loss.binomial([800.0, -800], successes: [1, 0], trials: [1, 1]).0.isFinite)
    }
}

@Suite struct TrainingTests {
    func tinyData() -> (Batch<Float>, [Float]) {
        var r = SplitMix64(seed: 10)
        let x = Batch<Float>(rows: 64, columns: 12, values: (0..<(64 * 12)).map { _ in Float(r.normal()) })
        let y = (0..<64).map { _ in Float(r.normal()) }
        return (x, y)
    }

    func makeNet(seed: UInt64) -> Sequential<Float> {
        var r = SplitMix64(seed: seed)
        return Sequential<Float>([Linear(12, 64, name: "a", random: &r), BatchNorm(64, name: "b"), Activation(),
                                  Linear(64, 64, name: "c", random: &r), Activation(), Linear(64, 1, name: "d", random: &r)])
    }

    func train(_ net: Sequential<Float>, steps: Int) -> Float {
        let (x, y) = tinyData()
        let adam = Adam<Float>(learningRate: 3e-3)
        var last: Float = 0
        for _ in 0..<steps {
            net.zeroGradients()
            let out = net.forward(x, training: true)
            let (l, g) = Loss.weightedMSE(out.values, y, weights: nil)
            _ = net.backward(Batch(rows: 64, columns: 1, values: g))
            adam.step(net.parameters)
            last = l
        }
        return last
    }

    @Test func tinyNetworkOverfits64Examples() {
        // 64 random targets of variance ~1: memorised to a loss below 1e-3.
        let loss = train(makeNet(seed: 1), steps: 1500)
        #expect(loss < 1e-3, "loss \(loss)")
    }

    @Test func sameSeedSameWeights() {
        let a = makeNet(seed: 7), b = makeNet(seed: 7), c = makeNet(seed: 8)
        _ = train(a, steps: 20)
        _ = train(b, steps: 20)
        _ = train(c, steps: 20)
        #expect(ParameterStore.flatten(a.parameters) == ParameterStore.flatten(b.parameters))
        #expect(ParameterStore.flatten(a.parameters) != ParameterStore.flatten(c.parameters))
    }

    @Test func sgdAndScheduleFollowTheirDefinitions() {
        let p = Parameter<Double>("w", [1.0, -2.0])
        p.gradient = [0.5, 0.5]
        SGD<Double>(learningRate: 0.1, weightDecay: 0.1).step([p])
        // w − lr·(g + λw)
        #expect(abs(p.value[0] - (1 - 0.1 * (0.5 + 0.1))) < 1e-15 && abs(p.value[1] - (-2 - 0.1 * (0.5 - 0.2))) < 1e-15)
    }

    /// The published plateau rule through the trainer: lr ÷10 after patience/2 evaluations without
    /// a lower loss, stop after patience, the best epoch's state kept.
    @Test func trainerPlateauScheduleAndBestSnapshot() throws {
        let losses = [1.0, 1.5, 1.5, 0.9, 2, 2, 2, 2, 0.1, 0.1]
        var state: Float = 0, decays: [Int] = [], improved: [Int] = []
        let outcome = try runTraining(TrainingSchedule(maxEpochs: 10, patience: 4, goal: .minimize, decayAfter: 2),
                                      epoch: { e in state = Float(e); return 0 }, evaluate: { losses[$0 - 1] },
                                      snapshot: { [state] }, report: { e in
                                          if e.decays { decays.append(e.epoch) }
                                          if e.improved { improved.append(e.epoch) }
                                      })
        #expect(improved == [1, 4] && decays == [3, 6])
        #expect(outcome.stopReason == .earlyStopping && outcome.epochs == 8 && outcome.bestEpoch == 4 && outcome.best == [4])
    }

    /// Maximising with sparse evaluations: NaN never improves, the last epoch is always evaluated.
    @Test func trainerEvaluatesOnScheduleAndMaximises() throws {
        var evaluated: [Int] = []
        let scores: [Int: Double] = [3: 0.2, 6: .nan, 7: 0.5]
        let outcome = try runTraining(TrainingSchedule(maxEpochs: 7, patience: 5, goal: .maximize, evaluateEvery: 3),
                                      epoch: { _ in 0 }, evaluate: { evaluated.append($0); return scores[$0] ?? 0 },
                                      snapshot: { [Float(evaluated.last ?? 0)] })
        #expect(evaluated == [3, 6, 7] && outcome.bestEpoch == 7 && outcome.best == [7] && outcome.stopReason == .maxEpochs)
        let timed = try runTraining(TrainingSchedule(maxEpochs: 100, patience: 100, goal: .maximize, evaluateEvery: 50, timeBudget: 0),
                                    epoch: { _ in 0 }, evaluate: { Double($0) }, snapshot: { [] })
        #expect(timed.stopReason == .timeBudget && timed.epochs == 1 && timed.bestEpoch == 1)
    }

    /// Epoch orders: permutations, seeded, cumulative or fresh.
    @Test func epochOrders() {
        var a = EpochOrder(Array(10..<20), seed: 5, reshuffle: .cumulative), b = EpochOrder(Array(10..<20), seed: 5, reshuffle: .cumulative)
        let first = a.next(), second = a.next()
        #expect(first.sorted() == Array(10..<20) && first != Array(10..<20) && b.next() == first && b.next() == second)
        // Fresh: each epoch shuffles the initial order, so epoch 2 equals shuffling it with the generator's next draws.
        var f = EpochOrder(Array(0..<10), seed: 5, reshuffle: .fresh)
        var random = SplitMix64(seed: 5)
        var expected = Array(0..<10)
        random.shuffle(&expected)
        #expect(f.next() == expected)
        expected = Array(0..<10)
        random.shuffle(&expected)
        #expect(f.next() == expected)
    }

    @Test func parameterStoreRoundTrip() {
        let values: [Float] = [0, -1.5, .pi, 1e-30, -.greatestFiniteMagnitude]
        #expect(ParameterStore.decode(ParameterStore.encode(values)) == values)
        #expect(ParameterStore.decode("not base64!") == nil)
    }
}

/// Finite-difference checks of the graph layers (attention, pooling, pair head, P-GNN messages)
/// and the masked/focal loss, in double precision with the same 1e-6 relative tolerance.
@Suite struct GraphGradientTests {
    let base = GradientTests()

    /// A small molecule-like graph: a ring of 5 with a tail of 2, as undirected bonds.
    var bonds: [SIMD2<Int32>] { [SIMD2(0, 1), SIMD2(1, 2), SIMD2(2, 3), SIMD2(3, 4), SIMD2(4, 0), SIMD2(2, 5), SIMD2(5, 6)] }

    @Test func graphStructureGroupsEdgesByDestination() {
        let g = GraphStructure(nodes: 7, undirected: bonds, selfLoops: true)
        #expect(g.edgeCount == 7 + 2 * 7)
        #expect(Array(g.sources[Int(g.offsets[2])..<Int(g.offsets[3])]) == [2, 1, 3, 5])
    }

    @Test func graphAttention() {
        var r = SplitMix64(seed: 21)
        let layer = GraphAttention<Double>(5, heads: 3, channels: 4, name: "gat", random: &r)
        for i in layer.bias.value.indices { layer.bias.value[i] = r.normal() * 0.1 }
        layer.graph = GraphStructure(nodes: 7, undirected: bonds, selfLoops: true)
        base.check(layer, input: base.randomBatch(7, 5, &r))
    }

    @Test func anchorMessages() {
        var r = SplitMix64(seed: 22)
        let layer = AnchorMessage<Double>(4, 6, anchorSets: 3, name: "pgnn", random: &r)
        layer.anchors = (0..<21).map { _ in Int32(r.next() % 7) }
        layer.closeness = (0..<21).map { _ in 1 / (1 + Double(r.next() % 4)) }
        base.check(layer, input: base.randomBatch(7, 4, &r))
    }

    @Test func poolingAndPairFeatures() {
        var r = SplitMix64(seed: 23)
        let pool = SegmentSum<Double>()
        pool.groups = [0, 0, 1, 1, 1, 2, 2]
        pool.groupCount = 3
        base.check(pool, input: base.randomBatch(7, 4, &r))
        let pairs = PairFeatures<Double>()
        pairs.first = [0, 0, 1, 2]
        pairs.second = [1, 2, 2, 3]
        pairs.extraWidth = 2
        pairs.extra = (0..<8).map { _ in r.normal() }
        base.check(pairs, input: base.randomBatch(4, 3, &r))
        // Ordered: the third block is r_j − r_i.
        pairs.signed = true
        let x = base.randomBatch(4, 3, &r)
        base.check(pairs, input: x)
        let y = pairs.forward(x, training: true)
        #expect(abs(y.values[6] - (x.values[3] - x.values[0])) < 1e-15)
    }

    /// Two chains (rows 0–5 and 6–9, chain B listed out of order) so that chain ends, gaps and
    /// every dilation's neighbours are exercised; the residual path included.
    @Test func chainConvolution() {
        var r = SplitMix64(seed: 26)
        let chain: [Int32] = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1], position: [Int32] = [0, 1, 2, 3, 4, 5, 3, 0, 2, 1]
        for d in [1, 2, 4] {
            let layer = ChainConvolution<Double>(width: 3, dilation: d, name: "chain", random: &r)
            for i in layer.bias.value.indices { layer.bias.value[i] = r.normal() * 0.3 }
            layer.neighbours = ChainConvolution<Double>.neighbours(chain: chain, position: position, dilations: [d])[0]
            base.check(layer, input: base.randomBatch(10, 3, &r))
        }
        // Neighbour tables: along each chain by position, none across chains or past an end.
        let table = ChainConvolution<Double>.neighbours(chain: chain, position: position, dilations: [1, 2])[1]
        #expect(Array(table[0..<4]) == [-1, 2, -1, 3] && Array(table[12..<14]) == [9, -1] && Array(table[14..<16]) == [-1, 8])
    }

    @Test func binOffsets() {
        var r = SplitMix64(seed: 27)
        let layer = BinOffset<Double>(bins: 3, columns: 2, name: "offset")
        layer.table.value = (0..<6).map { _ in r.normal() }
        layer.bins = [2, 0, 2, 1, 0]
        base.check(layer, input: base.randomBatch(5, 2, &r))
        let y = layer.forward(Batch(zeros: 5, 2), training: true)
        #expect(Array(y.values[0..<2]) == Array(layer.table.value[4..<6]))
    }

    /// A chunk's loss with the whole set's normaliser: chunks sum to the whole, gradients too.
    @Test func chunkedCrossEntropyAddsUp() {
        var r = SplitMix64(seed: 28)
        let z = (0..<16).map { _ in r.normal() }, y = (0..<16).map { _ in Double(r.next() % 2) }
        let mask: [Double] = [1, 0.5, 2, 1, 0, 1, 1, 3], w: [Double] = [2, 1]
        let (whole, g) = Loss.maskedBinaryCrossEntropy(z, y, columns: 2, mask: mask, positiveWeight: w)
        let total = mask.reduce(0, +)
        let (a, ga) = Loss.maskedBinaryCrossEntropy(Array(z[0..<6]), Array(y[0..<6]), columns: 2, mask: Array(mask[0..<3]), positiveWeight: w, normalizer: total)
        let (b, gb) = Loss.maskedBinaryCrossEntropy(Array(z[6...]), Array(y[6...]), columns: 2, mask: Array(mask[3...]), positiveWeight: w, normalizer: total)
        #expect(abs(a + b - whole) < 1e-12 && zip(ga + gb, g).allSatisfy { abs($0 - $1) < 1e-15 })
    }

    @Test func embeddingGathersAndScatters() {
        var r = SplitMix64(seed: 24)
        let e = Embedding<Double>(4, 3, name: "embed", random: &r)
        e.indices = [2, 0, 2, 3]
        let y = e.forward(Batch(zeros: 0, 0), training: true)
        #expect(Array(y.values[0..<3]) == Array(e.table.value[6..<9]))
        _ = e.backward(Batch(rows: 4, columns: 3, values: [Double](repeating: 1, count: 12)))
        #expect(e.table.gradient == [1, 1, 1, 0, 0, 0, 2, 2, 2, 1, 1, 1])
    }

    @Test func maskedWeightedAndFocalCrossEntropy() {
        var r = SplitMix64(seed: 25)
        let z = (0..<12).map { _ in r.normal() * 2 }, y: [Double] = [1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1]
        let mask: [Double] = [1, 0, 1, 0.5], weights: [Double] = [3, 1, 0.5]
        for gamma in [0.0, 2.0] {
            let (_, grad) = Loss.maskedBinaryCrossEntropy(z, y, columns: 3, mask: mask, positiveWeight: weights, focalGamma: gamma)
            let h = 1e-6
            for i in z.indices {
                var p = z, m = z
                p[i] += h; m[i] -= h
                let numeric = (Loss.maskedBinaryCrossEntropy(p, y, columns: 3, mask: mask, positiveWeight: weights, focalGamma: gamma).0
                    - Loss.maskedBinaryCrossEntropy(m, y, columns: 3, mask: mask, positiveWeight: weights, focalGamma: gamma).0) / (2 * h)
                #expect(abs(numeric - grad[i]) <= 1e-6 * max(1, abs(numeric)), "γ \(gamma), \(i): \(numeric) vs \(grad[i])")
            }
        }
        // Closed form: one positive logit 0 with weight 1 is ln 2.
        #expect(abs(Loss.maskedBinaryCrossEntropy([0.0], [1], columns: 1, mask: [1], positiveWeight: [1]).0 - log(2)) < 1e-12)
    }
}
