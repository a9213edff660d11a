import Foundation
import IO

/// A list of structures: one path per line, `#` comments and blank lines skipped, relative paths
/// taken relative to the list's folder.
public enum StructureList {
    public static func read(path: String) throws -> [String] {
        let text = String(decoding: try readAllBytes(path: path), as: UTF8.self)
        let folder = (path as NSString).deletingLastPathComponent
        let entries = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !entries.isEmpty else { throw BETSeqError(.malformedTable, file: path, "no structures listed") }
        return entries.map { $0.hasPrefix("/") || folder.isEmpty ? $0 : (folder as NSString).appendingPathComponent($0) }
    }
}
