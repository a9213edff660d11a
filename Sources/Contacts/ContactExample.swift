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

    func token(_ atom: Atom) -> Int32 {
        let e = atom.element
        let element: Int
        switch e.symbol {
        case "C": element = 0
        case "N": element = 1
        case "O": element = 2
        case "S": element = 3
        case "Se": element = 4
        case "P": element = 5
        case "F", "Cl", "Br", "I": element = 7
        default: element = e.isMetal ? 6 : 8
        }
        switch self {
        case .element: return Int32(element)
        case .elementAndName:
            let name = Self.names.firstIndex(of: atom.name) ?? Self.names.count
            return Int32(element * (Self.names.count + 1) + name)
        }
    }
}

/// One structure prepared for the contact network: the heavy-atom covalent graph (no waters, no
/// hydrogens, as Tessellate's inputs), residue membership, every residue pair i < j with its
/// features, and, for training, the 8-channel static-mode targets of Contacts I and a pair mask.
public struct ContactExample: Sendable {
    public var name: String
    public var residueLabels: [String]
    public var tokens: [Int32]
    public var bonds: [SIMD2<Int32>]
    public var graph: GraphStructure
    /// Residue node of each atom node.
    public var membership: [Int32]
    public var pairFirst: [Int32]
    public var pairSecond: [Int32]
    /// Per pair: log1p(sequence separation)/log(1001) (1 across chains), same chain, covalent closeness
    /// 1/(1 + residue hops) (0 beyond 16 hops or unconnected).
    public var pairExtra: [Float]
    public static let pairExtraWidth = 3
    /// Pairs × 8, empty when built without targets.
    public var targets: [Float]
    /// Per pair weight: 1, or `missingWeight` when either residue lacks template atoms.
    public var mask: [Float]
    /// P-GNN anchors: nearest anchor atom and closeness per atom and anchor set (atom-major).
    public var anchors: [Int32]
    public var closeness: [Float]

    public var pairCount: Int { pairFirst.count }

    public init(structure s: Structure, name: String, vocabulary: AtomVocabulary, anchorSets: Int,
                withTargets: Bool, missingWeight: Float = 0.1) throws {
        self.name = name
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
        residueLabels = residues.map { s.residues[$0].label }
        // Atom nodes: heavy atoms of those residues.
        var atomNode = [Int32](repeating: -1, count: s.atoms.count)
        var atoms: [Int] = []
        for r in residues { for i in s.residues[r].atoms where !s.atoms[i].element.isHydrogen { atomNode[i] = Int32(atoms.count); atoms.append(i) } }
        tokens = atoms.map { vocabulary.token(s.atoms[$0]) }
        membership = atoms.map { residueNode[s.atoms[$0].residue] }
        let graph = CovalentGraph(s)
        bonds = graph.bonds.compactMap { b in
            let x = atomNode[Int(b.x)], y = atomNode[Int(b.y)]
            return x >= 0 && y >= 0 ? SIMD2(x, y) : nil
        }
        self.graph = GraphStructure(nodes: atoms.count, undirected: bonds, selfLoops: true)

        // Pairs and their features.
        let n = residues.count
        var position = [Int](repeating: 0, count: n)
        var seen: [String: Int] = [:]
        for k in 0..<n { let c = s.residues[residues[k]].chain; position[k] = seen[c, default: 0]; seen[c, default: 0] += 1 }
        // Residue adjacency from inter-residue covalent bonds, then hop counts by BFS.
        var adjacent = [[Int]](repeating: [], count: n)
        for b in bonds {
            let a = Int(membership[Int(b.x)]), c = Int(membership[Int(b.y)])
            if a != c && !adjacent[a].contains(c) { adjacent[a].append(c); adjacent[c].append(a) }
        }
        let maxHops = 16
        var first: [Int32] = [], second: [Int32] = [], extra: [Float] = []
        first.reserveCapacity(n * (n - 1) / 2)
        second.reserveCapacity(n * (n - 1) / 2)
        extra.reserveCapacity(3 * n * (n - 1) / 2)
        let logScale = Float(log(1001.0))
        var hops = [Int](repeating: -1, count: n)
        for i in 0..<n {
            for k in 0..<n { hops[k] = -1 }
            hops[i] = 0
            var frontier = [i]
            var depth = 0
            while !frontier.isEmpty && depth < maxHops {
                depth += 1
                var next: [Int] = []
                for u in frontier { for w in adjacent[u] where hops[w] < 0 { hops[w] = depth; next.append(w) } }
                frontier = next
            }
            for j in (i + 1)..<max(i + 1, n) {
                first.append(Int32(i)); second.append(Int32(j))
                let same = s.residues[residues[i]].chain == s.residues[residues[j]].chain
                let separation = same ? Float(abs(position[i] - position[j])) : 1000
                extra.append(Float(log1p(Double(separation))) / logScale)
                extra.append(same ? 1 : 0)
                extra.append(hops[j] >= 0 ? 1 / Float(1 + hops[j]) : 0)
            }
        }
        pairFirst = first
        pairSecond = second
        pairExtra = extra
        let incomplete = Set(graph.missingAtoms.keys.compactMap { residueNode[$0] >= 0 ? Int(residueNode[$0]) : nil })
        mask = zip(first, second).map { incomplete.contains(Int($0.0)) || incomplete.contains(Int($0.1)) ? missingWeight : 1 }

        if withTargets {
            let map = ResidueContactMap(computeContacts(s, mode: .static), structure: s)
            var y = [Float](repeating: 0, count: first.count * 8)
            for (key, flags) in map.pairs {
                let a = residueNode[Int(key.x)], b = residueNode[Int(key.y)]
                guard a >= 0, b >= 0 else { continue }
                let i = Int(min(a, b)), j = Int(max(a, b))
                let q = i * n - i * (i + 1) / 2 + (j - i - 1)   // index of (i, j) in row-major upper triangle
                for c in 0..<8 where flags & (1 << UInt8(c)) != 0 { y[q * 8 + c] = 1 }
            }
            targets = y
        } else {
            targets = []
        }

        // P-GNN anchor sets: sizes N/2, N/4, …, 1 in turn, drawn with a seed fixed by the atom count,
        // so the same structure always gets the same anchors.
        (anchors, closeness) = ContactExample.anchorSets(nodes: atoms.count, bonds: bonds, count: anchorSets)
    }

    static func anchorSets(nodes: Int, bonds: [SIMD2<Int32>], count: Int) -> ([Int32], [Float]) {
        guard count > 0, nodes > 0 else { return ([], []) }
        var neighbours = [[Int32]](repeating: [], count: nodes)
        for b in bonds { neighbours[Int(b.x)].append(b.y); neighbours[Int(b.y)].append(b.x) }
        var random = SplitMix64(seed: 0xC0FFEE ^ UInt64(nodes))
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
