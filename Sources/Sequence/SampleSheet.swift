import Foundation
import IO

/// A study's sample sheet (`betseq run`, the Snakemake workflow): TSV with a header and one row per
/// FASTQ file, `experiment  replicate  fraction  fastq`, where `fraction` is input, bound or
/// unbound and rows sharing (experiment, replicate, fraction) are lanes of one sample. Optional
/// columns, constant within an experiment: `design` (template; default the BET-seq design),
/// `protein` (display name; default the experiment) and `reference` (input or unbound; default
/// input). Paths are relative to the sheet's folder. Every error names the sheet line.
///
/// This type owns the format: its columns, the names it accepts, the `<fraction>_<replicate>` rule
/// that names count-table columns, its reader and its writer (`format(rows:)`).
public struct SampleSheet: Sendable {
    public enum Fraction: String, Sendable, CaseIterable { case input, bound, unbound }

    /// The sheet's column names.
    public enum Column {
        public static let experiment = "experiment", replicate = "replicate", fraction = "fraction", fastq = "fastq"
        public static let design = "design", protein = "protein", reference = "reference"
        public static let required = [experiment, replicate, fraction, fastq]
        public static let optional = [design, protein, reference]
    }

    /// The count-table column of a fraction of a replicate: `<fraction>_<replicate>`.
    public static func countColumn(fraction: String, replicate: String) -> String { "\(fraction)_\(replicate)" }

    /// Whether `s` can name an experiment or a replicate (they name folders and columns): letters,
    /// digits, '.', '_' or '-', not starting with '.'.
    public static func isValidName(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix(".") && s.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 45
        }
    }

    /// One line of a sheet to write.
    public struct Row: Sendable, Equatable {
        public var experiment: String
        public var replicate: String
        public var fraction: Fraction
        public var fastq: String
        public var design: String?
        public var protein: String?
        public var reference: Fraction?
        public init(experiment: String, replicate: String, fraction: Fraction, fastq: String, design: String? = nil,
                    protein: String? = nil, reference: Fraction? = nil) {
            self.experiment = experiment
            self.replicate = replicate
            self.fraction = fraction
            self.fastq = fastq
            self.design = design
            self.protein = protein
            self.reference = reference
        }
    }

    /// A sheet's text: the header (the required columns and each optional one some row sets),
    /// then one line per row.
    public static func format(rows: [Row]) -> String {
        let optional: [(String, (Row) -> String?)] = [(Column.design, \.design), (Column.protein, \.protein),
                                                     (Column.reference, { $0.reference?.rawValue })]
        let used = optional.filter { _, value in rows.contains { value($0) != nil } }
        var text = (Column.required + used.map(\.0)).joined(separator: "\t") + "\n"
        for r in rows {
            text += ([r.experiment, r.replicate, r.fraction.rawValue, r.fastq] + used.map { $0.1(r) ?? "" }).joined(separator: "\t") + "\n"
        }
        return text
    }

    /// One sequencing library: a fraction of one replicate, read in one or more lanes.
    public struct Sample: Sendable, Equatable {
        public var replicate: String
        public var fraction: Fraction
        public var files: [String]
        /// The count table's column: `<fraction>_<replicate>`.
        public var column: String { SampleSheet.countColumn(fraction: fraction.rawValue, replicate: replicate) }
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
                    guard Column.required.contains(name) || Column.optional.contains(name) else {
                        throw fail(n + 1, "unknown column '\(name)'; a sample sheet has \(Column.required.joined(separator: ", ")) and optionally \(Column.optional.joined(separator: ", "))")
                    }
                    guard columns[name] == nil else { throw fail(n + 1, "column '\(name)' appears twice") }
                    columns[name] = i
                }
                for name in Column.required where columns[name] == nil {
                    throw fail(n + 1, "no column '\(name)'; the header needs \(Column.required.joined(separator: ", "))")
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
            let name = field(Column.experiment) ?? "", replicate = field(Column.replicate) ?? "", fastq = field(Column.fastq) ?? ""
            guard isValidName(name) else {
                throw fail(row.line, "experiment '\(name)': use letters, digits, '.', '_' or '-' (it names the output folder)")
            }
            guard isValidName(replicate) else {
                throw fail(row.line, "replicate '\(replicate)': use letters, digits, '.', '_' or '-' (it names count columns)")
            }
            guard let fraction = Fraction(rawValue: field(Column.fraction) ?? "") else {
                throw fail(row.line, "fraction '\(field(Column.fraction) ?? "")'; expected input, bound or unbound")
            }
            guard !fastq.isEmpty else { throw fail(row.line, "no FASTQ file") }
            let file = fastq.hasPrefix("/") || fastq == "-" || folder.isEmpty ? fastq : (folder as NSString).appendingPathComponent(fastq)
            guard fastq != "-" else { throw fail(row.line, "'-' (standard input) cannot be one of a sheet's files") }
            let key = canonicalPath((file as NSString).standardizingPath)
            if let first = seenFiles[key] { throw fail(row.line, "\(fastq) is already listed on line \(first)") }
            seenFiles[key] = row.line
            let design = field(Column.design).flatMap { $0.isEmpty ? nil : $0 } ?? DesignTemplate.betseqTemplate
            let protein = field(Column.protein).flatMap { $0.isEmpty ? nil : $0 } ?? name
            let reference = field(Column.reference).flatMap { $0.isEmpty ? nil : $0 } ?? Fraction.input.rawValue
            if let s = settings[name] {
                for (column, value, first) in [(Column.design, design, s.design), (Column.protein, protein, s.protein), (Column.reference, reference, s.reference)]
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

extension SampleSheet.Experiment {
    /// Count columns: `<fraction>_<replicate>`, replicate by replicate.
    public var countColumns: [String] { samples.map(\.column) }
    public var boundColumns: [String] { replicates.map { SampleSheet.countColumn(fraction: SampleSheet.Fraction.bound.rawValue, replicate: $0) } }
    public var referenceColumns: [String] { replicates.map { SampleSheet.countColumn(fraction: reference.rawValue, replicate: $0) } }
}

/// A checked sheet as `betseq run plan` prints it (the Snakemake workflow reads it): experiments in
/// order, each with its settings, replicates, count columns and samples with resolved files.
public struct StudyPlan: Codable, Sendable, Equatable {
    public struct Sample: Codable, Sendable, Equatable {
        public var column, fraction, replicate: String
        public var files: [String]
    }
    public struct Experiment: Codable, Sendable, Equatable {
        public var name, protein, design, reference: String
        public var replicates: [String]
        public var boundColumns, referenceColumns: [String]
        public var samples: [Sample]
        enum CodingKeys: String, CodingKey {
            case name, protein, design, reference, replicates, samples
            case boundColumns = "bound_columns", referenceColumns = "reference_columns"
        }
    }
    public var sheet: String
    public var experiments: [Experiment]

    public init(_ sheet: SampleSheet) {
        self.sheet = sheet.path
        experiments = sheet.experiments.map { e in
            Experiment(name: e.name, protein: e.protein, design: e.design.template, reference: e.reference.rawValue,
                       replicates: e.replicates, boundColumns: e.boundColumns, referenceColumns: e.referenceColumns,
                       samples: e.samples.map { Sample(column: $0.column, fraction: $0.fraction.rawValue, replicate: $0.replicate, files: $0.files) })
        }
    }

    /// Writes the plan as JSON ('-': standard output); slashes escaped as the plan always wrote them.
    public func write(path: String) throws {
        try writeFile(JSONFile.encode(self, layout: .document), path: path)
    }
}
