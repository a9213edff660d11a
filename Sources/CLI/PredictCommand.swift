import Affinity
import ArgumentParser
import Foundation
import IO
import Sequence

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict ΔΔG with a model (energy-model JSON, linear fit, energy matrix or neural network).",
        discussion: """
            Writes TSV 'sequence ddg' for the sequences of a table, or with --all for every sequence \
            of the model's variable region (4^L rows, in key order). Energy models give their own \
            ΔΔG; a network's ΔΔG is mean-centred over the library (its zero is arbitrary).
            """)

    @Argument(help: "Model file.")
    var model: String

    @Argument(help: "TSV with a 'sequence' column (omit with --all).")
    var sequences: String?

    @Flag(help: "Predict every sequence of the variable region.")
    var all = false

    @Option(help: "Output TSV ('-' for stdout).")
    var out: String

    @Option(help: "Decimal places of the predictions (0 to 9).")
    var decimals = 6

    @OptionGroup var threads: ThreadOptions

    @Option(help: "Neural models: fp32, bf16 (AMX tiles, bfloat16 weights and activations with float32 sums) or auto (bf16 where the CPU has AMX).")
    var precision = InferencePrecision.automatic

    func validate() throws {
        guard all != (sequences != nil) else { throw ValidationError("give a sequences table or --all (one of them)") }
        guard (0...9).contains(decimals) else { throw ValidationError("--decimals must be 0 to 9") }
        try usageCheck { try checkDistinctOutputs([("--out", out)], inputs: [("the model", model)] + (sequences.map { [("the sequences", $0)] } ?? [])) }
    }

    func run() throws {
        let clock = Date()
        let (table, used) = try predictSequences(modelPath: model, sequences: all ? nil : sequences,
                                                 options: PredictionOptions(threads: threads.threads, precision: precision))
        if precision == .bfloat16 && used == nil { printErr("warning: --precision applies to neural networks; \(model) is not one") }
        if precision == .bfloat16 && used == .float32 { printErr("bf16 needs AMX (and the published layer layout); using fp32") }
        printErr(String(format: "predicted %d sequences in %.2f s (%@)", table.ddg.count, Date().timeIntervalSince(clock),
                        used.map { "\($0.rawValue), \(threads.threads) threads" } ?? "not a network"))
        try table.write(path: out, decimals: decimals)
    }
}
