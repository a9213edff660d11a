import ArgumentParser
import Foundation
import Report
import IO
import Sequence
import Simulate

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compare measured ΔΔG, linear and neural models in one self-contained HTML file.",
        discussion: """
            Sections: the data (counts per sample, sequences observed, count and ΔΔG distributions); \
            each model's held-out fit; density plots of each linear model against the (first) neural \
            model over the whole library and the r² each explains of it (mono → nearest-neighbour → \
            all dinucleotides); an energy logo and matrix of the mononucleotide model and the \
            pairwise interaction map of the model with the most pair terms; with --truth, every \
            estimate against the simulated truth; with --sweep, coverage and accuracy against depth. \
            The page has inline SVG and CSS only (opens offline). Beside it, a JSON file holds every \
            number the page shows, under the path in each number's data-k attribute.
            """)

    @Option(help: "Measured ΔΔG table from 'betseq ddg'.")
    var ddg: String

    @Option(name: .customLong("model"), help: "A linear model (JSON) or neural model; repeat for several.")
    var models: [String] = []

    @Option(help: "Count table from 'betseq count' (default: the count columns of the ΔΔG table).")
    var counts: String?

    @Option(help: "truth.tsv of a simulation (column \(TruthTable.Column.ddg)).")
    var truth: String?

    @Option(help: "sweep.tsv from 'betseq simulate sweep'.")
    var sweep: String?

    @Option(help: "Page title.")
    var title = "BET-seq binding report"

    @OptionGroup var threads: ThreadOptions

    @Option(help: "Output HTML file.")
    var out: String

    @Option(help: "JSON summary (default: the output path with .json instead of .html; none when --out is -).")
    var json: String?

    func validate() throws {
        let inputs = [("--ddg", ddg)] + models.map { ("--model", $0) }
            + [("--counts", counts), ("--truth", truth), ("--sweep", sweep)].compactMap { o, p in p.map { (o, $0) } }
        let outputs = [("--out", out)] + ((json ?? reportJSONPath(forHTML: out)).map { [("--json", $0)] } ?? [])
        try usageCheck { try checkDistinctOutputs(outputs, inputs: inputs) }
    }

    func run() throws {
        var inputs = BindingReportInputs(ddg: ddg, counts: counts, models: models, truth: try truth.map(TruthTable.read), sweep: sweep)
        inputs.title = title
        inputs.threads = threads.threads
        let jsonPath = json ?? reportJSONPath(forHTML: out)
        try writeBindingReport(inputs, html: out, json: jsonPath) { printErr($0) }
        printErr("wrote " + [out == "-" ? "the page to standard output" : out, jsonPath].compactMap { $0 }.joined(separator: " and "))
    }
}
