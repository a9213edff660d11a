import IO

// Sequences of up to 32 bases as 2-bit keys: A=0, C=1, G=2, T=3, the first base most significant
// (so sorting keys sorts sequences). Every module that numbers sequences uses these.

/// The 2-bit code (0…3) of base `position` (0-based from the 5′ end) of a `length`-base key.
@inline(__always)
public func baseCode(_ key: UInt64, position: Int, length: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: (key >> UInt64(2 * (length - 1 - position))) & 3)
}

/// Writes the 2-bit codes of a key's bases into `codes[0..<length]`.
@inline(__always)
public func baseCodes(_ key: UInt64, length: Int, into codes: inout [UInt8]) {
    var k = key
    for i in stride(from: length - 1, through: 0, by: -1) {
        codes[i] = UInt8(truncatingIfNeeded: k & 3)
        k >>= 2
    }
}

/// The 2-bit code of an upper-case base letter (A=0 C=1 G=2 T=3); nil for anything else.
@inline(__always)
public func code(ofBase c: UInt8) -> Int? {
    switch c {
    case UInt8(ascii: "A"): return 0
    case UInt8(ascii: "C"): return 1
    case UInt8(ascii: "G"): return 2
    case UInt8(ascii: "T"): return 3
    default: return nil
    }
}

/// Every key of a `length`-base library (4^length of them, in order); `length` at most 16.
public func libraryKeys(length: Int) -> [UInt64] {
    (0..<(UInt64(1) << UInt64(2 * length))).map { $0 }
}

/// Writes a key's `length` bases as ASCII letters into `letters[0..<length]`.
@inline(__always)
public func spell(_ key: UInt64, length: Int, into letters: inout [UInt8]) {
    var k = key
    for i in stride(from: length - 1, through: 0, by: -1) {
        letters[i] = baseLetters[Int(k & 3)]
        k >>= 2
    }
}

private let baseLetters: [UInt8] = Array("ACGT".utf8)

/// Decodes a 2-bit key (first base most significant) into `length` bases.
public func decodeBases(_ key: UInt64, length: Int) -> String {
    var chars = [UInt8](repeating: 0, count: length)
    spell(key, length: length, into: &chars)
    return String(decoding: chars, as: UTF8.self)
}

/// Encodes A/C/G/T (either case) as a 2-bit key; nil for any other character or more than 32 bases.
public func encodeBases<S: StringProtocol>(_ s: S) -> UInt64? {
    guard s.utf8.count <= 32 else { return nil }
    var key: UInt64 = 0
    for c in s.utf8 {
        switch c | 0x20 {
        case UInt8(ascii: "a"): key = key << 2
        case UInt8(ascii: "c"): key = key << 2 | 1
        case UInt8(ascii: "g"): key = key << 2 | 2
        case UInt8(ascii: "t"): key = key << 2 | 3
        default: return nil
        }
    }
    return key
}

/// Writes 2-bit sequence keys (A=0 … T=3, first base most significant) as text quickly: each half
/// of the sequence is looked up in a table.
public struct SequenceSpeller: Sendable {
    let length: Int
    let hiLength: Int
    let hi: [UInt8]
    let lo: [UInt8]
    public init(length: Int) {
        self.length = length
        hiLength = length / 2
        let loLength = length - hiLength
        func table(_ n: Int) -> [UInt8] {
            var t: [UInt8] = []
            let letters = Array("ACGT".utf8)
            for key in 0..<(1 << (2 * n)) {
                for p in 0..<n { t.append(letters[(key >> (2 * (n - 1 - p))) & 3]) }
            }
            return t
        }
        hi = table(hiLength)
        lo = table(loLength)
    }

    public func write(_ key: Int, to out: TextWriter) throws {
        let loLength = length - hiLength
        let h = key >> (2 * loLength), l = key & ((1 << (2 * loLength)) - 1)
        try hi.withUnsafeBufferPointer { try out.write(bytes: UnsafeBufferPointer(rebasing: $0[(h * hiLength)..<((h + 1) * hiLength)])) }
        try lo.withUnsafeBufferPointer { try out.write(bytes: UnsafeBufferPointer(rebasing: $0[(l * loLength)..<((l + 1) * loLength)])) }
    }
}

/// Finds repeated keys in a stream of table rows: free while the keys ascend (the tables betseq
/// writes are sorted), a hash lookup once they do not.
struct RepeatFinder<Key: Hashable & Comparable> {
    private var keys: [Key] = []
    private var lines: [Int] = []
    private var ascending = true
    private var lineOf: [Key: Int] = [:]

    /// The line on which `key` was seen before, or nil (and `key` is remembered on `line`).
    mutating func see(_ key: Key, line: Int) -> Int? {
        if ascending {
            if keys.last.map({ key > $0 }) ?? true {
                keys.append(key)
                lines.append(line)
                return nil
            }
            ascending = false
            lineOf = Dictionary(zip(keys, lines), uniquingKeysWith: { a, _ in a })
            keys = []
            lines = []
        }
        return lineOf.updateValue(line, forKey: key)
    }
}
