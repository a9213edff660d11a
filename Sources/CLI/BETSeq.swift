import ArgumentParser

@main
struct BETSeq: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "betseq",
        abstract: "BET-seq: from sequencing reads to protein–DNA binding energies (ΔΔG).",
        discussion: """
            Typical run:
              betseq simulate --landscape normal:1 --depth 2e7 --fastq --out sim/
              betseq count --out counts.tsv input=input.fastq.gz bound=bound.fastq.gz
              betseq ddg counts.tsv --bound bound --reference input --out ddg.tsv
              betseq fit linear --features di ddg.tsv --out model.json
              betseq predict model.json --all --out predicted.tsv
            """,
        version: BETSeq.version,
        subcommands: [Count.self, DDG.self, SimulateCommand.self, Fit.self, Predict.self, ReportCommand.self, Pipeline.self, ContactsCommand.self])

    static let version = "0.4.0"

    static func main() {
        BLASEnvironment.prepare()
        main(nil)
    }
}
