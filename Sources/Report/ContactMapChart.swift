import Foundation

/// A contact map per channel, side by side: residue × residue, a dark square for every pair in
/// contact (upper triangle and its mirror), residues in file order.
public func contactMapPanels(title: String, labels: [String], panels: [(name: String, pairs: [(Int, Int)])],
                             panelSize: Double = 240, columns: Int = 4) -> String {
    let gap = 34.0, top = 36.0
    let rows = (panels.count + columns - 1) / max(columns, 1)
    let width = Double(columns) * (panelSize + gap) + gap, height = top + Double(rows) * (panelSize + gap + 14)
    var svg = SVGCanvas(width: width, height: height)
    svg.rect(x: 0, y: 0, width: width, height: height, fill: "white")
    svg.text("\(title): \(labels.count) residues", x: width / 2, y: 20, size: 14, anchor: "middle")
    let n = Double(max(labels.count, 1))
    let cell = panelSize / n
    for (k, panel) in panels.enumerated() {
        let x0 = gap + Double(k % columns) * (panelSize + gap), y0 = top + 14 + Double(k / columns) * (panelSize + gap + 14)
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
