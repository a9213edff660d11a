/// A uniform cell grid over points, for finding every pair closer than a cutoff in time linear in
/// the number of points (cells of the cutoff's size; each point is compared with the 27 cells
/// around it). Points are bucketed once by counting sort, so a query allocates nothing.
public struct NeighborGrid: Sendable {
    public let points: [SIMD3<Float>]
    public let cell: Float
    private let origin: SIMD3<Float>
    private let dims: SIMD3<Int32>
    /// Point indices ordered by cell, and where each cell's run starts.
    private let order: [Int32]
    private let starts: [Int32]

    /// `cell` should be at least the largest cutoff the grid will be asked about.
    public init(points: [SIMD3<Float>], cell: Float) {
        self.points = points
        self.cell = max(cell, 1e-3)
        var lo = SIMD3<Float>(repeating: 0), hi = SIMD3<Float>(repeating: 0)
        if let first = points.first {
            lo = first; hi = first
            for p in points { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        }
        origin = lo
        let extent = (hi - lo) / self.cell
        // Cap the cell count for pathological spreads; the grid then just has fuller cells.
        var d = SIMD3<Int32>(Self.clamped(extent.x, 1024) + 1, Self.clamped(extent.y, 1024) + 1, Self.clamped(extent.z, 1024) + 1)
        while Int(d.x) * Int(d.y) * Int(d.z) > 8 * max(points.count, 1) + 64 {
            d = SIMD3(max(1, (d.x + 1) / 2), max(1, (d.y + 1) / 2), max(1, (d.z + 1) / 2))
        }
        dims = d
        let cellCount = Int(d.x) * Int(d.y) * Int(d.z)
        var counts = [Int32](repeating: 0, count: cellCount + 1)
        var cellOf = [Int32](repeating: 0, count: points.count)
        let scale = SIMD3<Float>(Float(d.x), Float(d.y), Float(d.z)) / pointwiseMax(extent + 1, SIMD3(repeating: 1))
        for (i, p) in points.enumerated() {
            let c = NeighborGrid.cellIndex(p, origin: lo, cell: self.cell, scale: scale, dims: d)
            cellOf[i] = Int32(c)
            counts[c + 1] += 1
        }
        for c in 0..<cellCount { counts[c + 1] += counts[c] }
        var fill = counts
        var order = [Int32](repeating: 0, count: points.count)
        for i in points.indices {
            let c = Int(cellOf[i])
            order[Int(fill[c])] = Int32(i)
            fill[c] += 1
        }
        self.order = order
        self.starts = counts
        self.scale = scale
    }

    private let scale: SIMD3<Float>

    private static func cellIndex(_ p: SIMD3<Float>, origin: SIMD3<Float>, cell: Float, scale: SIMD3<Float>, dims: SIMD3<Int32>) -> Int {
        let q = (p - origin) / cell * scale
        let x = clamped(q.x, dims.x), y = clamped(q.y, dims.y), z = clamped(q.z, dims.z)
        return (Int(x) * Int(dims.y) + Int(y)) * Int(dims.z) + Int(z)
    }

    /// A cell coordinate in 0..<n, clamped before conversion so that no value (NaN, infinite or
    /// beyond Int32 from an extreme spread of points) can trap.
    @inline(__always)
    private static func clamped(_ v: Float, _ n: Int32) -> Int32 {
        guard v > 0 else { return 0 }  // also NaN
        return v >= Float(n - 1) ? n - 1 : Int32(v)
    }

    private func cellCoordinates(_ p: SIMD3<Float>) -> SIMD3<Int32> {
        let q = (p - origin) / cell * scale
        return SIMD3(Self.clamped(q.x, dims.x), Self.clamped(q.y, dims.y), Self.clamped(q.z, dims.z))
    }

    /// Calls `body(j, d²)` for every point j within `cutoff` of `p` (cutoff ≤ cell).
    public func forEachNeighbor(of p: SIMD3<Float>, within cutoff: Float, _ body: (Int, Float) -> Void) {
        guard !points.isEmpty else { return }
        let c = cellCoordinates(p)
        let r2 = cutoff * cutoff
        for x in max(0, c.x - 1)...min(dims.x - 1, c.x + 1) {
            for y in max(0, c.y - 1)...min(dims.y - 1, c.y + 1) {
                for z in max(0, c.z - 1)...min(dims.z - 1, c.z + 1) {
                    let cellIndex = (Int(x) * Int(dims.y) + Int(y)) * Int(dims.z) + Int(z)
                    for k in Int(starts[cellIndex])..<Int(starts[cellIndex + 1]) {
                        let j = Int(order[k])
                        let d = points[j] - p
                        let d2 = (d * d).sum()
                        if d2 <= r2 { body(j, d2) }
                    }
                }
            }
        }
    }

    /// Calls `body(i, j, d²)` once for every unordered pair i < j within `cutoff` (cutoff ≤ cell).
    public func forEachPair(within cutoff: Float, _ body: (Int, Int, Float) -> Void) {
        for i in points.indices {
            forEachNeighbor(of: points[i], within: cutoff) { j, d2 in
                if j > i { body(i, j, d2) }
            }
        }
    }
}
