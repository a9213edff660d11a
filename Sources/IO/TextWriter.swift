#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Buffered text formatting into a sink, with allocation-free integer and fixed-point output
/// (the bulk of a million-row TSV).
public final class TextWriter {
    private let sink: ByteSink
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity = 1 << 16
    private var count = 0

    public init(_ sink: ByteSink) {
        self.sink = sink
        buffer = .allocate(capacity: capacity)
    }

    public convenience init(path: String) throws {
        try self.init(openOutput(path))
    }

    deinit { buffer.deallocate() }

    private func flush() throws {
        if count > 0 {
            try sink.write(UnsafeRawBufferPointer(start: buffer, count: count))
            count = 0
        }
    }

    @inline(__always)
    private func reserve(_ n: Int) throws {
        if count + n > capacity { try flush() }
    }

    public func write(bytes: UnsafeBufferPointer<UInt8>) throws {
        if bytes.count > capacity {
            try flush()
            try sink.write(UnsafeRawBufferPointer(bytes))
            return
        }
        try reserve(bytes.count)
        if let base = bytes.baseAddress { (buffer + count).update(from: base, count: bytes.count) }
        count += bytes.count
    }

    public func write(_ s: String) throws {
        var s = s
        try s.withUTF8 { try write(bytes: $0) }
    }

    @inline(__always)
    public func write(byte: UInt8) throws {
        try reserve(1)
        buffer[count] = byte
        count += 1
    }

    public func write(_ value: Int) throws {
        try reserve(21)
        var v = value.magnitude
        if value < 0 { buffer[count] = UInt8(ascii: "-"); count += 1 }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            } while v > 0
            for i in 0..<n { buffer[count + i] = d[n - 1 - i] }
        }
        count += n
    }

    /// Writes `value` rounded to `decimals` places (0...9), e.g. `-0.123457`. NaN and infinities are
    /// written as `nan`, `inf`, `-inf`, which pandas and R read back.
    public func write(_ value: Double, decimals: Int = 6) throws {
        if value.isNaN { return try write("nan") }
        if value.isInfinite { return try write(value < 0 ? "-inf" : "inf") }
        let places = max(0, min(9, decimals))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value.magnitude * scale).rounded()
        if scaled >= 9.0e18 { return try write(value.description) }
        let whole = UInt64(scaled)
        let unit = UInt64(scale)
        if value < 0 && whole != 0 { try write(byte: UInt8(ascii: "-")) }
        try write(Int(whole / unit))
        guard places > 0 else { return }
        try reserve(places + 1)
        buffer[count] = UInt8(ascii: ".")
        var frac = whole % unit
        for i in stride(from: places, through: 1, by: -1) {
            buffer[count + i] = UInt8(ascii: "0") + UInt8(frac % 10)
            frac /= 10
        }
        count += places + 1
    }

    /// Writes `value` in scientific notation with `digits` significant digits (1...17), e.g.
    /// `3.14159e-05`; zero is written as `0`, non-finite values as in `write(_:decimals:)`.
    public func write(scientific value: Double, digits: Int = 6) throws {
        if value.isNaN { return try write("nan") }
        if value.isInfinite { return try write(value < 0 ? "-inf" : "inf") }
        if value == 0 { return try write(byte: UInt8(ascii: "0")) }
        let d = max(1, min(17, digits))
        let magnitude = value.magnitude
        var exponent = Int(log10(magnitude).rounded(.down))
        var mantissa = magnitude / pow(10, Double(exponent))
        if mantissa < 1 { mantissa *= 10; exponent -= 1 }
        if mantissa >= 10 { mantissa /= 10; exponent += 1 }
        var scale: UInt64 = 1
        for _ in 1..<d { scale *= 10 }
        var m = UInt64((mantissa * Double(scale)).rounded())
        if m >= 10 * scale { m /= 10; exponent += 1 }
        if value < 0 { try write(byte: UInt8(ascii: "-")) }
        try write(Int(m / scale))
        if d > 1 {
            try reserve(d)
            buffer[count] = UInt8(ascii: ".")
            var frac = m % scale
            for i in stride(from: d - 1, through: 1, by: -1) {
                buffer[count + i] = UInt8(ascii: "0") + UInt8(frac % 10)
                frac /= 10
            }
            count += d
        }
        try write(byte: UInt8(ascii: "e"))
        try write(byte: UInt8(ascii: exponent < 0 ? "-" : "+"))
        if exponent.magnitude < 10 { try write(byte: UInt8(ascii: "0")) }
        try write(Int(exponent.magnitude))
    }

    /// Flushes and finishes the sink (renaming a temporary file into place).
    public func finish() throws {
        try flush()
        try sink.finish()
    }
}
