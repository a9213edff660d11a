import IO

/// The true ΔΔG of every sequence of a library (a simulation's ground truth), to score estimates
/// and models against. Simulate reads and writes the file it comes from (`truth.tsv`); everything
/// here takes the value.
public struct TrueLandscape: Sendable {
    /// Where the values came from (a path), recorded in model files and reports.
    public var source: String
    /// Variable bases (1 to 12: the whole library is tabulated).
    public var length: Int
    /// 4^length values indexed by 2-bit key, kcal/mol; NaN for a sequence without a value.
    public var ddg: [Double]

    public init(source: String, length: Int, ddg: [Double]) {
        self.source = source
        self.length = length
        self.ddg = ddg
    }

    /// The true ΔΔG of a key, if known.
    public func value(_ key: UInt64) -> Double? {
        let v = ddg[Int(key)]
        return v.isFinite ? v : nil
    }

    /// Throws unless the landscape covers sequences of `length` bases.
    public func check(length expected: Int) throws {
        guard length == expected else {
            throw BETSeqError(.malformedTable, file: source, "sequences have \(length) bases; expected \(expected)")
        }
    }
}
