import Foundation
import IO
import Learn
import Sequence

/// Number format of network inference (float32 everywhere, bf16 on AMX tiles, or automatic).
public typealias InferencePrecision = Learn.InferencePrecision

/// How predictions are computed; the values do not depend on `threads`.
public struct PredictionOptions: Sendable {
    public var threads: Int
    public var precision: InferencePrecision
    public init(threads: Int = 1, precision: InferencePrecision = .float32) {
        self.threads = max(1, threads)
        self.precision = precision
    }
}

/// A model that gives every sequence of a variable region a ΔΔG (kcal/mol): energy models (linear
/// fits, motifs, energy matrices) and neural networks alike. `predict`, the report and `simulate
/// --landscape` all go through this, so there is one definition of what a model predicts.
public protocol AffinityModel {
    /// Variable bases the model covers.
    var length: Int { get }
    var parameterCount: Int { get }
    /// Whether the model's zero is arbitrary, so that its predictions are reported mean-centred
    /// over the library (networks; an energy model's zero is its intercept and is kept).
    var centredOverLibrary: Bool { get }
    /// The longest variable region whose whole library the model predicts at once.
    var largestLibrary: Int { get }
    /// ΔΔG of each 2-bit key on the model's own scale.
    func rawPredictions(_ keys: [UInt64], options: PredictionOptions) throws -> [Double]
}

extension AffinityModel {
    /// Every sequence of the library in key order (4^length values, length ≤ `largestLibrary`), as
    /// `predict --all` writes them: mean-centred when `centredOverLibrary`.
    public func predictLibrary(options: PredictionOptions = PredictionOptions()) throws -> [Double] {
        guard length <= largestLibrary else {
            throw BETSeqError(.invalidOption, file: "predict", "the whole library needs at most \(largestLibrary) variable bases, not \(length)")
        }
        var all = try rawPredictions(libraryKeys(length: length), options: options)
        if centredOverLibrary {
            centre(&all)
        }
        return all
    }

    /// The given sequences, on the same scale as `predictLibrary` (centred by the library mean when
    /// the model is centred and the library can be enumerated).
    public func predict(_ keys: [UInt64], options: PredictionOptions = PredictionOptions()) throws -> [Double] {
        var values = try rawPredictions(keys, options: options)
        if centredOverLibrary && length <= 12 {
            let library = try rawPredictions(libraryKeys(length: length), options: options)
            let centre = mean(library)
            for i in values.indices { values[i] -= centre }
        }
        return values
    }
}

extension EnergyModel: AffinityModel {
    /// Intercept, three contrasts per position and nine per pair.
    public var parameterCount: Int { 1 + 3 * length + 9 * pairs.count }
    public var centredOverLibrary: Bool { false }
    /// The landscape is tabulated in memory: 4^13 doubles at most.
    public var largestLibrary: Int { 13 }

    /// A lookup in the full landscape when it can be tabulated (≤ 12 bases), the sum of terms otherwise.
    public func rawPredictions(_ keys: [UInt64], options: PredictionOptions = PredictionOptions()) throws -> [Double] {
        if length <= 12 {
            let landscape = try landscape()
            if keys.count == landscape.count && keys.elementsEqual(0..<UInt64(landscape.count)) { return landscape }
            return keys.map { landscape[Int($0)] }
        }
        var codes = [UInt8](repeating: 0, count: length)
        return keys.map { key in
            baseCodes(key, length: length, into: &codes)
            return energy(codes: codes)
        }
    }

    /// ΔΔG of one key (the sum of its terms).
    public func energy(key: UInt64) -> Double {
        var codes = [UInt8](repeating: 0, count: length)
        baseCodes(key, length: length, into: &codes)
        return energy(codes: codes)
    }
}

extension DDGNetwork: AffinityModel {
    public var centredOverLibrary: Bool { true }
    public var largestLibrary: Int { 12 }
    public func rawPredictions(_ keys: [UInt64], options: PredictionOptions) throws -> [Double] {
        predict(keys, threads: options.threads, precision: effectivePrecision(options.precision))
    }
}

/// A model file of any kind betseq reads, with what its fitter recorded.
public enum ModelFileContents {
    case linear(LinearModelFile)
    case neural(DDGNetwork, NeuralModelMetadata?)

    public var model: any AffinityModel {
        switch self {
        case .linear(let f): return f.model
        case .neural(let n, _): return n
        }
    }

    /// Held-out fit to the measured ΔΔG as the fitter recorded it: the set's name and its metrics.
    public var heldOut: (set: String, metrics: FitMetrics)? {
        switch self {
        case .linear(let f): return f.info?.heldOut
        case .neural(_, let m): return m?.metrics.test.map { ("test", $0) }
        }
    }
}

/// The one place that tells model files apart: a betseq neural model, an energy-model JSON (a
/// linear fit or written by hand) or an energy-matrix TSV.
public func readModelFile(path: String) throws -> ModelFileContents {
    try readModelFile(data: Data(readAllBytes(path: path)), file: path)
}

/// The same for a file's bytes in memory (`file` is used in messages).
public func readModelFile(data: Data, file path: String) throws -> ModelFileContents {
    if DDGNetwork.isNeuralModel(data) {
        let (network, metadata) = try DDGNetwork.decode(data, file: path)
        return .neural(network, metadata)
    }
    if !EnergyModel.isEnergyMatrix(data) {
        let kinds = "a ΔΔG model is an energy-model JSON, a linear fit, an energy matrix or a neural network"
        if data.contains(0) || String(data: data, encoding: .utf8) == nil {
            throw BETSeqError(.unknownFormat, file: path, "binary data; \(kinds)")
        }
        // Another betseq file (a contact model, a report) is named as such rather than parsed.
        if let format = DDGNetwork.File.formatName(of: data), format != EnergyModel.formatName {
            throw BETSeqError(.unknownFormat, file: path, "a '\(format)' file; \(kinds)")
        }
    }
    return .linear(try LinearModelFile.decode(data, file: path))
}

/// Whether `data` is a model file `readModelFile` understands (rather than, say, a motif).
public func isModelFile(_ data: Data) -> Bool {
    DDGNetwork.isNeuralModel(data) || EnergyModel.isEnergyMatrix(data)
        || data.first(where: { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }) == UInt8(ascii: "{")
}

// MARK: Prediction tables

/// Predictions for a set of sequences (or the whole library, in key order when `keys` is nil).
public struct PredictionTable: Sendable {
    public var length: Int
    public var keys: [UInt64]?
    public var ddg: [Double]

    /// `sequence ddg`, one row per sequence, ΔΔG to `decimals` places.
    public func write(path: String, decimals: Int) throws {
        let speller = SequenceSpeller(length: length)
        let text = try TextWriter(path: path)
        try text.write("sequence\tddg\n")
        for (i, v) in ddg.enumerated() {
            try speller.write(keys.map { Int($0[i]) } ?? i, to: text)
            try text.write(byte: 9)
            try text.write(v, decimals: decimals)
            try text.write(byte: 10)
        }
        try text.finish()
    }
}

/// What `betseq predict` does: reads a model file of any kind and predicts either every sequence of
/// its library (`sequences` nil) or the sequences of a table.
public func predictSequences(modelPath: String, sequences: String?, options: PredictionOptions) throws
    -> (table: PredictionTable, precision: InferencePrecision?) {
    let model = try readModelFile(path: modelPath).model
    // Networks run in the precision asked for (where the CPU can); other models ignore it (nil).
    let precision = (model as? DDGNetwork)?.effectivePrecision(options.precision)
    var options = options
    options.precision = precision ?? .float32
    guard let sequences else {
        return (PredictionTable(length: model.length, keys: nil, ddg: try model.predictLibrary(options: options)), precision)
    }
    guard model.length <= 16 else {
        throw BETSeqError(.invalidOption, file: modelPath, "predict handles models of up to 16 positions, not \(model.length)")
    }
    let table = try SequenceTable.read(path: sequences, required: [])
    guard table.length == model.length else {
        throw BETSeqError(.malformedTable, file: sequences, "sequences have \(table.length) bases; the model has \(model.length)")
    }
    return (PredictionTable(length: model.length, keys: table.keys, ddg: try model.predict(table.keys, options: options)), precision)
}
