import Foundation
import CZlib

/// Little-endian binary records for caches: fixed-width integers, floats and length-prefixed arrays
/// and strings appended to one buffer.
public struct BinaryEncoder {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    public mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func append(_ value: Float) { append(value.bitPattern) }
    public mutating func append(_ value: Bool) { append(UInt8(value ? 1 : 0)) }
    public mutating func append(_ value: String) { append(Array(value.utf8)) }

    /// A count (UInt64) then the elements.
    public mutating func append<T: FixedWidthInteger>(_ values: [T]) {
        append(UInt64(values.count))
        if T.self == UInt8.self || T.self == Int8.self || 1.littleEndian == 1 {
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        } else {
            for v in values { append(v) }
        }
    }
    public mutating func append(_ values: [String]) {
        append(UInt64(values.count))
        for v in values { append(v) }
    }
}

/// Reads what `BinaryEncoder` wrote; every read checks the bounds, so a truncated or corrupt
/// record is a data error naming `file`, never a trap.
public struct BinaryDecoder {
    let bytes: [UInt8]
    let file: String
    public private(set) var offset = 0

    public init(_ bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    public var isAtEnd: Bool { offset == bytes.count }

    private func truncated() -> BETSeqError {
        BETSeqError(.malformedTable, file: file, "binary record truncated at byte \(offset) of \(bytes.count)")
    }

    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - offset >= size else { throw truncated() }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { out in
            for k in 0..<size { out[k] = bytes[offset + k] }
        }
        offset += size
        return T(littleEndian: value)
    }
    public mutating func read(_: Float.Type) throws -> Float { Float(bitPattern: try read(UInt32.self)) }
    public mutating func read(_: Bool.Type) throws -> Bool { try read(UInt8.self) != 0 }
    public mutating func read(_: String.Type) throws -> String { String(decoding: try readArray(UInt8.self), as: UTF8.self) }

    public mutating func readArray<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
        let count = try read(UInt64.self)
        let size = MemoryLayout<T>.size
        guard count <= UInt64((bytes.count - offset) / size) else { throw truncated() }
        let n = Int(count)
        var out = [T](repeating: 0, count: n)
        out.withUnsafeMutableBytes { raw in
            bytes.withUnsafeBytes { src in
                raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<(offset + n * size)]))
            }
        }
        offset += n * size
        if 1.littleEndian != 1 { out = out.map { T(littleEndian: $0) } }
        return out
    }
    public mutating func readStrings() throws -> [String] {
        let count = try read(UInt64.self)
        guard count <= UInt64(bytes.count - offset) / 8 else { throw truncated() }
        return try (0..<Int(count)).map { _ in try read(String.self) }
    }
}

/// A key for content: byte count, CRC-32 and FNV-1a-64 of the bytes, as 32 hex digits. Two
/// different files colliding in all three is not a practical concern for a cache.
public func contentKey(_ bytes: [UInt8]) -> String {
    var fnv: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { fnv = (fnv ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    var crc: UInt = 0
    bytes.withUnsafeBufferPointer { p in
        var rest = p.count, base = p.baseAddress
        crc = crc32(0, nil, 0)
        while rest > 0, let b = base {
            let n = min(rest, 1 << 30)
            crc = crc32(crc, b, uInt(n))
            base = b + n
            rest -= n
        }
    }
    return String(format: "%08x%08x%016llx", UInt32(truncatingIfNeeded: bytes.count), UInt32(truncatingIfNeeded: crc), fnv)
}
