import Affinity
import ArgumentParser
import Foundation
import IO
import Sequence
import Pipeline
import Simulate

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

            Writes OUT/truth.tsv (sequence, \(TruthTable.Column.ddg), \(TruthTable.Column.fractionBound), \(TruthTable.Column.relativeAbundance)), \
            OUT/counts.tsv (as 'betseq count' writes it: distinct UMIs per sequence, or reads with \
            --reads; columns input, bound[, unbound]), OUT/simulation.json, and with --fastq \
            OUT/<fraction>.fastq.gz in the design's layout. Without --errors, 'betseq count' on those \
            reads reproduces counts.tsv exactly.

            With --replicates N (and --lanes M), OUT holds a whole experiment for 'betseq run': \
            replicates share the landscape, library and equilibrium and differ in sampling; each \
            fraction's reads are dealt to M lane files <fraction>_<replicate>_L<lane>.fastq.gz (a \
            molecule's PCR copies land in several lanes); counts.tsv has one column per \
            <fraction>_<replicate>, and samples.tsv is the sample sheet (experiment --experiment, \
            default the folder's name).
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

    @Option(help: "Replicate experiments (with --lanes: a whole experiment with samples.tsv for 'betseq run').")
    var replicates: Int?

    @Option(help: "FASTQ files (lanes) per fraction and replicate.")
    var lanes: Int?

    @Option(help: "Experiment name in samples.tsv (default: the output folder's name).")
    var experimentName: String?

    @Option(help: "Protein name in samples.tsv (default: the experiment name).")
    var proteinName: String?

    func validate() throws {
        if phredProfile != nil && !errors { throw ValidationError("--phred-profile applies with --errors") }
        if errors && !fastq { throw ValidationError("--errors applies to reads; add --fastq") }
        try usageCheck { try request().validate() }
    }

    /// One library, or with --replicates, --lanes or names a whole experiment.
    func request() throws -> SimulationRequest {
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
        if replicates != nil || lanes != nil || experimentName != nil || proteinName != nil {
            var x = SimulatedExperiment(experiment: experimentName ?? URL(fileURLWithPath: out).lastPathComponent)
            x.replicates = replicates ?? 1
            x.lanes = lanes ?? 1
            x.protein = proteinName
            request.experiment = x
        }
        return request
    }

    func run() throws {
        let started = Date()
        let meter = ProgressMeter(label: "writing FASTQ")
        let report = try runSimulation(try request()) { n, total in
            meter.update(items: n, unit: "reads", done: Int64(n), total: Int64(total))
        }
        meter.finish()
        if let note = report.landscapeNote { printErr("landscape: \(note)") }
        for warning in report.warnings { printErr("betseq: warning: " + warning) }
        for line in report.summary { printErr(line) }
        printErr("wrote \(report.files.joined(separator: ", ")) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
}
