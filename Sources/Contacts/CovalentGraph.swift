import Foundation

/// The covalent bond graph of a structure, atom level, as the graph network sees it.
///
/// - The 20 standard amino acids bond by template (heavy atoms; OXT when present); hydrogens bond
///   to the nearest heavy atom of their residue within 1.3 Å.
/// - Consecutive amino acids of a chain bond C(i)–N(i+1) when the two atoms are at most 2.0 Å
///   apart; farther apart, the chain is recorded as broken there.
/// - Cysteine SG pairs within 2.5 Å are disulfides.
/// - Every other residue (MSE, SEP, TPO, CSO, HYP, ligands, nucleotides) bonds by covalent radii:
///   d ≤ r₁ + r₂ + 0.45 Å (Cordero radii), within the residue and to atoms of other non-water
///   residues; metal ions are left unbonded (coordination is not a covalent bond).
/// - Waters are not part of the graph.
public struct CovalentGraph: Sendable {
    /// Bonded atom pairs (i < j), sorted.
    public var bonds: [SIMD2<Int32>]
    /// Template atoms missing from the file, per residue index (heavy atoms only).
    public var missingAtoms: [Int: [String]]
    /// Residue indices i such that the chain breaks between residue i and i + 1.
    public var chainBreaks: [Int]
    /// Residue index pairs joined by a disulfide.
    public var disulfides: [SIMD2<Int32>]

    /// Heavy-atom bonds of the standard amino acids beyond the backbone N–CA, CA–C, C–O.
    public static let sideChainBonds: [String: [(String, String)]] = [
        "ALA": [("CA", "CB")],
        "ARG": [("CA", "CB"), ("CB", "CG"), ("CG", "CD"), ("CD", "NE"), ("NE", "CZ"), ("CZ", "NH1"), ("CZ", "NH2")],
        "ASN": [("CA", "CB"), ("CB", "CG"), ("CG", "OD1"), ("CG", "ND2")],
        "ASP": [("CA", "CB"), ("CB", "CG"), ("CG", "OD1"), ("CG", "OD2")],
        "CYS": [("CA", "CB"), ("CB", "SG")],
        "GLN": [("CA", "CB"), ("CB", "CG"), ("CG", "CD"), ("CD", "OE1"), ("CD", "NE2")],
        "GLU": [("CA", "CB"), ("CB", "CG"), ("CG", "CD"), ("CD", "OE1"), ("CD", "OE2")],
        "GLY": [],
        "HIS": [("CA", "CB"), ("CB", "CG"), ("CG", "ND1"), ("CG", "CD2"), ("ND1", "CE1"), ("CD2", "NE2"), ("CE1", "NE2")],
        "ILE": [("CA", "CB"), ("CB", "CG1"), ("CB", "CG2"), ("CG1", "CD1")],
        "LEU": [("CA", "CB"), ("CB", "CG"), ("CG", "CD1"), ("CG", "CD2")],
        "LYS": [("CA", "CB"), ("CB", "CG"), ("CG", "CD"), ("CD", "CE"), ("CE", "NZ")],
        "MET": [("CA", "CB"), ("CB", "CG"), ("CG", "SD"), ("SD", "CE")],
        "PHE": [("CA", "CB"), ("CB", "CG"), ("CG", "CD1"), ("CG", "CD2"), ("CD1", "CE1"), ("CD2", "CE2"), ("CE1", "CZ"), ("CE2", "CZ")],
        "PRO": [("CA", "CB"), ("CB", "CG"), ("CG", "CD"), ("CD", "N")],
        "SER": [("CA", "CB"), ("CB", "OG")],
        "THR": [("CA", "CB"), ("CB", "OG1"), ("CB", "CG2")],
        "TRP": [("CA", "CB"), ("CB", "CG"), ("CG", "CD1"), ("CG", "CD2"), ("CD1", "NE1"), ("NE1", "CE2"), ("CD2", "CE2"),
                ("CD2", "CE3"), ("CE2", "CZ2"), ("CE3", "CZ3"), ("CZ2", "CH2"), ("CZ3", "CH2")],
        "TYR": [("CA", "CB"), ("CB", "CG"), ("CG", "CD1"), ("CG", "CD2"), ("CD1", "CE1"), ("CD2", "CE2"), ("CE1", "CZ"), ("CE2", "CZ"), ("CZ", "OH")],
        "VAL": [("CA", "CB"), ("CB", "CG1"), ("CB", "CG2")],
    ]
    static let backboneBonds = [("N", "CA"), ("CA", "C"), ("C", "O"), ("C", "OXT")]

    /// Heavy-atom template bonds of a standard residue (OXT included).
    public static func templateBonds(_ residue: String) -> [(String, String)]? {
        sideChainBonds[residue].map { backboneBonds + $0 }
    }

    /// Heavy atoms a standard residue must have (OXT is optional).
    public static func templateAtoms(_ residue: String) -> [String]? {
        guard let bonds = templateBonds(residue) else { return nil }
        var names: [String] = []
        for (a, b) in bonds { for n in [a, b] where n != "OXT" && !names.contains(n) { names.append(n) } }
        return names
    }

    public init(_ s: Structure) {
        var bonds = Set<SIMD2<Int32>>()
        func add(_ i: Int, _ j: Int) { bonds.insert(i < j ? SIMD2(Int32(i), Int32(j)) : SIMD2(Int32(j), Int32(i))) }
        func distance(_ i: Int, _ j: Int) -> Float { let d = s.atoms[i].position - s.atoms[j].position; return (d * d).sum().squareRoot() }
        var missing: [Int: [String]] = [:]
        var generic: [Int] = []  // atoms of non-template residues, bonded by radii
        for (r, residue) in s.residues.enumerated() where residue.kind != .water {
            var byName: [String: Int] = [:]
            for i in residue.atoms where !s.atoms[i].element.isHydrogen { byName[s.atoms[i].name] = byName[s.atoms[i].name] ?? i }
            if let template = CovalentGraph.templateBonds(residue.name) {
                for (a, b) in template { if let i = byName[a], let j = byName[b] { add(i, j) } }
                let absent = (CovalentGraph.templateAtoms(residue.name) ?? []).filter { byName[$0] == nil }
                if !absent.isEmpty { missing[r] = absent }
                // Hydrogens: to the nearest heavy atom of the residue within 1.3 Å.
                for h in residue.atoms where s.atoms[h].element.isHydrogen {
                    var best: (Int, Float)?
                    for i in residue.atoms where !s.atoms[i].element.isHydrogen {
                        let d = distance(h, i)
                        if d <= 1.3 && d < (best?.1 ?? .infinity) { best = (i, d) }
                    }
                    if let (i, _) = best { add(h, i) }
                }
            } else {
                generic.append(contentsOf: residue.atoms.filter { !s.atoms[$0].element.isMetal })
            }
        }
        // Peptide bonds and chain breaks between consecutive amino acids of a chain.
        var breaks: [Int] = []
        for r in s.residues.indices.dropLast() {
            let a = s.residues[r], b = s.residues[r + 1]
            guard a.kind == .protein, b.kind == .protein, a.chain == b.chain else { continue }
            let c = a.atoms.first { s.atoms[$0].name == "C" }, n = b.atoms.first { s.atoms[$0].name == "N" }
            if let c, let n, distance(c, n) <= 2.0 { add(c, n) } else { breaks.append(r) }
        }
        // Disulfides.
        let sulfurs = s.residues.indices.filter { s.residues[$0].name == "CYS" }.compactMap { r in
            s.residues[r].atoms.first { s.atoms[$0].name == "SG" }.map { (r, $0) }
        }
        var disulfides: [SIMD2<Int32>] = []
        for x in sulfurs.indices {
            for y in sulfurs.indices where y > x && distance(sulfurs[x].1, sulfurs[y].1) <= 2.5 {
                add(sulfurs[x].1, sulfurs[y].1)
                disulfides.append(SIMD2(Int32(sulfurs[x].0), Int32(sulfurs[y].0)))
            }
        }
        // Covalent radii for everything without a template, to any non-water, non-metal atom.
        if !generic.isEmpty {
            let candidates = s.atoms.indices.filter { s.residues[s.atoms[$0].residue].kind != .water && !s.atoms[$0].element.isMetal }
            let grid = NeighborGrid(points: candidates.map { s.atoms[$0].position }, cell: 3.2)
            for i in generic {
                let ei = s.atoms[i].element
                grid.forEachNeighbor(of: s.atoms[i].position, within: 3.2) { k, d2 in
                    let j = candidates[k]
                    guard j != i else { return }
                    let ej = s.atoms[j].element
                    if ei.isHydrogen && ej.isHydrogen { return }
                    // A template residue's own atoms bond by template, not by distance.
                    if CovalentGraph.templateBonds(s.residues[s.atoms[j].residue].name) != nil,
                       s.atoms[j].residue == s.atoms[i].residue { return }
                    let limit = Float(ei.covalentRadius + ej.covalentRadius + 0.45)
                    if d2 > 0.01 && d2 <= limit * limit { add(i, j) }
                }
            }
        }
        self.bonds = bonds.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        self.missingAtoms = missing
        self.chainBreaks = breaks
        self.disulfides = disulfides
    }
}

/// What a structure's covalent graph lacks, as `betseq contacts map` reports it.
public struct CovalentGraphSummary: Sendable, Equatable {
    /// Labels of the residues after which a chain breaks (file order).
    public var chainBreaks: [String]
    /// Residues that miss template atoms.
    public var incompleteResidues: Int

    public init(chainBreaks: [String], incompleteResidues: Int) {
        self.chainBreaks = chainBreaks
        self.incompleteResidues = incompleteResidues
    }

    public init(_ graph: CovalentGraph, structure s: Structure) {
        self.init(chainBreaks: graph.chainBreaks.map { s.residues[$0].label }, incompleteResidues: graph.missingAtoms.count)
    }

    /// `covalent graph: N chain breaks (after the first five labels, …); M residues miss template
    /// atoms`, nil for a graph without breaks and missing atoms.
    public var remark: String? {
        guard !chainBreaks.isEmpty || incompleteResidues > 0 else { return nil }
        return "covalent graph: \(chainBreaks.count) chain breaks (after \(chainBreaks.prefix(5).joined(separator: ", "))\(chainBreaks.count > 5 ? ", …" : "")); \(incompleteResidues) residues miss template atoms"
    }
}

/// Bonds as VMD guesses them for GetContacts: atoms i, j are bonded when d < 0.6·(r_i + r_j), never
/// H–H, and not for coincident atoms (d < 0.03 Å). VMD's file readers give every atom whose element
/// they know the van der Waals radius of its periodic-table entry (O 1.52, N 1.55, C 1.70, …), so two
/// water oxygens 1.67 Å apart, or a water 1.82 Å from a sulfate oxygen, are bonded (0.6 × 3.04 =
/// 1.824 Å) and are neither an H-bond nor a link of a water bridge. Used for the "not directly
/// bonded" exclusions of every contact type and for finding the hydrogens of a donor.
public func vmdBonds(_ s: Structure) -> [[Int32]] {
    let radii = s.atoms.map { vmdRadius($0.element) }
    let reach = 0.6 * 2 * (radii.max() ?? 1.5)
    var adjacency = [[Int32]](repeating: [], count: s.atoms.count)
    let grid = NeighborGrid(points: s.atoms.map(\.position), cell: reach)
    grid.forEachPair(within: reach) { i, j, d2 in
        if s.atoms[i].element.isHydrogen && s.atoms[j].element.isHydrogen { return }
        let cut = 0.6 * (radii[i] + radii[j])
        if d2 < cut * cut && d2 > 0.0009 {
            adjacency[i].append(Int32(j))
            adjacency[j].append(Int32(i))
        }
    }
    return adjacency
}

/// VMD's periodic-table van der Waals radius (Å) of an element; 2.0 where its table has no value.
func vmdRadius(_ e: Element) -> Float {
    switch e.symbol {
    case "H": return 1.10
    case "C": return 1.70
    case "N": return 1.55
    case "O": return 1.52
    case "F": return 1.47
    case "P", "S": return 1.80
    case "Cl": return 1.75
    case "Se": return 1.90
    case "Br": return 1.85
    case "I": return 1.98
    case "Li": return 1.82
    case "Na": return 2.27
    case "Mg": return 1.73
    case "K": return 2.75
    case "Ca": return 2.31
    case "Ni": return 1.63
    case "Cu": return 1.40
    case "Zn": return 1.39
    default: return 2.0
    }
}
