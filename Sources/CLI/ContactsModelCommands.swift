import ArgumentParser
import Contacts
import Foundation
import Report
import IO
import Sequence

/// Structure paths from a list file: one per line, '#' comments and blank lines skipped, relative
/// paths taken relative to the list's folder.
func structureList(_ path: String) throws -> [String] {
    let text = String(decoding: try readAllBytes(path: path), as: UTF8.self)
    let folder = (path as NSString).deletingLastPathComponent
    let entries = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    guard !entries.isEmpty else { throw BETSeqError(.malformedTable, file: path, "no structures listed") }
    return entries.map { $0.hasPrefix("/") || folder.isEmpty ? $0 : (folder as NSString).appendingPathComponent($0) }
}

func loadExamples(_ paths: [String], config: ContactNetworkConfig, withTargets: Bool, missingWeight: Float) throws -> [ContactExample] {
    try paths.map { path in
        let s = try Structure.read(path: path)
        return try ContactExample(structure: s, name: URL(fileURLWithPath: path).lastPathComponent, vocabulary: config.vocabulary,
                                  anchorSets: config.variant == .pgnn ? config.anchorSets : 0, withTargets: withTargets,
                                  missingWeight: missingWeight)
    }
}

struct ContactsTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the atom-level graph network that predicts 8-channel contact maps from covalent graphs.",
        discussion: """
            Inputs are heavy-atom covalent graphs (no coordinates reach the network); targets are the \
            static-mode maps of 'betseq contacts map'. One structure per Adam step; after each \
            evaluation the model with the best validation mean AUPRC is kept and written to --out \
            (a checkpoint, so an interrupted run leaves its best model). Pairs involving residues with \
            atoms missing from the file are weighted by --missing-weight.
            """)

    @Option(help: "Training structures: a list file, one path per line.")
    var train: String

    @Option(help: "Validation structures (list file) for model selection and early stopping.")
    var valid: String?

    @Option(help: "Output model.")
    var out: String

    @Option(help: "gat (graph attention) or pgnn (position-aware, anchor-set distances).")
    var variant = "gat"

    @Option(help: "Atom tokens: element or element+name.")
    var features = "element"

    @Option(help: "Graph layers.")
    var layers = 5

    @Option(help: "Attention heads (per-head width: --hidden).")
    var heads = 4

    @Option(help: "Per-head width.")
    var hidden = 32

    @Option(help: "Loss: weighted (positive classes weighted by sqrt(neg/pos), capped at 100), bce or focal.")
    var loss = "weighted"

    @Option(help: "Maximum epochs (one epoch = one step per training structure).")
    var maxEpochs = 200

    @Option(help: "Stop after the epoch that passes this many seconds.")
    var timeBudget: Double?

    @Option(help: "Evaluate every N epochs.")
    var evalEvery = 1

    @Option(help: "Evaluations without improvement before stopping.")
    var patience = 10

    @Option(help: "Adam learning rate.")
    var lr = 1e-3

    @Option(help: "Weight of pairs whose residues miss template atoms.")
    var missingWeight: Float = 0.1

    @Option(help: "Batch norm at prediction: graph (each structure's statistics) or running.")
    var batchNorm = "graph"

    @Option(help: "Random seed (initialisation, order of structures).")
    var seed: UInt64 = 0

    @Option(help: "Threads.")
    var threads = 2

    func run() throws {
        var config = ContactNetworkConfig()
        guard let v = ContactNetworkConfig.Variant(rawValue: variant) else { throw ValidationError("--variant: gat or pgnn") }
        guard let vocabulary = AtomVocabulary(rawValue: features) else { throw ValidationError("--features: element or element+name") }
        guard let lossKind = ContactTrainingOptions.LossKind(rawValue: loss) else { throw ValidationError("--loss: weighted, bce or focal") }
        guard layers >= 1, heads >= 1, hidden >= 1, maxEpochs >= 1, evalEvery >= 1, patience >= 1 else {
            throw ValidationError("--layers, --heads, --hidden, --max-epochs, --eval-every and --patience must be at least 1")
        }
        config.variant = v; config.vocabulary = vocabulary; config.layers = layers; config.heads = heads; config.hidden = hidden
        config.graphStatistics = batchNorm != "running"
        var options = ContactTrainingOptions()
        options.maxEpochs = maxEpochs; options.timeBudget = timeBudget; options.seed = seed; options.learningRate = lr
        options.patience = patience; options.evaluateEvery = evalEvery; options.loss = lossKind; options.threads = threads
        let clock = Date()
        let trainPaths = try structureList(train), validPaths = try valid.map(structureList) ?? []
        let trainSet = try loadExamples(trainPaths, config: config, withTargets: true, missingWeight: missingWeight)
        let validSet = try loadExamples(validPaths, config: config, withTargets: true, missingWeight: missingWeight)
        let atoms = trainSet.reduce(0) { $0 + $1.tokens.count }, pairs = trainSet.reduce(0) { $0 + $1.pairCount }
        printErr(String(format: "contacts train: %d training structures (%d atoms, %d pairs), %d validation; prepared in %.1f s",
                        trainSet.count, atoms, pairs, validSet.count, Date().timeIntervalSince(clock)))
        let network = ContactNetwork(config: config, seed: seed)
        printErr("\(variant), \(layers) layers × \(heads) heads × \(hidden), \(network.parameterCount) parameters, loss \(loss)")
        var bestSoFar = -Double.infinity
        func metadata(_ history: [ContactEpoch], bestEpoch: Int, stop: String) -> [String: Any] {
            ["history": history.map { e -> [String: Any] in
                var r: [String: Any] = ["epoch": e.epoch, "train_loss": e.trainLoss, "seconds": e.seconds]
                if let v = e.validationAUPRC { r["valid_mean_auprc"] = v.isFinite ? v : NSNull() }
                if let t = e.trainAUPRC { r["train_mean_auprc"] = t.isFinite ? t : NSNull() }
                return r
            }, "best_epoch": bestEpoch, "stop_reason": stop, "train": trainPaths, "valid": validPaths, "loss": loss,
             "seed": seed, "provenance": ["betseq_version": BETSeq.version, "command": CommandLine.arguments.joined(separator: " ")]]
        }
        var seen: [ContactEpoch] = []
        let result = try trainContactNetwork(network, train: trainSet, valid: validSet, options: options, log: printErr) { net, record in
            seen.append(record)
            let score = record.validationAUPRC ?? record.trainAUPRC ?? .nan
            if score.isFinite && score > bestSoFar {
                bestSoFar = score
                try net.save(path: out, metadata: metadata(seen, bestEpoch: record.epoch, stop: "checkpoint"))
            }
        }
        let final = ContactNetwork(config: config, seed: seed)
        _ = final.restore(result.best)
        try final.save(path: out, metadata: metadata(result.history, bestEpoch: result.bestEpoch, stop: result.stopReason))
        let total = result.history.reduce(0) { $0 + $1.seconds }
        printErr(String(format: "best epoch %d of %d (%@); %.1f s training, %.1f ms per epoch; wrote %@", result.bestEpoch,
                        result.history.count, result.stopReason, total, 1000 * total / Double(max(1, result.history.count)), out))
    }
}

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

    func run() throws {
        let network = try ContactNetwork.load(path: model)
        let s = try Structure.read(path: structure)
        let ex = try ContactExample(structure: s, name: structure, vocabulary: network.config.vocabulary,
                                    anchorSets: network.config.variant == .pgnn ? network.config.anchorSets : 0, withTargets: false)
        let p = network.predict(ex)
        let text = try TextWriter(path: out)
        try text.write("res1\tres2\t" + ContactChannel.allCases.map(\.code).joined(separator: "\t") + "\n")
        for q in 0..<ex.pairCount {
            try text.write(ex.residueLabels[Int(ex.pairFirst[q])] + "\t" + ex.residueLabels[Int(ex.pairSecond[q])])
            for c in 0..<8 { try text.write(byte: 9); try text.write(Double(p[q * 8 + c]), decimals: decimals) }
            try text.write(byte: 10)
        }
        try text.finish()
        if let svg {
            let panels = ContactChannel.allCases.map { ch in
                (ch.code, (0..<ex.pairCount).map { q in (Int(ex.pairFirst[q]), Int(ex.pairSecond[q]), Double(p[q * 8 + ch.rawValue])) })
            }
            try writeFile(probabilityMapPanels(title: URL(fileURLWithPath: structure).lastPathComponent, labels: ex.residueLabels, panels: panels).utf8, path: svg)
        }
        printErr("\(ex.residueLabels.count) residues, \(ex.tokens.count) atoms, \(ex.pairCount) pairs; wrote \(out)")
    }
}

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

    func run() throws {
        let network = try ContactNetwork.load(path: model)
        let examples = try loadExamples(try structureList(list), config: network.config, withTargets: true, missingWeight: 1)
        let metrics = channelMetrics(examples) { network.predict($0) }
        let baseline = channelMetrics(examples, scores: separationScores)
        let text = try TextWriter(path: out)
        try text.write("channel\tpositives\tpairs\tauroc\tauprc\tprevalence\tseparation_auroc\tseparation_auprc\n")
        for ch in ContactChannel.allCases {
            let m = metrics[ch.rawValue], b = baseline[ch.rawValue]
            let values = [m.auroc, m.auprc, Double(m.positives) / Double(max(1, m.pairs)), b.auroc, b.auprc]
            try text.write("\(ch.code)\t\(m.positives)\t\(m.pairs)\t"
                           + values.map { $0.isFinite ? String(format: "%.4f", $0) : "NA" }.joined(separator: "\t") + "\n")
        }
        try text.finish()
        if let svg {
            let curves = ContactChannel.allCases.map { ch in (ch.code, metrics[ch.rawValue].curve.map { ($0.recall, $0.precision) },
                                                              baseline[ch.rawValue].curve.map { ($0.recall, $0.precision) }) }
            try writeFile(precisionRecallPanels(title: "\(URL(fileURLWithPath: model).lastPathComponent) on \(examples.count) structures", curves: curves).utf8, path: svg)
        }
        printErr(String(format: "%d structures; mean AUPRC %.4f (sequence-separation baseline %.4f); wrote %@",
                        examples.count, meanAUPRC(metrics), meanAUPRC(baseline), out))
    }
}
