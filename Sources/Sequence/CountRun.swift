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

/// A row of `count_summary.tsv`: what happened to a sample's reads.
public enum CountMetric: Hashable, Sendable {
    case reads, counted, duplicates, distinctUMIs
    case rejected(Rejection)

    /// Every metric, in the order of the file's rows.
    public static let allCases: [CountMetric] = [.reads, .counted, .duplicates, .distinctUMIs] + Rejection.allCases.map { .rejected($0) }

    /// The row's name in the file.
    public var key: String {
        switch self {
        case .reads: return "reads"
        case .counted: return "counted"
        case .duplicates: return "duplicates"
        case .distinctUMIs: return "distinct_umis"
        case .rejected(let reason): return "rejected_\(reason.key)"
        }
    }

    public init?(key: String) {
        guard let metric = Self.allCases.first(where: { $0.key == key }) else { return nil }
        self = metric
    }

    public func value(in summary: CountSummary) -> Int {
        switch self {
        case .reads: return summary.reads
        case .counted: return summary.accepted
        case .duplicates: return summary.duplicates
        case .distinctUMIs: return summary.distinct
        case .rejected(let reason): return summary.rejected(reason)
        }
    }
}

/// `count_summary.tsv`, the per-sample summary of a count run: metrics as rows, samples as columns
/// (`metric` then one column per sample), as TSV that pandas and R read, or aligned for people.
/// This type is the file's one reader and writer.
public struct CountSummaryTable: Sendable, Equatable {
    public var samples: [String]
    /// Per metric, one value per sample.
    public var values: [CountMetric: [Int]]

    public init(_ counted: [(name: String, counter: SampleCounter)]) {
        samples = counted.map(\.name)
        values = Dictionary(uniqueKeysWithValues: CountMetric.allCases.map { m in (m, counted.map { m.value(in: $0.counter.summary) }) })
    }

    /// The file's cells, header first.
    var rows: [[String]] {
        [["metric"] + samples] + CountMetric.allCases.map { m in [m.key] + (values[m] ?? []).map(String.init) }
    }

    public func write(path: String) throws {
        let text = try TextWriter(path: path)
        try text.write(rows.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n")
        try text.finish()
    }

    /// Reads a summary `write` wrote: every metric once, every value a non-negative integer.
    public static func read(path: String) throws -> CountSummaryTable {
        let text = String(decoding: try readAllBytes(path: path), as: UTF8.self)
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = rows.first, header.first == "metric", header.count >= 2 else {
            throw BETSeqError(.malformedTable, file: path, line: 1, "expected a count summary: 'metric' and one column per sample")
        }
        var table = CountSummaryTable(samples: Array(header.dropFirst()), values: [:])
        for (n, row) in rows.enumerated().dropFirst() {
            let counts = row.dropFirst().compactMap { Int($0) }.filter { $0 >= 0 }
            guard row.count == header.count, counts.count == header.count - 1 else {
                throw BETSeqError(.malformedTable, file: path, line: n + 1, "expected \(header.count) fields: a metric and non-negative counts")
            }
            guard let metric = CountMetric(key: row[0]), table.values[metric] == nil else {
                throw BETSeqError(.malformedTable, file: path, line: n + 1,
                                  "metric '\(row[0])': expected each of \(CountMetric.allCases.map(\.key).joined(separator: ", ")) once")
            }
            table.values[metric] = counts
        }
        if let missing = CountMetric.allCases.first(where: { table.values[$0] == nil }) {
            throw BETSeqError(.malformedTable, file: path, "no row '\(missing.key)'")
        }
        return table
    }

    init(samples: [String], values: [CountMetric: [Int]]) {
        self.samples = samples
        self.values = values
    }

    /// A metric of one sample.
    public func value(_ metric: CountMetric, sample: String) -> Int? {
        guard let c = samples.firstIndex(of: sample) else { return nil }
        return values[metric]?[c]
    }

    /// A metric summed over every sample.
    public func total(_ metric: CountMetric) -> Int { (values[metric] ?? []).reduce(0, +) }

    /// Columns padded to a common width (names left-aligned, numbers right-aligned).
    public var aligned: String {
        let rows = rows
        let widths = (0..<(rows.first?.count ?? 0)).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
