import ArgumentParser
import Contacts
import Foundation
import IO
import Report

struct ContactsEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a contact model on structures: AUROC, AUPRC and positives per channel.",
        discussion: """
            Targets come from 'betseq contacts map' (static mode); residue pairs are pooled over the \
            structures. Beside the model's figures, eval.tsv gives those of a baseline that ranks pairs \
            by sequence separation alone, and for both the precision of the top L/5 long-range pairs \
            (same chain, |i − j| ≥ 24; mean over structures). --svg draws precision–recall curves per \
            channel. Without --model the shipped model is scored.
            """)

    @Argument(help: ArgumentHelp("List file of structures.", valueName: "list"))
    var inputs: [String]

    @Option(help: "Model from 'betseq contacts train' (default: the shipped model).")
    var model: String?

    @OptionGroup var cache: ExampleCacheOptions

    @OptionGroup var threads: ThreadOptions

    @Option(help: "Output TSV.")
    var out: String

    @Option(help: "SVG with precision–recall curves.")
    var svg: String?

    func validate() throws {
        let (model, list) = try modelAndInput(inputs, model: model, input: "LIST")
        try usageCheck {
            try checkDistinctOutputs([("--out", out)] + (svg.map { [("--svg", $0)] } ?? []),
                                     inputs: [("the list", list)] + (model.map { [("the model", $0)] } ?? []))
        }
    }

    func run() throws {
        let (model, list) = try modelAndInput(inputs, model: model, input: "LIST")
        let network = try ContactNetwork.load(path: model ?? ContactNetwork.defaultModelPath())
        let paths = try StructureList.read(path: list)
        try checkDistinctOutputs([("--out", out)] + (svg.map { [("--svg", $0)] } ?? []), inputs: paths.map { ("a listed structure", $0) })
        let evaluation = try ContactEvaluation.evaluate(network, structures: paths, cache: try cache.resolved(), threads: threads.threads)
        try evaluation.write(path: out)
        if let svg {
            let title = "\(model.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ContactNetwork.defaultModelName) on \(evaluation.structures) structures"
            try writeFile(precisionRecallChart(evaluation, title: title).utf8, path: svg)
        }
        printErr(String(format: "%d structures; mean AUPRC %.4f (sequence-separation baseline %.4f); wrote %@",
                        evaluation.structures, evaluation.modelMeanAUPRC, evaluation.baselineMeanAUPRC, out))
    }
}
