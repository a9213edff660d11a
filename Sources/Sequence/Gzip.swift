import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Streaming gzip decompression with zlib.
///
/// Reads every member of a multi-member file (`cat a.gz b.gz`, bgzip blocks and its empty EOF
/// block). Each member's CRC-32 and length are checked by zlib. Zero bytes after the last member
/// (block-device padding) are ignored; any other trailing bytes, a file that ends inside a member,
/// and corrupt data are typed errors.
public final class GzipSource: ByteSource {
    private let input: ByteSource
    private let name: String
    private var stream = z_stream()
    private let inBuffer: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var betweenMembers = false
    private var finished = false
    private var members = 0
    private var compressedOffset: Int64 = 0

    public init(_ input: ByteSource, name: String, bufferSize: Int = 1 << 18) throws {
        self.input = input
        self.name = name
        inBuffer = .allocate(byteCount: bufferSize, alignment: 64)
        let rc = betseq_inflate_init_gzip(&stream)
        guard rc == Z_OK else {
            inBuffer.deallocate()
            throw InputError(.io, file: name, "zlib could not start (code \(rc))")
        }
    }

    deinit {
        inflateEnd(&stream)
        inBuffer.deallocate()
    }

    public var progress: (done: Int64, total: Int64?) { input.progress }

    /// Members decoded completely so far.
    public var memberCount: Int { members }

    private func refill() throws {
        let n = try input.read(into: inBuffer)
        if n == 0 { inputEnded = true }
        stream.next_in = inBuffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = uInt(n)
    }

    /// Skips zero padding between or after members; returns false at the true end of input.
    private func startNextMember() throws -> Bool {
        while true {
            if stream.avail_in == 0 {
                if inputEnded { return false }
                try refill()
                continue
            }
            guard let p = stream.next_in else { return false }
            if p.pointee == 0 {
                stream.next_in = p + 1
                stream.avail_in -= 1
                compressedOffset += 1
                continue
            }
            guard p.pointee == 0x1f else {
                throw InputError(.trailingData, file: name,
                                 "unexpected data after gzip member \(members) at compressed byte \(compressedOffset)")
            }
            inflateReset(&stream)
            return true
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        let requested = Int(stream.avail_out)
        while stream.avail_out > 0 {
            if betweenMembers {
                guard try startNextMember() else { finished = true; break }
                betweenMembers = false
            }
            if stream.avail_in == 0 {
                if inputEnded {
                    throw InputError(.gzipTruncated, file: name,
                                     "gzip stream ends inside member \(members + 1) (file truncated?)")
                }
                try refill()
                if stream.avail_in == 0 { continue }
            }
            let before = stream.avail_in
            let rc = inflate(&stream, Z_NO_FLUSH)
            compressedOffset += Int64(before - stream.avail_in)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                members += 1
                betweenMembers = true
            case Z_DATA_ERROR:
                let msg = stream.msg.map { String(cString: $0) } ?? "invalid compressed data"
                if msg.contains("check") && !msg.contains("header") {
                    throw InputError(.gzipChecksum, file: name,
                                     "gzip \(msg) in member \(members + 1) (corrupt file)")
                }
                throw InputError(.gzipCorrupt, file: name,
                                 "corrupt gzip data in member \(members + 1) near compressed byte \(compressedOffset): \(msg)")
            case Z_MEM_ERROR:
                throw InputError(.io, file: name, "zlib ran out of memory")
            default:
                throw InputError(.gzipCorrupt, file: name, "zlib error \(rc) in member \(members + 1)")
            }
        }
        return requested - Int(stream.avail_out)
    }
}

/// Something bytes are written to: a file, or a compressor in front of one.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Flushes everything and finishes the stream (for a file: makes it visible under its name).
    func finish() throws
}

/// Gzip compression (one member) in front of another sink.
public final class GzipSink: ByteSink {
    private let sink: ByteSink
    private var stream = z_stream()
    private let outBuffer: UnsafeMutableRawBufferPointer
    private var finished = false

    public init(_ sink: ByteSink, level: Int32 = 6) throws {
        self.sink = sink
        outBuffer = .allocate(byteCount: 1 << 18, alignment: 64)
        guard betseq_deflate_init_gzip(&stream, level) == Z_OK else {
            outBuffer.deallocate()
            throw InputError(.cannotWrite, file: "<gzip>", "zlib could not start a compressor at level \(level)")
        }
    }

    deinit {
        deflateEnd(&stream)
        outBuffer.deallocate()
    }

    private func pump(_ flush: Int32) throws {
        repeat {
            stream.next_out = outBuffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(outBuffer.count)
            let rc = deflate(&stream, flush)
            guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
                throw InputError(.cannotWrite, file: "<gzip>", "zlib deflate failed (code \(rc))")
            }
            let produced = outBuffer.count - Int(stream.avail_out)
            if produced > 0 {
                try sink.write(UnsafeRawBufferPointer(rebasing: outBuffer[0..<produced]))
            }
            if flush == Z_FINISH && rc == Z_STREAM_END { return }
        } while stream.avail_out == 0 || flush == Z_FINISH
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(bytes.count)
        while stream.avail_in > 0 { try pump(Z_NO_FLUSH) }
    }

    public func finish() throws {
        guard !finished else { return }
        finished = true
        stream.next_in = nil
        stream.avail_in = 0
        try pump(Z_FINISH)
        try sink.finish()
    }
}
