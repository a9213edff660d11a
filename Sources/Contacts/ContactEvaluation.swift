import Foundation
import IO
import Learn

/// A model scored on structures, beside the sequence-separation baseline (`eval.tsv`).
public struct ContactEvaluation: Sendable {
    public var structures: Int
    public var model: ScoredChannels
    public var baseline: ScoredChannels

    public init(network: ContactNetwork, examples: [ContactExample]) {
        structures = examples.count
        model = scoreChannels(examples) { network.predict($0) }
        baseline = scoreChannels(examples, scores: separationScores)
    }

    /// Scores a network on listed structures, prepared through `cache` and predicted on `threads`
    /// (pairs of residues with missing atoms count fully).
    public static func evaluate(_ network: ContactNetwork, structures paths: [String], cache: ContactExampleCache?,
                                threads: Int) throws -> ContactEvaluation {
        let examples = try ContactExample.load(paths, config: network.config, withTargets: true, missingWeight: 1,
                                               cache: cache, threads: threads).examples
        NumericEnvironment.setThreads(threads)
        return ContactEvaluation(network: network, examples: examples)
    }

    public var modelMeanAUPRC: Double { meanAUPRC(model.metrics) }
    public var baselineMeanAUPRC: Double { meanAUPRC(baseline.metrics) }

    /// `channel positives pairs auroc auprc prevalence separation_auroc separation_auprc
    /// top_l5_long separation_top_l5_long`, NA where a channel has no positives (or no structure
    /// has long-range pairs).
    public func write(path: String) throws {
        let text = try TextWriter(path: path)
        try text.write("channel\tpositives\tpairs\tauroc\tauprc\tprevalence\tseparation_auroc\tseparation_auprc\ttop_l5_long\tseparation_top_l5_long\n")
        for ch in ContactChannel.allCases {
            let m = model.metrics[ch.rawValue], b = baseline.metrics[ch.rawValue]
            let values = [m.auroc, m.auprc, Double(m.positives) / Double(max(1, m.count)), b.auroc, b.auprc,
                          model.longRangePrecision[ch.rawValue], baseline.longRangePrecision[ch.rawValue]]
            try text.write("\(ch.code)\t\(m.positives)\t\(m.count)\t"
                           + values.map { $0.isFinite ? String(format: "%.4f", $0) : "NA" }.joined(separator: "\t") + "\n")
        }
        try text.finish()
    }
}
