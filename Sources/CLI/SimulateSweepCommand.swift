import Affinity
import ArgumentParser
import Foundation
import IO
import Sequence
import Pipeline
import Simulate

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

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard replicates >= 1 else { throw ValidationError("--replicates must be ≥ 1") }
    }

    func run() throws {
        let started = Date()
        var request = SweepRequest(landscape: try experiment.landscapeSpec(), depths: try parseDepths(depths))
        request.conditions = experiment.conditions
        request.inputBiasSD = experiment.inputBias
        request.replicates = replicates
        request.threads = threads.threads
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
