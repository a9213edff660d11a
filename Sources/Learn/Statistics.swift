import Foundation

// The statistics every model family reports, in one place: fit metrics, summaries, quantiles,
// histograms, ranking metrics, seeded permutations and splits.

/// Agreement of predictions with targets over `rows` pairs.
///
/// - `r2` = 1 − SS_res/SS_tot (negative when the predictions are worse than the target's mean; NaN
///   for a constant target),
/// - `pearsonR2` = squared Pearson correlation (NaN when either side is constant),
/// - `rmse` = sqrt(SS_res/n).
///
/// With fewer than two rows `r2` and `pearsonR2` are NaN. In JSON, non-finite values are `null`.
public struct FitMetrics: Sendable, Equatable, Codable {
    public var rows: Int
    /// Coefficient of determination 1 − SS_res/SS_tot.
    public var r2: Double
    public var pearsonR2: Double
    public var rmse: Double

    public init(rows: Int, r2: Double, pearsonR2: Double, rmse: Double) {
        self.rows = rows; self.r2 = r2; self.pearsonR2 = pearsonR2; self.rmse = rmse
    }

    public init(target: [Double], prediction: [Double]) {
        rows = target.count
        let n = Double(target.count)
        guard target.count >= 2 else {
            r2 = .nan; pearsonR2 = .nan; rmse = target.isEmpty ? .nan : abs(target[0] - prediction[0])
            return
        }
        let my = target.reduce(0, +) / n, mp = prediction.reduce(0, +) / n
        var ssRes = 0.0, ssTot = 0.0, spp = 0.0, syp = 0.0
        for (y, p) in zip(target, prediction) {
            ssRes += (y - p) * (y - p)
            ssTot += (y - my) * (y - my)
            spp += (p - mp) * (p - mp)
            syp += (y - my) * (p - mp)
        }
        r2 = ssTot > 0 ? 1 - ssRes / ssTot : .nan
        pearsonR2 = ssTot > 0 && spp > 0 ? syp * syp / (ssTot * spp) : .nan
        rmse = (ssRes / n).squareRoot()
    }

    /// The metrics after shifting the predictions by their mean difference from the targets: for
    /// quantities whose zero is arbitrary (ΔΔG), only the shape is scored. Pearson r² is unchanged
    /// by the shift; R² and RMSE are those of the best constant offset.
    public static func offsetFree(target: [Double], prediction: [Double]) -> FitMetrics {
        guard !target.isEmpty else { return FitMetrics(target: [], prediction: []) }
        let shift = zip(target, prediction).reduce(0.0) { $0 + $1.0 - $1.1 } / Double(target.count)
        return FitMetrics(target: target, prediction: prediction.map { $0 + shift })
    }

    enum CodingKeys: String, CodingKey { case rows, r2, pearsonR2 = "pearson_r2", rmse }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rows = try c.decode(Int.self, forKey: .rows)
        r2 = try c.decodeIfPresent(Double.self, forKey: .r2) ?? .nan
        pearsonR2 = try c.decodeIfPresent(Double.self, forKey: .pearsonR2) ?? .nan
        rmse = try c.decodeIfPresent(Double.self, forKey: .rmse) ?? .nan
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encodeFinite(r2, forKey: .r2)
        try c.encodeFinite(pearsonR2, forKey: .pearsonR2)
        try c.encodeFinite(rmse, forKey: .rmse)
    }
}

extension KeyedEncodingContainer {
    /// Encodes a finite value, or `null` for NaN and infinities (JSON has no such numbers).
    public mutating func encodeFinite(_ value: Double, forKey key: Key) throws {
        if value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

/// Arithmetic mean (NaN for no values).
public func mean(_ values: [Double]) -> Double {
    values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
}

/// Subtracts the mean from every value (mean-centring) and returns the mean removed; no values: 0.
@discardableResult
public func centre(_ values: inout [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let m = values.reduce(0, +) / Double(values.count)
    for i in values.indices { values[i] -= m }
    return m
}

/// Subtracts the mean of the finite values from each of them (NaN and infinities stay) and returns
/// that mean; no finite values: 0.
@discardableResult
public func centreFinite(_ values: inout [Double]) -> Double {
    let finite = values.filter(\.isFinite)
    guard !finite.isEmpty else { return 0 }
    let m = finite.reduce(0, +) / Double(finite.count)
    for i in values.indices where values[i].isFinite { values[i] -= m }
    return m
}

/// Sample standard deviation with n − 1 in the denominator (0 for fewer than two values).
public func standardDeviation(_ values: [Double]) -> Double {
    guard values.count > 1 else { return 0 }
    let m = values.reduce(0, +) / Double(values.count)
    return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
}

/// Median of the finite values (NaN when there are none).
public func median(_ values: [Double]) -> Double { quantile(values, 0.5) }

/// Pearson correlation r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²); NaN with fewer than two pairs or
/// when either side is constant.
public func pearsonCorrelation(_ x: [Double], _ y: [Double]) -> Double {
    guard x.count == y.count, x.count >= 2 else { return .nan }
    let mx = mean(x), my = mean(y)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
        sxy += (a - mx) * (b - my)
        sxx += (a - mx) * (a - mx)
        syy += (b - my) * (b - my)
    }
    return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : .nan
}

/// Linear-interpolation quantile (type 7, as R's default and NumPy's) of the finite values; NaN
/// when there are none.
public func quantile(_ values: [Double], _ q: Double) -> Double {
    let v = values.filter(\.isFinite).sorted()
    guard !v.isEmpty else { return .nan }
    let pos = q * Double(v.count - 1)
    let lo = Int(pos.rounded(.down)), hi = min(lo + 1, v.count - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - Double(lo))
}

/// Equal-width bins over the finite values' range (or `range`): `bins + 1` edges and `bins` counts.
/// The last bin is closed on the right; values outside `range` are not counted.
public func histogram(_ values: [Double], bins: Int, range: ClosedRange<Double>? = nil) -> (edges: [Double], counts: [Double]) {
    let bins = max(1, bins)
    let finite = values.filter(\.isFinite)
    let lo = range?.lowerBound ?? finite.min() ?? 0
    var hi = range?.upperBound ?? finite.max() ?? 1
    if hi <= lo { hi = lo + 1 }
    let width = (hi - lo) / Double(bins)
    var counts = [Double](repeating: 0, count: bins)
    for v in finite where v >= lo && v <= hi { counts[min(bins - 1, Int((v - lo) / width))] += 1 }
    return ((0...bins).map { lo + Double($0) * width }, counts)
}

/// How well scores rank positives above negatives: AUROC (the probability that a positive outranks
/// a negative, ties counting half) and AUPRC as average precision (Σ over distinct score thresholds
/// of the recall step times the precision there, as scikit-learn's `average_precision_score`).
/// Both are NaN unless there are positives and negatives.
public struct RankingMetrics: Sendable {
    public var positives: Int
    public var count: Int
    public var auroc: Double
    public var auprc: Double
    /// (recall, precision) at each distinct threshold, for plotting.
    public var curve: [(recall: Double, precision: Double)]

    public init(scores: [Float], labels: [Bool]) {
        count = scores.count
        positives = labels.filter { $0 }.count
        curve = []
        // NaN scores have no rank (and would never compare equal to themselves below).
        guard positives > 0, positives < count, !scores.contains(where: \.isNaN) else { auroc = .nan; auprc = .nan; return }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp = 0, fp = 0, ap = 0.0, lastRecall = 0.0
        var k = 0
        // AUROC by ranks with ties averaged.
        var rankSumPositives = 0.0
        while k < order.count {
            var end = k
            while end < order.count && scores[order[end]] == scores[order[k]] { end += 1 }
            var groupPositives = 0
            for q in k..<end where labels[order[q]] { groupPositives += 1 }
            // Ranks counted from the bottom: the group occupies ranks (n − end + 1)…(n − k).
            let meanRank = Double((order.count - end + 1) + (order.count - k)) / 2
            rankSumPositives += meanRank * Double(groupPositives)
            tp += groupPositives
            fp += (end - k) - groupPositives
            let recall = Double(tp) / Double(positives), precision = Double(tp) / Double(tp + fp)
            ap += (recall - lastRecall) * precision
            lastRecall = recall
            curve.append((recall, precision))
            k = end
        }
        let negatives = Double(count - positives)
        auroc = (rankSumPositives - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * negatives)
        auprc = ap
    }
}

extension SplitMix64 {
    /// Fisher–Yates: a uniformly random permutation in place (j = next() mod (i + 1), from the end).
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, Int(next() % UInt64(i + 1))) }
    }

    /// 0..<n in a random order.
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<max(0, n))
        shuffle(&order)
        return order
    }
}

/// Rows split at random into training, validation and test sets (the rest of the rows).
public struct RowSplit: Sendable, Equatable {
    public var train: [Int]
    public var validation: [Int]
    public var test: [Int]

    public init(train: [Int], validation: [Int], test: [Int]) {
        self.train = train; self.validation = validation; self.test = test
    }

    /// How a fraction of the rows becomes a count.
    public enum Rounding: Sendable { case down, nearest }

    /// A seeded permutation of 0..<rows cut into `train` and `validation` fractions of the rows, the
    /// test set taking the rest (fractions are clamped so that the sets never overlap).
    public init(rows: Int, train: Double, validation: Double, seed: UInt64, rounding: Rounding) {
        var random = SplitMix64(seed: seed)
        let order = random.permutation(rows)
        func count(_ share: Double) -> Int {
            let x = share * Double(rows)
            guard x.isFinite, x > 0 else { return 0 }
            return Swift.min(rows, Int(rounding == .down ? x.rounded(.down) : x.rounded()))
        }
        let nTrain = count(train), nVal = Swift.min(rows - nTrain, count(validation))
        self.train = Array(order[0..<nTrain])
        self.validation = Array(order[nTrain..<(nTrain + nVal)])
        self.test = Array(order[(nTrain + nVal)...])
    }
}
