import Foundation
import IO
import Sequence

/// Everything that defines a simulated BET-seq experiment besides the landscape.
public struct SimulationSettings: Sendable {
    public var design: DesignTemplate = .betseq
    public var conditions = BindingConditions()
    /// SD of log-normal synthesis bias in input abundance (0 = uniform library).
    public var inputBiasSD = 0.0
    /// Reads per fraction; 0 leaves the fraction out (unbound is off unless asked for).
    public var inputReads = 10_000_000
    public var boundReads = 10_000_000
    public var unboundReads = 0
    /// Share of reads that are PCR duplicates.
    public var duplicateFraction = 0.0
    public var seed: UInt64 = 1
    /// Replicate experiments share the landscape, the library's abundances and the equilibrium,
    /// and draw their molecules and reads from their own streams (replicate 0 is the single run).
    public var replicate: UInt64 = 0
    public var threads = 2

    public init() {}
}

/// A simulated experiment: truth, equilibrium and the sequenced fractions.
public struct SimulationResult: Sendable {
    public let landscape: Landscape
    /// Relative input abundance, sums to 1.
    public let abundance: [Double]
    public let binding: BindingState
    /// In column order: input, bound, unbound (those with reads).
    public let fractions: [SampledFraction]
    public let settings: SimulationSettings
    /// Wall seconds of the equilibrium solve and of sampling the fractions.
    public var seconds: (equilibrium: Double, sampling: Double) = (0, 0)
}

/// Runs the equilibrium and samples every fraction (fractions in parallel, each on its own
/// random stream).
public func simulate(landscape: Landscape, settings: SimulationSettings) throws -> SimulationResult {
    guard landscape.length == settings.design.variableLength else {
        throw BETSeqError(.invalidOption, file: landscape.origin,
                         "the landscape has \(landscape.length) positions but the design has \(settings.design.variableLength) variable bases")
    }
    let clock = Date()
    let abundance = try libraryAbundance(count: landscape.count, logNormalSD: settings.inputBiasSD, seed: settings.seed)
    let binding = try solveBinding(ddg: landscape.ddg, abundance: abundance, conditions: settings.conditions)
    let solved = Date()
    var jobs: [(name: String, reads: Int, weights: [Double], stream: UInt64)] = []
    if settings.inputReads > 0 { jobs.append(("input", settings.inputReads, abundance, Streams.input)) }
    if settings.boundReads > 0 { jobs.append(("bound", settings.boundReads, binding.bound, Streams.bound)) }
    if settings.unboundReads > 0 { jobs.append(("unbound", settings.unboundReads, binding.unbound, Streams.unbound)) }
    guard !jobs.isEmpty else { throw BETSeqError(.invalidOption, file: "simulate", "every fraction has 0 reads") }
    let umiLength = settings.design.umiLength
    let slots = UnsafeMutableBufferPointer<SampledFraction?>.allocate(capacity: jobs.count)
    slots.initialize(repeating: nil)
    defer { slots.deinitialize(); slots.deallocate() }
    nonisolated(unsafe) let out = slots
    let frozen = jobs
    try parallelJobs(jobs.count, threads: settings.threads) { j, _ in
        let job = frozen[j]
        out[j] = try sequenceFraction(name: job.name, plan: MultinomialPlan(weights: job.weights), reads: job.reads,
                                      duplicateFraction: settings.duplicateFraction, umiLength: umiLength,
                                      seed: settings.seed, stream: job.stream + 1000 * settings.replicate)
    }
    let fractions = slots.compactMap { $0 }
    var result = SimulationResult(landscape: landscape, abundance: abundance, binding: binding,
                                  fractions: fractions, settings: settings)
    result.seconds = (solved.timeIntervalSince(clock), Date().timeIntervalSince(solved))
    return result
}

extension SimulationResult {
    /// `truth.tsv` (see `TruthTable`).
    public func writeTruth(path: String) throws {
        try TruthTable.write(landscape, binding: binding, abundance: abundance, path: path)
    }

    /// `counts.tsv` exactly as `betseq count` writes it: `sequence` and one column per fraction
    /// (distinct UMIs, or reads with `reads: true`), rows with any count, sorted by sequence.
    public func writeCounts(path: String, reads: Bool) throws {
        try CountTable.write(path: path, length: landscape.length, speciesColumns: fractions.map { ($0.name, $0.counts(reads: reads)) })
    }

    /// Parameters and outcomes, as `simulation.json` records them.
    public func metadata(fastq: Bool, errors: Bool, reads: Bool) -> SimulationMetadata {
        let c = settings.conditions
        return SimulationMetadata(
            landscape: landscape.origin, design: settings.design.template, species: landscape.count, seed: settings.seed,
            binding: .init(model: c.dilute ? "dilute" : "equilibrium", proteinNM: c.protein, libraryNM: c.library,
                           kdRefNM: c.kdRef, rtKcalPerMol: c.rt, freeProteinNM: binding.freeProtein,
                           iterations: binding.iterations, massBalanceRelativeError: binding.massBalanceError,
                           maxFractionBound: binding.fractionBound.max() ?? 0),
            inputBiasSD: settings.inputBiasSD, duplicateFraction: settings.duplicateFraction,
            fractions: fractions.map { f in
                .init(name: f.name, reads: f.totalReads, molecules: f.molecules.reduce(0) { $0 + Int($1) },
                      distinctUMIs: f.distinct.reduce(0) { $0 + Int($1) },
                      speciesObserved: f.reads.reduce(0) { $0 + ($1 > 0 ? 1 : 0) })
            },
            fastq: fastq, errors: errors, counts: reads ? "reads" : "distinct_umis")
    }
}

/// `simulation.json`: what was simulated and what came out. Written and read here only.
public struct SimulationMetadata: Codable, Sendable, Equatable {
    public struct Binding: Codable, Sendable, Equatable {
        public var model: String
        public var proteinNM, libraryNM, kdRefNM, rtKcalPerMol, freeProteinNM: Double
        public var iterations: Int
        public var massBalanceRelativeError, maxFractionBound: Double
        enum CodingKeys: String, CodingKey {
            case model, proteinNM = "protein_nM", libraryNM = "library_nM", kdRefNM = "kd_ref_nM"
            case rtKcalPerMol = "rt_kcal_per_mol", freeProteinNM = "free_protein_nM", iterations
            case massBalanceRelativeError = "mass_balance_relative_error", maxFractionBound = "max_fraction_bound"
        }
    }
    public struct Fraction: Codable, Sendable, Equatable {
        public var name: String
        public var reads, molecules, distinctUMIs, speciesObserved: Int
        enum CodingKeys: String, CodingKey {
            case name, reads, molecules, distinctUMIs = "distinct_umis", speciesObserved = "species_observed"
        }
    }
    public var landscape: String
    public var design: String
    public var species: Int
    public var seed: UInt64
    public var binding: Binding
    public var inputBiasSD: Double
    public var duplicateFraction: Double
    public var fractions: [Fraction]
    public var fastq: Bool
    public var errors: Bool
    /// `distinct_umis` or `reads`: what counts.tsv holds.
    public var counts: String

    enum CodingKeys: String, CodingKey {
        case landscape, design, species, seed, binding, inputBiasSD = "input_bias_sd", duplicateFraction = "duplicate_fraction"
        case fractions, fastq, errors, counts
    }

    public func write(path: String) throws { try JSONFile.write(self, path: path) }
    public static func read(path: String) throws -> SimulationMetadata { try JSONFile.read(SimulationMetadata.self, path: path) }
}

extension CountTable {
    /// Writes per-species columns (each indexed by key, 4^`length` values): every sequence with a
    /// count in any column, in key order, as `betseq count` writes them.
    static func write(path: String, length: Int, speciesColumns columns: [(name: String, counts: [UInt32])]) throws {
        let keys = (0..<(1 << (2 * length))).filter { i in columns.contains { $0.counts[i] > 0 } }.map { UInt64($0) }
        try write(path: path, samples: columns.map(\.name), length: length, keys: keys) { row, c in
            Int(columns[c].counts[Int(keys[row])])
        }
    }
}
