import Affinity
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
                       replicates: Int, seed: UInt64, rt: Double = defaultRT, threads: Int = 2,
                       progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [SweepPoint] {
    guard replicates >= 1 else { throw BETSeqError(.invalidOption, file: "sweep", "--replicates must be ≥ 1") }
    guard !depths.isEmpty else { throw BETSeqError(.invalidOption, file: "sweep", "give at least one depth") }
    for d in depths where d < 2 || d > maxSweepDepth {
        throw BETSeqError(.invalidOption, file: "sweep", "depth \(d): expected 2 to \(maxSweepDepth) reads")
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

/// The largest depth of a sweep: two fractions of 2^32 − 1 reads.
public let maxSweepDepth = 2 * Int(UInt32.max)

/// Parses a depth list: comma-separated numbers (`1e6,2e7`), `START:STOP` (1, 2 and 5 × 10^k in
/// the range, inclusive) or `START:STOP:N` (N log-spaced points, rounded to integers).
public func parseDepths(_ text: String) throws -> [Int] {
    // Every depth is sequenced as two fractions of at most 2^32 − 1 reads each.
    let largest = Double(maxSweepDepth)
    func number(_ s: Substring) throws -> Double {
        guard let v = Double(s.trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 2, v.rounded() <= largest else {
            throw BETSeqError(.invalidOption, file: "--depths", "'\(s)' is not a read count from 2 to \(maxSweepDepth)")
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
