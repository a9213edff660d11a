import Foundation
import Learn

// MARK: Metrics

/// Ranking quality of one channel over residue pairs (`count` is the number of pairs).
public typealias ChannelMetrics = RankingMetrics

/// A scorer's figures over structures: per channel, the ranking metrics over the pooled pairs and
/// the precision of its top L/5 long-range pairs.
public struct ScoredChannels: Sendable {
    public var metrics: [ChannelMetrics]
    /// Per channel: the mean over structures of the fraction of contacts among the ⌈L/5⌉ highest
    /// scored same-chain pairs with |i − j| ≥ 24 (L residues; ties broken by pair order); nan for a
    /// channel no structure has long-range pairs for.
    public var longRangePrecision: [Double]
}

/// Scores structures (pairs × 8 per structure, row-major upper-triangle order) against their
/// targets; pairs with weight 0 are left out.
public func scoreChannels(_ examples: [ContactExample], scores: (ContactExample) -> [Float]) -> ScoredChannels {
    var perChannel = [[Float]](repeating: [], count: 8), labels = [[Bool]](repeating: [], count: 8)
    var precisionSum = [Double](repeating: 0, count: 8), structuresWithLongRange = 0
    for ex in examples where ex.hasTargets {
        let s = scores(ex)
        var longRange: [Int] = []   // pair indices
        var longLabels: [UInt8] = []
        var start = 0
        while start < ex.pairCount {
            let end = min(ex.pairCount, start + 65_536)
            let batch = ex.pairs(in: start..<end)
            for k in 0..<batch.count where batch.weights[k] > 0 {
                let q = start + k
                var flags: UInt8 = 0
                for c in 0..<8 {
                    let y = batch.targets[k * 8 + c] > 0.5
                    perChannel[c].append(s[q * 8 + c])
                    labels[c].append(y)
                    if y { flags |= 1 << UInt8(c) }
                }
                let i = Int(batch.first[k]), j = Int(batch.second[k])
                if ex.chain[i] == ex.chain[j] && abs(Int(ex.position[i]) - Int(ex.position[j])) >= ContactExample.longRange {
                    longRange.append(q)
                    longLabels.append(flags)
                }
            }
            start = end
        }
        guard !longRange.isEmpty else { continue }
        structuresWithLongRange += 1
        let top = min(longRange.count, (ex.residueCount + 4) / 5)
        for c in 0..<8 {
            let order = longRange.indices.sorted { a, b in
                let sa = s[longRange[a] * 8 + c], sb = s[longRange[b] * 8 + c]
                return sa != sb ? sa > sb : a < b
            }
            let hits = order.prefix(top).filter { longLabels[$0] & (1 << UInt8(c)) != 0 }.count
            precisionSum[c] += Double(hits) / Double(top)
        }
    }
    return ScoredChannels(metrics: (0..<8).map { ChannelMetrics(scores: perChannel[$0], labels: labels[$0]) },
                          longRangePrecision: precisionSum.map { structuresWithLongRange > 0 ? $0 / Double(structuresWithLongRange) : .nan })
}

/// Per-channel metrics over examples (pairs pooled; pairs with mask 0 left out).
public func channelMetrics(_ examples: [ContactExample], scores: (ContactExample) -> [Float]) -> [ChannelMetrics] {
    scoreChannels(examples, scores: scores).metrics
}

/// The baseline that sees only sequence separation: score = −log(1 + separation) for every
/// channel (pairs across chains last).
public func separationScores(_ ex: ContactExample) -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(ex.pairCount * 8)
    for i in 0..<ex.residueCount {
        for j in (i + 1)..<max(i + 1, ex.residueCount) {
            let separation = ex.chain[i] == ex.chain[j] ? abs(Int(ex.position[i]) - Int(ex.position[j])) : 1000
            let score = -Float(log1p(Double(separation)))
            for _ in 0..<8 { out.append(score) }
        }
    }
    return out
}

/// Mean AUPRC over channels that have positives (nan if none do).
public func meanAUPRC(_ metrics: [ChannelMetrics]) -> Double {
    mean(metrics.map(\.auprc).filter(\.isFinite))
}
