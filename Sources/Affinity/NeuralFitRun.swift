import Foundation
import IO
import Learn
import Sequence

/// Everything `betseq fit nn` takes.
public struct NeuralFitRequest: Sendable {
    /// `ddg.tsv` (ratio likelihood) or a count table (count likelihoods, with `counts`).
    public var table: String
    /// Bound and reference count columns, for the Poisson and binomial likelihoods; several
    /// comma-separated columns (replicates) are pooled by adding their counts.
    public var counts: (bound: String, reference: String)?
    /// Target columns in ratio mode, the first the table has.
    public var targets = [DDGTable.Column.ddg]
    /// Ratio mode: inverse-variance weights from the `se` column when present.
    public var weighted = true
    public var options = NeuralOptions()
    /// A simulation's true landscape, to score the trained network against.
    public var truth: TrueLandscape?
    public var betseqVersion = ""
    public var command = ""

    public init(table: String) { self.table = table }
}

/// A trained network with its metadata and scores.
public struct NeuralFitOutcome {
    public var network: DDGNetwork
    public var metadata: NeuralModelMetadata
    public var rows: Int
    public var length: Int
}

/// The rows a network trains on: measured ΔΔG (ratio) or the counts of each sequence seen in
/// either fraction (count likelihoods; the measured ΔΔG, where it exists, is kept for validation).
public func neuralTrainingData(_ r: NeuralFitRequest) throws -> (data: NeuralData, length: Int) {
    if r.options.likelihood == .ratio {
        let rows = try TargetRows.read(path: r.table, targets: r.targets, seColumn: DDGTable.Column.se, weighted: r.weighted)
        return (NeuralData(keys: rows.keys, target: rows.targets, weights: rows.weights), rows.length)
    }
    guard let counts = r.counts else {
        throw BETSeqError(.invalidOption, file: r.table, "count likelihoods need bound and reference columns (--bound, --reference)")
    }
    // Comma-separated columns (replicates) are pooled: their counts add up per sequence.
    let boundColumns = counts.bound.split(separator: ",").map(String.init)
    let referenceColumns = counts.reference.split(separator: ",").map(String.init)
    let t = try SequenceTable.read(path: r.table, required: boundColumns + referenceColumns.filter { !boundColumns.contains($0) })
    func pooled(_ names: [String]) -> [Double] {
        names.compactMap { t.column($0) }.reduce(into: [Double](repeating: 0, count: t.keys.count)) { sum, column in
            for i in sum.indices { sum[i] += column[i] }
        }
    }
    let b = pooled(boundColumns), u = pooled(referenceColumns)
    let measured = try replicateDDG(bound: b, reference: u, rt: r.options.rt, file: r.table).ddg
    var data = NeuralData(keys: [], target: [], weights: nil)
    for i in t.keys.indices where b[i] + u[i] > 0 && b[i] >= 0 && u[i] >= 0 {
        data.keys.append(t.keys[i]); data.bound.append(b[i]); data.reference.append(u[i]); data.target.append(measured[i])
    }
    return (data, t.length)
}

/// Trains the network, scores it on its held-out test rows (and against the truth) and builds the
/// metadata its file records; nothing is written. `log` receives one line per epoch and the scores.
public func fitNeuralModel(_ r: NeuralFitRequest, log: (String) -> Void = { _ in }) throws -> NeuralFitOutcome {
    try r.options.validate()
    let (data, length) = try neuralTrainingData(r)
    guard length >= 1 else { throw BETSeqError(.malformedTable, file: r.table, "no rows") }
    try r.truth?.check(length: length)
    let o = r.options
    log("fit nn: \(data.keys.count) rows, \(length) positions, \(o.likelihood.rawValue) likelihood, \(o.optimizer.rawValue), batch \(o.batchSize), layers \(o.widths.map(String.init).joined(separator: ",")), threads \(o.threads)")
    let (network, training) = try trainNetwork(data, length: length, options: o, log: log)

    let heldOut = heldOutMetrics(network, data: data, rows: training.split.test, threads: o.threads)
    log(String(format: "test rows vs measured ΔΔG: R² %.4f, Pearson r² %.4f, RMSE %.4f (%d rows)",
               heldOut.r2, heldOut.pearsonR2, heldOut.rmse, heldOut.rows))
    var metrics = NeuralModelMetadata.Metrics(test: heldOut)
    if let land = r.truth?.ddg {
        let all = try network.predictLibrary(options: PredictionOptions(threads: o.threads))
        let test = training.split.test
        let known = test.map { Int(data.keys[$0]) }.filter { land[$0].isFinite }
        let measured = test.filter { data.target[$0].isFinite && land[Int(data.keys[$0])].isFinite }
        let onTest = FitMetrics(target: known.map { land[$0] }, prediction: known.map { all[$0] })
        let library = FitMetrics(target: land.filter(\.isFinite), prediction: all.indices.filter { land[$0].isFinite }.map { all[$0] })
        let raw = FitMetrics(target: measured.map { land[Int(data.keys[$0])] }, prediction: measured.map { data.target[$0] })
        log(String(format: "vs truth: network (test rows) Pearson r² %.4f, (library) %.4f; raw measured ΔΔG (test rows) %.4f",
                   onTest.pearsonR2, library.pearsonR2, raw.pearsonR2))
        metrics.truthTestPearsonR2 = onTest.pearsonR2
        metrics.truthLibraryPearsonR2 = library.pearsonR2
        metrics.measuredVsTruthTestPearsonR2 = raw.pearsonR2
    }
    let metadata = NeuralModelMetadata(training: training, options: o, weighted: data.weights != nil, metrics: metrics,
                                       provenance: .init(input: r.table, betseqVersion: r.betseqVersion, command: r.command))
    return NeuralFitOutcome(network: network, metadata: metadata, rows: data.keys.count, length: length)
}
