import Affinity
import ArgumentParser
import Foundation
import IO
import Sequence
import Pipeline
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
    var rt = defaultRT

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

    func landscapeSpec() throws -> LandscapeSpec {
        LandscapeSpec(spec: landscape, motifID: motifId, design: try DesignTemplate(design), seed: seed, rt: rt)
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
        if phredProfile != nil && !errors { throw ValidationError("--phred-profile applies with --errors") }
        if errors && !fastq { throw ValidationError("--errors applies to reads; add --fastq") }
        var request = SimulationRequest(landscape: try experiment.landscapeSpec(), out: out)
        request.settings.conditions = experiment.conditions
        request.settings.inputBiasSD = experiment.inputBias
        request.settings.duplicateFraction = duplicates
        request.settings.boundReads = boundReads?.value ?? depth.value / 2
        request.settings.inputReads = inputReads?.value ?? depth.value - depth.value / 2
        request.settings.unboundReads = unboundReads?.value ?? 0
        request.reads = reads
        request.fastq = fastq
        request.errors = errors ? try phredProfile.map(PhredProfile.parse) ?? .illumina : nil
        let meter = ProgressMeter(label: "writing FASTQ")
        let report = try runSimulation(request) { n, total in
            meter.update(items: n, unit: "reads", done: Int64(n), total: Int64(total))
        }
        meter.finish()
        if let note = report.landscapeNote { printErr("landscape: \(note)") }
        for warning in report.warnings { printErr("betseq: warning: " + warning) }
        let result = report.result, landscape = result.landscape, b = result.binding
        printErr("species: \(landscape.count)  landscape: \(landscape.origin)  ΔΔG sd: \(String(format: "%.3f", landscape.standardDeviation)) kcal/mol")
        printErr(experiment.dilute
                 ? "binding: dilute limit; largest P_tot/Kd_i = \(String(format: "%.3g", b.fractionBound.max() ?? 0)) (the limit assumes ≪ 1)"
                 : "binding: free protein \(String(format: "%.4g", b.freeProtein)) nM of \(experiment.protein) nM; max fraction bound \(String(format: "%.3g", b.fractionBound.max() ?? 0)); mass balance error \(String(format: "%.1e", b.massBalanceError)) after \(b.iterations) Brent steps")
        for f in result.fractions {
            let seen = f.reads.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
            printErr("\(f.name): \(f.totalReads) reads, \(String(format: "%.2f", Double(f.totalReads) / Double(landscape.count))) per sequence, \(String(format: "%.1f", 100 * Double(seen) / Double(landscape.count)))% of sequences seen")
        }
        printErr(String(format: "seconds: landscape %.3f, equilibrium %.3f, sampling %.3f, writing %.3f",
                        report.seconds.landscape, result.seconds.equilibrium, result.seconds.sampling, report.seconds.writing))
        printErr("wrote \(report.files.joined(separator: ", ")) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
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

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1") }
        guard replicates >= 1 else { throw ValidationError("--replicates must be ≥ 1") }
    }

    func run() throws {
        let started = Date()
        var request = SweepRequest(landscape: try experiment.landscapeSpec(), depths: try parseDepths(depths))
        request.conditions = experiment.conditions
        request.inputBiasSD = experiment.inputBias
        request.replicates = replicates
        request.threads = threads
        let meter = ProgressMeter(label: "sweep")
        let svgPath = (out.hasSuffix(".tsv") ? String(out.dropLast(4)) : out) + ".svg"
        let sweep = try writeSweep(request, table: out, chart: svgPath) { done, total in
            meter.update(items: done, unit: "experiments", done: Int64(done), total: Int64(total))
        }
        meter.finish()
        printErr("    depth  reads/seq  seen_both   r2_ddg  r2_ratio")
        for r in sweep.rows {
            printErr(String(format: "%9.3g  %9.3g  %9.4f  %7.4f  %8.4f", Double(r.depth), r.meanReadsPerSequence,
                            r.fractionObserved, r.r2DDG, r.r2Ratio))
        }
        printErr("wrote \(out) and \(svgPath): \(request.depths.count) depths × \(replicates) replicates in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
}
