import Affinity
import ArgumentParser
import Foundation
import IO
import Sequence
import Simulate

struct FitLinear: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linear",
        abstract: "Fit a mononucleotide, nearest-neighbour or all-dinucleotide linear model.",
        discussion: """
            ΔΔG(s) = intercept + Σ_i β_i(s_i) [+ Σ_(i,j) β_ij(s_i, s_j)] over the design's variable \
            positions. --features mono: positions only; nn: plus pairs adjacent in the molecule \
            (variable bases separated by constant ones, like N5 and N6 around CACGTG, are not \
            neighbours); di: plus every pair. Weighted least squares with weights 1/se² from the \
            table's se column (as 'betseq ddg' writes it), or unweighted; exact normal equations, \
            Cholesky, with a minimum-norm fallback that names the dependent features.

            Coefficients are reported in reference coding (the reference base has 0 at every \
            position; pair tables are 0 on its row and column) or sum-to-zero coding; predictions \
            do not depend on the choice. Metrics (R², Pearson r², RMSE) on held-out rows, and \
            against --truth (\(TruthTable.Column.ddg)) on the held-out rows and the whole library.

            The model JSON is a betseq energy model (readable by 'betseq predict' and 'betseq \
            simulate --landscape') with a linear_model object: features, coding, parameters, \
            metrics and provenance.
            """)

    @Argument(help: "TSV with a 'sequence' column and the target (e.g. from 'betseq ddg').")
    var table: String

    @Option(help: "mono, nn or di.")
    var features = FeatureSet.mono

    @Option(help: "Target column (default: \(DDGTable.Column.ddg), else \(TruthTable.Column.ddg)).")
    var target: String?

    @Option(help: "Bound count column: fit straight from a count table (with --reference).")
    var bound: String?

    @Option(help: "Reference (input or unbound) count column, with --bound.")
    var reference: String?

    @Option(help: "RT in kcal/mol when computing ΔΔG from counts.")
    var rt = defaultRT

    @Option(help: "Standard-error column for weights 1/se² (default: 'se' when the table has it; a column named here must exist).")
    var seColumn: String?

    @Flag(help: "Ordinary least squares (every row weight 1).")
    var unweighted = false

    @Option(help: "Ridge penalty λ on the coefficients (not the intercept).")
    var ridge = 0.0

    @Option(help: "reference or sum-to-zero.")
    var coding = CodingChoice.reference

    @Option(help: "Reference base for reference coding.")
    var referenceBase = Base.A

    @Option(help: "Train,validation,test fractions of the rows (test takes the rest). (default: 0.8,0.1,0.1)")
    var split: String?

    @Option(help: "k-fold cross-validation instead of --split (the saved model uses every row).")
    var folds: Int?

    @Option(help: "Seed of the row split.")
    var seed: UInt64 = 0

    @Option(help: "truth.tsv from 'betseq simulate' (sequence, \(TruthTable.Column.ddg)) to score against.")
    var truth: String?

    @Option(help: "Design template (its variable bases and their neighbours).")
    var design: String = DesignTemplate.betseqTemplate

    @Option(help: "Output model JSON.")
    var out: String

    @Option(help: "Also write the mononucleotide main effects as an energy-matrix TSV.")
    var energyMatrix: String?

    @Option(help: "Also write the mononucleotide main effects as a MEME motif.")
    var meme: String?

    func validate() throws {
        try usageCheck {
            try checkDistinctOutputs([("--out", out)] + [("--energy-matrix", energyMatrix), ("--meme", meme)].compactMap { o, p in p.map { (o, $0) } },
                                     inputs: [("the table", table)] + (truth.map { [("--truth", $0)] } ?? []))
        }
        if (bound == nil) != (reference == nil) { throw ValidationError("give both --bound and --reference") }
        if let folds, folds < 2 { throw ValidationError("--folds must be at least 2") }
        guard ridge.isFinite, ridge >= 0 else { throw ValidationError("--ridge must be a finite number ≥ 0") }
        _ = try splitPlan()
    }

    func splitPlan() throws -> SplitPlan {
        if let folds {
            guard split == nil else { throw ValidationError("give --folds or --split, not both") }
            return .folds(folds)
        }
        let parts = (split ?? "0.8,0.1,0.1").split(separator: ",").compactMap { Double($0) }
        guard parts.count == 3, parts.allSatisfy({ $0.isFinite && $0 >= 0 }), abs(parts.reduce(0, +) - 1) < 1e-9 else {
            throw ValidationError("--split needs three fractions ≥ 0 summing to 1, e.g. 0.8,0.1,0.1")
        }
        return parts[0] == 1 ? .none : .holdout(train: parts[0], validation: parts[1])
    }

    func run() throws {
        var request = LinearFitRequest(table: table)
        request.features = features
        request.targets = target.map { [$0] } ?? [DDGTable.Column.ddg, TruthTable.Column.ddg]
        if let bound, let reference { request.counts = (bound, reference) }
        request.rt = rt
        request.seColumn = seColumn
        request.weighted = !unweighted
        request.options.ridge = ridge
        request.options.coding = coding == .sumToZero ? .sumToZero : .reference(base: referenceBase.code)
        request.split = try splitPlan()
        request.seed = seed
        request.truth = try truth.map(TruthTable.read)
        request.design = try DesignTemplate(design)
        request.betseqVersion = BETSeq.version
        request.command = CommandLine.arguments.joined(separator: " ")
        let outcome = try fitLinearModel(request)
        for note in outcome.notes { printErr("note: " + note) }
        try outcome.file.write(path: out)
        if let energyMatrix { try writeEnergyMatrix(outcome.file.model, path: energyMatrix) }
        if let meme { try writeMEME(outcome.file.model, path: meme, name: "betseq_\(features.rawValue)") }

        let fit = outcome.analysis.fit
        printErr("\(features.rawValue): \(outcome.layout.parameterCount) parameters, \(fit.coding.name), \(outcome.weighting), \(outcome.analysis.split); solver \(fit.solver); fit \(String(format: "%.3f", fit.seconds)) s (\(String(format: "%.3f", outcome.analysis.fitSeconds)) s with held-out scoring)")
        if outcome.dropped > 0 { printErr("dropped \(outcome.dropped) rows with a zero count, or a non-finite target or weight") }
        for group in fit.dependent {
            printErr("betseq: warning: the data cannot separate these features: \(group.joined(separator: ", "))")
        }
        printErr("set                       rows        R²  Pearson r²      RMSE")
        for (name, m) in outcome.analysis.metrics {
            let label = name.padding(toLength: 22, withPad: " ", startingAt: 0)
            printErr(label + String(format: "%9d %9.4f %11.4f %9.4f", m.rows, m.r2, m.pearsonR2, m.rmse))
        }
    }
}
