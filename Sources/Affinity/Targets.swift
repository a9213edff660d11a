import Foundation
import IO
import Sequence

/// Fitting targets read from a table keyed by sequence.
public struct TargetRows: Sendable {
    public var length: Int
    public var keys: [UInt64]
    public var targets: [Double]
    /// nil for an unweighted fit.
    public var weights: [Double]?
    /// Rows left out for a non-finite target or weight.
    public var dropped: Int
    public var targetName: String

    /// Reads the target column (`target`, else `ddg`, else `ddg_true`) and, when `weighted` and the
    /// table has it, weights 1/se² from `seColumn`.
    public static func read(path: String, target: String?, seColumn: String, weighted: Bool) throws -> TargetRows {
        let header = try SequenceTable.header(path: path)
        let name = target ?? (header.contains("ddg") ? "ddg" : header.contains("ddg_true") ? "ddg_true" : "")
        guard !name.isEmpty else {
            throw BETSeqError(.malformedTable, file: path,
                             "no 'ddg' or 'ddg_true' column; name the target with --target, or give --bound and --reference")
        }
        let table = try SequenceTable.read(path: path, required: [name], optional: weighted ? [seColumn] : [])
        let y = table.column(name) ?? [], se = table.column(seColumn)
        var rows = TargetRows(length: table.length, keys: [], targets: [], weights: se == nil ? nil : [],
                              dropped: 0, targetName: name)
        for i in table.keys.indices {
            let w = se.map { 1 / ($0[i] * $0[i]) } ?? 1
            guard y[i].isFinite, w.isFinite, w > 0 else { rows.dropped += 1; continue }
            rows.keys.append(table.keys[i])
            rows.targets.append(y[i])
            rows.weights?.append(w)
        }
        return rows
    }
}

/// ΔΔG_i = −RT·ln((B_i/ΣB)/(U_i/ΣU)) for each row (not centred), NaN where a count is zero; sums
/// over all rows, as `estimateDDG` takes them.
public func ddgFromCounts(bound b: [Double], reference u: [Double], rt: Double) -> [Double] {
    let sumB = b.reduce(0, +), sumU = u.reduce(0, +)
    return zip(b, u).map { bi, ui in bi > 0 && ui > 0 ? -rt * log((bi / sumB) / (ui / sumU)) : .nan }
}
