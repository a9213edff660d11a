import Foundation
import IO
import Sequence
import Learn

/// Accuracy of one simulated experiment at one depth.
public struct ReplicateStats: Sendable, Equatable {
    /// Species seen in both bound and input.
    public var observedBoth: Int
    public var fractionObserved: Double
    /// Pearson r² of measured ΔΔG (−RT ln of the normalised count ratio) against the truth, over the
    /// species seen in both fractions (NaN with fewer than 3).
    public var r2DDG: Double
    /// The published metric: Pearson r² of the count ratio B/I against the true ratio
    /// exp(−ΔΔG/RT), on the linear scale.
    public var r2Ratio: Double
}

/// All replicates at one depth.
public struct SweepPoint: Sendable {
    /// Total reads, split between bound and input.
    public var depth: Int
    public var boundReads: Int
    public var inputReads: Int
    /// Reads per species in each fraction: (depth/2)/4^L, as in the published simulation.
    public var meanReadsPerSequence: Double
    public var replicates: [ReplicateStats]
}

/// The published Monte-Carlo design over the whole library: at each depth, sample bound reads
/// ∝ `boundWeights` and input reads ∝ `inputWeights` (depth split equally), `replicates` times, and
/// compare measured ΔΔG with the truth. Every (depth, replicate) draws from its own random stream,
/// so results do not depend on the thread count. Runs on `threads` threads.
public func depthSweep(truth: [Double], boundWeights: [Double], inputWeights: [Double], depths: [Int],
                       replicates: Int, seed: UInt64, rt: Double = 0.593, threads: Int = 2,
                       progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [SweepPoint] {
    guard replicates >= 1 else { throw BETSeqError(.invalidOption, file: "sweep", "--replicates must be ≥ 1") }
    guard !depths.isEmpty else { throw BETSeqError(.invalidOption, file: "sweep", "give at least one depth") }
    for d in depths where d < 2 || d / 2 > Int(UInt32.max) {
        throw BETSeqError(.invalidOption, file: "sweep", "depth \(d): expected 2 to \(2 * Int(UInt32.max)) reads")
    }
    let bound = MultinomialPlan(weights: boundWeights)
    let input = MultinomialPlan(weights: inputWeights)
    let n = truth.count
    // ln k for small counts, the bulk of every replicate.
    let logTable = (0..<65_536).map { $0 == 0 ? 0 : log(Double($0)) }
    let trueRatio = truth.map { exp(-$0 / rt) }
    let jobs = depths.count * replicates
    let results = UnsafeMutableBufferPointer<ReplicateStats>.allocate(capacity: jobs)
    defer { results.deallocate() }
    let workers = max(1, min(threads, jobs))
    let counts = (0..<(2 * workers)).map { _ in UnsafeMutableBufferPointer<UInt32>.allocate(capacity: n) }
    defer { for c in counts { c.deallocate() } }
    nonisolated(unsafe) let buffers = counts
    nonisolated(unsafe) let out = results
    let finished = Counter()
    try parallelJobs(jobs, threads: workers) { job, worker in
        let d = job / replicates
        let rng = RandomSource(seed: seed, stream: Streams.sweep + UInt64(job))
        let b = buffers[2 * worker], u = buffers[2 * worker + 1]
        let half = depths[d] / 2
        rng.multinomial(trials: half, plan: bound, into: b)
        rng.multinomial(trials: depths[d] - half, plan: input, into: u)
        out[job] = replicateStats(bound: UnsafeBufferPointer(b), input: UnsafeBufferPointer(u), truth: truth,
                                  trueRatio: trueRatio, logTable: logTable)
        progress?(finished.increment(), jobs)
    }
    return depths.enumerated().map { d, depth in
        SweepPoint(depth: depth, boundReads: depth / 2, inputReads: depth - depth / 2,
                   meanReadsPerSequence: Double(depth / 2) / Double(n),
                   replicates: Array(results[(d * replicates)..<((d + 1) * replicates)]))
    }
}

/// One pass over the library accumulating the Pearson sums of both metrics.
func replicateStats(bound b: UnsafeBufferPointer<UInt32>, input u: UnsafeBufferPointer<UInt32>, truth: [Double],
                    trueRatio: [Double], logTable: [Double]) -> ReplicateStats {
    var count = 0
    var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
    var rx = 0.0, ry = 0.0, rxx = 0.0, ryy = 0.0, rxy = 0.0
    truth.withUnsafeBufferPointer { t in
        trueRatio.withUnsafeBufferPointer { tr in
            logTable.withUnsafeBufferPointer { lg in
                for i in 0..<b.count {
                    let bi = Int(b[i]), ui = Int(u[i])
                    guard bi > 0 && ui > 0 else { continue }
                    count += 1
                    let lb = bi < lg.count ? lg[bi] : log(Double(bi))
                    let lu = ui < lg.count ? lg[ui] : log(Double(ui))
                    // Measured ΔΔG up to the factor RT and a constant, which r² ignores.
                    let x = t[i], y = lu - lb
                    sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y
                    let p = tr[i], q = Double(bi) / Double(ui)
                    rx += p; ry += q; rxx += p * p; ryy += q * q; rxy += p * q
                }
            }
        }
    }
    func r2(_ n: Int, _ sx: Double, _ sy: Double, _ sxx: Double, _ syy: Double, _ sxy: Double) -> Double {
        guard n >= 3 else { return .nan }
        let m = Double(n)
        let cxx = sxx - sx * sx / m, cyy = syy - sy * sy / m, cxy = sxy - sx * sy / m
        guard cxx > 0, cyy > 0 else { return .nan }
        return cxy * cxy / (cxx * cyy)
    }
    return ReplicateStats(observedBoth: count, fractionObserved: Double(count) / Double(b.count),
                          r2DDG: r2(count, sx, sy, sxx, syy, sxy), r2Ratio: r2(count, rx, ry, rxx, ryy, rxy))
}

/// A thread-safe running count.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// Parses a depth list: comma-separated numbers (`1e6,2e7`), `START:STOP` (1, 2 and 5 × 10^k in
/// the range, inclusive) or `START:STOP:N` (N log-spaced points, rounded to integers).
public func parseDepths(_ text: String) throws -> [Int] {
    func number(_ s: Substring) throws -> Double {
        guard let v = Double(s.trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 1 else {
            throw BETSeqError(.invalidOption, file: "--depths", "'\(s)' is not a read count ≥ 1")
        }
        return v
    }
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    var depths: [Int]
    switch parts.count {
    case 1:
        depths = try text.split(separator: ",").map { Int(try number($0).rounded()) }
    case 2, 3:
        let a = try number(parts[0]), b = try number(parts[1])
        guard a <= b else { throw BETSeqError(.invalidOption, file: "--depths", "START must not exceed STOP in '\(text)'") }
        if parts.count == 3 {
            guard let k = Int(parts[2]), k >= 1, k <= 1000 else {
                throw BETSeqError(.invalidOption, file: "--depths", "'\(parts[2])' is not a point count between 1 and 1000")
            }
            depths = (0..<k).map { i in
                k == 1 ? Int(a.rounded()) : Int(exp(log(a) + (log(b) - log(a)) * Double(i) / Double(k - 1)).rounded())
            }
        } else {
            depths = []
            var decade = pow(10, floor(log10(a)))
            while decade <= b * 1.000001 {
                for m in [1.0, 2.0, 5.0] {
                    let v = m * decade
                    if v >= a * 0.999999 && v <= b * 1.000001 { depths.append(Int(v.rounded())) }
                }
                decade *= 10
            }
        }
    default:
        throw BETSeqError(.invalidOption, file: "--depths", "'\(text)': expected a list (1e6,1e7), START:STOP or START:STOP:N")
    }
    guard !depths.isEmpty else { throw BETSeqError(.invalidOption, file: "--depths", "'\(text)' gives no depth") }
    return depths
}

/// One depth of a sweep, summarised over its replicates: medians, and the interquartile range of r².
public struct SweepRow: Sendable, Equatable {
    public var depth: Int
    public var boundReads: Int
    public var inputReads: Int
    public var meanReadsPerSequence: Double
    public var replicates: Int
    /// Median fraction of the library seen in both fractions.
    public var fractionObserved: Double
    public var observedBoth: Double
    /// Median, lower and upper quartile of Pearson r² of measured against true ΔΔG.
    public var r2DDG: Double
    public var r2DDGQ25: Double
    public var r2DDGQ75: Double
    /// Median of the published linear-scale ratio r².
    public var r2Ratio: Double

    public init(_ p: SweepPoint) {
        let r2 = p.replicates.map(\.r2DDG)
        depth = p.depth
        boundReads = p.boundReads
        inputReads = p.inputReads
        meanReadsPerSequence = p.meanReadsPerSequence
        replicates = p.replicates.count
        fractionObserved = median(p.replicates.map(\.fractionObserved))
        observedBoth = median(p.replicates.map { Double($0.observedBoth) })
        r2DDG = median(r2)
        r2DDGQ25 = quantile(r2, 0.25)
        r2DDGQ75 = quantile(r2, 0.75)
        r2Ratio = median(p.replicates.map(\.r2Ratio))
    }

    init(depth: Int, boundReads: Int, inputReads: Int, meanReadsPerSequence: Double, replicates: Int, fractionObserved: Double,
         observedBoth: Double, r2DDG: Double, r2DDGQ25: Double, r2DDGQ75: Double, r2Ratio: Double) {
        self.depth = depth; self.boundReads = boundReads; self.inputReads = inputReads
        self.meanReadsPerSequence = meanReadsPerSequence; self.replicates = replicates
        self.fractionObserved = fractionObserved; self.observedBoth = observedBoth; self.r2DDG = r2DDG
        self.r2DDGQ25 = r2DDGQ25; self.r2DDGQ75 = r2DDGQ75; self.r2Ratio = r2Ratio
    }
}

/// `sweep.tsv`: one row per depth. Written and read here only.
public struct SweepTable: Sendable, Equatable {
    public var rows: [SweepRow]

    public init(rows: [SweepRow]) { self.rows = rows }
    public init(_ points: [SweepPoint]) { rows = points.map(SweepRow.init) }

    static let header = ["depth", "bound_reads", "input_reads", "mean_reads_per_seq", "replicates", "frac_observed",
                         "observed_both", "r2_ddg", "r2_ddg_q25", "r2_ddg_q75", "r2_ratio"]
    /// Columns a sweep must have; the others read as NaN (or 0 for counts) when absent.
    static let required = ["depth", "mean_reads_per_seq", "frac_observed", "r2_ddg"]

    public func write(path: String) throws {
        let out = try TextWriter(path: path)
        try out.write(Self.header.joined(separator: "\t") + "\n")
        for r in rows {
            try out.write(r.depth); try out.write(byte: 9)
            try out.write(r.boundReads); try out.write(byte: 9)
            try out.write(r.inputReads); try out.write(byte: 9)
            try out.write(scientific: r.meanReadsPerSequence, digits: 6); try out.write(byte: 9)
            try out.write(r.replicates); try out.write(byte: 9)
            try out.write(r.fractionObserved, decimals: 6); try out.write(byte: 9)
            try out.write(r.observedBoth, decimals: 1); try out.write(byte: 9)
            try out.write(r.r2DDG, decimals: 6); try out.write(byte: 9)
            try out.write(r.r2DDGQ25, decimals: 6); try out.write(byte: 9)
            try out.write(r.r2DDGQ75, decimals: 6); try out.write(byte: 9)
            try out.write(r.r2Ratio, decimals: 6)
            try out.write(byte: 10)
        }
        try out.finish()
    }

    public static func read(path: String) throws -> SweepTable {
        let text = String(decoding: try readAllBytes(path: path), as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { throw BETSeqError(.malformedTable, file: path, "empty sweep file") }
        var column: [String: Int] = [:]
        for name in Self.header { column[name] = header.firstIndex(of: name) }
        guard required.allSatisfy({ column[$0] != nil }) else {
            throw BETSeqError(.malformedTable, file: path, line: 1, "a sweep needs columns \(required.joined(separator: ", "))")
        }
        var rows: [SweepRow] = []
        for (n, fields) in lines.dropFirst().enumerated() {
            func value(_ name: String) throws -> Double {
                guard let c = column[name] else { return .nan }
                guard c < fields.count, let v = Double(fields[c]) else {
                    throw BETSeqError(.malformedTable, file: path, line: n + 2, "column \(name) is not a number")
                }
                return v
            }
            func count(_ name: String) throws -> Int {
                let v = try value(name)
                guard v.isFinite else { return 0 }
                guard v >= 0, v < 9e18, v == v.rounded() else {
                    throw BETSeqError(.malformedTable, file: path, line: n + 2, "column \(name) is not a whole number ≥ 0")
                }
                return Int(v)
            }
            rows.append(SweepRow(depth: try count("depth"), boundReads: try count("bound_reads"), inputReads: try count("input_reads"),
                                 meanReadsPerSequence: try value("mean_reads_per_seq"), replicates: try count("replicates"),
                                 fractionObserved: try value("frac_observed"), observedBoth: try value("observed_both"),
                                 r2DDG: try value("r2_ddg"), r2DDGQ25: try value("r2_ddg_q25"), r2DDGQ75: try value("r2_ddg_q75"),
                                 r2Ratio: try value("r2_ratio")))
        }
        return SweepTable(rows: rows)
    }
}
