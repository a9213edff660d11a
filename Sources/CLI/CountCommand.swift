import ArgumentParser
import IO
import Sequence

/// `count` runs `count reads` unless its first argument is `merge`.
struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count variable sequences and distinct UMIs in FASTQ/FASTA reads (plain, gzip or '-').",
        subcommands: [CountReads.self, CountMerge.self], defaultSubcommand: CountReads.self)
}

struct CountReads: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reads",
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

            To count across many jobs (one per lane file, as the Snakemake workflow does), write \
            each file's state with --shard and combine them with 'betseq count merge': the merged \
            table equals one count over all the files, UMIs seen in several lanes counted once.
            """)

    @Option(help: "Design template (default: the published BET-seq amplicon).")
    var design: String = DesignTemplate.betseqTemplate

    @Option(help: "Output TSV ('-' for stdout).")
    var out: String?

    @Option(help: "Write the sample's counted state (reads per sequence, distinct UMIs) here for 'betseq count merge' (one sample).")
    var shard: String?

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
    var qcOffsets = QualityOffsets.intended

    @Option(help: "Also write the per-sample summary as TSV here.")
    var summary: String?

    @Argument(help: "Samples as NAME=FILE[,FILE...].")
    var samples: [String]

    func validate() throws {
        // A malformed sample is reported by run(), as a data error.
        let plan = (try? SampleSpec.parse(samples)) ?? []
        try usageCheck {
            let reads = plan.flatMap { sample in sample.files.map { ("sample '\(sample.name)'", $0) } }
            try checkDistinctOutputs([("--out", out), ("--summary", summary), ("--shard", shard)].compactMap { o, p in p.map { (o, $0) } }, inputs: reads)
        }
        guard out != nil || shard != nil else { throw ValidationError("give --out (a count table) or --shard (a state to merge)") }
        if shard != nil && plan.count > 1 { throw ValidationError("--shard holds one sample; give one NAME=FILE[,FILE...]") }
    }

    func run() throws {
        let template = try DesignTemplate(design)
        var options = ExtractionOptions()
        options.maxMismatches = maxMismatches
        options.minMeanQuality = minMeanQuality
        options.minBaseQuality = minBaseQuality
        options.bothStrands = bothStrands
        options.qualityOffsets = qcOffsets
        let plan = try SampleSpec.parse(samples)
        let meter = FileProgress()
        let counted = try countSamples(plan, design: template, options: options, keepPairs: shard != nil, progress: meter.update)
        meter.finish()
        if let shard { try counted[0].counter.shard(files: plan[0].files, options: options.summary).write(path: shard) }
        try finishCount(counted, reads: reads, out: out, summary: summary)
    }
}

/// The outputs shared by `count` and `count merge`: warnings about the inputs, the table, the
/// summary on stderr and optionally as TSV.
private func finishCount(_ counted: [(name: String, counter: SampleCounter)], reads: Bool, out: String?, summary: String?) throws {
    for (_, counter) in counted {
        for empty in counter.summary.emptyFiles { printErr("betseq: warning: \(empty): no records (empty input)") }
        for fasta in counter.summary.fastaFiles { printErr("betseq: note: \(fasta): FASTA input, quality filters not applied") }
    }
    if let out { try CountTable.write(counted, reads: reads, path: out) }
    let summaryTable = CountSummaryTable(counted)
    printErr(summaryTable.aligned)
    if let summary { try summaryTable.write(path: summary) }
}

struct CountMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge count shards ('betseq count --shard') into one count table.",
        discussion: """
            Each SAMPLE is NAME=SHARD[,SHARD...]: the shards of one sample's files (its lanes). \
            A (sequence, UMI) pair in several shards of a sample is one molecule, so the table and \
            summary equal those of one 'betseq count' over all the files. Every shard must have \
            the same design and read filters.
            """)

    @Argument(help: "Samples as NAME=SHARD[,SHARD...].")
    var samples: [String]

    @Option(help: "Output TSV ('-' for stdout).")
    var out: String

    @Flag(help: "Write read counts instead of distinct-UMI counts.")
    var reads = false

    @Option(help: "Also write the per-sample summary as TSV here.")
    var summary: String?

    func validate() throws {
        try usageCheck {
            let shards = ((try? SampleSpec.parse(samples)) ?? []).flatMap { sample in sample.files.map { ("sample '\(sample.name)'", $0) } }
            try checkDistinctOutputs([("--out", out)] + (summary.map { [("--summary", $0)] } ?? []), inputs: shards)
        }
    }

    func run() throws {
        try finishCount(try mergeShards(SampleSpec.parse(samples)), reads: reads, out: out, summary: summary)
    }
}
