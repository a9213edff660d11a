import Foundation

/// The atoms a contact map looks at: `--sele` and, for contacts between two selections only, `--sele2`.
public struct ContactSelections: Sendable, Equatable {
    public var selection: AtomSelection
    public var selection2: AtomSelection?

    public init(_ selection: AtomSelection, _ selection2: AtomSelection? = nil) {
        self.selection = selection
        self.selection2 = selection2
    }

    /// Parses `--sele` (the mode's default when nil) and `--sele2`; an invalid-option error naming
    /// the option for text that is not all, protein or 'chain X'.
    public init(sele: String?, sele2: String?, mode: ContactMode) throws {
        let selection = try sele.map { try AtomSelection(parsing: $0, option: "--sele") } ?? AtomSelection.defaultSelection(for: mode)
        self.init(selection, try sele2.map { try AtomSelection(parsing: $0, option: "--sele2") })
    }

    /// Throws an invalid-option error when a selection names a chain the structure does not have.
    public func check(in s: Structure) throws {
        try selection.check(in: s)
        try selection2?.check(in: s)
    }
}

/// A structure's contact map, as `betseq contacts map` computes it.
public struct ContactMapResult: Sendable {
    public var structure: Structure
    public var contacts: [AtomContact]
    public var map: ResidueContactMap
    public var graph: CovalentGraphSummary

    /// `A atoms, R residues; C atom contacts; residue pairs: hp …, hb …, …; T s`.
    public func summary(seconds: Double) -> String {
        let counts = zip(ContactChannel.allCases, map.pairCounts).map { "\($0.code) \($1)" }
        return "\(structure.atoms.count) atoms, \(structure.residues.count) residues; \(contacts.count) atom contacts; residue pairs: \(counts.joined(separator: ", ")); \(String(format: "%.3f", seconds)) s"
    }
}

/// Reads a structure (model `model`, default the first), computes its atom contacts in `mode`
/// between the selections and its residue map, writes the map to `out` ('-' for stdout) and the
/// atom contacts to `atoms` (GetContacts' layout), and summarises its covalent graph. `note` gets
/// what is worth knowing but no error (exact copies of atom records ignored), before anything is
/// checked; a selection naming a chain the structure lacks is an invalid-option error.
public func mapContacts(structure path: String, mode: ContactMode, selections: ContactSelections, model: Int? = nil,
                        out: String, atoms: String? = nil, note: (String) -> Void = { _ in }) throws -> ContactMapResult {
    let s = try Structure.read(path: path, model: model)
    if s.duplicateRecords > 0 { note("\(path): \(s.duplicateRecords) exact copies of atom records ignored") }
    try selections.check(in: s)
    let contacts = computeContacts(s, mode: mode, selection: selections.selection, selection2: selections.selection2)
    let map = ResidueContactMap(contacts, structure: s)
    try map.writeTSV(path: out, structure: s)
    if let atoms { try writeAtomContacts(contacts, structure: s, path: atoms) }
    return ContactMapResult(structure: s, contacts: contacts, map: map, graph: CovalentGraphSummary(CovalentGraph(s), structure: s))
}
