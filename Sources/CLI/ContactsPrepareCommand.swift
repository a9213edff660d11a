import ArgumentParser
import Contacts
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

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        try usageCheck { _ = try parsedShard() }
        if let manifest { try usageCheck { try checkDistinctOutputs([("--manifest", manifest)], inputs: [("the list", list)]) } }
        if cache == nil && ContactExampleCache.defaultFolder == nil {
            throw ValidationError("no cache folder: pass --cache (HOME and XDG_CACHE_HOME are unset)")
        }
    }

    func parsedShard() throws -> StructureShard { try shard.map(StructureShard.init(parsing:)) ?? .whole }

    func run() throws {
        let summary = try prepareContactExamples(list: list, shard: parsedShard(), cache: cache, manifest: manifest, threads: threads.threads)
        printErr(summary.report)
    }
}
