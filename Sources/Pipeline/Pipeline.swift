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

/// The simulated experiment of `betseq pipeline` (one replicate, one lane per fraction).
extension PipelineRequest {
    static let experimentName = "simulated"
    static let simulationFolder = "sim"
    static let sweepTable = "sweep.tsv", sweepChart = "sweep.svg"

    var simulatedExperiment: SimulatedExperiment {
        var x = SimulatedExperiment(experiment: Self.experimentName)
        x.protein = landscape
        return x
    }

    /// Every file the pipeline writes at the top of its folder (besides the simulation's folder).
    var outputs: [String] { ExperimentFiles.names + [Self.sweepTable, Self.sweepChart] }
}

/// Simulate one experiment (reads as gzip FASTQ and its sample sheet) → the steps `betseq run`
/// takes for an experiment (count, ΔΔG, linear mono, nn and di fits, network, report), here scored
/// against the simulation's truth, with a depth sweep in the report. Each step is the library
/// function its own command calls, so every file can be reproduced or replaced by hand. `log`
/// gets one line per step and the steps' own lines. Returns the report's path.
public func runPipeline(_ r: PipelineRequest, log: @escaping (String) -> Void) throws -> String {
    guard r.depth >= 2 else { throw BETSeqError(.invalidOption, file: "--depth", "need at least 2 reads") }
    guard r.threads >= 1 else { throw BETSeqError(.invalidOption, file: "--threads", "must be at least 1") }
    try r.network.validate()
    if !r.sweepDepths.isEmpty { try r.sweepRequest.validate() }
    let sim = (r.out as NSString).appendingPathComponent(PipelineRequest.simulationFolder)
    let simulated = r.simulatedExperiment.outputs(fractions: [SampleSheet.Fraction.input.rawValue, SampleSheet.Fraction.bound.rawValue])
    try checkDistinctOutputs((r.outputs.map { (r.out as NSString).appendingPathComponent($0) }
                              + simulated.map { (sim as NSString).appendingPathComponent($0) }).map { ("--out", $0) },
                             inputs: [("--landscape", r.landscape)])
    let existed = FileManager.default.fileExists(atPath: r.out)
    try makeDirectory(r.out)
    do {
        return try runPipelineSteps(r, simulation: sim, log: log)
    } catch {
        // No partial run is left: every file a run writes goes (other files in the folder stay).
        removeOwnedFiles(simulated, in: sim, folderToo: true)
        removeOwnedFiles(r.outputs, in: r.out, folderToo: !existed)
        throw error
    }
}

private func runPipelineSteps(_ r: PipelineRequest, simulation sim: String, log: @escaping (String) -> Void) throws -> String {
    let spec = LandscapeSpec(spec: r.landscape, design: r.design, seed: r.seed)
    log("== simulate \(r.landscape), \(r.depth) reads, seed \(r.seed) → \(sim)")
    var simulation = SimulationRequest(landscape: spec, out: sim)
    simulation.settings.duplicateFraction = r.duplicates
    simulation.settings.boundReads = r.depth / 2
    simulation.settings.inputReads = r.depth - r.depth / 2
    simulation.fastq = true
    simulation.experiment = r.simulatedExperiment
    let simulated = try runSimulation(simulation)
    if let note = simulated.landscapeNote { log("landscape: \(note)") }

    let sheet = try SampleSheet.read(path: (sim as NSString).appendingPathComponent(SimulatedExperiment.sheetName))
    guard let experiment = sheet.experiments.first else { throw BETSeqError(.malformedTable, file: sheet.path, "no experiment") }
    var settings = StepSettings()
    settings.seed = r.seed
    settings.threads = r.threads
    settings.betseqVersion = r.betseqVersion
    settings.command = r.command
    settings.truth = try TruthTable.read(path: (sim as NSString).appendingPathComponent(SimulatedExperiment.truthName))
    if !r.sweepDepths.isEmpty {
        let table = (r.out as NSString).appendingPathComponent(PipelineRequest.sweepTable)
        log("== simulate sweep → \(table)")
        _ = try writeSweep(r.sweepRequest, table: table, chart: (r.out as NSString).appendingPathComponent(PipelineRequest.sweepChart))
        settings.sweep = table
    }
    var network = r.network
    network.seed = r.seed
    network.threads = r.threads
    let files = ExperimentFiles(folder: r.out)
    try runExperiment(experiment, files: files, network: network, settings: settings, log: log)
    let same = try readAllBytes(path: files.counts) == readAllBytes(path: (sim as NSString).appendingPathComponent(SimulatedExperiment.countsName))
    log(same ? "counts from the reads equal the simulated counts" : "warning: counts from the reads differ from the simulated counts")
    return files.report
}
