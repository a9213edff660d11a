import Foundation
import Learn
import IO
import Sequence

/// Options of a linear ΔΔG fit.
public struct LinearFitOptions: Sendable {
    public var coding = Coding.reference(base: 0)
    /// Ridge penalty λ·Σβ² on every coefficient but the intercept, added to the weighted sum of
    /// squared residuals (so λ is in units of weight; it depends on the coding).
    public var ridge = 0.0
    public init() {}
}

/// A fitted linear model: an energy model plus its parameters.
public struct LinearFit: Sendable {
    public let layout: FeatureLayout
    /// Tables in the requested coding; `model.landscape()` predicts every sequence.
    public let model: EnergyModel
    /// Parameter names and values (after the intercept: reference coding's free parameters, or
    /// every table entry for sum-to-zero coding).
    public let parameters: [(name: String, value: Double)]
    /// Groups of features that the data cannot separate (empty when the design has full rank).
    public let dependent: [[String]]
    /// "cholesky", or "eigen" when the normal equations were singular (minimum-norm solution).
    public let solver: String
    public let trainingRows: Int
    public let coding: Coding
    /// Wall seconds: aggregating rows, building and solving the normal equations.
    public let seconds: Double
}

/// Marginal sums of a weight array over the 4^L sequences, cached by the set of positions.
///
/// The normal equations of a one-hot model only need, for every two feature groups, the total
/// weight of each joint level combination, i.e. the marginal of the weights over the (at most four)
/// positions the two groups touch. Marginals over larger position sets are computed in one pass;
/// smaller ones are summed out of a cached superset.
final class Marginals {
    let length: Int
    let data: [Double]
    private var cache: [UInt32: (positions: [Int], values: [Double])] = [:]

    init(data: [Double], length: Int) {
        self.data = data
        self.length = length
    }

    static func mask(_ positions: [Int]) -> UInt32 { positions.reduce(0) { $0 | (1 << UInt32($1)) } }

    func marginal(_ positions: [Int]) -> [Double] {
        let m = Self.mask(positions)
        if let hit = cache[m] { return hit.values }
        // The smallest cached superset, if any; ties broken by mask, because Dictionary order differs
        // from run to run and another superset sums in another order (fits would differ at 1e-13).
        let superset = cache.filter { $0.key & m == m }.min { ($0.value.positions.count, $0.key) < ($1.value.positions.count, $1.key) }
        let values = superset.map { derive(positions, from: $0.value.positions, $0.value.values) } ?? direct(positions)
        cache[m] = (positions, values)
        return values
    }

    /// One pass over the 4^L array. The key splits into a 5' and a 3' half; each half maps to its
    /// contribution to the marginal cell through a small table.
    private func direct(_ positions: [Int]) -> [Double] {
        let k = positions.count
        let hiLen = length / 2, loLen = length - hiLen
        var hiTable = [Int](repeating: 0, count: 1 << (2 * hiLen))
        var loTable = [Int](repeating: 0, count: 1 << (2 * loLen))
        for (t, p) in positions.enumerated() {
            let cell = 2 * (k - 1 - t)
            if p < hiLen {
                let s = 2 * (hiLen - 1 - p)
                for h in hiTable.indices { hiTable[h] |= ((h >> s) & 3) << cell }
            } else {
                let s = 2 * (length - 1 - p)
                for l in loTable.indices { loTable[l] |= ((l >> s) & 3) << cell }
            }
        }
        var out = [Double](repeating: 0, count: 1 << (2 * k))
        data.withUnsafeBufferPointer { d in
            loTable.withUnsafeBufferPointer { lo in
                out.withUnsafeMutableBufferPointer { o in
                    for h in 0..<hiTable.count {
                        let base = hiTable[h], start = h << (2 * loLen)
                        for l in 0..<lo.count { o[base | lo[l]] += d[start + l] }
                    }
                }
            }
        }
        return out
    }

    private func derive(_ positions: [Int], from sup: [Int], _ values: [Double]) -> [Double] {
        let k = positions.count, ks = sup.count
        let shifts = positions.map { p in 2 * (ks - 1 - (sup.firstIndex(of: p) ?? 0)) }
        var out = [Double](repeating: 0, count: 1 << (2 * k))
        for v in 0..<values.count {
            var u = 0
            for s in shifts { u = u << 2 | ((v >> s) & 3) }
            out[u] += values[v]
        }
        return out
    }
}

/// Weighted normal equations in the full one-hot basis extended by an intercept (index 0):
/// G = Σ w·x·xᵀ and r = Σ w·y·x, from per-sequence sums of w and w·y.
func normalEquations(layout: FeatureLayout, weight: [Double], weightedTarget: [Double]) -> (gram: [Double], rhs: [Double]) {
    let groups = layout.groups
    let n = 1 + layout.oneHotCount
    var gram = [Double](repeating: 0, count: n * n)
    var rhs = [Double](repeating: 0, count: n)
    let w = Marginals(data: weight, length: layout.length)
    let wy = Marginals(data: weightedTarget, length: layout.length)
    var total = 0.0, totalY = 0.0
    for v in weight { total += v }
    for v in weightedTarget { totalY += v }
    gram[0] = total
    rhs[0] = totalY
    // Every pair of groups, largest position unions first so smaller marginals come from the cache.
    var jobs: [(g: Int, h: Int, union: [Int])] = []
    for g in groups.indices {
        for h in g..<groups.count { jobs.append((g, h, Array(Set(groups[g] + groups[h])).sorted())) }
    }
    jobs.sort { $0.union.count > $1.union.count }
    func level(_ cell: Int, _ group: [Int], in union: [Int]) -> Int {
        var l = 0
        for p in group {
            let t = union.firstIndex(of: p) ?? 0
            l = l << 2 | ((cell >> (2 * (union.count - 1 - t))) & 3)
        }
        return l
    }
    for job in jobs {
        let m = w.marginal(job.union)
        let og = 1 + layout.offset(group: job.g), oh = 1 + layout.offset(group: job.h)
        for cell in 0..<m.count where m[cell] != 0 {
            let a = og + level(cell, groups[job.g], in: job.union)
            let b = oh + level(cell, groups[job.h], in: job.union)
            gram[a * n + b] += m[cell]
            if a != b { gram[b * n + a] += m[cell] }
        }
    }
    for (g, positions) in groups.enumerated() {
        let m = w.marginal(positions), my = wy.marginal(positions)
        let o = 1 + layout.offset(group: g)
        for l in 0..<m.count {
            gram[o + l] = m[l]
            gram[(o + l) * n] = m[l]
            rhs[o + l] = my[l]
        }
    }
    return (gram, rhs)
}

/// The same normal equations accumulated row by row (for designs too large to enumerate): each
/// row adds w to the entries of its active one-hot columns.
func rowNormalEquations(layout: FeatureLayout, keys: [UInt64], target: [Double], weights: [Double],
                        rows: [Int]) -> (gram: [Double], rhs: [Double]) {
    let groups = layout.groups
    let n = 1 + layout.oneHotCount
    var gram = [Double](repeating: 0, count: n * n)
    var rhs = [Double](repeating: 0, count: n)
    var active = [Int](repeating: 0, count: groups.count + 1)
    let shifts = (0..<layout.length).map { UInt64(2 * (layout.length - 1 - $0)) }
    for i in rows {
        let key = keys[i], w = weights[i]
        active[0] = 0
        for (g, positions) in groups.enumerated() {
            var level = 0
            for p in positions { level = level << 2 | Int((key >> shifts[p]) & 3) }
            active[g + 1] = 1 + layout.offset(group: g) + level
        }
        for a in active {
            rhs[a] += w * target[i]
            for b in active where b >= a { gram[a * n + b] += w }
        }
    }
    for a in 0..<n { for b in 0..<a { gram[a * n + b] = gram[b * n + a] } }
    return (gram, rhs)
}

/// Fits a linear model by weighted least squares on the rows `rows` of the data (keys are 2-bit
/// sequences of `layout.length` bases; weights 1 for an unweighted fit).
///
/// The normal equations are built from marginals of the per-sequence weight sums (exact, any
/// number of rows; row by row for more than 12 variable bases), restricted to reference coding (full rank in general), factorised by Cholesky
/// (LAPACK), and re-expressed in the requested coding. When they are singular, the minimum-norm
/// solution comes from the eigen-decomposition and the null-space directions are reported as
/// groups of dependent features.
public func fitLinear(keys: [UInt64], target: [Double], weights: [Double], rows: [Int]? = nil,
                      layout: FeatureLayout, options: LinearFitOptions = .init()) throws -> LinearFit {
    guard layout.length >= 1, layout.length <= 32 else {
        throw BETSeqError(.invalidOption, file: "fit", "linear fits support 1 to 32 variable bases, not \(layout.length)")
    }
    guard options.ridge >= 0, options.ridge.isFinite else {
        throw BETSeqError(.invalidOption, file: "fit", "--ridge must be a finite number ≥ 0")
    }
    let clock = Date()
    let selected = rows ?? Array(keys.indices)
    let used = selected.count
    guard used > 0 else { throw BETSeqError(.invalidOption, file: "fit", "no rows to fit") }
    let gram: [Double], rhs: [Double]
    if layout.length <= 12 {
        // Per-sequence sums over the 4^L library, then marginals (cost independent of the rows).
        let species = 1 << (2 * layout.length)
        var w = [Double](repeating: 0, count: species)
        var wy = [Double](repeating: 0, count: species)
        for i in selected {
            w[Int(keys[i])] += weights[i]
            wy[Int(keys[i])] += weights[i] * target[i]
        }
        (gram, rhs) = normalEquations(layout: layout, weight: w, weightedTarget: wy)
    } else {
        (gram, rhs) = rowNormalEquations(layout: layout, keys: keys, target: target, weights: weights, rows: selected)
    }

    // Reference coding with base r: keep the intercept and the levels that avoid r.
    let r: Int
    if case .reference(let b) = options.coding { r = b } else { r = 0 }
    let free = layout.referenceParameters(base: r)
    let index = [0] + free.map { 1 + layout.offset(group: $0.group) + $0.level }
    let n = index.count, full = rhs.count
    var a = [Double](repeating: 0, count: n * n)
    var b = [Double](repeating: 0, count: n)
    for (p, ip) in index.enumerated() {
        b[p] = rhs[ip]
        for (q, iq) in index.enumerated() { a[p * n + q] = gram[ip * full + iq] }
        if p > 0 { a[p * n + p] += options.ridge }
    }
    let names = ["intercept"] + free.map { layout.name(group: $0.group, level: $0.level) }
    var beta: [Double]
    var dependent: [[String]] = []
    var solver = "cholesky"
    if let (x, ratio) = SymmetricSolver.choleskySolve(a, b, n: n), ratio > 1e-10 {
        beta = x
    } else {
        guard let (x, null) = SymmetricSolver.pseudoSolve(a, b, n: n) else {
            throw BETSeqError(.numerical, file: "fit", "the normal equations could not be solved")
        }
        beta = x
        solver = "eigen"
        for v in null {
            let top = v.map(abs).max() ?? 0
            dependent.append(v.indices.filter { abs(v[$0]) >= 0.2 * top }.map { names[$0] })
        }
    }
    guard beta.allSatisfy(\.isFinite) else {
        throw BETSeqError(.numerical, file: "fit", "the solution has non-finite coefficients (targets or weights too large?)")
    }
    // Full tables (reference entries zero), then the requested coding.
    var mono = [Double](repeating: 0, count: 4 * layout.length)
    var pairTables = [[Double]](repeating: [Double](repeating: 0, count: 16), count: layout.pairs.count)
    for (k, f) in free.enumerated() {
        if f.group < layout.length { mono[4 * f.group + f.level] = beta[k + 1] } else { pairTables[f.group - layout.length][f.level] = beta[k + 1] }
    }
    var model = EnergyModel(length: layout.length, intercept: beta[0], mono: mono,
                            pairs: zip(layout.pairs, pairTables).map { EnergyModel.Pair(i: $0.0.0, j: $0.0.1, ddg: $0.1) })
    var parameters = zip(names, beta).map { (name: $0, value: $1) }
    if options.coding == .sumToZero {
        model = sumToZero(model)
        parameters = [("intercept", model.intercept)]
        for g in 0..<(layout.length + layout.pairs.count) {
            let levels = g < layout.length ? 4 : 16
            for l in 0..<levels {
                let v = g < layout.length ? model.mono[4 * g + l] : model.pairs[g - layout.length].ddg[l]
                parameters.append((layout.name(group: g, level: l), v))
            }
        }
    }
    return LinearFit(layout: layout, model: model, parameters: parameters, dependent: dependent,
                     solver: solver, trainingRows: used, coding: options.coding,
                     seconds: Date().timeIntervalSince(clock))
}

/// The same function in effects (ANOVA) coding: each pair table loses its row and column means
/// (moved to the mono terms), each mono row its mean (moved to the intercept). Energies are
/// unchanged; the tables are then the main effects and interactions over a uniform library.
public func sumToZero(_ m: EnergyModel) -> EnergyModel {
    var out = m
    for (k, p) in m.pairs.enumerated() {
        var row = [Double](repeating: 0, count: 4), col = row
        var grand = 0.0
        for a in 0..<4 {
            for b in 0..<4 {
                row[a] += p.ddg[4 * a + b] / 4
                col[b] += p.ddg[4 * a + b] / 4
                grand += p.ddg[4 * a + b] / 16
            }
        }
        for a in 0..<4 { for b in 0..<4 { out.pairs[k].ddg[4 * a + b] = p.ddg[4 * a + b] - row[a] - col[b] + grand } }
        for a in 0..<4 { out.mono[4 * p.i + a] += row[a] - grand }
        for b in 0..<4 { out.mono[4 * p.j + b] += col[b] - grand }
        out.intercept += grand
    }
    for i in 0..<m.length {
        let mean = (0..<4).reduce(0.0) { $0 + out.mono[4 * i + $1] } / 4
        for b in 0..<4 { out.mono[4 * i + b] -= mean }
        out.intercept += mean
    }
    return out
}

