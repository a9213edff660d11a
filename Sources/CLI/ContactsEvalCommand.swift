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
            by sequence separation alone. --svg draws precision–recall curves per channel.
            """)

    @Argument(help: "Model from 'betseq contacts train'.")
    var model: String

    @Argument(help: "List file of structures.")
    var list: String

    @Option(help: "Output TSV.")
    var out: String

    @Option(help: "SVG with precision–recall curves.")
    var svg: String?

    func validate() throws {
        try usageCheck { try checkDistinctOutputs([("--out", out)] + (svg.map { [("--svg", $0)] } ?? []), inputs: [("the model", model), ("the list", list)]) }
    }

    func run() throws {
        let network = try ContactNetwork.load(path: model)
        let examples = try ContactExample.load(try StructureList.read(path: list), config: network.config, withTargets: true, missingWeight: 1)
        let evaluation = ContactEvaluation(network: network, examples: examples)
        try evaluation.write(path: out)
        if let svg {
            let title = "\(URL(fileURLWithPath: model).lastPathComponent) on \(examples.count) structures"
            try writeFile(precisionRecallChart(evaluation, title: title).utf8, path: svg)
        }
        printErr(String(format: "%d structures; mean AUPRC %.4f (sequence-separation baseline %.4f); wrote %@",
                        examples.count, evaluation.modelMeanAUPRC, evaluation.baselineMeanAUPRC, out))
    }
}
