import Foundation
import IO
import Sequence

/// A simulated study's experiment (`betseq simulate --replicates N --lanes M`): replicates share
/// the landscape, abundances and equilibrium and differ in sampling; each fraction's reads are
/// dealt to `lanes` FASTQ files. Writes truth.tsv, simulation.json (replicate 1's), counts.tsv
/// (columns `<fraction>_<replicate>`), `<fraction>_<replicate>_L<lane>.fastq.gz` and samples.tsv,
/// a sample sheet for `betseq run` (paths relative to it).
public struct SimulatedExperiment: Sendable {
    public static let truthName = "truth.tsv", metadataName = "simulation.json", countsName = "counts.tsv"
    public static let sheetName = "samples.tsv"

    public var replicates = 1
    public var lanes = 1
    public var experiment: String
    public var protein: String?
    public init(experiment: String) { self.experiment = experiment }

    /// Every file name such a folder may hold for these fractions.
    public func outputs(fractions: [String]) -> [String] {
        var names = [Self.truthName, Self.metadataName, Self.countsName, Self.sheetName]
        for f in fractions {
            for r in 1...max(1, replicates) { for l in 1...max(1, lanes) { names.append(laneFile(f, r, l)) } }
        }
        return names
    }

    func laneFile(_ fraction: String, _ replicate: Int, _ lane: Int) -> String {
        "\(SampleSheet.countColumn(fraction: fraction, replicate: String(replicate)))_L\(lane).fastq.gz"
    }

    /// Throws a usage error for an experiment that cannot be written.
    func validate() throws {
        guard (1...100).contains(replicates), (1...100).contains(lanes) else {
            throw BETSeqError(.invalidOption, file: "--replicates", "replicates and lanes must be 1 to 100")
        }
        guard SampleSheet.isValidName(experiment) else {
            throw BETSeqError(.invalidOption, file: "--experiment", "'\(experiment)': use letters, digits, '.', '_' or '-'")
        }
        if let protein, protein.contains(where: { $0 == "\t" || $0.isNewline }) || protein.isEmpty {
            throw BETSeqError(.invalidOption, file: "--protein-name", "'\(protein)': a name without tabs or line breaks")
        }
    }
}

func runSimulatedExperiment(_ r: SimulationRequest, _ x: SimulatedExperiment,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SimulationReport {
    try x.validate()
    let clock = Date()
    var settings = r.settings
    settings.design = r.landscape.design
    settings.seed = r.landscape.seed
    settings.conditions.rt = r.landscape.rt
    let (landscape, note) = try r.landscape.resolve()
    let landscapeSeconds = Date().timeIntervalSince(clock)
    let results = try (0..<x.replicates).map { k -> SimulationResult in
        var s = settings
        s.replicate = UInt64(k)
        return try simulate(landscape: landscape, settings: s)
    }
    let writing = Date()
    let synthesizer = try ReadSynthesizer(design: settings.design)
    let fractionNames = results[0].fractions.map(\.name)
    try checkDistinctOutputs(x.outputs(fractions: fractionNames).map { ("--out", (r.out as NSString).appendingPathComponent($0)) },
                             inputs: [("--landscape", r.landscape.spec)])
    let folder = try OutputDirectory(path: r.out, owned: x.outputs(fractions: fractionNames))
    let dir = folder.path
    typealias X = SimulatedExperiment
    var files = [X.truthName, X.countsName, X.metadataName, X.sheetName].map { "\(dir)/\($0)" }
    try results[0].writeTruth(path: folder.file(X.truthName))
    try results[0].metadata(fastq: true, errors: r.errors != nil, reads: r.reads).write(path: folder.file(X.metadataName))

    // counts.tsv: every replicate's fractions, as `betseq run` names its columns.
    let columns = (0..<x.replicates).flatMap { k in
        results[k].fractions.map { (SampleSheet.countColumn(fraction: $0.name, replicate: String(k + 1)), $0.counts(reads: r.reads)) }
    }
    try CountTable.write(path: folder.file(X.countsName), length: landscape.length, speciesColumns: columns)

    var sheet: [SampleSheet.Row] = []
    var jobs: [@Sendable () throws -> Void] = []
    let totalReads = results.reduce(0) { $0 + $1.fractions.reduce(0) { $0 + $1.totalReads } }
    let written = Tally(count: results.count * fractionNames.count)
    nonisolated(unsafe) let writer = synthesizer
    for (k, result) in results.enumerated() {
        for (j, fraction) in result.fractions.enumerated() {
            let names = (1...x.lanes).map { x.laneFile(fraction.name, k + 1, $0) }
            guard let kind = SampleSheet.Fraction(rawValue: fraction.name) else {
                throw BETSeqError(.invalidOption, file: r.out, "fraction '\(fraction.name)' has no sample-sheet name")
            }
            for name in names {
                sheet.append(SampleSheet.Row(experiment: x.experiment, replicate: String(k + 1), fraction: kind, fastq: name,
                                             design: settings.design.template, protein: x.protein ?? x.experiment))
                files.append("\(dir)/\(name)")
            }
            let paths = names.map { folder.file($0) }
            let slot = k * fractionNames.count + j
            jobs.append { [errors = r.errors, seed = settings.seed] in
                try writer.writeFASTQ(fraction, lanes: paths, errors: errors, seed: seed, stream: 100 + UInt64(j) + 1000 * UInt64(k)) { n, _ in
                    progress?(written.set(slot, n), totalReads)
                }
            }
        }
    }
    try writeFile(Array(SampleSheet.format(rows: sheet).utf8), path: folder.file(X.sheetName))
    let frozen = jobs
    try parallelJobs(frozen.count, threads: 2) { j, _ in try frozen[j]() }
    try folder.commit()
    return SimulationReport(result: results[0], landscapeNote: note, warnings: [], files: files,
                            seconds: (landscapeSeconds, Date().timeIntervalSince(writing)))
}
