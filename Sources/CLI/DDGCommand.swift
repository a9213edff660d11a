import Affinity
import ArgumentParser
import IO
import Sequence

struct DDG: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddg",
        abstract: "Estimate ΔΔG per sequence from bound and reference counts.",
        discussion: """
            ΔΔG = −RT·ln((B/ΣB)/(U/ΣU)), mean-centred over the reported sequences (kcal/mol; more \
            negative binds tighter), with standard error RT·sqrt(1/B + 1/U). Several bound/reference \
            pairs (comma-separated, in matching order) are replicates, combined by inverse-variance \
            weighting. Without a pseudocount, sequences with a zero count are dropped and counted in \
            the summary. Output columns: sequence, ddg, se, then the count columns used.
            """)

    @Argument(help: "Count table from 'betseq count'.")
    var counts: String

    @Option(help: "Bound sample column(s), comma-separated for replicates.")
    var bound: String

    @Option(help: "Reference (input or unbound) column(s), in the same order as --bound.")
    var reference: String

    @Option(help: "Output TSV ('-' for stdout).")
    var out: String

    @Option(help: "RT in kcal/mol (default 0.593, i.e. 298 K).")
    var rt: Double?

    @Option(help: "Temperature in kelvin; sets RT = R·T (R = 1.98720e-3 kcal/mol/K).")
    var temperature: Double?

    @Option(help: "Pseudocount added to every bound and reference count.")
    var pseudocount: Double = 0

    @Option(help: "Also write each replicate's own ΔΔG as ddg_<NAME> columns, one name per --bound column (comma-separated).")
    var replicateNames: String?

    var boundColumns: [String] { bound.split(separator: ",").map(String.init) }
    var referenceColumns: [String] { reference.split(separator: ",").map(String.init) }
    var names: [String]? { replicateNames.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } }

    func validate() throws {
        try usageCheck { try checkDistinctOutputs([("--out", out)], inputs: [("the count table", counts)]) }
        if rt != nil && temperature != nil { throw ValidationError("give --rt or --temperature, not both") }
        if let temperature, !(temperature > 0) { throw ValidationError("--temperature must be positive (kelvin)") }
        if let names, names.count != boundColumns.count || names.contains(where: \.isEmpty) || Set(names).count != names.count {
            throw ValidationError("--replicate-names needs one distinct name per --bound column (\(boundColumns.count))")
        }
    }

    func run() throws {
        var options = DDGOptions()
        if let rt { options.rt = rt }
        if let temperature { options.setTemperature(kelvin: temperature) }
        options.pseudocount = pseudocount
        let table = try CountTable.read(path: counts)
        let result = try estimateDDG(table, bound: boundColumns, reference: referenceColumns, options: options, file: counts)
        try DDGTable(result, counts: table, countColumns: boundColumns + referenceColumns, replicateNames: names, file: out).write(path: out)
        printErr("sequences: \(table.keys.count)  reported: \(result.keys.count)  "
                 + "dropped (zero count): \(result.dropped)  replicates: \(boundColumns.count)  RT: \(options.rt)")
    }
}
