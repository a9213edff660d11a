import Foundation
import IO
import Sequence
import Affinity

/// Built-in landscapes that show the paper's contrast between Pho4 (nearly additive) and Cbf1
/// (nearest-neighbour and gapped couplings), in the way `../shared/peers/make_dataset.py` builds
/// its `pho4like` and `cbf1like` truths.
///
/// ΔΔG is a sum of four components, each a pure ANOVA term over the full uniform library (every
/// table centred along each of its axes, so the components are orthogonal):
/// - mono: a random position × base matrix, weighted by exp(−d/decay) where d is the position's
///   distance (in variable bases) from the core, and made mostly reverse-complement symmetric
///   (position i, base b ↔ position L−1−i, base 3−b, weight `symmetry`), as for a palindromic E-box;
/// - nn: a random 4×4 table for each pair of variable bases adjacent in the molecule, weighted by
///   the nearer base's exp(−d/decay);
/// - gapped: 4×4 tables for pairs across or near the core (not adjacent);
/// - triple: 4×4×4 tables for triples at the core (no pairwise model can explain these).
/// Each component is scaled so that it holds its fraction of the total variance σ² (σ = range/6).
/// Because the components are orthogonal, those fractions are exactly the R² ceilings of the
/// linear models: mono R² = mono, nearest-neighbour R² = mono + nn, all-dinucleotide R² = mono +
/// nn + gapped.
///   pho4like: mono 0.93, nn 0.05, gapped 0.015, triple 0.005 (decay 1.2)
///   cbf1like: mono 0.70, nn 0.23, gapped 0.06, triple 0.01 (decay 1.6)
public struct ComposedLandscapeSpec: Sendable {
    public var mono: Double, nn: Double, gapped: Double, triple: Double
    public var decay: Double
    public var symmetry = 0.8
    /// Gapped pairs and triples as offsets from c, the last variable base before the core.
    public var gappedPairs: [(Int, Int)]
    public var triples: [(Int, Int, Int)]

    public static let pho4like = ComposedLandscapeSpec(mono: 0.93, nn: 0.05, gapped: 0.015, triple: 0.005, decay: 1.2,
                                                       gappedPairs: [(0, 1), (-1, 2)], triples: [(-1, 0, 1)])
    public static let cbf1like = ComposedLandscapeSpec(mono: 0.70, nn: 0.23, gapped: 0.06, triple: 0.01, decay: 1.6,
                                                       gappedPairs: [(0, 1), (-1, 2), (-2, 0), (1, 3), (-1, 1)],
                                                       triples: [(-1, 0, 1), (0, 1, 2)])
    public static let builtin: [String: ComposedLandscapeSpec] = ["pho4like": pho4like, "cbf1like": cbf1like]
}

extension Landscape {
    /// A composed landscape (see `ComposedLandscapeSpec`) over a design's variable bases, with total
    /// standard deviation range/6 kcal/mol.
    public static func composed(_ spec: ComposedLandscapeSpec, design: DesignTemplate, range: Double, seed: UInt64,
                                origin: String) throws -> Landscape {
        let length = design.variableLength
        try checkLength(length)
        guard range.isFinite, range > 0, range <= 100 else {
            throw BETSeqError(.invalidOption, file: "landscape", "\(origin): a range from 0 to 100 kcal/mol is needed, got \(range)")
        }
        let rng = RandomSource(seed: seed, stream: Streams.landscape)
        let n = 1 << (2 * length)
        func base(_ key: Int, _ position: Int) -> Int { (key >> (2 * (length - 1 - position))) & 3 }
        // Distance of each variable base from the core: the first gap in the design's variable offsets.
        let offsets = design.variableOffsets
        let core = (0..<max(0, length - 1)).first { offsets[$0 + 1] - offsets[$0] > 1 }
        let c = core ?? (length - 1) / 2
        let distance = (0..<length).map { i in Double(core == nil ? 0 : (i <= c ? c - i : i - c - 1)) }
        let weight = distance.map { exp(-$0 / spec.decay) }

        func centred(_ table: [Double], axes: Int) -> [Double] {
            var t = table
            for axis in 0..<axes {
                let stride = 1 << (2 * (axes - 1 - axis))
                for start in 0..<t.count where (start / stride) % 4 == 0 {
                    let idx = (0..<4).map { start + $0 * stride }
                    let mean = idx.reduce(0) { $0 + t[$1] } / 4
                    for i in idx { t[i] -= mean }
                }
            }
            return t
        }
        func table(_ axes: Int, scale: Double) -> [Double] {
            centred((0..<(1 << (2 * axes))).map { _ in rng.gaussian(sigma: 1) * scale }, axes: axes)
        }

        var mono = (0..<length).map { p in table(1, scale: weight[p]) }
        let a = spec.symmetry
        mono = (0..<length).map { p in (0..<4).map { b in a * 0.5 * (mono[p][b] + mono[length - 1 - p][3 - b]) + (1 - a) * mono[p][b] } }
        let nnPairs = FeatureLayout(set: .nn, design: design).pairs
        let nnTables = nnPairs.map { i, j in table(2, scale: exp(-min(distance[i], distance[j]) / spec.decay)) }
        let nnSet = Set(nnPairs.map { $0.0 * 64 + $0.1 })
        let gapped = spec.gappedPairs.map { (c + $0.0, c + $0.1) }
            .filter { $0.0 >= 0 && $0.1 < length && $0.0 < $0.1 && !nnSet.contains($0.0 * 64 + $0.1) }
        let gappedTables = gapped.map { _ in table(2, scale: 1) }
        let triples = spec.triples.map { (c + $0.0, c + $0.1, c + $0.2) }.filter { $0.0 >= 0 && $0.2 < length && $0.0 < $0.1 && $0.1 < $0.2 }
        let tripleTables = triples.map { _ in table(3, scale: 1) }

        var components = [[Double]](repeating: [Double](repeating: 0, count: n), count: 4)
        for key in 0..<n {
            var m = 0.0
            for p in 0..<length { m += mono[p][base(key, p)] }
            components[0][key] = m
            var v = 0.0
            for ((i, j), t) in zip(nnPairs, nnTables) { v += t[base(key, i) * 4 + base(key, j)] }
            components[1][key] = v
            v = 0
            for ((i, j), t) in zip(gapped, gappedTables) { v += t[base(key, i) * 4 + base(key, j)] }
            components[2][key] = v
            v = 0
            for ((i, j, k), t) in zip(triples, tripleTables) { v += t[(base(key, i) * 4 + base(key, j)) * 4 + base(key, k)] }
            components[3][key] = v
        }
        let sigma = range / 6
        var ddg = [Double](repeating: 0, count: n)
        for (component, fraction) in zip(components, [spec.mono, spec.nn, spec.gapped, spec.triple]) {
            let variance = component.reduce(0) { $0 + $1 * $1 } / Double(n)
            guard fraction > 0, variance > 0 else { continue }
            let s = (fraction * sigma * sigma / variance).squareRoot()
            for i in 0..<n { ddg[i] += s * component[i] }
        }
        return Landscape(length: length, ddg: ddg, origin: origin)
    }
}
