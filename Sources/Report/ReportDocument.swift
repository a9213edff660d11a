import Foundation
import IO

/// An HTML page whose numbers come from a typed, Codable result (its JSON summary, written beside
/// it by `writeReport`). Every number the page shows goes through `number`/`count`, which mark it
/// with the JSON path of its value (`data-k`), so a reader can find any number in the JSON; a test
/// checks that every marked number equals the JSON's at the shown precision.
public struct ReportDocument {
    private var parts: [String] = []
    public let title: String

    public init(title: String) { self.title = title }

    // MARK: Numbers

    /// A number shown with `digits` decimals (non-finite: "n/a", which the JSON holds as null).
    public func number(_ path: [String], _ value: Double, digits: Int = 3) -> String {
        var text = value.isFinite ? String(format: "%.\(digits)f", value) : "n/a"
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { text.removeFirst() }  // no "-0.00"
        return "<span class=\"n\" data-k=\"\(escapeXML(path.joined(separator: "/")))\" data-d=\"\(digits)\">\(text)</span>"
    }

    /// An integer, grouped by thousands with commas.
    public func count(_ path: [String], _ value: Int) -> String {
        "<span class=\"n\" data-k=\"\(escapeXML(path.joined(separator: "/")))\" data-d=\"0\">\(grouped(value))</span>"
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
}

/// The one writer of report pages: the HTML and, beside it, the JSON of the result it was drawn
/// from (pretty-printed, sorted keys, `/` escaped as reports have always written it); both files
/// appear together or not at all. `json` nil writes the page alone.
public func writeReport<Result: Encodable>(html: String, result: Result, htmlPath: String, jsonPath: String?) throws {
    let data = try JSONFile.encode(result, layout: .document)
    let page = try OutputFile(path: htmlPath), numbers = try jsonPath.map { try OutputFile(path: $0) }
    try Array(html.utf8).withUnsafeBytes { try page.write($0) }
    try data.withUnsafeBytes { try numbers?.write($0) }
    try page.finish()
    try numbers?.finish()
}

/// The JSON path beside a report page: `report.html` → `report.json`; none beside standard output.
public func reportJSONPath(forHTML path: String) -> String? {
    path == "-" ? nil : (path.hasSuffix(".html") ? String(path.dropLast(5)) : path) + ".json"
}

/// A number of a report's JSON: finite values as numbers, anything else as null (shown as "n/a").
@propertyWrapper
public struct ReportNumber: Codable, Sendable, Equatable {
    public var wrappedValue: Double
    public init(wrappedValue: Double) { self.wrappedValue = wrappedValue }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if wrappedValue.isFinite { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? .nan : try c.decode(Double.self)
    }
}

/// An optional value of a report's JSON written as null when absent (the key is always there).
@propertyWrapper
public struct NullWhenAbsent<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var wrappedValue: Value?
    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(Value.self)
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
