import Foundation
import IO
import Sequence

/// A per-base quality model: PHRED scores with their frequencies. A base of quality Q is
/// mis-called with probability 10^(−Q/10) (replaced by one of the three other bases at random);
/// bases of Q ≤ 2 are written as `N`, as Illumina software does.
public struct PhredProfile: Sendable, Equatable {
    public var qualities: [Int]
    public var probabilities: [Double]

    public init(qualities: [Int], probabilities: [Double]) throws {
        guard qualities.count == probabilities.count, !qualities.isEmpty,
              qualities.allSatisfy({ (0...93).contains($0) }),
              probabilities.allSatisfy({ $0 >= 0 && $0.isFinite }), probabilities.reduce(0, +) > 0 else {
            throw BETSeqError(.invalidOption, file: "phred profile", "needs PHRED 0–93 with non-negative frequencies")
        }
        self.qualities = qualities
        self.probabilities = probabilities
    }

    /// A modern Illumina run: mostly Q40, some Q37, rare low-quality calls (mean error ≈ 2·10^-4
    /// per base, plus 0.05 % no-calls).
    public static let illumina = (try? PhredProfile(qualities: [40, 37, 25, 11, 2],
                                                    probabilities: [0.88, 0.116, 0.0025, 0.001, 0.0005]))
        ?? PhredProfile(unchecked: [40], [1])

    private init(unchecked q: [Int], _ p: [Double]) {
        qualities = q
        probabilities = p
    }
}

/// Writes simulated reads in a design's layout, such that `betseq count` with the same design
/// finds every read at its intended place.
///
/// Each read is exactly the template: anchors as given, variable and UMI bases from the molecule,
/// and each `.` filled with a fixed pseudo-random base. The filler is chosen (deterministically) so
/// that no placement of the template to the left of the true one can match through fixed bases;
/// placements that could match only through variable or UMI bases are inherent to the design and
/// are reported in `ambiguousShifts`.
public final class ReadSynthesizer {
    public let design: DesignTemplate
    /// The template with its `.` positions filled.
    public let layout: [UInt8]
    /// Leftward shifts at which the anchors might match, whatever the filler (empty for the
    /// BET-seq design).
    public let ambiguousShifts: [Int]

    public init(design: DesignTemplate) throws {
        self.design = design
        let template = Array(design.template.utf8)
        let anchors = design.anchorOffsets
        let letters = Array("ACGT".utf8)
        // Shifts s < 0 place the template start s bases before the true start; the placement is
        // searched when every anchor lies in the read.
        let shifts = stride(from: -1, through: -(anchors.first ?? 0), by: -1).map { $0 }
        let isFixed: (UInt8) -> Bool = { "ACGT".utf8.contains($0) }
        // Shifts that no filler can exclude: no anchor lands on a differing fixed base or on filler.
        let unavoidable = shifts.filter { s in
            !anchors.contains { a in
                (isFixed(template[a + s]) && template[a + s] != template[a]) || template[a + s] == UInt8(ascii: ".")
            }
        }
        func blocked(_ layout: [UInt8]) -> Int {
            shifts.filter { s in
                anchors.contains { a in
                    let t = template[a + s]
                    return (isFixed(t) || t == UInt8(ascii: ".")) && layout[a + s] != template[a]
                }
            }.count
        }
        let rng = RandomSource(seed: 0x5EED_BE75, stream: 0)
        var best = (layout: template, blocked: -1)
        for _ in 0..<256 {
            var candidate = template
            for i in candidate.indices where candidate[i] == UInt8(ascii: ".") { candidate[i] = letters[rng.uniformInt(4)] }
            let b = blocked(candidate)
            if b > best.blocked { best = (candidate, b) }
            if b + unavoidable.count == shifts.count { break }
        }
        layout = best.layout
        ambiguousShifts = shifts.filter { s in
            !anchors.contains { a in
                let t = template[a + s]
                return (isFixed(t) || t == UInt8(ascii: ".")) && best.layout[a + s] != template[a]
            }
        }
    }

    /// All reads of a fraction as (variable << 2u | UMI) keys, in random order.
    ///
    /// Species i contributes `distinct[i]` different UMIs (drawn without replacement), its
    /// `molecules[i]` molecules use each of them at least once, and its PCR duplicates copy
    /// uniformly chosen molecules; so de-duplicating the reads gives back `distinct` exactly.
    func readKeys(_ fraction: SampledFraction, rng: RandomSource) -> [UInt64] {
        let umiBits = UInt64(2 * fraction.umiLength)
        let space = umiSpace(fraction.umiLength)
        var keys: [UInt64] = []
        keys.reserveCapacity(fraction.totalReads)
        var chosen = Set<UInt64>()
        var umis: [UInt64] = []
        for species in 0..<fraction.reads.count where fraction.reads[species] > 0 {
            let prefix = UInt64(species) << umiBits
            let reads = Int(fraction.reads[species])
            guard umiBits > 0 else {
                keys.append(contentsOf: repeatElement(prefix, count: reads))
                continue
            }
            let m = Int(fraction.molecules[species])
            let d = Int(fraction.distinct[species])
            chosen.removeAll(keepingCapacity: true)
            umis.removeAll(keepingCapacity: true)
            while umis.count < d {
                let u = space == Int.max ? UInt64(rng.bits32()) << 32 | UInt64(rng.bits32()) : UInt64(uniform(space, rng))
                if chosen.insert(u).inserted { umis.append(u) }
            }
            for _ in d..<m { umis.append(umis[rng.uniformInt(d)]) }
            for u in umis { keys.append(prefix | u) }
            for _ in m..<reads { keys.append(prefix | umis[rng.uniformInt(m)]) }
        }
        // Fisher–Yates.
        keys.withUnsafeMutableBufferPointer { k in
            var i = k.count - 1
            while i > 0 {
                let j = uniform(i + 1, rng)
                k.swapAt(i, j)
                i -= 1
            }
        }
        return keys
    }

    /// Writes a fraction as FASTQ (gzip by ISA-L when the path ends in `.gz`). Read names are
    /// `<name>:<n>`; qualities are all Q40 (`I`) without an error profile.
    public func writeFASTQ(_ fraction: SampledFraction, path: String, errors: PhredProfile?,
                           seed: UInt64, stream: UInt64,
                           progress: ((Int, Int) -> Void)? = nil) throws {
        try writeFASTQ(fraction, lanes: [path], errors: errors, seed: seed, stream: stream, progress: progress)
    }

    /// The same reads dealt to several lane files in turn (read n to lane n mod lanes); the reads
    /// are in random order, so a molecule's PCR copies land in different lanes, as they do on a
    /// flow cell.
    public func writeFASTQ(_ fraction: SampledFraction, lanes paths: [String], errors: PhredProfile?,
                           seed: UInt64, stream: UInt64,
                           progress: ((Int, Int) -> Void)? = nil) throws {
        let rng = RandomSource(seed: seed, stream: stream)
        let keys = readKeys(fraction, rng: rng)
        let lanes = try paths.map { try SequenceWriter(path: $0, fast: true) }
        let length = layout.count
        let variable = design.variableOffsets
        let umi = design.umiOffsets
        let letters = Array("ACGT".utf8)
        var sequence = layout
        var quality = [UInt8](repeating: UInt8(ascii: "I"), count: length)
        let umiBits = 2 * fraction.umiLength
        // Quality classes as cumulative 32-bit thresholds, and per class a 32-bit error threshold.
        var qualityCut: [UInt64] = []
        var qualityChar: [UInt8] = []
        var errorCut: [UInt64] = []
        var noCall: [Bool] = []
        if let errors {
            let total = errors.probabilities.reduce(0, +)
            var acc = 0.0
            for (q, p) in zip(errors.qualities, errors.probabilities) {
                acc += p / total
                qualityCut.append(UInt64(min(acc, 1) * 4_294_967_296.0))
                qualityChar.append(UInt8(33 + q))
                errorCut.append(UInt64(pow(10, -Double(q) / 10) * 4_294_967_296.0))
                noCall.append(q <= 2)
            }
            qualityCut[qualityCut.count - 1] = 1 << 32
        }
        let prefix = Array("\(fraction.name):".utf8)
        for (n, key) in keys.enumerated() {
            let out = lanes[n % lanes.count]
            var v = key >> UInt64(umiBits)
            for offset in variable.reversed() {
                sequence[offset] = letters[Int(v & 3)]
                v >>= 2
            }
            var u = key
            for offset in umi.reversed() {
                sequence[offset] = letters[Int(u & 3)]
                u >>= 2
            }
            if errors != nil {
                for i in 0..<length {
                    let r = UInt64(rng.bits32())
                    var c = 0
                    while r >= qualityCut[c] { c += 1 }
                    quality[i] = qualityChar[c]
                    if noCall[c] {
                        sequence[i] = UInt8(ascii: "N")
                    } else if UInt64(rng.bits32()) < errorCut[c], let b = code(ofBase: sequence[i]) {
                        sequence[i] = letters[(b + 1 + rng.uniformInt(3)) & 3]
                    }
                }
            }
            try out.write(prefix: prefix, number: n + 1, sequence: sequence, quality: quality)
            if errors != nil {
                // Restore the fixed bases an error may have changed.
                for i in 0..<length where sequence[i] != layout[i] { sequence[i] = layout[i] }
            }
            if n & 0xFFFF == 0 { progress?(n, keys.count) }
        }
        for out in lanes { try out.finish() }
        progress?(keys.count, keys.count)
    }
}

/// Uniform integer in 0..<n for n up to Int.max (GSL's generator gives 32 bits at a time).
@inline(__always)
func uniform(_ n: Int, _ rng: RandomSource) -> Int {
    if n <= Int(UInt32.max) { return rng.uniformInt(n) }
    // Rejection on 64 bits for the rare huge range.
    let limit = UInt64.max - UInt64.max % UInt64(n)
    while true {
        let r = UInt64(rng.bits32()) << 32 | UInt64(rng.bits32())
        if r < limit { return Int(r % UInt64(n)) }
    }
}

extension PhredProfile {
    /// Parses `Q:FREQUENCY,...`.
    public static func parse(_ text: String) throws -> PhredProfile {
        var q: [Int] = [], f: [Double] = []
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let quality = Int(parts[0]), let frequency = Double(parts[1]) else {
                throw BETSeqError(.invalidOption, file: "--phred-profile", "'\(item)' is not Q:FREQUENCY")
            }
            q.append(quality)
            f.append(frequency)
        }
        return try PhredProfile(qualities: q, probabilities: f)
    }
}
