import Foundation
import IO

/// Coordinates beyond this many ångström are refused: PDB's columns stop at 10^4, and any real
/// structure (a virus capsid spans 10^3) is far inside it.
let maxCoordinate: Float = 1_000_000

/// One atom of a structure (one model, one alternate location).
public struct Atom: Sendable, Equatable {
    public var serial: Int
    /// Atom name without padding ("CA", "OG1", "O5'").
    public var name: String
    public var element: Element
    public var position: SIMD3<Float>
    public var occupancy: Float
    /// Index of the residue in `Structure.residues`.
    public var residue: Int
}

/// What a residue is, in GetContacts' (VMD's) sense.
public enum ResidueKind: String, Sendable {
    /// At least four protein backbone atoms (N, CA, C, O), so MSE, SEP, TPO count as protein.
    case protein
    case nucleic
    /// HOH, WAT, DOD and the other water names.
    case water
    case lipid
    /// Everything else, ions included.
    case ligand
}

public struct Residue: Sendable, Equatable {
    /// Author chain identifier.
    public var chain: String
    public var name: String
    /// Author residue number (integer part; the insertion code is separate).
    public var number: Int
    public var insertionCode: String
    public var hetero: Bool
    public var kind: ResidueKind
    /// The residue's atoms, a range of `Structure.atoms`.
    public var atoms: Range<Int>

    /// `chain:resname:resid` with the insertion code appended to the number, as in GetContacts.
    public var label: String { "\(chain):\(name):\(number)\(insertionCode)" }
}

/// Atoms and residues of the first (or a chosen) model, with one alternate location per residue.
///
/// Alternate locations: atoms with a blank altloc are kept, plus one altloc per residue, the one
/// whose atoms have the highest mean occupancy (the first in file order on ties). Waters (HOH, WAT,
/// DOD, …) are kept as residues of kind `.water`.
public struct Structure: Sendable {
    public var atoms: [Atom]
    public var residues: [Residue]
    /// The file it came from (for messages).
    public var source: String
    /// Number of models in the file.
    public var modelCount: Int
    /// Exact copies of atom records (same residue, name and coordinates) that were dropped; some
    /// processed files repeat side-chain atoms.
    public var duplicateRecords = 0

    public func label(atom i: Int) -> String { "\(residues[atoms[i].residue].label):\(atoms[i].name)" }

    /// Reads PDB or mmCIF, plain or gzip (detected from the content, not the name).
    public static func read(path: String, model: Int? = nil) throws -> Structure {
        let bytes = try readAllBytes(path: path)
        return try parse(bytes, source: path, model: model)
    }

    public static func parse(_ bytes: [UInt8], source: String, model: Int? = nil) throws -> Structure {
        let raw = isMMCIF(bytes) ? try MMCIFReader.parse(bytes, source: source) : try PDBReader.parse(bytes, source: source)
        return try assemble(raw, source: source, model: model)
    }

    static func isMMCIF(_ bytes: [UInt8]) -> Bool {
        // mmCIF starts with a data block; PDB lines start with record names.
        var i = 0
        while i < bytes.count {
            while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: "#") {
                while i < bytes.count, bytes[i] != 10 { i += 1 }
                continue
            }
            return bytes[i...].starts(with: Array("data_".utf8))
        }
        return false
    }

    /// Groups raw atoms into residues, keeps one model and one altloc per residue, classifies residues.
    static func assemble(_ raw: RawStructure, source: String, model: Int?) throws -> Structure {
        let models = raw.atoms.reduce(into: [Int]()) { if $0.last != $1.model && !$0.contains($1.model) { $0.append($1.model) } }
        guard let wanted = model ?? models.first else {
            throw BETSeqError(.malformedTable, file: source, "no ATOM or HETATM records")
        }
        guard models.contains(wanted) else {
            throw BETSeqError(.invalidOption, file: source, "no model \(wanted); the file has \(models.map(String.init).joined(separator: ", "))")
        }
        let chosen = raw.atoms.filter { $0.model == wanted }
        // Residues: consecutive atoms with the same chain, number and insertion code.
        var groups: [[RawAtom]] = []
        for a in chosen {
            if let last = groups.last?.last, last.chain == a.chain, last.number == a.number, last.insertionCode == a.insertionCode {
                groups[groups.count - 1].append(a)
            } else {
                groups.append([a])
            }
        }
        var atoms: [Atom] = []
        var residues: [Residue] = []
        // A residue whose label comes back after other residues, or an atom named twice in one
        // residue, is a duplicated record (a file concatenated with itself, say): refused, since
        // contacts would be counted twice.
        var firstLine: [String: Int] = [:]
        var duplicates = 0
        for group in groups {
            // One altloc: the highest mean occupancy, first in file order on ties.
            let altlocs = group.map(\.altLoc).filter { !$0.isEmpty }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            var keep = ""
            var best = -Float.infinity
            for alt in altlocs {
                let occupancies = group.filter { $0.altLoc == alt }.map(\.occupancy)
                let mean = occupancies.reduce(0, +) / Float(occupancies.count)
                if mean > best { best = mean; keep = alt }
            }
            let kept = group.filter { $0.altLoc.isEmpty || $0.altLoc == keep }
            // Micro-heterogeneity (two residue types at one position) is resolved by the altloc; a
            // residue name that still changes starts a new residue.
            var start = 0
            while start < kept.count {
                var end = start + 1
                while end < kept.count, kept[end].residueName == kept[start].residueName { end += 1 }
                let first = kept[start]
                let label = "\(first.chain):\(first.residueName):\(first.number)\(first.insertionCode)"
                if let earlier = firstLine[label] {
                    throw BETSeqError(.malformedTable, file: source, line: first.line, "residue \(label) appears again (first on line \(earlier))")
                }
                firstLine[label] = first.line
                var names: [String: RawAtom] = [:]
                var unique: [RawAtom] = []
                for a in kept[start..<end] {
                    if let earlier = names[a.name] {
                        guard earlier.position == a.position else {
                            throw BETSeqError(.malformedTable, file: source, line: a.line,
                                              "atom \(a.name) of residue \(label) appears twice at different places (first on line \(earlier.line))")
                        }
                        duplicates += 1
                        continue
                    }
                    names[a.name] = a
                    unique.append(a)
                }
                let range = atoms.count..<(atoms.count + unique.count)
                for a in unique {
                    atoms.append(Atom(serial: a.serial, name: a.name, element: a.element, position: a.position,
                                      occupancy: a.occupancy, residue: residues.count))
                }
                residues.append(Residue(chain: first.chain, name: first.residueName, number: first.number,
                                        insertionCode: first.insertionCode, hetero: first.hetero,
                                        kind: classify(first.residueName, atomNames: Set(names.keys)), atoms: range))
                start = end
            }
        }
        guard residues.contains(where: { $0.kind != .water }) else {
            throw BETSeqError(.malformedTable, file: source, "only water molecules (\(residues.count)); no residues to map")
        }
        return Structure(atoms: atoms, residues: residues, source: source, modelCount: models.count, duplicateRecords: duplicates)
    }

    static let waterNames: Set<String> = ["HOH", "H2O", "HH0", "OHH", "OH2", "SOL", "WAT", "TIP", "TIP2", "TIP3", "TIP4",
                                          "T3P", "IP3", "DOD", "D2O", "TIP3P", "SPC"]
    static let lipidNames: Set<String> = ["DLPE", "DMPC", "DPPC", "GPC", "LPPC", "PALM", "PC", "PGCL", "POPC", "POPE"]
    static let nucleicBackbone: Set<String> = ["P", "O1P", "O2P", "OP1", "OP2", "O3'", "C3'", "C4'", "C5'", "O5'", "O3*", "C3*", "C4*", "C5*", "O5*"]
    static let nucleicNames: Set<String> = ["A", "C", "G", "T", "U", "I", "DA", "DC", "DG", "DT", "DU", "DI", "ADE", "CYT", "GUA", "THY", "URA"]

    static func classify(_ name: String, atomNames: Set<String>) -> ResidueKind {
        if waterNames.contains(name) { return .water }
        if lipidNames.contains(name) { return .lipid }
        if ["N", "CA", "C", "O"].allSatisfy(atomNames.contains) { return .protein }
        if nucleicNames.contains(name) || atomNames.intersection(nucleicBackbone).count >= 4 { return .nucleic }
        return .ligand
    }
}

/// An atom as a file states it, before model and altloc selection.
struct RawAtom {
    var serial: Int
    var name: String
    var altLoc: String
    var residueName: String
    var chain: String
    var number: Int
    var insertionCode: String
    var position: SIMD3<Float>
    var occupancy: Float
    var element: Element
    var hetero: Bool
    var model: Int
    /// Line of the file the atom came from (for errors).
    var line: Int
}

struct RawStructure {
    var atoms: [RawAtom] = []
}

// MARK: PDB

enum PDBReader {
    /// Fixed-column PDB: ATOM/HETATM records (columns per the wwPDB v3.3 format), MODEL/ENDMDL.
    /// Charges in columns 79–80 and missing element columns are accepted; a malformed coordinate is
    /// an error with its line number.
    static func parse(_ bytes: [UInt8], source: String) throws -> RawStructure {
        var raw = RawStructure()
        var model = 1
        var sawModel = false
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 10 { end += 1 }
            lineNumber += 1
            var line = bytes[start..<end]
            if line.last == 13 { line = line.dropLast() }
            start = end + 1
            if line.starts(with: Array("MODEL ".utf8)) {
                let text = String(decoding: line.dropFirst(6).filter { $0 != 32 }, as: UTF8.self)
                if let m = Int(text) { model = m } else if sawModel { model += 1 }
                sawModel = true
                continue
            }
            // Record names are columns 1–6 ("ATOM  "); a line that is just "ATOM" is a broken record.
            let isAtom = line.starts(with: Array("ATOM".utf8)) && (line.count == 4 || line[line.startIndex + 4] == 32)
            let isHet = line.starts(with: Array("HETATM".utf8))
            guard isAtom || isHet else { continue }
            let chars = line
            let base = line.startIndex
            // Columns from..to (1-based, inclusive), spaces trimmed at the byte level (Foundation's
            // trimming dominated the time of reading a large file).
            func field(_ from: Int, _ to: Int) -> String {
                var lo = base + from - 1, hi = min(base + to, chars.endIndex)
                guard lo < hi else { return "" }
                while lo < hi, chars[lo] == 32 { lo += 1 }
                while hi > lo, chars[hi - 1] == 32 { hi -= 1 }
                return String(decoding: chars[lo..<hi], as: UTF8.self)
            }
            guard chars.count >= 54 else {
                throw BETSeqError(.malformedTable, file: source, line: lineNumber, "an ATOM/HETATM line needs at least 54 columns (coordinates in 31–54); it has \(chars.count)")
            }
            let name = field(13, 16)
            let residueName = field(18, 20)
            guard let x = Float(field(31, 38)),
                  let y = Float(field(39, 46)),
                  let z = Float(field(47, 54)), x.isFinite, y.isFinite, z.isFinite else {
                throw BETSeqError(.malformedTable, file: source, line: lineNumber, "coordinates in columns 31–54 are not numbers: '\(field(31, 54))'")
            }
            guard let number = Int(field(23, 26)) else {
                throw BETSeqError(.malformedTable, file: source, line: lineNumber, "residue number in columns 23–26 is not an integer: '\(field(23, 26))'")
            }
            guard !name.isEmpty else {
                throw BETSeqError(.malformedTable, file: source, line: lineNumber, "no atom name in columns 13–16")
            }
            let occupancyText = field(55, 60)
            let occupancy = occupancyText.isEmpty ? 1 : Float(occupancyText) ?? 1
            let elementText = field(77, 78)
            guard let element = Element(symbol: elementText) ?? Element.infer(atomName: name, residueName: residueName) else {
                throw BETSeqError(.malformedTable, file: source, line: lineNumber, "no element for atom '\(name)' (columns 77–78 blank and the name is not an element)")
            }
            raw.atoms.append(RawAtom(serial: Int(field(7, 11)) ?? raw.atoms.count + 1,
                                     name: name, altLoc: field(17, 17), residueName: residueName,
                                     chain: field(22, 22), number: number,
                                     insertionCode: field(27, 27),
                                     position: SIMD3(x, y, z), occupancy: occupancy, element: element, hetero: isHet, model: model,
                                     line: lineNumber))
        }
        return raw
    }
}

// MARK: mmCIF

enum MMCIFReader {
    /// The `_atom_site` loop of an mmCIF file. Author identifiers (`auth_asym_id`, `auth_seq_id`,
    /// `auth_comp_id`, `auth_atom_id`) are used when present, so that the PDB and mmCIF files of
    /// one entry give the same labels; label identifiers otherwise.
    static func parse(_ bytes: [UInt8], source: String) throws -> RawStructure {
        var tokens = Tokenizer(bytes: bytes)
        var raw = RawStructure()
        while let token = try tokens.next(source: source) {
            guard token.text == "loop_" else { continue }
            var names: [String] = []
            var pending: Token?
            while let t = try tokens.next(source: source) {
                if !t.quoted, t.text.hasPrefix("_") { names.append(t.text.lowercased()); continue }
                pending = t
                break
            }
            guard names.first?.hasPrefix("_atom_site.") == true, let first = pending else { continue }
            let column = Dictionary(names.enumerated().map { ($1.dropFirst("_atom_site.".count).description, $0) }, uniquingKeysWith: { a, _ in a })
            func index(_ options: String...) -> Int? { options.lazy.compactMap { column[$0] }.first }
            guard let ix = index("cartn_x"), let iy = index("cartn_y"), let iz = index("cartn_z"),
                  let iName = index("auth_atom_id", "label_atom_id"), let iRes = index("auth_comp_id", "label_comp_id"),
                  let iChain = index("auth_asym_id", "label_asym_id"), let iSeq = index("auth_seq_id", "label_seq_id") else {
                throw BETSeqError(.malformedTable, file: source, line: first.line,
                                 "_atom_site lacks coordinates, atom, residue, chain or sequence-number columns")
            }
            let iGroup = index("group_pdb"), iId = index("id"), iType = index("type_symbol"), iAlt = index("label_alt_id")
            let iIns = index("pdbx_pdb_ins_code"), iOcc = index("occupancy"), iModel = index("pdbx_pdb_model_num")
            var row: [Token] = [first]
            func finishRow() throws {
                func text(_ i: Int?) -> String? {
                    guard let i else { return nil }
                    let t = row[i]
                    return !t.quoted && (t.text == "?" || t.text == ".") ? nil : t.text
                }
                let line = row[0].line
                guard let x = Float(row[ix].text), let y = Float(row[iy].text), let z = Float(row[iz].text) else {
                    throw BETSeqError(.malformedTable, file: source, line: line, "atom coordinates are not numbers")
                }
                // mmCIF numbers have no width limit: '5E227' is a number but not a coordinate (as a
                // Float it is infinite, and the neighbour grid cannot place it).
                guard [x, y, z].allSatisfy({ $0.isFinite && abs($0) <= maxCoordinate }) else {
                    throw BETSeqError(.malformedTable, file: source, line: line,
                                      "atom coordinates (\(row[ix].text), \(row[iy].text), \(row[iz].text)) are beyond ±\(Int(maxCoordinate)) Å")
                }
                guard let number = text(iSeq).flatMap({ Int($0) }) else {
                    throw BETSeqError(.malformedTable, file: source, line: line, "residue number '\(row[iSeq].text)' is not an integer")
                }
                let name = row[iName].text, residueName = row[iRes].text
                guard let element = text(iType).flatMap({ Element(symbol: $0) }) ?? Element.infer(atomName: name, residueName: residueName) else {
                    throw BETSeqError(.malformedTable, file: source, line: line, "no element for atom '\(name)'")
                }
                raw.atoms.append(RawAtom(serial: text(iId).flatMap { Int($0) } ?? raw.atoms.count + 1, name: name,
                                         altLoc: text(iAlt) ?? "", residueName: residueName, chain: text(iChain) ?? "",
                                         number: number, insertionCode: text(iIns) ?? "",
                                         position: SIMD3(x, y, z), occupancy: text(iOcc).flatMap { Float($0) } ?? 1,
                                         element: element, hetero: text(iGroup) == "HETATM",
                                         model: text(iModel).flatMap { Int($0) } ?? 1, line: line))
                row.removeAll(keepingCapacity: true)
            }
            while let t = try tokens.next(source: source) {
                if !t.quoted && (t.text == "loop_" || t.text.hasPrefix("_") || t.text.hasPrefix("data_")) {
                    guard row.isEmpty else {
                        throw BETSeqError(.malformedTable, file: source, line: t.line, "_atom_site row has \(row.count) of \(names.count) values")
                    }
                    break
                }
                row.append(t)
                if row.count == names.count { try finishRow() }
            }
            guard row.isEmpty else {
                throw BETSeqError(.malformedTable, file: source, line: row[0].line, "_atom_site row has \(row.count) of \(names.count) values")
            }
            return raw
        }
        return raw
    }

    struct Token {
        var text: String
        var quoted: Bool
        var line: Int
    }

    /// CIF tokens: whitespace-separated words, 'single' or "double" quoted strings (closed by a quote
    /// followed by whitespace), `;` text fields, `#` comments.
    struct Tokenizer {
        let bytes: [UInt8]
        var i = 0
        var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func next(source: String) throws -> Token? {
            while i < bytes.count {
                let c = bytes[i]
                if c == 10 { line += 1; i += 1; continue }
                if c == 32 || c == 9 || c == 13 { i += 1; continue }
                if c == UInt8(ascii: "#") {
                    while i < bytes.count, bytes[i] != 10 { i += 1 }
                    continue
                }
                let atLineStart = i == 0 || bytes[i - 1] == 10
                if c == UInt8(ascii: ";") && atLineStart {
                    let startLine = line
                    i += 1
                    let start = i
                    while i < bytes.count {
                        if bytes[i] == 10 {
                            line += 1
                            if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ";") {
                                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                                i += 2
                                return Token(text: text, quoted: true, line: startLine)
                            }
                        }
                        i += 1
                    }
                    throw BETSeqError(.malformedTable, file: source, line: startLine, "unterminated ';' text field")
                }
                if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                    let start = i + 1
                    var j = start
                    while j < bytes.count {
                        if bytes[j] == 10 { break }
                        if bytes[j] == c, j + 1 >= bytes.count || [32, 9, 10, 13].contains(bytes[j + 1]) {
                            i = j + 1
                            return Token(text: String(decoding: bytes[start..<j], as: UTF8.self), quoted: true, line: line)
                        }
                        j += 1
                    }
                    throw BETSeqError(.malformedTable, file: source, line: line, "unterminated quoted string")
                }
                let start = i
                while i < bytes.count, ![32, 9, 10, 13].contains(bytes[i]) { i += 1 }
                return Token(text: String(decoding: bytes[start..<i], as: UTF8.self), quoted: false, line: line)
            }
            return nil
        }
    }
}
