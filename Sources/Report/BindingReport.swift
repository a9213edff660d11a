import Affinity
import Foundation
import IO
import Learn
import Sequence
import Simulate

/// What `betseq report` reads.
public struct BindingReportInputs: Sendable {
    /// ddg.tsv from `betseq ddg` (sequence, ddg, optional se and count columns).
    public var ddg: String
    /// Optional counts.tsv: every numeric column is a sample (reads or UMIs per sequence).
    public var counts: String?
    /// Linear models (betseq energy-model JSON) and neural models, in the order given.
    public var models: [String]
    /// Optional truth.tsv (ddg_true) of a simulation.
    public var truth: String?
    /// Optional sweep.tsv from `betseq simulate sweep`.
    public var sweep: String?
    public var title = "BET-seq binding report"
    public var threads = 2

    public init(ddg: String, counts: String? = nil, models: [String] = [], truth: String? = nil, sweep: String? = nil) {
        self.ddg = ddg; self.counts = counts; self.models = models; self.truth = truth; self.sweep = sweep
    }
}

/// One model as the report uses it: its predictions over the evaluated sequences, mean-centred.
struct LoadedModel {
    enum Kind { case linear(String), neural }
    var name: String
    var path: String
    var kind: Kind
    var parameters: Int
    var energy: EnergyModel?
    /// Held-out metrics recorded by the fitter (name of the row set, metrics), if any.
    var heldOut: (set: String, rows: Int, r2: Double, pearsonR2: Double, rmse: Double)?
    var predictions: [Double]

    var isNeural: Bool { if case .neural = kind { return true } else { return false } }
    var kindName: String {
        switch kind {
        case .neural: return "neural network"
        case .linear(let f): return ["mono": "mononucleotide", "nn": "nearest-neighbour", "di": "all dinucleotides"][f] ?? f
        }
    }
    /// mono → nn → di order (by parameter count).
    var linearOrder: Int { parameters }
}

/// Writes the report page and its JSON summary; both files appear together or not at all.
public func writeBindingReport(_ inputs: BindingReportInputs, html htmlPath: String, json jsonPath: String?,
                               log: (String) -> Void = { _ in }) throws {
    let (html, summary) = try buildBindingReport(inputs, log: log)
    let page = try OutputFile(path: htmlPath), numbers = try jsonPath.map { try OutputFile(path: $0) }
    try Array(html.utf8).withUnsafeBytes { try page.write($0) }
    try summary.withUnsafeBytes { try numbers?.write($0) }
    try page.finish()
    try numbers?.finish()
}

/// The JSON path beside a report page: `report.html` → `report.json`; none beside standard output.
public func reportJSONPath(forHTML path: String) -> String? {
    path == "-" ? nil : (path.hasSuffix(".html") ? String(path.dropLast(5)) : path) + ".json"
}

/// Builds the report page and its JSON summary (the same numbers).
public func buildBindingReport(_ inputs: BindingReportInputs, log: (String) -> Void = { _ in }) throws -> (html: String, json: Data) {
    var doc = ReportDocument(title: inputs.title)
    // Every column: the count columns (whatever 'betseq ddg' named them) describe the samples.
    let table = try SequenceTable.read(path: inputs.ddg, required: ["ddg"], optional: Array(try SequenceTable.header(path: inputs.ddg).dropFirst()))
    let length = table.length
    guard length >= 1, !table.keys.isEmpty else { throw BETSeqError(.malformedTable, file: inputs.ddg, "no rows") }
    let measured = table.column("ddg") ?? []
    let labels = (1...length).map(String.init)
    // Sequences to evaluate models on: the whole library when it can be enumerated, else the table's.
    let library = length <= 12
    let keys: [UInt64] = library ? (0..<(UInt64(1) << UInt64(2 * length))).map { $0 } : table.keys

    var inputsLine = "Measured ΔΔG: <code>\(escapeXML(inputs.ddg))</code>"
    if let c = inputs.counts { inputsLine += "; counts: <code>\(escapeXML(c))</code>" }
    if let t = inputs.truth { inputsLine += "; truth: <code>\(escapeXML(t))</code>" }
    if let s = inputs.sweep { inputsLine += "; depth sweep: <code>\(escapeXML(s))</code>" }
    doc.paragraph(inputsLine + ". Written by <code>betseq</code>; ΔΔG in kcal/mol, more negative = tighter binding.")

    try dataSection(&doc, inputs: inputs, table: table, measured: measured)
    replicateSection(&doc, table: table)

    log("report: predicting \(keys.count) sequences with \(inputs.models.count) models")
    var models: [LoadedModel] = []
    for path in inputs.models {
        var model = try loadModel(path: path, keys: keys, length: length, threads: inputs.threads)
        var name = model.name, k = 2
        while models.contains(where: { $0.name == name }) { name = "\(model.name)-\(k)"; k += 1 }
        model.name = name
        models.append(model)
    }
    modelSection(&doc, models: models, keys: keys, table: table, measured: measured, library: library)
    interpretationSection(&doc, models: models, labels: labels)
    if let truth = inputs.truth {
        try truthSection(&doc, truthPath: truth, models: models, keys: keys, table: table, measured: measured)
    }
    if let sweep = inputs.sweep { try sweepSection(&doc, path: sweep) }
    let given: [String: Any] = ["ddg": inputs.ddg, "counts": inputs.counts as Any? ?? NSNull(), "models": inputs.models,
                                "truth": inputs.truth as Any? ?? NSNull(), "sweep": inputs.sweep as Any? ?? NSNull()]
    doc.record(["inputs"], given)
    doc.record(["betseq_report_version"], 1)
    return (doc.html, try doc.summaryJSON())
}

// MARK: Data

/// `ddg_<replicate>` columns ('betseq ddg --replicate-names', 'betseq run'); not `ddg_true`.
func isReplicateColumn(_ name: String) -> Bool { name.hasPrefix("ddg_") && name != "ddg_true" }

/// Agreement of the `ddg_<replicate>` columns of a ΔΔG table: per pair of replicates, the squared
/// Pearson correlation over the sequences both measured; the points of the first pair (for a
/// density plot); and the mean r² over the pairs where it is defined (nil with one replicate).
public struct ReplicateAgreement: Sendable {
    public struct Pair: Sendable { public var a, b: String; public var r2: Double; public var sequences: Int }
    public var pairs: [Pair] = []
    public var firstPoints: (x: [Double], y: [Double]) = ([], [])
    public var meanR2: Double? {
        let defined = pairs.map(\.r2).filter(\.isFinite)
        return pairs.isEmpty ? nil : defined.isEmpty ? .nan : mean(defined)
    }

    public init() {}

    public init(_ table: SequenceTable) {
        let names = table.columnNames.filter(isReplicateColumn)
        for (i, a) in names.enumerated() {
            for b in names[(i + 1)...] {
                guard let x = table.column(a), let y = table.column(b) else { continue }
                let both = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
                let px = both.map { x[$0] }, py = both.map { y[$0] }
                pairs.append(Pair(a: String(a.dropFirst(4)), b: String(b.dropFirst(4)),
                                  r2: FitMetrics(target: px, prediction: py).pearsonR2, sequences: both.count))
                if pairs.count == 1 { firstPoints = (px, py) }
            }
        }
    }
}

/// With per-replicate ΔΔG columns: each pair's r², their mean and the density of the first pair.
private func replicateSection(_ doc: inout ReportDocument, table: SequenceTable) {
    let agreement = ReplicateAgreement(table)
    guard let meanR2 = agreement.meanR2, let first = agreement.pairs.first else { return }
    doc.section("Replicate agreement", id: "replicates")
    let rows = agreement.pairs.map { p -> [String] in
        let key = ["replicates", "pairs", "\(p.a)_vs_\(p.b)"]
        return ["\(escapeXML(p.a)) vs \(escapeXML(p.b))", doc.number(key + ["r2"], p.r2), doc.count(key + ["sequences"], p.sequences)]
    }
    doc.paragraph("Per-replicate ΔΔG agree with r² \(doc.number(["replicates", "r2"], meanR2)) (mean over pairs of replicates, sequences both measured).")
    doc.table(header: ["replicates", "Pearson r²", "sequences in both"], rows: rows)
    doc.figures([("replicates", hexbinChart(title: "Replicate ΔΔG", xLabel: "ΔΔG replicate \(first.a) (kcal/mol)",
                                            yLabel: "ΔΔG replicate \(first.b) (kcal/mol)", x: agreement.firstPoints.x, y: agreement.firstPoints.y),
                  "Per-replicate ΔΔG of the sequences both replicates measured (density).")])
}

private func dataSection(_ doc: inout ReportDocument, inputs: BindingReportInputs, table: SequenceTable, measured: [Double]) throws {
    doc.section("Data", id: "data")
    let length = table.length
    let librarySize = length <= 30 ? Int(pow(4.0, Double(length))) : 0
    let finite = measured.filter(\.isFinite)
    // Samples: the counts table's numeric columns, else the ddg table's count columns.
    let source: SequenceTable
    if let counts = inputs.counts {
        _ = try CountTable.read(path: counts)  // counts as 'betseq count' writes them: whole numbers ≥ 0
        let names = try SequenceTable.header(path: counts).dropFirst()
        source = try SequenceTable.read(path: counts, required: Array(names))
        guard source.length == length else {
            throw BETSeqError(.malformedTable, file: counts, "sequences have \(source.length) bases; ddg.tsv has \(length)")
        }
    } else {
        source = table
    }
    let samples = source.columnNames.filter { inputs.counts != nil || !(["ddg", "se"].contains($0) || isReplicateColumn($0)) }
    var rows: [[String]] = []
    var distributions: [BarSeries] = []
    let palette = ["#3b6ea5", "#e07b39", "#5a9e5a", "#9b59b6", "#7f8c8d"]
    // Count bins 0, 1, 2, 3–4, 5–8, … (powers of two), zero including library members never seen.
    let maxCount = samples.compactMap { source.column($0)?.max() }.max() ?? 0
    var edges = [0, 1, 2, 3]
    while Double(edges.last ?? 0) <= maxCount { edges.append(2 * (edges.last ?? 1) - 1) }
    let categories = edges.indices.dropLast().map { k -> String in
        let lo = edges[k], hi = edges[k + 1] - 1
        return lo == hi ? "\(lo)" : "\(lo)–\(hi)"
    }
    for (s, name) in samples.enumerated() {
        let values = source.column(name) ?? []
        let total = values.filter(\.isFinite).reduce(0, +)
        let observed = values.filter { $0 > 0 }.count
        var bins = [Double](repeating: 0, count: categories.count)
        for v in values where v.isFinite && v >= 0 {
            let c = Int(v)
            if let k = edges.indices.dropLast().last(where: { edges[$0] <= c }) { bins[k] += 1 }
        }
        if librarySize > 0 { bins[0] += Double(max(0, librarySize - source.keys.count)) }
        doc.record(["data", "samples", name, "count_histogram"], ["bins": categories, "sequences": bins])
        distributions.append(BarSeries(name: name, color: palette[s % palette.count], values: bins))
        rows.append(["<code>\(escapeXML(name))</code>",
                     doc.count(["data", "samples", name, "total"], Int(total)),
                     doc.count(["data", "samples", name, "sequences_observed"], observed),
                     librarySize > 0 ? doc.number(["data", "samples", name, "mean_per_library_sequence"], total / Double(librarySize), digits: 2) : "n/a"])
    }
    doc.paragraph("Library: " + doc.count(["data", "variable_bases"], length) + " variable bases, "
                  + (librarySize > 0 ? doc.count(["data", "library_size"], librarySize) + " possible sequences; " : "")
                  + doc.count(["data", "ddg_rows"], finite.count) + " sequences have a measured ΔΔG"
                  + (librarySize > 0 ? " (" + doc.number(["data", "ddg_fraction_of_library"], Double(finite.count) / Double(librarySize), digits: 3) + " of the library)." : "."))
    if !samples.isEmpty {
        doc.table(header: ["sample", "total count", "sequences observed", "mean per library sequence"], rows: rows)
    }
    let mean = finite.reduce(0, +) / Double(max(1, finite.count))
    let sd = (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, finite.count - 1))).squareRoot()
    let (hEdges, hCounts) = histogram(finite, bins: 60)
    doc.record(["data", "ddg_histogram"], ["edges": hEdges, "counts": hCounts])
    var figures: [(id: String, svg: String, caption: String)] = []
    if !samples.isEmpty {
        figures.append(("fig-counts", barChart(title: "Counts per sequence", yLabel: "sequences", categories: categories,
                                               series: distributions, logY: true),
                        "Sequences by count in each sample (logarithmic axis); the first bin includes library sequences never observed."))
    }
    figures.append(("fig-ddg-histogram", histogramChart(title: "Measured ΔΔG", xLabel: "ΔΔG (kcal/mol)", yLabel: "sequences",
                                                         edges: hEdges, counts: hCounts),
                    "Measured ΔΔG: SD " + doc.number(["data", "ddg_sd"], sd, digits: 3) + " kcal/mol, from "
                    + doc.number(["data", "ddg_min"], finite.min() ?? .nan, digits: 2) + " to "
                    + doc.number(["data", "ddg_max"], finite.max() ?? .nan, digits: 2) + "."))
    doc.figures(figures)
}

// MARK: Models

private func loadModel(path: String, keys: [UInt64], length: Int, threads: Int) throws -> LoadedModel {
    let file = try readModelFile(path: path)
    let model = file.model
    guard model.length == length else {
        throw BETSeqError(.malformedTable, file: path, "the model covers \(model.length) positions; ddg.tsv has \(length)")
    }
    // Centred over the evaluated sequences: only differences between sequences are compared.
    var predictions = try model.rawPredictions(keys, options: PredictionOptions(threads: threads))
    let finite = predictions.filter(\.isFinite)
    let centre = finite.reduce(0, +) / Double(max(1, finite.count))
    for i in predictions.indices { predictions[i] -= centre }
    let heldOut = file.heldOut.map { (set: $0.set, rows: $0.metrics.rows, r2: $0.metrics.r2, pearsonR2: $0.metrics.pearsonR2, rmse: $0.metrics.rmse) }
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    switch file {
    case .neural(let network, _):
        return LoadedModel(name: name, path: path, kind: .neural, parameters: network.parameterCount, energy: nil,
                           heldOut: heldOut, predictions: predictions)
    case .linear(let linear):
        let energy = linear.model
        let features = linear.info?.features ?? (energy.pairs.isEmpty ? "mono" : "pairs")
        return LoadedModel(name: name, path: path, kind: .linear(features), parameters: linear.info?.parameterCount ?? energy.parameterCount,
                           energy: energy, heldOut: heldOut, predictions: predictions)
    }
}

private func modelSection(_ doc: inout ReportDocument, models: [LoadedModel], keys: [UInt64], table: SequenceTable,
                          measured: [Double], library: Bool) {
    doc.section("Models", id: "models")
    guard !models.isEmpty else {
        doc.note("No models were given (<code>--model</code>).")
        return
    }
    var rows: [[String]] = []
    for m in models {
        let p = ["models", m.name]
        doc.record(p + ["path"], m.path)
        doc.record(p + ["kind"], m.kindName)
        let h = m.heldOut
        rows.append(["<code>\(escapeXML(m.name))</code>", escapeXML(m.kindName), doc.count(p + ["parameters"], m.parameters),
                     h.map { escapeXML($0.set) } ?? "none",
                     h.map { doc.count(p + ["held_out", "rows"], $0.rows) } ?? "n/a",
                     h.map { doc.number(p + ["held_out", "r2"], $0.r2) } ?? "n/a",
                     h.map { doc.number(p + ["held_out", "pearson_r2"], $0.pearsonR2) } ?? "n/a",
                     h.map { doc.number(p + ["held_out", "rmse"], $0.rmse) } ?? "n/a"])
    }
    doc.paragraph("Each model's fit to the measured ΔΔG on the rows its fitter held out (recorded in the model file).")
    doc.table(header: ["model", "kind", "parameters", "held-out set", "rows", "R²", "Pearson r²", "RMSE (kcal/mol)"], rows: rows)

    // Fig. 4A/B: how much of the network each linear model explains (or of the measurement, without one).
    let linear = models.filter { !$0.isNeural }.sorted { $0.linearOrder < $1.linearOrder }
    guard !linear.isEmpty else { return }
    let reference: (name: String, values: [Double], rows: [Int])
    if let network = models.first(where: \.isNeural) {
        reference = (network.name, network.predictions, Array(keys.indices))
    } else {
        // Without a network, compare with the measurement on the measured sequences.
        let index = library ? table.keys.map { Int($0) } : Array(table.keys.indices)
        let rows = table.keys.indices.filter { measured[$0].isFinite }
        var values = [Double](repeating: .nan, count: keys.count)
        for r in rows { values[index[r]] = measured[r] }
        reference = ("measured ΔΔG", values, rows.map { index[$0] })
    }
    let refIsNetwork = models.contains(where: \.isNeural)
    doc.record(["comparison", "reference"], reference.name)
    var figures: [(id: String, svg: String, caption: String)] = []
    var explained: [Double] = []
    for m in linear {
        let x = reference.rows.map { m.predictions[$0] }, y = reference.rows.map { reference.values[$0] }
        let r2 = FitMetrics(target: y, prediction: x).pearsonR2
        explained.append(r2)
        figures.append(("fig-scatter-\(m.name)",
                        hexbinChart(title: "\(m.kindName) vs \(refIsNetwork ? "network" : "measured")",
                                    xLabel: "\(m.name) ΔΔG (kcal/mol)", yLabel: "\(reference.name) ΔΔG (kcal/mol)", x: x, y: y),
                        "<code>\(escapeXML(m.name))</code> against <code>\(escapeXML(reference.name))</code> over "
                        + doc.count(["comparison", m.name, "sequences"], x.count) + " sequences: r² "
                        + doc.number(["comparison", m.name, "r2_of_reference"], r2) + "."))
    }
    doc.paragraph(refIsNetwork
        ? "Density of each linear model's prediction against the network's, over every sequence of the library (as <cite>Fig. 4A of Le, Shimko et al., PNAS 2018</cite>); colour is the logarithm of the number of sequences per hexagon, the red line is y = x."
        : "No neural model was given, so each linear model is compared with the measured ΔΔG of the observed sequences.")
    doc.figures(figures)
    let gains = explained.indices.map { $0 == 0 ? explained[0] : explained[$0] - explained[$0 - 1] }
    var gainText: [String] = []
    for (m, g) in zip(linear, gains) {
        gainText.append("<code>\(escapeXML(m.name))</code> " + doc.number(["comparison", m.name, "r2_gain"], g))
    }
    let chart = barChart(title: "Variance of the \(refIsNetwork ? "network" : "measurement") explained",
                         yLabel: "r²", categories: linear.map(\.name),
                         series: [BarSeries(name: "gain over the previous model", color: "#7fa7d4", values: gains)],
                         line: BarSeries(name: "r² (cumulative)", color: "#c0392b", values: explained), yRange: min(0, gains.min() ?? 0)...1)
    doc.figures([("fig-explained", chart,
                  "Models ordered by size (mononucleotide → nearest-neighbour → all dinucleotides, as <cite>Fig. 4B</cite>): bars are each model's gain in r² over the previous one ("
                  + gainText.joined(separator: ", ") + "); the line is the r² itself.")])
}

// MARK: Interpretation

private func interpretationSection(_ doc: inout ReportDocument, models: [LoadedModel], labels: [String]) {
    let linear = models.filter { !$0.isNeural }
    guard !linear.isEmpty else { return }
    doc.section("Interpretation", id: "interpretation")
    let bases = ["A", "C", "G", "T"]
    if let mono = linear.first(where: { if case .linear("mono") = $0.kind { return true } else { return false } })
        ?? linear.first(where: { $0.energy?.pairs.isEmpty == true }), let energy = mono.energy {
        let length = energy.length
        // Main effects: each base relative to the mean of its position.
        let effects = sumToZero(energy)
        let matrix = (0..<length).map { p in Array(effects.mono[(4 * p)..<(4 * p + 4)]) }
        let extent = max(matrix.flatMap { $0 }.map(abs).max() ?? 0, 1e-9)
        var rows: [[String]] = [], styles: [[String?]] = []
        for (b, base) in bases.enumerated() {
            rows.append([base] + (0..<length).map { p in
                doc.number(["interpretation", "energy_matrix", base, labels[p]], matrix[p][b], digits: 2)
            })
            styles.append([nil] + (0..<length).map { "background:\(diverging(matrix[$0][b] / extent))" })
        }
        doc.paragraph("Mononucleotide model <code>\(escapeXML(mono.name))</code>: ΔΔG of each base relative to the mean of its position (kcal/mol; blue = favourable).")
        doc.figures([("fig-logo", energyLogo(title: "Energy logo (\(mono.name))", matrix: matrix, positionLabels: labels),
                      "Letters above the line lower ΔΔG (bind tighter), letters below raise it; height is |ΔΔG| relative to the position mean.")])
        doc.table(header: ["base"] + labels.map { "position \($0)" }, rows: rows, cellStyles: styles)
    }
    // The model with the most pair terms carries the interaction map.
    guard let pairModel = linear.filter({ !($0.energy?.pairs.isEmpty ?? true) }).max(by: { ($0.energy?.pairs.count ?? 0) < ($1.energy?.pairs.count ?? 0) }),
          let energy = pairModel.energy else { return }
    let length = energy.length
    var blocks: [Int: [Double]] = [:]
    var strongest: [(i: Int, j: Int, a: Int, b: Int, value: Double)] = []
    // Interactions double-centred (sum-to-zero coding): what no mononucleotide model can carry.
    for pair in sumToZero(energy).pairs {
        blocks[pair.i * length + pair.j] = pair.ddg
        for k in 0..<16 { strongest.append((pair.i, pair.j, k / 4, k % 4, pair.ddg[k])) }
    }
    strongest.sort { abs($0.value) != abs($1.value) ? abs($0.value) > abs($1.value) : ($0.i, $0.j, $0.a, $0.b) < ($1.i, $1.j, $1.a, $1.b) }
    doc.paragraph("Pairwise terms of <code>\(escapeXML(pairModel.name))</code>, double-centred (each block of base pairs minus its row and column means), so each value is the part of the pair's effect that no mononucleotide model can carry.")
    var rows: [[String]] = []
    for (k, s) in strongest.prefix(12).enumerated() {
        let key = "\(labels[s.i])\(bases[s.a])-\(labels[s.j])\(bases[s.b])"
        doc.record(["interpretation", "strongest_interactions", String(format: "%02d", k + 1), "pair"], key)
        let p = ["interpretation", "strongest_interactions", String(format: "%02d", k + 1)]
        rows.append(["position " + doc.count(p + ["position_i"], s.i + 1) + " \(bases[s.a]) with position "
                     + doc.count(p + ["position_j"], s.j + 1) + " \(bases[s.b])",
                     doc.number(["interpretation", "strongest_interactions", String(format: "%02d", k + 1), "ddg"], s.value, digits: 3)])
    }
    doc.figures([("fig-interactions", interactionMap(title: "Pairwise interactions (\(pairModel.name))", length: length, blocks: blocks,
                                                     positionLabels: labels),
                  "Upper triangle: one block of sixteen base pairs per pair of positions (as <cite>Fig. 4C</cite>); blue pairs bind tighter together than their bases do apart.")])
    doc.table(header: ["strongest interactions", "ΔΔG (kcal/mol)"], rows: rows)
}

// MARK: Truth

private func truthSection(_ doc: inout ReportDocument, truthPath: String, models: [LoadedModel], keys: [UInt64],
                          table: SequenceTable, measured: [Double]) throws {
    let truth = try SequenceTable.landscape(path: truthPath, column: "ddg_true", length: table.length)
    doc.section("Against the truth (simulation)", id: "truth")
    /// Pearson r², and RMSE after removing the mean offset (the zero of ΔΔG is arbitrary).
    func score(_ pairs: [(Double, Double)]) -> (rows: Int, r2: Double, rmse: Double) {
        let m = FitMetrics.offsetFree(target: pairs.map(\.0), prediction: pairs.map(\.1))
        return (pairs.count, m.pearsonR2, pairs.isEmpty ? 0 : m.rmse)
    }
    func trueValue(_ key: UInt64) -> Double? { truth[Int(key)].isFinite ? truth[Int(key)] : nil }
    var rows: [[String]] = []
    var names: [String] = [], values: [Double] = []
    let raw = score(table.keys.indices.compactMap { i in
        guard measured[i].isFinite, let t = trueValue(table.keys[i]) else { return nil }
        return (t, measured[i])
    })
    func row(_ label: String, _ key: String, _ s: (rows: Int, r2: Double, rmse: Double)) {
        rows.append([label, doc.count(["truth", key, "sequences"], s.rows), doc.number(["truth", key, "pearson_r2"], s.r2),
                     doc.number(["truth", key, "rmse"], s.rmse)])
        names.append(key); values.append(s.r2)
    }
    row("raw measured ΔΔG (observed sequences)", "measured", raw)
    for m in models {
        let s = score(keys.indices.compactMap { i in trueValue(keys[i]).map { ($0, m.predictions[i]) } })
        row("<code>\(escapeXML(m.name))</code> (\(escapeXML(m.kindName)), every sequence with a true value)", m.name, s)
    }
    doc.paragraph("Pearson r² with the simulated true ΔΔG, and RMSE after removing the mean offset (ΔΔG has no absolute zero). A high r² with a large RMSE means the estimate ranks sequences well but on a compressed scale (saturation of the bound fraction compresses measured ΔΔG).")
    doc.table(header: ["estimate", "sequences", "Pearson r²", "RMSE (kcal/mol)"], rows: rows)
    doc.figures([("fig-truth", barChart(title: "Agreement with the true ΔΔG", yLabel: "Pearson r²", categories: names,
                                        series: [BarSeries(name: "r²", color: "#5a9e5a", values: values)], yRange: 0...1),
                  "The raw measurement against each model's prediction: a model above the raw bar recovers the truth better than the measurement itself.")])
}

// MARK: Sweep

private func sweepSection(_ doc: inout ReportDocument, path: String) throws {
    let sweep = try SweepTable.read(path: path)
    doc.section("Sequencing depth", id: "sweep")
    var rows: [[String]] = []
    for (k, r) in sweep.rows.enumerated() {
        let p = ["sweep", String(format: "%02d", k + 1)]
        rows.append([doc.count(p + ["depth"], r.depth), doc.number(p + ["mean_reads_per_seq"], r.meanReadsPerSequence, digits: 2),
                     doc.number(p + ["frac_observed"], r.fractionObserved), doc.number(p + ["r2_ddg"], r.r2DDG)])
    }
    let x = sweep.rows.map(\.meanReadsPerSequence)
    let observed = logXLineChart(title: "Library coverage", xLabel: "mean reads per sequence", yLabel: "fraction observed",
                                 series: [ChartSeries(name: "observed", color: "#3b6ea5", points: Array(zip(x, sweep.rows.map(\.fractionObserved))))],
                                 width: 560, height: 340)
    var series = [ChartSeries(name: "r² ΔΔG", color: "#c0392b", points: Array(zip(x, sweep.rows.map(\.r2DDG))),
                              band: sweep.rows.map { ($0.meanReadsPerSequence, $0.r2DDGQ25, $0.r2DDGQ75) })]
    if sweep.rows.contains(where: { $0.r2Ratio.isFinite }) {
        series.append(ChartSeries(name: "r² ratio", color: "#7f8c8d", points: Array(zip(x, sweep.rows.map(\.r2Ratio))), dashed: true))
    }
    let accuracy = logXLineChart(title: "Accuracy of measured ΔΔG", xLabel: "mean reads per sequence", yLabel: "r² vs truth",
                                 series: series, width: 560, height: 340)
    doc.paragraph("Simulated experiments at each depth (as <cite>Fig. 2C</cite>): the fraction of library sequences seen in both fractions, and r² of measured against true ΔΔG (median, band: interquartile range over replicates).")
    doc.figures([("fig-sweep-observed", observed, "Fraction of the library observed."),
                 ("fig-sweep-r2", accuracy, "r² of the measured ΔΔG against the truth.")])
    doc.table(header: ["depth (total reads)", "mean reads per sequence", "fraction observed", "median r²"], rows: rows)
}

/// The chart `betseq simulate sweep` writes beside its table: coverage, r² of ΔΔG with its
/// interquartile band and the published ratio r², against depth (log x).
public func sweepChart(_ sweep: SweepTable, title: String) -> String {
    let x = sweep.rows.map(\.meanReadsPerSequence)
    return logXLineChart(
        title: title, xLabel: "mean reads per sequence per fraction", yLabel: "fraction / r²",
        series: [
            ChartSeries(name: "seen in both", color: "#1b9e77", points: Array(zip(x, sweep.rows.map(\.fractionObserved)))),
            ChartSeries(name: "r² ΔΔG (IQR)", color: "#d95f02", points: Array(zip(x, sweep.rows.map(\.r2DDG))),
                        band: sweep.rows.map { ($0.meanReadsPerSequence, $0.r2DDGQ25, $0.r2DDGQ75) }),
            ChartSeries(name: "r² ratio (published)", color: "#7570b3", points: Array(zip(x, sweep.rows.map(\.r2Ratio))), dashed: true),
        ])
}
