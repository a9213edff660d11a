import Foundation
import Learn

// MARK: Metrics

/// Ranking quality of one channel over residue pairs (`count` is the number of pairs).
public typealias ChannelMetrics = RankingMetrics

/// Per-channel metrics over examples (pairs pooled; pairs with mask 0 left out), for a scorer that
/// gives pairs × 8 scores per example.
public func channelMetrics(_ examples: [ContactExample], scores: (ContactExample) -> [Float]) -> [ChannelMetrics] {
    var perChannel = [[Float]](repeating: [], count: 8), labels = [[Bool]](repeating: [], count: 8)
    for ex in examples where !ex.targets.isEmpty {
        let s = scores(ex)
        for q in 0..<ex.pairCount where ex.mask[q] > 0 {
            for c in 0..<8 {
                perChannel[c].append(s[q * 8 + c])
                labels[c].append(ex.targets[q * 8 + c] > 0.5)
            }
        }
    }
    return (0..<8).map { ChannelMetrics(scores: perChannel[$0], labels: labels[$0]) }
}

/// The baseline that sees only sequence separation: score = −separation feature for every channel.
public func separationScores(_ ex: ContactExample) -> [Float] {
    (0..<ex.pairCount).flatMap { q in [Float](repeating: -ex.pairExtra[q * ContactExample.pairExtraWidth], count: 8) }
}

/// Mean AUPRC over channels that have positives (nan if none do).
public func meanAUPRC(_ metrics: [ChannelMetrics]) -> Double {
    let values = metrics.map(\.auprc).filter(\.isFinite)
    return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
}
