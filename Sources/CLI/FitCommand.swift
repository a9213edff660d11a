import ArgumentParser

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit ΔΔG models to a table of sequences.",
        subcommands: [FitLinear.self, FitNN.self])
}
