import IO

/// One sample of a count run: a name and the files whose reads it pools.
public struct SampleSpec: Sendable, Equatable {
    public var name: String
    public var files: [String]
    public init(name: String, files: [String]) {
        self.name = name
        self.files = files
    }

    /// Groups `NAME=FILE[,FILE...]` arguments by name, in order of first appearance (a name given
    /// twice collects all its files).
    public static func parse(_ arguments: [String]) throws -> [SampleSpec] {
        var specs: [SampleSpec] = []
        for arg in arguments {
            guard let eq = arg.firstIndex(of: "=") else {
                throw BETSeqError(.invalidOption, file: "samples", "sample '\(arg)' must be NAME=FILE[,FILE...]")
            }
            let name = String(arg[..<eq])
            let paths = arg[arg.index(after: eq)...].split(separator: ",").map(String.init)
            guard !name.isEmpty, name != "sequence", !name.contains("\t"), !paths.isEmpty else {
                throw BETSeqError(.invalidOption, file: "samples", "sample '\(arg)': need a name (not 'sequence') and at least one file")
            }
            if let k = specs.firstIndex(where: { $0.name == name }) { specs[k].files += paths } else { specs.append(SampleSpec(name: name, files: paths)) }
        }
        guard !specs.isEmpty else { throw BETSeqError(.invalidOption, file: "samples", "give at least one sample NAME=FILE") }
        // A file listed twice in one sample would be counted twice (its reads as PCR duplicates).
        for spec in specs {
            var seen: [String: String] = [:]
            for file in spec.files where file != "-" {
                let key = canonicalPath(file)
                if let first = seen[key] {
                    throw BETSeqError(.invalidOption, file: file, "listed twice in sample '\(spec.name)'\(first == file ? "" : " (as '\(first)')")")
                }
                seen[key] = file
            }
        }
        return specs
    }
}

/// Counts every sample's files with one extractor; `progress(sample, file, reads, done, total)` is
/// called as each file is read. Each sample's UMI pairs are freed when it is done, unless
/// `keepPairs` (to export it as a shard).
public func countSamples(_ samples: [SampleSpec], design: DesignTemplate, options: ExtractionOptions, keepPairs: Bool = false,
                         progress: ((_ sample: String, _ file: String, _ reads: Int, _ done: Int64, _ total: Int64?) -> Void)? = nil)
    throws -> [(name: String, counter: SampleCounter)] {
    let extractor = try ReadExtractor(design: design, options: options)
    return try samples.map { sample in
        let counter = SampleCounter(design: design)
        for file in sample.files {
            try counter.count(path: file, extractor: extractor) { reads, done, total in
                progress?(sample.name, file, reads, done, total)
            }
        }
        if !keepPairs { counter.releasePairs() }
        return (sample.name, counter)
    }
}

/// The per-sample summary of a count run: metrics as rows, samples as columns (`metric` then one
/// column per sample), as TSV that pandas and R read, or aligned for people.
public struct CountSummaryTable: Sendable, Equatable {
    public var rows: [[String]]

    public init(_ counted: [(name: String, counter: SampleCounter)]) {
        var rows = [["metric"] + counted.map(\.name)]
        func row(_ label: String, _ value: (CountSummary) -> Int) {
            rows.append([label] + counted.map { "\(value($0.counter.summary))" })
        }
        row("reads") { $0.reads }
        row("counted") { $0.accepted }
        row("duplicates") { $0.duplicates }
        row("distinct_umis") { $0.distinct }
        for reason in Rejection.allCases {
            row("rejected_\(reason.key)") { $0.rejected(reason) }
        }
        self.rows = rows
    }

    public func write(path: String) throws {
        let text = try TextWriter(path: path)
        try text.write(rows.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n")
        try text.finish()
    }

    /// Reads a summary `write` wrote (every value a non-negative integer).
    public static func read(path: String) throws -> CountSummaryTable {
        let text = String(decoding: try readAllBytes(path: path), as: UTF8.self)
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = rows.first, header.first == "metric", header.count >= 2 else {
            throw BETSeqError(.malformedTable, file: path, line: 1, "expected a count summary: 'metric' and one column per sample")
        }
        for (n, row) in rows.enumerated().dropFirst() {
            guard row.count == header.count, row.dropFirst().allSatisfy({ Int($0).map { $0 >= 0 } ?? false }) else {
                throw BETSeqError(.malformedTable, file: path, line: n + 1, "expected \(header.count) fields: a metric and non-negative counts")
            }
        }
        return CountSummaryTable(rows: rows)
    }

    init(rows: [[String]]) { self.rows = rows }

    /// Sample names, in column order.
    public var samples: [String] { Array(rows.first?.dropFirst() ?? []) }

    /// A metric (`reads`, `counted`, `duplicates`, `distinct_umis`, `rejected_<reason>`) of one sample.
    public func value(_ metric: String, sample: String) -> Int? {
        guard let c = rows.first?.firstIndex(of: sample), let row = rows.first(where: { $0.first == metric }) else { return nil }
        return Int(row[c])
    }

    /// Columns padded to a common width (names left-aligned, numbers right-aligned).
    public var aligned: String {
        let widths = (0..<(rows.first?.count ?? 0)).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
