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
    s.reads = counts.total(.reads); s.counted = counts.total(.counted); s.duplicates = counts.total(.duplicates)
    s.distinct = counts.total(.distinctUMIs)
    s.rejected = Rejection.allCases.map { ($0.key, counts.total(.rejected($0))) }
    let library = pow(4.0, Double(e.design.variableLength))
    var table = try DDGTable.read(path: files.ddg)
    // The sheet's replicates, in its order (a table may carry other columns).
    table.replicates = e.replicates.compactMap { name in table.replicates.first { $0.name == name } }
    let observedRows = try CountTable.read(path: files.counts).keys.count
    s.observed = Double(observedRows) / library
    s.measured = Double(table.keys.count) / library
    for (k, v) in zip(table.keys, table.ddg) { s.ddg[k] = v }
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
    let files = StudyFiles(folder: out)
    let summaries = try sheet.experiments.map { e in
        log("summary: \(e.name)")
        return try summarizeExperiment(e, files: files.experiment(e.name), threads: threads)
    }
    let study = StudySummary(experiments: summaries)
    let (html, result) = buildStudySummary(study, sheet: sheet.path)
    try writeReport(html: html, result: result, htmlPath: files.summaryHTML, jsonPath: files.summaryJSON)
    return study
}

/// `summary.json`: every number `summary.html` shows, as the page was drawn from it (keys are the
/// page's `data-k` paths).
public struct StudySummaryResult: Codable, Sendable {
    public var betseqSummaryVersion = 1
    public var sheet: String
    public var experimentOrder: [String]
    public var experiments: [String: Experiment]
    /// Pearson r of measured ΔΔG between experiments of one library, by `<a>_vs_<b>` (absent when
    /// no two experiments share a library).
    public var between: [String: Between]?

    enum CodingKeys: String, CodingKey {
        case betseqSummaryVersion = "betseq_summary_version", sheet, experimentOrder = "experiment_order", experiments, between
    }

    public struct Experiment: Codable, Sendable {
        public var protein: String
        public var replicates: [String]
        public var reads, counted, umis: Int
        @ReportNumber public var duplicateRate: Double
        @ReportNumber public var observedFraction: Double
        @ReportNumber public var measuredFraction: Double
        public var rejected: [String: Int]
        /// Absent with one replicate.
        public var replicatePairs: [String: ReplicatePair]?
        /// Mean r² over pairs of replicates (null with one replicate).
        @ReportNumber public var replicateR2: Double
        public var explained: [String: ReportNumber]
        public var gain: Gain

        enum CodingKeys: String, CodingKey {
            case protein, replicates, reads, counted, umis, duplicateRate = "duplicate_rate", observedFraction = "observed_fraction"
            case measuredFraction = "measured_fraction", rejected, replicatePairs = "replicate_pairs", replicateR2 = "replicate_r2"
            case explained, gain
        }
    }

    public struct ReplicatePair: Codable, Sendable {
        @ReportNumber public var r2: Double
        public var sequences: Int
    }

    public struct Gain: Codable, Sendable {
        @ReportNumber public var nnOverMono: Double
        @ReportNumber public var diOverNN: Double
        enum CodingKeys: String, CodingKey { case nnOverMono = "nn_over_mono", diOverNN = "di_over_nn" }
    }

    public struct Between: Codable, Sendable {
        @ReportNumber public var pearsonR: Double
        public var sequences: Int
        enum CodingKeys: String, CodingKey { case pearsonR = "pearson_r", sequences }
    }

    public init(_ study: StudySummary, sheet: String) {
        self.sheet = sheet
        experimentOrder = study.experiments.map(\.name)
        experiments = [:]
        for e in study.experiments {
            let explained = FeatureSet.allCases.map { e.explained[$0] ?? .nan }
            experiments[e.name] = Experiment(
                protein: e.protein, replicates: e.replicates, reads: e.reads, counted: e.counted, umis: e.distinct,
                duplicateRate: e.counted > 0 ? Double(e.duplicates) / Double(e.counted) : .nan,
                observedFraction: e.observed, measuredFraction: e.measured,
                rejected: Dictionary(e.rejected.map { ($0.reason, $0.reads) }, uniquingKeysWith: { a, _ in a }),
                replicatePairs: e.replicateR2 == nil ? nil : Dictionary(e.agreement.pairs.map { p in
                    ("\(p.a)_vs_\(p.b)", ReplicatePair(r2: p.r2, sequences: p.sequences))
                }, uniquingKeysWith: { a, _ in a }),
                replicateR2: e.replicateR2 ?? .nan,
                explained: Dictionary(uniqueKeysWithValues: zip(FeatureSet.allCases.map(\.rawValue), explained.map { ReportNumber(wrappedValue: $0) })),
                gain: Gain(nnOverMono: explained[1] - explained[0], diOverNN: explained[2] - explained[1]))
        }
        var between: [String: Between] = [:]
        for (i, a) in study.experiments.enumerated() {
            for b in study.experiments[(i + 1)...] where a.variableLength == b.variableLength {
                let shared = a.ddg.keys.filter { b.ddg[$0] != nil }.sorted()
                between["\(a.name)_vs_\(b.name)"] = Between(pearsonR: pearsonCorrelation(shared.compactMap { a.ddg[$0] }, shared.compactMap { b.ddg[$0] }),
                                                             sequences: shared.count)
            }
        }
        self.between = between.isEmpty ? nil : between
    }
}

/// The summary's result and the page drawn from it.
public func buildStudySummary(_ study: StudySummary, sheet: String) -> (html: String, result: StudySummaryResult) {
    let result = StudySummaryResult(study, sheet: sheet)
    var doc = ReportDocument(title: "BET-seq study: \(study.experiments.map(\.protein).joined(separator: " vs "))")
    doc.paragraph("Sample sheet <code>\(escapeXML(sheet))</code>: \(study.experiments.count) experiments. Each experiment's own report is <code>&lt;experiment&gt;/report.html</code>.")

    doc.section("Reads and library coverage", id: "reads")
    var rows: [[String]] = []
    for e in study.experiments {
        guard let r = result.experiments[e.name] else { continue }
        let k = ["experiments", e.name]
        var row = [escapeXML(r.protein), doc.count(k + ["reads"], r.reads), doc.count(k + ["counted"], r.counted),
                   doc.count(k + ["umis"], r.umis), doc.number(k + ["duplicate_rate"], r.duplicateRate),
                   doc.number(k + ["observed_fraction"], r.observedFraction), doc.number(k + ["measured_fraction"], r.measuredFraction)]
        row += e.rejected.map { doc.count(k + ["rejected", $0.reason], r.rejected[$0.reason] ?? 0) }
        rows.append(row)
    }
    doc.table(header: ["protein", "reads", "counted", "distinct UMIs", "duplicate rate", "library observed", "library with ΔΔG"]
                  + Rejection.allCases.map { "rejected: \($0.description)" }, rows: rows)
    doc.note("Duplicate rate: counted reads whose (sequence, UMI) pair was already seen in the same sample, over counted reads (lanes of a sample pooled). Library fractions are of the 4^L flank sequences.")

    doc.section("Replicate agreement", id: "replicates")
    var agreement: [[String]] = []
    var plots: [(id: String, svg: String, caption: String)] = []
    for e in study.experiments {
        guard let r = result.experiments[e.name] else { continue }
        let k = ["experiments", e.name]
        if let pairs = r.replicatePairs {
            let text = e.agreement.pairs.map { p in
                let key = k + ["replicate_pairs", "\(p.a)_vs_\(p.b)"]
                let pair = pairs["\(p.a)_vs_\(p.b)"]
                return "\(escapeXML(p.a)) vs \(escapeXML(p.b)): \(doc.number(key + ["r2"], pair?.r2 ?? .nan)) over \(doc.count(key + ["sequences"], pair?.sequences ?? 0)) sequences"
            }
            agreement.append([escapeXML(r.protein), doc.number(k + ["replicate_r2"], r.replicateR2), text.joined(separator: "; ")])
            if let p = e.agreement.pairs.first {
                plots.append(("rep-\(e.name)", hexbinChart(title: "\(e.protein): replicate ΔΔG", xLabel: "ΔΔG replicate \(p.a) (kcal/mol)",
                                                          yLabel: "ΔΔG replicate \(p.b) (kcal/mol)", x: e.agreement.firstPoints.x, y: e.agreement.firstPoints.y),
                              "\(e.protein): per-replicate ΔΔG of the sequences both replicates measured (density)."))
            }
        } else {
            agreement.append([escapeXML(r.protein), "n/a", "one replicate"])
        }
    }
    doc.table(header: ["protein", "replicate r² (mean)", "pairs"], rows: agreement)
    doc.figures(plots)

    doc.section("How much of each network is additive", id: "explained")
    doc.paragraph("Each experiment's network predicts every sequence of the library; mononucleotide, nearest-neighbour and all-dinucleotide linear models are fitted to those predictions. The fraction of their variance each model explains (R²) shows how additive the binding is (Fig. 4A/B of Le, Shimko et al. 2018).")
    var explained: [[String]] = []
    for e in study.experiments {
        guard let r = result.experiments[e.name] else { continue }
        let k = ["experiments", e.name]
        explained.append([escapeXML(r.protein)]
                         + FeatureSet.allCases.map { f in doc.number(k + ["explained", f.rawValue], r.explained[f.rawValue]?.wrappedValue ?? .nan) }
                         + [doc.number(k + ["gain", "nn_over_mono"], r.gain.nnOverMono), doc.number(k + ["gain", "di_over_nn"], r.gain.diOverNN)])
    }
    doc.table(header: ["protein", "mono", "nn", "di", "gain nn − mono", "gain di − nn"], rows: explained)
    let colors = ["#4477aa", "#66ccee", "#228833"]
    let bars = FeatureSet.allCases.enumerated().map { i, f in
        BarSeries(name: f.rawValue, color: colors[i], values: study.experiments.map { result.experiments[$0.name]?.explained[f.rawValue]?.wrappedValue ?? .nan })
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
            let key = "\(a.name)_vs_\(b.name)"
            guard let r = result.between?[key] else { continue }
            between.append(["\(escapeXML(a.protein)) vs \(escapeXML(b.protein))",
                            doc.number(["between", key, "pearson_r"], r.pearsonR),
                            doc.count(["between", key, "sequences"], r.sequences)])
        }
    }
    if between.isEmpty { doc.note("No two experiments share a library (same number of variable bases).") } else {
        doc.table(header: ["experiments", "Pearson r of measured ΔΔG", "sequences in both"], rows: between)
    }
    return (doc.html, result)
}
