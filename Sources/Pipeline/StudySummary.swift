import Foundation
import IO
import Sequence
import Affinity
import Learn
import Report

/// What the study summary compares, per experiment.
public struct ExperimentSummary: Sendable {
    public var name: String
    public var protein: String
    public var replicates: [String]
    public var variableLength: Int
    public var reads = 0, counted = 0, duplicates = 0, distinct = 0
    public var rejected: [(reason: String, reads: Int)] = []
    /// Sequences with a count in any sample, and with a ΔΔG, as fractions of the 4^L library.
    public var observed = 0.0, measured = 0.0
    /// Per pair of replicates, the squared Pearson correlation of their ΔΔG (as the report computes it).
    public var agreement = ReplicateAgreement()
    public var replicateR2: Double? { agreement.meanR2 }
    /// R² of each linear model (mono, nn, di) fitted to the network's predictions over the whole
    /// library (nil when the library is too large to enumerate).
    public var explained: [FeatureSet: Double] = [:]
    /// The mononucleotide model's ΔΔG per position (rows) and base (A, C, G, T).
    public var logo: [[Double]] = []
    /// Measured ΔΔG by sequence key (for correlations between experiments).
    var ddg: [UInt64: Double] = [:]
}

public struct StudySummary: Sendable {
    public var experiments: [ExperimentSummary]
}

/// Reads one experiment's folder (`betseq run`'s or the workflow's) and computes what the summary
/// shows; the network is evaluated over the whole library and the three linear models are fitted
/// to its predictions (unweighted, every sequence), as Fig. 4A/B of the BET-seq paper does.
public func summarizeExperiment(_ e: SampleSheet.Experiment, files: ExperimentFiles, threads: Int, seed: UInt64 = 1) throws -> ExperimentSummary {
    var s = ExperimentSummary(name: e.name, protein: e.protein, replicates: e.replicates, variableLength: e.design.variableLength)
    let counts = try CountSummaryTable.read(path: files.countSummary)
    func total(_ metric: String) -> Int { counts.samples.reduce(0) { $0 + (counts.value(metric, sample: $1) ?? 0) } }
    s.reads = total("reads"); s.counted = total("counted"); s.duplicates = total("duplicates"); s.distinct = total("distinct_umis")
    s.rejected = Rejection.allCases.map { ($0.key, total("rejected_\($0.key)")) }
    let library = pow(4.0, Double(e.design.variableLength))
    let table = try SequenceTable.read(path: files.ddg, required: ["ddg"], optional: e.replicates.map { "ddg_\($0)" })
    let observedRows = try SequenceTable.read(path: files.counts, required: []).keys.count
    s.observed = Double(observedRows) / library
    s.measured = Double(table.keys.count) / library
    let ddg = table.column("ddg") ?? []
    for (k, v) in zip(table.keys, ddg) { s.ddg[k] = v }
    s.agreement = ReplicateAgreement(table)
    let mono = try readModelFile(path: files.linear(.mono))
    if case .linear(let f) = mono { s.logo = (0..<f.model.length).map { p in Array(f.model.mono[4 * p..<4 * p + 4]) } }
    if e.design.variableLength <= 12 {
        let network = try readModelFile(path: files.network).model
        let predictions = try network.predictLibrary(options: PredictionOptions(threads: threads))
        let keys = (0..<predictions.count).map { UInt64($0) }
        let ones = [Double](repeating: 1, count: predictions.count)
        for features in FeatureSet.allCases {
            let analysis = try analyzeLinear(keys: keys, target: predictions, weights: ones, layout: FeatureLayout(set: features, design: e.design),
                                             options: LinearFitOptions(), split: .none, seed: seed)
            s.explained[features] = analysis.metrics.first?.metrics.r2
        }
    }
    return s
}

/// Writes `<out>/summary.html` and `<out>/summary.json` for the experiments of a sheet whose
/// folders are complete; every number on the page is the JSON's.
public func writeStudySummary(sheet: SampleSheet, out: String, threads: Int, log: (String) -> Void = { _ in }) throws -> StudySummary {
    let summaries = try sheet.experiments.map { e in
        log("summary: \(e.name)")
        return try summarizeExperiment(e, files: ExperimentFiles(folder: (out as NSString).appendingPathComponent(e.name)), threads: threads)
    }
    let study = StudySummary(experiments: summaries)
    let (html, json) = try buildStudySummary(study, sheet: sheet.path)
    let page = try OutputFile(path: (out as NSString).appendingPathComponent("summary.html"))
    let numbers = try OutputFile(path: (out as NSString).appendingPathComponent("summary.json"))
    try Array(html.utf8).withUnsafeBytes { try page.write($0) }
    try json.withUnsafeBytes { try numbers.write($0) }
    try page.finish()
    try numbers.finish()
    return study
}

/// The summary page and its JSON (built together, so their numbers agree).
public func buildStudySummary(_ study: StudySummary, sheet: String) throws -> (html: String, json: Data) {
    var doc = ReportDocument(title: "BET-seq study: \(study.experiments.map(\.protein).joined(separator: " vs "))")
    doc.record(["betseq_summary_version"], 1)
    doc.record(["sheet"], sheet)
    doc.record(["experiment_order"], study.experiments.map(\.name))
    doc.paragraph("Sample sheet <code>\(escapeXML(sheet))</code>: \(study.experiments.count) experiments. Each experiment's own report is <code>&lt;experiment&gt;/report.html</code>.")

    doc.section("Reads and library coverage", id: "reads")
    var rows: [[String]] = []
    for e in study.experiments {
        let k = ["experiments", e.name]
        doc.record(k + ["protein"], e.protein)
        doc.record(k + ["replicates"], e.replicates)
        var row = [escapeXML(e.protein), doc.count(k + ["reads"], e.reads), doc.count(k + ["counted"], e.counted),
                   doc.count(k + ["umis"], e.distinct),
                   doc.number(k + ["duplicate_rate"], e.counted > 0 ? Double(e.duplicates) / Double(e.counted) : .nan),
                   doc.number(k + ["observed_fraction"], e.observed), doc.number(k + ["measured_fraction"], e.measured)]
        row += e.rejected.map { doc.count(k + ["rejected", $0.reason], $0.reads) }
        rows.append(row)
    }
    doc.table(header: ["protein", "reads", "counted", "distinct UMIs", "duplicate rate", "library observed", "library with ΔΔG"]
                  + Rejection.allCases.map { "rejected: \($0.description)" }, rows: rows)
    doc.note("Duplicate rate: counted reads whose (sequence, UMI) pair was already seen in the same sample, over counted reads (lanes of a sample pooled). Library fractions are of the 4^L flank sequences.")

    doc.section("Replicate agreement", id: "replicates")
    var agreement: [[String]] = []
    var plots: [(id: String, svg: String, caption: String)] = []
    for e in study.experiments {
        let k = ["experiments", e.name]
        if let r2 = e.replicateR2 {
            let pairs = e.agreement.pairs.map { p in
                "\(escapeXML(p.a)) vs \(escapeXML(p.b)): \(doc.number(k + ["replicate_pairs", "\(p.a)_vs_\(p.b)", "r2"], p.r2)) over \(doc.count(k + ["replicate_pairs", "\(p.a)_vs_\(p.b)", "sequences"], p.sequences)) sequences"
            }
            agreement.append([escapeXML(e.protein), doc.number(k + ["replicate_r2"], r2), pairs.joined(separator: "; ")])
            if let p = e.agreement.pairs.first {
                plots.append(("rep-\(e.name)", hexbinChart(title: "\(e.protein): replicate ΔΔG", xLabel: "ΔΔG replicate \(p.a) (kcal/mol)",
                                                          yLabel: "ΔΔG replicate \(p.b) (kcal/mol)", x: e.agreement.firstPoints.x, y: e.agreement.firstPoints.y),
                              "\(e.protein): per-replicate ΔΔG of the sequences both replicates measured (density)."))
            }
        } else {
            doc.record(k + ["replicate_r2"], NSNull())
            agreement.append([escapeXML(e.protein), "n/a", "one replicate"])
        }
    }
    doc.table(header: ["protein", "replicate r² (mean)", "pairs"], rows: agreement)
    doc.figures(plots)

    doc.section("How much of each network is additive", id: "explained")
    doc.paragraph("Each experiment's network predicts every sequence of the library; mononucleotide, nearest-neighbour and all-dinucleotide linear models are fitted to those predictions. The fraction of their variance each model explains (R²) shows how additive the binding is (Fig. 4A/B of Le, Shimko et al. 2018).")
    var explained: [[String]] = []
    for e in study.experiments {
        let k = ["experiments", e.name, "explained"]
        let v = FeatureSet.allCases.map { e.explained[$0] ?? .nan }
        explained.append([escapeXML(e.protein)] + FeatureSet.allCases.indices.map { doc.number(k + [FeatureSet.allCases[$0].rawValue], v[$0]) }
                         + [doc.number(["experiments", e.name, "gain", "nn_over_mono"], v[1] - v[0]),
                            doc.number(["experiments", e.name, "gain", "di_over_nn"], v[2] - v[1])])
    }
    doc.table(header: ["protein", "mono", "nn", "di", "gain nn − mono", "gain di − nn"], rows: explained)
    let colors = ["#4477aa", "#66ccee", "#228833"]
    let bars = FeatureSet.allCases.enumerated().map { i, f in
        BarSeries(name: f.rawValue, color: colors[i], values: study.experiments.map { $0.explained[f] ?? .nan })
    }
    doc.figures([("explained", barChart(title: "Network variance explained by linear models", yLabel: "R²",
                                        categories: study.experiments.map(\.protein), series: bars, yRange: 0...1),
                  "R² of mono, nn and di models fitted to each network's library-wide predictions.")])

    doc.section("Energy logos", id: "logos")
    doc.figures(study.experiments.filter { !$0.logo.isEmpty }.map { e in
        ("logo-\(e.name)", energyLogo(title: "\(e.protein): mononucleotide ΔΔG", matrix: e.logo,
                                      positionLabels: (1...e.logo.count).map(String.init), width: 480, height: 260),
         "\(e.protein): mononucleotide ΔΔG per position and base.")
    })
    doc.note("Letters above the axis bind tighter (−ΔΔG, kcal/mol); mononucleotide models fitted to the measured ΔΔG.")

    doc.section("ΔΔG between experiments", id: "between")
    var between: [[String]] = []
    for (i, a) in study.experiments.enumerated() {
        for b in study.experiments[(i + 1)...] where a.variableLength == b.variableLength {
            let shared = a.ddg.keys.filter { b.ddg[$0] != nil }.sorted()
            let r = pearsonCorrelation(shared.compactMap { a.ddg[$0] }, shared.compactMap { b.ddg[$0] })
            let k = ["between", "\(a.name)_vs_\(b.name)"]
            between.append(["\(escapeXML(a.protein)) vs \(escapeXML(b.protein))",
                            doc.number(k + ["pearson_r"], r),
                            doc.count(k + ["sequences"], shared.count)])
        }
    }
    if between.isEmpty { doc.note("No two experiments share a library (same number of variable bases).") } else {
        doc.table(header: ["experiments", "Pearson r of measured ΔΔG", "sequences in both"], rows: between)
    }
    return (doc.html, try doc.summaryJSON())
}
