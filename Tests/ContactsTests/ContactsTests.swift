import Foundation
import IO
import Testing
import TestSupport
@testable import Contacts
/// One PDB ATOM/HETATM line in the fixed columns of the format.
func pdbLine(_ serial: Int, _ name: String, _ residue: String, _ chain: String, _ number: Int, _ p: SIMD3<Float>,
             element: String, altLoc: String = " ", occupancy: Float = 1, hetero: Bool = false) -> String {
    let paddedName = name.count < 4 && element.count == 1 ? " " + name : name
    func col(_ s: String, _ width: Int, left: Bool = false) -> String {
        let t = String(s.prefix(width))
        let pad = String(repeating: " ", count: width - t.count)
        return left ? t + pad : pad + t
    }
    return (hetero ? "HETATM" : "ATOM  ") + col(String(serial), 5) + " " + col(paddedName, 4, left: true) + altLoc
        + col(residue, 3) + " " + chain + col(String(number), 4) + "    "
        + col(String(format: "%.3f", p.x), 8) + col(String(format: "%.3f", p.y), 8) + col(String(format: "%.3f", p.z), 8)
        + col(String(format: "%.2f", occupancy), 6) + col("20.00", 6) + "          " + col(element, 2)
}

func structure(_ lines: [String]) throws -> Structure {
    try Structure.parse(Array((lines.joined(separator: "\n") + "\nEND\n").utf8), source: "test.pdb")
}

/// Residue pairs (labels) per channel of a structure's map.
func channels(_ s: Structure, mode: ContactMode = .static) -> [ContactChannel: Set<String>] {
    let map = ResidueContactMap(computeContacts(s, mode: mode), structure: s)
    var out: [ContactChannel: Set<String>] = [:]
    for (key, flags) in map.pairs {
        for ch in ContactChannel.allCases where flags & (1 << UInt8(ch.rawValue)) != 0 {
            out[ch, default: []].insert(s.residues[Int(key.x)].label + " " + s.residues[Int(key.y)].label)
        }
    }
    return out
}

@Suite struct GetContactsReferenceTests {
    /// GetContacts' own lines (type, atoms, waters), without the headers.
    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init).sorted()
    }

    func ours(_ contacts: [AtomContact], _ s: Structure) -> [String] {
        contacts.map { c in (["0", c.type, s.label(atom: c.atom1), s.label(atom: c.atom2)] + c.waters.map { s.label(atom: $0) }).joined(separator: "\t") }.sorted()
    }

    /// 5Y0T chain A × chain B, static mode: every line of GetContacts' file, nothing missing or extra
    /// (hbbb, hbsb, hbss, hp, lwb, lwb2, ps, sb, vdw, wb, wb2, with the bridging waters).
    @Test func staticInterfaceOf5Y0TMatchesLineForLine() throws {
        let s = try Structure.read(path: fixture("contacts/5Y0T_h_noANISOU.pdb.gz"))
        let got = ours(computeContacts(s, mode: .static, selection: .chain("A"), selection2: .chain("B")), s)
        let expected = try lines(fixture("contacts/test_5y0t_interface_expected.tsv"))
        #expect(expected.count == 269)
        #expect(Set(got).subtracting(expected).isEmpty, "extra: \(Set(got).subtracting(expected).sorted().prefix(5))")
        #expect(Set(expected).subtracting(got).isEmpty, "missing: \(Set(expected).subtracting(got).sorted().prefix(5))")
        #expect(got == expected)
    }

    /// 5XND frame 0, dynamic mode (angle test on the file's hydrogens): every atom pair per type.
    @Test func dynamicContactsOf5XNDMatch() throws {
        let s = try Structure.read(path: fixture("contacts/5xnd_frame0.pdb"))
        let got = ours(computeContacts(s, mode: .dynamic, selection: .protein), s)
        let expected = try lines(fixture("contacts/test_5xnd_frame0_expected.tsv"))
        #expect(Set(got).subtracting(expected).isEmpty, "extra: \(Set(got).subtracting(expected).sorted().prefix(5))")
        #expect(Set(expected).subtracting(got).isEmpty, "missing: \(Set(expected).subtracting(got).sorted().prefix(5))")
        var perType: [String: Int] = [:]
        for line in Set(got) { perType[String(line.split(separator: "\t")[1]), default: 0] += 1 }
        #expect(perType == ["hbbb": 65, "hbsb": 17, "hbss": 7, "hp": 122, "pc": 2, "sb": 3, "ts": 1, "vdw": 909])
    }
}

@Suite struct StructureTests {
    @Test func pdbAndMMCIFOfOneEntryGiveIdenticalGraphsAndMaps() throws {
        let pdb = try Structure.read(path: fixture("structures/1A8O.pdb"))
        let cif = try Structure.read(path: fixture("structures/1A8O.cif"))
        #expect(pdb.atoms.count == cif.atoms.count && pdb.residues.count == cif.residues.count)
        #expect(pdb.residues.map(\.label) == cif.residues.map(\.label))
        #expect(pdb.atoms.indices.map { pdb.label(atom: $0) } == cif.atoms.indices.map { cif.label(atom: $0) })
        #expect(pdb.residues.filter { $0.name == "MSE" }.count == 4 && pdb.residues.first { $0.name == "MSE" }?.kind == .protein)
        func bonds(_ s: Structure) -> [String] { CovalentGraph(s).bonds.map { "\(s.label(atom: Int($0.x)))-\(s.label(atom: Int($0.y)))" } }
        #expect(bonds(pdb) == bonds(cif))
        #expect(channels(pdb) == channels(cif))
        #expect(CovalentGraph(pdb).disulfides.count == 1)
    }

    @Test func alternateLocationsKeepBlankPlusTheMostOccupied() throws {
        let s = try structure([
            pdbLine(1, "N", "SER", "A", 1, [0, 0, 0], element: "N"),
            pdbLine(2, "CA", "SER", "A", 1, [1.46, 0, 0], element: "C"),
            pdbLine(3, "CB", "SER", "A", 1, [2, 1.4, 0], element: "C", altLoc: "A", occupancy: 0.4),
            pdbLine(4, "CB", "SER", "A", 1, [2, -1.4, 0], element: "C", altLoc: "B", occupancy: 0.6),
            pdbLine(5, "OG", "SER", "A", 1, [3.3, 1.5, 0], element: "O", altLoc: "A", occupancy: 0.4),
            pdbLine(6, "OG", "SER", "A", 1, [3.3, -1.5, 0], element: "O", altLoc: "B", occupancy: 0.6),
        ])
        #expect(s.atoms.map(\.serial) == [1, 2, 4, 6])
        // Crambin's alternate residues (Pro22/Ser22, Leu25/Ile25) resolve to one 46-residue chain.
        let crambin = try Structure.read(path: fixture("structures/1EJG.pdb"))
        #expect(crambin.residues.filter { $0.kind == .protein }.count == 46)
        #expect(Set(crambin.residues.map(\.label)).count == crambin.residues.count)
    }

    @Test func modelsWatersElementsAndInsertionCodes() throws {
        let text = [
            "MODEL        1",
            pdbLine(1, "CA", "CA", "A", 1, [0, 0, 0], element: "", hetero: true),
            pdbLine(2, "O", "DOD", "A", 2, [3, 0, 0], element: "O", hetero: true),
            "ENDMDL", "MODEL        2",
            pdbLine(1, "CA", "CA", "A", 1, [9, 0, 0], element: "", hetero: true),
            "ENDMDL",
        ]
        let s = try structure(text)
        #expect(s.modelCount == 2 && s.atoms.count == 2)
        #expect(s.atoms[0].element.symbol == "Ca" && s.residues[1].kind == .water && s.residues[0].kind == .ligand)
        let second = try Structure.parse(Array((text.joined(separator: "\n") + "\n").utf8), source: "t.pdb", model: 2)
        #expect(second.atoms.count == 1 && second.atoms[0].position.x == 9)
        expectError(.invalidOption, mentioning: "t.pdb: no model 3; the file has 1, 2") {
            try Structure.parse(Array((text.joined(separator: "\n") + "\n").utf8), source: "t.pdb", model: 3)
        }
        var line = pdbLine(1, "N", "GLY", "B", 56, [0, 0, 0], element: "N")
        let chars = Array(line)
        line = String(chars[0..<26]) + "A" + String(chars[27...])
        #expect(try structure([line]).residues[0].label == "B:GLY:56A")
        // 1FMO: charges in columns 79–80, SEP and TPO count as protein.
        let pka = try Structure.read(path: fixture("structures/1FMO.pdb"))
        #expect(pka.residues.contains { $0.name == "SEP" && $0.kind == .protein } && pka.residues.contains { $0.name == "TPO" && $0.kind == .protein })
    }

    @Test func malformedFilesAreTypedErrorsWithLineNumbers() throws {
        @discardableResult
        func error(_ text: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) -> BETSeqError? {
            expectError(.malformedTable, mentioning: expected, sourceLocation: sourceLocation) { try Structure.parse(Array(text.utf8), source: "bad") }
        }
        var bad = pdbLine(1, "N", "GLY", "A", 1, [0, 0, 0], element: "N")
        bad = String(Array(bad)[0..<30]) + "   abc.de" + String(Array(bad)[39...])
        #expect(error("REMARK x\n" + bad + "\n", "bad: line 2: coordinates in columns 31–54 are not numbers")?.line == 2)
        #expect(error("ATOM      1  N   GLY A   1      0.000\n", "bad: line 1: an ATOM/HETATM line needs at least 54 columns")?.line == 1)
        error("REMARK nothing here\n", "bad: no ATOM or HETATM records")
        error("data_x\nloop_\n_atom_site.id\n_atom_site.Cartn_x\n1 2\n",                                     // columns missing
              "bad: line 5: _atom_site lacks coordinates, atom, residue, chain or sequence-number columns")
        #expect(error("data_x\nloop_\n_atom_site.group_PDB\n_atom_site.id\n_atom_site.type_symbol\n_atom_site.label_atom_id\n_atom_site.label_comp_id\n_atom_site.label_asym_id\n_atom_site.label_seq_id\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\nATOM 1 N N GLY A 1 0 0\n",
                      "bad: line 13: _atom_site row has 9 of 10 values")?.line == 13)  // short row
        error("data_x\nloop_\n_atom_site.id\n_atom_site.label_atom_id\n'N\n", "bad: line 5: unterminated quoted string")
        expectError(.cannotOpen, mentioning: "/nonexistent/x.pdb: ") { try Structure.read(path: "/nonexistent/x.pdb") }
    }
}

@Suite struct CovalentGraphTests {
    @Test func templateBondCountsPerResidueType() {
        let expected = ["ALA": 4, "ARG": 10, "ASN": 7, "ASP": 7, "CYS": 5, "GLN": 8, "GLU": 8, "GLY": 3, "HIS": 10, "ILE": 7,
                        "LEU": 7, "LYS": 8, "MET": 7, "PHE": 11, "PRO": 7, "SER": 5, "THR": 6, "TRP": 15, "TYR": 12, "VAL": 6]
        for (name, count) in expected {
            // Without OXT; rings add one bond per ring to atoms − 1.
            #expect((CovalentGraph.templateBonds(name) ?? []).filter { $0.1 != "OXT" }.count == count, "\(name)")
            let atoms = CovalentGraph.templateAtoms(name) ?? []
            let rings = ["HIS": 1, "PHE": 1, "PRO": 1, "TYR": 1, "TRP": 2][name] ?? 0
            #expect(count == atoms.count - 1 + rings, "\(name)")
        }
    }

    @Test func peptideBondsChainBreaksDisulfidesAndMissingAtoms() throws {
        // Two glycines bonded, then a third 6 Å away (a break), then a cysteine pair 2.05 Å apart.
        func gly(_ n: Int, x: Float, chain: String = "A") -> [String] {
            [pdbLine(4 * n, "N", "GLY", chain, n, [x, 0, 0], element: "N"), pdbLine(4 * n + 1, "CA", "GLY", chain, n, [x + 1.46, 0, 0], element: "C"),
             pdbLine(4 * n + 2, "C", "GLY", chain, n, [x + 2.0, 1.4, 0], element: "C"), pdbLine(4 * n + 3, "O", "GLY", chain, n, [x + 1.6, 2.5, 0], element: "O")]
        }
        let c1 = [pdbLine(40, "N", "CYS", "B", 1, [0, 10, 0], element: "N"), pdbLine(41, "CA", "CYS", "B", 1, [1.46, 10, 0], element: "C"),
                  pdbLine(42, "C", "CYS", "B", 1, [2, 11.4, 0], element: "C"), pdbLine(43, "O", "CYS", "B", 1, [1.6, 12.5, 0], element: "O"),
                  pdbLine(44, "CB", "CYS", "B", 1, [2, 8.6, 0], element: "C"), pdbLine(45, "SG", "CYS", "B", 1, [3.5, 8.0, 0], element: "S")]
        let c2 = [pdbLine(50, "N", "CYS", "C", 1, [7, 10, 0], element: "N"), pdbLine(51, "CA", "CYS", "C", 1, [6, 9, 0], element: "C"),
                  pdbLine(52, "C", "CYS", "C", 1, [7, 12, 0], element: "C"), pdbLine(53, "O", "CYS", "C", 1, [7.5, 13, 0], element: "O"),
                  pdbLine(55, "SG", "CYS", "C", 1, [5.55, 8.0, 0], element: "S")]  // CB missing
        // Glycine 2 starts 1.33 Å after glycine 1's C; glycine 3 is far away.
        let g2 = gly(2, x: 2.0 + 1.33 - 0.0).map { $0 }
        var lines = gly(1, x: 0)
        lines += g2.map { l in l }
        lines += gly(3, x: 30)
        lines += c1 + c2
        let s = try structure(lines)
        let graph = CovalentGraph(s)
        // Residue 0–1 peptide bond (C at x = 2, N at x = 3.33, y 1.4 vs 0: 1.93 Å ≤ 2.0), break after residue 1.
        #expect(graph.chainBreaks == [1])
        #expect(graph.disulfides == [SIMD2(3, 4)])
        #expect(graph.missingAtoms == [4: ["CB"]])
        let bondLabels = Set(graph.bonds.map { "\(s.label(atom: Int($0.x)))-\(s.label(atom: Int($0.y)))" })
        #expect(bondLabels.contains("A:GLY:1:C-A:GLY:2:N") && !bondLabels.contains("A:GLY:2:C-A:GLY:3:N"))
        #expect(bondLabels.contains("B:CYS:1:SG-C:CYS:1:SG"))
    }

    @Test func modifiedResiduesBondByCovalentRadii() throws {
        let s = try Structure.read(path: fixture("structures/1FMO.pdb"))
        let graph = CovalentGraph(s)
        var degree = [Int](repeating: 0, count: s.atoms.count)
        for b in graph.bonds { degree[Int(b.x)] += 1; degree[Int(b.y)] += 1 }
        for name in ["SEP", "TPO"] {
            guard let r = s.residues.firstIndex(where: { $0.name == name }) else { Issue.record("no \(name)"); continue }
            let p = s.residues[r].atoms.first { s.atoms[$0].name == "P" }
            #expect(p.map { degree[$0] } == 4, "\(name) P has four O")
            // Bonded into the chain on both sides.
            let n = s.residues[r].atoms.first { s.atoms[$0].name == "N" }
            #expect(n.map { degree[$0] } == 2)
        }
        #expect(graph.chainBreaks.count < 5)
    }

    @Test func neighborGridFindsExactlyThePairsOfBruteForce() {
        var state: UInt64 = 11
        func u() -> Float { state = state &* 6364136223846793005 &+ 1442695040888963407; return Float(state >> 40) / Float(1 << 24) }
        let points = (0..<600).map { _ in SIMD3<Float>(u() * 30, u() * 20, u() * 10) }
        for cutoff: Float in [1.0, 3.5, 7.0] {
            var grid = Set<SIMD2<Int32>>()
            NeighborGrid(points: points, cell: cutoff).forEachPair(within: cutoff) { i, j, _ in grid.insert(SIMD2(Int32(i), Int32(j))) }
            var brute = Set<SIMD2<Int32>>()
            for i in points.indices { for j in points.indices where j > i {
                let d = points[i] - points[j]
                if (d * d).sum() <= cutoff * cutoff { brute.insert(SIMD2(Int32(i), Int32(j))) }
            } }
            #expect(grid == brute, "cutoff \(cutoff)")
        }
    }
}

@Suite struct ContactRuleTests {
    /// A residue with backbone atoms far from the action and the given side-chain atoms.
    func residue(_ name: String, _ chain: String, _ number: Int, base: SIMD3<Float>, _ atoms: [(String, SIMD3<Float>, String)], serial: Int) -> [String] {
        var lines = [pdbLine(serial, "N", name, chain, number, base, element: "N"),
                     pdbLine(serial + 1, "CA", name, chain, number, base + [1.46, 0, 0], element: "C"),
                     pdbLine(serial + 2, "C", name, chain, number, base + [2.0, 1.4, 0], element: "C"),
                     pdbLine(serial + 3, "O", name, chain, number, base + [1.6, 2.5, 0], element: "O")]
        for (k, a) in atoms.enumerated() { lines.append(pdbLine(serial + 4 + k, a.0, name, chain, number, a.1, element: a.2)) }
        return lines
    }

    /// PHE ring atoms in a plane through `centre` spanned by unit vectors u and v.
    func ring(centre: SIMD3<Float>, u: SIMD3<Float>, v: SIMD3<Float>) -> [(String, SIMD3<Float>, String)] {
        ["CG", "CD1", "CE1", "CZ", "CE2", "CD2"].enumerated().map { k, name in
            let a = Float(k) * .pi / 3
            return (name, centre + 1.39 * (cos(a) * u + sin(a) * v), "C")
        }
    }

    @Test func saltBridge() throws {
        let s = try structure(residue("ASP", "A", 1, base: [-8, 0, 0], [("CG", [-1.2, 0, 0], "C"), ("OD1", [0, 0, 0], "O"), ("OD2", [-1.5, 1.2, 0], "O")], serial: 1)
                              + residue("LYS", "B", 1, base: [8, 0, 0], [("NZ", [3.2, 0, 0], "N"), ("CE", [4.6, 0.3, 0], "C")], serial: 20))
        let c = channels(s)
        #expect(c[.saltBridge] == ["A:ASP:1 B:LYS:1"])
        #expect(c[.hydrogenBond] == ["A:ASP:1 B:LYS:1"])   // NZ carries H: also an H-bond, as in GetContacts
    }

    @Test func stackedAndTShapedRings() throws {
        let x: SIMD3<Float> = [1, 0, 0], y: SIMD3<Float> = [0, 1, 0], z: SIMD3<Float> = [0, 0, 1]
        let stacked = try structure(residue("PHE", "A", 1, base: [-9, 0, 0], ring(centre: [0, 0, 0], u: x, v: y), serial: 1)
                                    + residue("PHE", "B", 1, base: [9, 0, 0], ring(centre: [0.8, 0.5, 3.7], u: x, v: y), serial: 20))
        let s1 = channels(stacked)
        #expect(s1[.piStacking] == ["A:PHE:1 B:PHE:1"] && s1[.tStacking] == nil)
        let tShaped = try structure(residue("PHE", "A", 1, base: [-9, 0, 0], ring(centre: [0, 0, 0], u: x, v: y), serial: 1)
                                    + residue("PHE", "B", 1, base: [9, 0, 0], ring(centre: [0, 0, 4.9], u: x, v: z), serial: 20))
        let s2 = channels(tShaped)
        #expect(s2[.tStacking] == ["A:PHE:1 B:PHE:1"] && s2[.piStacking] == nil)
        // Tilted 50°: neither parallel nor perpendicular enough.
        let tilted = try structure(residue("PHE", "A", 1, base: [-9, 0, 0], ring(centre: [0, 0, 0], u: x, v: y), serial: 1)
                                   + residue("PHE", "B", 1, base: [9, 0, 0], ring(centre: [0, 0, 4.5], u: x, v: [0, cos(0.87), sin(0.87)]), serial: 20))
        #expect(channels(tilted)[.piStacking] == nil && channels(tilted)[.tStacking] == nil)
    }

    @Test func waterBridgeNeedsTheWater() throws {
        let serA = residue("SER", "A", 1, base: [-9, 0, 0], [("CB", [-1.4, 0, 0], "C"), ("OG", [0, 0, 0], "O")], serial: 1)
        let serB = residue("SER", "B", 1, base: [9, 0, 0], [("CB", [6.6, 0, 0], "C"), ("OG", [5.4, 0, 0], "O")], serial: 20)
        let water = [pdbLine(40, "O", "HOH", "W", 1, [2.7, 0.3, 0], element: "O", hetero: true)]
        let bridged = channels(try structure(serA + serB + water))
        #expect(bridged[.waterBridge] == ["A:SER:1 B:SER:1"] && bridged[.hydrogenBond] == nil)
        #expect(channels(try structure(serA + serB))[.waterBridge] == nil)
        // Two waters in a row bridge too (wb2).
        let two = [pdbLine(40, "O", "HOH", "W", 1, [2.0, 0.3, 0], element: "O", hetero: true),
                   pdbLine(41, "O", "HOH", "W", 2, [4.6, 2.5, 0], element: "O", hetero: true)]
        let far = residue("SER", "B", 1, base: [12, 0, 0], [("CB", [8.4, 3.0, 0], "C"), ("OG", [7.0, 3.2, 0], "O")], serial: 20)
        let s = try structure(serA + far + two)
        #expect(computeContacts(s).contains { $0.type == "wb2" } && channels(s)[.waterBridge] == ["A:SER:1 B:SER:1"])
    }

    /// Atoms the distance rule bonds (0.6 × (r₁ + r₂) with VMD's periodic-table radii, O 1.52 Å: 1.824 Å
    /// for two oxygens) are no H-bond and no link of a water bridge, as in GetContacts on real entries.
    @Test func clashingAtomsAreBondedAndBridgeNothing() throws {
        let serA = residue("SER", "A", 1, base: [-9, 0, 0], [("CB", [-1.4, 0, 0], "C"), ("OG", [0, 0, 0], "O")], serial: 1)
        // Two half-occupied waters 1.67 Å apart, each 2.75 Å from one serine: no wb2 through them.
        func waters(gap: Float) -> [String] {
            [pdbLine(40, "O", "HOH", "W", 1, [2.75, 0, 0], element: "O", hetero: true),
             pdbLine(41, "O", "HOH", "W", 2, [2.75 + gap, 0, 0], element: "O", hetero: true)]
        }
        // The second serine's OG sits 2.75 Å beyond the second water.
        func pair(gap: Float) throws -> Structure {
            let ogB = 2.75 + gap + 2.75
            let b = residue("SER", "B", 1, base: [12, 0, 0], [("CB", [ogB + 1.4, 0, 0], "C"), ("OG", [ogB, 0, 0], "O")], serial: 20)
            return try structure(serA + b + waters(gap: gap))
        }
        let clash = try pair(gap: 1.67)
        #expect(!computeContacts(clash).contains { $0.type == "wb2" } && channels(clash)[.waterBridge] == nil)
        let apart = try pair(gap: 2.8)   // the same waters at an H-bond distance do bridge
        #expect(computeContacts(apart).contains { $0.type == "wb2" } && channels(apart)[.waterBridge] == ["A:SER:1 B:SER:1"])
        // A water 1.82 Å from a sulfate oxygen and 2.8 Å from a lysine: no lwb (1.83 Å apart: one).
        func sulfate(_ d: Float) throws -> Structure {
            let lys = residue("LYS", "A", 1, base: [-9, 0, 0], [("CE", [-1.4, 0, 0], "C"), ("NZ", [0, 0, 0], "N")], serial: 1)
            let so4 = [pdbLine(30, "S", "SO4", "B", 501, [2.8 + d + 1.5, 0, 0], element: "S", hetero: true),
                       pdbLine(31, "O1", "SO4", "B", 501, [2.8 + d, 0, 0], element: "O", hetero: true)]
            return try structure(lys + so4 + [pdbLine(40, "O", "HOH", "W", 1, [2.8, 0, 0], element: "O", hetero: true)])
        }
        #expect(!computeContacts(try sulfate(1.82)).contains { $0.type.hasPrefix("lwb") })
        #expect(computeContacts(try sulfate(1.83)).contains { $0.type == "lwb" })
    }

    @Test func staticModeIgnoresExplicitHydrogens() throws {
        // Static contacts of a structure with hydrogens equal those of the same structure without them.
        let s = try Structure.read(path: fixture("contacts/5xnd_frame0.pdb"))
        let lines = try String(contentsOfFile: fixture("contacts/5xnd_frame0.pdb"), encoding: .utf8).split(separator: "\n")
            .filter { l in !(l.hasPrefix("ATOM") && String(l.dropFirst(76).prefix(2)).trimmingCharacters(in: .whitespaces) == "H") }
        let heavy = try Structure.parse(Array((lines.joined(separator: "\n") + "\n").utf8), source: "heavy")
        #expect(heavy.atoms.count < s.atoms.count && !heavy.atoms.contains { $0.element.isHydrogen })
        #expect(channels(s, mode: .static) == channels(heavy, mode: .static))
    }
}

/// Inputs that once crashed FuzzStructures (fixtures/fuzz/SOURCES.md).
@Suite struct StructureFuzzRegressionTests {
    /// '5E227' is a valid mmCIF number but an infinite Float; the neighbour grid trapped on it.
    @Test func coordinateBeyondFloatIsADataError() throws {
        let bytes = try readAllBytes(path: fixture("fuzz/mmcif-coordinate-overflows-float.cif"))
        do {
            _ = try Structure.parse(bytes, source: "crash.cif")
            Issue.record("parsed a structure with an infinite coordinate")
        } catch let e as BETSeqError {
            #expect(e.description == "crash.cif: line 80: atom coordinates (-6.471, 5E227, 7.124) are beyond ±1000000 Å")
            #expect(e.kind == .malformedTable && e.kind.category == .data)
        }
    }

    /// The grid itself never traps, whatever the points: extreme spreads, infinities, NaN.
    @Test func neighbourGridPlacesAnyPoint() {
        let points: [SIMD3<Float>] = [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(3e38, -3e38, 0), SIMD3(.infinity, 0, 0), SIMD3(.nan, 1, 1)]
        let grid = NeighborGrid(points: points, cell: 3.5)
        var found: [Int] = []
        grid.forEachNeighbor(of: SIMD3(0, 0, 0), within: 3.5) { j, _ in found.append(j) }
        #expect(found.sorted() == [0, 1])
        var pairs = 0
        grid.forEachPair(within: 3.5) { _, _, _ in pairs += 1 }
        #expect(pairs >= 1)
    }
}
