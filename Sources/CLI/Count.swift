import ArgumentParser
import IO
import Sequence

struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count variable sequences and distinct UMIs in FASTQ/FASTA reads (plain, gzip or '-').",
        discussion: """
            Each SAMPLE is NAME=FILE[,FILE...]; a name given twice collects all its files. Reads are \
            matched against the design template (leftmost match of its anchor bases) and filtered: \
            mean PHRED ≥ --min-mean-quality, every variable, UMI and core anchor base ≥ \
            --min-base-quality, the whole template inside the read, only A/C/G/T in the variable \
            region and UMI. Output: TSV 'sequence' + one column per sample (distinct UMIs, or reads \
            with --reads), sorted by sequence. A summary of reads seen, kept and rejected per reason \
            goes to stderr.

            Template characters: A/C/G/T anchor (must match), N variable base, U UMI base, '.' any.
            """)

    @Option(help: "Design template (default: the published BET-seq amplicon).")
    var design: String = DesignTemplate.betseqTemplate

    @Option(help: "Output TSV ('-' for stdout).")
    var out: String

    @Flag(help: "Write read counts instead of distinct-UMI counts.")
    var reads = false

    @Flag(help: "Also search the reverse complement of reads with no forward match.")
    var bothStrands = false

    @Option(help: "Anchor mismatches allowed.")
    var maxMismatches = 0

    @Option(help: "Minimum mean PHRED over the whole read.")
    var minMeanQuality = 30.0

    @Option(help: "Minimum PHRED of each variable, UMI and core anchor base.")
    var minBaseQuality = 30

    @Option(help: "intended: check the UMI bases' own qualities; published: reproduce the published script's 3' offsets.")
    var qcOffsets: String = "intended"

    @Option(help: "Also write the per-sample summary as TSV here.")
    var summary: String?

    @Argument(help: "Samples as NAME=FILE[,FILE...].")
    var samples: [String]

    func run() throws {
        let template = try DesignTemplate(design)
        var options = ExtractionOptions()
        options.maxMismatches = maxMismatches
        options.minMeanQuality = minMeanQuality
        options.minBaseQuality = minBaseQuality
        options.bothStrands = bothStrands
        guard let offsets = QualityOffsets(rawValue: qcOffsets) else {
            throw ValidationError("--qc-offsets must be 'intended' or 'published'")
        }
        options.qualityOffsets = offsets
        let plan = try parseSamples(samples)
        let extractor = try ReadExtractor(design: template, options: options)

        var counted: [(name: String, counter: SampleCounter)] = []
        for (name, files) in plan {
            let counter = SampleCounter(design: template)
            for file in files {
                let meter = ProgressMeter(label: "\(name) \(file)")
                try counter.count(path: file, extractor: extractor) { reads, done, total in
                    meter.update(items: reads, unit: "reads", done: done, total: total)
                }
                meter.finish()
            }
            for empty in counter.summary.emptyFiles { printErr("betseq: warning: \(empty): no records (empty input)") }
            for fasta in counter.summary.fastaFiles { printErr("betseq: note: \(fasta): FASTA input, quality filters not applied") }
            counted.append((name, counter))
        }
        try writeCountTable(counted, reads: reads, to: out)
        let rows = summaryRows(counted)
        printErr(aligned(rows))
        if let summary {
            let text = try TextWriter(path: summary)
            try text.write(rows.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n")
            try text.finish()
        }
    }

    /// Groups NAME=FILE[,FILE] arguments by name, in order of first appearance.
    func parseSamples(_ args: [String]) throws -> [(String, [String])] {
        var order: [String] = []
        var files: [String: [String]] = [:]
        for arg in args {
            guard let eq = arg.firstIndex(of: "=") else {
                throw ValidationError("sample '\(arg)' must be NAME=FILE[,FILE...]")
            }
            let name = String(arg[..<eq])
            let paths = arg[arg.index(after: eq)...].split(separator: ",").map(String.init)
            guard !name.isEmpty, name != "sequence", !name.contains("\t"), !paths.isEmpty else {
                throw ValidationError("sample '\(arg)': need a name (not 'sequence') and at least one file")
            }
            if files[name] == nil { order.append(name) }
            files[name, default: []] += paths
        }
        guard !order.isEmpty else { throw ValidationError("give at least one sample NAME=FILE") }
        return order.map { ($0, files[$0] ?? []) }
    }

    /// Metrics as rows, samples as columns: TSV that pandas/R read, and aligned text for people.
    func summaryRows(_ counted: [(name: String, counter: SampleCounter)]) -> [[String]] {
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
        return rows
    }

    func aligned(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
