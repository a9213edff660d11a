import Foundation

/// A chemical element by its symbol ("C", "Se", "Zn"; deuterium is "D"), with the radii the
/// structure code needs. Unknown symbols are rejected; elements without a tabulated radius get a
/// stated default.
public struct Element: Hashable, Sendable, CustomStringConvertible {
    public let symbol: String

    /// Accepts a symbol in any case (`SE`, `se`, `Se`); nil if it is not an element (or D).
    public init?(symbol: String) {
        let s = symbol.filter { $0 != " " }
        guard let first = s.first, first.isLetter, s.count <= 2 else { return nil }
        let normal = String(first).uppercased() + s.dropFirst().lowercased()
        guard Element.symbols.contains(normal) else { return nil }
        self.symbol = normal
    }

    public var description: String { symbol }
    public var isHydrogen: Bool { symbol == "H" || symbol == "D" }
    public var isCarbon: Bool { symbol == "C" }
    /// Metal ions take part in coordination, which is not a covalent bond here.
    public var isMetal: Bool { !Element.nonMetals.contains(symbol) }

    /// Single-bond covalent radius in Å (Cordero et al., Dalton Trans. 2008); 1.50 when untabulated.
    public var covalentRadius: Double { Element.covalent[symbol] ?? 1.50 }

    /// Van der Waals radius in Å from GetContacts' table (Bondi-like); 1.70 when the element is
    /// missing from it, as GetContacts does (so Fe, Mn and Co get 1.70).
    public var vdwRadius: Double { Element.vdw[symbol] ?? 1.70 }

    /// The element of an atom whose file gives none, by GetContacts' rule: the first run of letters
    /// of the atom name, upper-cased; if both its first letter and its first two letters are element
    /// symbols, the two-letter one only when the residue name equals the atom name (ions such as
    /// CL/CL, ZN/ZN), else the one-letter one; if only one of them is an element, that one.
    public static func infer(atomName: String, residueName: String) -> Element? {
        let letters = String(atomName.drop { !$0.isLetter }.prefix { $0.isLetter }).uppercased()
        guard let first = letters.first else { return nil }
        let one = Element(symbol: String(first))
        let two = letters.count >= 2 ? Element(symbol: String(letters.prefix(2))) : nil
        switch (one, two) {
        case let (one?, two?):
            return residueName.trimmingCharacters(in: .whitespaces).uppercased() == atomName.trimmingCharacters(in: .whitespaces).uppercased() ? two : one
        case let (one?, nil): return one
        case let (nil, two?): return two
        default: return nil
        }
    }

    static let symbols: Set<String> = Set("""
        H D He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr \
        Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb \
        Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr
        """.split(separator: " ").map(String.init))

    static let nonMetals: Set<String> = ["H", "D", "He", "B", "C", "N", "O", "F", "Ne", "Si", "P", "S", "Cl", "Ar",
                                         "As", "Se", "Br", "Kr", "Te", "I", "Xe", "At", "Rn"]

    static let covalent: [String: Double] = [
        "H": 0.31, "D": 0.31, "C": 0.76, "N": 0.71, "O": 0.66, "S": 1.05, "P": 1.07, "Se": 1.20, "F": 0.57,
        "Cl": 1.02, "Br": 1.20, "I": 1.39, "B": 0.84, "Si": 1.11, "As": 1.19, "Na": 1.66, "K": 2.03, "Mg": 1.41,
        "Ca": 1.76, "Mn": 1.39, "Fe": 1.32, "Co": 1.26, "Ni": 1.24, "Cu": 1.32, "Zn": 1.22, "Hg": 1.32, "Cd": 1.44,
    ]

    static let vdw: [String: Double] = [
        "H": 1.20, "D": 1.20, "C": 1.70, "N": 1.55, "O": 1.52, "S": 1.80, "P": 1.80, "Se": 1.90, "F": 1.47,
        "Cl": 1.75, "Br": 1.85, "I": 1.98, "Na": 2.27, "Mg": 1.73, "K": 2.75, "Ca": 2.31, "Zn": 1.39, "Cu": 1.40,
        "Ni": 1.63, "Sc": 2.11, "Ga": 1.87, "As": 1.85, "Pd": 1.63, "Ag": 1.72, "Cd": 1.58, "Pt": 1.75,
        "Au": 1.66, "Hg": 1.55, "Gd": 2.79, "U": 1.86, "He": 1.40, "Ne": 1.54, "Ar": 1.88, "Kr": 2.02,
        "Xe": 2.16, "Rn": 2.20, "Li": 1.82, "Be": 1.53, "Rb": 3.03, "Cs": 3.43, "Fr": 3.48, "Sr": 2.49,
        "Ba": 2.49, "Ra": 2.83,
    ]
}
