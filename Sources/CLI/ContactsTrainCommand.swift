import ArgumentParser
import Contacts
import Foundation
import IO
import Report

struct ContactsTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the atom-level graph network that predicts 8-channel contact maps from covalent graphs.",
        discussion: """
            Inputs are heavy-atom covalent graphs (no coordinates reach the network); targets are the \
            static-mode maps of 'betseq contacts map'. Residues see their chain through dilated \
            convolutions (--chain-layers), and each channel's logit starts from a learned offset per \
            sequence-separation bin. Each Adam step averages --batch structures, shared out over the \
            threads; each structure contributes every contact pair, every same-chain pair up to \
            --local-separation apart and a --negative-fraction sample of the rest (weighted by its \
            inverse). After each evaluation the model with the best validation mean AUPRC is kept and \
            written to --out (a checkpoint, so an interrupted run leaves its best model). Pairs \
            involving residues with atoms missing from the file are weighted by --missing-weight. \
            Prepared structures are cached (see --cache and 'betseq contacts prepare'), so a second \
            run starts at once.
            """)

    @Option(help: "Training structures: a list file, one path per line.")
    var train: String

    @Option(help: "Validation structures (list file) for model selection and early stopping.")
    var valid: String?

    @Option(help: "Output model.")
    var out: String

    @Option(help: "gat (graph attention) or pgnn (position-aware, anchor-set distances).")
    var variant = ContactNetworkConfig.Variant.gat

    @Option(help: "Atom tokens: element or element+name.")
    var features = AtomVocabulary.element

    @Option(help: "Graph layers.")
    var layers = 5

    @Option(help: "Attention heads (per-head width: --hidden).")
    var heads = 4

    @Option(help: "Per-head width.")
    var hidden = 32

    @Option(help: "Dilated convolutions along each chain (dilations 1, 2, 4, …; 5 see ±31 residues).")
    var chainLayers = 5

    @Option(help: "Structures per Adam step.")
    var batch = 4

    @Option(help: "Fraction of distant non-contact pairs sampled per step (1: every pair).")
    var negativeFraction = 0.1

    @Option(help: "Same-chain pairs up to this separation are always trained on.")
    var localSeparation = 8

    @OptionGroup var cache: ExampleCacheOptions

    @Option(help: "Loss: weighted (positive classes weighted by sqrt(neg/pos), capped at 100), bce or focal.")
    var loss = ContactTrainingOptions.LossKind.weighted

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
    var batchNorm = BatchNormStatistics.graph

    @Option(help: "Random seed (initialisation, order of structures).")
    var seed: UInt64 = 0

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard layers >= 1, heads >= 1, hidden >= 1, maxEpochs >= 1, evalEvery >= 1, patience >= 1 else {
            throw ValidationError("--layers, --heads, --hidden, --max-epochs, --eval-every and --patience must be at least 1")
        }
        guard (0...64).contains(chainLayers) else { throw ValidationError("--chain-layers must be 0 to 64") }
        guard (1...1024).contains(batch) else { throw ValidationError("--batch must be 1 to 1024") }
        guard negativeFraction.isFinite, negativeFraction > 0, negativeFraction <= 1 else {
            throw ValidationError("--negative-fraction must be in (0, 1]")
        }
        guard localSeparation >= 0 else { throw ValidationError("--local-separation must be at least 0") }
        try usageCheck { try checkDistinctOutputs([("--out", out)], inputs: [("--train", train)] + (valid.map { [("--valid", $0)] } ?? [])) }
    }

    func run() throws {
        var request = ContactTrainingRequest(train: train, out: out)
        request.valid = valid
        request.config.variant = variant; request.config.vocabulary = features; request.config.layers = layers
        request.config.heads = heads; request.config.hidden = hidden; request.config.graphStatistics = batchNorm == .graph
        request.config.chainLayers = chainLayers
        request.cache = try cache.resolved()
        var options = ContactTrainingOptions()
        options.maxEpochs = maxEpochs; options.timeBudget = timeBudget; options.seed = seed; options.learningRate = lr
        options.patience = patience; options.evaluateEvery = evalEvery; options.loss = loss; options.threads = threads.threads
        options.batchStructures = batch; options.negativeFraction = negativeFraction; options.localSeparation = localSeparation
        request.options = options
        request.missingWeight = missingWeight
        request.betseqVersion = BETSeq.version
        request.command = CommandLine.arguments.joined(separator: " ")
        _ = try trainContactModel(request) { printErr($0) }
    }
}

/// Batch-norm statistics at prediction.
enum BatchNormStatistics: String, ExpressibleByArgument, CaseIterable { case graph, running }
