import Foundation
import IO
import Learn
import Sequence

/// Everything `betseq fit linear` takes: where the target comes from, the features, the coding,
/// the weighting, how rows are held out and what to score against.
public struct LinearFitRequest: Sendable {
    /// A sequence table with the target (`ddg` from `betseq ddg`), or a count table with `counts`.
    public var table: String
    public var features = FeatureSet.mono
    /// Target columns, the first the table has (`--target` names one).
    public var targets = [DDGTable.Column.ddg]
    /// Fit ΔΔG computed from these bound and reference count columns instead of a target column.
    public var counts: (bound: String, reference: String)?
    public var rt = defaultRT
    /// Standard-error column for weights 1/se².
    /// Weights 1/se² from this column; nil: from `se` when the table has it.
    public var seColumn: String?
    public var weighted = true
    public var options = LinearFitOptions()
    public var split = SplitPlan.holdout(train: 0.8, validation: 0.1)
    public var seed: UInt64 = 0
    /// A simulation's true landscape, to score against.
    public var truth: TrueLandscape?
    public var design = DesignTemplate.betseq
    /// Recorded in the model file.
    public var betseqVersion = ""
    public var command = ""

    public init(table: String) { self.table = table }
}

/// A finished linear fit: the file to write, the analysis and what the fit noticed.
public struct LinearFitOutcome: Sendable {
    public var file: LinearModelFile
    public var analysis: LinearAnalysis
    public var layout: FeatureLayout
    public var weighting: String
    public var dropped: Int
    /// Remarks for the user (e.g. no se column).
    public var notes: [String]
}

/// Reads the target, fits, scores on held-out rows (and against the truth) and builds the model
/// file; nothing is written.
public func fitLinearModel(_ r: LinearFitRequest) throws -> LinearFitOutcome {
    let rows: TargetRows
    let weighting: String
    var notes: [String] = []
    if let counts = r.counts {
        rows = try TargetRows.fromCounts(path: r.table, bound: counts.bound, reference: counts.reference, rt: r.rt, weighted: r.weighted)
        weighting = r.weighted ? "1/var = 1/(RT²(1/B + 1/U))" : "unweighted"
    } else {
        let seColumn = r.seColumn ?? DDGTable.Column.se
        rows = try TargetRows.read(path: r.table, targets: r.targets, seColumn: seColumn, weighted: r.weighted,
                                   requireSE: r.seColumn != nil && r.weighted)
        weighting = rows.weights == nil ? "unweighted" : "1/\(seColumn)²"
        if rows.weights == nil && r.weighted { notes.append("no '\(seColumn)' column; fitting unweighted") }
    }
    try rows.check(design: r.design, file: r.table)
    if let truth = r.truth {
        guard r.design.variableLength <= 12 else {
            throw BETSeqError(.invalidOption, file: truth.source, "--truth needs a design of at most 12 variable bases (a full landscape)")
        }
        try truth.check(length: r.design.variableLength)
    }
    let layout = FeatureLayout(set: r.features, design: r.design)
    let analysis = try analyzeLinear(keys: rows.keys, target: rows.targets,
                                     weights: rows.weights ?? [Double](repeating: 1, count: rows.keys.count),
                                     layout: layout, options: r.options, split: r.split, seed: r.seed, truth: r.truth?.ddg)
    let provenance = LinearModelInfo.Provenance(
        input: r.table, target: rows.targetName, weighting: weighting, rows: rows.keys.count, rowsDropped: rows.dropped,
        ridge: r.options.ridge, seed: r.seed, design: r.design.template, truth: r.truth?.source, betseqVersion: r.betseqVersion,
        command: r.command)
    return LinearFitOutcome(file: LinearModelFile(analysis, provenance: provenance), analysis: analysis, layout: layout,
                            weighting: weighting, dropped: rows.dropped, notes: notes)
}
