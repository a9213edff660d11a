import Foundation
import Learn

// Static SVG charts for the HTML report. Every function returns a complete <svg> document whose
// numbers are fixed-precision, so the same data gives the same bytes.

/// A linear map from the data interval lo...hi onto the pixel interval a...b.
struct Scale {
    let lo: Double, hi: Double, a: Double, b: Double
    func callAsFunction(_ v: Double) -> Double { hi > lo ? a + (v - lo) / (hi - lo) * (b - a) : (a + b) / 2 }
}

/// About `count` round tick values (1, 2 or 5 × 10^k apart) inside lo...hi, and their spacing.
func niceTicks(_ lo: Double, _ hi: Double, count: Int = 5) -> (ticks: [Double], step: Double) {
    guard lo.isFinite, hi.isFinite, hi > lo else { return ([lo.isFinite ? lo : 0], 1) }
    let raw = (hi - lo) / Double(max(1, count))
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    // k·step rounded to the step's decimals, so that 3 × 0.2 prints and compares as 0.6.
    let scale = pow(10, max(0, -floor(log10(step))))
    let first = Int((lo / step - 1e-9).rounded(.up)), last = Int((hi / step + 1e-9).rounded(.down))
    let ticks = first <= last ? (first...last).map { (Double($0) * step * scale).rounded() / scale } : []
    return (ticks, step)
}

/// A tick value with as many decimals as its spacing needs.
func tickLabel(_ v: Double, step: Double) -> String {
    let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
    return String(format: "%.\(decimals)f", v)
}

/// Axis lines, grid, ticks and labels of a plot area; returns the scales.
struct PlotArea {
    let left: Double, top: Double, width: Double, height: Double
    let x: Scale, y: Scale

    init(left: Double, top: Double, width: Double, height: Double, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.left = left; self.top = top; self.width = width; self.height = height
        self.x = Scale(lo: x.lowerBound, hi: x.upperBound, a: left, b: left + width)
        self.y = Scale(lo: y.lowerBound, hi: y.upperBound, a: top + height, b: top)
    }

    func drawAxes(_ svg: inout SVGCanvas, xLabel: String, yLabel: String, xTicks: Bool = true, grid: Bool = true) {
        let (yt, ys) = niceTicks(y.lo, y.hi)
        for t in yt {
            if grid { svg.line(x1: left, y1: y(t), x2: left + width, y2: y(t), stroke: "#e6e6e6") }
            svg.text(tickLabel(t, step: ys), x: left - 6, y: y(t) + 4, size: 11, anchor: "end")
        }
        if xTicks {
            let (xt, xs) = niceTicks(x.lo, x.hi)
            for t in xt {
                if grid { svg.line(x1: x(t), y1: top, x2: x(t), y2: top + height, stroke: "#e6e6e6") }
                svg.text(tickLabel(t, step: xs), x: x(t), y: top + height + 16, size: 11, anchor: "middle")
            }
        }
        svg.line(x1: left, y1: top + height, x2: left + width, y2: top + height, stroke: "black")
        svg.line(x1: left, y1: top, x2: left, y2: top + height, stroke: "black")
        svg.text(xLabel, x: left + width / 2, y: top + height + 38, size: 12, anchor: "middle")
        svg.text(yLabel, x: left - 46, y: top + height / 2, size: 12, anchor: "middle", rotate: -90)
    }
}

// MARK: Colour

/// Viridis (perceptually uniform, colour-blind safe) at t in [0, 1], interpolated between 9 anchors.
public func viridis(_ t: Double) -> String {
    let anchors: [(Double, Double, Double)] = [
        (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (110, 206, 88), (253, 231, 37),
    ]
    return interpolate(anchors, t)
}

/// Blue (t = −1, favourable ΔΔG) through white (0) to red (+1).
public func diverging(_ t: Double) -> String {
    let anchors: [(Double, Double, Double)] = [
        (33, 102, 172), (103, 169, 207), (209, 229, 240), (247, 247, 247), (253, 219, 199), (239, 138, 98), (178, 24, 43),
    ]
    return interpolate(anchors, (t + 1) / 2)
}

private func interpolate(_ anchors: [(Double, Double, Double)], _ t: Double) -> String {
    let c = t.isFinite ? min(max(t, 0), 1) : 0
    let f = c * Double(anchors.count - 1)
    let i = min(Int(f), anchors.count - 2)
    let w = f - Double(i)
    let a = anchors[i], b = anchors[i + 1]
    func mix(_ u: Double, _ v: Double) -> Int { Int((u + (v - u) * w).rounded()) }
    return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The conventional nucleotide colours (A green, C blue, G amber, T red).
public let baseColors = ["#109648", "#255c99", "#e8a317", "#d62839"]

// MARK: Bars and histograms

/// One series of a bar chart.
public struct BarSeries: Sendable {
    public var name: String
    public var color: String
    public var values: [Double]
    public init(name: String, color: String, values: [Double]) {
        self.name = name; self.color = color; self.values = values
    }
}

/// Grouped bars over categories, with an optional line (e.g. a cumulative total) drawn over them.
/// `logY` draws bars on a log10 axis (values ≤ 0 are not drawn).
public func barChart(title: String, yLabel: String, categories: [String], series: [BarSeries], line: BarSeries? = nil,
                     yRange: ClosedRange<Double>? = nil, logY: Bool = false, width: Double = 560, height: Double = 340) -> String {
    var svg = SVGCanvas(width: width, height: height)
    svg.rect(x: 0, y: 0, width: width, height: height, fill: "white")
    svg.text(title, x: width / 2, y: 18, size: 14, anchor: "middle")
    let all = (series + (line.map { [$0] } ?? [])).flatMap(\.values).filter(\.isFinite)
    func transform(_ v: Double) -> Double { logY ? (v > 0 ? log10(v) : -.infinity) : v }
    let range: ClosedRange<Double>
    if let yRange {
        range = yRange
    } else if logY {
        let logs = all.filter { $0 > 0 }.map(log10)
        range = floor(logs.min() ?? 0)...max(ceil(logs.max() ?? 1), floor(logs.min() ?? 0) + 1)
    } else {
        range = min(0, all.min() ?? 0)...max(all.max() ?? 1, 1e-12) * 1.05
    }
    let legendRows = series.count + (line == nil ? 0 : 1)
    let area = PlotArea(left: 70, top: 34, width: width - 90, height: height - 34 - 62 - (legendRows > 1 ? 16 : 0),
                        x: 0...Double(max(1, categories.count)), y: range)
    area.drawAxes(&svg, xLabel: "", yLabel: logY ? "\(yLabel) (log10)" : yLabel, xTicks: false)
    let slot = area.width / Double(max(1, categories.count))
    let barWidth = slot * 0.8 / Double(max(1, series.count))
    for (c, name) in categories.enumerated() {
        svg.text(name, x: area.left + slot * (Double(c) + 0.5), y: area.top + area.height + 16, size: 11, anchor: "middle")
        for (s, bar) in series.enumerated() where c < bar.values.count {
            let v = transform(bar.values[c])
            guard v.isFinite else { continue }
            let base = area.y(max(range.lowerBound, min(0, range.upperBound))), top = area.y(min(max(v, range.lowerBound), range.upperBound))
            svg.rect(x: area.left + slot * Double(c) + slot * 0.1 + barWidth * Double(s), y: min(base, top),
                     width: barWidth, height: abs(base - top), fill: bar.color)
        }
    }
    if let line {
        let points = line.values.enumerated().compactMap { c, v -> (Double, Double)? in
            let t = transform(v)
            return t.isFinite ? (area.left + slot * (Double(c) + 0.5), area.y(min(max(t, range.lowerBound), range.upperBound))) : nil
        }
        if points.count >= 2 { svg.polyline(points, stroke: line.color, width: 2) }
        for p in points { svg.circle(cx: p.0, cy: p.1, r: 4, fill: line.color) }
    }
    // Legend in one row under the axis.
    var x = area.left
    let y = height - 12
    for s in series + (line.map { [$0] } ?? []) where legendRows > 1 || line != nil {
        svg.rect(x: x, y: y - 9, width: 12, height: 10, fill: s.color)
        svg.text(s.name, x: x + 16, y: y, size: 11)
        x += 28 + Double(s.name.count) * 6.5
    }
    return svg.document
}

/// A histogram of precomputed bins (`edges` has one more entry than `counts`).
public func histogramChart(title: String, xLabel: String, yLabel: String, edges: [Double], counts: [Double],
                           color: String = "#3b6ea5", width: Double = 560, height: Double = 340) -> String {
    var svg = SVGCanvas(width: width, height: height)
    svg.rect(x: 0, y: 0, width: width, height: height, fill: "white")
    svg.text(title, x: width / 2, y: 18, size: 14, anchor: "middle")
    let lo = edges.first ?? 0, hi = edges.last ?? 1
    let area = PlotArea(left: 70, top: 34, width: width - 90, height: height - 34 - 56,
                        x: lo...max(hi, lo + 1e-9), y: 0...max(1, (counts.max() ?? 1) * 1.05))
    area.drawAxes(&svg, xLabel: xLabel, yLabel: yLabel)
    for (i, c) in counts.enumerated() where c > 0 && i + 1 < edges.count {
        let x0 = area.x(edges[i]), x1 = area.x(edges[i + 1])
        svg.rect(x: x0, y: area.y(c), width: max(0.5, x1 - x0 - 0.5), height: area.y(0) - area.y(c), fill: color)
    }
    return svg.document
}

// MARK: Density scatter

/// Hexagonal-bin density of many (x, y) points, coloured by log10 of the count per hexagon, with the
/// y = x diagonal. Both axes share one range so that the diagonal is the identity.
public func hexbinChart(title: String, xLabel: String, yLabel: String, x: [Double], y: [Double],
                        radius: Double = 5, size: Double = 318) -> String {
    let legend = 66.0, margin = 66.0
    var svg = SVGCanvas(width: size + legend, height: size)
    svg.rect(x: 0, y: 0, width: size + legend, height: size, fill: "white")
    svg.text(title, x: margin + (size - margin - 16) / 2, y: 18, size: 14, anchor: "middle")
    let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
    let values = pairs.flatMap { [$0.0, $0.1] }
    var lo = values.min() ?? 0, hi = values.max() ?? 1
    if hi <= lo { lo -= 0.5; hi += 0.5 }
    let pad = (hi - lo) * 0.03
    let area = PlotArea(left: margin, top: 30, width: size - margin - 16, height: size - 30 - 54,
                        x: (lo - pad)...(hi + pad), y: (lo - pad)...(hi + pad))
    area.drawAxes(&svg, xLabel: xLabel, yLabel: yLabel, grid: false)
    var bins: [HexCell: Int] = [:]
    for (u, v) in pairs { bins[HexCell(x: area.x(u) - area.left, y: area.y(v) - area.top, radius: radius), default: 0] += 1 }
    let maxLog = log10(Double(bins.values.max() ?? 1))
    for hex in bins.keys.sorted() {
        guard let count = bins[hex] else { continue }
        let centre = hex.centre(radius: radius)
        let cx = area.left + centre.x, cy = area.top + centre.y
        let corners = (0..<6).map { k -> (Double, Double) in
            let a = Double.pi / 3 * Double(k) + Double.pi / 6
            return (cx + radius * cos(a), cy + radius * sin(a))
        }
        svg.polygon(corners, fill: viridis(maxLog > 0 ? log10(Double(count)) / maxLog : 1))
    }
    svg.line(x1: area.x(lo - pad), y1: area.y(lo - pad), x2: area.x(hi + pad), y2: area.y(hi + pad), stroke: "#c0392b", width: 1)
    colorBar(&svg, x: size + 8, y: area.top, height: area.height, label: "log10 count", range: 0...max(maxLog, 1e-9), colour: viridis)
    return svg.document
}

/// A pointy-top hexagon of a hexagonal tiling with circumradius `radius`. The centres form two
/// interleaved rectangular lattices (spacing √3·r by 3·r, the second shifted by half of each); the
/// cell of a point is the nearer of its nearest centres in the two, i.e. its Voronoi cell.
struct HexCell: Hashable, Comparable {
    var row: Int, column: Int, shifted: Bool

    init(row: Int, column: Int, shifted: Bool) { self.row = row; self.column = column; self.shifted = shifted }

    init(x: Double, y: Double, radius: Double) {
        let dx = 3.0.squareRoot() * radius, dy = 3 * radius
        let c1 = (x / dx).rounded(), r1 = (y / dy).rounded()
        let c2 = ((x - dx / 2) / dx).rounded(), r2 = ((y - dy / 2) / dy).rounded()
        let d1 = pow(x - c1 * dx, 2) + pow(y - r1 * dy, 2)
        let d2 = pow(x - (c2 + 0.5) * dx, 2) + pow(y - (r2 + 0.5) * dy, 2)
        self = d1 <= d2 ? HexCell(row: Int(r1), column: Int(c1), shifted: false) : HexCell(row: Int(r2), column: Int(c2), shifted: true)
    }

    func centre(radius: Double) -> (x: Double, y: Double) {
        let s = shifted ? 0.5 : 0
        return ((Double(column) + s) * 3.0.squareRoot() * radius, (Double(row) + s) * 3 * radius)
    }

    static func < (a: HexCell, b: HexCell) -> Bool {
        (a.row, a.column, a.shifted ? 1 : 0) < (b.row, b.column, b.shifted ? 1 : 0)
    }
}

/// A vertical colour bar with ticks, `colour` mapping [0, 1] (or [−1, 1] when the range straddles 0).
func colorBar(_ svg: inout SVGCanvas, x: Double, y: Double, height: Double, label: String, range: ClosedRange<Double>,
              colour: (Double) -> String, symmetric: Bool = false) {
    let steps = 48
    for k in 0..<steps {
        let t = (Double(k) + 0.5) / Double(steps)
        svg.rect(x: x, y: y + height * (1 - Double(k + 1) / Double(steps)), width: 12, height: height / Double(steps) + 0.3,
                 fill: colour(symmetric ? 2 * t - 1 : t))
    }
    let scale = Scale(lo: range.lowerBound, hi: range.upperBound, a: y + height, b: y)
    let (ticks, step) = niceTicks(range.lowerBound, range.upperBound, count: 4)
    for t in ticks {
        svg.line(x1: x + 12, y1: scale(t), x2: x + 15, y2: scale(t), stroke: "black")
        svg.text(tickLabel(t, step: step), x: x + 17, y: scale(t) + 4, size: 10)
    }
    svg.text(label, x: x, y: y - 8, size: 10)
}

// MARK: Sequence logo and interaction map

/// Outlines of A, C, G and T in a unit box (x right, y down), each a list of closed polygons; holes
/// are drawn with the even-odd rule.
private let glyphs: [[[(Double, Double)]]] = {
    func ring(from: Double, to: Double) -> [(Double, Double)] {
        let outer = stride(from: from, through: to, by: 7.5).map { ($0, 0.5, 0.5) }
        let inner = stride(from: to, through: from, by: -7.5).map { ($0, 0.29, 0.31) }
        return (outer + inner).map { a, rx, ry in (0.5 + rx * cos(a * .pi / 180), 0.5 - ry * sin(a * .pi / 180)) }
    }
    let a: [[(Double, Double)]] = [
        [(0, 1), (0.38, 0), (0.62, 0), (1, 1), (0.77, 1), (0.67, 0.72), (0.33, 0.72), (0.23, 1)],
        [(0.39, 0.54), (0.5, 0.22), (0.61, 0.54)],
    ]
    let c = [ring(from: 45, to: 315)]
    let g = [ring(from: 45, to: 360), [(0.52, 0.46), (1, 0.46), (1, 0.62), (0.52, 0.62)]]
    let t: [[(Double, Double)]] = [[(0, 0), (1, 0), (1, 0.2), (0.6, 0.2), (0.6, 1), (0.4, 1), (0.4, 0.2), (0, 0.2)]]
    return [a, c, g, t]
}()

private func glyphPath(_ base: Int, x: Double, y: Double, width: Double, height: Double) -> String {
    glyphs[base].map { polygon in
        "M" + polygon.map { "\(fmt(x + $0.0 * width)),\(fmt(y + $0.1 * height))" }.joined(separator: "L") + "Z"
    }.joined()
}

/// An energy logo: at each position the four bases' ΔΔG relative to the position mean, favourable
/// (negative) bases stacked above the axis and unfavourable ones below, letter height ∝ |ΔΔG|.
/// `matrix[p]` holds A, C, G, T in kcal/mol.
public func energyLogo(title: String, matrix: [[Double]], positionLabels: [String], width: Double = 560, height: Double = 300) -> String {
    var svg = SVGCanvas(width: width, height: height)
    svg.rect(x: 0, y: 0, width: width, height: height, fill: "white")
    svg.text(title, x: width / 2, y: 18, size: 14, anchor: "middle")
    let centred = matrix.map { row -> [Double] in
        var r = row
        centre(&r)
        return r
    }
    let up = centred.map { $0.filter { $0 < 0 }.reduce(0, -) }, down = centred.map { $0.filter { $0 > 0 }.reduce(0, +) }
    let extent = max(up.max() ?? 0, down.max() ?? 0, 1e-6) * 1.05
    let area = PlotArea(left: 70, top: 34, width: width - 90, height: height - 34 - 50,
                        x: 0...Double(max(1, matrix.count)), y: -extent...extent)
    area.drawAxes(&svg, xLabel: "position", yLabel: "−ΔΔG up / +ΔΔG down (kcal/mol)", xTicks: false, grid: false)
    svg.line(x1: area.left, y1: area.y(0), x2: area.left + area.width, y2: area.y(0), stroke: "#888")
    let slot = area.width / Double(max(1, matrix.count))
    for (p, row) in centred.enumerated() {
        let x = area.left + slot * Double(p) + slot * 0.06, w = slot * 0.88
        // Above: the most favourable base on top; below: the most unfavourable at the bottom.
        var top = area.y(0)
        for b in row.indices.filter({ row[$0] < 0 }).sorted(by: { row[$0] > row[$1] }) {
            let h = area.y(0) - area.y(-row[b])
            svg.path(glyphPath(b, x: x, y: top - h, width: w, height: h), fill: baseColors[b])
            top -= h
        }
        var bottom = area.y(0)
        for b in row.indices.filter({ row[$0] > 0 }).sorted(by: { row[$0] < row[$1] }) {
            let h = area.y(-row[b]) - area.y(0)
            svg.path(glyphPath(b, x: x, y: bottom, width: w, height: h), fill: baseColors[b])
            bottom += h
        }
        if p < positionLabels.count {
            svg.text(positionLabels[p], x: x + w / 2, y: area.top + area.height + 16, size: 11, anchor: "middle")
        }
    }
    return svg.document
}

/// Pairwise interaction map: the upper triangle of a positions × positions grid whose (i, j) block
/// is 4 × 4 (rows: base at i; columns: base at j), coloured by the interaction in kcal/mol.
/// `blocks[(i, j)]` holds 16 values, A–T at i by A–T at j; missing pairs are left grey.
public func interactionMap(title: String, length: Int, blocks: [Int: [Double]], positionLabels: [String], size: Double = 520) -> String {
    let legend = 80.0
    var svg = SVGCanvas(width: size + legend, height: size)
    svg.rect(x: 0, y: 0, width: size + legend, height: size, fill: "white")
    svg.text(title, x: size / 2, y: 18, size: 14, anchor: "middle")
    let left = 44.0, top = 52.0
    let block = (size - left - 12) / Double(max(1, length))
    let extent = max(blocks.values.flatMap { $0 }.filter(\.isFinite).map(abs).max() ?? 0, 1e-6)
    for i in 0..<length {
        if i < positionLabels.count {
            svg.text(positionLabels[i], x: left + block * (Double(i) + 0.5), y: top - 22, size: 11, anchor: "middle")
            svg.text(positionLabels[i], x: left - 22, y: top + block * (Double(i) + 0.5) + 4, size: 11, anchor: "middle")
        }
        for j in (i + 1)..<max(i + 1, length) {
            let x0 = left + block * Double(j), y0 = top + block * Double(i)
            guard let values = blocks[i * length + j], values.count == 16 else {
                svg.rect(x: x0 + 1.5, y: y0 + 1.5, width: block - 3, height: block - 3, fill: "#eeeeee")
                continue
            }
            // A white gutter between blocks keeps the position pairs apart.
            let inner = (block - 3) / 4
            for a in 0..<4 {
                for b in 0..<4 {
                    svg.rect(x: x0 + 1.5 + inner * Double(b), y: y0 + 1.5 + inner * Double(a), width: inner + 0.2, height: inner + 0.2,
                             fill: diverging(values[4 * a + b] / extent))
                }
            }
        }
    }
    svg.text("in each block, rows: A C G T at the row position; columns: A C G T at the column position", x: left, y: size - 8, size: 10)
    colorBar(&svg, x: size + 8, y: top, height: size - top - 40, label: "kcal/mol", range: -extent...extent,
             colour: diverging, symmetric: true)
    return svg.document
}
