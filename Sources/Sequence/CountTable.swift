import IO

/// `counts.tsv`: a `sequence` column, then one non-negative integer column per sample, one row per
/// sequence (A/C/G/T, one length of 1 to 32 bases, each once), as `betseq count`, `betseq run` and
/// the simulator write it. This type is the format's one reader and one writer; sequences are held
/// as 2-bit keys (`SequenceKey.swift`), in file order.
public struct CountTable: Sendable, Equatable {
    /// Bases per sequence.
    public var length: Int
    public var keys: [UInt64]
    public var samples: [String]
    /// `counts[s][row]` is the count of `keys[row]` in `samples[s]`.
    public var counts: [[Int]]

    public init(length: Int, keys: [UInt64], samples: [String], counts: [[Int]]) {
        self.length = length
        self.keys = keys
        self.samples = samples
        self.counts = counts
    }

    /// A table from spelled sequences (A/C/G/T, one length); throws for anything else.
    public init(sequences: [String], samples: [String], counts: [[Int]]) throws {
        let length = sequences.first?.utf8.count ?? 0
        var keys: [UInt64] = []
        for s in sequences {
            guard s.utf8.count == length, length >= 1, let key = encodeBases(s), s.utf8.allSatisfy({ code(ofBase: $0) != nil }) else {
                throw BETSeqError(.invalidBase, file: "count table", "sequence '\(s)': expected 1 to 32 of A, C, G and T, all of one length")
            }
            keys.append(key)
        }
        self.init(length: length, keys: keys, samples: samples, counts: counts)
    }

    /// The sequences, spelled.
    public var sequences: [String] { keys.map { decodeBases($0, length: length) } }

    public func column(_ name: String, file: String = "count table") throws -> [Int] {
        guard let i = samples.firstIndex(of: name) else {
            throw BETSeqError(.invalidOption, file: file,
                              "no column '\(name)'; the table has: \(samples.joined(separator: ", "))")
        }
        return counts[i]
    }

    /// Reads a count table (plain or gzip). Blank lines are skipped; every other row must have one
    /// field per header column and a sequence as described above. With `columns`, only those
    /// samples are read (each must exist; the others may hold anything, as in `ddg.tsv`), in the
    /// order given (once each); otherwise every column after `sequence` must hold counts.
    public static func read(path: String, columns: [String]? = nil) throws -> CountTable {
        try parse(readAllBytes(path: path), name: path, columns: columns)
    }

    /// Parses a count table held in memory (`name` is used in messages).
    public static func parse(_ data: [UInt8], name: String, columns: [String]? = nil) throws -> CountTable {
        var table = CountTable(length: 0, keys: [], samples: [], counts: [])
        var lineNumber = 0
        var headerSeen = false
        var fieldCount = 0
        var wanted: [Int] = []  // field index → sample, or -1
        var repeats = RepeatFinder<UInt64>()
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
            if !headerSeen {
                headerSeen = true
                let names = data[i..<lineEnd].split(separator: 9, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                guard names.first == "sequence", names.count >= 2 else {
                    throw BETSeqError(.malformedTable, file: name, line: lineNumber,
                                      "expected a header 'sequence<TAB>sample…' with at least one sample column")
                }
                if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
                    throw BETSeqError(.malformedTable, file: name, line: lineNumber, "column '\(twice)' appears twice in the header")
                }
                var chosen: [String] = []
                for c in columns ?? Array(names.dropFirst()) where !chosen.contains(c) { chosen.append(c) }
                for c in chosen where !names.dropFirst().contains(c) {
                    throw BETSeqError(.invalidOption, file: name,
                                      "no column '\(c)'; the table has: \(names.dropFirst().joined(separator: ", "))")
                }
                table.samples = chosen
                table.counts = Array(repeating: [], count: chosen.count)
                fieldCount = names.count
                wanted = names.enumerated().map { k, n in k == 0 ? -1 : chosen.firstIndex(of: n) ?? -1 }
                continue
            }
            fields.removeAll(keepingCapacity: true)
            var f = i
            for k in i...lineEnd where k == lineEnd || data[k] == 9 {
                fields.append(f..<k)
                f = k + 1
            }
            guard fields.count == fieldCount else {
                throw BETSeqError(.malformedTable, file: name, line: lineNumber,
                                  "expected \(fieldCount) tab-separated fields, found \(fields.count)")
            }
            table.keys.append(try sequenceKey(data, fields[0], table: &table, line: lineNumber, name: name, repeats: &repeats))
            for (field, r) in fields.enumerated() where wanted[field] >= 0 {
                table.counts[wanted[field]].append(try count(data, r, column: table.samples[wanted[field]], line: lineNumber, name: name))
            }
        }
        if !headerSeen {
            throw BETSeqError(.malformedTable, file: name, "empty file: expected a header 'sequence<TAB>sample…'")
        }
        return table
    }

    /// The key of a row's sequence: A/C/G/T only, the length of the first row, not seen before.
    private static func sequenceKey(_ data: [UInt8], _ r: Range<Int>, table: inout CountTable, line: Int, name: String,
                                    repeats: inout RepeatFinder<UInt64>) throws -> UInt64 {
        guard !r.isEmpty else { throw BETSeqError(.malformedTable, file: name, line: line, "empty sequence field") }
        let text = { String(decoding: data[r], as: UTF8.self) }
        var key: UInt64 = 0
        for k in r {
            guard let c = code(ofBase: data[k]) else {
                throw BETSeqError(.malformedTable, file: name, line: line,
                                  "sequence '\(text())': expected only A, C, G and T (upper case)")
            }
            key = key << 2 | UInt64(c)
        }
        if table.length == 0 {
            guard r.count <= 32 else {
                throw BETSeqError(.malformedTable, file: name, line: line, "sequence of \(r.count) bases; a count table holds 1 to 32")
            }
            table.length = r.count
        }
        guard r.count == table.length else {
            throw BETSeqError(.malformedTable, file: name, line: line,
                              "sequence of \(r.count) bases; the table's first has \(table.length)")
        }
        if let previous = repeats.see(key, line: line) {
            throw BETSeqError(.malformedTable, file: name, line: line, "sequence \(text()) also on line \(previous)")
        }
        return key
    }

    private static func count(_ data: [UInt8], _ r: Range<Int>, column: String, line: Int, name: String) throws -> Int {
        guard !r.isEmpty, r.count <= 18 else {
            throw BETSeqError(.malformedTable, file: name, line: line, "column '\(column)': expected a non-negative integer count")
        }
        var value = 0
        for k in r {
            let d = data[k] &- 48
            guard d < 10 else {
                throw BETSeqError(.malformedTable, file: name, line: line,
                                  "column '\(column)': '\(String(decoding: data[r], as: UTF8.self))' is not a non-negative integer count")
            }
            value = value * 10 + Int(d)
        }
        return value
    }
}

extension CountTable {
    /// Writes this table.
    public func write(path: String) throws {
        try Self.write(path: path, samples: samples, length: length, keys: keys) { row, sample in counts[sample][row] }
    }

    /// The one writer of count tables: the header, then for each of `keys` (in the order given)
    /// its sequence and `count(row, sample)` for every sample.
    public static func write(path: String, samples: [String], length: Int, keys: [UInt64],
                             count: (_ row: Int, _ sample: Int) -> Int) throws {
        guard !samples.isEmpty else { throw BETSeqError(.invalidOption, file: path, "no samples to write") }
        let text = try TextWriter(path: path)
        try text.write("sequence")
        for s in samples { try text.write(byte: 9); try text.write(s) }
        try text.write(byte: 10)
        var bases = [UInt8](repeating: 0, count: length)
        for (row, key) in keys.enumerated() {
            spell(key, length: length, into: &bases)
            try bases.withUnsafeBufferPointer { try text.write(bytes: $0) }
            for s in samples.indices {
                try text.write(byte: 9)
                try text.write(count(row, s))
            }
            try text.write(byte: 10)
        }
        try text.finish()
    }
}
