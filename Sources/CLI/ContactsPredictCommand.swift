import ArgumentParser
import Contacts
import Foundation
import IO
import Report

struct ContactsPredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the 8-channel contact map of a structure from its covalent graph.",
        discussion: """
            pred.tsv has every residue pair res1 < res2 (file order) with the probability of each \
            channel: res1 res2 hp hb vdw wb sb ps pc ts. Without --model the model shipped with betseq \
            is used (trained on 1,000 PDB X-ray entries; see models/README.md).
            """)

    @Argument(help: ArgumentHelp("Structure file (PDB or mmCIF, plain or gzip).", valueName: "structure"))
    var inputs: [String]

    @Option(help: "Model from 'betseq contacts train' (default: the shipped model).")
    var model: String?

    @Option(help: "Output TSV ('-' for stdout).")
    var out: String

    @Option(help: "SVG: predicted probabilities per channel.")
    var svg: String?

    @Option(help: "Decimal places.")
    var decimals = 4

    func validate() throws {
        guard (0...9).contains(decimals) else { throw ValidationError("--decimals must be 0 to 9") }
        let (model, structure) = try modelAndInput(inputs, model: model, input: "STRUCTURE")
        try usageCheck {
            try checkDistinctOutputs([("--out", out)] + (svg.map { [("--svg", $0)] } ?? []),
                                     inputs: [("the structure", structure)] + (model.map { [("the model", $0)] } ?? []))
        }
    }

    func run() throws {
        let (model, structure) = try modelAndInput(inputs, model: model, input: "STRUCTURE")
        let network = try ContactNetwork.load(path: model ?? ContactNetwork.defaultModelPath())
        let predictions = try ContactPredictions.predict(network: network, structure: structure)
        try predictions.write(path: out, decimals: decimals)
        if let svg {
            try writeFile(predictedMapChart(predictions, title: URL(fileURLWithPath: structure).lastPathComponent).utf8, path: svg)
        }
        printErr("\(predictions.residueLabels.count) residues, \(predictions.atoms) atoms, \(predictions.pairCount) pairs; wrote \(out)")
    }
}
