import IO

/// Predicted probabilities for every residue pair of one structure (`pred.tsv`).
public struct ContactPredictions: Sendable {
    public var residueLabels: [String]
    /// Pairs × 8 in row-major upper-triangle order of the residues, channels in `ContactChannel` order.
    public var probabilities: [Float]
    public var atoms: Int

    public init(network: ContactNetwork, example ex: ContactExample) {
        residueLabels = ex.residueLabels
        probabilities = network.predict(ex)
        atoms = ex.tokens.count
    }

    public var pairCount: Int { residueLabels.count * (residueLabels.count - 1) / 2 }

    /// Predicts a structure file's map with a network.
    public static func predict(network: ContactNetwork, structure path: String) throws -> ContactPredictions {
        let ex = try ContactExample(structure: Structure.read(path: path), name: path, vocabulary: network.config.vocabulary,
                                    anchorSets: network.config.exampleAnchorSets, withTargets: false)
        return ContactPredictions(network: network, example: ex)
    }

    /// Calls `body(i, j, q)` for every residue pair i < j with its row q.
    public func forEachPair(_ body: (Int, Int, Int) throws -> Void) rethrows {
        let n = residueLabels.count
        var q = 0
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { try body(i, j, q); q += 1 } }
    }

    /// `res1 res2 hp hb vdw wb sb ps pc ts`: every pair res1 < res2 (file order) with each
    /// channel's probability.
    public func write(path: String, decimals: Int) throws {
        let text = try TextWriter(path: path)
        try text.write("res1\tres2\t" + ContactChannel.allCases.map(\.code).joined(separator: "\t") + "\n")
        try forEachPair { i, j, q in
            try text.write(residueLabels[i] + "\t" + residueLabels[j])
            for c in 0..<8 { try text.write(byte: 9); try text.write(Double(probabilities[q * 8 + c]), decimals: decimals) }
            try text.write(byte: 10)
        }
        try text.finish()
    }
}
