import ArgumentParser
import Contacts
import Foundation
import IO
import Report

struct ContactsPredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the 8-channel contact map of a structure from its covalent graph.",
        discussion: "pred.tsv has every residue pair res1 < res2 (file order) with the probability of each channel: res1 res2 hp hb vdw wb sb ps pc ts.")

    @Argument(help: "Model from 'betseq contacts train'.")
    var model: String

    @Argument(help: "Structure file (PDB or mmCIF, plain or gzip).")
    var structure: String

    @Option(help: "Output TSV ('-' for stdout).")
    var out: String

    @Option(help: "SVG: predicted probabilities per channel.")
    var svg: String?

    @Option(help: "Decimal places.")
    var decimals = 4

    func validate() throws {
        guard (0...9).contains(decimals) else { throw ValidationError("--decimals must be 0 to 9") }
        try usageCheck { try checkDistinctOutputs([("--out", out)] + (svg.map { [("--svg", $0)] } ?? []), inputs: [("the model", model), ("the structure", structure)]) }
    }

    func run() throws {
        let network = try ContactNetwork.load(path: model)
        let predictions = try ContactPredictions.predict(network: network, structure: structure)
        try predictions.write(path: out, decimals: decimals)
        if let svg {
            try writeFile(predictedMapChart(predictions, title: URL(fileURLWithPath: structure).lastPathComponent).utf8, path: svg)
        }
        printErr("\(predictions.residueLabels.count) residues, \(predictions.atoms) atoms, \(predictions.pairCount) pairs; wrote \(out)")
    }
}
