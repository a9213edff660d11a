import Foundation
import Learn
import SequenceIO
import Testing
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
        let all = try a.predictAll()
        #expect(abs(all.reduce(0, +)) < 1e-6)
        let m = FitMetrics(target: truth, prediction: all)
        #expect(m.pearsonR2 > 0.9, "r² \(m.pearsonR2)")
        #expect(history.history.count >= 5 && history.bestEpoch >= 1)
    }

    @Test func countLikelihoodsRecoverTheLandscape() throws {
        let (d, truth) = data(seed: 2)
        for likelihood in [Likelihood.poisson, .binomial] {
            let (net, _) = try trainNetwork(d, length: 5, options: options(likelihood))
            let m = FitMetrics(target: truth, prediction: try net.predictAll())
            #expect(m.pearsonR2 > 0.9, "\(likelihood): r² \(m.pearsonR2)")
        }
    }

    @Test func saveAndLoadGiveIdenticalPredictions() throws {
        let (d, _) = data(seed: 3)
        var o = options()
        o.maxEpochs = 3
        let (net, _) = try trainNetwork(d, length: 5, options: o)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("betseq-nn-\(UUID().uuidString).model").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try net.save(path: path, metadata: ["test": true])
        let back = try DDGNetwork.load(path: path)
        #expect(back.predict(d.keys) == net.predict(d.keys))
        #expect(DDGNetwork.isNeuralModel(try Data(contentsOf: URL(fileURLWithPath: path))))
        try Data("{\"format\": \"betseq-neural-model\", \"length\": 5}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: InputError.self) { try DDGNetwork.load(path: path) }
    }

    @Test func predictionsDoNotDependOnTheThreadCount() throws {
        // 4^7 = 16 batches of 1,024 rows, shared out among workers with their own network copies.
        let net = DDGNetwork(length: 7, widths: [24, 12], dropout: 0.25, likelihood: .ratio, rt: 0.593, seed: 9)
        let one = try net.predictAll(threads: 1)
        #expect(one.count == 1 << 14)
        for threads in [2, 3] { #expect(try net.predictAll(threads: threads) == one) }
        let keys: [UInt64] = [5, 16383, 0, 777]
        #expect(net.predict(keys, threads: 2) == net.predict(keys, threads: 1))
    }
}
