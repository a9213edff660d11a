import IO
import Sequence
import Foundation

/// An additive energy model over a variable region of `length` bases: the exchange format between
/// `betseq simulate` (which reads it as a landscape) and the linear fits (which write it).
///
///     ΔΔG(s) = intercept + Σ_i mono[i][s_i] + Σ_(i,j) pair_ij[s_i][s_j]      (kcal/mol)
///
/// Bases are indexed A=0 C=1 G=2 T=3; positions are 1-based in the file (position 1 is the 5'-most
/// variable base) and 0-based in memory. A pair term's 4×4 table is indexed [base at i][base at j]
/// with i < j. The JSON file:
///
///     {"format": "betseq-energy-model", "version": 1, "length": 10, "units": "kcal/mol",
///      "intercept": 0.0,
///      "mono": [[A, C, G, T], ...],                      // one row per position
///      "pairs": [{"i": 1, "j": 2, "ddg": [[AA, AC, AG, AT], [CA, ...], ...]}, ...],
///      "description": "free text"}
///
/// `pairs` and `description` may be omitted. Unknown keys are ignored so that fitters can add
/// their own metadata (fit statistics, design).
public struct EnergyModel: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        /// 0-based positions, i < j.
        public var i: Int
        public var j: Int
        /// 16 values, index 4·b_i + b_j.
        public var ddg: [Double]
        public init(i: Int, j: Int, ddg: [Double]) {
            self.i = i
            self.j = j
            self.ddg = ddg
        }
    }

    public static let formatName = "betseq-energy-model"
    public var length: Int
    public var intercept: Double
    /// `length` × 4 values, index 4·position + base.
    public var mono: [Double]
    public var pairs: [Pair]
    public var description: String

    public init(length: Int, intercept: Double = 0, mono: [Double], pairs: [Pair] = [], description: String = "") {
        self.length = length
        self.intercept = intercept
        self.mono = mono
        self.pairs = pairs
        self.description = description
    }

    /// Checks shapes, positions and finiteness.
    public func validate(file: String = "energy model") throws {
        func bad(_ message: String) -> BETSeqError { BETSeqError(.malformedTable, file: file, message) }
        guard length >= 1, length <= 32 else { throw bad("length \(length): expected 1 to 32 positions") }
        guard mono.count == 4 * length else {
            throw bad("'mono' has \(mono.count / 4) rows of 4; expected \(length) (one per position)")
        }
        guard intercept.isFinite, mono.allSatisfy(\.isFinite) else { throw bad("non-finite value in 'intercept' or 'mono'") }
        var seen = Set<Int>()
        for (k, p) in pairs.enumerated() {
            guard p.i >= 0, p.j < length, p.i < p.j else {
                throw bad("pair \(k + 1): positions (\(p.i + 1), \(p.j + 1)); expected 1 ≤ i < j ≤ \(length)")
            }
            guard seen.insert(p.i * length + p.j).inserted else {
                throw bad("pair \(k + 1): positions (\(p.i + 1), \(p.j + 1)) appear twice")
            }
            guard p.ddg.count == 16 else { throw bad("pair \(k + 1): 'ddg' must be a 4×4 table") }
            guard p.ddg.allSatisfy(\.isFinite) else { throw bad("pair \(k + 1): non-finite value") }
        }
    }

    /// ΔΔG of one sequence given as base codes (A=0 … T=3).
    public func energy(codes: [UInt8]) -> Double {
        var e = intercept
        for (i, b) in codes.enumerated() { e += mono[4 * i + Int(b)] }
        for p in pairs { e += p.ddg[4 * Int(codes[p.i]) + Int(codes[p.j])] }
        return e
    }

    /// ΔΔG of every sequence, indexed by the 2-bit key (position 1 most significant), as `betseq
    /// count` numbers sequences. Requires length ≤ 13 (4^13 values).
    ///
    /// Splits the sequence into a 5' and a 3' half: terms inside one half are tabulated once
    /// (4^h entries), so each sequence costs one addition plus one lookup per pair that spans the
    /// halves.
    public func landscape() throws -> [Double] {
        guard length <= 13 else {
            throw BETSeqError(.invalidOption, file: "energy model",
                             "a full landscape of \(length) positions (4^\(length) sequences) is too large; at most 13")
        }
        let hiLen = length / 2, loLen = length - hiLen
        func halfTable(offset: Int, count: Int) -> [Double] {
            var table = [Double](repeating: 0, count: 1 << (2 * count))
            var codes = [UInt8](repeating: 0, count: length)
            for key in 0..<table.count {
                for p in 0..<count { codes[offset + p] = baseCode(UInt64(key), position: p, length: count) }
                var e = 0.0
                for p in 0..<count { e += mono[4 * (offset + p) + Int(codes[offset + p])] }
                for pair in pairs where pair.i >= offset && pair.j < offset + count {
                    e += pair.ddg[4 * Int(codes[pair.i]) + Int(codes[pair.j])]
                }
                table[key] = e
            }
            return table
        }
        let hi = halfTable(offset: 0, count: hiLen)
        let lo = halfTable(offset: hiLen, count: loLen)
        let cross = pairs.filter { $0.i < hiLen && $0.j >= hiLen }
        // Shifts that pull each base out of the key.
        let crossShifts = cross.map { (2 * (length - 1 - $0.i), 2 * (length - 1 - $0.j)) }
        let crossTables = cross.map(\.ddg)
        let loBits = 2 * loLen
        let loMask = (1 << loBits) - 1
        var out = [Double](repeating: 0, count: 1 << (2 * length))
        let base = intercept
        out.withUnsafeMutableBufferPointer { o in
            for h in 0..<hi.count {
                let eh = base + hi[h]
                let start = h << loBits
                for l in 0...loMask {
                    o[start + l] = eh + lo[l]
                }
                for (c, (si, sj)) in crossShifts.enumerated() {
                    crossTables[c].withUnsafeBufferPointer { t in
                        let bi = ((start >> si) & 3) << 2
                        for l in 0...loMask {
                            let key = start | l
                            o[key] += t[bi | ((key >> sj) & 3)]
                        }
                    }
                }
            }
        }
        return out
    }

    // MARK: JSON

    struct FilePair: Codable {
        var i: Int
        var j: Int
        var ddg: [[Double]]
    }

    struct File: Codable {
        var format: String
        var version: Int
        var length: Int
        var units: String?
        var intercept: Double?
        var mono: [[Double]]
        var pairs: [FilePair]?
        var description: String?
    }

    /// Parses the JSON form.
    public static func decode(_ data: Data, file: String = "energy model") throws -> EnergyModel {
        let f: File
        do {
            f = try JSONFile.decode(File.self, from: data, file: file)
        } catch let error as BETSeqError {
            throw BETSeqError(error.kind, file: file, "not a betseq energy model: \(error.message)")
        }
        guard f.format == formatName else {
            throw BETSeqError(.malformedTable, file: file, "format '\(f.format)'; expected '\(formatName)'")
        }
        guard f.version == 1 else {
            throw BETSeqError(.malformedTable, file: file, "version \(f.version); this betseq reads version 1")
        }
        if let units = f.units, units != "kcal/mol" {
            throw BETSeqError(.malformedTable, file: file, "units '\(units)'; expected 'kcal/mol'")
        }
        for (r, row) in f.mono.enumerated() where row.count != 4 {
            throw BETSeqError(.malformedTable, file: file, "mono row \(r + 1) has \(row.count) values; expected 4 (A, C, G, T)")
        }
        var pairs: [Pair] = []
        for (k, p) in (f.pairs ?? []).enumerated() {
            guard p.ddg.count == 4, p.ddg.allSatisfy({ $0.count == 4 }) else {
                throw BETSeqError(.malformedTable, file: file, "pair \(k + 1): 'ddg' must be 4 rows of 4 values")
            }
            pairs.append(Pair(i: p.i - 1, j: p.j - 1, ddg: p.ddg.flatMap { $0 }))
        }
        let model = EnergyModel(length: f.length, intercept: f.intercept ?? 0, mono: f.mono.flatMap { $0 },
                                pairs: pairs, description: f.description ?? "")
        try model.validate(file: file)
        return model
    }

    /// Reads a model file: the JSON form, or a mononucleotide energy-matrix TSV.
    public static func read(path: String) throws -> EnergyModel {
        let data = Data(try readAllBytes(path: path))
        if isEnergyMatrix(data) { return try decodeMatrix(data, file: path) }
        return try decode(data, file: path)
    }

    /// True when the bytes start like an energy-matrix TSV (header `position A C G T`).
    public static func isEnergyMatrix(_ data: Data) -> Bool {
        data.prefix(9).elementsEqual("position\t".utf8)
    }

    /// Parses an energy-matrix TSV: header `position A C G T`, then one row per variable position
    /// 1…L in order with ΔΔG in kcal/mol (a mononucleotide model without intercept).
    public static func decodeMatrix(_ data: Data, file: String = "energy matrix") throws -> EnergyModel {
        // "\r\n" is one Character in Swift, so split on every kind of line end (CRLF files too).
        let lines = String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var mono: [Double] = []
        var row = 0
        for (n, line) in lines.enumerated() {
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if n == 0 {
                guard fields.map(String.init) == ["position", "A", "C", "G", "T"] else {
                    throw BETSeqError(.malformedTable, file: file, line: 1, "header must be 'position A C G T' (tab-separated)")
                }
                continue
            }
            row += 1
            guard fields.count == 5, Int(fields[0]) == row else {
                throw BETSeqError(.malformedTable, file: file, line: n + 1, "expected position \(row) and 4 values")
            }
            for f in fields.dropFirst() {
                guard let v = Double(f), v.isFinite else {
                    throw BETSeqError(.malformedTable, file: file, line: n + 1, "'\(f)' is not a finite number")
                }
                mono.append(v)
            }
        }
        let model = EnergyModel(length: row, mono: mono, description: "energy matrix \(file)")
        try model.validate(file: file)
        return model
    }

    /// The JSON form as `write` writes it (keys sorted, so the same model always gives the same bytes).
    public func encoded() throws -> Data { try JSONFile.encode(file) }

    /// The model as its file's keys.
    var file: File {
        File(format: Self.formatName, version: 1, length: length, units: "kcal/mol",
                        intercept: intercept,
                        mono: (0..<length).map { Array(mono[(4 * $0)..<(4 * $0 + 4)]) },
                        pairs: pairs.map { p in
                            FilePair(i: p.i + 1, j: p.j + 1, ddg: (0..<4).map { Array(p.ddg[(4 * $0)..<(4 * $0 + 4)]) })
                        },
                        description: description)
    }

    /// Writes the JSON form atomically (temporary file, then rename).
    public func write(path: String) throws { try JSONFile.write(file, path: path) }
}
