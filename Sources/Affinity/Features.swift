import IO
import Sequence

/// Which terms a linear ΔΔG model has.
public enum FeatureSet: String, Sendable, CaseIterable {
    /// One term per position and base.
    case mono
    /// Mono plus a 4×4 table for each pair of variable bases adjacent *in the molecule*: two
    /// variable positions separated by constant bases (N5 and N6 around CACGTG) are not neighbours.
    case nn
    /// Mono plus a 4×4 table for every pair of positions.
    case di
}

/// How the one-hot redundancy is removed so that coefficients are identifiable.
public enum Coding: Sendable, Equatable {
    /// Treatment coding: the reference base has coefficient 0 at every position, and pair tables are
    /// 0 on its row and column; the intercept is the reference sequence's ΔΔG.
    case reference(base: Int)
    /// Effects (ANOVA) coding: every mono row and every pair table's rows and columns sum to zero;
    /// the intercept is the library mean of the model.
    case sumToZero

    public var name: String {
        switch self {
        case .reference(let b): return "reference (\(baseLetters[b]))"
        case .sumToZero: return "sum-to-zero"
        }
    }
}

let baseLetters = ["A", "C", "G", "T"]

/// The feature groups of a model over a design's variable region: one group per position (4
/// levels), then one per pair (16 levels, index 4·a + b).
public struct FeatureLayout: Sendable, Equatable {
    public let set: FeatureSet
    public let length: Int
    /// 0-based position pairs with i < j, in order.
    public let pairs: [(Int, Int)]

    public static func == (a: FeatureLayout, b: FeatureLayout) -> Bool {
        a.set == b.set && a.length == b.length && a.pairs.elementsEqual(b.pairs, by: { $0 == $1 })
    }

    /// Neighbours come from the design: variable bases k and k+1 are adjacent when their template
    /// offsets are consecutive.
    public init(set: FeatureSet, design: DesignTemplate) {
        self.init(set: set, variableOffsets: design.variableOffsets)
    }

    public init(set: FeatureSet, variableOffsets: [Int]) {
        self.set = set
        length = variableOffsets.count
        let l = length
        switch set {
        case .mono: pairs = []
        case .nn: pairs = (0..<max(0, l - 1)).filter { variableOffsets[$0 + 1] == variableOffsets[$0] + 1 }.map { ($0, $0 + 1) }
        case .di: pairs = (0..<l).flatMap { i in ((i + 1)..<l).map { (i, $0) } }
        }
    }

    /// Position lists of every group: positions first, then pairs.
    var groups: [[Int]] { (0..<length).map { [$0] } + pairs.map { [$0.0, $0.1] } }

    /// Offset of each group in the full one-hot vector (4 per position, 16 per pair).
    func offset(group g: Int) -> Int { g < length ? 4 * g : 4 * length + 16 * (g - length) }
    var oneHotCount: Int { 4 * length + 16 * pairs.count }

    /// Independent parameters including the intercept: 1 + 3L + 9P.
    public var parameterCount: Int { 1 + 3 * length + 9 * pairs.count }

    /// Names: `intercept`, `3:G` (position 3, base G), `3-4:GT` (pair of positions 3 and 4).
    func name(group g: Int, level: Int) -> String {
        if g < length { return "\(g + 1):\(baseLetters[level])" }
        let (i, j) = pairs[g - length]
        return "\(i + 1)-\(j + 1):\(baseLetters[level >> 2])\(baseLetters[level & 3])"
    }

    /// The parameters of reference coding with base `r`, as (group, level) pairs after the
    /// intercept: levels that avoid the reference base.
    func referenceParameters(base r: Int) -> [(group: Int, level: Int)] {
        var out: [(Int, Int)] = []
        for g in 0..<(length + pairs.count) {
            if g < length {
                for b in 0..<4 where b != r { out.append((g, b)) }
            } else {
                for a in 0..<4 where a != r { for b in 0..<4 where b != r { out.append((g, 4 * a + b)) } }
            }
        }
        return out
    }
}
