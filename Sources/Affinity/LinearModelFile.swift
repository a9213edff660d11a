import Foundation
import IO
import Learn

/// What a linear fit records beside its energy model, under the file's `linear_model` key: the
/// features and coding, the named parameters, the solver's report, the split, metrics per row set
/// and provenance. A linear model file is a betseq energy model, so `predict` and `simulate
/// --landscape` read it as any other.
public struct LinearModelInfo: Codable, Sendable {
    public struct Parameter: Codable, Sendable {
        public var name: String
        public var value: Double
    }
    public struct Provenance: Codable, Sendable {
        public var input: String
        public var target: String
        public var weighting: String
        public var rows: Int
        public var rowsDropped: Int
        public var ridge: Double
        public var seed: UInt64
        public var design: String
        public var truth: String?
        public var betseqVersion: String
        public var command: String
        enum CodingKeys: String, CodingKey {
            case input, target, weighting, rows, rowsDropped = "rows_dropped", ridge, seed, design, truth
            case betseqVersion = "betseq_version", command
        }
        public init(input: String, target: String, weighting: String, rows: Int, rowsDropped: Int, ridge: Double,
                    seed: UInt64, design: String, truth: String?, betseqVersion: String, command: String) {
            self.input = input; self.target = target; self.weighting = weighting; self.rows = rows
            self.rowsDropped = rowsDropped; self.ridge = ridge; self.seed = seed; self.design = design
            self.truth = truth; self.betseqVersion = betseqVersion; self.command = command
        }
    }

    /// `mono`, `nn` or `di`.
    public var features: String
    /// 1-based position pairs with pair terms.
    public var featurePairs: [[Int]]
    public var coding: String
    public var parameters: [Parameter]
    public var parameterCount: Int
    public var solver: String
    public var dependentFeatures: [[String]]
    public var trainingRows: Int
    public var split: String
    /// By row set: `train`, `validation`, `test` or `cross_validation`, and against the truth.
    public var metrics: [String: FitMetrics]
    public var provenance: Provenance

    enum CodingKeys: String, CodingKey {
        case features, featurePairs = "feature_pairs", coding, parameters, parameterCount = "parameter_count", solver
        case dependentFeatures = "dependent_features", trainingRows = "training_rows", split, metrics, provenance
    }

    /// The row sets that measure a fit on rows it was not fitted to, in order of preference.
    public static let heldOutSets = ["test", "cross_validation", "validation"]

    /// The first held-out row set that was scored, with its metrics.
    public var heldOut: (set: String, metrics: FitMetrics)? {
        for set in Self.heldOutSets { if let m = metrics[set] { return (set, m) } }
        return nil
    }

    public init(_ analysis: LinearAnalysis, provenance: Provenance) {
        let fit = analysis.fit
        features = fit.layout.set.rawValue
        featurePairs = fit.layout.pairs.map { [$0.0 + 1, $0.1 + 1] }
        coding = fit.coding.name
        parameters = fit.parameters.map { Parameter(name: $0.name, value: $0.value) }
        parameterCount = fit.layout.parameterCount
        solver = fit.solver
        dependentFeatures = fit.dependent
        trainingRows = fit.trainingRows
        split = analysis.split
        metrics = Dictionary(analysis.metrics.map { ($0.name, $0.metrics) }, uniquingKeysWith: { a, _ in a })
        self.provenance = provenance
    }
}

/// A linear model file: the energy model and, when a betseq fit wrote it, its `linear_model` record.
public struct LinearModelFile: Sendable {
    public var model: EnergyModel
    public var info: LinearModelInfo?

    public init(model: EnergyModel, info: LinearModelInfo?) {
        self.model = model
        self.info = info
    }

    /// The file for a fitted model, described by its features and coding.
    public init(_ analysis: LinearAnalysis, provenance: LinearModelInfo.Provenance) {
        let fit = analysis.fit
        var model = fit.model
        model.description = "linear \(fit.layout.set.rawValue) model (\(fit.layout.parameterCount) parameters), \(fit.coding.name)"
        self.init(model: model, info: LinearModelInfo(analysis, provenance: provenance))
    }

    private struct Encoded: Encodable {
        let file: LinearModelFile
        enum Keys: String, CodingKey { case linearModel = "linear_model" }
        func encode(to encoder: Encoder) throws {
            try file.model.file.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encodeIfPresent(file.info, forKey: .linearModel)
        }
    }

    private struct Decoded: Decodable {
        let info: LinearModelInfo?
        enum Keys: String, CodingKey { case linearModel = "linear_model" }
        init(from decoder: Decoder) throws {
            info = try decoder.container(keyedBy: Keys.self).decodeIfPresent(LinearModelInfo.self, forKey: .linearModel)
        }
    }

    public func write(path: String) throws {
        try JSONFile.write(Encoded(file: self), path: path)
    }

    /// Reads an energy-model JSON (with its `linear_model` record when present) or energy matrix.
    public static func read(path: String) throws -> LinearModelFile {
        try decode(Data(readAllBytes(path: path)), file: path)
    }

    static func decode(_ data: Data, file: String) throws -> LinearModelFile {
        if EnergyModel.isEnergyMatrix(data) { return LinearModelFile(model: try EnergyModel.decodeMatrix(data, file: file), info: nil) }
        let model = try EnergyModel.decode(data, file: file)
        let info = try JSONFile.decode(Decoded.self, from: data, file: file).info
        return LinearModelFile(model: model, info: info)
    }
}
