import Foundation
import IO
import Learn

// Every file format of the contact side, written and read here: structure lists, model files and
// their training record, predictions (pred.tsv) and evaluations (eval.tsv).

/// A list of structures: one path per line, `#` comments and blank lines skipped, relative paths
/// taken relative to the list's folder.
public enum StructureList {
    public static func read(path: String) throws -> [String] {
        let text = String(decoding: try readAllBytes(path: path), as: UTF8.self)
        let folder = (path as NSString).deletingLastPathComponent
        let entries = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !entries.isEmpty else { throw BETSeqError(.malformedTable, file: path, "no structures listed") }
        return entries.map { $0.hasPrefix("/") || folder.isEmpty ? $0 : (folder as NSString).appendingPathComponent($0) }
    }
}

extension ContactNetworkConfig {
    /// Anchor sets each example needs: P-GNN's, none for attention.
    public var exampleAnchorSets: Int { variant == .pgnn ? anchorSets : 0 }
}

extension ContactExample {
    /// Reads and prepares structures for a network of `config` (named by file name).
    public static func load(_ paths: [String], config: ContactNetworkConfig, withTargets: Bool,
                            missingWeight: Float = 0.1) throws -> [ContactExample] {
        try paths.map { path in
            try ContactExample(structure: Structure.read(path: path), name: URL(fileURLWithPath: path).lastPathComponent,
                               vocabulary: config.vocabulary, anchorSets: config.exampleAnchorSets, withTargets: withTargets,
                               missingWeight: missingWeight)
        }
    }
}

extension ContactNetworkConfig.Variant: Codable {}

/// The network's configuration, under the model file's `config` key.
struct ContactArchitecture: Codable, Sendable {
    var config: ContactNetworkConfig

    private enum Keys: String, CodingKey { case config }
    private enum ConfigKeys: String, CodingKey {
        case variant, vocabulary, embedding, hidden, heads, layers, pairHidden = "pair_hidden", anchorSets = "anchor_sets", batchNorm = "batch_norm"
    }

    init(config: ContactNetworkConfig) { self.config = config }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self).nestedContainer(keyedBy: ConfigKeys.self, forKey: .config)
        var config = ContactNetworkConfig()
        config.variant = try c.decode(ContactNetworkConfig.Variant.self, forKey: .variant)
        config.vocabulary = try c.decode(AtomVocabulary.self, forKey: .vocabulary)
        config.embedding = try c.decode(Int.self, forKey: .embedding)
        config.hidden = try c.decode(Int.self, forKey: .hidden)
        config.heads = try c.decode(Int.self, forKey: .heads)
        config.layers = try c.decode(Int.self, forKey: .layers)
        config.pairHidden = try c.decode(Int.self, forKey: .pairHidden)
        config.anchorSets = try c.decode(Int.self, forKey: .anchorSets)
        config.graphStatistics = try c.decodeIfPresent(String.self, forKey: .batchNorm) != "running"
        self.config = config
    }

    func encode(to encoder: Encoder) throws {
        var outer = encoder.container(keyedBy: Keys.self)
        var c = outer.nestedContainer(keyedBy: ConfigKeys.self, forKey: .config)
        try c.encode(config.variant, forKey: .variant)
        try c.encode(config.vocabulary, forKey: .vocabulary)
        try c.encode(config.embedding, forKey: .embedding)
        try c.encode(config.hidden, forKey: .hidden)
        try c.encode(config.heads, forKey: .heads)
        try c.encode(config.layers, forKey: .layers)
        try c.encode(config.pairHidden, forKey: .pairHidden)
        try c.encode(config.anchorSets, forKey: .anchorSets)
        try c.encode(config.graphStatistics ? "graph" : "running", forKey: .batchNorm)
    }
}

/// What a contact model file records beside its weights.
public struct ContactModelMetadata: Codable, Sendable {
    public struct Epoch: Codable, Sendable {
        public var epoch: Int
        public var trainLoss: Double
        public var seconds: Double
        public var validMeanAUPRC: Double?
        public var trainMeanAUPRC: Double?
        enum CodingKeys: String, CodingKey {
            case epoch, trainLoss = "train_loss", seconds, validMeanAUPRC = "valid_mean_auprc", trainMeanAUPRC = "train_mean_auprc"
        }
        public init(_ e: ContactEpoch) {
            epoch = e.epoch; trainLoss = e.trainLoss; seconds = e.seconds
            validMeanAUPRC = e.validationAUPRC.flatMap { $0.isFinite ? $0 : nil }
            trainMeanAUPRC = e.trainAUPRC.flatMap { $0.isFinite ? $0 : nil }
        }
    }
    public struct Provenance: Codable, Sendable {
        public var betseqVersion: String
        public var command: String
        enum CodingKeys: String, CodingKey { case betseqVersion = "betseq_version", command }
    }
    public var history: [Epoch]
    public var bestEpoch: Int
    /// `checkpoint` while training runs, then why it stopped.
    public var stopReason: String
    public var train: [String]
    public var valid: [String]
    public var loss: String
    public var seed: UInt64
    public var provenance: Provenance
    enum CodingKeys: String, CodingKey {
        case history, bestEpoch = "best_epoch", stopReason = "stop_reason", train, valid, loss, seed, provenance
    }
}

extension ContactNetwork {
    public static let formatName = "betseq-contact-model"
    static let formatVersion = 1
    typealias File = ModelFile<ContactArchitecture, ContactModelMetadata>

    public func save(path: String, metadata: ContactModelMetadata?) throws {
        try File(format: Self.formatName, version: Self.formatVersion, architecture: ContactArchitecture(config: config),
                 parameters: ParameterStore.flatten(parameters + buffers), metadata: metadata).write(path: path)
    }

    public static func read(path: String) throws -> (network: ContactNetwork, metadata: ContactModelMetadata?) {
        try decode(Data(readAllBytes(path: path)), file: path)
    }

    /// A model file's bytes in memory (`path` is used in messages).
    public static func decode(_ data: Data, file path: String) throws -> (network: ContactNetwork, metadata: ContactModelMetadata?) {
        let f = try File.decode(data, file: path, format: formatName, version: formatVersion)
        let config = f.architecture.config
        guard config.hasValidSizes else {
            throw BETSeqError(.malformedTable, file: path, "invalid model configuration")
        }
        // Checked before allocating any weight.
        let least = config.leastParameterCount
        guard least <= Double(f.parameters.count) else {
            throw BETSeqError(.malformedTable, file: path, "the parameters do not fit the configuration (\(f.parameters.count) values; it needs at least \(Int(min(least, 1e18))))")
        }
        let network = ContactNetwork(config: config, seed: 0)
        guard network.restore(f.parameters) else {
            throw BETSeqError(.malformedTable, file: path, "the parameters do not fit the configuration")
        }
        return (network, f.metadata)
    }

    public static func load(path: String) throws -> ContactNetwork { try read(path: path).network }
}

/// Predicted probabilities for every residue pair of one structure (`pred.tsv`).
public struct ContactPredictions: Sendable {
    public var residueLabels: [String]
    public var first: [Int32]
    public var second: [Int32]
    /// Pairs × 8, channels in `ContactChannel` order.
    public var probabilities: [Float]
    public var atoms: Int

    public init(network: ContactNetwork, example ex: ContactExample) {
        residueLabels = ex.residueLabels
        first = ex.pairFirst
        second = ex.pairSecond
        probabilities = network.predict(ex)
        atoms = ex.tokens.count
    }

    public var pairCount: Int { first.count }

    /// Predicts a structure file's map with a network.
    public static func predict(network: ContactNetwork, structure path: String) throws -> ContactPredictions {
        let ex = try ContactExample(structure: Structure.read(path: path), name: path, vocabulary: network.config.vocabulary,
                                    anchorSets: network.config.exampleAnchorSets, withTargets: false)
        return ContactPredictions(network: network, example: ex)
    }

    /// `res1 res2 hp hb vdw wb sb ps pc ts`: every pair res1 < res2 (file order) with each
    /// channel's probability.
    public func write(path: String, decimals: Int) throws {
        let text = try TextWriter(path: path)
        try text.write("res1\tres2\t" + ContactChannel.allCases.map(\.code).joined(separator: "\t") + "\n")
        for q in 0..<pairCount {
            try text.write(residueLabels[Int(first[q])] + "\t" + residueLabels[Int(second[q])])
            for c in 0..<8 { try text.write(byte: 9); try text.write(Double(probabilities[q * 8 + c]), decimals: decimals) }
            try text.write(byte: 10)
        }
        try text.finish()
    }
}

/// A model scored on structures, beside the sequence-separation baseline (`eval.tsv`).
public struct ContactEvaluation: Sendable {
    public var structures: Int
    public var model: [ChannelMetrics]
    public var baseline: [ChannelMetrics]

    public init(network: ContactNetwork, examples: [ContactExample]) {
        structures = examples.count
        model = channelMetrics(examples) { network.predict($0) }
        baseline = channelMetrics(examples, scores: separationScores)
    }

    public var modelMeanAUPRC: Double { meanAUPRC(model) }
    public var baselineMeanAUPRC: Double { meanAUPRC(baseline) }

    /// `channel positives pairs auroc auprc prevalence separation_auroc separation_auprc`, NA where
    /// a channel has no positives.
    public func write(path: String) throws {
        let text = try TextWriter(path: path)
        try text.write("channel\tpositives\tpairs\tauroc\tauprc\tprevalence\tseparation_auroc\tseparation_auprc\n")
        for ch in ContactChannel.allCases {
            let m = model[ch.rawValue], b = baseline[ch.rawValue]
            let values = [m.auroc, m.auprc, Double(m.positives) / Double(max(1, m.count)), b.auroc, b.auprc]
            try text.write("\(ch.code)\t\(m.positives)\t\(m.count)\t"
                           + values.map { $0.isFinite ? String(format: "%.4f", $0) : "NA" }.joined(separator: "\t") + "\n")
        }
        try text.finish()
    }
}
