import Foundation
import Learn
import IO
import Testing
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
        #expect(Int(ex.targets.reduce(0, +)) == map.pairs.values.reduce(0) { $0 + $1.nonzeroBitCount })
        // Neighbours in sequence: separation 1, same chain, one covalent hop.
        #expect(ex.pairExtra[0] == Float(log1p(1.0) / log(1001.0)) && ex.pairExtra[1] == 1 && ex.pairExtra[2] == 0.5)
        #expect(ex.anchors.count == ex.tokens.count * 4 && ex.closeness.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    /// A tiny network overfits a 7-residue structure (every channel with positives at AUPRC ≥ 0.99).
    @Test func tinyNetworkOverfitsOneStructure() throws {
        for variant in ContactNetworkConfig.Variant.allCases {
            let config = small(variant)
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
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("betseq-contacts-\(UUID().uuidString).model").path
        defer { try? FileManager.default.removeItem(atPath: path) }
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
