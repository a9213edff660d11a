import IO
import Sequence
import Foundation

/// A position frequency matrix: per motif column, counts (JASPAR) or probabilities (MEME) of
/// A, C, G, T.
public struct PositionFrequencyMatrix: Sendable, Equatable {
    public var id: String
    public var name: String
    /// `width` × 4 values, index 4·column + base; non-negative, each column with a positive sum.
    public var counts: [Double]
    public var width: Int { counts.count / 4 }

    public init(id: String, name: String, counts: [Double]) {
        self.id = id
        self.name = name
        self.counts = counts
    }

    /// Column-normalised frequencies.
    public func frequencies() -> [Double] {
        var f = counts
        for c in 0..<width {
            let total = counts[(4 * c)..<(4 * c + 4)].reduce(0, +)
            for b in 0..<4 { f[4 * c + b] = counts[4 * c + b] / total }
        }
        return f
    }

    /// The matrix read on the other strand: columns reversed, bases complemented.
    public func reverseComplement() -> PositionFrequencyMatrix {
        var rc = counts
        for c in 0..<width {
            for b in 0..<4 { rc[4 * (width - 1 - c) + (3 - b)] = counts[4 * c + b] }
        }
        return PositionFrequencyMatrix(id: id, name: name, counts: rc)
    }

    /// Reads every matrix in a JASPAR (`>ID NAME` + rows `A [ … ]`) or MEME (`MOTIF` +
    /// `letter-probability matrix`) file.
    public static func read(path: String) throws -> [PositionFrequencyMatrix] {
        let data = Data(try readAllBytes(path: path))
        let text = String(decoding: data, as: UTF8.self)
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> [PositionFrequencyMatrix] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let motifs = text.contains("letter-probability matrix")
            ? try parseMEME(lines, file: file) : try parseJASPAR(lines, file: file)
        guard !motifs.isEmpty else {
            throw BETSeqError(.malformedTable, file: file, "no motif found; expected JASPAR ('>ID NAME' then rows A/C/G/T) or MEME text")
        }
        return motifs
    }

    private static func numbers(_ s: Substring, file: String, line: Int) throws -> [Double] {
        try s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { token in
            guard let v = Double(token), v.isFinite, v >= 0 else {
                throw BETSeqError(.malformedTable, file: file, line: line, "'\(token)' is not a non-negative number")
            }
            return v
        }
    }

    private static func finish(_ id: String, _ name: String, _ rows: [[Double]], columnsAreRows: Bool,
                               file: String, line: Int) throws -> PositionFrequencyMatrix {
        var counts: [Double] = []
        if columnsAreRows {
            counts = rows.flatMap { $0 }
        } else {
            guard rows.count == 4, rows.allSatisfy({ $0.count == rows[0].count }), !rows[0].isEmpty else {
                throw BETSeqError(.malformedTable, file: file, line: line,
                                 "motif '\(id)': expected 4 rows (A, C, G, T) of equal length")
            }
            for c in 0..<rows[0].count { for b in 0..<4 { counts.append(rows[b][c]) } }
        }
        let m = PositionFrequencyMatrix(id: id, name: name, counts: counts)
        for c in 0..<m.width where counts[(4 * c)..<(4 * c + 4)].reduce(0, +) <= 0 {
            throw BETSeqError(.malformedTable, file: file, line: line, "motif '\(id)': column \(c + 1) sums to zero")
        }
        return m
    }

    private static func parseJASPAR(_ lines: [String], file: String) throws -> [PositionFrequencyMatrix] {
        var motifs: [PositionFrequencyMatrix] = []
        var id = "motif", name = "", rows: [[Double]] = [], start = 1
        let letters: [Character] = ["A", "C", "G", "T"]
        for (n, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix(">") {
                if !rows.isEmpty { motifs.append(try finish(id, name, rows, columnsAreRows: false, file: file, line: start)) }
                let parts = line.dropFirst().split(separator: " ", maxSplits: 1)
                id = parts.first.map(String.init) ?? "motif"
                name = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : id
                rows = []
                start = n + 1
                continue
            }
            var body = Substring(line)
            if let first = body.first, letters.contains(first.uppercased().first ?? first) {
                guard first.uppercased() == String(letters[rows.count % 4]) else {
                    throw BETSeqError(.malformedTable, file: file, line: n + 1,
                                     "row '\(first)'; expected rows in the order A, C, G, T")
                }
                body = body.dropFirst()
            }
            body = Substring(body.replacingOccurrences(of: "[", with: " ").replacingOccurrences(of: "]", with: " "))
            rows.append(try numbers(body, file: file, line: n + 1))
            if rows.count > 4 {
                throw BETSeqError(.malformedTable, file: file, line: n + 1, "more than 4 rows in motif '\(id)'")
            }
        }
        if !rows.isEmpty { motifs.append(try finish(id, name, rows, columnsAreRows: false, file: file, line: start)) }
        return motifs
    }

    private static func parseMEME(_ lines: [String], file: String) throws -> [PositionFrequencyMatrix] {
        var motifs: [PositionFrequencyMatrix] = []
        var id = "motif", name = ""
        var n = 0
        while n < lines.count {
            let line = lines[n].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("MOTIF") {
                let parts = line.split(separator: " ")
                id = parts.count > 1 ? String(parts[1]) : "motif"
                name = parts.count > 2 ? String(parts[2]) : id
            } else if line.hasPrefix("letter-probability matrix") {
                var width: Int?
                if let r = line.range(of: "w=") {
                    width = Int(line[r.upperBound...].trimmingCharacters(in: .whitespaces).prefix { $0.isNumber })
                }
                var rows: [[Double]] = []
                let start = n + 1
                n += 1
                while n < lines.count {
                    let row = lines[n].trimmingCharacters(in: .whitespaces)
                    if row.isEmpty || !(row.first?.isNumber ?? false) && row.first != "." { break }
                    let values = try numbers(Substring(row), file: file, line: n + 1)
                    guard values.count == 4 else {
                        throw BETSeqError(.malformedTable, file: file, line: n + 1, "\(values.count) probabilities; expected 4 (A, C, G, T)")
                    }
                    rows.append(values)
                    n += 1
                    if let width, rows.count == width { break }
                }
                if let width, rows.count != width {
                    throw BETSeqError(.malformedTable, file: file, line: start, "motif '\(id)': w=\(width) but \(rows.count) rows")
                }
                motifs.append(try finish(id, name, rows, columnsAreRows: true, file: file, line: start))
                continue
            }
            n += 1
        }
        return motifs
    }
}

// MARK: Motif → energy model

/// Converts a position frequency matrix into an energy model over a design's variable bases.
///
/// Placement: the design's fixed core (the anchor bases between the first and last variable base,
/// e.g. `CACGTG`) locates the motif. Every offset and both strands are tried; the placement that
/// covers the most core bases wins, ties broken by the log-probability of the core under the motif.
///
/// Energy (independent-sites approximation, Berg & von Hippel): with column frequencies f and a
/// pseudo-frequency ε added to each base, p_b = (f_b + ε)/(1 + 4ε),
///
///     ΔΔG(position, b) = −RT · ln(p_b / max_b' p_b')
///
/// so the consensus base costs 0 and a base the motif never saw costs at most −RT·ln(ε/(1+ε))
/// (≈ 2.7 kcal/mol for ε = 0.01). Variable positions the motif does not reach get no energy.
public func energyModel(motif: PositionFrequencyMatrix, design: DesignTemplate, rt: Double = defaultRT,
                        pseudoFrequency: Double = 0.01) throws -> (model: EnergyModel, placement: String) {
    let t = Array(design.template.utf8)
    guard let first = design.variableOffsets.first, let last = design.variableOffsets.last else {
        throw BETSeqError(.invalidDesign, file: "design", "no variable bases")
    }
    let site = Array(t[first...last])
    let fixed = site.indices.filter { code(ofBase: site[$0]) != nil }
    guard !fixed.isEmpty else {
        throw BETSeqError(.invalidDesign, file: "design",
                         "no fixed bases between the variable bases, so a motif cannot be placed on the design")
    }
    let w = motif.width
    var best: (covered: Int, score: Double, offset: Int, reverse: Bool)? = nil
    for reverse in [false, true] {
        let m = reverse ? motif.reverseComplement() : motif
        let f = m.frequencies()
        for offset in (1 - w)..<site.count {
            var covered = 0
            var score = 0.0
            for s in fixed where s - offset >= 0 && s - offset < w {
                covered += 1
                score += log((f[4 * (s - offset) + (code(ofBase: site[s]) ?? 0)] + pseudoFrequency) / (1 + 4 * pseudoFrequency))
            }
            guard covered > 0 else { continue }
            if let b = best, (b.covered, b.score) >= (covered, score) { continue }
            best = (covered, score, offset, reverse)
        }
    }
    guard let best else {
        throw BETSeqError(.invalidOption, file: motif.id, "the motif cannot be placed on the design")
    }
    let m = best.reverse ? motif.reverseComplement() : motif
    let f = m.frequencies()
    var mono = [Double](repeating: 0, count: 4 * design.variableLength)
    var reached = 0
    // Variable bases in site coordinates, in order: position k of the sequence.
    let variableSite = design.variableOffsets.map { $0 - first }
    for (k, s) in variableSite.enumerated() {
        let c = s - best.offset
        guard c >= 0 && c < w else { continue }
        reached += 1
        let p = (0..<4).map { (f[4 * c + $0] + pseudoFrequency) / (1 + 4 * pseudoFrequency) }
        let top = p.max() ?? 1
        for b in 0..<4 { mono[4 * k + b] = -rt * log(p[b] / top) }
    }
    guard reached > 0 else {
        throw BETSeqError(.invalidOption, file: motif.id,
                         "placed on the design's core, the motif reaches none of the variable bases")
    }
    let placement = "\(motif.id) \(motif.name) on the \(best.reverse ? "reverse" : "forward") strand at core offset \(best.offset); \(reached) of \(design.variableLength) variable positions reached"
    let model = EnergyModel(length: design.variableLength, mono: mono, pairs: [],
                            description: "from motif \(motif.id) \(motif.name): ΔΔG = −RT ln(p/p_max), ε = \(pseudoFrequency); \(placement)")
    return (model, placement)
}

