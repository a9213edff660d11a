import Foundation
import SequenceIO

/// True ΔΔG (kcal/mol) for every sequence of a variable region, indexed by the 2-bit key that
/// `betseq count` uses (A=0 C=1 G=2 T=3, first base most significant). Always mean-centred over
/// the whole library, so ΔΔG = 0 is the library average (Kd = Kd_ref).
public struct Landscape: Sendable {
    public let length: Int
    public private(set) var ddg: [Double]
    /// Where it came from, for logs and metadata.
    public let origin: String

    public init(length: Int, ddg: [Double], origin: String) {
        precondition(ddg.count == 1 << (2 * length))
        self.length = length
        self.ddg = ddg
        self.origin = origin
        centre()
    }

    public var count: Int { ddg.count }

    private mutating func centre() {
        var sum = 0.0
        for v in ddg { sum += v }
        let mean = sum / Double(ddg.count)
        for i in ddg.indices { ddg[i] -= mean }
    }

    /// The published simulation: independent ΔΔG ~ Normal(0, σ = range/6) per sequence, i.e. 99.7 %
    /// of sequences within `range`.
    public static func normal(range: Double, length: Int, seed: UInt64, origin: String? = nil) throws -> Landscape {
        guard range.isFinite, range >= 0 else {
            throw InputError(.invalidOption, file: "landscape", "normal:RANGE needs a finite range ≥ 0 (kcal/mol), got \(range)")
        }
        try checkLength(length)
        let rng = RandomSource(seed: seed, stream: Streams.landscape)
        let sigma = range / 6
        var ddg = [Double](repeating: 0, count: 1 << (2 * length))
        for i in ddg.indices { ddg[i] = rng.gaussian(sigma: sigma) }
        return Landscape(length: length, ddg: ddg, origin: origin ?? "normal:\(range)")
    }

    /// Every sequence's energy under an additive model.
    public static func model(_ model: EnergyModel, length: Int, origin: String) throws -> Landscape {
        try checkLength(length)
        guard model.length == length else {
            throw InputError(.invalidOption, file: origin,
                             "the model covers \(model.length) positions but the design has \(length) variable bases")
        }
        return Landscape(length: length, ddg: try model.landscape(), origin: origin)
    }

    static func checkLength(_ length: Int) throws {
        guard length >= 1, length <= 12 else {
            throw InputError(.invalidDesign, file: "design",
                             "\(length) variable bases: simulation enumerates all 4^L sequences and supports 1 ≤ L ≤ 12")
        }
    }
}

/// Fixed stream numbers, so each random step of a simulation draws from its own sequence.
enum Streams {
    static let landscape: UInt64 = 1
    static let abundance: UInt64 = 2
    static let input: UInt64 = 10
    static let bound: UInt64 = 11
    static let unbound: UInt64 = 12
    static let reads: UInt64 = 20
    static let sweep: UInt64 = 1000
}

// MARK: Motifs

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
public func energyModel(motif: PositionFrequencyMatrix, design: DesignTemplate, rt: Double = 0.593,
                        pseudoFrequency: Double = 0.01) throws -> (model: EnergyModel, placement: String) {
    let t = Array(design.template.utf8)
    guard let first = design.variableOffsets.first, let last = design.variableOffsets.last else {
        throw InputError(.invalidDesign, file: "design", "no variable bases")
    }
    let site = Array(t[first...last])
    let fixed = site.indices.filter { baseCode(site[$0]) != nil }
    guard !fixed.isEmpty else {
        throw InputError(.invalidDesign, file: "design",
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
                score += log((f[4 * (s - offset) + (baseCode(site[s]) ?? 0)] + pseudoFrequency) / (1 + 4 * pseudoFrequency))
            }
            guard covered > 0 else { continue }
            if let b = best, (b.covered, b.score) >= (covered, score) { continue }
            best = (covered, score, offset, reverse)
        }
    }
    guard let best else {
        throw InputError(.invalidOption, file: motif.id, "the motif cannot be placed on the design")
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
        throw InputError(.invalidOption, file: motif.id,
                         "placed on the design's core, the motif reaches none of the variable bases")
    }
    let placement = "\(motif.id) \(motif.name) on the \(best.reverse ? "reverse" : "forward") strand at core offset \(best.offset); \(reached) of \(design.variableLength) variable positions reached"
    let model = EnergyModel(length: design.variableLength, mono: mono, pairs: [],
                            description: "from motif \(motif.id) \(motif.name): ΔΔG = −RT ln(p/p_max), ε = \(pseudoFrequency); \(placement)")
    return (model, placement)
}

/// A=0 C=1 G=2 T=3; nil for anything else.
func baseCode(_ c: UInt8) -> Int? {
    switch c {
    case UInt8(ascii: "A"): return 0
    case UInt8(ascii: "C"): return 1
    case UInt8(ascii: "G"): return 2
    case UInt8(ascii: "T"): return 3
    default: return nil
    }
}

/// Builds the landscape a `--landscape` argument names:
/// - `normal:RANGE` — iid Normal(0, RANGE/6) kcal/mol per sequence (seeded);
/// - a betseq energy-model JSON file (as the linear fits write), or an energy-matrix TSV;
/// - a JASPAR or MEME motif file (`motifID` picks one when the file holds several).
public func resolveLandscape(_ spec: String, design: DesignTemplate, seed: UInt64, rt: Double = 0.593,
                             motifID: String? = nil) throws -> (landscape: Landscape, note: String?) {
    let length = design.variableLength
    if spec.hasPrefix("normal:") {
        guard let range = Double(spec.dropFirst("normal:".count)) else {
            throw InputError(.invalidOption, file: "--landscape", "'\(spec)': expected normal:RANGE with RANGE in kcal/mol")
        }
        return (try Landscape.normal(range: range, length: length, seed: seed, origin: spec), nil)
    }
    let builtin = spec.hasPrefix("motif:") ? BuiltinMotifs.jaspar[spec.dropFirst("motif:".count).lowercased()] : nil
    if spec.hasPrefix("motif:") && builtin == nil {
        throw InputError(.invalidOption, file: "--landscape",
                         "'\(spec)': built-in motifs are \(BuiltinMotifs.jaspar.keys.sorted().map { "motif:" + $0 }.joined(separator: ", "))")
    }
    guard let data = builtin.map({ Data($0.utf8) }) ?? FileManager.default.contents(atPath: spec) else {
        throw InputError(.cannotOpen, file: spec,
                         "cannot read the landscape file (expected normal:RANGE, motif:cbf1, motif:pho4, an energy-model JSON or a JASPAR/MEME motif)")
    }
    let firstByte = data.first { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }
    if EnergyModel.isEnergyMatrix(data) {
        return (try Landscape.model(try EnergyModel.decodeMatrix(data, file: spec), length: length, origin: spec), nil)
    }
    if firstByte == UInt8(ascii: "{") {
        let model = try EnergyModel.decode(data, file: spec)
        return (try Landscape.model(model, length: length, origin: spec), nil)
    }
    let motifs = try PositionFrequencyMatrix.parse(String(decoding: data, as: UTF8.self), file: spec)
    let motif: PositionFrequencyMatrix
    if let motifID {
        guard let m = motifs.first(where: { $0.id == motifID || $0.name == motifID }) else {
            throw InputError(.invalidOption, file: spec,
                             "no motif '\(motifID)'; the file has \(motifs.map(\.id).joined(separator: ", "))")
        }
        motif = m
    } else {
        guard motifs.count == 1, let m = motifs.first else {
            throw InputError(.invalidOption, file: spec,
                             "\(motifs.count) motifs (\(motifs.map(\.id).joined(separator: ", "))); choose one with --motif-id")
        }
        motif = m
    }
    let (model, placement) = try energyModel(motif: motif, design: design, rt: rt)
    return (try Landscape.model(model, length: length, origin: "\(spec) (\(motif.id))"), placement)
}
