import Foundation
import IO

/// Version of the contact rules: raised whenever a change can alter any map, so that prepared
/// training examples cached under an older version are prepared again.
/// 2: VMD's periodic-table radii for the distance rule; bonded atoms bridge no water.
public let contactRulesVersion = 2

/// The eight contact channels of the residue map, in map order.
public enum ContactChannel: Int, CaseIterable, Sendable {
    case hydrophobic, hydrogenBond, vanDerWaals, waterBridge, saltBridge, piStacking, piCation, tStacking

    /// Column names of map.tsv.
    public var code: String { ["hp", "hb", "vdw", "wb", "sb", "ps", "pc", "ts"][rawValue] }

    /// The channel of a GetContacts interaction type (hbbb, lwb2, sblp, …).
    public init?(getContactsType t: String) {
        switch t {
        case "hp", "hplp", "hpll": self = .hydrophobic
        case "hb", "lhb", "hbbb", "hbsb", "hbss", "hbls", "hblb", "hbll": self = .hydrogenBond
        case "vdw": self = .vanDerWaals
        case "wb", "wb2", "lwb", "lwb2": self = .waterBridge
        case "sb", "sbpl", "sblp", "sbll": self = .saltBridge
        case "ps": self = .piStacking
        case "pc": self = .piCation
        case "ts": self = .tStacking
        default: return nil
        }
    }
}

/// Static mode: GetContacts' single-structure defaults as Tessellate ran them (no H-bond angle test;
/// hydrogens inferred from chemistry, so files with and without H give the same contacts).
/// Dynamic mode: the trajectory defaults, with the angle test ∠D–H···A > 110° on explicit hydrogens.
public enum ContactMode: String, Sendable, CaseIterable { case `static`, dynamic }

/// Which atoms take part: `all` (everything but solvent and lipids), `protein` or one chain
/// (waters included, as in VMD).
public enum AtomSelection: Sendable, Equatable {
    case all, protein, chain(String)

    public init?(_ text: String) {
        let words = text.split(separator: " ").map(String.init)
        switch (words.first?.lowercased(), words.count) {
        case ("all", 1): self = .all
        case ("protein", 1): self = .protein
        case ("chain", 2): self = .chain(words[1])
        default: return nil
        }
    }

    /// The selection `text` names (all, protein or 'chain X'); an invalid-option error naming
    /// `option` otherwise.
    public init(parsing text: String, option: String) throws {
        guard let selection = AtomSelection(text) else { throw BETSeqError(.invalidOption, file: option, "all, protein or 'chain X'") }
        self = selection
    }

    /// The selection of a mode when none is given: `all` for static mode, `protein` for dynamic.
    public static func defaultSelection(for mode: ContactMode) -> AtomSelection {
        switch mode {
        case .static: return .all
        case .dynamic: return .protein
        }
    }

    /// Throws a usage error when the selection names a chain the structure does not have.
    public func check(in s: Structure) throws {
        guard case .chain(let c) = self, !s.residues.contains(where: { $0.chain == c }) else { return }
        let chains = s.residues.map(\.chain).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        throw BETSeqError(.invalidOption, file: s.source, "no chain \(c); the structure has chain\(chains.count == 1 ? "" : "s") \(chains.map { $0.isEmpty ? "(blank)" : $0 }.joined(separator: ", "))")
    }

    func contains(_ r: Residue) -> Bool {
        switch self {
        case .all: return r.kind != .water && r.kind != .lipid
        case .protein: return r.kind == .protein
        // Like VMD's "chain X": the chain's waters too (they make vdW contacts; H-bonds and water
        // bridges treat waters as solvent whatever the selection).
        case .chain(let c): return r.chain == c
        }
    }
}

/// One atom-level contact in GetContacts' terms: its type (hbsb, vdw, wb2, …), the two atoms and,
/// for water bridges, the waters' oxygen atoms.
public struct AtomContact: Sendable, Hashable {
    public var type: String
    public var atom1: Int
    public var atom2: Int
    public var waters: [Int]
    public var channel: ContactChannel { ContactChannel(getContactsType: type) ?? .vanDerWaals }
}

/// Atom-level contacts of a structure, following GetContacts (see docs/CONTACT_RULES.md in the
/// shared folder: cut-offs, exclusions, the hydrogen-free static emulation). With `selection2`,
/// only contacts between the two selections are reported (as `--sele`/`--sele2`).
public func computeContacts(_ s: Structure, mode: ContactMode = .static, selection: AtomSelection = .all,
                            selection2: AtomSelection? = nil) -> [AtomContact] {
    ContactFinder(s, mode: mode, selection: selection, selection2: selection2).run()
}

struct ContactFinder {
    let s: Structure
    let mode: ContactMode
    let bonded: [[Int32]]
    let in1: [Bool], in2: [Bool]
    let twoSelections: Bool
    let labels: [String]
    let residueNumber: [Int]
    let chain: [String]
    let isLigand: [Bool]
    let grid: NeighborGrid
    let heavy: [Bool]

    init(_ s: Structure, mode: ContactMode, selection: AtomSelection, selection2: AtomSelection?) {
        self.s = s
        self.mode = mode
        bonded = vmdBonds(s)
        in1 = s.atoms.map { selection.contains(s.residues[$0.residue]) }
        in2 = selection2.map { sel in s.atoms.map { sel.contains(s.residues[$0.residue]) } } ?? in1
        twoSelections = selection2 != nil
        labels = s.atoms.indices.map { s.label(atom: $0) }
        residueNumber = s.atoms.map { s.residues[$0.residue].number }
        chain = s.atoms.map { s.residues[$0.residue].chain }
        isLigand = s.atoms.map { s.residues[$0.residue].kind == .ligand }
        heavy = s.atoms.map { !$0.element.isHydrogen }
        grid = NeighborGrid(points: s.atoms.map(\.position), cell: 7.0)
    }

    func allowed(_ i: Int, _ j: Int) -> Bool {
        twoSelections ? (in1[i] && in2[j]) || (in2[i] && in1[j]) : in1[i] && in1[j]
    }
    func isBonded(_ i: Int, _ j: Int) -> Bool { bonded[i].contains(Int32(j)) }
    func sameResidue(_ i: Int, _ j: Int) -> Bool { chain[i] == chain[j] && residueNumber[i] == residueNumber[j] }
    func near(_ i: Int, _ j: Int, lessThan gap: Int) -> Bool { chain[i] == chain[j] && abs(residueNumber[i] - residueNumber[j]) < gap }
    func distance(_ i: Int, _ j: Int) -> Float { let d = s.atoms[i].position - s.atoms[j].position; return (d * d).sum().squareRoot() }

    /// Pairs (i < j) of atoms satisfying `filter` within `cutoff`, in both selections as required.
    func pairs(within cutoff: Float, of filter: (Int) -> Bool, _ body: (Int, Int, Float) -> Void) {
        let members = s.atoms.indices.filter { filter($0) && (in1[$0] || in2[$0]) }
        let local = NeighborGrid(points: members.map { s.atoms[$0].position }, cell: cutoff)
        local.forEachPair(within: cutoff) { a, b, d2 in
            let i = members[a], j = members[b]
            if allowed(i, j) { body(min(i, j), max(i, j), d2.squareRoot()) }
        }
    }

    func contact(_ type: String, _ i: Int, _ j: Int, waters: [Int] = []) -> AtomContact {
        labels[i] <= labels[j] ? AtomContact(type: type, atom1: i, atom2: j, waters: waters)
                               : AtomContact(type: type, atom1: j, atom2: i, waters: waters)
    }

    func run() -> [AtomContact] {
        var out: [AtomContact] = []
        let disulfides = disulfideResidues()
        vanDerWaals(&out, disulfides: disulfides)
        hydrophobic(&out, disulfides: disulfides)
        hydrogenBonds(&out)
        waterBridges(&out)
        saltBridges(&out)
        aromatic(&out)
        // Unique lines, in a stable order.
        var seen = Set<AtomContact>()
        return out.filter { seen.insert($0).inserted }
    }

    // MARK: Channels

    /// Residue-number pairs of CYS whose SG atoms are within 2.1 Å (chain ignored, as GetContacts).
    func disulfideResidues() -> Set<SIMD2<Int32>> {
        let sg = s.atoms.indices.filter { s.atoms[$0].name == "SG" && s.residues[s.atoms[$0].residue].name == "CYS" }
        var pairs = Set<SIMD2<Int32>>()
        for a in sg { for b in sg where b != a && distance(a, b) <= 2.1 {
            pairs.insert(SIMD2(Int32(min(residueNumber[a], residueNumber[b])), Int32(max(residueNumber[a], residueNumber[b]))))
        } }
        return pairs
    }

    func disulfideExcluded(_ i: Int, _ j: Int, _ pairs: Set<SIMD2<Int32>>) -> Bool {
        guard s.residues[s.atoms[i].residue].name == "CYS", s.residues[s.atoms[j].residue].name == "CYS" else { return false }
        return pairs.contains(SIMD2(Int32(min(residueNumber[i], residueNumber[j])), Int32(max(residueNumber[i], residueNumber[j]))))
    }

    func vanDerWaals(_ out: inout [AtomContact], disulfides: Set<SIMD2<Int32>>) {
        let radius = s.atoms.map { Float($0.element.vdwRadius) }
        let maxR = radius.max() ?? 1.7
        pairs(within: 2 * maxR + 0.5, of: { heavy[$0] }) { i, j, d in
            guard d < radius[i] + radius[j] + 0.5, !near(i, j, lessThan: 2), !isBonded(i, j),
                  !disulfideExcluded(i, j, disulfides) else { return }
            out.append(contact("vdw", i, j))
        }
    }

    static let hydrophobicResidues: Set<String> = ["ALA", "PHE", "GLY", "ILE", "LEU", "PRO", "VAL", "TRP"]

    func hydrophobic(_ out: inout [AtomContact], disulfides: Set<SIMD2<Int32>>) {
        // Carbons of the hydrophobic residues (or ligands) with only C or H within 1.7 Å.
        let pool = s.atoms.indices.map { i -> Bool in
            let a = s.atoms[i], r = s.residues[a.residue]
            guard a.element.isCarbon, Self.hydrophobicResidues.contains(r.name) || r.kind == .ligand else { return false }
            var clean = true
            grid.forEachNeighbor(of: a.position, within: 1.7) { j, _ in
                if j != i, !(s.atoms[j].element.isCarbon || s.atoms[j].element.isHydrogen) { clean = false }
            }
            return clean
        }
        // GetContacts' second selection keeps only carbons whose neighbours are exactly {C, H}, i.e.
        // that carry a hydrogen (judged as if the structure were hydrogenated).
        let pool2 = twoSelections ? s.atoms.indices.map { pool[$0] && carbonCarriesHydrogen($0) } : pool
        pairs(within: 3.9, of: { pool[$0] }) { i, j, d in
            guard d < 3.9, (in1[i] && in2[j] && pool2[j]) || (in1[j] && in2[i] && pool2[i]) || !twoSelections else { return }
            guard !near(i, j, lessThan: 2), !isBonded(i, j), !disulfideExcluded(i, j, disulfides) else { return }
            let type = isLigand[i] && isLigand[j] ? "hpll" : (isLigand[i] || isLigand[j] ? "hplp" : "hp")
            out.append(contact(type, i, j))
        }
    }

    /// Carbons without hydrogens among the hydrophobic residues' pool: aromatic ring carbons bonded to
    /// three heavy atoms.
    static let bareCarbons: Set<String> = ["PHE:CG", "TYR:CG", "TRP:CG", "TRP:CD2", "TRP:CE2"]

    /// Whether a carbon carries a hydrogen: in dynamic mode from the file's hydrogens; in static mode
    /// from chemistry (amino acids by name; ligands from their explicit hydrogens if they have any,
    /// else fewer than three heavy neighbours).
    func carbonCarriesHydrogen(_ i: Int) -> Bool {
        let a = s.atoms[i], r = s.residues[a.residue]
        let explicit = bonded[i].contains { s.atoms[Int($0)].element.isHydrogen }
        if mode == .dynamic { return explicit }
        if r.kind == .protein { return !Self.bareCarbons.contains("\(r.name):\(a.name)") }
        if r.atoms.contains(where: { s.atoms[$0].element.isHydrogen }) { return explicit }
        return bonded[i].filter { heavy[Int($0)] }.count < 3
    }

    /// Polar: any heavy atom that is not carbon or sulfur.
    func polar(_ i: Int) -> Bool { heavy[i] && !s.atoms[i].element.isCarbon && s.atoms[i].element.symbol != "S" }

    func backbone(_ i: Int) -> Bool {
        let name = s.atoms[i].name
        switch s.residues[s.atoms[i].residue].kind {
        case .protein: return name == "O" || name == "N"
        case .nucleic: return ["OP1", "OP2", "O1P", "O2P", "O3'", "O2'", "O4'", "O5'"].contains(name)
        default: return false
        }
    }

    /// Heavy atoms that carry a hydrogen in static mode (PyMOL's protonation, as Tessellate's targets).
    func carriesHydrogen(_ i: Int) -> Bool {
        let a = s.atoms[i], r = s.residues[a.residue]
        switch r.kind {
        case .water: return a.element.symbol == "O"
        case .ligand, .lipid: return false
        case .nucleic:
            return ["N6", "N4", "N2", "N1", "N3"].contains(a.name) && {
                switch (r.name.last, a.name) {
                case ("A", "N6"), ("C", "N4"), ("G", "N2"), ("G", "N1"), ("T", "N3"), ("U", "N3"), ("I", "N1"): return true
                default: return false
                }
            }()
        case .protein:
            if a.name == "N" {
                // Backbone N carries H unless it has three heavy neighbours (proline inside a chain).
                return bonded[i].filter { heavy[Int($0)] }.count < 3
            }
            switch (r.name, a.name) {
            case ("SER", "OG"), ("THR", "OG1"), ("TYR", "OH"), ("ASN", "ND2"), ("GLN", "NE2"), ("LYS", "NZ"), ("LYN", "NZ"),
                 ("ARG", "NE"), ("ARG", "NH1"), ("ARG", "NH2"), ("HIS", "NE2"), ("TRP", "NE1"),
                 ("HID", "ND1"), ("HSD", "ND1"), ("HIE", "NE2"), ("HSE", "NE2"), ("HIP", "ND1"), ("HIP", "NE2"),
                 ("HSP", "ND1"), ("HSP", "NE2"), ("ASH", "OD2"), ("GLH", "OE2"):
                return true
            default:
                return false
            }
        }
    }

    /// Dynamic rule: some hydrogen bonded to donor d makes ∠d–H···acceptor > 110°.
    func donates(_ d: Int, to acceptor: Int) -> Bool {
        for h in bonded[d] where s.atoms[Int(h)].element.isHydrogen {
            let ph = s.atoms[Int(h)].position
            let u = ph - s.atoms[d].position, v = s.atoms[acceptor].position - ph
            let cosine = (u * v).sum() / ((u * u).sum().squareRoot() * (v * v).sum().squareRoot())
            if acos(min(1, max(-1, cosine))) * 180 / .pi < 70 { return true }
        }
        return false
    }

    func hydrogenBonded(_ i: Int, _ j: Int) -> Bool {
        switch mode {
        case .static: return carriesHydrogen(i) || carriesHydrogen(j)
        case .dynamic: return donates(i, to: j) || donates(j, to: i)
        }
    }

    /// Hydrogen bonds between non-water polar atoms (water H-bonds make the water bridges).
    func hydrogenBonds(_ out: inout [AtomContact]) {
        let water = s.atoms.map { s.residues[$0.residue].kind == .water }
        pairs(within: 3.5, of: { polar($0) && !water[$0] }) { i, j, d in
            guard d <= 3.5, !sameResidue(i, j), !isBonded(i, j), hydrogenBonded(i, j) else { return }
            let type: String
            if isLigand[i] || isLigand[j] {
                let other = isLigand[i] ? j : i
                type = isLigand[i] && isLigand[j] ? "hbll" : (backbone(other) ? "hblb" : "hbls")
            } else {
                type = backbone(i) && backbone(j) ? "hbbb" : (backbone(i) || backbone(j) ? "hbsb" : "hbss")
            }
            out.append(contact(type, i, j))
        }
    }

    func waterBridges(_ out: inout [AtomContact]) {
        // Water oxygens and the selected polar atoms each is H-bonded to.
        let waterO = s.atoms.indices.filter { s.residues[s.atoms[$0].residue].kind == .water && heavy[$0] }
        guard !waterO.isEmpty else { return }
        let partners = s.atoms.indices.filter { polar($0) && (in1[$0] || in2[$0]) && s.residues[s.atoms[$0].residue].kind != .water }
        let partnerGrid = NeighborGrid(points: partners.map { s.atoms[$0].position }, cell: 3.5)
        var neighbours: [Int: [Int]] = [:]
        for w in waterO {
            var list: [Int] = []
            partnerGrid.forEachNeighbor(of: s.atoms[w].position, within: 3.5) { k, _ in
                let p = partners[k]
                // A partner the distance rule bonds to the water (a clash) is no H-bond, as in GetContacts.
                guard !isBonded(w, p) else { return }
                if mode == .static || donates(w, to: p) || donates(p, to: w) { list.append(p) }
            }
            if !list.isEmpty { neighbours[w] = list.sorted() }
        }
        func type(_ i: Int, _ j: Int, two: Bool) -> String { (isLigand[i] || isLigand[j] ? "lwb" : "wb") + (two ? "2" : "") }
        for w in waterO {
            guard let list = neighbours[w] else { continue }
            for a in list.indices { for b in list.indices where b > a {
                let i = list[a], j = list[b]
                if !sameResidue(i, j) && allowed(i, j) { out.append(contact(type(i, j, two: false), i, j, waters: [w])) }
            } }
        }
        // Two-water bridges: n1 – W1 – W2 – n2 with W1, W2 H-bonded to each other.
        let shell = waterO.filter { neighbours[$0] != nil }
        let shellGrid = NeighborGrid(points: shell.map { s.atoms[$0].position }, cell: 3.5)
        for (x, w1) in shell.enumerated() {
            shellGrid.forEachNeighbor(of: s.atoms[w1].position, within: 3.5) { y, _ in
                guard y > x else { return }
                let w2 = shell[y]
                guard !isBonded(w1, w2), mode == .static || donates(w1, to: w2) || donates(w2, to: w1) else { return }
                for i in neighbours[w1] ?? [] { for j in neighbours[w2] ?? [] where i != j && !sameResidue(i, j) && allowed(i, j) {
                    // GetContacts lists the two waters sorted by label, whichever end each touches.
                    out.append(contact(type(i, j, two: true), i, j, waters: labels[w1] <= labels[w2] ? [w1, w2] : [w2, w1]))
                } }
            }
        }
    }

    func saltBridges(_ out: inout [AtomContact]) {
        let anion = s.atoms.indices.map { i -> Bool in
            let a = s.atoms[i], r = s.residues[a.residue]
            switch (r.kind, r.name, a.name) {
            case (.protein, "ASP", "OD1"), (.protein, "ASP", "OD2"), (.protein, "GLU", "OE1"), (.protein, "GLU", "OE2"): return true
            case (.nucleic, _, let n): return ["OP1", "OP2", "O1P", "O2P"].contains(n) && ["C", "U", "G", "A", "DC", "DT", "DG", "DA"].contains(r.name)
            case (.ligand, _, _): return a.element.symbol == "O" && ligandCarboxylateOxygen(i)
            default: return false
            }
        }
        let cation = s.atoms.indices.map { i -> Bool in
            let a = s.atoms[i], r = s.residues[a.residue]
            switch (r.kind, r.name, a.name) {
            case (.protein, "HIS", "ND1"), (.protein, "HIS", "NE2"), (.protein, "HSD", "ND1"), (.protein, "HSD", "NE2"),
                 (.protein, "HSE", "ND1"), (.protein, "HSE", "NE2"), (.protein, "HSP", "ND1"), (.protein, "HSP", "NE2"),
                 (.protein, "HIE", "ND1"), (.protein, "HIE", "NE2"), (.protein, "HIP", "ND1"), (.protein, "HIP", "NE2"),
                 (.protein, "HID", "ND1"), (.protein, "HID", "NE2"), (.protein, "LYS", "NZ"), (.protein, "ARG", "NH1"), (.protein, "ARG", "NH2"):
                return true
            case (.ligand, _, _):
                let text = "\(labels[i]):\(a.serial)"
                return ["MG", "MN", "RH", "ZN", "FE", "BI", "AS", "AG"].contains { text.contains($0) }
            default: return false
            }
        }
        pairs(within: 4.0, of: { anion[$0] || cation[$0] }) { i, j, d in
            guard d <= 4.0, (anion[i] && cation[j]) || (cation[i] && anion[j]), !isBonded(i, j) else { return }
            out.append(contact(isLigand[i] && isLigand[j] ? "sbll" : "sb", i, j))
        }
    }

    /// A ligand oxygen of a carboxylate: its carbon has exactly three neighbours within 1.95 Å (two
    /// O and one C) and an angle of 115–125° between two of them.
    func ligandCarboxylateOxygen(_ o: Int) -> Bool {
        var found = false
        grid.forEachNeighbor(of: s.atoms[o].position, within: 1.95) { c, _ in
            guard c != o, s.atoms[c].element.isCarbon, !found else { return }
            var around: [Int] = []
            grid.forEachNeighbor(of: s.atoms[c].position, within: 1.95) { n, _ in if n != c && heavy[n] { around.append(n) } }
            let oxygens = around.filter { s.atoms[$0].element.symbol == "O" }, carbons = around.filter { s.atoms[$0].element.isCarbon }
            guard around.count == 3, oxygens.count == 2, carbons.count == 1 else { return }
            for x in around.indices { for y in around.indices where y > x {
                let u = s.atoms[around[x]].position - s.atoms[c].position, v = s.atoms[around[y]].position - s.atoms[c].position
                let angle = acos((u * v).sum() / ((u * u).sum().squareRoot() * (v * v).sum().squareRoot())) * 180 / .pi
                if angle >= 115 && angle <= 125 { found = true }
            } }
        }
        return found
    }

    struct Ring {
        var residue: Int
        var atoms: [Int]     // three, sorted by label
        var centroid: SIMD3<Float>
        var normal: SIMD3<Float>
        var reported: Int    // the ring atom whose name sorts first
    }

    func rings() -> [Ring] {
        var out: [Ring] = []
        for (r, residue) in s.residues.enumerated() {
            let names: [String]
            switch (residue.kind, residue.name) {
            case (.protein, "PHE"), (.protein, "TYR"): names = ["CG", "CE1", "CE2"]
            case (.protein, "TRP"): names = ["CD2", "CZ2", "CZ3"]
            case (.protein, "HIS"), (.protein, "HSD"), (.protein, "HSE"), (.protein, "HSP"), (.protein, "HIE"), (.protein, "HIP"), (.protein, "HID"):
                names = ["CG", "CE1", "CD2"]
            case (.nucleic, _): names = ["C2", "C4", "C6"]
            default: continue
            }
            let atoms = residue.atoms.filter { names.contains(s.atoms[$0].name) }
            guard atoms.count == 3, atoms.allSatisfy({ in1[$0] || in2[$0] }) else { continue }
            let sorted = atoms.sorted { labels[$0] < labels[$1] }
            let p = sorted.map { s.atoms[$0].position }
            let u = p[2] - p[0], v = p[1] - p[0]
            let normal = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
            let reported = atoms.min { s.atoms[$0].name < s.atoms[$1].name } ?? atoms[0]
            out.append(Ring(residue: r, atoms: sorted, centroid: (p[0] + p[1] + p[2]) / 3, normal: normal, reported: reported))
        }
        return out
    }

    func angle(_ u: SIMD3<Float>, _ v: SIMD3<Float>) -> Float {
        let c = (u * v).sum() / ((u * u).sum().squareRoot() * (v * v).sum().squareRoot())
        return acos(min(1, max(-1, c))) * 180 / .pi
    }
    func folded(_ a: Float) -> Float { a > 90 ? 180 - a : a }

    func aromatic(_ out: inout [AtomContact]) {
        let all = rings()
        // π–cation: protein cations within 6 Å of the centroid, all ring atoms within 10 Å.
        let cations = s.atoms.indices.filter { i in
            let r = s.residues[s.atoms[i].residue]
            guard r.kind == .protein else { return false }
            switch (r.name, s.atoms[i].name) {
            case ("LYS", "NZ"), ("ARG", "NH1"), ("ARG", "NH2"): return true
            case (let n, "ND1"), (let n, "NE2"): return ["HIS", "HSD", "HSE", "HSP", "HIE", "HIP", "HID"].contains(n)
            default: return false
            }
        }
        for ring in all {
            for c in cations where allowed(c, ring.reported) {
                guard ring.atoms.allSatisfy({ distance($0, c) <= 10 }) else { continue }
                let offset = s.atoms[c].position - ring.centroid
                let d = (offset * offset).sum().squareRoot()
                if d <= 6.0 && folded(angle(ring.normal, offset)) <= 60 { out.append(contact("pc", c, ring.reported)) }
            }
        }
        // π-stacking and T-stacking between rings of different residues.
        for x in all.indices { for y in all.indices where y > x {
            let a = all[x], b = all[y]
            guard s.residues[a.residue].label != s.residues[b.residue].label, allowed(a.reported, b.reported) else { continue }
            var closest = Float.infinity
            for i in a.atoms { for j in b.atoms { closest = min(closest, distance(i, j)) } }
            let between = b.centroid - a.centroid
            let d = (between * between).sum().squareRoot()
            let normals = angle(a.normal, b.normal)
            let psi = min(folded(angle(a.normal, between)), folded(angle(b.normal, between)))
            if closest <= 10, d <= 7.0, folded(normals) <= 30, psi <= 45 {
                out.append(contact("ps", a.reported, b.reported))
            }
            if closest <= 6, d <= 5.0, abs(normals - 90) <= 30, psi <= 45 {
                out.append(contact("ts", a.reported, b.reported))
            }
        } }
    }
}
