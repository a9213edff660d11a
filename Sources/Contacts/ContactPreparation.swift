import Foundation
import IO

/// What `prepareContactExamples` did: the line `betseq contacts prepare` reports.
public struct PreparationSummary: Sendable {
    public var shard: StructureShard
    /// Structures in the list, and the shard's (list order).
    public var listed: Int
    public var structures: [String]
    public var fromCache: Int
    public var prepared: Int
    /// Residue pairs of the shard's structures, and those with a contact in some channel.
    public var residuePairs: Int
    public var contactPairs: Int
    /// Wall-clock seconds of the preparation (the cache folder made, before it started).
    public var seconds: Double
    public var cacheFolder: String

    /// `N structures (shard K/N of M): … from the cache, … prepared, … residue pairs, … with
    /// contacts; T s; cache FOLDER`.
    public var report: String {
        String(format: "%d structures (shard %d/%d of %d): %d from the cache, %d prepared, %d residue pairs, %d with contacts; %.1f s; cache %@",
               structures.count, shard.index, shard.count, listed, fromCache, prepared, residuePairs, contactPairs, seconds, cacheFolder)
    }
}

/// Prepares `shard` of the structures listed in `list` (covalent graphs and static-mode maps) into
/// the example cache at `cache` (the default folder when nil; created, and every entry must be
/// stored: a cannot-create error otherwise), on `threads`, and writes `manifest` (one row per
/// structure of the shard). The manifest may not be a listed structure (an invalid-option error).
public func prepareContactExamples(list: String, shard: StructureShard = .whole, cache: String?, manifest: String?,
                                   threads: Int) throws -> PreparationSummary {
    let all = try StructureList.read(path: list)
    let paths = shard.select(all)
    if let manifest { try checkDistinctOutputs([("--manifest", manifest)], inputs: all.map { ("a listed structure", $0) }) }
    let store = try ContactExampleCache.create(folder: cache)
    let clock = Date()
    let result = try ContactExample.load(paths, config: ContactNetworkConfig(), withTargets: true, cache: store, threads: threads)
    if result.unstored > 0 {
        throw BETSeqError(.cannotCreate, file: store.folder, "\(result.unstored) of \(paths.count) prepared structures could not be stored")
    }
    if let manifest { try result.writeManifest(path: manifest, structures: paths) }
    return PreparationSummary(shard: shard, listed: all.count, structures: paths, fromCache: result.fromCache, prepared: result.prepared,
                              residuePairs: result.examples.reduce(0) { $0 + $1.pairCount },
                              contactPairs: result.examples.reduce(0) { $0 + $1.positiveKeys.count },
                              seconds: Date().timeIntervalSince(clock), cacheFolder: store.folder)
}
