import Affinity
import IO
import Sequence

/// `truth.tsv`, a simulation's ground truth: every sequence of the library with its true ΔΔG
/// (`ddg_true`, kcal/mol, mean-centred), the equilibrium fraction bound θ and its input abundance
/// relative to the library mean. This type is the file's one reader and writer and the one place
/// that knows its column names; what reads the truth takes a `TrueLandscape`.
public enum TruthTable {
    public enum Column {
        public static let ddg = "ddg_true"
        public static let fractionBound = "fraction_bound"
        public static let relativeAbundance = "relative_abundance"
    }

    /// Reads the true ΔΔG of a truth table (plain or gzip) as a landscape over every sequence of
    /// its length (1 to 12 bases; NaN for sequences the table lacks).
    public static func read(path: String) throws -> TrueLandscape {
        let table = try SequenceTable.read(path: path, required: [Column.ddg])
        guard table.length >= 1, table.length <= 12 else {
            throw BETSeqError(.invalidOption, file: path, "a full landscape needs 1 to 12 variable bases, not \(table.length)")
        }
        var landscape = [Double](repeating: .nan, count: 1 << (2 * table.length))
        for (k, v) in zip(table.keys, table.column(Column.ddg) ?? []) { landscape[Int(k)] = v }
        return TrueLandscape(source: path, length: table.length, ddg: landscape)
    }

    /// Writes a simulated library's truth: one row per sequence in key order.
    public static func write(_ landscape: Landscape, binding: BindingState, abundance: [Double], path: String) throws {
        let out = try TextWriter(path: path)
        try out.write("sequence\t\(Column.ddg)\t\(Column.fractionBound)\t\(Column.relativeAbundance)\n")
        let speller = SequenceSpeller(length: landscape.length)
        let n = Double(landscape.count)
        for i in 0..<landscape.count {
            try speller.write(i, to: out)
            try out.write(byte: 9)
            try out.write(landscape.ddg[i], decimals: 6)
            try out.write(byte: 9)
            try out.write(scientific: binding.fractionBound[i], digits: 6)
            try out.write(byte: 9)
            try out.write(abundance[i] * n, decimals: 6)
            try out.write(byte: 10)
        }
        try out.finish()
    }
}
