import ArgumentParser
import Contacts
import Foundation
import Report
import IO
import Sequence

struct ContactsMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Compute the 8-channel residue contact map of a structure (PDB or mmCIF, plain or gzip).",
        discussion: """
            Channels, as GetContacts defines them: hp (hydrophobic), hb (hydrogen bond), vdw (van der \
            Waals), wb (water bridge, one or two waters), sb (salt bridge), ps (π-stacking), pc \
            (π-cation), ts (T-stacking). Static mode (default) is GetContacts' single-structure mode \
            as Tessellate used it: no H-bond angle test, and hydrogens inferred from chemistry, so the \
            result does not depend on whether the file has hydrogens. Dynamic mode applies the \
            angle test ∠D–H···A > 110° to the file's explicit hydrogens. The first model and, per \
            residue, the blank plus the highest-occupancy alternate location are used. Residues are \
            labelled chain:resname:resid with author chain and number (insertion code appended).
            """)

    @Argument(help: "Structure file.")
    var structure: String

    @Option(help: "Residue map TSV (res1 res2 hp hb vdw wb sb ps pc ts; '-' for stdout).")
    var out: String

    @Option(help: "static or dynamic.")
    var mode = ContactMode.static

    @Option(help: "Atoms to consider: all (everything but solvent and lipids; static default), protein (dynamic default) or 'chain X'.")
    var sele: String?

    @Option(help: "A second selection: only contacts between --sele and --sele2.")
    var sele2: String?

    @Option(help: "Model number to use (default: the first).")
    var model: Int?

    @Option(help: "Atom-level contacts in GetContacts' layout (frame type atom1 atom2 [waters]).")
    var atoms: String?

    @Option(help: "SVG with one panel per channel.")
    var svg: String?

    func validate() throws {
        try usageCheck {
            try checkDistinctOutputs([("--out", out)] + [("--atoms", atoms), ("--svg", svg)].compactMap { o, p in p.map { (o, $0) } },
                                     inputs: [("the structure", structure)])
        }
    }

    func run() throws {
        let defaultSelection = mode == .static ? "all" : "protein"
        guard let selection = AtomSelection(sele ?? defaultSelection) else { throw ValidationError("--sele: all, protein or 'chain X'") }
        let selection2 = try sele2.map { text -> AtomSelection in
            guard let s = AtomSelection(text) else { throw ValidationError("--sele2: all, protein or 'chain X'") }
            return s
        }
        let clock = Date()
        let s = try Structure.read(path: structure, model: model)
        if s.duplicateRecords > 0 { printErr("betseq: note: \(structure): \(s.duplicateRecords) exact copies of atom records ignored") }
        try selection.check(in: s)
        try selection2?.check(in: s)
        let contacts = computeContacts(s, mode: mode, selection: selection, selection2: selection2)
        let map = ResidueContactMap(contacts, structure: s)
        try map.writeTSV(path: out, structure: s)
        if let atoms { try writeAtomContacts(contacts, structure: s, path: atoms) }
        if let svg {
            try writeFile(contactMapChart(map, structure: s, title: URL(fileURLWithPath: structure).lastPathComponent).utf8, path: svg)
        }
        let graph = CovalentGraph(s)
        if !graph.chainBreaks.isEmpty || !graph.missingAtoms.isEmpty {
            printErr("covalent graph: \(graph.chainBreaks.count) chain breaks (after \(graph.chainBreaks.prefix(5).map { s.residues[$0].label }.joined(separator: ", "))\(graph.chainBreaks.count > 5 ? ", …" : "")); \(graph.missingAtoms.count) residues miss template atoms")
        }
        let counts = ContactChannel.allCases.map { ch in "\(ch.code) \(map.pairs.values.filter { $0 & (1 << UInt8(ch.rawValue)) != 0 }.count)" }
        printErr("\(s.atoms.count) atoms, \(s.residues.count) residues; \(contacts.count) atom contacts; residue pairs: \(counts.joined(separator: ", ")); \(String(format: "%.3f", Date().timeIntervalSince(clock))) s")
    }
}
