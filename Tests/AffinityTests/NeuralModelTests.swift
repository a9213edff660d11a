import Foundation
import Learn
import IO
import Sequence
import Testing
import TestSupport
@testable import Affinity

@Suite struct NeuralModelTests {
    /// 4^5 sequences with an additive truth plus noise, and Poisson-like counts.
    func data(seed: UInt64) -> (NeuralData, [Double]) {
        var r = SplitMix64(seed: seed)
        let mono = (0..<20).map { _ in r.normal() * 0.5 }
        var keys: [UInt64] = [], y: [Double] = [], truth: [Double] = [], bound: [Double] = [], input: [Double] = []
        for k in 0..<1024 {
            var t = 0.0
            for p in 0..<5 { t += mono[4 * p + ((k >> (2 * (4 - p))) & 3)] }
            keys.append(UInt64(k)); truth.append(t); y.append(t + 0.1 * r.normal())
            let u = Double(5 + Int(r.next() % 20))
            input.append(u)
            bound.append((u * exp(-t / 0.593)).rounded())
        }
        return (NeuralData(keys: keys, target: y, weights: nil, bound: bound, reference: input), truth)
    }

    func options(_ likelihood: Likelihood = .ratio) -> NeuralOptions {
        var o = NeuralOptions()
        o.widths = [32, 16]
        o.batchSize = 64
        o.maxEpochs = 40
        o.optimizer = .adam
        o.learningRate = 3e-3
        o.weightDecay = 0
        o.targetNoise = 0
        o.threads = 1
        o.likelihood = likelihood
        return o
    }

    @Test func learnsAnAdditiveLandscapeAndIsReproducible() throws {
        let (d, truth) = data(seed: 1)
        let (a, history) = try trainNetwork(d, length: 5, options: options())
        let (b, _) = try trainNetwork(d, length: 5, options: options())
        #expect(a.predict(d.keys) == b.predict(d.keys))
        let all = try a.predictLibrary()
        #expect(abs(all.reduce(0, +)) < 1e-6)
        let m = FitMetrics(target: truth, prediction: all)
        #expect(m.pearsonR2 > 0.9, "r² \(m.pearsonR2)")
        #expect(history.history.count >= 5 && history.bestEpoch >= 1)
    }

    @Test func countLikelihoodsRecoverTheLandscape() throws {
        let (d, truth) = data(seed: 2)
        for likelihood in [Likelihood.poisson, .binomial] {
            let (net, _) = try trainNetwork(d, length: 5, options: options(likelihood))
            let m = FitMetrics(target: truth, prediction: try net.predictLibrary())
            #expect(m.pearsonR2 > 0.9, "\(likelihood): r² \(m.pearsonR2)")
        }
    }

    @Test func saveAndLoadGiveIdenticalPredictions() throws {
        let (d, _) = data(seed: 3)
        var o = options()
        o.maxEpochs = 3
        let (net, training) = try trainNetwork(d, length: 5, options: o)
        let dir = try temporaryDirectory("nn")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("n.model").path
        let held = FitMetrics(rows: 7, r2: 0.5, pearsonR2: .nan, rmse: 0.25)
        let metadata = NeuralModelMetadata(training: training, options: o, weighted: false, metrics: .init(test: held),
                                           provenance: .init(input: "in.tsv", betseqVersion: "test", command: "test"))
        try net.save(path: path, metadata: metadata)
        let (back, record) = try DDGNetwork.read(path: path)
        #expect(back.predict(d.keys) == net.predict(d.keys))
        // The record round-trips, a non-finite metric as null.
        #expect(record?.bestEpoch == training.bestEpoch && record?.history.count == training.history.count)
        #expect(record?.metrics.test?.r2 == 0.5 && record?.metrics.test?.pearsonR2.isNaN == true)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self).contains("\"pearson_r2\" : null"))
        #expect(DDGNetwork.isNeuralModel(try Data(contentsOf: URL(fileURLWithPath: path))))
        try Data("{\"format\": \"betseq-neural-model\", \"length\": 5}".utf8).write(to: URL(fileURLWithPath: path))
        expectError(.malformedTable, mentioning: "\(path): ") { _ = try DDGNetwork.load(path: path) }
    }

    @Test func predictionsDoNotDependOnTheThreadCount() throws {
        // 4^7 = 16 batches of 1,024 rows, shared out among workers with their own network copies.
        let net = DDGNetwork(length: 7, widths: [24, 12], dropout: 0.25, likelihood: .ratio, rt: 0.593, seed: 9)
        let one = try net.predictLibrary(options: PredictionOptions(threads: 1))
        #expect(one.count == 1 << 14)
        for threads in [2, 3] { #expect(try net.predictLibrary(options: PredictionOptions(threads: threads)) == one) }
        let keys: [UInt64] = [5, 16383, 0, 777]
        #expect(net.predict(keys, threads: 2) == net.predict(keys, threads: 1))
    }
}

@Suite struct AMXInferenceTests {
    /// bf16 rounding of a float (round to nearest even), as the kernel does.
    func bf16(_ f: Float) -> Float { Float(bitPattern: UInt32(betseqBF16(f)) << 16) }
    func betseqBF16(_ f: Float) -> UInt16 {
        let u = f.bitPattern
        return UInt16(truncatingIfNeeded: (u &+ 0x7fff &+ ((u >> 16) & 1)) >> 16)
    }

    /// On every machine: the network folded and packed for bf16 tiles, run on the portable emulation
    /// of the tile kernel, equals a float reference computed from bf16-rounded weights and
    /// activations to float-summation accuracy. On AMX machines the tiles equal the emulation and the
    /// float32 network to ~0.5 % of the output spread; elsewhere `auto` falls back to float32 and
    /// gives exactly the float32 predictions.
    @Test func bf16PredictionsAgreeWithFloat32() throws {
        let net = DDGNetwork(length: 7, widths: [40, 24], dropout: 0.25, likelihood: .ratio, rt: 0.593, seed: 5)
        var r = SplitMix64(seed: 8)
        // Non-trivial batch-norm statistics, as after training.
        for layer in net.net.layers {
            if let bn = layer as? BatchNorm<Float> {
                for i in 0..<bn.features {
                    bn.runningMean.value[i] = Float(r.normal() * 0.3); bn.runningVariance.value[i] = Float(0.5 + r.uniform())
                    bn.gamma.value[i] = Float(0.5 + r.uniform()); bn.beta.value[i] = Float(r.normal() * 0.2)
                }
            }
        }
        // Independent reference: the same network in float with bf16-rounded inputs to each product
        // and bf16-rounded stored activations (as the kernel stores them).
        let layers = net.net.layers
        func reference(_ key: UInt64) -> Float {
            var x = [Float](repeating: 0, count: 28)
            for p in 0..<7 { x[4 * p + Int((key >> UInt64(2 * (6 - p))) & 3)] = 1 }
            var i = 0
            while i < layers.count {
                guard let linear = layers[i] as? Linear<Float> else { i += 1; continue }
                var y = [Float](repeating: 0, count: linear.outputs)
                let last = linear.outputs == 1
                for j in 0..<linear.outputs {
                    var s: Float = 0
                    for k in 0..<linear.inputs { s += bf16(x[k]) * (last ? linear.weight.value[k * linear.outputs + j] : bf16(linear.weight.value[k * linear.outputs + j])) }
                    y[j] = s + linear.bias.value[j]
                }
                if !last, let bn = layers[i + 1] as? BatchNorm<Float> {
                    for j in y.indices {
                        let scale = bn.gamma.value[j] / (bn.runningVariance.value[j] + bn.epsilon).squareRoot()
                        y[j] = bf16(max(0, (y[j] - bn.runningMean.value[j]) * scale + bn.beta.value[j]))
                    }
                }
                x = y
                i += 1
            }
            return x[0]
        }
        let keys = (0..<4096).map { UInt64($0 * 4) }
        // Any machine: the folded, packed network on the portable emulation of the tile kernel. A
        // bf16-rounded activation moves by at most 2^-9 relative when float sums in another order
        // land on the other side of a rounding boundary, so 2e-3 of the output (or of 1 near zero).
        guard let emulated = AMXNetwork(layers: net.net.layers, length: 7, backend: .emulated) else {
            Issue.record("the network should fold for bf16")
            return
        }
        var folded = [Float](repeating: 0, count: keys.count)
        folded.withUnsafeMutableBufferPointer { emulated.outputs(keys[...], into: $0) }
        for (n, key) in keys.enumerated() where n % 16 == 0 {
            let ref = reference(key)
            #expect(abs(folded[n] - ref) <= 2e-3 * max(1, abs(ref)), "emulated, key \(key): \(folded[n]) vs \(ref)")
        }
        let exact = try net.predictLibrary(options: PredictionOptions(threads: 2, precision: .float32))
        let auto = try net.predictLibrary(options: PredictionOptions(threads: 2, precision: .automatic))
        guard net.effectivePrecision(.automatic) == .bfloat16 else {
            #expect(auto == exact)
            return
        }
        let mean = exact.reduce(0, +) / Double(exact.count)
        let sd = (exact.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(exact.count)).squareRoot()
        // bf16 keeps 8 significant bits (rounding ≤ 2^-9 relative per value) and each layer rounds its
        // inputs and weights, so the error is a few tenths of a percent of the activations; against
        // the spread of the outputs: mean |diff| under 1 %, worst under 5 % (on the trained cbf1like
        // network: mean 0.0006, worst 0.006 kcal/mol for an SD of 0.45).
        let diffs = zip(exact, auto).map { abs($0 - $1) }
        let worst = diffs.max() ?? .infinity, average = diffs.reduce(0, +) / Double(diffs.count)
        #expect(worst < 0.05 * sd && average < 0.01 * sd, "|bf16 − fp32| mean \(average), max \(worst), sd \(sd)")
        // AMX machines: the tile kernel agrees with its emulation (same roundings, other summation order).
        let raw = net.outputs(keys, threads: 1, precision: .bfloat16)
        for (n, key) in keys.enumerated() where n % 64 == 0 {
            #expect(abs(raw[n] - folded[n]) <= 2e-3 * max(1, abs(folded[n])), "tiles vs emulated, key \(key): \(raw[n]) vs \(folded[n])")
        }
    }
}
