import IO
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

@Suite(.serialized) struct ReportCLITests {
    let design = "ATCNNNNCACGTGNNNNCTA..U"

    /// A small end-to-end pipeline (4^8 sequences, a small network), shared by the checks below.
    func pipeline(in dir: URL) throws -> (html: String, json: [String: Any]) {
        let run = try runBetseq(["pipeline", "--out", "p", "--design", design, "--depth", "2e6", "--epochs", "3",
                                 "--layers", "64,32", "--sweep-depths", "1e5:1e7:3", "--seed", "3"], cwd: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("report: p/report.html"))
        for name in ["sim/truth.tsv", "counts.tsv", "ddg.tsv", "mono.json", "nn.json", "di.json", "network.model", "sweep.tsv",
                     "report.html", "report.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("p/\(name)").path), "missing \(name)")
        }
        let html = try String(contentsOf: dir.appendingPathComponent("p/report.html"), encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("p/report.json"))) as? [String: Any]
        return (html, json ?? [:])
    }

    @Test func pipelineReportIsConsistentAndRendersInChromium() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (html, json) = try pipeline(in: dir)

        // Self-contained: no scripts, no external resources.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src=\""))

        // Every inline SVG is well-formed XML.
        let svgs = matches(of: "<svg[\\s\\S]*?</svg>", in: html)
        #expect(svgs.count >= 10, "\(svgs.count) figures")
        for svg in svgs {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "") \(svg.prefix(120))")
        }

        // Every number shown equals the summary's at the shown precision.
        let spans = captures(of: "<span class=\"n\" data-k=\"([^\"]*)\" data-d=\"([0-9]+)\">([^<]*)</span>", in: html)
        #expect(spans.count > 60, "\(spans.count) numbers")
        for span in spans {
            let path = span[0].split(separator: "/").map(String.init)
            var node: Any? = json
            for key in path { node = (node as? [String: Any])?[key] }
            let shown = span[2].replacingOccurrences(of: ",", with: "")
            if shown == "n/a" {
                #expect(node is NSNull, "\(span[0]) shows n/a but the JSON has \(String(describing: node))")
                continue
            }
            guard let value = (node as? NSNumber)?.doubleValue, let printed = Double(shown), let digits = Int(span[1]) else {
                Issue.record("\(span[0]) = '\(span[2])' has no number in the JSON (\(String(describing: node)))")
                continue
            }
            #expect(abs(printed - value) <= 0.5 * pow(10, -Double(digits)) * (1 + 1e-9), "\(span[0]): \(shown) vs \(value)")
        }
        // Outside figures, identifiers, citations and column headings, no digit escapes the summary.
        var text = html
        for pattern in ["<style>[\\s\\S]*?</style>", "<title>[\\s\\S]*?</title>", "<h1>[^<]*</h1>", "<svg[\\s\\S]*?</svg>", "<code>[^<]*</code>",
                        "<cite>[^<]*</cite>", "<th>[^<]*</th>", "<span class=\"n\"[^>]*>[^<]*</span>", "<[^>]*>"] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        let stray = matches(of: "[^\\s]*[0-9][^\\s]*", in: text)
        #expect(stray.isEmpty, "numbers not in the JSON summary: \(stray.prefix(10))")

        // The panels the issue asks for are present.
        for id in ["fig-counts", "fig-ddg-histogram", "fig-scatter-mono", "fig-scatter-nn", "fig-scatter-di", "fig-explained",
                   "fig-logo", "fig-interactions", "fig-truth", "fig-sweep-observed", "fig-sweep-r2"] {
            #expect(html.contains("<figure id=\"\(id)\">"), "no \(id)")
        }
        let truth = json["truth"] as? [String: Any]
        let networkR2 = (truth?["network"] as? [String: Any])?["pearson_r2"] as? Double ?? 0
        let diR2 = (truth?["di"] as? [String: Any])?["pearson_r2"] as? Double ?? 0
        #expect(networkR2 > 0.3 && diR2 > 0.6, "r² vs truth: network \(networkR2), di \(diR2)")

        try renderInChromium(html: html, dir: dir)
    }

    /// Headless Chromium renders the page with no console messages, and every figure has content.
    func renderInChromium(html: String, dir: URL) throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("headless Chromium is not installed (make test installs the Debian package 'chromium')")
            return
        }
        // A probe (the test's own, not the report's) reports errors and each figure's box on the console.
        let probe = """
            <script>
            window.addEventListener('error', e => console.log('PROBE-ERROR ' + (e.message || (e.target && (e.target.src || e.target.href)) || 'resource')), true);
            console.error = (...a) => console.log('PROBE-ERROR ' + a.join(' '));
            console.warn = (...a) => console.log('PROBE-ERROR ' + a.join(' '));
            window.addEventListener('load', () => {
              for (const f of document.querySelectorAll('figure')) {
                const r = f.querySelector('svg').getBoundingClientRect();
                console.log('PROBE-FIGURE ' + f.id + ' ' + [r.left, r.top + window.scrollY, r.width, r.height].map(Math.round).join(' '));
              }
              console.log('PROBE-HEIGHT ' + document.documentElement.scrollHeight);
            });
            </script>
            """
        let page = dir.appendingPathComponent("probe.html"), shot = dir.appendingPathComponent("shot.png")
        try html.replacingOccurrences(of: "<head>", with: "<head>\n" + probe).write(to: page, atomically: true, encoding: .utf8)
        let height = 9000
        let log = dir.appendingPathComponent("chromium.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                       "--user-data-dir=\(dir.appendingPathComponent("chromium-profile").path)", "--window-size=1280,\(height)",
                       "--enable-logging=stderr", "--v=0", "--screenshot=\(shot.path)", page.absoluteString]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: log)
        try p.run()
        let deadline = Date().addingTimeInterval(180)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if p.isRunning { p.terminate(); Issue.record("Chromium did not finish in 180 s"); return }
        let console = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").filter { $0.contains(":CONSOLE") }
        let messages = console.compactMap { line -> String? in
            guard let start = line.range(of: "] \"") else { return String(line) }
            return String(line[start.upperBound...])
        }
        let errors = messages.filter { !$0.hasPrefix("PROBE-FIGURE ") && !$0.hasPrefix("PROBE-HEIGHT ") }
        #expect(errors.isEmpty, "console messages: \(errors)")
        let pageHeight = messages.first { $0.hasPrefix("PROBE-HEIGHT ") }.flatMap { Int($0.split(separator: " ")[1].prefix { $0.isNumber }) } ?? 0
        #expect(pageHeight > 1000 && pageHeight <= height, "page height \(pageHeight)")
        let image = try decodePNG(Data(contentsOf: shot))
        #expect(image.width == 1280 && image.height == height)
        let figures = messages.filter { $0.hasPrefix("PROBE-FIGURE ") }
        #expect(figures.count >= 10, "\(figures.count) figures on the page")
        for f in figures {
            let fields = f.split(separator: " ").dropFirst()
            let numbers = fields.dropFirst().compactMap { Int($0.prefix { $0.isNumber || $0 == "-" }) }
            guard numbers.count == 4 else { Issue.record("bad probe line \(f)"); continue }
            let (x, y, w, h) = (numbers[0], numbers[1], numbers[2], numbers[3])
            #expect(w > 200 && h > 200, "\(fields.first ?? "") is \(w)×\(h)")
            // Pixel variance of luminance inside the figure: a blank box has none.
            var sum = 0.0, sumSquares = 0.0, n = 0.0, coloured = 0.0
            for row in max(0, y)..<min(image.height, y + h) {
                for col in max(0, x)..<min(image.width, x + w) {
                    let (r, g, b) = image.pixel(col, row)
                    let l = 0.299 * r + 0.587 * g + 0.114 * b
                    sum += l; sumSquares += l * l; n += 1
                    if l < 200 { coloured += 1 }
                }
            }
            let variance = sumSquares / max(n, 1) - pow(sum / max(n, 1), 2)
            #expect(variance > 100 && coloured / max(n, 1) > 0.01, "\(fields.first ?? ""): variance \(variance), inked \(coloured / max(n, 1))")
        }
    }

    /// A model fitted with --folds reports its cross-validated fit, and the report shows it (it once
    /// looked for a key the fitter never wrote and said "none").
    @Test func crossValidatedFitIsShownInTheReport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for args in [["simulate", "--design", design, "--landscape", "normal:2", "--depth", "4e5", "--seed", "5", "--out", "sim"],
                     ["ddg", "sim/counts.tsv", "--bound", "bound", "--reference", "input", "--out", "ddg.tsv"],
                     ["fit", "linear", "ddg.tsv", "--design", design, "--features", "nn", "--folds", "5", "--out", "cv.json"],
                     ["report", "--ddg", "ddg.tsv", "--model", "cv.json", "--out", "r.html"]] {
            let run = try runBetseq(args, cwd: dir)
            #expect(run.status == 0, "\(args): \(run.stderr)")
        }
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("cv.json"))) as? [String: Any]
        let cv = ((model?["linear_model"] as? [String: Any])?["metrics"] as? [String: Any])?["cross_validation"] as? [String: Any]
        let fitted = try #require(cv?["r2"] as? Double)
        let rows = try #require(cv?["rows"] as? Int)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("r.json"))) as? [String: Any]
        let heldOut = ((report?["models"] as? [String: Any])?["cv"] as? [String: Any])?["held_out"] as? [String: Any]
        #expect(heldOut?["r2"] as? Double == fitted, "report: \(String(describing: heldOut)), model: \(fitted)")
        #expect(heldOut?["rows"] as? Int == rows)
        let html = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(html.contains("<td>cross_validation</td>"), "the held-out set is named")
        #expect(html.contains("data-k=\"models/cv/held_out/r2\""))
    }

    @Test func reportErrorsAreOneLineAndLeaveNoFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try runBetseq(["report", "--ddg", "nope.tsv", "--out", "r.html"], cwd: dir)
        #expect(missing.status == 66 && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
        #expect(missing.stderr.hasPrefix("betseq: nope.tsv: "), "\(missing.stderr)")
        try "sequence\tddg\nACGT\t0.1\nACGA\t-0.1\n".write(to: dir.appendingPathComponent("d.tsv"), atomically: true, encoding: .utf8)
        try "{\"format\": \"betseq-energy-model\", \"version\": 1, \"length\": 2, \"mono\": [[0,0,0,0],[0,1,0,0]]}".write(
            to: dir.appendingPathComponent("m.json"), atomically: true, encoding: .utf8)
        let mismatch = try runBetseq(["report", "--ddg", "d.tsv", "--model", "m.json", "--out", "r.html"], cwd: dir)
        #expect(mismatch.status == 65 && mismatch.stderr.contains("betseq: m.json: the model covers 2 positions; ddg.tsv has 4"), "\(mismatch.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.html").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.json").path))
        let ok = try runBetseq(["report", "--ddg", "d.tsv", "--out", "r.html"], cwd: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.json").path))
    }
}

// MARK: Helpers

func matches(of pattern: String, in text: String) -> [String] {
    guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
    let ns = text as NSString
    return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
}

func captures(of pattern: String, in text: String) -> [[String]] {
    guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
    let ns = text as NSString
    return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
        (1..<m.numberOfRanges).map { ns.substring(with: m.range(at: $0)) }
    }
}

/// An 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes), decoded with zlib.
struct DecodedImage {
    let width: Int, height: Int, channels: Int
    let pixels: [UInt8]
    func pixel(_ x: Int, _ y: Int) -> (Double, Double, Double) {
        let i = (y * width + x) * channels
        return (Double(pixels[i]), Double(pixels[i + 1]), Double(pixels[i + 2]))
    }
}

struct PNGError: Error, CustomStringConvertible { let description: String }

func decodePNG(_ data: Data) throws -> DecodedImage {
    let bytes = [UInt8](data)
    guard bytes.count > 33, bytes.starts(with: [137, 80, 78, 71, 13, 10, 26, 10]) else { throw PNGError(description: "not a PNG") }
    func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
    var offset = 8, width = 0, height = 0, channels = 0
    var idat: [UInt8] = []
    while offset + 8 <= bytes.count {
        let length = be32(offset), type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
        let body = (offset + 8)..<(offset + 8 + length)
        if type == "IHDR" {
            width = be32(body.lowerBound); height = be32(body.lowerBound + 4)
            guard bytes[body.lowerBound + 8] == 8, bytes[body.lowerBound + 12] == 0 else { throw PNGError(description: "not 8-bit non-interlaced") }
            switch bytes[body.lowerBound + 9] { case 2: channels = 3; case 6: channels = 4; default: throw PNGError(description: "not RGB/RGBA") }
        } else if type == "IDAT" {
            idat += bytes[body]
        } else if type == "IEND" {
            break
        }
        offset = body.upperBound + 4
    }
    let stride = width * channels
    let raw = try zlibInflate(idat, size: (stride + 1) * height, name: "PNG IDAT")
    var pixels = [UInt8](repeating: 0, count: stride * height)
    for y in 0..<height {
        let filter = raw[y * (stride + 1)]
        for x in 0..<stride {
            let v = Int(raw[y * (stride + 1) + 1 + x])
            let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
            let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
            let c = x >= channels && y > 0 ? Int(pixels[(y - 1) * stride + x - channels]) : 0
            let predicted: Int
            switch filter {
            case 0: predicted = 0
            case 1: predicted = a
            case 2: predicted = b
            case 3: predicted = (a + b) / 2
            case 4:
                let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
            default: throw PNGError(description: "filter \(filter)")
            }
            pixels[y * stride + x] = UInt8((v + predicted) & 255)
        }
    }
    return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
}
