import Foundation
import Learn
import IO
import Testing
import TestSupport
@testable import Contacts

@Suite struct ContactNetworkTests {
    func small(_ variant: ContactNetworkConfig.Variant = .gat) -> ContactNetworkConfig {
        var c = ContactNetworkConfig()
        c.variant = variant
        c.embedding = 8; c.hidden = 8; c.heads = 2; c.layers = 5; c.pairHidden = 32; c.anchorSets = 4
        return c
    }

    func example(_ path: String, _ config: ContactNetworkConfig) throws -> ContactExample {
        try ContactExample(structure: try Structure.read(path: fixture(path)), name: path, vocabulary: config.vocabulary,
                           anchorSets: config.variant == .pgnn ? config.anchorSets : 0, withTargets: true)
    }

    @Test func examplesHoldEveryResiduePairWithTargetsFromContactsI() throws {
        let s = try Structure.read(path: fixture("structures/1YJP.cif"))
        let ex = try ContactExample(structure: s, name: "1YJP", vocabulary: .element, anchorSets: 4, withTargets: true)
        #expect(ex.residueLabels.count == 7 && ex.pairCount == 21)          // waters are not nodes
        #expect(ex.tokens.count == s.atoms.filter { !$0.element.isHydrogen }.count - 7)
        let map = ResidueContactMap(computeContacts(s), structure: s)
        let all = ex.pairs(in: 0..<ex.pairCount)
        #expect(Int(all.targets.reduce(0, +)) == map.pairs.values.reduce(0) { $0 + $1.nonzeroBitCount })
        // Neighbours in sequence: separation 1, same chain, one covalent hop; 1YJP has crystal waters.
        #expect(all.extra[0] == Float(log1p(1.0) / log(1001.0)) && all.extra[1] == 1 && all.extra[2] == 0.5 && all.extra[3] == 1)
        #expect(all.bins[0] == 0 && ex.hasWaters)
        #expect(ex.anchors.count == ex.tokens.count * 4 && ex.closeness.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    /// A tiny network with chain context (5 dilated convolutions) and separation offsets overfits a
    /// 7-residue structure (every channel with positives at AUPRC ≥ 0.99).
    @Test func tinyNetworkOverfitsOneStructure() throws {
        for variant in ContactNetworkConfig.Variant.allCases {
            let config = small(variant)
            #expect(config.chainLayers == 5 && config.pairOffsets)
            let ex = try example("structures/1YJP.cif", config)
            let network = ContactNetwork(config: config, seed: 1)
            var options = ContactTrainingOptions()
            options.maxEpochs = 300; options.evaluateEvery = 25; options.patience = 100; options.learningRate = 3e-3; options.threads = 1
            let result = try trainContactNetwork(network, train: [ex], valid: [], options: options)
            #expect(network.restore(result.best))
            let metrics = channelMetrics([ex]) { network.predict($0) }
            for (c, m) in metrics.enumerated() where m.positives > 0 {
                #expect(m.auprc >= 0.99, "\(variant) channel \(c): AUPRC \(m.auprc)")
            }
        }
    }

    /// Chain context reaches ±31 residues: changing one atom's token changes the embedding of a
    /// residue 20 positions away only with chain layers (five graph layers alone see ~1.5 residues).
    @Test func chainContextReachesDistantResidues() throws {
        for layers in [0, 5] {
            var config = small()
            config.chainLayers = layers
            // Running batch-norm statistics: per-structure statistics would couple every residue.
            config.graphStatistics = false
            let network = ContactNetwork(config: config, seed: 5)
            var ex = try example("structures/1EJG.pdb", config)
            let before = network.residueEmbeddings(ex, training: false)
            let atom = ex.membership.firstIndex(of: 0) ?? 0
            ex.tokens[atom] = (ex.tokens[atom] + 1) % Int32(config.vocabulary.size)
            let after = network.residueEmbeddings(ex, training: false)
            let w = before.columns
            let changed = (0..<w).contains { abs(before.values[20 * w + $0] - after.values[20 * w + $0]) > 1e-6 }
            #expect(changed == (layers > 0), "chain layers \(layers)")
        }
    }

    /// Training steps average their structures' gradients, shared out over threads: the weights are
    /// the same bytes for a seed and thread count, and the losses of two threads agree with one
    /// thread's to float rounding (the weights themselves may not: Adam divides by √v, so a
    /// rounding-sized gradient of either sign moves a weight by the learning rate).
    @Test func parallelStepsAreDeterministic() throws {
        let config = small()
        let examples = try ["structures/1YJP.cif", "structures/1EJG.pdb", "structures/1A8O.pdb"].map { try example($0, config) }
        func run(threads: Int) throws -> (weights: [Float], losses: [Double]) {
            var options = ContactTrainingOptions()
            options.maxEpochs = 3; options.threads = threads; options.batchStructures = 3; options.negativeFraction = 0.3
            let net = ContactNetwork(config: config, seed: 9)
            net.initializeOffsets(from: examples)
            let result = try trainContactNetwork(net, train: examples, valid: [], options: options)
            return (ParameterStore.flatten(net.parameters), result.history.map(\.trainLoss))
        }
        let two = try run(threads: 2), again = try run(threads: 2), one = try run(threads: 1)
        #expect(two.weights == again.weights && two.losses == again.losses)
        #expect(one.losses.count == 3 && zip(two.losses, one.losses).allSatisfy { abs($0 - $1) <= 1e-4 * abs($1) }, "\(two.losses) vs \(one.losses)")
    }

    /// Sampling keeps every contact and local pair with weight 1 and the rest at the asked rate,
    /// weighted by its inverse: the expected weight of every pair is 1.
    @Test func pairSamplingIsUnbiased() throws {
        let ex = try example("structures/1EJG.pdb", small())
        var random = SplitMix64(seed: 3)
        var totalWeight = 0.0
        let draws = 40
        for _ in 0..<draws {
            let (keys, weights) = ex.samplePairs(local: 8, fraction: 0.1, random: &random)
            #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
            #expect(Set(ex.positiveKeys).isSubset(of: Set(keys)))
            totalWeight += weights.reduce(0) { $0 + Double($1) }
        }
        let mean = totalWeight / Double(draws), n = Double(ex.pairCount)
        // Each draw's total is n in expectation; over 40 draws the mean is within a few per cent.
        #expect(abs(mean - n) < 0.05 * n, "mean weight \(mean) for \(n) pairs")
    }

    @Test func sameSeedSameWeightsAndSaveLoadRoundTrip() throws {
        let config = small()
        let ex = try example("structures/1YJP.cif", config)
        var options = ContactTrainingOptions()
        options.maxEpochs = 5; options.threads = 1
        let a = ContactNetwork(config: config, seed: 7), b = ContactNetwork(config: config, seed: 7)
        let ra = try trainContactNetwork(a, train: [ex], valid: [], options: options)
        let rb = try trainContactNetwork(b, train: [ex], valid: [], options: options)
        #expect(ra.best == rb.best)
        #expect(ParameterStore.flatten(a.parameters) == ParameterStore.flatten(b.parameters))
        let dir = try temporaryDirectory("contacts")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.model").path
        try a.save(path: path, metadata: nil)
        let back = try ContactNetwork.load(path: path)
        #expect(back.config == a.config)
        #expect(back.predict(ex) == a.predict(ex))
    }

    @Test func chunkedPredictionEqualsOnePass() throws {
        let config = small()
        let network = ContactNetwork(config: config, seed: 4)
        let ex = try example("structures/1A8O.pdb", config)
        let whole = network.predict(ex, chunk: ex.pairCount)
        let pieces = network.predict(ex, chunk: 97)
        #expect(whole.count == pieces.count)
        // Row-wise head, so only gemm blocking can differ: float rounding at most.
        #expect(zip(whole, pieces).allSatisfy { abs($0 - $1) <= 1e-5 })
    }

    @Test func metricsMatchHandComputedValues() {
        // Scores 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.1 (neg): AUROC 3/4; AP = 0.5·1 + 0.5·(2/3).
        let m = ChannelMetrics(scores: [0.9, 0.8, 0.7, 0.1], labels: [true, false, true, false])
        #expect(abs(m.auroc - 0.75) < 1e-12 && abs(m.auprc - (0.5 + 1.0 / 3)) < 1e-12)
        // Ties count half; all-equal scores give AUROC 0.5 and AP = prevalence.
        let tied = ChannelMetrics(scores: [0.5, 0.5, 0.5, 0.5], labels: [true, false, false, false])
        #expect(abs(tied.auroc - 0.5) < 1e-12 && abs(tied.auprc - 0.25) < 1e-12)
        #expect(ChannelMetrics(scores: [0.1, 0.2], labels: [false, false]).auprc.isNaN)
    }

    @Test func modifiedResiduesNeedNoNewVocabulary() throws {
        let config = small()
        let network = ContactNetwork(config: config, seed: 3)
        for path in ["structures/1FMO.pdb", "structures/1A8O.pdb"] {
            let ex = try example(path, config)
            let p = network.predict(ex)
            #expect(p.count == ex.pairCount * 8 && p.allSatisfy { $0 >= 0 && $0 <= 1 && $0.isFinite })
            #expect(ex.tokens.allSatisfy { $0 >= 0 && Int($0) < config.vocabulary.size })
        }
    }
}
