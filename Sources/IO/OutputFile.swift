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
            throw BETSeqError(.cannotCreate, file: path, "cannot create a file in '\(dir)': \(String(cString: strerror(errno)))")
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
            throw BETSeqError(.cannotCreate, file: path, "cannot move the finished file into place: \(reason)")
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

/// Writes bytes to `path` atomically (temporary file, then rename; `-` is standard output).
public func writeFile(_ bytes: some Sequence<UInt8>, path: String) throws {
    let out = try OutputFile(path: path)
    try Array(bytes).withUnsafeBytes { try out.write($0) }
    try out.finish()
}

/// Creates a directory and any missing parents (an existing directory is fine); failures are
/// `cannotCreate` errors naming the path and the system's reason.
public func makeDirectory(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
        prefix += component
        var info = stat()
        if stat(prefix, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw BETSeqError(.cannotCreate, file: path, "cannot create the directory: '\(prefix)' is not a directory")
            }
        } else if mkdir(prefix, 0o777) != 0 && errno != EEXIST {
            throw BETSeqError(.cannotCreate, file: path, "cannot create the directory '\(prefix)': \(String(cString: strerror(errno)))")
        }
        prefix += "/"
    }
}
