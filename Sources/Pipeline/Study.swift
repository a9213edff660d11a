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

/// The files of a study's folder: one folder per experiment and the summary across them.
public struct StudyFiles: Sendable {
    public static let summaryHTMLName = "summary.html", summaryJSONName = "summary.json"
    public var folder: String
    public init(folder: String) { self.folder = folder }
    public func experiment(_ name: String) -> ExperimentFiles { ExperimentFiles(folder: (folder as NSString).appendingPathComponent(name)) }
    public var summaryHTML: String { (folder as NSString).appendingPathComponent(Self.summaryHTMLName) }
    public var summaryJSON: String { (folder as NSString).appendingPathComponent(Self.summaryJSONName) }
}

/// The files of one experiment's folder, `<out>/<experiment>/` (and of `betseq pipeline`'s folder):
/// the one place their names are spelled.
public struct ExperimentFiles: Sendable {
    public static let countsName = "counts.tsv", countSummaryName = "count_summary.tsv", ddgName = "ddg.tsv"
    public static let networkName = "network.model", reportName = "report.html"
    public static func linearName(_ f: FeatureSet) -> String { "\(f.rawValue).json" }
    public static var reportJSONName: String { reportJSONPath(forHTML: reportName) ?? "report.json" }
    /// Every file an experiment's steps write.
    public static var names: [String] {
        [countsName, countSummaryName, ddgName] + FeatureSet.allCases.map(linearName) + [networkName, reportName, reportJSONName]
    }

    public var folder: String
    public init(folder: String) { self.folder = folder }
    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
    public var counts: String { path(Self.countsName) }
    public var countSummary: String { path(Self.countSummaryName) }
    public var ddg: String { path(Self.ddgName) }
    public func linear(_ f: FeatureSet) -> String { path(Self.linearName(f)) }
    public var network: String { path(Self.networkName) }
    public var report: String { path(Self.reportName) }
    public var reportJSON: String { path(Self.reportJSONName) }
}

/// Reads a study's sample sheet (`SampleSheet.read`) and checks what a study adds: no experiment
/// may be named like the summary files beside the experiment folders.
public func readStudySheet(path: String) throws -> SampleSheet {
    let sheet = try SampleSheet.read(path: path)
    for e in sheet.experiments where [StudyFiles.summaryHTMLName, StudyFiles.summaryJSONName].contains(e.name) {
        throw BETSeqError(.malformedTable, file: path, line: e.line, "experiment '\(e.name)': the name of the study's summary file; choose another")
    }
    return sheet
}

/// `betseq run plan`: checks a sheet and writes its plan as JSON (`-`: standard output).
public func writeStudyPlan(sheet: String, path: String) throws {
    try StudyPlan(readStudySheet(path: sheet)).write(path: path)
}

/// What every step of an experiment shares besides its files.
public struct StepSettings: Sendable {
    public var seed: UInt64 = 1
    public var threads = 2
    public var betseqVersion = ""
    /// What model files record as their command: `<command> (fit linear mono)`, `<command> (fit nn)`.
    public var command = "betseq run"
    /// A simulation's truth: fits are scored against it and the report shows it.
    public var truth: TrueLandscape?
    /// A depth sweep (`sweep.tsv`) for the report.
    public var sweep: String?
    public init() {}
}

/// Step 1: every sample's lanes counted into one table (UMIs de-duplicated across lanes) and its
/// summary. `progress(sample, file, reads, done, total)` follows the reads.
public func countExperiment(_ e: SampleSheet.Experiment, files: ExperimentFiles,
                            progress: ((String, String, Int, Int64, Int64?) -> Void)? = nil) throws -> CountSummaryTable {
    let specs = e.samples.map { SampleSpec(name: $0.column, files: $0.files) }
    let counted = try countSamples(specs, design: e.design, options: ExtractionOptions(), progress: progress)
    try CountTable.write(counted, reads: false, path: files.counts)
    let summary = CountSummaryTable(counted)
    try summary.write(path: files.countSummary)
    return summary
}

/// Step 2: ΔΔG with replicates combined by inverse variance, plus each replicate's own column.
public func estimateExperimentDDG(_ e: SampleSheet.Experiment, files: ExperimentFiles) throws -> DDGResult {
    let table = try CountTable.read(path: files.counts)
    let result = try estimateDDG(table, bound: e.boundColumns, reference: e.referenceColumns, file: files.counts)
    try DDGTable(result, counts: table, countColumns: e.boundColumns + e.referenceColumns, replicateNames: e.replicates, file: files.ddg)
        .write(path: files.ddg)
    return result
}

/// Step 3: the mononucleotide, nearest-neighbour and all-dinucleotide fits to the measured ΔΔG.
public func fitExperimentLinear(_ e: SampleSheet.Experiment, files: ExperimentFiles, features: FeatureSet,
                                settings: StepSettings) throws -> LinearFitOutcome {
    var fit = LinearFitRequest(table: files.ddg)
    fit.features = features
    fit.seed = settings.seed
    fit.design = e.design
    fit.truth = settings.truth
    fit.betseqVersion = settings.betseqVersion
    fit.command = "\(settings.command) (fit linear \(features.rawValue))"
    let outcome = try fitLinearModel(fit)
    try outcome.file.write(path: files.linear(features))
    return outcome
}

/// Step 4: the network, trained on the counts of all replicates (pooled per sequence), or on the
/// measured ΔΔG with the ratio likelihood.
public func fitExperimentNetwork(_ e: SampleSheet.Experiment, files: ExperimentFiles, options: NeuralOptions,
                                 settings: StepSettings, log: (String) -> Void) throws -> NeuralFitOutcome {
    var nn = NeuralFitRequest(table: options.likelihood == .ratio ? files.ddg : files.counts)
    if options.likelihood != .ratio {
        nn.counts = (e.boundColumns.joined(separator: ","), e.referenceColumns.joined(separator: ","))
    }
    nn.options = options
    nn.truth = settings.truth
    nn.betseqVersion = settings.betseqVersion
    nn.command = "\(settings.command) (fit nn)"
    let outcome = try fitNeuralModel(nn, log: log)
    try outcome.network.save(path: files.network, metadata: outcome.metadata)
    return outcome
}

/// Step 5: the experiment's report, as `betseq report` writes it.
public func reportExperiment(_ e: SampleSheet.Experiment, files: ExperimentFiles, settings: StepSettings,
                             log: (String) -> Void) throws {
    var inputs = BindingReportInputs(ddg: files.ddg, counts: files.counts,
                                     models: FeatureSet.allCases.map { files.linear($0) } + [files.network],
                                     truth: settings.truth, sweep: settings.sweep)
    inputs.title = "\(e.protein) (\(e.name))"
    inputs.threads = settings.threads
    try writeBindingReport(inputs, html: files.report, json: files.reportJSON, log: log)
}

/// Every step of one experiment, in its folder (created if missing): count → ΔΔG → mono, nn, di →
/// network → report. `betseq run` calls this for each experiment of a sheet, `betseq pipeline` for
/// its simulated one.
public func runExperiment(_ e: SampleSheet.Experiment, files: ExperimentFiles, network: NeuralOptions, settings: StepSettings,
                          log: @escaping (String) -> Void, progress: ((String, String, Int, Int64, Int64?) -> Void)? = nil) throws {
    try makeDirectory(files.folder)
    log("== \(e.name): count \(e.samples.count) samples (\(e.samples.reduce(0) { $0 + $1.files.count }) files) → \(files.counts)")
    log(try countExperiment(e, files: files, progress: progress).aligned)
    log("== \(e.name): ddg (\(e.replicates.count) replicates) → \(files.ddg)")
    _ = try estimateExperimentDDG(e, files: files)
    for features in FeatureSet.allCases {
        log("== \(e.name): fit linear \(features.rawValue) → \(files.linear(features))")
        _ = try fitExperimentLinear(e, files: files, features: features, settings: settings)
    }
    log("== \(e.name): fit nn (\(network.likelihood.rawValue)) → \(files.network)")
    _ = try fitExperimentNetwork(e, files: files, options: network, settings: settings, log: log)
    log("== \(e.name): report → \(files.report)")
    try reportExperiment(e, files: files, settings: settings, log: log)
}

/// Throws unless every file a sheet lists can be read.
func checkReadable(_ sheet: SampleSheet) throws {
    for e in sheet.experiments {
        for s in e.samples {
            for f in s.files where access(f, R_OK) != 0 {
                throw BETSeqError(.cannotOpen, file: f, "cannot read (\(String(cString: strerror(errno)))); listed in \(sheet.path)")
            }
        }
    }
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
    let sheet = try readStudySheet(path: r.sheet)
    try checkReadable(sheet)
    var settings = StepSettings()
    settings.seed = r.seed
    settings.threads = r.threads
    settings.betseqVersion = r.betseqVersion
    let files = StudyFiles(folder: r.out)
    try makeDirectory(r.out)
    for e in sheet.experiments {
        try runExperiment(e, files: files.experiment(e.name), network: options, settings: settings, log: log, progress: progress)
    }
    log("== summary → \(files.summaryHTML)")
    return try writeStudySummary(sheet: sheet, out: r.out, threads: r.threads, log: log)
}
