import Foundation
import IO
import Testing
import TestSupport
@testable import Contacts

@Suite struct AtomSelectionParsingTests {
    @Test func allProteinAndChainParse() throws {
        #expect(try AtomSelection(parsing: "all", option: "--sele") == .all)
        #expect(try AtomSelection(parsing: "PROTEIN", option: "--sele") == .protein)
        #expect(try AtomSelection(parsing: "chain B", option: "--sele2") == .chain("B"))
        #expect(try ContactSelections(sele: nil, sele2: nil, mode: .static) == ContactSelections(.all))
        #expect(try ContactSelections(sele: nil, sele2: nil, mode: .dynamic) == ContactSelections(.protein))
        #expect(try ContactSelections(sele: "chain A", sele2: "chain B", mode: .dynamic) == ContactSelections(.chain("A"), .chain("B")))
    }

    @Test func anythingElseIsAnInvalidOptionNamingIt() {
        for text in ["chain", "chains B", "", "everything", "chain A B"] {
            let e = expectError(.invalidOption) { try AtomSelection(parsing: text, option: "--sele") }
            #expect(e?.description == "--sele: all, protein or 'chain X'")
        }
        // --sele is read first, then --sele2, each error naming its option.
        expectError(.invalidOption, mentioning: "--sele2: all, protein or 'chain X'") { try ContactSelections(sele: "all", sele2: "chains B", mode: .static) }
        let first = expectError(.invalidOption) { try ContactSelections(sele: "bogus", sele2: "bogus", mode: .static) }
        #expect(first?.description == "--sele: all, protein or 'chain X'")
    }

    @Test func aChainTheStructureLacksIsAnInvalidOption() throws {
        let s = try Structure.read(path: fixture("contacts/5Y0T_h_noANISOU.pdb.gz"))
        try ContactSelections(.chain("A"), .chain("B")).check(in: s)
        let e = expectError(.invalidOption) { try ContactSelections(.all, .chain("Z")).check(in: s) }
        #expect(e?.description == "\(fixture("contacts/5Y0T_h_noANISOU.pdb.gz")): no chain Z; the structure has chains A, B, C, D")
    }
}

@Suite struct ContactMapSummaryTests {
    /// Residue pairs per channel of two fixtures, as `betseq contacts map` has reported them.
    @Test func channelPairCountsOfFixtures() throws {
        let expected = ["structures/1FMO.pdb": [84, 794, 877, 0, 21, 5, 18, 0], "structures/1A8O.pdb": [8, 192, 190, 42, 2, 0, 0, 0]]
        for (path, counts) in expected {
            let s = try Structure.read(path: fixture(path))
            let map = ResidueContactMap(computeContacts(s), structure: s)
            #expect(map.pairCounts == counts, "\(path)")
            let byHas = ContactChannel.allCases.map { ch in map.pairs.keys.filter { map.has(ch, Int($0.x), Int($0.y)) }.count }
            #expect(map.pairCounts == byHas, "\(path)")
        }
        #expect(ResidueContactMap([], structure: try Structure.read(path: fixture("structures/1YJP.cif"))).pairCounts == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func covalentGraphRemark() throws {
        let whole = try Structure.read(path: fixture("structures/1A8O.pdb"))
        #expect(CovalentGraphSummary(CovalentGraph(whole), structure: whole).remark == nil)
        let incomplete = try Structure.read(path: fixture("contacts/5TS9.pdb.gz"))
        let summary = CovalentGraphSummary(CovalentGraph(incomplete), structure: incomplete)
        #expect(summary.chainBreaks.isEmpty && summary.incompleteResidues == 39)
        #expect(summary.remark == "covalent graph: 0 chain breaks (after ); 39 residues miss template atoms")
        let broken = CovalentGraphSummary(chainBreaks: ["A:GLY:2"], incompleteResidues: 1)
        #expect(broken.remark == "covalent graph: 1 chain breaks (after A:GLY:2); 1 residues miss template atoms")
        let many = CovalentGraphSummary(chainBreaks: (1...6).map { "A:ALA:\($0)" }, incompleteResidues: 0)
        #expect(many.remark == "covalent graph: 6 chain breaks (after A:ALA:1, A:ALA:2, A:ALA:3, A:ALA:4, A:ALA:5, …); 0 residues miss template atoms")
    }
}

@Suite struct MapContactsTests {
    func temporaryFolder() throws -> URL {
        let dir = try temporaryDirectory("map")
        return dir
    }

    @Test func writesTheMapAndAtomsAndSummarises() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = fixture("structures/1FMO.pdb")
        let out = dir.appendingPathComponent("map.tsv").path, atoms = dir.appendingPathComponent("atoms.tsv").path
        var notes: [String] = []
        let result = try mapContacts(structure: path, mode: .static, selections: ContactSelections(.all), out: out, atoms: atoms) { notes.append($0) }
        #expect(notes.isEmpty)
        let s = try Structure.read(path: path)
        let contacts = computeContacts(s)
        #expect(result.contacts == contacts && result.map.pairs == ResidueContactMap(contacts, structure: s).pairs)
        #expect(result.structure.atoms == s.atoms && result.graph == CovalentGraphSummary(CovalentGraph(s), structure: s))
        let reference = dir.appendingPathComponent("reference.tsv").path
        try ResidueContactMap(contacts, structure: s).writeTSV(path: reference, structure: s)
        #expect(try readAllBytes(path: out) == readAllBytes(path: reference))
        let atomLines = try String(contentsOfFile: atoms, encoding: .utf8).split(separator: "\n")
        #expect(atomLines.count == 2 + contacts.count && atomLines[0].hasPrefix("# total_frames:1"))
        #expect(result.summary(seconds: 0.0125)
                == "2792 atoms, 338 residues; 3727 atom contacts; residue pairs: hp 84, hb 794, vdw 877, wb 0, sb 21, ps 5, pc 18, ts 0; 0.013 s")
    }

    /// The note on copied records comes before the selection is checked; nothing is written on an error.
    @Test func notesThenSelectionErrors() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let atoms = try String(contentsOfFile: fixture("structures/1EJG.pdb"), encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("ATOM") }
        let copy = dir.appendingPathComponent("copy.pdb").path
        try ([atoms[0]] + atoms).joined(separator: "\n").appending("\n").write(toFile: copy, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("x.tsv").path
        var notes: [String] = []
        expectError(.invalidOption, mentioning: "\(copy): no chain Z; the structure has chain A") {
            try mapContacts(structure: copy, mode: .static, selections: ContactSelections(.chain("Z")), out: out) { notes.append($0) }
        }
        #expect(notes == ["\(copy): 1 exact copies of atom records ignored"])
        #expect(!FileManager.default.fileExists(atPath: out))
        expectError(.invalidOption, mentioning: "\(copy): no model 2; the file has 1") {
            try mapContacts(structure: copy, mode: .dynamic, selections: ContactSelections(.protein), model: 2, out: out)
        }
        expectError(.cannotOpen, mentioning: "/nonexistent/x.pdb: ") {
            try mapContacts(structure: "/nonexistent/x.pdb", mode: .static, selections: ContactSelections(.all), out: out)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
