import CISAL
import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Streaming gzip decompression with Intel ISA-L (igzip), about three times faster than zlib.
///
/// Reads every member of a multi-member file (`cat a.gz b.gz`, bgzip blocks and its empty EOF
/// block); each member's CRC-32 is verified. Zero bytes after the last member (block-device
/// padding) are ignored; any other trailing bytes, a file that ends inside a member, and corrupt
/// data are typed errors.
public final class GzipSource: ByteSource {
    private let input: ByteSource
    private let name: String
    private let state: UnsafeMutablePointer<inflate_state>
    /// `history` bytes of already consumed input are kept in front of each refill, so that bytes
    /// igzip buffered beyond the end of a member (at most 8) can be handed back for the next one.
    private static let history = 8
    private let inBuffer: UnsafeMutableRawBufferPointer
    private var consumedBeforeNext = 0
    private var inputEnded = false
    private var betweenMembers = false
    private var finished = false
    private var members = 0
    private var compressedOffset: Int64 = 0

    public init(_ input: ByteSource, name: String, bufferSize: Int = 1 << 18) throws {
        self.input = input
        self.name = name
        inBuffer = .allocate(byteCount: bufferSize + Self.history, alignment: 64)
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        state.pointee.next_in = inBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_in = 0
    }

    deinit {
        state.deallocate()
        inBuffer.deallocate()
    }

    public var progress: (done: Int64, total: Int64?) { input.progress }

    /// Members decoded completely so far.
    public var memberCount: Int { members }

    private func refill() throws {
        guard let base = inBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let next = state.pointee.next_in else { return }
        let keep = min(Self.history, consumedBeforeNext)
        if keep > 0 { memmove(base + Self.history - keep, next - keep, keep) }
        let n = try input.read(into: UnsafeMutableRawBufferPointer(
            rebasing: inBuffer[Self.history...]))
        if n == 0 { inputEnded = true }
        state.pointee.next_in = base + Self.history
        state.pointee.avail_in = UInt32(n)
        consumedBeforeNext = keep
    }

    private func consume(_ n: Int) {
        state.pointee.next_in = state.pointee.next_in.map { $0 + n }
        state.pointee.avail_in -= UInt32(n)
        consumedBeforeNext += n
        compressedOffset += Int64(n)
    }

    /// Skips zero padding between or after members; returns false at the true end of input.
    private func startNextMember() throws -> Bool {
        while true {
            if state.pointee.avail_in == 0 {
                if inputEnded { return false }
                try refill()
                continue
            }
            guard let p = state.pointee.next_in else { return false }
            if p.pointee == 0 {
                consume(1)
                continue
            }
            guard p.pointee == 0x1f else {
                throw BETSeqError(.trailingData, file: name,
                                 "unexpected data after gzip member \(members) at compressed byte \(compressedOffset)")
            }
            let next = state.pointee.next_in, avail = state.pointee.avail_in
            isal_inflate_reset(state)
            state.pointee.crc_flag = UInt32(ISAL_GZIP)
            state.pointee.next_in = next
            state.pointee.avail_in = avail
            return true
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let requested = min(buffer.count, Int(UInt32.max))
        state.pointee.next_out = out.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(requested)
        while state.pointee.avail_out > 0 {
            if betweenMembers {
                guard try startNextMember() else { finished = true; break }
                betweenMembers = false
            }
            if state.pointee.avail_in == 0 && !inputEnded { try refill() }
            let inBefore = state.pointee.avail_in, outBefore = state.pointee.avail_out
            let rc = isal_inflate(state)
            // Signed, and checked: on some damaged streams igzip leaves avail_in beyond what it was
            // given, and nothing it reports after that can be trusted.
            let used = Int(inBefore) - Int(state.pointee.avail_in)
            guard used >= 0 else {
                throw BETSeqError(.gzipCorrupt, file: name,
                                  "corrupt gzip data in member \(members + 1) near compressed byte \(compressedOffset) (the decoder lost its place)")
            }
            consumedBeforeNext += used
            compressedOffset += Int64(used)
            if rc < 0 {
                if rc == ISAL_INCORRECT_CHECKSUM {
                    throw BETSeqError(.gzipChecksum, file: name,
                                     "gzip CRC-32 mismatch in member \(members + 1) (corrupt file)")
                }
                throw BETSeqError(.gzipCorrupt, file: name,
                                 "corrupt gzip data in member \(members + 1) near compressed byte \(compressedOffset) (igzip code \(rc))")
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                // Hand back whole bytes igzip read ahead into its bit buffer: they start the next member.
                let extra = Int(state.pointee.read_in_length) / 8
                if extra > 0 {
                    state.pointee.next_in = state.pointee.next_in.map { $0 - extra }
                    state.pointee.avail_in += UInt32(extra)
                    consumedBeforeNext -= extra
                    compressedOffset -= Int64(extra)
                }
                state.pointee.read_in = 0
                state.pointee.read_in_length = 0
                members += 1
                betweenMembers = true
                continue
            }
            if state.pointee.avail_out == outBefore && state.pointee.avail_in == inBefore {
                if inputEnded && inBefore == 0 {
                    throw BETSeqError(.gzipTruncated, file: name,
                                     "gzip stream ends inside member \(members + 1) (file truncated?)")
                }
                if inBefore > 0 {
                    throw BETSeqError(.gzipCorrupt, file: name,
                                     "gzip decoder made no progress in member \(members + 1) near compressed byte \(compressedOffset)")
                }
            }
        }
        return requested - Int(state.pointee.avail_out)
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
            throw BETSeqError(.cannotWrite, file: "<gzip>", "zlib could not start a compressor at level \(level)")
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
                throw BETSeqError(.cannotWrite, file: "<gzip>", "zlib deflate failed (code \(rc))")
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

/// Gzip compression with ISA-L's igzip at level 1: several times faster than zlib at a similar
/// ratio, for bulk output such as simulated FASTQ. Any gzip reader reads it.
public final class FastGzipSink: ByteSink {
    private let sink: ByteSink
    private let stream: UnsafeMutablePointer<isal_zstream>
    private let levelBuffer: UnsafeMutableRawBufferPointer
    private let outBuffer: UnsafeMutableRawBufferPointer
    private var finished = false

    public init(_ sink: ByteSink) {
        self.sink = sink
        stream = .allocate(capacity: 1)
        isal_deflate_init(stream)
        levelBuffer = .allocate(byteCount: Int(betseq_isal_level1_buffer_size()), alignment: 64)
        outBuffer = .allocate(byteCount: 1 << 18, alignment: 64)
        stream.pointee.gzip_flag = UInt16(IGZIP_GZIP)
        stream.pointee.level = 1
        stream.pointee.level_buf = levelBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.level_buf_size = UInt32(levelBuffer.count)
        stream.pointee.flush = UInt16(NO_FLUSH)
        stream.pointee.end_of_stream = 0
    }

    deinit {
        stream.deallocate()
        levelBuffer.deallocate()
        outBuffer.deallocate()
    }

    private func pump() throws {
        stream.pointee.next_out = outBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(outBuffer.count)
        let rc = isal_deflate(stream)
        guard rc == COMP_OK else {
            throw BETSeqError(.cannotWrite, file: "<gzip>", "ISA-L deflate failed (code \(rc))")
        }
        let produced = outBuffer.count - Int(stream.pointee.avail_out)
        if produced > 0 { try sink.write(UnsafeRawBufferPointer(rebasing: outBuffer[0..<produced])) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = UInt32(bytes.count)
        while stream.pointee.avail_in > 0 { try pump() }
    }

    public func finish() throws {
        guard !finished else { return }
        finished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        stream.pointee.end_of_stream = 1
        repeat { try pump() } while betseq_isal_deflate_finished(stream) == 0
        try sink.finish()
    }
}

/// Inflates a whole zlib stream (RFC 1950, as in PNG's IDAT chunks) of known decompressed size.
public func zlibInflate(_ data: [UInt8], size: Int, name: String = "<zlib>") throws -> [UInt8] {
    var out = [UInt8](repeating: 0, count: size)
    var length = uLongf(size)
    let status = out.withUnsafeMutableBufferPointer { o in
        data.withUnsafeBufferPointer { uncompress(o.baseAddress, &length, $0.baseAddress, uLong($0.count)) }
    }
    guard status == Z_OK, Int(length) == size else {
        throw BETSeqError(.gzipCorrupt, file: name, "zlib stream does not inflate to \(size) bytes (status \(status))")
    }
    return out
}
