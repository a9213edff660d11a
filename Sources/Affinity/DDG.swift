#if canImport(Glibc)
import Glibc
#endif
import IO
import Learn
import Sequence

/// Options for `estimateDDG`.
/// RT in kcal/mol at 298 K, the BET-seq convention; every default RT in betseq is this one.
public let defaultRT = 0.593

public struct DDGOptions: Sendable {
    /// RT in kcal/mol. 0.593 is the BET-seq convention (298 K).
    public var rt = defaultRT
    /// Added to every bound and reference count. 0 (the default) drops sequences with a zero count.
    public var pseudocount = 0.0
    public init() {}

    /// Gas constant in kcal/(mol·K).
    public static let gasConstant = 1.987_204_258_640_83e-3
    /// Sets RT from a temperature in kelvin.
    public mutating func setTemperature(kelvin: Double) { rt = Self.gasConstant * kelvin }
}

/// Per-sequence ΔΔG estimates.
public struct DDGResult: Sendable {
    /// Bases per sequence.
    public var length = 0
    /// 2-bit keys of the reported sequences.
    public var keys: [UInt64] = []
    /// kcal/mol, mean-centred over the reported sequences; more negative binds tighter.
    public var ddg: [Double] = []
    /// Standard error from counting statistics.
    public var se: [Double] = []
    /// Row of each reported sequence in the input table (to carry its counts along).
    public var rows: [Int] = []
    /// Sequences in the table that no replicate could estimate (a zero count and no pseudocount).
    public var dropped = 0
    /// The mean removed by centring.
    public var centre = 0.0
    /// Per replicate (in the order of the bound columns), each reported sequence's own ΔΔG_k,
    /// mean-centred over the sequences that replicate measured; NaN where it measured none.
    public var replicates: [[Double]] = []

    /// The reported sequences, spelled.
    public var sequences: [String] { keys.map { decodeBases($0, length: length) } }
}

/// Estimates ΔΔG from bound and reference (input or unbound) counts.
///
/// For replicate k with bound counts B and reference counts U (plus the pseudocount c):
///   ΔΔG_k = −RT·ln((B/ΣB) / (U/ΣU)),   var_k = RT²·(1/B + 1/U)
/// (the Poisson variance of ln B − ln U). Replicates are combined by inverse-variance weighting,
/// ΔΔG = Σ w_k ΔΔG_k / Σ w_k with w_k = 1/var_k and SE = (Σ w_k)^(−1/2), over the replicates where
/// both counts are positive. A sequence with no such replicate is dropped. Finally ΔΔG is
/// mean-centred over the reported sequences (SE unchanged: centring shifts all by one constant).
/// Sums ΣB and ΣU run over every row of the table (after the pseudocount).
public func estimateDDG(_ table: CountTable, bound: [String], reference: [String],
                        options: DDGOptions = .init(), file: String = "count table") throws -> DDGResult {
    guard !bound.isEmpty, bound.count == reference.count else {
        throw BETSeqError(.invalidOption, file: file,
                         "give one reference column per bound column (\(bound.count) bound, \(reference.count) reference)")
    }
    for (b, u) in zip(bound, reference) where b == u {
        throw BETSeqError(.invalidOption, file: file, "column '\(b)' is given as both bound and reference")
    }
    guard options.pseudocount >= 0, options.pseudocount.isFinite else {
        throw BETSeqError(.invalidOption, file: file, "pseudocount must be a finite number ≥ 0")
    }
    guard options.rt > 0, options.rt.isFinite else {
        throw BETSeqError(.invalidOption, file: file, "RT must be positive")
    }
    let pairs = try zip(bound, reference).map { (try table.column($0, file: file), try table.column($1, file: file)) }
    let rows = table.keys.count
    var sumW = [Double](repeating: 0, count: rows)
    var sumWX = [Double](repeating: 0, count: rows)
    var each: [[Double]] = []
    for (b, u) in pairs {
        let replicate = try replicateDDG(bound: b.map(Double.init), reference: u.map(Double.init), rt: options.rt,
                                         pseudocount: options.pseudocount, file: file)
        for r in 0..<rows where replicate.weight[r] > 0 {
            sumW[r] += replicate.weight[r]
            sumWX[r] += replicate.weight[r] * replicate.ddg[r]
        }
        each.append(replicate.ddg)
    }
    var result = DDGResult()
    result.length = table.length
    for r in 0..<rows {
        guard sumW[r] > 0 else { result.dropped += 1; continue }
        result.rows.append(r)
        result.keys.append(table.keys[r])
        result.ddg.append(sumWX[r] / sumW[r])
        result.se.append(1 / sumW[r].squareRoot())
    }
    result.centre = centre(&result.ddg)
    result.replicates = each.map { ddg in
        var own = result.rows.map { ddg[$0] }
        centreFinite(&own)
        return own
    }
    return result
}

/// One replicate's ΔΔG_i = −RT·ln((B_i/ΣB)/(U_i/ΣU)) (not centred) and inverse variance
/// w_i = 1/(RT²·(1/B_i + 1/U_i)) per row, after adding `pseudocount` to every count; rows with a
/// zero count get ΔΔG NaN and weight 0. ΣB and ΣU run over every row.
public func replicateDDG(bound b: [Double], reference u: [Double], rt: Double, pseudocount c: Double = 0,
                         file: String = "count table") throws -> (ddg: [Double], weight: [Double]) {
    guard rt.isFinite, rt > 0 else { throw BETSeqError(.invalidOption, file: file, "RT \(rt): expected a positive number (kcal/mol)") }
    let totalB = b.reduce(0.0) { $0 + $1 + c }
    let totalU = u.reduce(0.0) { $0 + $1 + c }
    guard totalB > 0, totalU > 0 else {
        throw BETSeqError(.malformedTable, file: file, "a bound or reference column has no counts at all")
    }
    let offset = log(totalU) - log(totalB)
    var ddg = [Double](repeating: .nan, count: b.count), weight = [Double](repeating: 0, count: b.count)
    for r in b.indices {
        let B = b[r] + c, U = u[r] + c
        guard B > 0, U > 0 else { continue }
        ddg[r] = -rt * (log(B) - log(U) + offset)
        weight[r] = 1 / (rt * rt * (1 / B + 1 / U))
    }
    return (ddg, weight)
}
