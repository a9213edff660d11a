import Contacts
import Foundation

/// Square panels in a grid under a title line: the canvas and where panel k starts.
struct PanelGrid {
    let count: Int, size: Double, columns: Int, gap: Double, top: Double, label: Double

    var width: Double { Double(columns) * (size + gap) + gap }
    var height: Double { top + Double((count + columns - 1) / max(columns, 1)) * (size + gap + label) }

    func origin(_ k: Int) -> (x: Double, y: Double) {
        (gap + Double(k % columns) * (size + gap), top + 14 + Double(k / columns) * (size + gap + label))
    }

    /// A white canvas with the title centred at the top.
    func canvas(title: String, titleSize: Double = 14) -> SVGCanvas {
        var svg = SVGCanvas(width: width, height: height)
        svg.rect(x: 0, y: 0, width: width, height: height, fill: "white")
        svg.text(title, x: width / 2, y: 20, size: titleSize, anchor: "middle")
        return svg
    }
}

/// A contact map per channel, side by side: residue × residue, a dark square for every pair in
/// contact (upper triangle and its mirror), residues in file order.
public func contactMapPanels(title: String, labels: [String], panels: [(name: String, pairs: [(Int, Int)])],
                             panelSize: Double = 240, columns: Int = 4) -> String {
    let grid = PanelGrid(count: panels.count, size: panelSize, columns: columns, gap: 34, top: 36, label: 14)
    var svg = grid.canvas(title: "\(title): \(labels.count) residues")
    let n = Double(max(labels.count, 1))
    let cell = panelSize / n
    for (k, panel) in panels.enumerated() {
        let (x0, y0) = grid.origin(k)
        svg.text("\(panel.name) (\(panel.pairs.count) pairs)", x: x0 + panelSize / 2, y: y0 - 4, size: 12, anchor: "middle")
        svg.rect(x: x0, y: y0, width: panelSize, height: panelSize, fill: "#f7f7f7")
        svg.line(x1: x0, y1: y0, x2: x0 + panelSize, y2: y0 + panelSize, stroke: "#cccccc", width: 0.5)
        for (a, b) in panel.pairs {
            let size = max(cell, 1)
            svg.rect(x: x0 + Double(b) * cell, y: y0 + Double(a) * cell, width: size, height: size, fill: "#1f3b73")
            svg.rect(x: x0 + Double(a) * cell, y: y0 + Double(b) * cell, width: size, height: size, fill: "#1f3b73")
        }
    }
    return svg.document
}

/// Predicted probabilities per channel: the upper triangle shaded by probability (viridis, 16
/// levels), the lower triangle blank. Large structures are binned to at most `maxBins` cells per
/// side (each bin shows its highest probability) and equal neighbours in a row share one rectangle,
/// so the file stays small whatever the size of the protein.
public func probabilityMapPanels(title: String, labels: [String], panels: [(name: String, pairs: [(Int, Int, Double)])],
                                 panelSize: Double = 240, columns: Int = 4, maxBins: Int = 120) -> String {
    let grid = PanelGrid(count: panels.count, size: panelSize, columns: columns, gap: 34, top: 36, label: 14)
    var svg = grid.canvas(title: "\(title): \(labels.count) residues, predicted probability")
    let n = max(labels.count, 1), bins = min(n, maxBins)
    let cell = panelSize / Double(bins)
    for (k, panel) in panels.enumerated() {
        let (x0, y0) = grid.origin(k)
        svg.text(panel.name, x: x0 + panelSize / 2, y: y0 - 4, size: 12, anchor: "middle")
        svg.rect(x: x0, y: y0, width: panelSize, height: panelSize, fill: "#f7f7f7")
        var level = [UInt8](repeating: 0, count: bins * bins)
        for (a, b, p) in panel.pairs where p.isFinite {
            let i = a * bins / n, j = b * bins / n
            level[i * bins + j] = max(level[i * bins + j], UInt8(min(15, max(0, Int(p * 16)))))
        }
        for i in 0..<bins {
            var j = 0
            while j < bins {
                let l = level[i * bins + j]
                var end = j + 1
                while end < bins && level[i * bins + end] == l { end += 1 }
                if l > 0 {
                    svg.rect(x: x0 + Double(j) * cell, y: y0 + Double(i) * cell, width: Double(end - j) * cell, height: cell,
                             fill: viridis((Double(l) + 0.5) / 16))
                }
                j = end
            }
        }
    }
    return svg.document
}

/// Precision–recall curves per channel: the model (solid) and a baseline (dashed).
public func precisionRecallPanels(title: String, curves: [(name: String, model: [(Double, Double)], baseline: [(Double, Double)])],
                                  panelSize: Double = 220, columns: Int = 4) -> String {
    let grid = PanelGrid(count: curves.count, size: panelSize, columns: columns, gap: 56, top: 40, label: 20)
    var svg = grid.canvas(title: "\(title): precision (y) against recall (x); dashed: sequence-separation baseline", titleSize: 13)
    for (k, curve) in curves.enumerated() {
        let (x0, y0) = grid.origin(k)
        let area = PlotArea(left: x0, top: y0, width: panelSize, height: panelSize, x: 0...1, y: 0...1)
        svg.text(curve.name, x: x0 + panelSize / 2, y: y0 - 4, size: 12, anchor: "middle")
        area.drawAxes(&svg, xLabel: "", yLabel: "")
        for (points, colour, dash) in [(curve.baseline, "#999999", "5 4"), (curve.model, "#1f3b73", nil as String?)] where points.count >= 1 {
            // A step curve from recall 0 at the first precision.
            var path: [(Double, Double)] = [(area.x(0), area.y(points[0].1))]
            for (r, p) in points { path.append((area.x(r), area.y(p))) }
            svg.polyline(path, stroke: colour, width: 1.5, dash: dash)
        }
        if curve.model.isEmpty { svg.text("no positives", x: x0 + panelSize / 2, y: y0 + panelSize / 2, size: 12, anchor: "middle") }
    }
    return svg.document
}

// MARK: From typed contact results

/// One panel per channel of a structure's residue contact map.
public func contactMapChart(_ map: ResidueContactMap, structure s: Structure, title: String) -> String {
    let labels = map.residues.map { s.residues[$0].label }
    let position = Dictionary(uniqueKeysWithValues: map.residues.enumerated().map { ($1, $0) })
    let panels = ContactChannel.allCases.map { ch in
        (ch.code, map.pairs.compactMap { key, flags -> (Int, Int)? in
            guard flags & (1 << UInt8(ch.rawValue)) != 0, let a = position[Int(key.x)], let b = position[Int(key.y)] else { return nil }
            return (a, b)
        }.sorted { $0 < $1 })
    }
    return contactMapPanels(title: title, labels: labels, panels: panels)
}

/// Predicted probabilities, one panel per channel.
public func predictedMapChart(_ p: ContactPredictions, title: String) -> String {
    let panels = ContactChannel.allCases.map { ch in
        var cells: [(Int, Int, Double)] = []
        cells.reserveCapacity(p.pairCount)
        p.forEachPair { i, j, q in cells.append((i, j, Double(p.probabilities[q * 8 + ch.rawValue]))) }
        return (ch.code, cells)
    }
    return probabilityMapPanels(title: title, labels: p.residueLabels, panels: panels)
}

/// Precision–recall curves per channel, the model against the separation baseline.
public func precisionRecallChart(_ e: ContactEvaluation, title: String) -> String {
    let curves = ContactChannel.allCases.map { ch in
        (ch.code, e.model.metrics[ch.rawValue].curve.map { ($0.recall, $0.precision) }, e.baseline.metrics[ch.rawValue].curve.map { ($0.recall, $0.precision) })
    }
    return precisionRecallPanels(title: title, curves: curves)
}
