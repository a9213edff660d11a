import Foundation
import IO
import Learn

// The contact model file: its format name and version, the architecture under `config`, the
// weights and the training record (metadata) beside them.

extension ContactNetworkConfig.Variant: Codable {}

/// The network's configuration, under the model file's `config` key.
struct ContactArchitecture: Codable, Sendable {
    var config: ContactNetworkConfig

    private enum Keys: String, CodingKey { case config }
    private enum ConfigKeys: String, CodingKey {
        case variant, vocabulary, embedding, hidden, heads, layers, pairHidden = "pair_hidden", anchorSets = "anchor_sets", batchNorm = "batch_norm"
        case chainLayers = "chain_layers", pairOffsets = "pair_offsets", pairExtras = "pair_extras", pairDirection = "pair_direction"
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
        // Format 1 had neither chain context nor offsets, and three pair features.
        config.chainLayers = try c.decodeIfPresent(Int.self, forKey: .chainLayers) ?? 0
        config.pairOffsets = try c.decodeIfPresent(Bool.self, forKey: .pairOffsets) ?? false
        config.pairExtras = try c.decodeIfPresent(Int.self, forKey: .pairExtras) ?? 3
        config.pairDirection = try c.decodeIfPresent(Bool.self, forKey: .pairDirection) ?? false
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
        try c.encode(config.chainLayers, forKey: .chainLayers)
        try c.encode(config.pairOffsets, forKey: .pairOffsets)
        try c.encode(config.pairExtras, forKey: .pairExtras)
        try c.encode(config.pairDirection, forKey: .pairDirection)
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
    /// Pair sampling and step size (absent in files of format 1).
    public var batchStructures: Int?
    public var negativeFraction: Double?
    public var localSeparation: Int?
    public var provenance: Provenance
    enum CodingKeys: String, CodingKey {
        case history, bestEpoch = "best_epoch", stopReason = "stop_reason", train, valid, loss, seed, provenance
        case batchStructures = "batch_structures", negativeFraction = "negative_fraction", localSeparation = "local_separation"
    }
}

extension ContactNetwork {
    public static let formatName = "betseq-contact-model"
    /// 2: chain context, separation offsets, the crystal-waters and separation-bin features and
    /// ordered pair differences (format 1 still reads).
    static let formatVersion = 2
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
