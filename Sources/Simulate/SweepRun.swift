import Foundation
import IO

/// Everything `betseq simulate sweep` takes.
public struct SweepRequest: Sendable {
    public var landscape: LandscapeSpec
    public var conditions = BindingConditions()
    public var inputBiasSD = 0.0
    public var depths: [Int]
    public var replicates = 10
    public var threads = 2
    /// Each replicate is a whole sequencing run scored on its own; ten thousand per depth is far
    /// beyond a useful error bar and keeps the per-run results small.
    public static let maxReplicates = 10_000

    public init(landscape: LandscapeSpec, depths: [Int]) {
        self.landscape = landscape
        self.depths = depths
    }

    /// Throws a usage error for a sweep that cannot run (checked before any work or output).
    public func validate() throws {
        guard threads >= 1 else { throw BETSeqError(.invalidOption, file: "--threads", "must be at least 1") }
        guard (1...SweepRequest.maxReplicates).contains(replicates) else {
            throw BETSeqError(.invalidOption, file: "--replicates", "\(replicates): expected 1 to \(SweepRequest.maxReplicates) per depth")
        }
        guard !depths.isEmpty, depths.allSatisfy({ (2...maxSweepDepth).contains($0) }) else {
            throw BETSeqError(.invalidOption, file: "--depths", "expected read counts from 2 to \(maxSweepDepth)")
        }
    }
}

/// The published Fig. 2C design over a resolved landscape: equilibrium once, then every depth ×
/// replicate sequenced and scored (see `depthSweep`). `progress(done, total)` counts experiments.
public func runSweep(_ r: SweepRequest, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (table: SweepTable, landscape: Landscape) {
    try r.validate()
    var conditions = r.conditions
    conditions.rt = r.landscape.rt
    let (landscape, _) = try r.landscape.resolve()
    let abundance = try libraryAbundance(count: landscape.count, logNormalSD: r.inputBiasSD, seed: r.landscape.seed)
    let binding = try solveBinding(ddg: landscape.ddg, abundance: abundance, conditions: conditions)
    let points = try depthSweep(truth: landscape.ddg, boundWeights: binding.bound, inputWeights: abundance,
                                depths: r.depths, replicates: r.replicates, seed: r.landscape.seed,
                                rt: r.landscape.rt, threads: r.threads, progress: progress)
    return (SweepTable(points), landscape)
}
