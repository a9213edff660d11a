/// Chemical elements met in biomolecular structures, with single-bond covalent radii in Å
/// (Cordero et al., Dalton Trans. 2008), used to infer bonds where no residue template applies.
public enum Element: String, CaseIterable, Sendable {
    case H, D, C, N, O, S, P, Se, F, Cl, Br, I, Na, K, Mg, Ca, Mn, Fe, Co, Ni, Cu, Zn

    public var covalentRadius: Double {
        switch self {
        case .H, .D: return 0.31
        case .C: return 0.76
        case .N: return 0.71
        case .O: return 0.66
        case .S: return 1.05
        case .P: return 1.07
        case .Se: return 1.20
        case .F: return 0.57
        case .Cl: return 1.02
        case .Br: return 1.20
        case .I: return 1.39
        case .Na: return 1.66
        case .K: return 2.03
        case .Mg: return 1.41
        case .Ca: return 1.76
        case .Mn: return 1.39
        case .Fe: return 1.32
        case .Co: return 1.26
        case .Ni: return 1.24
        case .Cu: return 1.32
        case .Zn: return 1.22
        }
    }

    /// Parses an element symbol in any case (`SE`, `se`, `Se`).
    public init?(symbol: String) {
        let s = symbol.filter { $0 != " " }
        guard let first = s.first else { return nil }
        let normal = String(first).uppercased() + s.dropFirst().lowercased()
        self.init(rawValue: normal)
    }

    /// Infers the element from a PDB atom-name field (columns 13–16) when the element column is
    /// blank. PDB convention: a two-letter element starts in column 13, a one-letter element in
    /// column 14, so " CA " is carbon alpha while "CA  " is calcium. Hydrogens named like "1HB " or
    /// "HD21" are recognised by the leading digit or the H in the first non-digit position.
    public init?(pdbAtomName field: String) {
        let chars = Array(field)
        guard chars.count == 4 else { return nil }
        if chars[0] != " ", !chars[0].isNumber {
            if let two = Element(symbol: String(chars[0...1])), two.rawValue.count == 2 { self = two; return }
            // Four-character hydrogen names such as "HD21".
            if chars[0] == "H" || chars[0] == "D" { self = chars[0] == "H" ? .H : .D; return }
            if let one = Element(symbol: String(chars[0])) { self = one; return }
            return nil
        }
        // Blank or digit in column 13: the element is the letter in column 14.
        guard let e = Element(symbol: String(chars[1])) else { return nil }
        self = e
    }
}
