import Foundation

/// One line of a chart, with an optional shaded band (e.g. an interquartile range).
public struct ChartSeries: Sendable {
    public var name: String
    public var color: String
    public var points: [(x: Double, y: Double)]
    public var band: [(x: Double, low: Double, high: Double)]
    public var dashed: Bool

    public init(name: String, color: String, points: [(x: Double, y: Double)],
                band: [(x: Double, low: Double, high: Double)] = [], dashed: Bool = false) {
        self.name = name
        self.color = color
        self.points = points
        self.band = band
        self.dashed = dashed
    }
}

/// A line chart with a logarithmic x axis (decade ticks) and a linear y axis, as SVG. Points with a
/// non-finite or non-positive x, or a non-finite y, are skipped.
public func logXLineChart(title: String, xLabel: String, yLabel: String, series: [ChartSeries],
                          yRange: ClosedRange<Double> = 0...1, width: Double = 640, height: Double = 420) -> String {
    var svg = SVGCanvas(width: width, height: height)
    let left = 64.0, right = 160.0, top = 40.0, bottom = 56.0
    let plotW = width - left - right, plotH = height - top - bottom
    let xs = series.flatMap { $0.points.map(\.x) }.filter { $0.isFinite && $0 > 0 }
    let lo = floor(log10(xs.min() ?? 1)), hi = max(ceil(log10(xs.max() ?? 10)), lo + 1)
    func px(_ x: Double) -> Double { left + (log10(x) - lo) / (hi - lo) * plotW }
    func py(_ y: Double) -> Double {
        let c = min(max(y, yRange.lowerBound), yRange.upperBound)
        return top + (1 - (c - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)) * plotH
    }
    svg.rect(x: 0, y: 0, width: width, height: height, fill: "white")
    svg.text(title, x: left + plotW / 2, y: 18, size: 15, anchor: "middle")
    // Grid and ticks.
    for k in 0...4 {
        let y = yRange.lowerBound + Double(k) / 4 * (yRange.upperBound - yRange.lowerBound)
        svg.line(x1: left, y1: py(y), x2: left + plotW, y2: py(y), stroke: "#e0e0e0")
        svg.text(String(format: "%.2f", y), x: left - 8, y: py(y) + 4, size: 11, anchor: "end")
    }
    for e in Int(lo)...Int(hi) {
        let x = px(pow(10, Double(e)))
        svg.line(x1: x, y1: top, x2: x, y2: top + plotH, stroke: "#e0e0e0")
        let label = (-2...3).contains(e) ? String(format: e < 0 ? "%.\(-e)f" : "%.0f", pow(10, Double(e))) : "1e\(e)"
        svg.text(label, x: x, y: top + plotH + 18, size: 11, anchor: "middle")
    }
    svg.line(x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH, stroke: "black")
    svg.line(x1: left, y1: top, x2: left, y2: top + plotH, stroke: "black")
    svg.text(xLabel, x: left + plotW / 2, y: height - 14, size: 12, anchor: "middle")
    svg.text(yLabel, x: left, y: top - 8, size: 12, anchor: "start")
    // Data.
    for s in series {
        let band = s.band.filter { $0.x.isFinite && $0.x > 0 && $0.low.isFinite && $0.high.isFinite }
        if band.count >= 2 {
            svg.polygon(band.map { (px($0.x), py($0.high)) } + band.reversed().map { (px($0.x), py($0.low)) },
                        fill: s.color, opacity: 0.18)
        }
        let pts = s.points.filter { $0.x.isFinite && $0.x > 0 && $0.y.isFinite }.map { (px($0.x), py($0.y)) }
        if pts.count >= 2 { svg.polyline(pts, stroke: s.color, width: 2, dash: s.dashed ? "6 4" : nil) }
        for p in pts { svg.circle(cx: p.0, cy: p.1, r: 3, fill: s.color) }
    }
    // Legend.
    for (i, s) in series.enumerated() {
        let y = top + 12 + Double(i) * 20
        svg.line(x1: left + plotW + 14, y1: y, x2: left + plotW + 38, y2: y, stroke: s.color, width: 2)
        svg.text(s.name, x: left + plotW + 44, y: y + 4, size: 11)
    }
    return svg.document
}
