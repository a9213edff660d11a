import ArgumentParser
import Contacts
import Foundation
import IO
import Report

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
            _ = try selections()
        }
    }

    func selections() throws -> ContactSelections { try ContactSelections(sele: sele, sele2: sele2, mode: mode) }

    func run() throws {
        let clock = Date()
        let result = try mapContacts(structure: structure, mode: mode, selections: selections(), model: model, out: out, atoms: atoms) {
            printErr("betseq: note: " + $0)
        }
        if let svg {
            try writeFile(contactMapChart(result.map, structure: result.structure, title: URL(fileURLWithPath: structure).lastPathComponent).utf8, path: svg)
        }
        if let remark = result.graph.remark { printErr(remark) }
        printErr(result.summary(seconds: Date().timeIntervalSince(clock)))
    }
}
