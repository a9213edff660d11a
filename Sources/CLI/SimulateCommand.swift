import Affinity
import ArgumentParser
import Foundation
import Report
import IO
import Sequence
import Simulate

/// A read count written as an integer or in scientific notation (`2e7`).
struct ReadCount: ExpressibleByArgument, Sendable {
    let value: Int
    init(_ value: Int) { self.value = value }
    init?(argument: String) {
        guard let v = Double(argument), v.isFinite, v >= 0, v < 9e15, v == v.rounded() else { return nil }
        value = Int(v)
    }
    var defaultValueDescription: String { value >= 1_000_000 ? String(format: "%.0e", Double(value)) : "\(value)" }
}

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a BET-seq experiment: landscape, binding equilibrium, sequencing.",
        discussion: """
            'betseq simulate run' (the default) writes one simulated library; 'betseq simulate sweep' \
            measures how well ΔΔG is recovered as a function of read depth. See each subcommand's \
            --help.
            """,
        subcommands: [SimulateRun.self, SimulateSweep.self],
        defaultSubcommand: SimulateRun.self)
}

/// Where the truth comes from and how it binds; shared by run and sweep.
struct ExperimentOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "True ΔΔG landscape: normal:RANGE, motif:cbf1, motif:pho4, an energy-model JSON or matrix, a neural model, or a JASPAR/MEME motif file.",
        discussion: """
            normal:RANGE draws ΔΔG ~ Normal(0, RANGE/6) kcal/mol per sequence, as the published \
            simulation. An energy model is the betseq-energy-model JSON (see the README), as the linear fits \
            write it. motif:cbf1 and motif:pho4 are built-in JASPAR matrices (MA0281.2 and \
            MA0357.1). A motif is placed on the design's fixed core (best placement over \
            offsets and strands) and converted by ΔΔG = −RT·ln(p/p_max) with p = (f + 0.01)/1.04. \
            Every landscape is mean-centred over the whole library.
            """))
    var landscape = "normal:1"

    @Option(help: "Motif ID or name when the motif file holds several.")
    var motifId: String?

    @Option(help: "Design template, as for 'betseq count' (default: the published BET-seq amplicon).")
    var design: String = DesignTemplate.betseqTemplate

    @Option(help: "Total protein P_tot (nM).")
    var protein = 50.0

    @Option(help: "Total library DNA S_tot over all species (nM).")
    var library = 1000.0

    @Option(help: "Kd of the average sequence (ΔΔG = 0), nM; Kd_i = Kd_ref·exp(ΔΔG_i/RT).")
    var kdRef = 100.0

    @Flag(help: "Dilute limit: bound ∝ abundance·exp(−ΔΔG/RT), no depletion or saturation.")
    var dilute = false

    @Option(help: "SD of log-normal synthesis bias of input abundance (0 = uniform).")
    var inputBias = 0.0

    @Option(help: "RT in kcal/mol.")
    var rt = 0.593

    @Option(help: "Random seed; the same seed gives the same files.")
    var seed: UInt64 = 1

    var conditions: BindingConditions {
        var c = BindingConditions()
        c.protein = protein
        c.library = library
        c.kdRef = kdRef
        c.dilute = dilute
        c.rt = rt
        return c
    }

    func template() throws -> DesignTemplate { try DesignTemplate(design) }

    func buildLandscape(_ design: DesignTemplate) throws -> Landscape {
        // A neural model (Affinity) predicts the landscape; everything else is resolved by Simulate.
        if let data = FileManager.default.contents(atPath: landscape), DDGNetwork.isNeuralModel(data) {
            let network = try DDGNetwork.load(path: landscape)
            guard network.length == design.variableLength else {
                throw BETSeqError(.invalidOption, file: landscape,
                                 "the model covers \(network.length) positions but the design has \(design.variableLength) variable bases")
            }
            return Landscape(length: network.length, ddg: try network.predictAll(), origin: landscape)
        }
        let (landscape, note) = try resolveLandscape(self.landscape, design: design, seed: seed, rt: rt, motifID: motifId)
        if let note { printErr("landscape: \(note)") }
        return landscape
    }
}

struct SimulateRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Simulate one library at a given read depth.",
        discussion: """
            Binding: species i has concentration S_tot·a_i and Kd_i = Kd_ref·exp(ΔΔG_i/RT); the free \
            protein solves the mass balance P + Σ S_i·P/(Kd_i + P) = P_tot exactly (GSL Brent), \
            including depletion and competition. Sequencing: molecules are drawn by multinomial \
            sampling of each fraction (input ∝ abundance, bound ∝ bound concentration, unbound ∝ \
            unbound concentration); --duplicates of the reads are PCR copies; each molecule carries a \
            random UMI when the design has UMI bases.

            Writes OUT/truth.tsv (sequence, ddg_true, fraction_bound, relative_abundance), \
            OUT/counts.tsv (as 'betseq count' writes it: distinct UMIs per sequence, or reads with \
            --reads; columns input, bound[, unbound]), OUT/simulation.json, and with --fastq \
            OUT/<fraction>.fastq.gz in the design's layout. Without --errors, 'betseq count' on those \
            reads reproduces counts.tsv exactly.
            """)

    @OptionGroup var experiment: ExperimentOptions

    @Option(help: "Total reads, split equally between bound and input.")
    var depth = ReadCount(20_000_000)

    @Option(help: "Input reads (overrides the split of --depth).")
    var inputReads: ReadCount?

    @Option(help: "Bound reads (overrides the split of --depth).")
    var boundReads: ReadCount?

    @Option(help: "Unbound reads (default: the unbound fraction is not sequenced).")
    var unboundReads: ReadCount?

    @Option(help: "Fraction of reads that are PCR duplicates, in [0, 1).")
    var duplicates = 0.0

    @Flag(help: "counts.tsv holds read counts instead of distinct-UMI counts (as 'betseq count --reads').")
    var reads = false

    @Flag(help: "Also write gzip FASTQ reads for each fraction.")
    var fastq = false

    @Flag(help: "Draw per-base qualities from an Illumina-like PHRED profile and apply base-call errors (FASTQ only).")
    var errors = false

    @Option(help: "PHRED profile for --errors as Q:FREQUENCY,... (default: an Illumina-like 40:0.88,37:0.116,25:0.0025,11:0.001,2:0.0005).")
    var phredProfile: String?

    @Option(help: "Output directory (created if missing).")
    var out: String

    func run() throws {
        let started = Date()
        let design = try experiment.template()
        var settings = SimulationSettings()
        settings.design = design
        settings.conditions = experiment.conditions
        settings.inputBiasSD = experiment.inputBias
        settings.seed = experiment.seed
        settings.duplicateFraction = duplicates
        settings.boundReads = boundReads?.value ?? depth.value / 2
        settings.inputReads = inputReads?.value ?? depth.value - depth.value / 2
        settings.unboundReads = unboundReads?.value ?? 0
        if errors && !fastq { throw ValidationError("--errors applies to reads; add --fastq") }
        if phredProfile != nil && !errors { throw ValidationError("--phred-profile applies with --errors") }
        let profile = try phredProfile.map(parseProfile) ?? .illumina
        // Everything that can fail on bad input runs before the output directory is created.
        let clock = Date()
        let landscape = try experiment.buildLandscape(design)
        let landscapeSeconds = Date().timeIntervalSince(clock)
        let result = try simulate(landscape: landscape, settings: settings)
        let writing = Date()
        let synthesizer = fastq ? try ReadSynthesizer(design: design) : nil
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let dir = out.hasSuffix("/") ? String(out.dropLast()) : out

        // Tables and read files are independent; write them on two threads.
        var tasks: [() throws -> Void] = [
            { try result.writeTruth(path: "\(dir)/truth.tsv") },
            { try result.writeCounts(path: "\(dir)/counts.tsv", reads: reads) },
        ]
        if let synthesizer {
            if !synthesizer.ambiguousShifts.isEmpty {
                printErr("betseq: warning: in this design the anchors can also match \(synthesizer.ambiguousShifts.count) placement(s) that overlap variable/UMI bases; reads of some sequences may be found there")
            }
            let meter = ProgressMeter(label: "writing FASTQ")
            let totalReads = result.fractions.reduce(0) { $0 + $1.totalReads }
            let written = Tally(count: result.fractions.count)
            for (k, fraction) in result.fractions.enumerated() {
                tasks.append {
                    try synthesizer.writeFASTQ(fraction, path: "\(dir)/\(fraction.name).fastq.gz",
                                               errors: errors ? profile : nil, seed: experiment.seed,
                                               stream: 100 + UInt64(k)) { n, _ in
                        let sum = written.set(k, n)
                        meter.update(items: sum, unit: "reads", done: Int64(sum), total: Int64(totalReads))
                    }
                }
            }
            defer { meter.finish() }
            try runConcurrently(tasks)
        } else {
            try runConcurrently(tasks)
        }
        var meta = try result.metadata(extra: ["fastq": fastq, "errors": errors, "counts": reads ? "reads" : "distinct_umis"])
        meta.append(10)
        try writeFile(meta, path: "\(dir)/simulation.json")

        let b = result.binding
        printErr("species: \(landscape.count)  landscape: \(landscape.origin)  ΔΔG sd: \(String(format: "%.3f", standardDeviation(landscape.ddg))) kcal/mol")
        printErr(experiment.dilute
                 ? "binding: dilute limit; largest P_tot/Kd_i = \(String(format: "%.3g", b.fractionBound.max() ?? 0)) (the limit assumes ≪ 1)"
                 : "binding: free protein \(String(format: "%.4g", b.freeProtein)) nM of \(experiment.protein) nM; max fraction bound \(String(format: "%.3g", b.fractionBound.max() ?? 0)); mass balance error \(String(format: "%.1e", b.massBalanceError)) after \(b.iterations) Brent steps")
        for f in result.fractions {
            let seen = f.reads.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
            printErr("\(f.name): \(f.totalReads) reads, \(String(format: "%.2f", Double(f.totalReads) / Double(landscape.count))) per sequence, \(String(format: "%.1f", 100 * Double(seen) / Double(landscape.count)))% of sequences seen")
        }
        printErr(String(format: "seconds: landscape %.3f, equilibrium %.3f, sampling %.3f, writing %.3f",
                        landscapeSeconds, result.seconds.equilibrium, result.seconds.sampling, Date().timeIntervalSince(writing)))
        printErr("wrote \(dir)/truth.tsv, \(dir)/counts.tsv, \(dir)/simulation.json\(fastq ? " and FASTQ" : "") in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
}

struct SimulateSweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "How well is ΔΔG recovered at each read depth? (published Fig. 2C design)",
        discussion: """
            At each total depth (split equally between bound and input) the library is sequenced \
            --replicates times; per depth the table reports mean reads per sequence per fraction, \
            the median fraction of sequences seen in both fractions (and their number), and the \
            median (and quartiles) of Pearson r² between measured and true ΔΔG over those sequences; \
            r2_ratio is the published linear-scale metric (count ratio vs exp(−ΔΔG/RT)). Writes \
            OUT (TSV) and OUT with .svg (log x).
            """)

    @OptionGroup var experiment: ExperimentOptions

    @Option(help: "Depths: a list (1e6,1e7), START:STOP (1-2-5 steps) or START:STOP:N (N log-spaced).")
    var depths = "1e5:1e9"

    @Option(help: "Replicate experiments per depth.")
    var replicates = 10

    @Option(help: "Output TSV; the chart goes beside it with .svg.")
    var out: String

    @Option(help: "Worker threads.")
    var threads = 2

    func run() throws {
        let started = Date()
        let design = try experiment.template()
        let depthList = try parseDepths(depths)
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1") }
        let landscape = try experiment.buildLandscape(design)
        let abundance = try libraryAbundance(count: landscape.count, logNormalSD: experiment.inputBias, seed: experiment.seed)
        let binding = try solveBinding(ddg: landscape.ddg, abundance: abundance, conditions: experiment.conditions)
        let meter = ProgressMeter(label: "sweep")
        let points = try depthSweep(truth: landscape.ddg, boundWeights: binding.bound, inputWeights: abundance,
                                    depths: depthList, replicates: replicates, seed: experiment.seed,
                                    rt: experiment.rt, threads: threads) { done, total in
            meter.update(items: done, unit: "experiments", done: Int64(done), total: Int64(total))
        }
        meter.finish()
        try writeSweep(points, path: out)
        let svgPath = (out.hasSuffix(".tsv") ? String(out.dropLast(4)) : out) + ".svg"
        let x = points.map(\.meanReadsPerSequence)
        let r2 = points.map { median($0.replicates.map(\.r2DDG)) }
        let chart = logXLineChart(
            title: "Recovery of ΔΔG vs sequencing depth (\(landscape.origin), \(replicates) replicates)",
            xLabel: "mean reads per sequence per fraction", yLabel: "fraction / r²",
            series: [
                ChartSeries(name: "seen in both", color: "#1b9e77",
                            points: zip(x, points.map { median($0.replicates.map(\.fractionObserved)) }).map { ($0, $1) }),
                ChartSeries(name: "r² ΔΔG (IQR)", color: "#d95f02", points: zip(x, r2).map { ($0, $1) },
                            band: points.map { p in
                                let v = p.replicates.map(\.r2DDG)
                                return (p.meanReadsPerSequence, quantile(v, 0.25), quantile(v, 0.75))
                            }),
                ChartSeries(name: "r² ratio (published)", color: "#7570b3",
                            points: zip(x, points.map { median($0.replicates.map(\.r2Ratio)) }).map { ($0, $1) }, dashed: true),
            ])
        try writeFile(chart.utf8, path: svgPath)
        printErr("    depth  reads/seq  seen_both   r2_ddg  r2_ratio")
        for (p, r) in zip(points, r2) {
            printErr(String(format: "%9.3g  %9.3g  %9.4f  %7.4f  %8.4f", Double(p.depth), p.meanReadsPerSequence,
                            median(p.replicates.map(\.fractionObserved)), r, median(p.replicates.map(\.r2Ratio))))
        }
        printErr("wrote \(out) and \(svgPath): \(depthList.count) depths × \(replicates) replicates in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
}

/// Parses Q:FREQUENCY,... into a PHRED profile.
func parseProfile(_ text: String) throws -> PhredProfile {
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

/// Runs independent jobs on two threads; rethrows the first error.
func runConcurrently(_ tasks: [() throws -> Void]) throws {
    nonisolated(unsafe) let jobs = tasks
    try parallelJobs(jobs.count, threads: 2) { j, _ in try jobs[j]() }
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

func standardDeviation(_ v: [Double]) -> Double {
    guard v.count > 1 else { return 0 }
    let mean = v.reduce(0, +) / Double(v.count)
    return (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)).squareRoot()
}
