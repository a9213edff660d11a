/// `report.json`: every number `report.html` shows, as the page was drawn from it. Keys are the
/// `data-k` paths of the page's numbers; optional parts are absent when the page has no section
/// for them.
public struct BindingReportResult: Codable, Sendable {
    public var betseqReportVersion = 1
    public var inputs: Inputs
    public var data: DataSummary
    public var replicates: Replicates?
    public var models: [String: Model]?
    public var comparison: Comparison?
    public var interpretation: Interpretation?
    public var truth: [String: TruthScore]?
    public var sweep: [String: SweepPoint]?

    enum CodingKeys: String, CodingKey {
        case betseqReportVersion = "betseq_report_version"
        case inputs, data, replicates, models, comparison, interpretation, truth, sweep
    }

    /// The files the report was drawn from.
    public struct Inputs: Codable, Sendable, Equatable {
        public var ddg: String
        @NullWhenAbsent public var counts: String?
        public var models: [String]
        @NullWhenAbsent public var truth: String?
        @NullWhenAbsent public var sweep: String?
    }

    public struct DataSummary: Codable, Sendable {
        public var variableBases: Int
        /// 4^L, when L ≤ 30.
        public var librarySize: Int?
        public var ddgRows: Int
        public var ddgFractionOfLibrary: Double?
        /// Per sample (absent without samples).
        public var samples: [String: Sample]?
        public var ddgHistogram: Histogram
        @ReportNumber public var ddgSD: Double
        @ReportNumber public var ddgMin: Double
        @ReportNumber public var ddgMax: Double

        enum CodingKeys: String, CodingKey {
            case variableBases = "variable_bases", librarySize = "library_size", ddgRows = "ddg_rows"
            case ddgFractionOfLibrary = "ddg_fraction_of_library", samples, ddgHistogram = "ddg_histogram"
            case ddgSD = "ddg_sd", ddgMin = "ddg_min", ddgMax = "ddg_max"
        }

        public struct Sample: Codable, Sendable {
            public var countHistogram: CountHistogram
            public var total: Int
            public var sequencesObserved: Int
            public var meanPerLibrarySequence: Double?
            enum CodingKeys: String, CodingKey {
                case countHistogram = "count_histogram", total, sequencesObserved = "sequences_observed"
                case meanPerLibrarySequence = "mean_per_library_sequence"
            }
        }

        /// Sequences per count bin (bins 0, 1, 2, 3–4, 5–8, …; 0 includes sequences never seen).
        public struct CountHistogram: Codable, Sendable {
            public var bins: [String]
            public var sequences: [Double]
        }

        public struct Histogram: Codable, Sendable {
            public var edges: [Double]
            public var counts: [Double]
        }
    }

    public struct Replicates: Codable, Sendable {
        /// Mean r² over the pairs of replicates.
        @ReportNumber public var r2: Double
        /// By `<a>_vs_<b>`.
        public var pairs: [String: Pair]
        public struct Pair: Codable, Sendable {
            @ReportNumber public var r2: Double
            public var sequences: Int
        }
    }

    public struct Model: Codable, Sendable {
        public var path: String
        public var kind: String
        public var parameters: Int
        /// Held-out fit to the measured ΔΔG as the fitter recorded it.
        public var heldOut: HeldOut?
        enum CodingKeys: String, CodingKey { case path, kind, parameters, heldOut = "held_out" }

        public struct HeldOut: Codable, Sendable {
            public var rows: Int
            @ReportNumber public var r2: Double
            @ReportNumber public var pearsonR2: Double
            @ReportNumber public var rmse: Double
            enum CodingKeys: String, CodingKey { case rows, r2, pearsonR2 = "pearson_r2", rmse }
        }
    }

    /// How much of the reference (the network, or the measurement without one) each linear model
    /// explains (Fig. 4A/B): `reference` beside one entry per linear model, by name.
    public struct Comparison: Codable, Sendable {
        public var reference: String
        public var models: [String: Entry]

        public struct Entry: Codable, Sendable {
            public var sequences: Int
            @ReportNumber public var r2OfReference: Double
            @ReportNumber public var r2Gain: Double
            enum CodingKeys: String, CodingKey { case sequences, r2OfReference = "r2_of_reference", r2Gain = "r2_gain" }
        }

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public init(reference: String, models: [String: Entry]) {
            self.reference = reference
            self.models = models
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            for (name, entry) in models where name != "reference" { try c.encode(entry, forKey: Key(stringValue: name)) }
            try c.encode(reference, forKey: Key(stringValue: "reference"))
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            reference = try c.decode(String.self, forKey: Key(stringValue: "reference"))
            models = [:]
            for key in c.allKeys where key.stringValue != "reference" { models[key.stringValue] = try c.decode(Entry.self, forKey: key) }
        }
    }

    public struct Interpretation: Codable, Sendable {
        /// Base → position label → ΔΔG relative to the position mean (mononucleotide model).
        public var energyMatrix: [String: [String: ReportNumber]]?
        /// By rank, "01" first.
        public var strongestInteractions: [String: Interaction]?
        enum CodingKeys: String, CodingKey { case energyMatrix = "energy_matrix", strongestInteractions = "strongest_interactions" }

        public struct Interaction: Codable, Sendable {
            public var pair: String
            public var positionI: Int
            public var positionJ: Int
            @ReportNumber public var ddg: Double
            enum CodingKeys: String, CodingKey { case pair, positionI = "position_i", positionJ = "position_j", ddg }
        }
    }

    public struct TruthScore: Codable, Sendable {
        public var sequences: Int
        @ReportNumber public var pearsonR2: Double
        @ReportNumber public var rmse: Double
        enum CodingKeys: String, CodingKey { case sequences, pearsonR2 = "pearson_r2", rmse }
    }

    public struct SweepPoint: Codable, Sendable {
        public var depth: Int
        @ReportNumber public var meanReadsPerSeq: Double
        @ReportNumber public var fracObserved: Double
        @ReportNumber public var r2DDG: Double
        enum CodingKeys: String, CodingKey {
            case depth, meanReadsPerSeq = "mean_reads_per_seq", fracObserved = "frac_observed", r2DDG = "r2_ddg"
        }
    }
}
