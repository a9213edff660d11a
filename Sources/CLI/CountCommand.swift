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
    var qcOffsets = QualityOffsets.intended

    @Option(help: "Also write the per-sample summary as TSV here.")
    var summary: String?

    @Argument(help: "Samples as NAME=FILE[,FILE...].")
    var samples: [String]

    func validate() throws {
        try usageCheck {
            // A malformed sample is reported by run(), as a data error.
            let reads = ((try? SampleSpec.parse(samples)) ?? []).flatMap { sample in sample.files.map { ("sample '\(sample.name)'", $0) } }
            try checkDistinctOutputs([("--out", out)] + (summary.map { [("--summary", $0)] } ?? []), inputs: reads)
        }
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
        var meter: ProgressMeter?
        var current = ""
        let counted = try countSamples(plan, design: template, options: options) { sample, file, reads, done, total in
            if current != sample + "\t" + file {
                meter?.finish()
                meter = ProgressMeter(label: "\(sample) \(file)")
                current = sample + "\t" + file
            }
            meter?.update(items: reads, unit: "reads", done: done, total: total)
        }
        meter?.finish()
        for (_, counter) in counted {
            for empty in counter.summary.emptyFiles { printErr("betseq: warning: \(empty): no records (empty input)") }
            for fasta in counter.summary.fastaFiles { printErr("betseq: note: \(fasta): FASTA input, quality filters not applied") }
        }
        try writeCountTable(counted, reads: reads, to: out)
        let summaryTable = CountSummaryTable(counted)
        printErr(summaryTable.aligned)
        if let summary { try summaryTable.write(path: summary) }
    }
}
