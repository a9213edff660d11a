import Affinity
import ArgumentParser
import Foundation
import Pipeline

/// `run` runs a whole study unless its first argument is `summary`.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a study from a sample sheet: count, ΔΔG, linear and neural models, reports and a summary across experiments.",
        subcommands: [RunStudy.self, RunSummary.self, RunPlan.self], defaultSubcommand: RunStudy.self)
}

struct RunStudy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a study from a sample sheet: count, ΔΔG, linear and neural models, reports and a summary across experiments.",
        discussion: """
            SHEET is TSV with a header and one row per FASTQ file: experiment, replicate, fraction \
            (input, bound or unbound) and fastq (relative to the sheet); rows sharing experiment, \
            replicate and fraction are lanes of one sample. Optional columns, constant within an \
            experiment: design (template; default the BET-seq design), protein (display name) and \
            reference (input or unbound; default input).

            For each experiment, DIR/<experiment>/ gets counts.tsv (one column per \
            <fraction>_<replicate>, UMIs de-duplicated across lanes), count_summary.tsv, ddg.tsv \
            (replicates combined by inverse variance, plus ddg_<replicate> columns), mono.json, \
            nn.json, di.json, network.model (trained on the pooled counts of all replicates) and \
            report.html/report.json as 'betseq report' writes them. DIR/summary.html and \
            summary.json compare the experiments: reads, UMIs, duplicates, rejections, coverage, \
            replicate agreement, the variance of each network explained by mono, nn and di models, \
            energy logos and ΔΔG correlations. Each step is the library function of its single \
            command; workflow/Snakefile runs the same steps as separate jobs.
            """)

    @Argument(help: "Sample sheet (TSV).")
    var sheet: String

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(help: "Training epochs of each network.")
    var epochs = 5

    @Option(help: "Network likelihood: binomial or poisson (on the pooled counts) or ratio (on the measured ΔΔG).")
    var likelihood = Likelihood.binomial

    @Option(help: "Random seed for every step.")
    var seed: UInt64 = 1

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
    }

    func run() throws {
        let clock = Date()
        var request = StudyRequest(sheet: sheet, out: out)
        request.network.maxEpochs = epochs
        request.network.likelihood = likelihood
        request.seed = seed
        request.threads = threads.threads
        request.betseqVersion = BETSeq.version
        let meter = FileProgress()
        let study = try runStudy(request, log: { line in
            meter.finish()
            printErr(line)
        }, progress: meter.update)
        meter.finish()
        for e in study.experiments {
            let explained = FeatureSet.allCases.map { f in e.explained[f].map { String(format: "%@ %.3f", f.rawValue, $0) } ?? "\(f.rawValue) n/a" }
            printErr("\(e.name): replicate r² \(e.replicateR2.map { String(format: "%.3f", $0) } ?? "n/a"); network explained by \(explained.joined(separator: ", "))")
        }
        printErr(String(format: "run finished in %.0f s", Date().timeIntervalSince(clock)))
        print("summary: \(StudyFiles(folder: out).summaryHTML)")
    }
}

struct RunSummary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Write DIR/summary.html and summary.json from the finished experiment folders of a sample sheet.",
        discussion: "The last step of 'betseq run', on its own for workflows that ran the other steps as separate jobs.")

    @Argument(help: "Sample sheet (TSV).")
    var sheet: String

    @Option(help: "The study's output directory (holding one folder per experiment).")
    var out: String

    @OptionGroup var threads: ThreadOptions

    func run() throws {
        let sheet = try readStudySheet(path: sheet)
        _ = try writeStudySummary(sheet: sheet, out: out, threads: threads.threads) { printErr($0) }
        print("summary: \(StudyFiles(folder: out).summaryHTML)")
    }
}

struct RunPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Check a sample sheet and print its experiments, samples and files as JSON.",
        discussion: """
            The workflow reads the sheet through this command, so the sheet has one parser: \
            experiments in order, each with protein, design, reference, replicates, the \
            bound and reference count columns, and samples (count column, fraction, replicate, \
            files resolved against the sheet's folder).
            """)

    @Argument(help: "Sample sheet (TSV).")
    var sheet: String

    func run() throws {
        try writeStudyPlan(sheet: sheet, path: "-")
    }
}
