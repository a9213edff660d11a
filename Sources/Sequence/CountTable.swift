import IO
/// A table of counts as `betseq count` writes it: a `sequence` column, then one integer column per
/// sample. Reads plain or gzip TSV; columns are addressed by header name.
public struct CountTable: Sendable {
    public var sequences: [String]
    public var samples: [String]
    /// `counts[s][row]` is the count of `sequences[row]` in `samples[s]`.
    public var counts: [[Int]]

    public init(sequences: [String], samples: [String], counts: [[Int]]) {
        self.sequences = sequences
        self.samples = samples
        self.counts = counts
    }

    public func column(_ name: String, file: String = "count table") throws -> [Int] {
        guard let i = samples.firstIndex(of: name) else {
            throw BETSeqError(.invalidOption, file: file,
                             "no column '\(name)'; the table has: \(samples.joined(separator: ", "))")
        }
        return counts[i]
    }

    /// Reads a count table. Blank lines are skipped; every other row must have one field per
    /// header column, a non-empty sequence, and non-negative integer counts.
    public static func read(path: String) throws -> CountTable {
        try parse(readAllBytes(path: path), name: path)
    }

    static func parse(_ data: [UInt8], name: String) throws -> CountTable {
        var table = CountTable(sequences: [], samples: [], counts: [])
        var lineNumber = 0
        var headerSeen = false
        var fields: [Range<Int>] = []
        var i = 0
        while i < data.count {
            var j = i
            while j < data.count, data[j] != 10 { j += 1 }
            lineNumber += 1
            var lineEnd = j
            if lineEnd > i, data[lineEnd - 1] == 13 { lineEnd -= 1 }
            defer { i = j + 1 }
            if lineEnd == i { continue }
            fields.removeAll(keepingCapacity: true)
            var f = i
            for k in i...lineEnd where k == lineEnd || data[k] == 9 {
                fields.append(f..<k)
                f = k + 1
            }
            if !headerSeen {
                headerSeen = true
                let names = fields.map { String(decoding: data[$0], as: UTF8.self) }
                guard names.first == "sequence", names.count >= 2 else {
                    throw BETSeqError(.malformedTable, file: name, line: lineNumber,
                                     "expected a header 'sequence<TAB>sample…' with at least one sample column")
                }
                table.samples = Array(names.dropFirst())
                table.counts = Array(repeating: [], count: table.samples.count)
                continue
            }
            guard fields.count == table.samples.count + 1 else {
                throw BETSeqError(.malformedTable, file: name, line: lineNumber,
                                 "expected \(table.samples.count + 1) tab-separated fields, found \(fields.count)")
            }
            guard !fields[0].isEmpty else {
                throw BETSeqError(.malformedTable, file: name, line: lineNumber, "empty sequence field")
            }
            table.sequences.append(String(decoding: data[fields[0]], as: UTF8.self))
            for c in 1..<fields.count {
                var value = 0
                let r = fields[c]
                guard !r.isEmpty, r.count <= 18 else {
                    throw BETSeqError(.malformedTable, file: name, line: lineNumber,
                                     "column '\(table.samples[c - 1])': expected a non-negative integer count")
                }
                for k in r {
                    let d = data[k] &- 48
                    guard d < 10 else {
                        throw BETSeqError(.malformedTable, file: name, line: lineNumber,
                                         "column '\(table.samples[c - 1])': '\(String(decoding: data[r], as: UTF8.self))' is not a non-negative integer count")
                    }
                    value = value * 10 + Int(d)
                }
                table.counts[c - 1].append(value)
            }
        }
        if !headerSeen {
            throw BETSeqError(.malformedTable, file: name, "empty file: expected a header 'sequence<TAB>sample…'")
        }
        return table
    }
}
