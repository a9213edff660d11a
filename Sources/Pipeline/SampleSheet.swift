import Foundation
import IO
import Sequence
import Simulate

/// A study's sample sheet (`betseq run`, the Snakemake workflow): TSV with a header and one row per
/// FASTQ file, `experiment  replicate  fraction  fastq`, where `fraction` is input, bound or
/// unbound and rows sharing (experiment, replicate, fraction) are lanes of one sample. Optional
/// columns, constant within an experiment: `design` (template; default the BET-seq design),
/// `protein` (display name; default the experiment) and `reference` (input or unbound; default
/// input). Paths are relative to the sheet's folder. Every error names the sheet line.
public struct SampleSheet: Sendable {
    public enum Fraction: String, Sendable, CaseIterable { case input, bound, unbound }

    /// One sequencing library: a fraction of one replicate, read in one or more lanes.
    public struct Sample: Sendable, Equatable {
        public var replicate: String
        public var fraction: Fraction
        public var files: [String]
        /// The count table's column: `<fraction>_<replicate>`.
        public var column: String { "\(fraction.rawValue)_\(replicate)" }
    }

    public struct Experiment: Sendable {
        public var name: String
        public var protein: String
        public var design: DesignTemplate
        public var reference: Fraction
        /// Replicates in order of first appearance.
        public var replicates: [String]
        /// Per replicate, its fractions in the order input, bound, unbound.
        public var samples: [Sample]
        /// The sheet line of the experiment's first row.
        public var line: Int

        public func sample(_ fraction: Fraction, _ replicate: String) -> Sample? {
            samples.first { $0.fraction == fraction && $0.replicate == replicate }
        }
    }

    public var path: String
    public var experiments: [Experiment]

    static let required = ["experiment", "replicate", "fraction", "fastq"]
    static let optional = ["design", "protein", "reference"]

    public static func read(path: String) throws -> SampleSheet {
        let bytes = try readAllBytes(path: path)
        guard let text = String(bytes: bytes, encoding: .utf8), !bytes.contains(0) else {
            throw BETSeqError(.malformedTable, file: path, "not a text file; a sample sheet is TSV with the header experiment, replicate, fraction, fastq")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try parse(text, path: path, folder: folder)
    }

    /// Parses a sheet's text; relative FASTQ paths are resolved against `folder`.
    public static func parse(_ text: String, path: String, folder: String) throws -> SampleSheet {
        func fail(_ line: Int, _ message: String) -> BETSeqError { BETSeqError(.malformedTable, file: path, line: line, message) }
        var header: [String] = []
        var columns: [String: Int] = [:]
        struct Row { var line: Int; var fields: [String] }
        var rows: [Row] = []
        // "\r\n" is one Character in Swift: split on every kind of line end.
        for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if header.isEmpty {
                header = fields
                for (i, name) in fields.enumerated() {
                    guard required.contains(name) || optional.contains(name) else {
                        throw fail(n + 1, "unknown column '\(name)'; a sample sheet has \(required.joined(separator: ", ")) and optionally \(optional.joined(separator: ", "))")
                    }
                    guard columns[name] == nil else { throw fail(n + 1, "column '\(name)' appears twice") }
                    columns[name] = i
                }
                for name in required where columns[name] == nil {
                    throw fail(n + 1, "no column '\(name)'; the header needs \(required.joined(separator: ", "))")
                }
                continue
            }
            guard fields.count == header.count else {
                throw fail(n + 1, "\(fields.count) fields; the header has \(header.count)")
            }
            rows.append(Row(line: n + 1, fields: fields))
        }
        guard !header.isEmpty else { throw BETSeqError(.malformedTable, file: path, "empty sample sheet: expected a header experiment, replicate, fraction, fastq") }
        guard !rows.isEmpty else { throw BETSeqError(.malformedTable, file: path, "no samples below the header") }

        var experiments: [Experiment] = []
        var settings: [String: (design: String, protein: String, reference: String, line: Int)] = [:]
        var seenFiles: [String: Int] = [:]
        for row in rows {
            func field(_ name: String) -> String? { columns[name].map { row.fields[$0] } }
            let name = field("experiment") ?? "", replicate = field("replicate") ?? "", fastq = field("fastq") ?? ""
            guard SampleSheetName.isValid(name) else {
                throw fail(row.line, "experiment '\(name)': use letters, digits, '.', '_' or '-' (it names the output folder)")
            }
            guard !["summary.html", "summary.json"].contains(name) else {
                throw fail(row.line, "experiment '\(name)': the name of the study's summary file; choose another")
            }
            guard SampleSheetName.isValid(replicate) else {
                throw fail(row.line, "replicate '\(replicate)': use letters, digits, '.', '_' or '-' (it names count columns)")
            }
            guard let fraction = Fraction(rawValue: field("fraction") ?? "") else {
                throw fail(row.line, "fraction '\(field("fraction") ?? "")'; expected input, bound or unbound")
            }
            guard !fastq.isEmpty else { throw fail(row.line, "no FASTQ file") }
            let file = fastq.hasPrefix("/") || fastq == "-" || folder.isEmpty ? fastq : (folder as NSString).appendingPathComponent(fastq)
            guard fastq != "-" else { throw fail(row.line, "'-' (standard input) cannot be one of a sheet's files") }
            let key = canonicalPath((file as NSString).standardizingPath)
            if let first = seenFiles[key] { throw fail(row.line, "\(fastq) is already listed on line \(first)") }
            seenFiles[key] = row.line
            let design = field("design").flatMap { $0.isEmpty ? nil : $0 } ?? DesignTemplate.betseqTemplate
            let protein = field("protein").flatMap { $0.isEmpty ? nil : $0 } ?? name
            let reference = field("reference").flatMap { $0.isEmpty ? nil : $0 } ?? "input"
            if let s = settings[name] {
                for (column, value, first) in [("design", design, s.design), ("protein", protein, s.protein), ("reference", reference, s.reference)]
                where value != first {
                    throw fail(row.line, "\(column) '\(value)' differs from '\(first)' on line \(s.line); it must be constant within experiment '\(name)'")
                }
            } else {
                settings[name] = (design, protein, reference, row.line)
                let template: DesignTemplate
                do { template = try DesignTemplate(design) } catch let e as BETSeqError { throw fail(row.line, "design: \(e.message)") }
                guard let ref = Fraction(rawValue: reference), ref != .bound else {
                    throw fail(row.line, "reference '\(reference)'; expected input or unbound")
                }
                experiments.append(Experiment(name: name, protein: protein, design: template, reference: ref, replicates: [], samples: [], line: row.line))
            }
            guard let e = experiments.firstIndex(where: { $0.name == name }) else { continue }
            if !experiments[e].replicates.contains(replicate) { experiments[e].replicates.append(replicate) }
            if let s = experiments[e].samples.firstIndex(where: { $0.fraction == fraction && $0.replicate == replicate }) {
                experiments[e].samples[s].files.append(file)
            } else {
                experiments[e].samples.append(Sample(replicate: replicate, fraction: fraction, files: [file]))
            }
        }
        for e in experiments.indices {
            let ex = experiments[e]
            for replicate in ex.replicates {
                for needed in [Fraction.bound, ex.reference] where ex.sample(needed, replicate) == nil {
                    throw fail(ex.line, "experiment '\(ex.name)', replicate '\(replicate)' has no \(needed.rawValue) reads (ΔΔG needs bound and \(ex.reference.rawValue))")
                }
            }
            // Columns in replicate order, fractions input, bound, unbound within each.
            experiments[e].samples.sort { a, b in
                let ra = ex.replicates.firstIndex(of: a.replicate) ?? 0, rb = ex.replicates.firstIndex(of: b.replicate) ?? 0
                if ra != rb { return ra < rb }
                return Fraction.allCases.firstIndex(of: a.fraction) ?? 0 < Fraction.allCases.firstIndex(of: b.fraction) ?? 0
            }
        }
        return SampleSheet(path: path, experiments: experiments)
    }
}
