import Foundation
import IO
import Learn

/// What a neural model file records beside its weights: the training history, the split, the
/// options, held-out metrics and provenance. Keys are snake_case in the file.
public struct NeuralModelMetadata: Codable, Sendable {
    public struct Epoch: Codable, Sendable {
        public var epoch: Int
        public var trainLoss: Double
        public var validationLoss: Double
        /// RMSE of predicted vs measured ΔΔG on validation rows; nil when no row has a measured ΔΔG.
        public var validationRMSE: Double?
        public var learningRate: Double
        /// Wall time of the epoch: files of betseq ≤ 0.4 have it; it is no longer written, so the
        /// same data, options and seed give the same file byte for byte (the time goes to stderr).
        public var seconds: Double?
        enum CodingKeys: String, CodingKey {
            case epoch, trainLoss = "train_loss", validationLoss = "validation_loss", validationRMSE = "validation_rmse"
            case learningRate = "learning_rate", seconds
        }
        public init(_ r: EpochRecord) {
            epoch = r.epoch; trainLoss = r.trainLoss; validationLoss = r.validationLoss
            validationRMSE = r.validationRMSE.isFinite ? r.validationRMSE : nil
            learningRate = r.learningRate; seconds = nil
        }
    }
    public struct Rows: Codable, Sendable { public var train, validation, test: Int }
    public struct Options: Codable, Sendable {
        public var optimizer: String
        public var learningRate, momentum, weightDecay: Double
        public var batchSize, maxEpochs, patience: Int
        public var targetNoise: Double
        public var seed: UInt64
        public var threads: Int
        public var weighted: Bool
        enum CodingKeys: String, CodingKey {
            case optimizer, learningRate = "learning_rate", momentum, weightDecay = "weight_decay", batchSize = "batch_size"
            case maxEpochs = "max_epochs", patience, targetNoise = "target_noise", seed, threads, weighted
        }
    }
    public struct Metrics: Codable, Sendable {
        /// The network against measured ΔΔG on its held-out test rows (offset removed).
        public var test: FitMetrics?
        public var truthTestPearsonR2: Double?
        public var truthLibraryPearsonR2: Double?
        public var measuredVsTruthTestPearsonR2: Double?
        enum CodingKeys: String, CodingKey {
            case test, truthTestPearsonR2 = "truth_test_pearson_r2", truthLibraryPearsonR2 = "truth_library_pearson_r2"
            case measuredVsTruthTestPearsonR2 = "measured_vs_truth_test_pearson_r2"
        }
        public init(test: FitMetrics?) { self.test = test }
    }
    public struct Provenance: Codable, Sendable {
        public var input: String
        public var betseqVersion: String
        public var command: String
        enum CodingKeys: String, CodingKey { case input, betseqVersion = "betseq_version", command }
        public init(input: String, betseqVersion: String, command: String) {
            self.input = input; self.betseqVersion = betseqVersion; self.command = command
        }
    }

    public var history: [Epoch]
    public var bestEpoch: Int
    public var stopReason: String
    public var rows: Rows
    public var options: Options
    public var metrics: Metrics
    public var provenance: Provenance

    enum CodingKeys: String, CodingKey {
        case history, bestEpoch = "best_epoch", stopReason = "stop_reason", rows, options, metrics, provenance
    }

    /// The record of a finished training run.
    public init(training: NeuralTraining, options o: NeuralOptions, weighted: Bool, metrics: Metrics, provenance: Provenance) {
        history = training.history.map(Epoch.init)
        bestEpoch = training.bestEpoch
        stopReason = training.stopReason
        rows = Rows(train: training.split.train.count, validation: training.split.validation.count, test: training.split.test.count)
        options = Options(optimizer: o.optimizer.rawValue, learningRate: o.learningRate, momentum: o.momentum,
                          weightDecay: o.weightDecay, batchSize: o.batchSize, maxEpochs: o.maxEpochs, patience: o.patience,
                          targetNoise: o.targetNoise, seed: o.seed, threads: o.threads, weighted: weighted)
        self.metrics = metrics
        self.provenance = provenance
    }
}

/// The network's shape, at the top level of its model file.
struct NeuralArchitecture: Codable, Sendable {
    var length: Int
    var widths: [Int]
    var dropout: Double
    var likelihood: Likelihood
    var rt: Double
}

extension Likelihood: Codable {}

extension DDGNetwork {
    public static let formatName = "betseq-neural-model"
    static let formatVersion = 1
    typealias File = ModelFile<NeuralArchitecture, NeuralModelMetadata>

    /// Weights (float32, base64) plus JSON metadata, written atomically.
    public func save(path: String, metadata: NeuralModelMetadata?) throws {
        let architecture = NeuralArchitecture(length: length, widths: widths, dropout: dropout, likelihood: likelihood, rt: rt)
        try File(format: Self.formatName, version: Self.formatVersion, architecture: architecture,
                 parameters: ParameterStore.flatten(net.parameters + net.buffers), metadata: metadata).write(path: path)
    }

    public static func isNeuralModel(_ data: Data) -> Bool { File.formatName(of: data) == formatName }

    /// The network and its metadata (nil when absent or unreadable).
    public static func read(path: String) throws -> (network: DDGNetwork, metadata: NeuralModelMetadata?) {
        try decode(Data(readAllBytes(path: path)), file: path)
    }

    public static func load(path: String) throws -> DDGNetwork { try read(path: path).network }

    static func decode(_ data: Data, file: String) throws -> (network: DDGNetwork, metadata: NeuralModelMetadata?) {
        let f = try File.decode(data, file: file, format: formatName, version: formatVersion)
        let a = f.architecture
        guard (1...32).contains(a.length), !a.widths.isEmpty, a.widths.allSatisfy({ (1...1_000_000).contains($0) }),
              (0..<1).contains(a.dropout), a.rt.isFinite, a.rt > 0 else {
            throw BETSeqError(.malformedTable, file: file, "invalid length, widths, dropout or rt")
        }
        // Weights and biases, plus four batch-norm values per hidden unit: checked before allocating.
        let expected = MemoryBudget.mlpParameters(inputs: OneHot.width(a.length), widths: a.widths, outputs: 1) + 4 * Double(a.widths.reduce(0, +))
        guard Double(f.parameters.count) == expected else {
            throw BETSeqError(.malformedTable, file: file, "the parameters do not fit the architecture (\(f.parameters.count) values for \(Int(min(expected, 1e18))))")
        }
        let network = DDGNetwork(length: a.length, widths: a.widths, dropout: a.dropout, likelihood: a.likelihood, rt: a.rt, seed: 0)
        guard ParameterStore.restore(f.parameters, into: network.net.parameters + network.net.buffers) else {
            throw BETSeqError(.malformedTable, file: file, "the parameters do not fit the architecture")
        }
        return (network, f.metadata)
    }
}
