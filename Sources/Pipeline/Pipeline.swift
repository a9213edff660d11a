import Affinity
import Foundation
import IO
import Report
import Sequence
import Simulate

/// `betseq simulate sweep`: runs the sweep and writes its table and chart.
public func writeSweep(_ r: SweepRequest, table: String, chart: String,
                       progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SweepTable {
    let (sweep, landscape) = try runSweep(r, progress: progress)
    try sweep.write(path: table)
    let title = "Recovery of ΔΔG vs sequencing depth (\(landscape.origin), \(r.replicates) replicates)"
    try writeFile(sweepChart(sweep, title: title).utf8, path: chart)
    return sweep
}

/// Everything `betseq pipeline` takes: the simulated experiment, the network's training and the sweep.
public struct PipelineRequest: Sendable {
    public var out: String
    public var landscape = "motif:cbf1"
    public var design = DesignTemplate.betseq
    /// Total reads, split between bound and input.
    public var depth = 10_000_000
    public var duplicates = 0.1
    public var seed: UInt64 = 1
    /// The network's training; `maxEpochs`, optimizer, batch, likelihood and widths are the
    /// pipeline's own defaults (a quick count-trained run), the rest as `fit nn`.
    public var network: NeuralOptions
    /// Depths of the sweep; empty skips it.
    public var sweepDepths: [Int] = []
    public var sweepReplicates = 3
    public var threads = 2
    public var betseqVersion = ""
    public var command = ""

    public init(out: String) {
        self.out = out
        var o = NeuralOptions()
        o.maxEpochs = 5
        o.optimizer = .adam
        o.batchSize = 1024
        o.likelihood = .binomial
        network = o
    }
}

extension PipelineRequest {
    /// The sweep step's request (its landscape is the simulation's).
    var sweepRequest: SweepRequest {
        var sweep = SweepRequest(landscape: LandscapeSpec(spec: landscape, design: design, seed: seed), depths: sweepDepths)
        sweep.replicates = sweepReplicates
        sweep.threads = threads
        return sweep
    }
}

/// Simulate (with gzip FASTQ) → count the reads → ΔΔG → linear mono, nn and di fits (scored against
/// the truth) → the network → depth sweep → report, in `out`. Each step is the library function its
/// own command calls, so every file can be reproduced or replaced by hand. `log` gets one line per
/// step and the steps' own lines. Returns the report's path.
public func runPipeline(_ r: PipelineRequest, log: @escaping (String) -> Void) throws -> String {
    guard r.depth >= 2 else { throw BETSeqError(.invalidOption, file: "--depth", "need at least 2 reads") }
    guard r.threads >= 1 else { throw BETSeqError(.invalidOption, file: "--threads", "must be at least 1") }
    try r.network.validate()
    if !r.sweepDepths.isEmpty { try r.sweepRequest.validate() }
    func path(_ name: String) -> String { (r.out as NSString).appendingPathComponent(name) }
    try checkDistinctOutputs((pipelineOutputs + simulationOutputs.map { "sim/\($0)" }).map { ("--out", path($0)) },
                             inputs: [("--landscape", r.landscape)])
    let existed = FileManager.default.fileExists(atPath: r.out)
    try makeDirectory(r.out)
    do {
        return try runPipelineSteps(r, log: log)
    } catch {
        // No partial run is left: every file a run writes goes (other files in the folder stay).
        removeOwnedFiles(simulationOutputs, in: path("sim"), folderToo: true)
        removeOwnedFiles(pipelineOutputs, in: r.out, folderToo: !existed)
        throw error
    }
}

/// Every file `pipeline` writes at the top of its folder (besides `sim/`).
let pipelineOutputs = ["counts.tsv", "count_summary.tsv", "ddg.tsv", "mono.json", "nn.json", "di.json", "network.model",
                       "sweep.tsv", "sweep.svg", "report.html", "report.json"]

private func runPipelineSteps(_ r: PipelineRequest, log: @escaping (String) -> Void) throws -> String {
    func path(_ name: String) -> String { (r.out as NSString).appendingPathComponent(name) }
    let spec = LandscapeSpec(spec: r.landscape, design: r.design, seed: r.seed)

    log("== simulate \(r.landscape), \(r.depth) reads, seed \(r.seed) → \(path("sim"))")
    var simulation = SimulationRequest(landscape: spec, out: path("sim"))
    simulation.settings.duplicateFraction = r.duplicates
    simulation.settings.boundReads = r.depth / 2
    simulation.settings.inputReads = r.depth - r.depth / 2
    simulation.fastq = true
    let simulated = try runSimulation(simulation)
    if let note = simulated.landscapeNote { log("landscape: \(note)") }

    log("== count → \(path("counts.tsv"))")
    let samples = [SampleSpec(name: "input", files: [path("sim/input.fastq.gz")]),
                   SampleSpec(name: "bound", files: [path("sim/bound.fastq.gz")])]
    let counted = try countSamples(samples, design: r.design, options: ExtractionOptions())
    try writeCountTable(counted, reads: false, to: path("counts.tsv"))
    let summary = CountSummaryTable(counted)
    try summary.write(path: path("count_summary.tsv"))
    log(summary.aligned)
    let same = try readAllBytes(path: path("counts.tsv")) == readAllBytes(path: path("sim/counts.tsv"))
    log(same ? "counts from the reads equal the simulated counts" : "warning: counts from the reads differ from the simulated counts")

    log("== ddg → \(path("ddg.tsv"))")
    let counts = try CountTable.read(path: path("counts.tsv"))
    let ddg = try estimateDDG(counts, bound: ["bound"], reference: ["input"], file: path("counts.tsv"))
    try writeDDG(ddg, table: counts, countColumns: ["bound", "input"], to: path("ddg.tsv"))

    var models: [String] = []
    for features in [FeatureSet.mono, .nn, .di] {
        log("== fit linear \(features.rawValue) → \(path("\(features.rawValue).json"))")
        var fit = LinearFitRequest(table: path("ddg.tsv"))
        fit.features = features
        fit.truth = path("sim/truth.tsv")
        fit.seed = r.seed
        fit.design = r.design
        fit.betseqVersion = r.betseqVersion
        fit.command = r.command
        let outcome = try fitLinearModel(fit)
        try outcome.file.write(path: path("\(features.rawValue).json"))
        models.append(path("\(features.rawValue).json"))
    }

    log("== fit nn (\(r.network.likelihood.rawValue)) → \(path("network.model"))")
    var nn = NeuralFitRequest(table: r.network.likelihood == .ratio ? path("ddg.tsv") : path("counts.tsv"))
    if r.network.likelihood != .ratio { nn.counts = ("bound", "input") }
    nn.options = r.network
    nn.options.seed = r.seed
    nn.options.threads = r.threads
    nn.truth = path("sim/truth.tsv")
    nn.betseqVersion = r.betseqVersion
    nn.command = r.command
    let network = try fitNeuralModel(nn, log: log)
    try network.network.save(path: path("network.model"), metadata: network.metadata)
    models.append(path("network.model"))

    var inputs = BindingReportInputs(ddg: path("ddg.tsv"), counts: path("counts.tsv"), models: models, truth: path("sim/truth.tsv"))
    if !r.sweepDepths.isEmpty {
        log("== simulate sweep → \(path("sweep.tsv"))")
        _ = try writeSweep(r.sweepRequest, table: path("sweep.tsv"), chart: path("sweep.svg"))
        inputs.sweep = path("sweep.tsv")
    }

    log("== report → \(path("report.html"))")
    inputs.threads = r.threads
    try writeBindingReport(inputs, html: path("report.html"), json: reportJSONPath(forHTML: path("report.html")), log: log)
    return path("report.html")
}
