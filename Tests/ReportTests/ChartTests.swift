import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
@testable import Report

@Suite struct ChartTests {
    func parses(_ svg: String) -> Bool { XMLParser(data: Data(svg.utf8)).parse() }

    @Test func everyChartIsWellFormedXMLEvenOnDegenerateData() {
        let labels = ["1", "2", "<3>"]
        let charts = [
            barChart(title: "a & b", yLabel: "y", categories: ["x<1", "y"], series: [BarSeries(name: "s", color: "#000", values: [1, .nan])],
                     line: BarSeries(name: "l", color: "#f00", values: [0.5, 1])),
            barChart(title: "log", yLabel: "y", categories: ["0", "1"], series: [BarSeries(name: "s", color: "#000", values: [0, 1000])], logY: true),
            barChart(title: "empty", yLabel: "y", categories: [], series: []),
            histogramChart(title: "h", xLabel: "x", yLabel: "y", edges: [0, 1, 2], counts: [3, 0]),
            histogramChart(title: "none", xLabel: "x", yLabel: "y", edges: [], counts: []),
            hexbinChart(title: "hex", xLabel: "x", yLabel: "y", x: [0, 1, 2, .nan], y: [0, 1, 1.5, 2]),
            hexbinChart(title: "one point", xLabel: "x", yLabel: "y", x: [1], y: [1]),
            hexbinChart(title: "no points", xLabel: "x", yLabel: "y", x: [], y: []),
            energyLogo(title: "logo", matrix: [[0.1, -0.2, 0, 0.1], [0, 0, 0, 0], [.nan, 0, 0, 0]], positionLabels: labels),
            interactionMap(title: "pairs", length: 3, blocks: [1: Array(repeating: 0.1, count: 16), 5: Array(repeating: -1, count: 3)],
                           positionLabels: labels),
            logXLineChart(title: "line", xLabel: "x", yLabel: "y", series: [ChartSeries(name: "s", color: "#00f", points: [(1, 0.5), (10, 0.7)])]),
        ]
        for svg in charts { #expect(parses(svg), "\(svg.prefix(200))") }
        // Same data, same bytes.
        #expect(hexbinChart(title: "t", xLabel: "x", yLabel: "y", x: [0, 1, 2], y: [2, 1, 0])
                == hexbinChart(title: "t", xLabel: "x", yLabel: "y", x: [0, 1, 2], y: [2, 1, 0]))
    }

    @Test func niceTicksAreRoundAndInside() {
        let (ticks, step) = niceTicks(-1.13, 0.57)
        #expect(step == 0.5)
        #expect(ticks == [-1, -0.5, 0, 0.5])
        #expect(niceTicks(0, 1).ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(niceTicks(0, 17_000).step == 5000)
        #expect(tickLabel(0.25, step: 0.05) == "0.25" && tickLabel(15000, step: 5000) == "15000")
        #expect(niceTicks(1, 1).ticks == [1])
    }

    /// The cell a point falls in has the nearest centre of all cells around it (brute force).
    @Test func hexCellIsTheNearestCentre() {
        var state: UInt64 = 7
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        let radius = 5.0
        for _ in 0..<5000 {
            let x = uniform() * 300 - 20, y = uniform() * 300 - 20
            let cell = HexCell(x: x, y: y, radius: radius)
            let c = cell.centre(radius: radius)
            let d = pow(x - c.x, 2) + pow(y - c.y, 2)
            #expect(d <= radius * radius + 1e-9)
            for row in (cell.row - 2)...(cell.row + 2) {
                for column in (cell.column - 2)...(cell.column + 2) {
                    for shifted in [false, true] {
                        let o = HexCell(row: row, column: column, shifted: shifted).centre(radius: radius)
                        #expect(d <= pow(x - o.x, 2) + pow(y - o.y, 2) + 1e-9)
                    }
                }
            }
        }
    }

    @Test func colourScales() {
        #expect(viridis(0) == "#440154" && viridis(1) == "#fde725")
        #expect(diverging(0) == "#f7f7f7" && diverging(-1) == "#2166ac" && diverging(1) == "#b2182b")
        #expect(viridis(.nan) == viridis(0) && diverging(5) == diverging(1))
    }

    @Test func documentMarksEveryShownNumberWithItsJSONPath() throws {
        var doc = ReportDocument(title: "t <1>")
        let a = doc.number(["models", "di", "r2"], 0.98765, digits: 3)
        let b = doc.count(["data", "rows"], 1_048_576)
        let c = doc.number(["models", "di", "rmse"], .nan)
        #expect(a == "<span class=\"n\" data-k=\"models/di/r2\" data-d=\"3\">0.988</span>")
        #expect(b.hasSuffix(">1,048,576</span>") && c.hasSuffix(">n/a</span>"))
        #expect(doc.number(["x"], -0.0001, digits: 2).hasSuffix(">0.00</span>"))
        doc.paragraph(a + b + c)
        #expect(doc.html.contains("<title>t &lt;1&gt;</title>") && doc.html.contains(a))
        #expect(grouped(-1234) == "-1,234" && grouped(999) == "999" && grouped(0) == "0")
    }

    /// What a result's JSON holds for the page's "n/a" and absent values, as `writeReport` writes it.
    @Test func reportResultsWriteNullForNonFiniteAndAbsentValues() throws {
        struct Result: Codable {
            @ReportNumber var r2: Double
            @ReportNumber var rmse: Double
            @NullWhenAbsent var counts: String?
            var rows: Int
            var path: String
            var omitted: Int?
        }
        let dir = try temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = Result(r2: 0.98765, rmse: .nan, counts: nil, rows: 3, path: "a/b.tsv", omitted: nil)
        try writeReport(html: "<p>x</p>", result: result, htmlPath: dir.appendingPathComponent("r.html").path,
                        jsonPath: reportJSONPath(forHTML: dir.appendingPathComponent("r.html").path))
        let json = try String(contentsOf: dir.appendingPathComponent("r.json"), encoding: .utf8)
        #expect(json == "{\n  \"counts\" : null,\n  \"path\" : \"a\\/b.tsv\",\n  \"r2\" : 0.98765,\n  \"rmse\" : null,\n  \"rows\" : 3\n}\n")
        #expect(try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8) == "<p>x</p>")
        let back = try JSONDecoder().decode(Result.self, from: Data(json.utf8))
        #expect(back.r2 == 0.98765 && back.rmse.isNaN && back.counts == nil && back.path == "a/b.tsv")
    }
}
