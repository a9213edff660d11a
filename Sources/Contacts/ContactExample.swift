import Foundation
import Learn
import IO

/// How atoms become tokens: by element only, or by element and atom name (names outside the
/// common protein set share one token per element, so modified residues never need new entries).
public enum AtomVocabulary: String, Sendable, CaseIterable, Codable {
    case element
    case elementAndName = "element+name"

    static let elements = ["C", "N", "O", "S", "Se", "P", "metal", "halogen", "other"]
    static let names = ["N", "CA", "C", "O", "OXT", "CB", "CG", "CG1", "CG2", "CD", "CD1", "CD2", "CE", "CE1", "CE2", "CE3",
                        "CZ", "CZ2", "CZ3", "CH2", "NE", "NE1", "NE2", "NH1", "NH2", "ND1", "ND2", "NZ", "OD1", "OD2",
                        "OE1", "OE2", "OG", "OG1", "OH", "SD", "SG"]

    public var size: Int {
        switch self {
        case .element: return Self.elements.count
        case .elementAndName: return Self.elements.count * (Self.names.count + 1)
        }
    }

    /// Element class (index into `elements`) of an atom.
    static func elementClass(_ atom: Atom) -> UInt8 {
        switch atom.element.symbol {
        case "C": return 0
        case "N": return 1
        case "O": return 2
        case "S": return 3
        case "Se": return 4
        case "P": return 5
        case "F", "Cl", "Br", "I": return 7
        default: return atom.element.isMetal ? 6 : 8
        }
    }

    /// Index of the atom name in `names`, `names.count` for any other name.
    static func nameClass(_ atom: Atom) -> UInt8 { UInt8(names.firstIndex(of: atom.name) ?? names.count) }

    func token(element: UInt8, name: UInt8) -> Int32 {
        let e = min(Int(element), Self.elements.count - 1), n = min(Int(name), Self.names.count)
        switch self {
        case .element: return Int32(e)
        case .elementAndName: return Int32(e * (Self.names.count + 1) + n)
        }
    }
}

/// Residue pairs of one structure with their features, ready for the pair head: a range of the
/// structure's pairs (prediction, evaluation) or a sample of them (training).
public struct PairBatch: Sendable {
    public var first: [Int32] = []
    public var second: [Int32] = []
    /// Per pair, `ContactExample.pairExtraWidth` features (see there).
    public var extra: [Float] = []
    /// Per pair, its offset bin: the separation bin (`ContactExample.separationBin`), plus
    /// `ContactExample.separationBins` when the structure has no crystal waters.
    public var bins: [Int32] = []
    /// Pairs × 8 targets (empty for a structure without targets).
    public var targets: [Float] = []
    /// Per pair: the missing-atom mask times the sampling weight.
    public var weights: [Float] = []
    public var count: Int { first.count }
}

/// One structure prepared for the contact network: the heavy-atom covalent graph (no waters, no
/// hydrogens, as Tessellate's inputs), residue membership, each residue's chain and position along
/// it, the residue pairs that are covalently close, whether the file has crystal waters and, for
/// training, the 8-channel static-mode map of Contacts I. Pairs (every i < j of the residue nodes)
/// are never all materialised: `pairs(in:)` and `pairs(keys:)` build them a batch at a time, so a
/// large complex needs memory in proportion to its residues and contacts, not to its pairs.
public struct ContactExample: Sendable {
    public var name: String
    public var residueLabels: [String]
    /// Per atom node: element class and atom-name class (tokens for any vocabulary derive from them).
    public var atomElements: [UInt8]
    public var atomNames: [UInt8]
    public var tokens: [Int32]
    public var bonds: [SIMD2<Int32>]
    public var graph: GraphStructure
    /// Residue node of each atom node.
    public var membership: [Int32]
    /// Per residue node: chain (index in order of appearance) and position along the chain.
    public var chain: [Int32]
    public var position: [Int32]
    /// Per residue node: some template atom is missing from the file.
    public var incomplete: [Bool]
    /// The file has crystallographic waters (without them no water bridge can be observed).
    public var hasWaters: Bool
    /// Pairs within `maxHops` inter-residue covalent bonds: key i·n + j (i < j), sorted, and hops.
    public var nearKeys: [Int64]
    public var nearHops: [UInt8]
    /// Pairs with a contact in some channel: sorted keys and channel bits (bit c = `ContactChannel(c)`).
    public var positiveKeys: [Int64]
    public var positiveFlags: [UInt8]
    public var hasTargets: Bool
    /// Weight of pairs with an incomplete residue.
    public var missingWeight: Float
    /// P-GNN anchors: nearest anchor atom and closeness per atom and anchor set (atom-major).
    public var anchors: [Int32] = []
    public var closeness: [Float] = []

    /// log1p(separation)/log(1001) (1 across chains), same chain, covalent closeness 1/(1 + hops)
    /// (0 beyond 16 hops or unconnected), crystal waters present, then the separation bin one-hot
    /// (a smooth log-separation cannot tell i + 3 from i + 4 apart, which helices turn on).
    public static let pairExtraWidth = 4 + separationBins
    public static let maxHops = 16
    /// Separation bins: same chain |Δposition| 1, 2, 3, 4, 5, 6, 7–8, 9–11, 12–15, 16–23, 24–47, ≥ 48;
    /// then different chains.
    public static let separationBins = 13
    /// |i − j| from which a same-chain pair counts as long-range (the CASP convention).
    public static let longRange = 24

    public var residueCount: Int { residueLabels.count }
    public var pairCount: Int { residueCount * (residueCount - 1) / 2 }

    static func separationBin(sameChain: Bool, separation s: Int) -> Int32 {
        guard sameChain else { return 12 }
        switch s {
        case ...6: return Int32(max(0, s - 1))
        case 7...8: return 6
        case 9...11: return 7
        case 12...15: return 8
        case 16...23: return 9
        case 24...47: return 10
        default: return 11
        }
    }

    public init(structure s: Structure, name: String, vocabulary: AtomVocabulary, anchorSets: Int,
                withTargets: Bool, missingWeight: Float = 0.1) throws {
        // Residue nodes: non-water residues with heavy atoms.
        var residueNode = [Int32](repeating: -1, count: s.residues.count)
        var residues: [Int] = []
        for (r, residue) in s.residues.enumerated() where residue.kind != .water {
            if residue.atoms.contains(where: { !s.atoms[$0].element.isHydrogen }) {
                residueNode[r] = Int32(residues.count)
                residues.append(r)
            }
        }
        guard residues.count >= 2 else {
            throw BETSeqError(.malformedTable, file: s.source, "a contact map needs at least 2 residues (besides water); found \(residues.count)")
        }
        // Atom nodes: heavy atoms of those residues.
        var atomNode = [Int32](repeating: -1, count: s.atoms.count)
        var atoms: [Int] = []
        for r in residues { for i in s.residues[r].atoms where !s.atoms[i].element.isHydrogen { atomNode[i] = Int32(atoms.count); atoms.append(i) } }
        let graph = CovalentGraph(s)
        let bonds = graph.bonds.compactMap { b -> SIMD2<Int32>? in
            let x = atomNode[Int(b.x)], y = atomNode[Int(b.y)]
            return x >= 0 && y >= 0 ? SIMD2(x, y) : nil
        }
        var chainIndex: [String: Int32] = [:], counts: [Int32] = []
        var chain: [Int32] = [], position: [Int32] = []
        for r in residues {
            let c = s.residues[r].chain
            let k = chainIndex[c] ?? { let k = Int32(counts.count); chainIndex[c] = k; counts.append(0); return k }()
            chain.append(k)
            position.append(counts[Int(k)])
            counts[Int(k)] += 1
        }
        let incompleteResidues = Set(graph.missingAtoms.keys)
        var positiveKeys: [Int64] = [], positiveFlags: [UInt8] = []
        if withTargets {
            let map = ResidueContactMap(computeContacts(s, mode: .static), structure: s)
            let n = Int64(residues.count)
            var entries: [(Int64, UInt8)] = []
            for (key, flags) in map.pairs {
                let a = residueNode[Int(key.x)], b = residueNode[Int(key.y)]
                guard a >= 0, b >= 0, a != b else { continue }
                entries.append((Int64(min(a, b)) * n + Int64(max(a, b)), flags))
            }
            entries.sort { $0.0 < $1.0 }
            positiveKeys = entries.map(\.0)
            positiveFlags = entries.map(\.1)
        }
        try self.init(name: name, residueLabels: residues.map { s.residues[$0].label },
                      atomElements: atoms.map { AtomVocabulary.elementClass(s.atoms[$0]) },
                      atomNames: atoms.map { AtomVocabulary.nameClass(s.atoms[$0]) },
                      bonds: bonds, membership: atoms.map { residueNode[s.atoms[$0].residue] },
                      chain: chain, position: position, incomplete: residues.map { incompleteResidues.contains($0) },
                      hasWaters: s.residues.contains { $0.kind == .water },
                      positiveKeys: positiveKeys, positiveFlags: positiveFlags, hasTargets: withTargets,
                      vocabulary: vocabulary, anchorSets: anchorSets, missingWeight: missingWeight, source: s.source)
    }

    /// Assembles an example from its stored parts (a structure or a cache entry), checking every
    /// index so that a corrupt cache entry is an error, never a trap.
    init(name: String, residueLabels: [String], atomElements: [UInt8], atomNames: [UInt8], bonds: [SIMD2<Int32>],
         membership: [Int32], chain: [Int32], position: [Int32], incomplete: [Bool], hasWaters: Bool,
         positiveKeys: [Int64], positiveFlags: [UInt8], hasTargets: Bool,
         vocabulary: AtomVocabulary, anchorSets: Int, missingWeight: Float, source: String) throws {
        let n = residueLabels.count, atoms = atomElements.count
        func bad(_ what: String) -> BETSeqError { BETSeqError(.malformedTable, file: source, "inconsistent contact example: \(what)") }
        guard n >= 2, atomNames.count == atoms, membership.count == atoms, chain.count == n, position.count == n,
              incomplete.count == n, positiveKeys.count == positiveFlags.count else { throw bad("array lengths") }
        guard membership.allSatisfy({ $0 >= 0 && Int($0) < n }) else { throw bad("atom outside the residues") }
        guard bonds.allSatisfy({ $0.x >= 0 && $0.y >= 0 && Int($0.x) < atoms && Int($0.y) < atoms }) else { throw bad("bond outside the atoms") }
        guard chain.allSatisfy({ $0 >= 0 }), position.allSatisfy({ $0 >= 0 }) else { throw bad("negative chain position") }
        let limit = Int64(n) * Int64(n)
        guard zip(positiveKeys, positiveKeys.dropFirst()).allSatisfy({ $0 < $1 }),
              positiveKeys.allSatisfy({ $0 >= 0 && $0 < limit && $0 / Int64(n) < $0 % Int64(n) }) else { throw bad("contact pairs") }
        self.name = name
        self.residueLabels = residueLabels
        self.atomElements = atomElements
        self.atomNames = atomNames
        tokens = zip(atomElements, atomNames).map { vocabulary.token(element: $0, name: $1) }
        self.bonds = bonds
        graph = GraphStructure(nodes: atoms, undirected: bonds, selfLoops: true)
        self.membership = membership
        self.chain = chain
        self.position = position
        self.incomplete = incomplete
        self.hasWaters = hasWaters
        self.positiveKeys = positiveKeys
        self.positiveFlags = positiveFlags
        self.hasTargets = hasTargets
        self.missingWeight = missingWeight
        (nearKeys, nearHops) = ContactExample.covalentNeighbourhood(residues: n, membership: membership, bonds: bonds)
        (anchors, closeness) = ContactExample.anchorSets(nodes: atoms, bonds: bonds, count: anchorSets, seed: 0)
    }

    /// Residue pairs i < j within `maxHops` inter-residue covalent bonds (BFS from each residue).
    static func covalentNeighbourhood(residues n: Int, membership: [Int32], bonds: [SIMD2<Int32>]) -> ([Int64], [UInt8]) {
        var adjacent = [[Int]](repeating: [], count: n)
        for b in bonds {
            let a = Int(membership[Int(b.x)]), c = Int(membership[Int(b.y)])
            if a != c && !adjacent[a].contains(c) { adjacent[a].append(c); adjacent[c].append(a) }
        }
        var keys: [Int64] = [], hopsOut: [UInt8] = []
        var hops = [Int](repeating: -1, count: n)
        var visited: [Int] = []
        for i in 0..<n {
            for v in visited { hops[v] = -1 }
            visited = [i]
            hops[i] = 0
            var frontier = [i], depth = 0
            while !frontier.isEmpty && depth < maxHops {
                depth += 1
                var next: [Int] = []
                for u in frontier { for w in adjacent[u] where hops[w] < 0 { hops[w] = depth; next.append(w); visited.append(w) } }
                frontier = next
            }
            for j in visited.sorted() where j > i {
                keys.append(Int64(i) * Int64(n) + Int64(j))
                hopsOut.append(UInt8(hops[j]))
            }
        }
        return (keys, hopsOut)
    }

    /// Draws P-GNN anchor sets for `seed` (training resamples them every epoch, as the P-GNN paper
    /// does; prediction uses seed 0).
    public mutating func resampleAnchors(count: Int, seed: UInt64) {
        (anchors, closeness) = ContactExample.anchorSets(nodes: tokens.count, bonds: bonds, count: count, seed: seed)
    }

    /// The residue pair of row-major upper-triangle index q.
    func pair(startingAt q: Int) -> (Int, Int) {
        let n = residueCount
        var i = 0, before = 0
        while i < n - 1 && before + (n - 1 - i) <= q { before += n - 1 - i; i += 1 }
        return (i, i + 1 + (q - before))
    }

    /// Pairs `range` of the row-major upper triangle (0..<pairCount), every weight the mask.
    public func pairs(in range: Range<Int>) -> PairBatch {
        var batch = PairBatch()
        guard !range.isEmpty else { return batch }
        reserve(&batch, range.count)
        var (i, j) = pair(startingAt: range.lowerBound)
        var cursor = Cursor()
        let n = residueCount
        for _ in range {
            append(&batch, i, j, weight: 1, cursor: &cursor)
            j += 1
            if j == n { i += 1; j = i + 1 }
        }
        return batch
    }

    /// The pairs of sorted keys (i·n + j, i < j) with their sampling weights.
    public func pairs(keys: ArraySlice<Int64>, weights: ArraySlice<Float>) -> PairBatch {
        var batch = PairBatch()
        reserve(&batch, keys.count)
        var cursor = Cursor()
        let n = Int64(residueCount)
        for (key, weight) in zip(keys, weights) { append(&batch, Int(key / n), Int(key % n), weight: weight, cursor: &cursor) }
        return batch
    }

    /// A training sample of pairs: every pair with a contact and every same-chain pair up to
    /// `local` apart, and each other pair with probability `fraction`, weighted 1/fraction, so the
    /// weighted loss is an unbiased estimate of the loss over all pairs.
    public func samplePairs(local: Int, fraction: Double, random: inout SplitMix64) -> (keys: [Int64], weights: [Float]) {
        let n = residueCount
        guard fraction < 1 else { return ((0..<Int64(n * n)).filter { $0 / Int64(n) < $0 % Int64(n) }, [Float](repeating: 1, count: pairCount)) }
        var keys: [Int64] = [], weights: [Float] = []
        let w = Float(1 / max(fraction, 1e-6))
        // 2^64 · fraction: one integer comparison per pair.
        let threshold = UInt64(min(Double(UInt64.max), max(0, fraction) * 0x1p64))
        var p = 0
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let key = Int64(i) * Int64(n) + Int64(j)
                while p < positiveKeys.count && positiveKeys[p] < key { p += 1 }
                if (p < positiveKeys.count && positiveKeys[p] == key) || (chain[i] == chain[j] && abs(Int(position[i]) - Int(position[j])) <= local) {
                    keys.append(key); weights.append(1)
                } else if random.next() < threshold {
                    keys.append(key); weights.append(w)
                }
            }
        }
        return (keys, weights)
    }

    /// Merge cursors into the sorted near and positive lists.
    struct Cursor { var near = 0, positive = 0 }

    private func reserve(_ b: inout PairBatch, _ count: Int) {
        b.first.reserveCapacity(count); b.second.reserveCapacity(count); b.bins.reserveCapacity(count)
        b.extra.reserveCapacity(count * Self.pairExtraWidth); b.weights.reserveCapacity(count)
        if hasTargets { b.targets.reserveCapacity(count * 8) }
    }

    private static let logScale = Float(log(1001.0))

    /// Appends pair (i, j); keys must come in increasing order for the cursors.
    private func append(_ b: inout PairBatch, _ i: Int, _ j: Int, weight: Float, cursor c: inout Cursor) {
        let key = Int64(i) * Int64(residueCount) + Int64(j)
        let same = chain[i] == chain[j]
        let separation = same ? abs(Int(position[i]) - Int(position[j])) : 1000
        b.first.append(Int32(i)); b.second.append(Int32(j))
        let bin = Self.separationBin(sameChain: same, separation: separation)
        b.bins.append(bin + (hasWaters ? 0 : Int32(Self.separationBins)))
        while c.near < nearKeys.count && nearKeys[c.near] < key { c.near += 1 }
        let hops = c.near < nearKeys.count && nearKeys[c.near] == key ? Int(nearHops[c.near]) : -1
        b.extra.append(Float(log1p(Double(separation))) / Self.logScale)
        b.extra.append(same ? 1 : 0)
        b.extra.append(hops >= 0 ? 1 / Float(1 + hops) : 0)
        b.extra.append(hasWaters ? 1 : 0)
        for k in 0..<Self.separationBins { b.extra.append(k == Int(bin) ? 1 : 0) }
        b.weights.append(weight * (incomplete[i] || incomplete[j] ? missingWeight : 1))
        if hasTargets {
            while c.positive < positiveKeys.count && positiveKeys[c.positive] < key { c.positive += 1 }
            let flags = c.positive < positiveKeys.count && positiveKeys[c.positive] == key ? positiveFlags[c.positive] : 0
            for ch in 0..<8 { b.targets.append(flags & (1 << UInt8(ch)) != 0 ? 1 : 0) }
        }
    }

    /// Positives per channel over all pairs with non-zero mask, and the number of such pairs.
    public func positiveCounts() -> (positives: [Double], pairs: Double) {
        var positives = [Double](repeating: 0, count: 8)
        let n = Int64(residueCount)
        for (k, key) in positiveKeys.enumerated() where missingWeight > 0 || !(incomplete[Int(key / n)] || incomplete[Int(key % n)]) {
            for c in 0..<8 where positiveFlags[k] & (1 << UInt8(c)) != 0 { positives[c] += 1 }
        }
        let incompleteCount = incomplete.filter { $0 }.count
        let masked = missingWeight > 0 ? 0 : incompleteCount * (residueCount - incompleteCount) + incompleteCount * (incompleteCount - 1) / 2
        return (positives, Double(pairCount - masked))
    }

    static func anchorSets(nodes: Int, bonds: [SIMD2<Int32>], count: Int, seed: UInt64) -> ([Int32], [Float]) {
        guard count > 0, nodes > 0 else { return ([], []) }
        var neighbours = [[Int32]](repeating: [], count: nodes)
        for b in bonds { neighbours[Int(b.x)].append(b.y); neighbours[Int(b.y)].append(b.x) }
        // Sizes N/2, N/4, …, 1 in turn, drawn with a seed fixed by the atom count (and the epoch).
        var random = SplitMix64(seed: 0xC0FFEE ^ UInt64(nodes) ^ (seed &* 0x9E37_79B9_7F4A_7C15))
        let levels = max(1, Int(log2(Double(nodes))))
        var anchors = [Int32](repeating: 0, count: nodes * count), closeness = [Float](repeating: 0, count: nodes * count)
        let maxHops = 32
        for k in 0..<count {
            let size = max(1, nodes >> (1 + k % levels))
            var members = Set<Int>()
            while members.count < size { members.insert(Int(random.next() % UInt64(nodes))) }
            // Multi-source BFS: nearest anchor (smallest index among equals) and hop count.
            var hop = [Int](repeating: -1, count: nodes), source = [Int32](repeating: -1, count: nodes)
            var frontier = members.sorted()
            for m in frontier { hop[m] = 0; source[m] = Int32(m) }
            var depth = 0
            while !frontier.isEmpty && depth < maxHops {
                depth += 1
                var next: [Int] = []
                for u in frontier {
                    for w in neighbours[u] where hop[Int(w)] < 0 {
                        hop[Int(w)] = depth; source[Int(w)] = source[u]; next.append(Int(w))
                    }
                }
                frontier = next.sorted()
            }
            for v in 0..<nodes {
                anchors[v * count + k] = source[v] >= 0 ? source[v] : Int32(v)
                closeness[v * count + k] = hop[v] >= 0 ? 1 / Float(1 + hop[v]) : 0
            }
        }
        return (anchors, closeness)
    }
}
