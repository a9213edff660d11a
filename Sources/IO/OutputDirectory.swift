#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A folder of outputs that appears complete or not at all: files are written into a hidden
/// temporary folder inside it and moved into place by `commit`, which also removes the files of an
/// earlier run that this run did not write (so a rerun without, say, reads leaves no stale reads
/// beside new counts). Only the names the caller owns are ever removed; other files in the folder
/// are left alone. Dropped without `commit`, the temporary folder goes, and so does the folder
/// itself if this run created it.
public final class OutputDirectory {
    public let path: String
    private let staging: String
    private let owned: [String]
    private let created: Bool
    private var committed = false

    /// `owned`: every file name this kind of output may write.
    public init(path: String, owned: [String]) throws {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        self.owned = owned
        var info = stat()
        created = stat(self.path, &info) != 0
        try makeDirectory(self.path)
        // Checked before any work: an output name taken by a folder could not be replaced at the end.
        for name in owned {
            if stat("\(self.path)/\(name)", &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                throw BETSeqError(.cannotCreate, file: "\(self.path)/\(name)", "is a directory")
            }
        }
        var template = Array("\(self.path)/.betseq-tmp-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }) != nil else {
            let reason = String(cString: strerror(errno))
            if created { rmdir(self.path) }
            throw BETSeqError(.cannotCreate, file: self.path, "cannot create a temporary folder: \(reason)")
        }
        staging = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Where to write `name` before the commit.
    public func file(_ name: String) -> String { "\(staging)/\(name)" }

    /// Moves the written files into place and removes owned files this run did not write.
    public func commit() throws {
        let written = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
        for name in written.sorted() where rename("\(staging)/\(name)", "\(path)/\(name)") != 0 {
            throw BETSeqError(.cannotCreate, file: "\(path)/\(name)", "cannot move the finished file into place: \(String(cString: strerror(errno)))")
        }
        for name in owned where !written.contains(name) {
            var info = stat()
            if lstat("\(path)/\(name)", &info) == 0, info.st_mode & S_IFMT == S_IFREG { unlink("\(path)/\(name)") }
        }
        rmdir(staging)
        committed = true
    }

    deinit {
        guard !committed else { return }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [] { unlink("\(staging)/\(name)") }
        rmdir(staging)
        if created { rmdir(path) }
    }
}

/// Removes the regular files `names` in `folder` (links, folders and anything else are left), then
/// the folder itself when it is left empty and `folderToo`.
public func removeOwnedFiles(_ names: [String], in folder: String, folderToo: Bool = false) {
    for name in names {
        var info = stat()
        if lstat("\(folder)/\(name)", &info) == 0, info.st_mode & S_IFMT == S_IFREG { unlink("\(folder)/\(name)") }
    }
    if folderToo { rmdir(folder) }
}
