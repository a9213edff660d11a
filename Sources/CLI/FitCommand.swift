import Affinity
import ArgumentParser
import Foundation
import Learn
import IO
import Sequence

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit ΔΔG models to a table of sequences.",
        subcommands: [FitLinear.self, FitNN.self])
}

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
            against --truth (ddg_true) on the held-out rows and the whole library.

            The model JSON is a betseq energy model (readable by 'betseq predict' and 'betseq \
            simulate --landscape') with a linear_model object: features, coding, parameters, \
            metrics and provenance.
            """)

    @Argument(help: "TSV with a 'sequence' column and the target (e.g. from 'betseq ddg').")
    var table: String

    @Option(help: "mono, nn or di.")
    var features: String = "mono"

    @Option(help: "Target column (default: ddg, else ddg_true).")
    var target: String?

    @Option(help: "Bound count column: fit straight from a count table (with --reference).")
    var bound: String?

    @Option(help: "Reference (input or unbound) count column, with --bound.")
    var reference: String?

    @Option(help: "RT in kcal/mol when computing ΔΔG from counts.")
    var rt = 0.593

    @Option(help: "Standard-error column for weights 1/se² (used when present).")
    var seColumn: String = "se"

    @Flag(help: "Ordinary least squares (every row weight 1).")
    var unweighted = false

    @Option(help: "Ridge penalty λ on the coefficients (not the intercept).")
    var ridge = 0.0

    @Option(help: "reference or sum-to-zero.")
    var coding: String = "reference"

    @Option(help: "Reference base for reference coding.")
    var referenceBase: String = "A"

    @Option(help: "Train,validation,test fractions of the rows (test takes the rest).")
    var split: String = "0.8,0.1,0.1"

    @Option(help: "k-fold cross-validation instead of --split (the saved model uses every row).")
    var folds: Int?

    @Option(help: "Seed of the row split.")
    var seed: UInt64 = 0

    @Option(help: "truth.tsv from 'betseq simulate' (sequence, ddg_true) to score against.")
    var truth: String?

    @Option(help: "Design template (its variable bases and their neighbours).")
    var design: String = DesignTemplate.betseqTemplate

    @Option(help: "Output model JSON.")
    var out: String

    @Option(help: "Also write the mononucleotide main effects as an energy-matrix TSV.")
    var energyMatrix: String?

    @Option(help: "Also write the mononucleotide main effects as a MEME motif.")
    var meme: String?

    func run() throws {
        let template = try DesignTemplate(design)
        guard let set = FeatureSet(rawValue: features) else {
            throw ValidationError("--features must be mono, nn or di")
        }
        var options = LinearFitOptions()
        options.ridge = ridge
        switch coding {
        case "reference":
            guard let b = ["A", "C", "G", "T"].firstIndex(of: referenceBase.uppercased()) else {
                throw ValidationError("--reference-base must be A, C, G or T")
            }
            options.coding = .reference(base: b)
        case "sum-to-zero": options.coding = .sumToZero
        default: throw ValidationError("--coding must be 'reference' or 'sum-to-zero'")
        }
        let plan: SplitPlan
        if let folds {
            plan = .folds(folds)
        } else {
            let parts = split.split(separator: ",").compactMap { Double($0) }
            guard parts.count == 3, abs(parts.reduce(0, +) - 1) < 1e-9 else {
                throw ValidationError("--split needs three fractions summing to 1, e.g. 0.8,0.1,0.1")
            }
            plan = parts[0] == 1 ? .none : .holdout(train: parts[0], validation: parts[1])
        }

        var keys: [UInt64] = [], targets: [Double] = [], weights: [Double] = []
        var dropped = 0
        let targetName: String
        let weighting: String
        if bound != nil || reference != nil {
            guard let bound, let reference else { throw ValidationError("give both --bound and --reference") }
            // ΔΔG and its inverse variance straight from counts, as 'betseq ddg' computes them.
            let data = try SequenceTable.read(path: table, required: [bound, reference])
            try checkLength(data.length, template, file: table)
            let b = data.column(bound) ?? [], u = data.column(reference) ?? []
            for (i, y) in ddgFromCounts(bound: b, reference: u, rt: rt).enumerated() {
                guard y.isFinite else { dropped += 1; continue }
                keys.append(data.keys[i])
                targets.append(y)
                weights.append(unweighted ? 1 : 1 / (rt * rt * (1 / b[i] + 1 / u[i])))
            }
            let mean = targets.reduce(0, +) / Double(max(1, targets.count))
            for i in targets.indices { targets[i] -= mean }
            targetName = "ΔΔG from \(bound)/\(reference)"
            weighting = unweighted ? "unweighted" : "1/var = 1/(RT²(1/B + 1/U))"
        } else {
            let rows = try TargetRows.read(path: table, target: target, seColumn: seColumn, weighted: !unweighted)
            try checkLength(rows.length, template, file: table)
            keys = rows.keys
            targets = rows.targets
            weights = rows.weights ?? [Double](repeating: 1, count: rows.keys.count)
            dropped = rows.dropped
            targetName = rows.targetName
            weighting = rows.weights == nil ? "unweighted" : "1/\(seColumn)²"
            if rows.weights == nil && !unweighted { printErr("note: no '\(seColumn)' column; fitting unweighted") }
        }

        var truthLandscape: [Double]?
        if let truth {
            guard template.variableLength <= 12 else {
                throw BETSeqError(.invalidOption, file: truth, "--truth needs a design of at most 12 variable bases (a full landscape)")
            }
            let t = try SequenceTable.read(path: truth, required: ["ddg_true"])
            guard t.length == template.variableLength else {
                throw BETSeqError(.malformedTable, file: truth, "truth sequences have \(t.length) bases, not \(template.variableLength)")
            }
            var land = [Double](repeating: .nan, count: 1 << (2 * t.length))
            let values = t.column("ddg_true") ?? []
            for (k, v) in zip(t.keys, values) { land[Int(k)] = v }
            truthLandscape = land
        }

        let layout = FeatureLayout(set: set, design: template)
        let analysis = try analyzeLinear(keys: keys, target: targets, weights: weights, layout: layout,
                                         options: options, split: plan, seed: seed, truth: truthLandscape)
        let provenance: [String: Any] = [
            "input": table, "target": targetName, "weighting": weighting, "rows": keys.count,
            "rows_dropped": dropped, "ridge": ridge, "seed": seed, "design": template.template,
            "truth": truth ?? NSNull(), "betseq_version": BETSeq.version,
            "command": CommandLine.arguments.joined(separator: " "),
        ]
        try writeLinearModel(analysis, path: out, provenance: provenance)
        if let energyMatrix { try writeEnergyMatrix(analysis.fit.model, path: energyMatrix) }
        if let meme { try writeMEME(analysis.fit.model, path: meme, name: "betseq_\(set.rawValue)") }

        let fit = analysis.fit
        printErr("\(set.rawValue): \(layout.parameterCount) parameters, \(fit.coding.name), \(weighting), \(analysis.split); solver \(fit.solver); fit \(String(format: "%.3f", fit.seconds)) s (\(String(format: "%.3f", analysis.fitSeconds)) s with held-out scoring)")
        if dropped > 0 { printErr("dropped \(dropped) rows with a zero count, or a non-finite target or weight") }
        for group in fit.dependent {
            printErr("betseq: warning: the data cannot separate these features: \(group.joined(separator: ", "))")
        }
        printErr("set                       rows        R²  Pearson r²      RMSE")
        for (name, m) in analysis.metrics {
            let label = name.padding(toLength: 22, withPad: " ", startingAt: 0)
            printErr(label + String(format: "%9d %9.4f %11.4f %9.4f", m.rows, m.r2, m.pearsonR2, m.rmse))
        }
    }
}

extension Predict {
    /// Neural models predict in batches; --all output is mean-centred over the library.
    func predictNeural() throws {
        let network = try DDGNetwork.load(path: model)
        guard let requested = InferencePrecision(rawValue: precision) else { throw ValidationError("--precision: fp32, bf16 or auto") }
        let precision = network.effectivePrecision(requested)
        if requested == .bfloat16 && precision != .bfloat16 { printErr("bf16 needs AMX (and the published layer layout); using fp32") }
        guard all != (sequences != nil) else { throw ValidationError("give a sequences table or --all (one of them)") }
        let speller = SequenceSpeller(length: network.length)
        let text = try TextWriter(path: out)
        try text.write("sequence\tddg\n")
        if all {
            let clock = Date()
            let predictions = try network.predictAll(threads: threads, precision: precision)
            printErr(String(format: "predicted %d sequences in %.2f s (%@, %d threads)", predictions.count,
                            Date().timeIntervalSince(clock), precision.rawValue, threads))
            for (k, v) in predictions.enumerated() {
                try speller.write(k, to: text); try text.write(byte: 9); try text.write(v, decimals: decimals); try text.write(byte: 10)
            }
        } else if let sequences {
            let table = try SequenceTable.read(path: sequences, required: [])
            guard table.length == network.length else {
                throw BETSeqError(.malformedTable, file: sequences, "sequences have \(table.length) bases; the model has \(network.length)")
            }
            // Centred like --all: subtract the library mean when the library can be enumerated.
            let centre = network.length <= 12 ? network.predict((0..<(UInt64(1) << UInt64(2 * network.length))).map { $0 }, threads: threads, precision: precision).reduce(0, +) / Double(1 << (2 * network.length)) : 0
            for (key, v) in zip(table.keys, network.predict(table.keys, threads: threads, precision: precision)) {
                try speller.write(Int(key), to: text); try text.write(byte: 9); try text.write(v - centre, decimals: decimals); try text.write(byte: 10)
            }
        }
        try text.finish()
    }
}

func checkLength(_ length: Int, _ design: DesignTemplate, file: String) throws {
    guard length > 0 else { throw BETSeqError(.malformedTable, file: file, "no rows to fit") }
    guard length == design.variableLength else {
        throw BETSeqError(.malformedTable, file: file,
                         "sequences have \(length) bases but the design has \(design.variableLength) variable bases (--design)")
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict ΔΔG with a model (energy-model JSON, linear fit or energy matrix).",
        discussion: "Writes TSV 'sequence ddg' for the sequences of a table, or with --all for every sequence of the model's variable region (4^L rows, in key order).")

    @Argument(help: "Model file.")
    var model: String

    @Argument(help: "TSV with a 'sequence' column (omit with --all).")
    var sequences: String?

    @Flag(help: "Predict every sequence of the variable region.")
    var all = false

    @Option(help: "Output TSV ('-' for stdout).")
    var out: String

    @Option(help: "Decimal places of the predictions.")
    var decimals = 6

    @Option(help: "Threads for neural models (each runs its own batches; results do not depend on the count).")
    var threads = 2

    @Option(help: "Neural models: fp32, bf16 (AMX tiles, bfloat16 weights and activations with float32 sums) or auto (bf16 where the CPU has AMX).")
    var precision = "auto"

    func run() throws {
        if let data = FileManager.default.contents(atPath: model), DDGNetwork.isNeuralModel(data) {
            return try predictNeural()
        }
        let energy = try EnergyModel.read(path: model)
        guard energy.length <= 16 else {
            throw BETSeqError(.invalidOption, file: model, "predict handles models of up to 16 positions, not \(energy.length)")
        }
        guard all != (sequences != nil) else { throw ValidationError("give a sequences table or --all (one of them)") }
        let speller = SequenceSpeller(length: energy.length)
        let text = try TextWriter(path: out)
        try text.write("sequence\tddg\n")
        if all {
            let landscape = try energy.landscape()
            for (k, v) in landscape.enumerated() {
                try speller.write(k, to: text)
                try text.write(byte: 9)
                try text.write(v, decimals: decimals)
                try text.write(byte: 10)
            }
        } else if let sequences {
            let table = try SequenceTable.read(path: sequences, required: [])
            guard table.length == energy.length else {
                throw BETSeqError(.malformedTable, file: sequences, "sequences have \(table.length) bases; the model has \(energy.length)")
            }
            let landscape = energy.length <= 12 ? try energy.landscape() : nil
            var codes = [UInt8](repeating: 0, count: energy.length)
            for key in table.keys {
                let v: Double
                if let landscape {
                    v = landscape[Int(key)]
                } else {
                    for p in 0..<energy.length { codes[p] = UInt8((key >> UInt64(2 * (energy.length - 1 - p))) & 3) }
                    v = energy.energy(codes: codes)
                }
                try speller.write(Int(key), to: text)
                try text.write(byte: 9)
                try text.write(v, decimals: decimals)
                try text.write(byte: 10)
            }
        }
        try text.finish()
    }
}
