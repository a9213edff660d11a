import Foundation
import IO
import Learn

/// One depth of a sweep, summarised over its replicates: medians, and the interquartile range of r².
public struct SweepRow: Sendable, Equatable {
    public var depth: Int
    public var boundReads: Int
    public var inputReads: Int
    public var meanReadsPerSequence: Double
    public var replicates: Int
    /// Median fraction of the library seen in both fractions.
    public var fractionObserved: Double
    public var observedBoth: Double
    /// Median, lower and upper quartile of Pearson r² of measured against true ΔΔG.
    public var r2DDG: Double
    public var r2DDGQ25: Double
    public var r2DDGQ75: Double
    /// Median of the published linear-scale ratio r².
    public var r2Ratio: Double

    public init(_ p: SweepPoint) {
        let r2 = p.replicates.map(\.r2DDG)
        depth = p.depth
        boundReads = p.boundReads
        inputReads = p.inputReads
        meanReadsPerSequence = p.meanReadsPerSequence
        replicates = p.replicates.count
        fractionObserved = median(p.replicates.map(\.fractionObserved))
        observedBoth = median(p.replicates.map { Double($0.observedBoth) })
        r2DDG = median(r2)
        r2DDGQ25 = quantile(r2, 0.25)
        r2DDGQ75 = quantile(r2, 0.75)
        r2Ratio = median(p.replicates.map(\.r2Ratio))
    }

    init(depth: Int, boundReads: Int, inputReads: Int, meanReadsPerSequence: Double, replicates: Int, fractionObserved: Double,
         observedBoth: Double, r2DDG: Double, r2DDGQ25: Double, r2DDGQ75: Double, r2Ratio: Double) {
        self.depth = depth; self.boundReads = boundReads; self.inputReads = inputReads
        self.meanReadsPerSequence = meanReadsPerSequence; self.replicates = replicates
        self.fractionObserved = fractionObserved; self.observedBoth = observedBoth; self.r2DDG = r2DDG
        self.r2DDGQ25 = r2DDGQ25; self.r2DDGQ75 = r2DDGQ75; self.r2Ratio = r2Ratio
    }
}

/// `sweep.tsv`: one row per depth. Written and read here only.
public struct SweepTable: Sendable, Equatable {
    public var rows: [SweepRow]

    public init(rows: [SweepRow]) { self.rows = rows }
    public init(_ points: [SweepPoint]) { rows = points.map(SweepRow.init) }

    static let header = ["depth", "bound_reads", "input_reads", "mean_reads_per_seq", "replicates", "frac_observed",
                         "observed_both", "r2_ddg", "r2_ddg_q25", "r2_ddg_q75", "r2_ratio"]
    /// Columns a sweep must have; the others read as NaN (or 0 for counts) when absent.
    static let required = ["depth", "mean_reads_per_seq", "frac_observed", "r2_ddg"]

    public func write(path: String) throws {
        let out = try TextWriter(path: path)
        try out.write(Self.header.joined(separator: "\t") + "\n")
        for r in rows {
            try out.write(r.depth); try out.write(byte: 9)
            try out.write(r.boundReads); try out.write(byte: 9)
            try out.write(r.inputReads); try out.write(byte: 9)
            try out.write(scientific: r.meanReadsPerSequence, digits: 6); try out.write(byte: 9)
            try out.write(r.replicates); try out.write(byte: 9)
            try out.write(r.fractionObserved, decimals: 6); try out.write(byte: 9)
            try out.write(r.observedBoth, decimals: 1); try out.write(byte: 9)
            try out.write(r.r2DDG, decimals: 6); try out.write(byte: 9)
            try out.write(r.r2DDGQ25, decimals: 6); try out.write(byte: 9)
            try out.write(r.r2DDGQ75, decimals: 6); try out.write(byte: 9)
            try out.write(r.r2Ratio, decimals: 6)
            try out.write(byte: 10)
        }
        try out.finish()
    }

    public static func read(path: String) throws -> SweepTable {
        let text = String(decoding: try readAllBytes(path: path), as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { throw BETSeqError(.malformedTable, file: path, "empty sweep file") }
        var column: [String: Int] = [:]
        for name in Self.header { column[name] = header.firstIndex(of: name) }
        guard required.allSatisfy({ column[$0] != nil }) else {
            throw BETSeqError(.malformedTable, file: path, line: 1, "a sweep needs columns \(required.joined(separator: ", "))")
        }
        var rows: [SweepRow] = []
        for (n, fields) in lines.dropFirst().enumerated() {
            func value(_ name: String) throws -> Double {
                guard let c = column[name] else { return .nan }
                guard c < fields.count, let v = Double(fields[c]) else {
                    throw BETSeqError(.malformedTable, file: path, line: n + 2, "column \(name) is not a number")
                }
                return v
            }
            func count(_ name: String) throws -> Int {
                let v = try value(name)
                guard v.isFinite else { return 0 }
                guard v >= 0, v < 9e18, v == v.rounded() else {
                    throw BETSeqError(.malformedTable, file: path, line: n + 2, "column \(name) is not a whole number ≥ 0")
                }
                return Int(v)
            }
            rows.append(SweepRow(depth: try count("depth"), boundReads: try count("bound_reads"), inputReads: try count("input_reads"),
                                 meanReadsPerSequence: try value("mean_reads_per_seq"), replicates: try count("replicates"),
                                 fractionObserved: try value("frac_observed"), observedBoth: try value("observed_both"),
                                 r2DDG: try value("r2_ddg"), r2DDGQ25: try value("r2_ddg_q25"), r2DDGQ75: try value("r2_ddg_q75"),
                                 r2Ratio: try value("r2_ratio")))
        }
        return SweepTable(rows: rows)
    }
}
