import Foundation
import IO
import Learn
import Sequence

/// The largest |ΔΔG| a fit takes (kcal/mol): far beyond any binding energy, and small enough that
/// sums of squares over millions of rows stay finite.
let maxTarget = 1e6

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

    /// Reads the first of `targets` the table has and, when `weighted` and the table has it (or
    /// must have it: `requireSE`), weights 1/se² from `seColumn`.
    public static func read(path: String, targets: [String], seColumn: String, weighted: Bool, requireSE: Bool = false) throws -> TargetRows {
        let header = try SequenceTable.header(path: path)
        guard let name = targets.first(where: header.contains) else {
            throw BETSeqError(.malformedTable, file: path,
                              "no \(targets.map { "'\($0)'" }.joined(separator: " or ")) column; name the target with --target, or give --bound and --reference")
        }
        let table = try SequenceTable.read(path: path, required: requireSE ? [name, seColumn] : [name], optional: weighted ? [seColumn] : [])
        let y = table.column(name) ?? [], se = table.column(seColumn)
        var rows = TargetRows(length: table.length, keys: [], targets: [], weights: se == nil ? nil : [],
                              dropped: 0, targetName: name)
        for i in table.keys.indices {
            if let se, !(se[i] > 0) && !se[i].isNaN {
                throw BETSeqError(.malformedTable, file: path, "sequence \(decodeBases(table.keys[i], length: table.length)): \(seColumn) \(se[i]); a standard error must be positive")
            }
            let w = se.map { 1 / ($0[i] * $0[i]) } ?? 1
            if y[i].isFinite && abs(y[i]) > maxTarget {
                throw BETSeqError(.malformedTable, file: path, "sequence \(decodeBases(table.keys[i], length: table.length)): \(name) \(y[i]) is beyond ±\(Int(maxTarget)) kcal/mol")
            }
            guard y[i].isFinite, w.isFinite, w > 0 else { rows.dropped += 1; continue }
            rows.keys.append(table.keys[i])
            rows.targets.append(y[i])
            rows.weights?.append(w)
        }
        return rows
    }
}

extension TargetRows {
    /// ΔΔG straight from a count table's `bound` and `reference` columns, as `betseq ddg` computes
    /// it for one replicate (`replicateDDG`), mean-centred over the rows kept; weights are the
    /// inverse variances (or nil for `weighted: false`). Rows with a zero count are dropped.
    public static func fromCounts(path: String, bound: String, reference: String, rt: Double, weighted: Bool) throws -> TargetRows {
        let data = try CountTable.read(path: path, columns: [bound, reference])
        let (ddg, weight) = try replicateDDG(bound: try data.column(bound).map(Double.init), reference: try data.column(reference).map(Double.init),
                                             rt: rt, file: path)
        var rows = TargetRows(length: data.length, keys: [], targets: [], weights: weighted ? [] : nil, dropped: 0,
                              targetName: "ΔΔG from \(bound)/\(reference)")
        for i in data.keys.indices {
            guard ddg[i].isFinite, weight[i] > 0 else { rows.dropped += 1; continue }
            rows.keys.append(data.keys[i])
            rows.targets.append(ddg[i])
            rows.weights?.append(weight[i])
        }
        centre(&rows.targets)
        return rows
    }

    /// Checks that the rows fit a design (its variable length) and can be fitted at all: at least two
    /// rows and a target that varies (otherwise R² and every other score are undefined).
    public func check(design: DesignTemplate, file: String) throws {
        guard length > 0, !keys.isEmpty else { throw BETSeqError(.malformedTable, file: file, "no rows to fit") }
        let left = dropped > 0 ? " (\(dropped) dropped for a zero count or a non-finite value)" : ""
        guard keys.count >= 2 else {
            throw BETSeqError(.malformedTable, file: file, "one row to fit\(left); a fit needs at least two")
        }
        let first = targets[0]
        guard targets.contains(where: { $0 != first }) else {
            throw BETSeqError(.malformedTable, file: file, "\(targetName) is \(first) in every row\(left); a constant has nothing to fit")
        }
        guard length == design.variableLength else {
            throw BETSeqError(.malformedTable, file: file,
                              "sequences have \(length) bases but the design has \(design.variableLength) variable bases (--design)")
        }
    }
}
