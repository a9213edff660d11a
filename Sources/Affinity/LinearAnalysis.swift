import Foundation
import Learn
import IO
import Sequence

/// How rows are held out to measure a fit.
public enum SplitPlan: Sendable, Equatable {
    /// Random train/validation/test split (the rest of the rows is the test set).
    case holdout(train: Double, validation: Double)
    /// k-fold cross-validation: metrics from pooled out-of-fold predictions; the saved model is
    /// fitted on every row.
    case folds(Int)
    /// Fit every row; only training metrics.
    case none
}

/// A fitted model and how well it predicts.
public struct LinearAnalysis: Sendable {
    public let fit: LinearFit
    /// In order: train, validation, test (or cross_validation), then against the truth.
    public let metrics: [(name: String, metrics: FitMetrics)]
    public let split: String
    public let fitSeconds: Double
}

/// Fits a linear model with the chosen hold-out scheme and measures it against the target and,
/// when given, a truth landscape (indexed by sequence key; NaN where unknown).
public func analyzeLinear(keys: [UInt64], target: [Double], weights: [Double], layout: FeatureLayout,
                          options: LinearFitOptions, split: SplitPlan, seed: UInt64,
                          truth: [Double]? = nil) throws -> LinearAnalysis {
    let n = keys.count
    guard n == target.count, n == weights.count else {
        throw BETSeqError(.invalidOption, file: "fit", "keys, targets and weights differ in length")
    }
    // A seeded permutation of the rows.
    let splitSeed = seed &+ 0x5851_F42D_4C95_7F2D
    var random = SplitMix64(seed: splitSeed)
    let order = random.permutation(n)
    if let truth, truth.count != 1 << (2 * layout.length) {
        throw BETSeqError(.invalidOption, file: "--truth", "the truth must cover the 4^\(layout.length) sequences of the design")
    }
    func metrics(_ rows: ArraySlice<Int>, _ predicted: Predictor) -> FitMetrics {
        FitMetrics(target: rows.map { target[$0] }, prediction: rows.map { predicted(keys[$0]) })
    }
    func truthMetrics(_ rows: [Int], _ predicted: Predictor) -> FitMetrics? {
        guard let truth else { return nil }
        let known = rows.filter { truth[Int(keys[$0])].isFinite }
        return FitMetrics(target: known.map { truth[Int(keys[$0])] }, prediction: known.map { predicted(keys[$0]) })
    }
    func libraryMetrics(_ predicted: Predictor) -> FitMetrics? {
        guard let truth, let all = predicted.landscape else { return nil }
        let known = truth.indices.filter { truth[$0].isFinite }
        return FitMetrics(target: known.map { truth[$0] }, prediction: known.map { all[$0] })
    }

    let clock = Date()
    var results: [(String, FitMetrics)] = []
    let fit: LinearFit
    let description: String
    switch split {
    case .holdout(let trainShare, let validationShare):
        guard trainShare > 0, validationShare >= 0, trainShare + validationShare <= 1 else {
            throw BETSeqError(.invalidOption, file: "--split", "fractions must be ≥ 0 with train > 0 and a sum ≤ 1")
        }
        let rows = RowSplit(rows: n, train: trainShare, validation: validationShare, seed: splitSeed, rounding: .nearest)
        let train = rows.train[...], val = rows.validation[...], test = rows.test[...]
        fit = try fitLinear(keys: keys, target: target, weights: weights, rows: Array(train), layout: layout, options: options)
        let predicted = try Predictor(fit.model)
        results.append(("train", metrics(train, predicted)))
        if !val.isEmpty { results.append(("validation", metrics(val, predicted))) }
        if !test.isEmpty { results.append(("test", metrics(test, predicted))) }
        if let t = truthMetrics(Array(test.isEmpty ? train : test), predicted) { results.append((test.isEmpty ? "truth_train" : "truth_test", t)) }
        if let l = libraryMetrics(predicted) { results.append(("truth_library", l)) }
        description = "holdout \(train.count)/\(val.count)/\(test.count) rows (seed \(seed))"
    case .folds(let k):
        guard k >= 2, k <= n else { throw BETSeqError(.invalidOption, file: "--folds", "need 2 ≤ k ≤ rows") }
        var outOfFold = [Double](repeating: .nan, count: n)
        for f in 0..<k {
            let trainRows = order.indices.filter { $0 % k != f }.map { order[$0] }
            let foldFit = try fitLinear(keys: keys, target: target, weights: weights, rows: trainRows, layout: layout, options: options)
            let predicted = try Predictor(foldFit.model)
            for i in stride(from: f, to: n, by: k) { outOfFold[order[i]] = predicted(keys[order[i]]) }
        }
        fit = try fitLinear(keys: keys, target: target, weights: weights, layout: layout, options: options)
        let predicted = try Predictor(fit.model)
        results.append(("train", metrics(order[...], predicted)))
        results.append(("cross_validation", FitMetrics(target: target, prediction: outOfFold)))
        if let truth {
            let known = (0..<n).filter { truth[Int(keys[$0])].isFinite }
            results.append(("truth_cross_validation", FitMetrics(target: known.map { truth[Int(keys[$0])] }, prediction: known.map { outOfFold[$0] })))
        }
        if let l = libraryMetrics(predicted) { results.append(("truth_library", l)) }
        description = "\(k)-fold cross-validation over \(n) rows (seed \(seed))"
    case .none:
        fit = try fitLinear(keys: keys, target: target, weights: weights, layout: layout, options: options)
        let predicted = try Predictor(fit.model)
        results.append(("train", metrics(order[...], predicted)))
        if let t = truthMetrics(order, predicted) { results.append(("truth_train", t)) }
        if let l = libraryMetrics(predicted) { results.append(("truth_library", l)) }
        description = "all \(n) rows"
    }
    return LinearAnalysis(fit: fit, metrics: results, split: description, fitSeconds: Date().timeIntervalSince(clock))
}

/// Predictions by sequence key: a lookup in the full landscape for up to 12 variable bases, the
/// model's sum of terms otherwise.
struct Predictor {
    let model: EnergyModel
    let landscape: [Double]?

    init(_ model: EnergyModel) throws {
        self.model = model
        landscape = model.length <= 12 ? try model.landscape() : nil
    }

    func callAsFunction(_ key: UInt64) -> Double {
        if let landscape { return landscape[Int(key)] }
        return model.energy(key: key)
    }
}

// MARK: Files

/// The mononucleotide main effects (sum-to-zero coding of the whole model) as an energy-matrix
/// TSV: `position A C G T`, one row per variable position, kcal/mol. `betseq simulate
/// --landscape` reads it.
public func writeEnergyMatrix(_ model: EnergyModel, path: String) throws {
    let main = sumToZero(model)
    let out = try TextWriter(path: path)
    try out.write("position\tA\tC\tG\tT\n")
    for i in 0..<main.length {
        try out.write(i + 1)
        for b in 0..<4 {
            try out.write(byte: 9)
            try out.write(main.mono[4 * i + b], decimals: 6)
        }
        try out.write(byte: 10)
    }
    try out.finish()
}

/// The mononucleotide main effects as a MEME motif: p_b ∝ exp(−ΔΔG_b/RT) at each position
/// (Boltzmann weights of a uniform library).
public func writeMEME(_ model: EnergyModel, path: String, name: String, rt: Double = defaultRT) throws {
    let main = sumToZero(model)
    let out = try TextWriter(path: path)
    try out.write("MEME version 4\n\nALPHABET= ACGT\n\nstrands: +\n\nBackground letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n")
    try out.write("MOTIF \(name.replacingOccurrences(of: " ", with: "_")) betseq-linear-mono\n")
    try out.write("letter-probability matrix: alength= 4 w= \(main.length) nsites= 1000 E= 0\n")
    for i in 0..<main.length {
        let boltzmann = (0..<4).map { exp(-main.mono[4 * i + $0] / rt) }
        let z = boltzmann.reduce(0, +)
        for b in 0..<4 {
            try out.write(byte: b == 0 ? 32 : 9)
            try out.write(boltzmann[b] / z, decimals: 6)
        }
        try out.write(byte: 10)
    }
    try out.finish()
}
