import Affinity
import Learn

/// Agreement of the per-replicate columns of a ΔΔG table: per pair of replicates, the squared
/// Pearson correlation over the sequences both measured; the points of the first pair (for a
/// density plot); and the mean r² over the pairs where it is defined (nil with one replicate).
/// The report and the study summary both show it.
public struct ReplicateAgreement: Sendable {
    public struct Pair: Sendable { public var a, b: String; public var r2: Double; public var sequences: Int }
    public var pairs: [Pair] = []
    public var firstPoints: (x: [Double], y: [Double]) = ([], [])
    public var meanR2: Double? {
        let defined = pairs.map(\.r2).filter(\.isFinite)
        return pairs.isEmpty ? nil : defined.isEmpty ? .nan : mean(defined)
    }

    public init() {}

    public init(_ table: DDGTable) {
        for (i, a) in table.replicates.enumerated() {
            for b in table.replicates[(i + 1)...] {
                let both = a.ddg.indices.filter { a.ddg[$0].isFinite && b.ddg[$0].isFinite }
                let px = both.map { a.ddg[$0] }, py = both.map { b.ddg[$0] }
                pairs.append(Pair(a: a.name, b: b.name, r2: FitMetrics(target: px, prediction: py).pearsonR2, sequences: both.count))
                if pairs.count == 1 { firstPoints = (px, py) }
            }
        }
    }
}
