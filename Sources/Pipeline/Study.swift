import Foundation
import IO
import Sequence
import Affinity
import Learn
import Report

/// Everything `betseq run` takes: a sample sheet, an output folder and the network's training.
public struct StudyRequest: Sendable {
    public var sheet: String
    public var out: String
    /// The network's training: by default as `pipeline` trains it (binomial likelihood on the
    /// counts of all replicates pooled, Adam, batch 1024, 5 epochs).
    public var network: NeuralOptions
    public var seed: UInt64 = 1
    public var threads = 2
    public var betseqVersion = ""

    public init(sheet: String, out: String) {
        self.sheet = sheet
        self.out = out
        network = PipelineRequest(out: out).network
    }
}

/// The files of one experiment's folder, `<out>/<experiment>/`.
public struct ExperimentFiles: Sendable {
    public var folder: String
    public init(folder: String) { self.folder = folder }
    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
    public var counts: String { path("counts.tsv") }
    public var countSummary: String { path("count_summary.tsv") }
    public var ddg: String { path("ddg.tsv") }
    public func linear(_ f: FeatureSet) -> String { path("\(f.rawValue).json") }
    public var network: String { path("network.model") }
    public var report: String { path("report.html") }
    public var reportJSON: String { path("report.json") }
    public static let names = ["counts.tsv", "count_summary.tsv", "ddg.tsv", "mono.json", "nn.json", "di.json",
                               "network.model", "report.html", "report.json"]
}

extension SampleSheet {
    /// The sheet as plain values for JSON (`betseq run plan`, read by the Snakemake workflow).
    public var plan: [String: Any] {
        ["sheet": path, "experiments": experiments.map { e -> [String: Any] in
            ["name": e.name, "protein": e.protein, "design": e.design.template, "reference": e.reference.rawValue,
             "replicates": e.replicates, "bound_columns": e.boundColumns, "reference_columns": e.referenceColumns,
             "samples": e.samples.map { ["column": $0.column, "fraction": $0.fraction.rawValue, "replicate": $0.replicate, "files": $0.files] }]
        }]
    }
}

extension SampleSheet.Experiment {
    /// Count columns: `<fraction>_<replicate>`, replicate by replicate.
    public var countColumns: [String] { samples.map(\.column) }
    public var boundColumns: [String] { replicates.map { "bound_\($0)" } }
    public var referenceColumns: [String] { replicates.map { "\(reference.rawValue)_\($0)" } }
}

/// Step 1: every sample's lanes counted into one table (UMIs de-duplicated across lanes) and its
/// summary. `progress(sample, file, reads, done, total)` follows the reads.
public func countExperiment(_ e: SampleSheet.Experiment, files: ExperimentFiles,
                            progress: ((String, String, Int, Int64, Int64?) -> Void)? = nil) throws -> CountSummaryTable {
    let specs = e.samples.map { SampleSpec(name: $0.column, files: $0.files) }
    let counted = try countSamples(specs, design: e.design, options: ExtractionOptions(), progress: progress)
    try writeCountTable(counted, reads: false, to: files.counts)
    let summary = CountSummaryTable(counted)
    try summary.write(path: files.countSummary)
    return summary
}

/// Step 2: ΔΔG with replicates combined by inverse variance, plus each replicate's own column.
public func estimateExperimentDDG(_ e: SampleSheet.Experiment, files: ExperimentFiles) throws -> DDGResult {
    let table = try CountTable.read(path: files.counts)
    let result = try estimateDDG(table, bound: e.boundColumns, reference: e.referenceColumns, file: files.counts)
    try writeDDG(result, table: table, countColumns: e.boundColumns + e.referenceColumns, replicateNames: e.replicates, to: files.ddg)
    return result
}

/// Step 3: the mononucleotide, nearest-neighbour and all-dinucleotide fits to the measured ΔΔG.
public func fitExperimentLinear(_ e: SampleSheet.Experiment, files: ExperimentFiles, features: FeatureSet, seed: UInt64,
                                version: String) throws -> LinearFitOutcome {
    var fit = LinearFitRequest(table: files.ddg)
    fit.features = features
    fit.seed = seed
    fit.design = e.design
    fit.betseqVersion = version
    fit.command = "betseq run (fit linear \(features.rawValue))"
    let outcome = try fitLinearModel(fit)
    try outcome.file.write(path: files.linear(features))
    return outcome
}

/// Step 4: the network, trained on the counts of all replicates (pooled per sequence).
public func fitExperimentNetwork(_ e: SampleSheet.Experiment, files: ExperimentFiles, options: NeuralOptions,
                                 version: String, log: (String) -> Void) throws -> NeuralFitOutcome {
    var nn = NeuralFitRequest(table: options.likelihood == .ratio ? files.ddg : files.counts)
    if options.likelihood != .ratio {
        nn.counts = (e.boundColumns.joined(separator: ","), e.referenceColumns.joined(separator: ","))
    }
    nn.options = options
    nn.betseqVersion = version
    nn.command = "betseq run (fit nn)"
    let outcome = try fitNeuralModel(nn, log: log)
    try outcome.network.save(path: files.network, metadata: outcome.metadata)
    return outcome
}

/// Step 5: the experiment's report, as `betseq report` writes it.
public func reportExperiment(_ e: SampleSheet.Experiment, files: ExperimentFiles, threads: Int, log: (String) -> Void) throws {
    var inputs = BindingReportInputs(ddg: files.ddg, counts: files.counts,
                                     models: FeatureSet.allCases.map { files.linear($0) } + [files.network])
    inputs.title = "\(e.protein) (\(e.name))"
    inputs.threads = threads
    try writeBindingReport(inputs, html: files.report, json: files.reportJSON, log: log)
}

/// `betseq run`: every experiment of the sheet through count → ΔΔG → mono, nn, di → network →
/// report in `<out>/<experiment>/`, then `summary.html`/`summary.json` comparing them. Each step is
/// the library function its single command calls, so the Snakemake workflow gives the same files.
/// The sheet and options are checked before anything is written.
public func runStudy(_ r: StudyRequest, log: @escaping (String) -> Void,
                     progress: ((String, String, Int, Int64, Int64?) -> Void)? = nil) throws -> StudySummary {
    guard r.threads >= 1 else { throw BETSeqError(.invalidOption, file: "--threads", "must be at least 1") }
    var options = r.network
    options.seed = r.seed
    options.threads = r.threads
    try options.validate()
    let sheet = try SampleSheet.read(path: r.sheet)
    for e in sheet.experiments {
        for s in e.samples {
            for f in s.files where access(f, R_OK) != 0 {
                throw BETSeqError(.cannotOpen, file: f, "cannot read (\(String(cString: strerror(errno)))); listed in \(r.sheet)")
            }
        }
    }
    try makeDirectory(r.out)
    for e in sheet.experiments {
        let files = ExperimentFiles(folder: (r.out as NSString).appendingPathComponent(e.name))
        try makeDirectory(files.folder)
        log("== \(e.name): count \(e.samples.count) samples (\(e.samples.reduce(0) { $0 + $1.files.count }) files) → \(files.counts)")
        log(try countExperiment(e, files: files, progress: progress).aligned)
        log("== \(e.name): ddg (\(e.replicates.count) replicates) → \(files.ddg)")
        _ = try estimateExperimentDDG(e, files: files)
        for features in FeatureSet.allCases {
            log("== \(e.name): fit linear \(features.rawValue) → \(files.linear(features))")
            _ = try fitExperimentLinear(e, files: files, features: features, seed: r.seed, version: r.betseqVersion)
        }
        log("== \(e.name): fit nn (\(options.likelihood.rawValue)) → \(files.network)")
        _ = try fitExperimentNetwork(e, files: files, options: options, version: r.betseqVersion, log: log)
        log("== \(e.name): report → \(files.report)")
        try reportExperiment(e, files: files, threads: r.threads, log: log)
    }
    log("== summary → \((r.out as NSString).appendingPathComponent("summary.html"))")
    return try writeStudySummary(sheet: sheet, out: r.out, threads: r.threads, log: log)
}
