import IO
import Sequence

/// `ddg.tsv`, as `betseq ddg` and `betseq run` write it: `sequence ddg se`, then one `ddg_<NAME>`
/// column per named replicate (`nan` where that replicate measured nothing), then the count
/// columns the estimate used. This type is the format's one reader and writer and the one place
/// that knows its column names; a table written by hand needs only `sequence` and `ddg`.
public struct DDGTable: Sendable {
    public enum Column {
        public static let ddg = "ddg"
        public static let se = "se"
        /// Per-replicate ΔΔG columns are this prefix and the replicate's name.
        public static let replicatePrefix = "ddg_"
        public static func replicate(_ name: String) -> String { replicatePrefix + name }
        /// Whether a column holds a replicate's own ΔΔG.
        public static func isReplicate(_ name: String) -> Bool { name.hasPrefix(replicatePrefix) }
    }

    /// Bases per sequence.
    public var length: Int
    public var keys: [UInt64]
    /// kcal/mol, mean-centred; NaN where a hand-made table has no value.
    public var ddg: [Double]
    /// Standard errors (nil when the table has no `se` column).
    public var se: [Double]?
    /// Each replicate's own ΔΔG (mean-centred over what it measured; NaN where it measured nothing).
    public var replicates: [(name: String, ddg: [Double])]
    /// The other numeric columns: counts per sample.
    public var counts: [(name: String, values: [Double])]

    public init(length: Int, keys: [UInt64], ddg: [Double], se: [Double]?, replicates: [(name: String, ddg: [Double])] = [],
                counts: [(name: String, values: [Double])] = []) {
        self.length = length
        self.keys = keys
        self.ddg = ddg
        self.se = se
        self.replicates = replicates
        self.counts = counts
    }

    /// The table of an estimate: the named count columns of `table` for the reported sequences,
    /// and each replicate's own column when `replicateNames` are given (one per replicate).
    public init(_ result: DDGResult, counts table: CountTable, countColumns: [String], replicateNames: [String]? = nil,
                file: String = "ddg table") throws {
        let columns = try countColumns.map { try table.column($0) }
        if let replicateNames, replicateNames.count != result.replicates.count {
            throw BETSeqError(.invalidOption, file: file, "\(replicateNames.count) replicate names for \(result.replicates.count) replicates")
        }
        self.init(length: result.length, keys: result.keys, ddg: result.ddg, se: result.se,
                  replicates: zip(replicateNames ?? [], result.replicates).map { ($0, $1) },
                  counts: zip(countColumns, columns).map { name, c in (name, result.rows.map { Double(c[$0]) }) })
    }

    /// The names of the replicates with their own column.
    public var replicateNames: [String] { replicates.map(\.name) }

    /// Reads a ΔΔG table (plain or gzip): `sequence` and `ddg` are required, `se`, replicate and
    /// count columns are read when present. Every column but `sequence` must be numeric.
    public static func read(path: String) throws -> DDGTable {
        let header = try SequenceTable.header(path: path)
        let table = try SequenceTable.read(path: path, required: [Column.ddg], optional: header.filter { $0 != "sequence" })
        var result = DDGTable(length: table.length, keys: table.keys, ddg: table.column(Column.ddg) ?? [],
                              se: table.column(Column.se))
        for (name, values) in zip(table.columnNames, table.columns) where name != Column.ddg && name != Column.se {
            if Column.isReplicate(name) {
                result.replicates.append((String(name.dropFirst(Column.replicatePrefix.count)), values))
            } else {
                result.counts.append((name, values))
            }
        }
        return result
    }

    /// Writes `sequence ddg se`, the replicate columns and the count columns (whole numbers as
    /// integers), one row per sequence.
    public func write(path: String) throws {
        let text = try TextWriter(path: path)
        try text.write("sequence\t\(Column.ddg)\t\(Column.se)")
        for r in replicates { try text.write("\t" + Column.replicate(r.name)) }
        for c in counts { try text.write("\t" + c.name) }
        try text.write(byte: 10)
        var bases = [UInt8](repeating: 0, count: length)
        for i in keys.indices {
            spell(keys[i], length: length, into: &bases)
            try bases.withUnsafeBufferPointer { try text.write(bytes: $0) }
            try text.write(byte: 9)
            try text.write(ddg[i])
            try text.write(byte: 9)
            try text.write(se?[i] ?? .nan)
            for r in replicates {
                try text.write(byte: 9)
                try text.write(r.ddg[i])
            }
            for c in counts {
                try text.write(byte: 9)
                let v = c.values[i]
                if v == v.rounded(), v.magnitude < 9e15 { try text.write(Int(v)) } else { try text.write(v) }
            }
            try text.write(byte: 10)
        }
        try text.finish()
    }
}
