/// A minimal SVG builder: shapes and text appended in order, text escaped for XML, numbers written
/// with fixed precision so that output is byte-stable.
public struct SVGCanvas: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String) {
        body.append("<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" fill=\"\(escapeXML(fill))\"/>")
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1) {
        body.append("<line x1=\"\(fmt(x1))\" y1=\"\(fmt(y1))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(y2))\" stroke=\"\(escapeXML(stroke))\" stroke-width=\"\(fmt(width))\"/>")
    }

    public mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: String = "start") {
        body.append("<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" font-size=\"\(fmt(size))\" text-anchor=\"\(escapeXML(anchor))\">\(escapeXML(content))</text>")
    }

    /// A connected line through the points; `dash` like "6 3" for a dashed stroke.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil) {
        let coords = points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        let dashAttr = dash.map { " stroke-dasharray=\"\(escapeXML($0))\"" } ?? ""
        body.append("<polyline points=\"\(coords)\" fill=\"none\" stroke=\"\(escapeXML(stroke))\" stroke-width=\"\(fmt(width))\"\(dashAttr)/>")
    }

    /// A filled closed polygon.
    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double = 1) {
        let coords = points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        body.append("<polygon points=\"\(coords)\" fill=\"\(escapeXML(fill))\" fill-opacity=\"\(fmt(opacity))\"/>")
    }

    /// A path (`d` in SVG path syntax); even-odd filling lets a glyph carry holes.
    public mutating func path(_ d: String, fill: String) {
        body.append("<path d=\"\(escapeXML(d))\" fill=\"\(escapeXML(fill))\" fill-rule=\"evenodd\"/>")
    }

    /// Rotated text (degrees, clockwise) about its anchor point, e.g. −90 for a vertical axis label.
    public mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", rotate: Double) {
        body.append("<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" font-size=\"\(fmt(size))\" text-anchor=\"\(escapeXML(anchor))\" transform=\"rotate(\(fmt(rotate)) \(fmt(x)) \(fmt(y)))\">\(escapeXML(content))</text>")
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String) {
        body.append("<circle cx=\"\(fmt(cx))\" cy=\"\(fmt(cy))\" r=\"\(fmt(r))\" fill=\"\(escapeXML(fill))\"/>")
    }

    /// The complete document.
    public var document: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\">\n"
            + body.joined(separator: "\n") + "\n</svg>\n"
    }
}

/// Escapes the five XML special characters.
public func escapeXML(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(ch)
        }
    }
    return out
}

/// Two decimals, no exponent, "-0.00" normalised to "0".
func fmt(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    let hundredths = Int((x * 100).rounded())
    if hundredths == 0 { return "0" }
    let sign = hundredths < 0 ? "-" : ""
    let m = hundredths.magnitude
    let frac = m % 100
    return frac == 0 ? "\(sign)\(m / 100)" : "\(sign)\(m / 100).\(frac < 10 ? "0" : "")\(frac)"
}
