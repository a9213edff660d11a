import Foundation
import IO
import Sequence
import Affinity
import Learn

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
        Learn.centre(&self.ddg)
    }

    public var count: Int { ddg.count }

    /// Sample standard deviation of ΔΔG over the library (kcal/mol).
    public var standardDeviation: Double { Learn.standardDeviation(ddg) }

    /// The published simulation: independent ΔΔG ~ Normal(0, σ = range/6) per sequence, i.e. 99.7 %
    /// of sequences within `range`.
    public static func normal(range: Double, length: Int, seed: UInt64, origin: String? = nil) throws -> Landscape {
        guard range.isFinite, range >= 0, range <= 100 else {
            throw BETSeqError(.invalidOption, file: "landscape", "normal:RANGE needs a range from 0 to 100 kcal/mol, got \(range)")
        }
        try checkLength(length)
        let rng = RandomSource(seed: seed, stream: Streams.landscape)
        let sigma = range / 6
        var ddg = [Double](repeating: 0, count: 1 << (2 * length))
        for i in ddg.indices { ddg[i] = rng.gaussian(sigma: sigma) }
        return Landscape(length: length, ddg: ddg, origin: origin ?? "normal:\(range)")
    }

    /// Every sequence's ΔΔG under a model (energy model or network).
    public static func model(_ model: any AffinityModel, length: Int, origin: String) throws -> Landscape {
        try checkLength(length)
        guard model.length == length else {
            throw BETSeqError(.invalidOption, file: origin,
                             "the model covers \(model.length) positions but the design has \(length) variable bases")
        }
        return Landscape(length: length, ddg: try model.predictLibrary(), origin: origin)
    }

    static func checkLength(_ length: Int) throws {
        guard length >= 1, length <= 12 else {
            throw BETSeqError(.invalidDesign, file: "design",
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

/// Builds the landscape a `--landscape` argument names:
/// - `normal:RANGE` — iid Normal(0, RANGE/6) kcal/mol per sequence (seeded);
/// - `pho4like[:RANGE]`, `cbf1like[:RANGE]` — composed landscapes with set fractions of additive,
///   nearest-neighbour, gapped-pair and triple effects (`ComposedLandscapeSpec`; seeded);
/// - a model file: a betseq energy-model JSON (as the linear fits write), an energy-matrix TSV or a
///   neural model (predicted in float32 over the library);
/// - a JASPAR or MEME motif file (`motifID` picks one when the file holds several).
public func resolveLandscape(_ spec: String, design: DesignTemplate, seed: UInt64, rt: Double = defaultRT,
                             motifID: String? = nil) throws -> (landscape: Landscape, note: String?) {
    let length = design.variableLength
    // pho4like[:RANGE] and cbf1like[:RANGE] (RANGE default 3 kcal/mol, σ = RANGE/6).
    let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
    if let name = parts.first, let composed = ComposedLandscapeSpec.builtin[name] {
        guard let range = parts.count == 2 ? Double(parts[1]) : 3.0 else {
            throw BETSeqError(.invalidOption, file: "--landscape", "'\(spec)': expected \(name) or \(name):RANGE with RANGE in kcal/mol")
        }
        return (try Landscape.composed(composed, design: design, range: range, seed: seed, origin: spec), nil)
    }
    if spec.hasPrefix("normal:") {
        guard let range = Double(spec.dropFirst("normal:".count)) else {
            throw BETSeqError(.invalidOption, file: "--landscape", "'\(spec)': expected normal:RANGE with RANGE in kcal/mol")
        }
        return (try Landscape.normal(range: range, length: length, seed: seed, origin: spec), nil)
    }
    let builtin = spec.hasPrefix("motif:") ? BuiltinMotifs.jaspar[spec.dropFirst("motif:".count).lowercased()] : nil
    if spec.hasPrefix("motif:") && builtin == nil {
        throw BETSeqError(.invalidOption, file: "--landscape",
                         "'\(spec)': built-in motifs are \(BuiltinMotifs.jaspar.keys.sorted().map { "motif:" + $0 }.joined(separator: ", "))")
    }
    let data: Data
    if let builtin {
        data = Data(builtin.utf8)
    } else {
        do {
            data = Data(try readAllBytes(path: spec))
        } catch let e as BETSeqError where e.kind == .cannotOpen {
            throw BETSeqError(.cannotOpen, file: spec,
                              "cannot read the landscape file (\(e.message); expected normal:RANGE, motif:cbf1, motif:pho4, an energy-model JSON or a JASPAR/MEME motif)")
        }
    }
    if builtin == nil && (data.contains(0) || String(data: data, encoding: .utf8) == nil) {
        throw BETSeqError(.unknownFormat, file: spec, "binary data; a landscape file is an energy-model JSON or matrix, a neural model or a JASPAR/MEME motif (text)")
    }
    if builtin == nil && isModelFile(data) {
        // Networks are evaluated in float32, so a landscape does not depend on the CPU.
        return (try Landscape.model(readModelFile(path: spec).model, length: length, origin: spec), nil)
    }
    let motifs = try PositionFrequencyMatrix.parse(String(decoding: data, as: UTF8.self), file: spec)
    let motif: PositionFrequencyMatrix
    if let motifID {
        guard let m = motifs.first(where: { $0.id == motifID || $0.name == motifID }) else {
            throw BETSeqError(.invalidOption, file: spec,
                             "no motif '\(motifID)'; the file has \(motifs.map(\.id).joined(separator: ", "))")
        }
        motif = m
    } else {
        guard motifs.count == 1, let m = motifs.first else {
            throw BETSeqError(.invalidOption, file: spec,
                             "\(motifs.count) motifs (\(motifs.map(\.id).joined(separator: ", "))); choose one with --motif-id")
        }
        motif = m
    }
    let (model, placement) = try energyModel(motif: motif, design: design, rt: rt)
    return (try Landscape.model(model, length: length, origin: "\(spec) (\(motif.id))"), placement)
}
