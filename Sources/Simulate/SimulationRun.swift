import Foundation
import IO
import Affinity
import Learn
import Sequence

/// Where the truth comes from: a `--landscape` specification resolved against a design.
public struct LandscapeSpec: Sendable {
    /// `normal:RANGE`, `motif:NAME`, a model file or a motif file.
    public var spec: String
    public var motifID: String?
    public var design: DesignTemplate
    public var seed: UInt64
    public var rt: Double

    public init(spec: String, motifID: String? = nil, design: DesignTemplate = .betseq, seed: UInt64 = 1, rt: Double = defaultRT) {
        self.spec = spec; self.motifID = motifID; self.design = design; self.seed = seed; self.rt = rt
    }

    /// The landscape, with a note on how a motif was placed.
    public func resolve() throws -> (landscape: Landscape, note: String?) {
        try resolveLandscape(spec, design: design, seed: seed, rt: rt, motifID: motifID)
    }
}

/// Everything `betseq simulate` writes into its output directory, and how.
public struct SimulationRequest: Sendable {
    public var landscape: LandscapeSpec
    public var settings = SimulationSettings()
    /// counts.tsv holds reads instead of distinct UMIs.
    public var reads = false
    /// Also write gzip FASTQ per fraction.
    public var fastq = false
    /// Base-call errors from this PHRED profile (FASTQ only).
    public var errors: PhredProfile?
    public var out: String

    public init(landscape: LandscapeSpec, out: String) {
        self.landscape = landscape
        self.out = out
    }
}

/// What a simulation did, for the log.
public struct SimulationReport: Sendable {
    public var result: SimulationResult
    public var landscapeNote: String?
    public var warnings: [String]
    public var files: [String]
    public var seconds: (landscape: Double, writing: Double)
}

/// Every file `runSimulation` may write in its folder.
public let simulationOutputs = ["truth.tsv", "counts.tsv", "simulation.json", "input.fastq.gz", "bound.fastq.gz", "unbound.fastq.gz"]

/// Simulates and writes `truth.tsv`, `counts.tsv`, `simulation.json` and, with `fastq`,
/// `<fraction>.fastq.gz` into `out` (created if missing). Everything that can fail on bad input
/// runs before the directory is created. `progress(readsWritten, totalReads)` follows the FASTQ.
public func runSimulation(_ r: SimulationRequest, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SimulationReport {
    if r.errors != nil && !r.fastq { throw BETSeqError(.invalidOption, file: "--errors", "base-call errors apply to reads; add --fastq") }
    let clock = Date()
    var settings = r.settings
    settings.design = r.landscape.design
    settings.seed = r.landscape.seed
    settings.conditions.rt = r.landscape.rt
    try checkDistinctOutputs(simulationOutputs.map { ("--out", (r.out as NSString).appendingPathComponent($0)) },
                             inputs: [("--landscape", r.landscape.spec)])
    let (landscape, note) = try r.landscape.resolve()
    let landscapeSeconds = Date().timeIntervalSince(clock)
    let result = try simulate(landscape: landscape, settings: settings)
    let writing = Date()
    let synthesizer = r.fastq ? try ReadSynthesizer(design: settings.design) : nil
    let folder = try OutputDirectory(path: r.out, owned: simulationOutputs)
    let dir = folder.path
    var warnings: [String] = []
    var files = ["\(dir)/truth.tsv", "\(dir)/counts.tsv", "\(dir)/simulation.json"]

    // Tables and read files are independent; write them on two threads.
    var tasks: [@Sendable () throws -> Void] = [
        { [path = folder.file("truth.tsv")] in try result.writeTruth(path: path) },
        { [reads = r.reads, path = folder.file("counts.tsv")] in try result.writeCounts(path: path, reads: reads) },
    ]
    if let synthesizer {
        if !synthesizer.ambiguousShifts.isEmpty {
            warnings.append("in this design the anchors can also match \(synthesizer.ambiguousShifts.count) placement(s) that overlap variable/UMI bases; reads of some sequences may be found there")
        }
        let totalReads = result.fractions.reduce(0) { $0 + $1.totalReads }
        let written = Tally(count: result.fractions.count)
        nonisolated(unsafe) let writer = synthesizer
        for (k, fraction) in result.fractions.enumerated() {
            let path = folder.file("\(fraction.name).fastq.gz")
            files.append("\(dir)/\(fraction.name).fastq.gz")
            tasks.append { [errors = r.errors, seed = settings.seed] in
                try writer.writeFASTQ(fraction, path: path, errors: errors, seed: seed, stream: 100 + UInt64(k)) { n, _ in
                    progress?(written.set(k, n), totalReads)
                }
            }
        }
    }
    let jobs = tasks
    try parallelJobs(jobs.count, threads: 2) { j, _ in try jobs[j]() }
    try result.metadata(fastq: r.fastq, errors: r.errors != nil, reads: r.reads).write(path: folder.file("simulation.json"))
    try folder.commit()
    return SimulationReport(result: result, landscapeNote: note, warnings: warnings, files: files,
                            seconds: (landscapeSeconds, Date().timeIntervalSince(writing)))
}

/// Per-worker progress counts and their sum.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int]
    init(count: Int) { values = [Int](repeating: 0, count: count) }
    func set(_ i: Int, _ v: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        values[i] = v
        return values.reduce(0, +)
    }
}

/// Everything `betseq simulate sweep` takes.
public struct SweepRequest: Sendable {
    public var landscape: LandscapeSpec
    public var conditions = BindingConditions()
    public var inputBiasSD = 0.0
    public var depths: [Int]
    public var replicates = 10
    public var threads = 2
    /// Each replicate is a whole sequencing run scored on its own; ten thousand per depth is far
    /// beyond a useful error bar and keeps the per-run results small.
    public static let maxReplicates = 10_000

    public init(landscape: LandscapeSpec, depths: [Int]) {
        self.landscape = landscape
        self.depths = depths
    }

    /// Throws a usage error for a sweep that cannot run (checked before any work or output).
    public func validate() throws {
        guard threads >= 1 else { throw BETSeqError(.invalidOption, file: "--threads", "must be at least 1") }
        guard (1...SweepRequest.maxReplicates).contains(replicates) else {
            throw BETSeqError(.invalidOption, file: "--replicates", "\(replicates): expected 1 to \(SweepRequest.maxReplicates) per depth")
        }
        guard !depths.isEmpty, depths.allSatisfy({ (2...maxSweepDepth).contains($0) }) else {
            throw BETSeqError(.invalidOption, file: "--depths", "expected read counts from 2 to \(maxSweepDepth)")
        }
    }
}

/// The published Fig. 2C design over a resolved landscape: equilibrium once, then every depth ×
/// replicate sequenced and scored (see `depthSweep`). `progress(done, total)` counts experiments.
public func runSweep(_ r: SweepRequest, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (table: SweepTable, landscape: Landscape) {
    try r.validate()
    var conditions = r.conditions
    conditions.rt = r.landscape.rt
    let (landscape, _) = try r.landscape.resolve()
    let abundance = try libraryAbundance(count: landscape.count, logNormalSD: r.inputBiasSD, seed: r.landscape.seed)
    let binding = try solveBinding(ddg: landscape.ddg, abundance: abundance, conditions: conditions)
    let points = try depthSweep(truth: landscape.ddg, boundWeights: binding.bound, inputWeights: abundance,
                                depths: r.depths, replicates: r.replicates, seed: r.landscape.seed,
                                rt: r.landscape.rt, threads: r.threads, progress: progress)
    return (SweepTable(points), landscape)
}

extension PhredProfile {
    /// Parses `Q:FREQUENCY,...`.
    public static func parse(_ text: String) throws -> PhredProfile {
        var q: [Int] = [], f: [Double] = []
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let quality = Int(parts[0]), let frequency = Double(parts[1]) else {
                throw BETSeqError(.invalidOption, file: "--phred-profile", "'\(item)' is not Q:FREQUENCY")
            }
            q.append(quality)
            f.append(frequency)
        }
        return try PhredProfile(qualities: q, probabilities: f)
    }
}

/// A simulated study's experiment (`betseq simulate --replicates N --lanes M`): replicates share
/// the landscape, abundances and equilibrium and differ in sampling; each fraction's reads are
/// dealt to `lanes` FASTQ files. Writes truth.tsv, simulation.json (replicate 1's), counts.tsv
/// (columns `<fraction>_<replicate>`), `<fraction>_<replicate>_L<lane>.fastq.gz` and samples.tsv,
/// a sample sheet for `betseq run` (paths relative to it).
public struct SimulatedExperiment: Sendable {
    public var replicates = 2
    public var lanes = 1
    public var experiment: String
    public var protein: String?
    public init(experiment: String) { self.experiment = experiment }

    /// Every file name such a folder may hold for these counts.
    func outputs(fractions: [String]) -> [String] {
        var names = ["truth.tsv", "simulation.json", "counts.tsv", "samples.tsv"]
        for f in fractions {
            for r in 1...replicates { for l in 1...lanes { names.append(laneFile(f, r, l)) } }
        }
        return names
    }

    func laneFile(_ fraction: String, _ replicate: Int, _ lane: Int) -> String { "\(fraction)_\(replicate)_L\(lane).fastq.gz" }
}

public func runSimulatedExperiment(_ r: SimulationRequest, _ x: SimulatedExperiment,
                                   progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SimulationReport {
    guard (1...100).contains(x.replicates), (1...100).contains(x.lanes) else {
        throw BETSeqError(.invalidOption, file: "--replicates", "replicates and lanes must be 1 to 100")
    }
    guard SampleSheetName.isValid(x.experiment) else {
        throw BETSeqError(.invalidOption, file: "--experiment", "'\(x.experiment)': use letters, digits, '.', '_' or '-'")
    }
    let clock = Date()
    var settings = r.settings
    settings.design = r.landscape.design
    settings.seed = r.landscape.seed
    settings.conditions.rt = r.landscape.rt
    let (landscape, note) = try r.landscape.resolve()
    let landscapeSeconds = Date().timeIntervalSince(clock)
    let results = try (0..<x.replicates).map { k -> SimulationResult in
        var s = settings
        s.replicate = UInt64(k)
        return try simulate(landscape: landscape, settings: s)
    }
    let writing = Date()
    let synthesizer = try ReadSynthesizer(design: settings.design)
    let fractionNames = results[0].fractions.map(\.name)
    try checkDistinctOutputs(x.outputs(fractions: fractionNames).map { ("--out", (r.out as NSString).appendingPathComponent($0)) },
                             inputs: [("--landscape", r.landscape.spec)])
    let folder = try OutputDirectory(path: r.out, owned: x.outputs(fractions: fractionNames))
    let dir = folder.path
    var files = ["truth.tsv", "counts.tsv", "simulation.json", "samples.tsv"].map { "\(dir)/\($0)" }
    try results[0].writeTruth(path: folder.file("truth.tsv"))
    try results[0].metadata(fastq: true, errors: r.errors != nil, reads: r.reads).write(path: folder.file("simulation.json"))

    // counts.tsv: every replicate's fractions, as `betseq run` names its columns.
    let columns = (0..<x.replicates).flatMap { k in results[k].fractions.map { ("\($0.name)_\(k + 1)", $0.counts(reads: r.reads)) } }
    try writeSimulatedCounts(columns, length: landscape.length, path: folder.file("counts.tsv"))

    var sheet = "experiment\treplicate\tfraction\tfastq\tdesign\tprotein\n"
    var jobs: [@Sendable () throws -> Void] = []
    let totalReads = results.reduce(0) { $0 + $1.fractions.reduce(0) { $0 + $1.totalReads } }
    let written = Tally(count: results.count * fractionNames.count)
    nonisolated(unsafe) let writer = synthesizer
    for (k, result) in results.enumerated() {
        for (j, fraction) in result.fractions.enumerated() {
            let names = (1...x.lanes).map { x.laneFile(fraction.name, k + 1, $0) }
            for name in names {
                sheet += "\(x.experiment)\t\(k + 1)\t\(fraction.name)\t\(name)\t\(settings.design.template)\t\(x.protein ?? x.experiment)\n"
                files.append("\(dir)/\(name)")
            }
            let paths = names.map { folder.file($0) }
            let slot = k * fractionNames.count + j
            jobs.append { [errors = r.errors, seed = settings.seed] in
                try writer.writeFASTQ(fraction, lanes: paths, errors: errors, seed: seed, stream: 100 + UInt64(j) + 1000 * UInt64(k)) { n, _ in
                    progress?(written.set(slot, n), totalReads)
                }
            }
        }
    }
    try writeFile(Array(sheet.utf8), path: folder.file("samples.tsv"))
    let frozen = jobs
    try parallelJobs(frozen.count, threads: 2) { j, _ in try frozen[j]() }
    try folder.commit()
    return SimulationReport(result: results[0], landscapeNote: note, warnings: [], files: files,
                            seconds: (landscapeSeconds, Date().timeIntervalSince(writing)))
}

/// The names a sample sheet accepts for experiments and replicates (they name folders and columns).
public enum SampleSheetName {
    public static func isValid(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix(".") && s.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 45
        }
    }
}
