import Foundation
import IO

/// The residue-level map: for every pair of residues (file order, first < second) with any contact,
/// which of the eight channels it has. Contacts within one residue are dropped; water residues are
/// never nodes (water bridges are credited to the two bridged residues).
public struct ResidueContactMap: Sendable {
    public var residues: [Int]
    public var pairs: [SIMD2<Int32>: UInt8]

    public init(_ contacts: [AtomContact], structure s: Structure) {
        var pairs: [SIMD2<Int32>: UInt8] = [:]
        for c in contacts {
            let a = s.atoms[c.atom1].residue, b = s.atoms[c.atom2].residue
            guard a != b else { continue }
            let key = SIMD2(Int32(min(a, b)), Int32(max(a, b)))
            pairs[key, default: 0] |= 1 << UInt8(c.channel.rawValue)
        }
        self.pairs = pairs
        self.residues = s.residues.indices.filter { s.residues[$0].kind != .water }
    }

    public func has(_ channel: ContactChannel, _ a: Int, _ b: Int) -> Bool {
        (pairs[SIMD2(Int32(min(a, b)), Int32(max(a, b)))] ?? 0) & (1 << UInt8(channel.rawValue)) != 0
    }

    /// Residue pairs with a contact in each channel, in `ContactChannel` order.
    public var pairCounts: [Int] {
        var counts = [Int](repeating: 0, count: ContactChannel.allCases.count)
        for flags in pairs.values {
            for ch in ContactChannel.allCases where flags & (1 << UInt8(ch.rawValue)) != 0 { counts[ch.rawValue] += 1 }
        }
        return counts
    }

    /// `res1 res2 hp hb vdw wb sb ps pc ts`, one row per residue pair with a contact, sorted by file order.
    public func writeTSV(path: String, structure s: Structure) throws {
        let text = try TextWriter(path: path)
        try text.write("res1\tres2\t" + ContactChannel.allCases.map(\.code).joined(separator: "\t") + "\n")
        for key in pairs.keys.sorted(by: { ($0.x, $0.y) < ($1.x, $1.y) }) {
            let flags = pairs[key] ?? 0
            try text.write(s.residues[Int(key.x)].label + "\t" + s.residues[Int(key.y)].label)
            for ch in ContactChannel.allCases { try text.write(flags & (1 << UInt8(ch.rawValue)) != 0 ? "\t1" : "\t0") }
            try text.write(byte: 10)
        }
        try text.finish()
    }
}

/// Atom-level contacts in GetContacts' tab-separated layout (`frame type atom1 atom2 [waters]`,
/// labels `chain:resname:resid:atomname`, two `#` header lines), so the two can be diffed.
public func writeAtomContacts(_ contacts: [AtomContact], structure s: Structure, path: String) throws {
    let text = try TextWriter(path: path)
    let types = ["hp", "sb", "pc", "ps", "ts", "vdw", "hb", "wb", "wb2"]
    try text.write("# total_frames:1 beg:0 end:0 stride:1 interaction_types:\(types.joined(separator: ","))\n")
    try text.write("# Columns: frame, interaction_type, atom_1, atom_2[, atom_3[, atom_4]]\n")
    for c in contacts {
        try text.write("0\t\(c.type)\t\(s.label(atom: c.atom1))\t\(s.label(atom: c.atom2))")
        for w in c.waters { try text.write("\t" + s.label(atom: w)) }
        try text.write(byte: 10)
    }
    try text.finish()
}
