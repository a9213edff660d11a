#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A file that appears under its name only when complete: bytes go to a hidden temporary file in
/// the same directory, renamed over the destination by `finish()`. If the writer is dropped
/// without finishing (an error on the way), the temporary file is removed, so no partial output is
/// ever left behind. The path `-` writes straight to standard output.
public final class OutputFile: ByteSink {
    public let path: String
    private let temporaryPath: String?
    private var fd: Int32
    private var done = false

    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 1
            temporaryPath = nil
            return
        }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(name).tmp-XXXXXX".utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw BETSeqError(.cannotWrite, file: path, "cannot create a file in '\(dir)': \(String(cString: strerror(errno)))")
        }
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, 0o644)
    }

    deinit {
        if let temporaryPath, !done {
            close(fd)
            unlink(temporaryPath)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw BETSeqError(.cannotWrite, file: path, "write failed: \(String(cString: strerror(errno)))")
            }
            p += n
            left -= n
        }
    }

    public func finish() throws {
        guard !done else { return }
        guard let temporaryPath else { done = true; return }
        if close(fd) != 0 {
            throw BETSeqError(.cannotWrite, file: path, "close failed: \(String(cString: strerror(errno)))")
        }
        done = true
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw BETSeqError(.cannotWrite, file: path, "cannot move the finished file into place: \(reason)")
        }
    }
}

/// Opens an output, gzip-compressed when the name ends in `.gz`: zlib at `gzipLevel`, or with
/// `fast` ISA-L's level-1 deflate (several times faster, for bulk reads).
public func openOutput(_ path: String, gzipLevel: Int32 = 6, fast: Bool = false) throws -> ByteSink {
    let file = try OutputFile(path: path)
    guard path.hasSuffix(".gz") else { return file }
    return fast ? FastGzipSink(file) : try GzipSink(file, level: gzipLevel)
}

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

/// Writes bytes to `path` atomically (temporary file, then rename; `-` is standard output).
public func writeFile(_ bytes: some Sequence<UInt8>, path: String) throws {
    let out = try OutputFile(path: path)
    try Array(bytes).withUnsafeBytes { try out.write($0) }
    try out.finish()
}

/// Writes a JSON object pretty-printed with sorted keys and a final newline, atomically.
public func writeJSONFile(_ object: Any, path: String) throws {
    var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    data.append(10)
    try writeFile(data, path: path)
}

/// JSON for typed values: pretty-printed with sorted keys and a final newline (stable bytes for the
/// same value), slashes unescaped, and decoding errors as one line that names the file and the key.
public enum JSONFile {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(value)
        data.append(10)
        return data
    }

    /// Writes `value` atomically (temporary file, then rename; `-` is standard output).
    public static func write<T: Encodable>(_ value: T, path: String) throws {
        try writeFile(encode(value), path: path)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw BETSeqError(.malformedTable, file: file, describe(error))
        }
    }

    /// Reads and decodes a whole file.
    public static func read<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        try decode(type, from: Data(readAllBytes(path: path)), file: path)
    }

    /// One line for a decoding error: what was expected where.
    public static func describe(_ error: DecodingError) -> String {
        func place(_ path: [CodingKey]) -> String {
            let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the top level" : "'\(text.hasPrefix(".") ? String(text.dropFirst()) : text)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' in \(place(context.codingPath))"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(place(context.codingPath)): expected \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "invalid JSON"
        }
    }
}
