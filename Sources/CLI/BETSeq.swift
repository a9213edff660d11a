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
            """,
        subcommands: [Count.self, DDG.self, SimulateCommand.self])

    static func main() {
        BLASEnvironment.prepare()
        main(nil)
    }
}
