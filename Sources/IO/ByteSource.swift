#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes read into caller-owned buffers, so a parser can reuse one buffer for a whole file.
public protocol ByteSource: AnyObject {
    /// Copies up to `buffer.count` bytes into `buffer`; returns the number copied, 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes of the underlying file consumed so far and its size when known (for progress and ETA).
    var progress: (done: Int64, total: Int64?) { get }
}

/// Reads a file descriptor (a path, or standard input for `-`).
public final class FileSource: ByteSource {
    public let path: String
    private let fd: Int32
    private var done: Int64 = 0
    private let size: Int64?

    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 0
        } else {
            fd = open(path, O_RDONLY)
            if fd < 0 {
                throw BETSeqError(.cannotOpen, file: path, String(cString: strerror(errno)))
            }
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
            size = Int64(st.st_size)
        } else {
            size = nil
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            if fd > 0 { close(fd) }
            throw BETSeqError(.cannotOpen, file: path, "is a directory")
        }
    }

    deinit {
        if fd > 0 { close(fd) }
    }

    public var progress: (done: Int64, total: Int64?) { (done, size) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 {
                done += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw BETSeqError(.io, file: path, "read failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// Replays bytes already read (for magic-byte sniffing on pipes) before the rest of a source.
final class PrefixedSource: ByteSource {
    private var prefix: [UInt8]
    private var offset = 0
    private let rest: ByteSource

    init(prefix: [UInt8], rest: ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    var progress: (done: Int64, total: Int64?) { rest.progress }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let dst = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if offset < prefix.count {
            let n = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { src in
                if let from = src.baseAddress { dst.copyMemory(from: from + offset, byteCount: n) }
            }
            offset += n
            return n
        }
        return try rest.read(into: buffer)
    }
}

/// Opens `path` (or `-` for standard input), detecting gzip by its magic bytes (1f 8b), never by
/// the file name. Gzip input is decompressed on a background thread so that parsing on the calling
/// thread overlaps with inflation.
public func openInput(_ path: String, prefetch: Bool = true) throws -> ByteSource {
    try openInput(source: FileSource(path: path), name: path, prefetch: prefetch)
}

/// The same detection over any source (`name` is used in messages).
public func openInput(source file: ByteSource, name path: String, prefetch: Bool = true) throws -> ByteSource {
    var head = [UInt8](repeating: 0, count: 6)
    var got = 0
    while got < head.count {
        let n = try head.withUnsafeMutableBytes { buf in
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[got...]))
        }
        if n == 0 { break }
        got += n
    }
    head.removeLast(head.count - got)
    // Other compressions are named, rather than read as text that makes no sense.
    for (magic, name, tool) in [([0x42, 0x5A, 0x68] as [UInt8], "bzip2", "bunzip2"), ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz", "unxz"),
                                ([0x28, 0xB5, 0x2F, 0xFD], "zstd", "unzstd"), ([0x50, 0x4B, 0x03, 0x04], "zip", "unzip")]
    where head.starts(with: magic) {
        throw BETSeqError(.unknownFormat, file: path, "\(name)-compressed; betseq reads plain or gzip files (decompress with \(tool), or recompress with gzip)")
    }
    let source = PrefixedSource(prefix: head, rest: file)
    guard got >= 2, head[0] == 0x1f, head[1] == 0x8b else { return source }
    let gz = try GzipSource(source, name: path)
    return prefetch ? PrefetchSource(gz) : gz
}

/// Every byte of an input (plain or gzip, `-` for stdin), for tables small enough to hold whole.
public func readAllBytes(path: String) throws -> [UInt8] {
    let source = try openInput(path)
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { break }
        data.append(contentsOf: chunk[0..<n])
    }
    return data
}

/// Bytes already in memory, as a source (tests and fuzzing feed parsers this way).
public final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var progress: (done: Int64, total: Int64?) { (Int64(offset), Int64(bytes.count)) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let dst = buffer.baseAddress else { return 0 }
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            if let from = src.baseAddress { dst.copyMemory(from: from + offset, byteCount: n) }
        }
        offset += n
        return n
    }
}
