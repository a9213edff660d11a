import ArgumentParser
import Contacts
import Foundation
import IO

struct ContactsPrepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Prepare structures for training: covalent graphs and static-mode maps, stored in the example cache.",
        discussion: """
            Each listed structure is parsed, its covalent graph built and its static-mode contact map \\
            computed once, and the result stored in the cache under a key of the file's content and \\
            the contact rules' version ('contacts train' and 'contacts eval' then read it instead of \\
            preparing the structure again). --shard K/N takes every N-th structure from the K-th, so \\
            N jobs (a cluster's, or the Snakemake workflow's) prepare a large set together.
            """)

    @Argument(help: "List file of structures (one path per line).")
    var list: String

    @Option(help: "Cache folder (default as for 'contacts train').")
    var cache: String?

    @Option(help: "Prepare only shard K of N (1-based), e.g. 3/8.")
    var shard: String?

    @Option(help: "TSV of what was prepared: structure, cache entry, residues, atoms, pairs, contact pairs, cached.")
    var manifest: String?

    @Option(help: "Threads.")
    var threads = 2

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        _ = try parsedShard()
        if let manifest { try usageCheck { try checkDistinctOutputs([("--manifest", manifest)], inputs: [("the list", list)]) } }
        if cache == nil && ContactExampleCache.defaultFolder == nil {
            throw ValidationError("no cache folder: pass --cache (HOME and XDG_CACHE_HOME are unset)")
        }
    }

    func parsedShard() throws -> (index: Int, count: Int) {
        guard let shard else { return (1, 1) }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else {
            throw ValidationError("--shard '\(shard)': expected K/N with 1 ≤ K ≤ N")
        }
        return (k, n)
    }

    func run() throws {
        let (k, n) = try parsedShard()
        let all = try StructureList.read(path: list)
        let paths = all.indices.filter { $0 % n == k - 1 }.map { all[$0] }
        if let manifest { try checkDistinctOutputs([("--manifest", manifest)], inputs: all.map { ("a listed structure", $0) }) }
        guard let folder = cache ?? ContactExampleCache.defaultFolder else { throw ValidationError("no cache folder") }
        try makeDirectory(folder)
        let clock = Date()
        let result = try ContactExample.load(paths, config: ContactNetworkConfig(), withTargets: true,
                                             cache: ContactExampleCache(folder: folder), threads: threads)
        if result.unstored > 0 {
            throw BETSeqError(.cannotCreate, file: folder, "\(result.unstored) of \(paths.count) prepared structures could not be stored")
        }
        if let manifest { try result.writeManifest(path: manifest, structures: paths) }
        let pairs = result.examples.reduce(0) { $0 + $1.pairCount }, contacts = result.examples.reduce(0) { $0 + $1.positiveKeys.count }
        printErr(String(format: "%d structures (shard %d/%d of %d): %d from the cache, %d prepared, %d residue pairs, %d with contacts; %.1f s; cache %@",
                        paths.count, k, n, all.count, result.fromCache, result.prepared, pairs, contacts, Date().timeIntervalSince(clock), folder))
    }
}
