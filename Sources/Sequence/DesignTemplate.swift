import IO
/// The layout of a sequenced amplicon.
///
/// One character per read position: `A`/`C`/`G`/`T` must match (anchors), `N` is a variable base
/// (the library sequence), `U` a UMI base, `.` any base. The variable bases are read 5'→3' and
/// concatenated, so `ATCNNNNNCACGTGNNNNNCTA` yields 10-base sequences; likewise the UMI.
/// The *core* is the stretch from the first to the last `N`; its anchors are quality-checked with
/// the variable and UMI bases.
public struct DesignTemplate: Sendable, Equatable, CustomStringConvertible {
    /// The published BET-seq layout: UMI bases 25, 24 and 13 before `ATC` and 12, 23 and 24 after
    /// the end of `CTA`.
    public static let betseqTemplate =
        "UU..........U............ATCNNNNNCACGTGNNNNNCTA............U..........UU"
    public static let betseq: DesignTemplate = {
        // The literal above is valid by construction; a failure here would be a programming error
        // caught by the test suite, so fall back to an inert design instead of trapping.
        (try? DesignTemplate(betseqTemplate)) ?? DesignTemplate(unchecked: Array(betseqTemplate.utf8))
    }()

    public let template: String
    public var length: Int { pattern.count }
    let pattern: [UInt8]
    /// Template offsets of variable (`N`) and UMI (`U`) bases, 5'→3'.
    public let variableOffsets: [Int]
    public let umiOffsets: [Int]
    /// Anchor offsets and their bases, 5'→3'.
    public let anchorOffsets: [Int]
    let anchorBases: [UInt8]
    /// Offsets whose PHRED is checked: every `N` and `U`, plus anchors inside the core.
    public let qualityCheckedOffsets: [Int]
    /// The longest run of consecutive anchors; searched first when no mismatches are allowed.
    let seedOffset: Int
    let seed: [UInt8]

    public var description: String { template }

    public init(_ template: String) throws {
        let bytes = Array(template.utf8)
        for (i, c) in bytes.enumerated() where !"ACGTNU.".utf8.contains(c) {
            throw BETSeqError(.invalidDesign, file: "design",
                             "character '\(printable(c))' at position \(i + 1) of the template; expected A, C, G, T, N, U or '.'")
        }
        self.init(unchecked: bytes)
        if variableOffsets.isEmpty {
            throw BETSeqError(.invalidDesign, file: "design", "the template has no variable base 'N'")
        }
        if anchorOffsets.isEmpty {
            throw BETSeqError(.invalidDesign, file: "design", "the template has no anchor base (A, C, G or T) to locate it in a read")
        }
        if variableOffsets.count + umiOffsets.count > 32 {
            throw BETSeqError(.invalidDesign, file: "design",
                             "\(variableOffsets.count) variable + \(umiOffsets.count) UMI bases; at most 32 together are supported")
        }
    }

    init(unchecked bytes: [UInt8]) {
        pattern = bytes
        template = String(decoding: bytes, as: UTF8.self)
        variableOffsets = bytes.indices.filter { bytes[$0] == UInt8(ascii: "N") }
        umiOffsets = bytes.indices.filter { bytes[$0] == UInt8(ascii: "U") }
        anchorOffsets = bytes.indices.filter { "ACGT".utf8.contains(bytes[$0]) }
        anchorBases = anchorOffsets.map { bytes[$0] }
        let core = (variableOffsets.first ?? 0)...(variableOffsets.last ?? 0)
        qualityCheckedOffsets = bytes.indices.filter {
            bytes[$0] == UInt8(ascii: "N") || bytes[$0] == UInt8(ascii: "U")
                || (core.contains($0) && "ACGT".utf8.contains(bytes[$0]))
        }
        // Longest run of consecutive anchor positions.
        var best = (offset: 0, length: 0)
        var i = 0
        while i < bytes.count {
            guard "ACGT".utf8.contains(bytes[i]) else { i += 1; continue }
            var j = i
            while j < bytes.count, "ACGT".utf8.contains(bytes[j]) { j += 1 }
            if j - i > best.length { best = (i, j - i) }
            i = j
        }
        seedOffset = best.offset
        seed = Array(bytes[best.offset..<(best.offset + best.length)])
    }

    public static func == (a: DesignTemplate, b: DesignTemplate) -> Bool { a.pattern == b.pattern }

    /// Number of variable bases (the length of a library sequence).
    public var variableLength: Int { variableOffsets.count }
    public var umiLength: Int { umiOffsets.count }
}
