import Foundation

/// An HTML page and its JSON summary, built together: every number the page shows goes through
/// `number`/`count`, which records it in the summary under a key path and returns the marked-up
/// text. The page's numbers therefore equal the summary's (at the shown precision), and a reader
/// can find any number in the JSON by the `data-k` path on its element.
public struct ReportDocument {
    private var parts: [String] = []
    private var summary: [String: Any] = [:]
    public let title: String

    public init(title: String) { self.title = title }

    // MARK: Numbers

    /// A number shown with `digits` decimals (non-finite: "n/a", recorded as null).
    public mutating func number(_ path: [String], _ value: Double, digits: Int = 3) -> String {
        record(path, value.isFinite ? value : NSNull())
        var text = value.isFinite ? String(format: "%.\(digits)f", value) : "n/a"
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { text.removeFirst() }  // no "-0.00"
        return "<span class=\"n\" data-k=\"\(escapeXML(path.joined(separator: "/")))\" data-d=\"\(digits)\">\(text)</span>"
    }

    /// An integer, grouped by thousands with commas.
    public mutating func count(_ path: [String], _ value: Int) -> String {
        record(path, value)
        return "<span class=\"n\" data-k=\"\(escapeXML(path.joined(separator: "/")))\" data-d=\"0\">\(grouped(value))</span>"
    }

    /// Stores a value (a number, string, array or dictionary) in the summary without showing it.
    public mutating func record(_ path: [String], _ value: Any) {
        summary = Self.setting(summary, path[...], value)
    }

    private static func setting(_ node: [String: Any], _ path: ArraySlice<String>, _ value: Any) -> [String: Any] {
        guard let head = path.first else { return node }
        var node = node
        if path.count == 1 {
            node[head] = value
        } else {
            node[head] = setting(node[head] as? [String: Any] ?? [:], path.dropFirst(), value)
        }
        return node
    }

    // MARK: Content

    public mutating func section(_ heading: String, id: String) {
        parts.append("<h2 id=\"\(escapeXML(id))\">\(escapeXML(heading))</h2>")
    }

    /// A paragraph of HTML built by the caller (escape text with `escapeXML`; numbers from `number`).
    public mutating func paragraph(_ html: String) { parts.append("<p>\(html)</p>") }

    /// A note in a muted style (why a panel is missing, what a quantity means).
    public mutating func note(_ html: String) { parts.append("<p class=\"note\">\(html)</p>") }

    /// A table; `header` is plain text, cells are HTML.
    public mutating func table(header: [String], rows: [[String]], cellStyles: [[String?]] = []) {
        var html = "<table><thead><tr>" + header.map { "<th>\(escapeXML($0))</th>" }.joined() + "</tr></thead><tbody>"
        for (r, row) in rows.enumerated() {
            html += "<tr>"
            for (c, cell) in row.enumerated() {
                let style = r < cellStyles.count && c < cellStyles[r].count ? cellStyles[r][c] : nil
                html += style.map { "<td style=\"\(escapeXML($0))\">" } ?? "<td>"
                html += cell + "</td>"
            }
            html += "</tr>"
        }
        parts.append(html + "</tbody></table>")
    }

    /// Figures side by side in one row, each an inline SVG with its caption (HTML).
    public mutating func figures(_ items: [(id: String, svg: String, caption: String)]) {
        var html = "<div class=\"row\">"
        for item in items {
            let svg = item.svg.hasPrefix("<?xml") ? String(item.svg.drop { $0 != "\n" }.dropFirst()) : item.svg
            html += "<figure id=\"\(escapeXML(item.id))\">\(svg)<figcaption>\(item.caption)</figcaption></figure>"
        }
        parts.append(html + "</div>")
    }

    // MARK: Output

    /// The self-contained page: inline CSS and SVG, no scripts, no external resources.
    public var html: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escapeXML(title))</title>
        <style>
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 24px auto; max-width: 1240px; color: #222; line-height: 1.45; }
        h1 { font-size: 24px; margin-bottom: 4px; }
        h2 { font-size: 19px; border-bottom: 1px solid #ccc; padding-bottom: 3px; margin-top: 34px; }
        table { border-collapse: collapse; margin: 10px 0 16px; font-size: 13px; }
        th, td { border: 1px solid #d4d4d4; padding: 3px 9px; text-align: right; }
        th { background: #f2f2f2; }
        td:first-child, th:first-child { text-align: left; }
        .row { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
        figure { margin: 6px 0; max-width: 620px; }
        figure svg { display: block; border: 1px solid #eee; }
        figcaption { font-size: 12.5px; color: #444; margin-top: 4px; }
        .note { color: #666; font-size: 13px; }
        code { font-size: 12.5px; background: #f5f5f5; padding: 0 3px; }
        </style>
        </head>
        <body>
        <h1>\(escapeXML(title))</h1>
        \(parts.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    /// The summary as pretty-printed JSON with sorted keys.
    public func summaryJSON() throws -> Data {
        var data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        data.append(10)
        return data
    }
}

/// 1234567 → "1,234,567".
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (value < 0 ? "-" : "") + out
}
