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

    /// Parses a count table held in memory (`name` is used in messages).
    public static func parse(_ data: [UInt8], name: String) throws -> CountTable {
        var table = CountTable(sequences: [], samples: [], counts: [])
        var lineNumber = 0
        var headerSeen = false
        var fields: [Range<Int>] = []
        var byKey = RepeatFinder<UInt64>(), byText = RepeatFinder<String>()
        var firstLength = -1
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
                if let twice = table.samples.first(where: { name in table.samples.filter { $0 == name }.count > 1 }) {
                    throw BETSeqError(.malformedTable, file: name, line: lineNumber, "column '\(twice)' appears twice in the header")
                }
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
            // Sequences as 'betseq count' writes them: A/C/G/T, one length, each once (duplicates
            // found by 2-bit key up to 32 bases, by text beyond).
            let sequence = fields[0]
            var key: UInt64 = 0
            for k in sequence {
                let code: UInt64
                switch data[k] {
                case 65: code = 0
                case 67: code = 1
                case 71: code = 2
                case 84: code = 3
                default:
                    throw BETSeqError(.malformedTable, file: name, line: lineNumber,
                                      "sequence '\(String(decoding: data[sequence], as: UTF8.self))': expected only A, C, G and T (upper case)")
                }
                key = key << 2 | code
            }
            if firstLength < 0 { firstLength = sequence.count }
            guard sequence.count == firstLength else {
                throw BETSeqError(.malformedTable, file: name, line: lineNumber,
                                  "sequence of \(sequence.count) bases; the table's first has \(firstLength)")
            }
            let text = String(decoding: data[sequence], as: UTF8.self)
            let previous = sequence.count <= 32 ? byKey.see(key, line: lineNumber) : byText.see(text, line: lineNumber)
            if let previous {
                throw BETSeqError(.malformedTable, file: name, line: lineNumber, "sequence \(text) also on line \(previous)")
            }
            table.sequences.append(text)
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
