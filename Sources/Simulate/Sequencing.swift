import Foundation
import IO
import Sequence

/// One sequenced fraction (input, bound or unbound) of a simulated library.
public struct SampledFraction: Sendable {
    public let name: String
    /// Distinct DNA molecules sampled into the library prep, per species.
    public var molecules: [UInt32]
    /// Reads per species: molecules plus PCR duplicates.
    public var reads: [UInt32]
    /// Distinct (sequence, UMI) pairs per species: what perfect UMI de-duplication reports. Fewer
    /// than `molecules` when two molecules of one species drew the same UMI. Equal to `reads` for
    /// designs without UMI bases (then nothing can be de-duplicated).
    public var distinct: [UInt32]
    public let totalReads: Int
    public let umiLength: Int

    /// The column `betseq count` would write: distinct UMIs, or reads with `reads: true`.
    public func counts(reads wantReads: Bool) -> [UInt32] { wantReads ? reads : distinct }
}

/// Samples the reads of one fraction.
///
/// `reads·(1 − duplicateFraction)` (rounded) distinct molecules are drawn by a multinomial over
/// the species with the given weights (their concentrations in that fraction); the remaining reads
/// are PCR duplicates, each a copy of a uniformly chosen molecule, so per species
/// Multinomial(D, m_i/M). With UMIs every molecule carries a UMI drawn uniformly from the 4^u
/// possible; `distinct` counts the different UMIs per species (exact occupancy sampling, see
/// `DistinctDraws`).
public func sequenceFraction(name: String, plan: MultinomialPlan, reads: Int, duplicateFraction: Double,
                             umiLength: Int, seed: UInt64, stream: UInt64) throws -> SampledFraction {
    guard reads >= 0, reads <= Int(UInt32.max) else {
        throw BETSeqError(.invalidOption, file: name, "\(reads) reads: one fraction takes 0 to \(UInt32.max) reads")
    }
    guard duplicateFraction.isFinite, duplicateFraction >= 0, duplicateFraction < 1 else {
        throw BETSeqError(.invalidOption, file: name, "--duplicates must be in [0, 1)")
    }
    guard plan.total > 0 || reads == 0 else {
        throw BETSeqError(.invalidOption, file: name, "no species can be sampled: every weight is zero")
    }
    let rng = RandomSource(seed: seed, stream: stream)
    let n = plan.count
    let duplicates = Int((Double(reads) * duplicateFraction).rounded())
    let moleculeCount = reads - duplicates
    var molecules = [UInt32](repeating: 0, count: n)
    molecules.withUnsafeMutableBufferPointer { rng.multinomial(trials: moleculeCount, plan: plan, into: $0) }
    var readCounts = molecules
    if duplicates > 0 {
        let copies = MultinomialPlan(weights: molecules.map(Double.init))
        var extra = [UInt32](repeating: 0, count: n)
        extra.withUnsafeMutableBufferPointer { rng.multinomial(trials: duplicates, plan: copies, into: $0) }
        for i in 0..<n { readCounts[i] += extra[i] }
    }
    var distinct = readCounts
    if umiLength > 0 {
        let largest = Int(molecules.max() ?? 0)
        let sampler = DistinctDraws(space: umiSpace(umiLength), largest: largest)
        for i in 0..<n where molecules[i] > 1 {
            distinct[i] = UInt32(sampler.sample(draws: Int(molecules[i]), rng: rng))
        }
        for i in 0..<n where molecules[i] <= 1 { distinct[i] = molecules[i] }
    }
    return SampledFraction(name: name, molecules: molecules, reads: readCounts, distinct: distinct,
                           totalReads: reads, umiLength: umiLength)
}

/// 4^u, saturating at Int.max for absurdly long UMIs.
func umiSpace(_ length: Int) -> Int { length >= 31 ? Int.max : 1 << (2 * length) }

/// Samples the number of distinct values among `m` uniform draws from `space` values, exactly and
/// without drawing each value.
///
/// With d distinct values so far, the next draw is new with probability 1 − d/U. The chance that
/// the next t draws are all new is Π_{j<t} (1 − (d+j)/U) = exp(L(d+t) − L(d)) with
/// L(k) = Σ_{j<k} ln(1 − j/U). One uniform u gives by inversion the run T of new draws before the
/// next repeat (the largest t with L(d+t) ≥ L(d) + ln u); the run of repeats that follows is
/// geometric, with P(repeat) = d/U. A species costs a few uniforms per alternation between new values and repeats, so a library of 10^6
/// species with few collisions costs about 10^6 uniforms, and saturated species stay cheap.
final class DistinctDraws {
    let space: Int
    private var bits: [UInt64]
    /// L(0…K), K = min(largest, space).
    let logRun: [Double]

    init(space: Int, largest: Int) {
        self.space = space
        let k = min(largest, space)
        var table = [Double](repeating: 0, count: k + 1)
        let u = Double(space)
        for j in 0..<k { table[j + 1] = table[j] + log1p(-Double(j) / u) }
        logRun = table
        bits = [UInt64](repeating: 0, count: space <= 1 << 16 ? (space + 63) / 64 : 0)
    }

    private func sampleDirectly(draws m: Int, rng: RandomSource) -> Int {
        let mask = UInt32(space - 1)
        var d = 0
        bits.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = 0 }
            for _ in 0..<m {
                let x = Int(rng.bits32() & mask)
                let bit: UInt64 = 1 << UInt64(x & 63)
                if b[x >> 6] & bit == 0 {
                    b[x >> 6] |= bit
                    d += 1
                }
            }
        }
        return d
    }

    func sample(draws m: Int, rng: RandomSource) -> Int {
        // Between a quarter of the space and 8 times it, collisions are so frequent that drawing
        // every UMI into a bitset is cheaper than sampling the alternating runs (4^u is a power of
        // two, so masked random bits are exactly uniform).
        if space <= 1 << 16 && m >= space / 4 && m <= 8 * space { return sampleDirectly(draws: m, rng: rng) }
        var d = 0
        var left = m
        while left > 0 && d < space {
            // A run of new values: the largest t ≤ cap with logRun[d+t] ≥ logRun[d] + ln u.
            let cap = min(left, space - d)
            let target = logRun[d] + log(rng.uniformPositive())
            var run = cap
            if logRun[d + cap] < target {
                var lo = 0, hi = cap  // logRun[d+lo] ≥ target > logRun[d+hi]
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2
                    if logRun[d + mid] >= target { lo = mid } else { hi = mid }
                }
                run = lo
            }
            d += run
            left -= run
            if left == 0 || d == space { break }
            // Then a run of repeats, each with probability q = d/U: geometric length R ≥ 1. Near
            // saturation this skips many repeats at once.
            let q = Double(d) / Double(space)
            let repeats = 1 + min(Double(left), (log(rng.uniformPositive()) / log(q)).rounded(.down))
            if repeats >= Double(left) { break }
            left -= Int(repeats)
            // The draw that ends the repeats is new.
            d += 1
            left -= 1
        }
        return d
    }
}
