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
    /// A simulation's true landscape (Simulate reads it from truth.tsv).
    public var truth: TrueLandscape?
    /// Optional sweep.tsv from `betseq simulate sweep`.
    public var sweep: String?
    public var title = "BET-seq binding report"
    public var threads = 2

    public init(ddg: String, counts: String? = nil, models: [String] = [], truth: TrueLandscape? = nil, sweep: String? = nil) {
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
    let (html, result) = try buildBindingReport(inputs, log: log)
    try writeReport(html: html, result: result, htmlPath: htmlPath, jsonPath: jsonPath)
}

/// Builds the report's result and the page drawn from it.
public func buildBindingReport(_ inputs: BindingReportInputs, log: (String) -> Void = { _ in }) throws -> (html: String, result: BindingReportResult) {
    var doc = ReportDocument(title: inputs.title)
    let table = try DDGTable.read(path: inputs.ddg)
    let length = table.length
    guard length >= 1, !table.keys.isEmpty else { throw BETSeqError(.malformedTable, file: inputs.ddg, "no rows") }
    try inputs.truth?.check(length: length)
    let measured = table.ddg
    let labels = (1...length).map(String.init)
    // Sequences to evaluate models on: the whole library when it can be enumerated, else the table's.
    let library = length <= 12
    let keys: [UInt64] = library ? libraryKeys(length: length) : table.keys

    var inputsLine = "Measured ΔΔG: <code>\(escapeXML(inputs.ddg))</code>"
    if let c = inputs.counts { inputsLine += "; counts: <code>\(escapeXML(c))</code>" }
    if let t = inputs.truth { inputsLine += "; truth: <code>\(escapeXML(t.source))</code>" }
    if let s = inputs.sweep { inputsLine += "; depth sweep: <code>\(escapeXML(s))</code>" }
    doc.paragraph(inputsLine + ". Written by <code>betseq</code>; ΔΔG in kcal/mol, more negative = tighter binding.")

    let data = try dataSection(&doc, inputs: inputs, table: table)
    var result = BindingReportResult(inputs: .init(ddg: inputs.ddg, counts: inputs.counts, models: inputs.models,
                                                   truth: inputs.truth?.source, sweep: inputs.sweep), data: data)
    result.replicates = replicateSection(&doc, table: table)

    log("report: predicting \(keys.count) sequences with \(inputs.models.count) models")
    var models: [LoadedModel] = []
    for path in inputs.models {
        var model = try loadModel(path: path, keys: keys, length: length, threads: inputs.threads)
        var name = model.name, k = 2
        while models.contains(where: { $0.name == name }) { name = "\(model.name)-\(k)"; k += 1 }
        model.name = name
        models.append(model)
    }
    (result.models, result.comparison) = modelSection(&doc, models: models, keys: keys, table: table, measured: measured, library: library)
    result.interpretation = interpretationSection(&doc, models: models, labels: labels)
    if let truth = inputs.truth {
        result.truth = truthSection(&doc, truth: truth, models: models, keys: keys, table: table, measured: measured)
    }
    if let sweep = inputs.sweep { result.sweep = try sweepSection(&doc, path: sweep) }
    return (doc.html, result)
}

// MARK: Data

/// With per-replicate ΔΔG columns: each pair's r², their mean and the density of the first pair.
private func replicateSection(_ doc: inout ReportDocument, table: DDGTable) -> BindingReportResult.Replicates? {
    let agreement = ReplicateAgreement(table)
    guard let meanR2 = agreement.meanR2, let first = agreement.pairs.first else { return nil }
    let result = BindingReportResult.Replicates(r2: meanR2, pairs: Dictionary(agreement.pairs.map { p in
        ("\(p.a)_vs_\(p.b)", .init(r2: p.r2, sequences: p.sequences))
    }, uniquingKeysWith: { a, _ in a }))
    doc.section("Replicate agreement", id: "replicates")
    let rows = agreement.pairs.map { p -> [String] in
        let key = ["replicates", "pairs", "\(p.a)_vs_\(p.b)"]
        return ["\(escapeXML(p.a)) vs \(escapeXML(p.b))", doc.number(key + ["r2"], p.r2), doc.count(key + ["sequences"], p.sequences)]
    }
    doc.paragraph("Per-replicate ΔΔG agree with r² \(doc.number(["replicates", "r2"], result.r2)) (mean over pairs of replicates, sequences both measured).")
    doc.table(header: ["replicates", "Pearson r²", "sequences in both"], rows: rows)
    doc.figures([("replicates", hexbinChart(title: "Replicate ΔΔG", xLabel: "ΔΔG replicate \(first.a) (kcal/mol)",
                                            yLabel: "ΔΔG replicate \(first.b) (kcal/mol)", x: agreement.firstPoints.x, y: agreement.firstPoints.y),
                  "Per-replicate ΔΔG of the sequences both replicates measured (density).")])
    return result
}

private func dataSection(_ doc: inout ReportDocument, inputs: BindingReportInputs, table: DDGTable) throws -> BindingReportResult.DataSummary {
    let length = table.length
    let librarySize = length <= 30 ? Int(pow(4.0, Double(length))) : 0
    let finite = table.ddg.filter(\.isFinite)
    // Samples: the count table's columns, else the ΔΔG table's count columns.
    let samples: [(name: String, values: [Double])], seen: Int
    if let path = inputs.counts {
        let counts = try CountTable.read(path: path)
        guard counts.length == length else {
            throw BETSeqError(.malformedTable, file: path, "sequences have \(counts.length) bases; ddg.tsv has \(length)")
        }
        samples = zip(counts.samples, counts.counts).map { ($0, $1.map(Double.init)) }
        seen = counts.keys.count
    } else {
        samples = table.counts
        seen = table.keys.count
    }
    // Count bins 0, 1, 2, 3–4, 5–8, … (powers of two), zero including library members never seen.
    let maxCount = samples.compactMap { $0.values.max() }.max() ?? 0
    var edges = [0, 1, 2, 3]
    while Double(edges.last ?? 0) <= maxCount { edges.append(2 * (edges.last ?? 1) - 1) }
    let categories = edges.indices.dropLast().map { k -> String in
        let lo = edges[k], hi = edges[k + 1] - 1
        return lo == hi ? "\(lo)" : "\(lo)–\(hi)"
    }
    var sampleSummaries: [(name: String, summary: BindingReportResult.DataSummary.Sample)] = []
    for (name, values) in samples {
        var bins = [Double](repeating: 0, count: categories.count)
        for v in values where v.isFinite && v >= 0 {
            let c = Int(v)
            if let k = edges.indices.dropLast().last(where: { edges[$0] <= c }) { bins[k] += 1 }
        }
        if librarySize > 0 { bins[0] += Double(max(0, librarySize - seen)) }
        let total = values.filter(\.isFinite).reduce(0, +)
        sampleSummaries.append((name, .init(countHistogram: .init(bins: categories, sequences: bins), total: Int(total),
                                            sequencesObserved: values.filter { $0 > 0 }.count,
                                            meanPerLibrarySequence: librarySize > 0 ? total / Double(librarySize) : nil)))
    }
    let (hEdges, hCounts) = histogram(finite, bins: 60)
    let data = BindingReportResult.DataSummary(
        variableBases: length, librarySize: librarySize > 0 ? librarySize : nil, ddgRows: finite.count,
        ddgFractionOfLibrary: librarySize > 0 ? Double(finite.count) / Double(librarySize) : nil,
        samples: sampleSummaries.isEmpty ? nil : Dictionary(sampleSummaries.map { ($0.name, $0.summary) }, uniquingKeysWith: { a, _ in a }),
        ddgHistogram: .init(edges: hEdges, counts: hCounts), ddgSD: standardDeviation(finite),
        ddgMin: finite.min() ?? .nan, ddgMax: finite.max() ?? .nan)

    doc.section("Data", id: "data")
    var rows: [[String]] = []
    var distributions: [BarSeries] = []
    let palette = ["#3b6ea5", "#e07b39", "#5a9e5a", "#9b59b6", "#7f8c8d"]
    for (s, (name, summary)) in sampleSummaries.enumerated() {
        distributions.append(BarSeries(name: name, color: palette[s % palette.count], values: summary.countHistogram.sequences))
        rows.append(["<code>\(escapeXML(name))</code>",
                     doc.count(["data", "samples", name, "total"], summary.total),
                     doc.count(["data", "samples", name, "sequences_observed"], summary.sequencesObserved),
                     summary.meanPerLibrarySequence.map { doc.number(["data", "samples", name, "mean_per_library_sequence"], $0, digits: 2) } ?? "n/a"])
    }
    doc.paragraph("Library: " + doc.count(["data", "variable_bases"], data.variableBases) + " variable bases, "
                  + (data.librarySize.map { doc.count(["data", "library_size"], $0) + " possible sequences; " } ?? "")
                  + doc.count(["data", "ddg_rows"], data.ddgRows) + " sequences have a measured ΔΔG"
                  + (data.ddgFractionOfLibrary.map { " (" + doc.number(["data", "ddg_fraction_of_library"], $0, digits: 3) + " of the library)." } ?? "."))
    if !sampleSummaries.isEmpty {
        doc.table(header: ["sample", "total count", "sequences observed", "mean per library sequence"], rows: rows)
    }
    var figures: [(id: String, svg: String, caption: String)] = []
    if !sampleSummaries.isEmpty {
        figures.append(("fig-counts", barChart(title: "Counts per sequence", yLabel: "sequences", categories: categories,
                                               series: distributions, logY: true),
                        "Sequences by count in each sample (logarithmic axis); the first bin includes library sequences never observed."))
    }
    figures.append(("fig-ddg-histogram", histogramChart(title: "Measured ΔΔG", xLabel: "ΔΔG (kcal/mol)", yLabel: "sequences",
                                                         edges: data.ddgHistogram.edges, counts: data.ddgHistogram.counts),
                    "Measured ΔΔG: SD " + doc.number(["data", "ddg_sd"], data.ddgSD, digits: 3) + " kcal/mol, from "
                    + doc.number(["data", "ddg_min"], data.ddgMin, digits: 2) + " to "
                    + doc.number(["data", "ddg_max"], data.ddgMax, digits: 2) + "."))
    doc.figures(figures)
    return data
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
    centreFinite(&predictions)
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

private func modelSection(_ doc: inout ReportDocument, models: [LoadedModel], keys: [UInt64], table: DDGTable,
                          measured: [Double], library: Bool) -> ([String: BindingReportResult.Model]?, BindingReportResult.Comparison?) {
    doc.section("Models", id: "models")
    guard !models.isEmpty else {
        doc.note("No models were given (<code>--model</code>).")
        return (nil, nil)
    }
    var summaries: [String: BindingReportResult.Model] = [:]
    var rows: [[String]] = []
    for m in models {
        let p = ["models", m.name]
        let h = m.heldOut.map { BindingReportResult.Model.HeldOut(rows: $0.rows, r2: $0.r2, pearsonR2: $0.pearsonR2, rmse: $0.rmse) }
        let summary = BindingReportResult.Model(path: m.path, kind: m.kindName, parameters: m.parameters, heldOut: h)
        summaries[m.name] = summary
        rows.append(["<code>\(escapeXML(m.name))</code>", escapeXML(summary.kind), doc.count(p + ["parameters"], summary.parameters),
                     m.heldOut.map { escapeXML($0.set) } ?? "none",
                     h.map { doc.count(p + ["held_out", "rows"], $0.rows) } ?? "n/a",
                     h.map { doc.number(p + ["held_out", "r2"], $0.r2) } ?? "n/a",
                     h.map { doc.number(p + ["held_out", "pearson_r2"], $0.pearsonR2) } ?? "n/a",
                     h.map { doc.number(p + ["held_out", "rmse"], $0.rmse) } ?? "n/a"])
    }
    doc.paragraph("Each model's fit to the measured ΔΔG on the rows its fitter held out (recorded in the model file).")
    doc.table(header: ["model", "kind", "parameters", "held-out set", "rows", "R²", "Pearson r²", "RMSE (kcal/mol)"], rows: rows)

    // Fig. 4A/B: how much of the network each linear model explains (or of the measurement, without one).
    let linear = models.filter { !$0.isNeural }.sorted { $0.linearOrder < $1.linearOrder }
    guard !linear.isEmpty else { return (summaries, nil) }
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
    let points = linear.map { m in (x: reference.rows.map { m.predictions[$0] }, y: reference.rows.map { reference.values[$0] }) }
    let explained = points.map { FitMetrics(target: $0.y, prediction: $0.x).pearsonR2 }
    let gains = explained.indices.map { $0 == 0 ? explained[0] : explained[$0] - explained[$0 - 1] }
    var entries: [String: BindingReportResult.Comparison.Entry] = [:]
    for (k, m) in linear.enumerated() { entries[m.name] = .init(sequences: points[k].x.count, r2OfReference: explained[k], r2Gain: gains[k]) }
    let comparison = BindingReportResult.Comparison(reference: reference.name, models: entries)

    var figures: [(id: String, svg: String, caption: String)] = []
    for (k, m) in linear.enumerated() {
        let e = ["comparison", m.name]
        figures.append(("fig-scatter-\(m.name)",
                        hexbinChart(title: "\(m.kindName) vs \(refIsNetwork ? "network" : "measured")",
                                    xLabel: "\(m.name) ΔΔG (kcal/mol)", yLabel: "\(reference.name) ΔΔG (kcal/mol)", x: points[k].x, y: points[k].y),
                        "<code>\(escapeXML(m.name))</code> against <code>\(escapeXML(reference.name))</code> over "
                        + doc.count(e + ["sequences"], points[k].x.count) + " sequences: r² "
                        + doc.number(e + ["r2_of_reference"], explained[k]) + "."))
    }
    doc.paragraph(refIsNetwork
        ? "Density of each linear model's prediction against the network's, over every sequence of the library (as <cite>Fig. 4A of Le, Shimko et al., PNAS 2018</cite>); colour is the logarithm of the number of sequences per hexagon, the red line is y = x."
        : "No neural model was given, so each linear model is compared with the measured ΔΔG of the observed sequences.")
    doc.figures(figures)
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
    return (summaries, comparison)
}

// MARK: Interpretation

private func interpretationSection(_ doc: inout ReportDocument, models: [LoadedModel], labels: [String]) -> BindingReportResult.Interpretation? {
    let linear = models.filter { !$0.isNeural }
    guard !linear.isEmpty else { return nil }
    var result = BindingReportResult.Interpretation()
    doc.section("Interpretation", id: "interpretation")
    let bases = ["A", "C", "G", "T"]
    if let mono = linear.first(where: { if case .linear("mono") = $0.kind { return true } else { return false } })
        ?? linear.first(where: { $0.energy?.pairs.isEmpty == true }), let energy = mono.energy {
        let length = energy.length
        // Main effects: each base relative to the mean of its position.
        let effects = sumToZero(energy)
        let matrix = (0..<length).map { p in Array(effects.mono[(4 * p)..<(4 * p + 4)]) }
        result.energyMatrix = Dictionary(uniqueKeysWithValues: bases.enumerated().map { b, base in
            (base, Dictionary((0..<length).map { (labels[$0], ReportNumber(wrappedValue: matrix[$0][b])) }, uniquingKeysWith: { a, _ in a }))
        })
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
          let energy = pairModel.energy else { return result }
    let length = energy.length
    var blocks: [Int: [Double]] = [:]
    var strongest: [(i: Int, j: Int, a: Int, b: Int, value: Double)] = []
    // Interactions double-centred (sum-to-zero coding): what no mononucleotide model can carry.
    for pair in sumToZero(energy).pairs {
        blocks[pair.i * length + pair.j] = pair.ddg
        for k in 0..<16 { strongest.append((pair.i, pair.j, k / 4, k % 4, pair.ddg[k])) }
    }
    strongest.sort { abs($0.value) != abs($1.value) ? abs($0.value) > abs($1.value) : ($0.i, $0.j, $0.a, $0.b) < ($1.i, $1.j, $1.a, $1.b) }
    let top = strongest.prefix(12).enumerated().map { k, s in
        (rank: String(format: "%02d", k + 1), s: s,
         entry: BindingReportResult.Interpretation.Interaction(pair: "\(labels[s.i])\(bases[s.a])-\(labels[s.j])\(bases[s.b])",
                                                               positionI: s.i + 1, positionJ: s.j + 1, ddg: s.value))
    }
    result.strongestInteractions = Dictionary(top.map { ($0.rank, $0.entry) }, uniquingKeysWith: { a, _ in a })
    doc.paragraph("Pairwise terms of <code>\(escapeXML(pairModel.name))</code>, double-centred (each block of base pairs minus its row and column means), so each value is the part of the pair's effect that no mononucleotide model can carry.")
    let rows = top.map { t -> [String] in
        let p = ["interpretation", "strongest_interactions", t.rank]
        return ["position " + doc.count(p + ["position_i"], t.entry.positionI) + " \(bases[t.s.a]) with position "
                + doc.count(p + ["position_j"], t.entry.positionJ) + " \(bases[t.s.b])",
                doc.number(p + ["ddg"], t.entry.ddg, digits: 3)]
    }
    doc.figures([("fig-interactions", interactionMap(title: "Pairwise interactions (\(pairModel.name))", length: length, blocks: blocks,
                                                     positionLabels: labels),
                  "Upper triangle: one block of sixteen base pairs per pair of positions (as <cite>Fig. 4C</cite>); blue pairs bind tighter together than their bases do apart.")])
    doc.table(header: ["strongest interactions", "ΔΔG (kcal/mol)"], rows: rows)
    return result
}

// MARK: Truth

private func truthSection(_ doc: inout ReportDocument, truth: TrueLandscape, models: [LoadedModel], keys: [UInt64],
                          table: DDGTable, measured: [Double]) -> [String: BindingReportResult.TruthScore] {
    /// Pearson r², and RMSE after removing the mean offset (the zero of ΔΔG is arbitrary).
    func score(_ pairs: [(Double, Double)]) -> BindingReportResult.TruthScore {
        let m = FitMetrics.offsetFree(target: pairs.map(\.0), prediction: pairs.map(\.1))
        return .init(sequences: pairs.count, pearsonR2: m.pearsonR2, rmse: pairs.isEmpty ? 0 : m.rmse)
    }
    var scores: [(key: String, label: String, score: BindingReportResult.TruthScore)] = []
    scores.append(("measured", "raw measured ΔΔG (observed sequences)", score(table.keys.indices.compactMap { i in
        guard measured[i].isFinite, let t = truth.value(table.keys[i]) else { return nil }
        return (t, measured[i])
    })))
    for m in models {
        scores.append((m.name, "<code>\(escapeXML(m.name))</code> (\(escapeXML(m.kindName)), every sequence with a true value)",
                       score(keys.indices.compactMap { i in truth.value(keys[i]).map { ($0, m.predictions[i]) } })))
    }
    doc.section("Against the truth (simulation)", id: "truth")
    let rows = scores.map { key, label, s in
        [label, doc.count(["truth", key, "sequences"], s.sequences), doc.number(["truth", key, "pearson_r2"], s.pearsonR2),
         doc.number(["truth", key, "rmse"], s.rmse)]
    }
    doc.paragraph("Pearson r² with the simulated true ΔΔG, and RMSE after removing the mean offset (ΔΔG has no absolute zero). A high r² with a large RMSE means the estimate ranks sequences well but on a compressed scale (saturation of the bound fraction compresses measured ΔΔG).")
    doc.table(header: ["estimate", "sequences", "Pearson r²", "RMSE (kcal/mol)"], rows: rows)
    doc.figures([("fig-truth", barChart(title: "Agreement with the true ΔΔG", yLabel: "Pearson r²", categories: scores.map(\.key),
                                        series: [BarSeries(name: "r²", color: "#5a9e5a", values: scores.map(\.score.pearsonR2))], yRange: 0...1),
                  "The raw measurement against each model's prediction: a model above the raw bar recovers the truth better than the measurement itself.")])
    return Dictionary(scores.map { ($0.key, $0.score) }, uniquingKeysWith: { _, later in later })
}

// MARK: Sweep

private func sweepSection(_ doc: inout ReportDocument, path: String) throws -> [String: BindingReportResult.SweepPoint] {
    let sweep = try SweepTable.read(path: path)
    let points = sweep.rows.enumerated().map { k, r in
        (String(format: "%02d", k + 1), BindingReportResult.SweepPoint(depth: r.depth, meanReadsPerSeq: r.meanReadsPerSequence,
                                                                      fracObserved: r.fractionObserved, r2DDG: r.r2DDG))
    }
    doc.section("Sequencing depth", id: "sweep")
    let rows = points.map { key, r -> [String] in
        let p = ["sweep", key]
        return [doc.count(p + ["depth"], r.depth), doc.number(p + ["mean_reads_per_seq"], r.meanReadsPerSeq, digits: 2),
                doc.number(p + ["frac_observed"], r.fracObserved), doc.number(p + ["r2_ddg"], r.r2DDG)]
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
    return Dictionary(points, uniquingKeysWith: { a, _ in a })
}
