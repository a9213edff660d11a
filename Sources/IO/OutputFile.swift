#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A file that appears under its name only when complete: bytes go to a hidden temporary file in
/// the same directory, renamed over the destination by `finish()`. If the writer is dropped
/// without finishing (an error on the way), the temporary file is removed, so no partial output is
/// ever left behind.
///
/// What is already at the path is respected: `-` is standard output; a device, FIFO or socket is
/// written through (never replaced); a symbolic link is followed, so its target is replaced and
/// the link stays; an existing file keeps its permissions. A directory is refused.
public final class OutputFile: ByteSink {
    public let path: String
    /// Where the finished file goes (the path, or a link's target); nil when writing through.
    private let destination: String?
    private let temporaryPath: String?
    private var fd: Int32
    private var done = false

    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 1
            temporaryPath = nil
            destination = nil
            return
        }
        let target = try Self.resolveLinks(path)
        var info = stat()
        var mode: mode_t = 0o644
        if stat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                mode = info.st_mode & 0o7777
            case S_IFDIR:
                throw BETSeqError(.cannotCreate, file: path, "is a directory")
            default:
                // Devices, FIFOs and sockets are written through, as a shell redirection would.
                fd = open(target, O_WRONLY | O_CLOEXEC)
                if fd < 0 { throw BETSeqError(.cannotCreate, file: path, "cannot open for writing: \(String(cString: strerror(errno)))") }
                temporaryPath = nil
                destination = nil
                return
            }
        }
        let slash = target.lastIndex(of: "/")
        let dir = slash.map { String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(name).tmp-XXXXXX".utf8CString)
        fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        if fd < 0 {
            throw BETSeqError(.cannotCreate, file: path, "cannot create a file in '\(dir.isEmpty ? "/" : dir)': \(String(cString: strerror(errno)))")
        }
        temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        destination = target
        fchmod(fd, mode)
    }

    /// The path with every symbolic link followed (also a dangling one: its target is created).
    static func resolveLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { return current }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") {
                current = link
            } else {
                let dir = current.lastIndex(of: "/").map { String(current[...$0]) } ?? ""
                current = dir + link
            }
        }
        throw BETSeqError(.cannotCreate, file: path, "too many levels of symbolic links")
    }

    deinit {
        guard !done else { return }
        if let temporaryPath {
            close(fd)
            unlink(temporaryPath)
        } else if fd != 1 {
            close(fd)
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
        guard let temporaryPath, let destination else {
            done = true
            if fd != 1 && close(fd) != 0 {
                throw BETSeqError(.cannotWrite, file: path, "close failed: \(String(cString: strerror(errno)))")
            }
            return
        }
        if close(fd) != 0 {
            done = true
            unlink(temporaryPath)
            throw BETSeqError(.cannotWrite, file: path, "close failed: \(String(cString: strerror(errno)))")
        }
        done = true
        if rename(temporaryPath, destination) != 0 {
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

/// The path with links, `.` and `..` resolved when it exists (or its folder does), else as given:
/// for telling whether two names are one file.
public func canonicalPath(_ path: String) -> String {
    if let real = realpath(path, nil) {
        defer { free(real) }
        return String(cString: real)
    }
    let slash = path.lastIndex(of: "/")
    let dir = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    if let real = realpath(dir.isEmpty ? "/" : dir, nil) {
        defer { free(real) }
        return String(cString: real) + "/" + name
    }
    return path
}

/// Throws a usage error when two of a command's outputs are one file (the second would silently
/// replace the first; `-`, standard output, may appear once), or when an output is one of the
/// files the command reads (it would be replaced by what was computed from it). Inputs and outputs
/// are compared as files (device and inode), so symlinks, hard links and other spellings of a
/// path count; devices and FIFOs are written through, never replaced, so they are not compared.
public func checkDistinctOutputs(_ outputs: [(option: String, path: String)],
                                 inputs: [(option: String, path: String)] = []) throws {
    var seen: [String: String] = [:]
    for (option, path) in outputs {
        let key = path == "-" ? "-" : canonicalPath(path)
        if let first = seen[key] {
            throw BETSeqError(.invalidOption, file: path, "\(first) and \(option) name the same file")
        }
        seen[key] = option
    }
    func regularFile(_ path: String) -> (dev_t, ino_t)? {
        var info = stat()
        guard path != "-", stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return (info.st_dev, info.st_ino)
    }
    let read = inputs.compactMap { input in regularFile(input.path).map { (input, $0) } }
    for (option, path) in outputs {
        guard let file = regularFile(path) else { continue }
        if let (input, _) = read.first(where: { $0.1 == file }) {
            throw BETSeqError(.invalidOption, file: path, "\(option) is also an input (\(input.option) \(input.path)); writing it would destroy what is read")
        }
    }
}
