import IO

/// Which read positions the 3' UMI quality check looks at.
public enum QualityOffsets: String, Sendable, CaseIterable {
    /// The UMI bases themselves, as the method describes (default).
    case intended
    /// The published script's quirk: the 3' UMI qualities are read at `start+23`, `start+24` and
    /// `start+12` (`start` = the first base of `ATC`) while the UMI bases come from `end+12`,
    /// `end+23`, `end+24`. Only meaningful for the BET-seq design.
    case published
}

/// Read filters and search options for `ReadExtractor`.
public struct ExtractionOptions: Sendable {
    /// Anchor mismatches allowed (0 = exact).
    public var maxMismatches = 0
    /// Reads whose mean PHRED is below this are rejected.
    public var minMeanQuality = 30.0
    /// Reads with any checked base (variable, UMI, core anchor) below this PHRED are rejected.
    public var minBaseQuality = 30
    /// Also search the reverse complement when the forward strand has no match.
    public var bothStrands = false
    public var qualityOffsets = QualityOffsets.intended
    public init() {}
}

/// Why a read was not counted, in the order the checks run.
public enum Rejection: Int, Sendable, CaseIterable, CustomStringConvertible {
    case lowMeanQuality, noMatch, runsOffRead, lowBaseQuality, ambiguousBase
    /// Short machine-readable name, e.g. for summary tables.
    public var key: String {
        switch self {
        case .lowMeanQuality: return "mean_quality"
        case .noMatch: return "no_match"
        case .runsOffRead: return "runs_off_read"
        case .lowBaseQuality: return "base_quality"
        case .ambiguousBase: return "ambiguous_base"
        }
    }

    public var description: String {
        switch self {
        case .lowMeanQuality: return "mean quality below threshold"
        case .noMatch: return "template not found"
        case .runsOffRead: return "template runs off the read"
        case .lowBaseQuality: return "low-quality variable/UMI/core base"
        case .ambiguousBase: return "non-ACGT base in variable region or UMI"
        }
    }
}

/// The outcome for one read: the 2-bit-encoded variable sequence and UMI (A=0 C=1 G=2 T=3, first
/// base most significant), or why it was rejected.
public enum Extraction: Equatable, Sendable {
    case accepted(variable: UInt64, umi: UInt64)
    case rejected(Rejection)
}

/// Finds a design in reads and pulls out the variable sequence and UMI.
///
/// Search: the leftmost placement whose anchors all lie inside the read and match (with at most
/// `maxMismatches` mismatches; case-insensitive). A placement whose whole template does not fit
/// the read is rejected (never wrapped around). Checks run in `Rejection` order.
public final class ReadExtractor {
    public let design: DesignTemplate
    public let options: ExtractionOptions
    private let anchorOffsets: [Int]
    private let anchorBases: [UInt8]
    private let checked: [Int]
    private let variableOffsets: [Int]
    private let umiOffsets: [Int]
    private let seed: [UInt8]
    private let seedOffset: Int
    private let firstAnchor: Int
    private let lastAnchor: Int
    private let code: [UInt8]
    private var rcSequence: [UInt8] = []
    private var rcQuality: [UInt8] = []

    public init(design: DesignTemplate, options: ExtractionOptions = .init()) throws {
        self.design = design
        self.options = options
        anchorOffsets = design.anchorOffsets
        anchorBases = design.anchorBases
        variableOffsets = design.variableOffsets
        umiOffsets = design.umiOffsets
        seed = design.seed
        seedOffset = design.seedOffset
        firstAnchor = design.anchorOffsets.first ?? 0
        lastAnchor = design.anchorOffsets.last ?? 0
        var code = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ACGT".utf8.enumerated() {
            code[Int(c)] = UInt8(i)
            code[Int(c | 0x20)] = UInt8(i)
        }
        self.code = code
        // More mismatches than that and a placement needs no majority of matching anchors, so reads
        // are found anywhere and the variable bases are noise.
        let anchors = design.anchorOffsets.count, allowed = (anchors - 1) / 2
        guard options.maxMismatches >= 0, options.maxMismatches <= allowed else {
            throw BETSeqError(.invalidOption, file: "--max-mismatches",
                              "\(options.maxMismatches): the design has \(anchors) anchor bases, so 0 to \(allowed) (fewer than half) may mismatch")
        }
        guard options.minMeanQuality.isFinite, (0...93).contains(options.minMeanQuality) else {
            throw BETSeqError(.invalidOption, file: "--min-mean-quality", "\(options.minMeanQuality): expected a PHRED score from 0 to 93")
        }
        guard (0...93).contains(options.minBaseQuality) else {
            throw BETSeqError(.invalidOption, file: "--min-base-quality", "\(options.minBaseQuality): expected a PHRED score from 0 to 93")
        }
        var checked = design.qualityCheckedOffsets
        if options.qualityOffsets == .published {
            guard design == .betseq else {
                throw BETSeqError(.invalidOption, file: "options",
                                 "published QC offsets reproduce a quirk of the BET-seq script and apply only to the default design")
            }
            // Replace the three 3' UMI offsets by the positions the published script checked.
            let start = design.anchorOffsets[0]
            let trailing = Set(design.umiOffsets.suffix(3))
            checked = checked.filter { !trailing.contains($0) } + [start + 23, start + 24, start + 12]
        }
        self.checked = checked
    }

    /// Classifies one read. `quality` is PHRED+33; pass nil (FASTA) to skip the quality checks.
    public func extract(sequence: UnsafeBufferPointer<UInt8>, quality: UnsafeBufferPointer<UInt8>?) -> Extraction {
        if let quality, !meanQualityPasses(quality) { return .rejected(.lowMeanQuality) }
        if let p = locate(sequence) {
            return classify(sequence, quality, at: p)
        }
        guard options.bothStrands else { return .rejected(.noMatch) }
        return reverseComplementExtract(sequence, quality)
    }

    private func reverseComplementExtract(_ sequence: UnsafeBufferPointer<UInt8>,
                                          _ quality: UnsafeBufferPointer<UInt8>?) -> Extraction {
        let n = sequence.count
        if rcSequence.count < n {
            rcSequence = [UInt8](repeating: 0, count: n)
            rcQuality = [UInt8](repeating: 0, count: n)
        }
        return rcSequence.withUnsafeMutableBufferPointer { rs in
            rcQuality.withUnsafeMutableBufferPointer { rq in
                for i in 0..<n {
                    rs[n - 1 - i] = complement(sequence[i])
                    if let quality { rq[n - 1 - i] = quality[i] }
                }
                let s = UnsafeBufferPointer(rebasing: rs[0..<n])
                let q = quality == nil ? nil : UnsafeBufferPointer(rebasing: rq[0..<n])
                guard let p = locate(s) else { return .rejected(.noMatch) }
                return classify(s, q, at: p)
            }
        }
    }

    @inline(__always)
    private func meanQualityPasses(_ q: UnsafeBufferPointer<UInt8>) -> Bool {
        if q.isEmpty { return false }
        var sum = 0
        for c in q { sum &+= Int(c) }
        return Double(sum - 33 * q.count) >= options.minMeanQuality * Double(q.count)
    }

    @inline(__always)
    private func upper(_ c: UInt8) -> UInt8 { c & 0xDF }

    /// Leftmost template start (may be negative) whose anchors match inside the read.
    func locate(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = s.count
        let pMin = -firstAnchor
        let pMax = n - 1 - lastAnchor
        guard pMax >= pMin else { return nil }
        return anchorBases.withUnsafeBufferPointer { bases in
            anchorOffsets.withUnsafeBufferPointer { offsets -> Int? in
                if options.maxMismatches == 0 {
                    return seed.withUnsafeBufferPointer { seed -> Int? in
                        let first = seed[0]
                        let m = seed.count
                        var q = pMin + seedOffset
                        let qMax = pMax + seedOffset
                        search: while q <= qMax {
                            if upper(s[q]) != first { q += 1; continue }
                            var k = 1
                            while k < m {
                                if upper(s[q + k]) != seed[k] { q += 1; continue search }
                                k += 1
                            }
                            let p = q - seedOffset
                            for a in 0..<offsets.count where upper(s[p + offsets[a]]) != bases[a] {
                                q += 1
                                continue search
                            }
                            return p
                        }
                        return nil
                    }
                }
                let limit = options.maxMismatches
                for p in pMin...pMax {
                    var mismatches = 0
                    for a in 0..<offsets.count where upper(s[p + offsets[a]]) != bases[a] {
                        mismatches += 1
                        if mismatches > limit { break }
                    }
                    if mismatches <= limit { return p }
                }
                return nil
            }
        }
    }

    private func classify(_ s: UnsafeBufferPointer<UInt8>, _ q: UnsafeBufferPointer<UInt8>?, at p: Int) -> Extraction {
        if p < 0 || p + design.length > s.count { return .rejected(.runsOffRead) }
        if let q {
            let threshold = UInt8(clamping: options.minBaseQuality + 33)
            for off in checked where q[p + off] < threshold { return .rejected(.lowBaseQuality) }
        }
        return code.withUnsafeBufferPointer { code in
            var variable: UInt64 = 0
            var umi: UInt64 = 0
            var bad: UInt8 = 0
            for off in variableOffsets {
                let c = code[Int(s[p + off])]
                bad |= c
                variable = variable << 2 | UInt64(c & 3)
            }
            for off in umiOffsets {
                let c = code[Int(s[p + off])]
                bad |= c
                umi = umi << 2 | UInt64(c & 3)
            }
            return bad > 3 ? .rejected(.ambiguousBase) : .accepted(variable: variable, umi: umi)
        }
    }
}

/// Watson–Crick complement of an IUPAC code, preserving case (N, S, W map to themselves).
@inline(__always)
public func complement(_ c: UInt8) -> UInt8 { complementTable[Int(c)] }

private let complementTable: [UInt8] = {
    var t = (0...255).map { UInt8($0) }
    for (a, b) in zip("ACGTURYKMBVDH".utf8, "TGCAAYRMKVBHD".utf8) {
        t[Int(a)] = b
        t[Int(a | 0x20)] = b | 0x20
    }
    return t
}()
