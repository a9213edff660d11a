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

/// Predicted probabilities for every residue pair of one structure (`pred.tsv`).
public struct ContactPredictions: Sendable {
    public var residueLabels: [String]
    /// Pairs × 8 in row-major upper-triangle order of the residues, channels in `ContactChannel` order.
    public var probabilities: [Float]
    public var atoms: Int

    public init(network: ContactNetwork, example ex: ContactExample) {
        residueLabels = ex.residueLabels
        probabilities = network.predict(ex)
        atoms = ex.tokens.count
    }

    public var pairCount: Int { residueLabels.count * (residueLabels.count - 1) / 2 }

    /// Predicts a structure file's map with a network.
    public static func predict(network: ContactNetwork, structure path: String) throws -> ContactPredictions {
        let ex = try ContactExample(structure: Structure.read(path: path), name: path, vocabulary: network.config.vocabulary,
                                    anchorSets: network.config.exampleAnchorSets, withTargets: false)
        return ContactPredictions(network: network, example: ex)
    }

    /// Calls `body(i, j, q)` for every residue pair i < j with its row q.
    public func forEachPair(_ body: (Int, Int, Int) throws -> Void) rethrows {
        let n = residueLabels.count
        var q = 0
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { try body(i, j, q); q += 1 } }
    }

    /// `res1 res2 hp hb vdw wb sb ps pc ts`: every pair res1 < res2 (file order) with each
    /// channel's probability.
    public func write(path: String, decimals: Int) throws {
        let text = try TextWriter(path: path)
        try text.write("res1\tres2\t" + ContactChannel.allCases.map(\.code).joined(separator: "\t") + "\n")
        try forEachPair { i, j, q in
            try text.write(residueLabels[i] + "\t" + residueLabels[j])
            for c in 0..<8 { try text.write(byte: 9); try text.write(Double(probabilities[q * 8 + c]), decimals: decimals) }
            try text.write(byte: 10)
        }
        try text.finish()
    }
}

/// A model scored on structures, beside the sequence-separation baseline (`eval.tsv`).
public struct ContactEvaluation: Sendable {
    public var structures: Int
    public var model: ScoredChannels
    public var baseline: ScoredChannels

    public init(network: ContactNetwork, examples: [ContactExample]) {
        structures = examples.count
        model = scoreChannels(examples) { network.predict($0) }
        baseline = scoreChannels(examples, scores: separationScores)
    }

    /// Scores a network on listed structures, prepared through `cache` and predicted on `threads`
    /// (pairs of residues with missing atoms count fully).
    public static func evaluate(_ network: ContactNetwork, structures paths: [String], cache: ContactExampleCache?,
                                threads: Int) throws -> ContactEvaluation {
        let examples = try ContactExample.load(paths, config: network.config, withTargets: true, missingWeight: 1,
                                               cache: cache, threads: threads).examples
        NumericEnvironment.setThreads(threads)
        return ContactEvaluation(network: network, examples: examples)
    }

    public var modelMeanAUPRC: Double { meanAUPRC(model.metrics) }
    public var baselineMeanAUPRC: Double { meanAUPRC(baseline.metrics) }

    /// `channel positives pairs auroc auprc prevalence separation_auroc separation_auprc
    /// top_l5_long separation_top_l5_long`, NA where a channel has no positives (or no structure
    /// has long-range pairs).
    public func write(path: String) throws {
        let text = try TextWriter(path: path)
        try text.write("channel\tpositives\tpairs\tauroc\tauprc\tprevalence\tseparation_auroc\tseparation_auprc\ttop_l5_long\tseparation_top_l5_long\n")
        for ch in ContactChannel.allCases {
            let m = model.metrics[ch.rawValue], b = baseline.metrics[ch.rawValue]
            let values = [m.auroc, m.auprc, Double(m.positives) / Double(max(1, m.count)), b.auroc, b.auprc,
                          model.longRangePrecision[ch.rawValue], baseline.longRangePrecision[ch.rawValue]]
            try text.write("\(ch.code)\t\(m.positives)\t\(m.count)\t"
                           + values.map { $0.isFinite ? String(format: "%.4f", $0) : "NA" }.joined(separator: "\t") + "\n")
        }
        try text.finish()
    }
}

extension ContactNetwork {
    /// File name of the model betseq ships (trained on the PDB pool; see `models/README.md`).
    public static let defaultModelName = "contacts-default.json.gz"

    /// Where the shipped model is looked for, in order: beside the executable and in
    /// `../share/betseq/` from it (an installed betseq); the source tree's `models/` folder (a betseq
    /// built from a checkout).
    public static var defaultModelCandidates: [String] {
        var out: [String] = []
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            out.append(exe.appendingPathComponent(defaultModelName).path)
            out.append(exe.deletingLastPathComponent().appendingPathComponent("share/betseq/\(defaultModelName)").path)
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        out.append(source.appendingPathComponent("models/\(defaultModelName)").path)
        return out
    }

    /// The shipped model's path: `$BETSEQ_CONTACT_MODEL` when set (read, and reported if missing,
    /// as given), else the first readable candidate; a no-input error naming where it looked.
    public static func defaultModelPath() throws -> String {
        if let env = ProcessInfo.processInfo.environment["BETSEQ_CONTACT_MODEL"], !env.isEmpty { return env }
        let candidates = defaultModelCandidates
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw BETSeqError(.cannotOpen, file: defaultModelName,
                              "no model given and the shipped model is not installed (looked in \(candidates.joined(separator: ", "))); pass --model")
        }
        return found
    }
}
