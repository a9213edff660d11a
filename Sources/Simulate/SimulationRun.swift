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
    /// A whole experiment for `betseq run` (replicates, lanes and a sample sheet) instead of one library.
    public var experiment: SimulatedExperiment?

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

    /// The log's lines: the landscape, the equilibrium, each fraction's depth and coverage, and timings.
    public var summary: [String] {
        let landscape = result.landscape, b = result.binding, c = result.settings.conditions
        var lines = ["species: \(landscape.count)  landscape: \(landscape.origin)  ΔΔG sd: \(String(format: "%.3f", landscape.standardDeviation)) kcal/mol"]
        lines.append(c.dilute
            ? "binding: dilute limit; largest P_tot/Kd_i = \(String(format: "%.3g", b.fractionBound.max() ?? 0)) (the limit assumes ≪ 1)"
            : "binding: free protein \(String(format: "%.4g", b.freeProtein)) nM of \(c.protein) nM; max fraction bound \(String(format: "%.3g", b.fractionBound.max() ?? 0)); mass balance error \(String(format: "%.1e", b.massBalanceError)) after \(b.iterations) Brent steps")
        for f in result.fractions {
            let seen = f.reads.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
            lines.append("\(f.name): \(f.totalReads) reads, \(String(format: "%.2f", Double(f.totalReads) / Double(landscape.count))) per sequence, \(String(format: "%.1f", 100 * Double(seen) / Double(landscape.count)))% of sequences seen")
        }
        lines.append(String(format: "seconds: landscape %.3f, equilibrium %.3f, sampling %.3f, writing %.3f",
                            seconds.landscape, result.seconds.equilibrium, result.seconds.sampling, seconds.writing))
        return lines
    }
}

extension SimulationRequest {
    /// Throws a usage error for a request that cannot run (checked before any work).
    public func validate() throws {
        if errors != nil && !fastq { throw BETSeqError(.invalidOption, file: "--errors", "base-call errors apply to reads; add --fastq") }
        try experiment?.validate()
    }
}

/// Every file `runSimulation` may write in its folder.
public let simulationOutputs = ["truth.tsv", "counts.tsv", "simulation.json", "input.fastq.gz", "bound.fastq.gz", "unbound.fastq.gz"]

/// Simulates and writes `truth.tsv`, `counts.tsv`, `simulation.json` and, with `fastq`,
/// `<fraction>.fastq.gz` into `out` (created if missing); with `experiment`, a whole experiment
/// (`SimulatedExperiment`). Everything that can fail on bad input runs before the directory is
/// created. `progress(readsWritten, totalReads)` follows the FASTQ.
public func runSimulation(_ r: SimulationRequest, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SimulationReport {
    try r.validate()
    if let x = r.experiment { return try runSimulatedExperiment(r, x, progress: progress) }
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
