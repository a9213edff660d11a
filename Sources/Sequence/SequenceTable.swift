import IO
#if canImport(Glibc)
import Glibc
#endif

/// A TSV keyed by a `sequence` column, with chosen numeric columns: what `betseq ddg`, `betseq
/// predict` and `betseq simulate` (truth.tsv) write. Sequences are stored as 2-bit keys (A=0 … T=3,
/// first base most significant), as `betseq count` numbers them.
public struct SequenceTable: Sendable {
    public var length: Int
    public var keys: [UInt64]
    /// Requested columns, in the order asked for.
    public var columns: [[Double]]
    public var columnNames: [String]
    /// Every column name in the header.
    public var header: [String]

    /// Reads `path` (plain or gzip). `required` columns must exist; `optional` ones are read when
    /// present (check `column(_:)`). Values may be `nan`/`inf` (as pandas writes them); rows must
    /// have every header field, sequences one length and only A/C/G/T (at most 32 bases).
    public static func read(path: String, required: [String], optional: [String] = []) throws -> SequenceTable {
        var data = try readAllBytes(path: path)
        data.append(0)  // strtod stops at the terminator at the very end
        return try parse(data, name: path, required: required, optional: optional)
    }

    /// The column names of a table's header line (reads only the start of the file).
    public static func header(path: String) throws -> [String] {
        let source = try openInput(path)
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while !data.contains(10) {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        let line = data.split(separator: 10, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        var text = String(decoding: line, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }

    /// Parses a table held in memory (`name` is used in messages).
    public static func parse(bytes: [UInt8], name: String, required: [String], optional: [String] = []) throws -> SequenceTable {
        try parse(bytes + [0], name: name, required: required, optional: optional)
    }

    public func column(_ name: String) -> [Double]? {
        columnNames.firstIndex(of: name).map { columns[$0] }
    }

    static func parse(_ data: [UInt8], name: String, required: [String], optional: [String]) throws -> SequenceTable {
        var table = SequenceTable(length: 0, keys: [], columns: [], columnNames: [], header: [])
        var code = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ACGT".utf8.enumerated() {
            code[Int(c)] = UInt8(i)
            code[Int(c | 0x20)] = UInt8(i)
        }
        let end = data.count - 1
        try data.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            var i = 0
            var line = 0
            var wanted: [Int] = []  // field index → output column, or -1
            var fieldCount = 0
            var sequenceField = 0
            var repeats = RepeatFinder<UInt64>()
            while i < end {
                var j = i
                while j < end && buf[j] != 10 { j += 1 }
                line += 1
                var lineEnd = j
                if lineEnd > i && buf[lineEnd - 1] == 13 { lineEnd -= 1 }
                defer { i = j + 1 }
                if lineEnd == i { continue }
                if table.header.isEmpty {
                    let names = String(decoding: UnsafeBufferPointer(rebasing: buf[i..<lineEnd]), as: UTF8.self)
                        .split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                    guard let s = names.firstIndex(of: "sequence") else {
                        throw BETSeqError(.malformedTable, file: name, line: line, "no 'sequence' column in the header")
                    }
                    if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
                        throw BETSeqError(.malformedTable, file: name, line: line, "column '\(twice)' appears twice in the header")
                    }
                    for r in required where !names.contains(r) {
                        throw BETSeqError(.malformedTable, file: name, line: line,
                                         "no column '\(r)'; the table has: \(names.joined(separator: ", "))")
                    }
                    table.header = names
                    sequenceField = s
                    fieldCount = names.count
                    let chosen = required + optional.filter { names.contains($0) && !required.contains($0) }
                    table.columnNames = chosen
                    table.columns = chosen.map { _ in [] }
                    wanted = names.map { n in chosen.firstIndex(of: n) ?? -1 }
                    continue
                }
                var field = 0
                var f = i
                var k = i
                while true {
                    if k == lineEnd || buf[k] == 9 {
                        guard field < fieldCount else {
                            throw BETSeqError(.malformedTable, file: name, line: line, "more fields than the header's \(fieldCount)")
                        }
                        if field == sequenceField {
                            let n = k - f
                            if table.length == 0 {
                                guard n >= 1 && n <= 32 else {
                                    throw BETSeqError(.malformedTable, file: name, line: line, "sequence of \(n) bases; expected 1 to 32")
                                }
                                table.length = n
                            } else if n != table.length {
                                throw BETSeqError(.malformedTable, file: name, line: line,
                                                 "sequence of \(n) bases; earlier rows have \(table.length)")
                            }
                            var key: UInt64 = 0
                            for p in f..<k {
                                let c = code[Int(buf[p])]
                                guard c < 4 else {
                                    throw BETSeqError(.invalidBase, file: name, line: line, "'\(Character(UnicodeScalar(buf[p])))' in a sequence; expected A, C, G or T")
                                }
                                key = key << 2 | UInt64(c)
                            }
                            let previous = repeats.see(key, line: line)
                            if let previous {
                                let text = String(decoding: UnsafeBufferPointer(rebasing: buf[f..<k]), as: UTF8.self)
                                throw BETSeqError(.malformedTable, file: name, line: line, "sequence \(text) also on line \(previous)")
                            }
                            table.keys.append(key)
                        } else if wanted[field] >= 0 {
                            var stop: UnsafeMutablePointer<CChar>? = nil
                            let start = UnsafeMutableRawPointer(mutating: base + f).assumingMemoryBound(to: CChar.self)
                            let v = strtod(start, &stop)
                            let consumed = stop.map { UnsafeRawPointer($0) - UnsafeRawPointer(base + f) } ?? 0
                            guard k > f, consumed == k - f else {
                                let text = String(decoding: UnsafeBufferPointer(rebasing: buf[f..<k]), as: UTF8.self)
                                throw BETSeqError(.malformedTable, file: name, line: line,
                                                 "'\(text)' in column '\(table.header[field])' is not a number")
                            }
                            table.columns[wanted[field]].append(v)
                        }
                        field += 1
                        if k == lineEnd { break }
                        f = k + 1
                    }
                    k += 1
                }
                guard field == fieldCount else {
                    throw BETSeqError(.malformedTable, file: name, line: line, "\(field) fields; the header has \(fieldCount)")
                }
            }
        }
        guard !table.header.isEmpty else { throw BETSeqError(.malformedTable, file: name, "empty table (no header)") }
        return table
    }
}
