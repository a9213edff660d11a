import Foundation
import IO

/// Prepared examples on disk, one file per structure, named by a key of the structure file's
/// content and the versions of the contact rules and of this format: a file that changes, or a
/// betseq whose rules change, misses the cache and is prepared afresh. Entries are written whole
/// (atomic rename), so parallel jobs can share a folder; an unreadable entry is prepared again.
public struct ContactExampleCache: Sendable {
    public let folder: String
    static let magic = "BETSEQ-CONTACT-EXAMPLE"
    static let formatVersion: UInt32 = 1

    public init(folder: String) { self.folder = folder }

    /// `$BETSEQ_CACHE_DIR/contacts`, else `$XDG_CACHE_HOME/betseq/contacts`, else
    /// `~/.cache/betseq/contacts`; nil when none can be named.
    public static var defaultFolder: String? {
        let env = ProcessInfo.processInfo.environment
        if let d = env["BETSEQ_CACHE_DIR"], !d.isEmpty { return d + "/contacts" }
        if let d = env["XDG_CACHE_HOME"], !d.isEmpty { return d + "/betseq/contacts" }
        if let h = env["HOME"], !h.isEmpty { return h + "/.cache/betseq/contacts" }
        return nil
    }

    /// The cache a command reads and fills: none when `disabled` (`--no-cache`); `folder` when one
    /// is named, created now (a cannot-create error when it cannot be); else the default folder,
    /// best effort (entries it cannot store are counted, no error), or none when no default can be
    /// named. Naming a folder and disabling the cache is an invalid-option error.
    public static func resolve(folder: String?, disabled: Bool = false) throws -> ContactExampleCache? {
        if disabled {
            guard folder == nil else { throw BETSeqError(.invalidOption, file: "--no-cache", "--cache and --no-cache exclude each other") }
            return nil
        }
        if let folder { try makeDirectory(folder) }
        return (folder ?? defaultFolder).map(ContactExampleCache.init(folder:))
    }

    /// A cache that must take every entry (`betseq contacts prepare`): `folder`, else the default
    /// folder, created now; a cannot-create error when it cannot be, an invalid-option error when
    /// no folder is named and no default can be.
    public static func create(folder: String?) throws -> ContactExampleCache {
        guard let folder = folder ?? defaultFolder else {
            throw BETSeqError(.invalidOption, file: "--cache", "no folder named and no default (BETSEQ_CACHE_DIR, XDG_CACHE_HOME and HOME are unset)")
        }
        try makeDirectory(folder)
        return ContactExampleCache(folder: folder)
    }

    /// The entry's file name for structure bytes: content key, rules version, format version.
    public static func entryName(content: [UInt8], withTargets: Bool, rulesVersion: Int = contactRulesVersion) -> String {
        "\(contentKey(content))-r\(rulesVersion)-f\(formatVersion)\(withTargets ? "" : "-nt").example"
    }

    func path(_ name: String) -> String { folder + "/" + name }

    /// The cached example, or nil when absent or unreadable (the caller prepares it again).
    func read(_ name: String, label: String, vocabulary: AtomVocabulary, anchorSets: Int, missingWeight: Float) -> ContactExample? {
        let file = path(name)
        guard FileManager.default.fileExists(atPath: file), let bytes = try? readAllBytes(path: file) else { return nil }
        return try? ContactExampleCache.decode(bytes, file: file, name: label, vocabulary: vocabulary, anchorSets: anchorSets,
                                               missingWeight: missingWeight)
    }

    /// Stores an example; false (nothing left behind) when the folder cannot take it.
    @discardableResult
    func write(_ ex: ContactExample, name: String) -> Bool {
        do {
            try makeDirectory(folder)
            try writeFile(ContactExampleCache.encode(ex), path: path(name))
            return true
        } catch { return false }
    }

    /// A cache entry's bytes as an example (P-GNN anchors drawn for `anchorSets`); a data error for
    /// anything that is not a whole, consistent entry of this betseq.
    public static func decodeEntry(_ bytes: [UInt8], file: String, anchorSets: Int = 0) throws -> ContactExample {
        try decode(bytes, file: file, name: file, vocabulary: .elementAndName, anchorSets: anchorSets, missingWeight: 0.1)
    }

    /// The bytes of an example's cache entry.
    public static func entryBytes(_ ex: ContactExample) -> [UInt8] { encode(ex) }

    static func encode(_ ex: ContactExample, rulesVersion: Int = contactRulesVersion) -> [UInt8] {
        var e = BinaryEncoder()
        e.append(magic)
        e.append(formatVersion)
        e.append(UInt32(rulesVersion))
        e.append(ex.residueLabels)
        e.append(ex.atomElements)
        e.append(ex.atomNames)
        e.append(ex.bonds.flatMap { [$0.x, $0.y] })
        e.append(ex.membership)
        e.append(ex.chain)
        e.append(ex.position)
        e.append(ex.incomplete.map { UInt8($0 ? 1 : 0) })
        e.append(ex.hasWaters)
        e.append(ex.hasTargets)
        e.append(ex.positiveKeys)
        e.append(ex.positiveFlags)
        return e.bytes
    }

    static func decode(_ bytes: [UInt8], file: String, name: String, vocabulary: AtomVocabulary, anchorSets: Int,
                       missingWeight: Float) throws -> ContactExample {
        var d = BinaryDecoder(bytes, file: file)
        guard try d.read(String.self) == magic, try d.read(UInt32.self) == formatVersion,
              try d.read(UInt32.self) == UInt32(contactRulesVersion) else {
            throw BETSeqError(.malformedTable, file: file, "not a contact example of this betseq")
        }
        let labels = try d.readStrings()
        let elements = try d.readArray(UInt8.self), names = try d.readArray(UInt8.self)
        let flatBonds = try d.readArray(Int32.self)
        guard flatBonds.count % 2 == 0 else { throw BETSeqError(.malformedTable, file: file, "odd bond list") }
        let bonds = stride(from: 0, to: flatBonds.count, by: 2).map { SIMD2(flatBonds[$0], flatBonds[$0 + 1]) }
        let membership = try d.readArray(Int32.self), chain = try d.readArray(Int32.self), position = try d.readArray(Int32.self)
        let incomplete = try d.readArray(UInt8.self).map { $0 != 0 }
        let hasWaters = try d.read(Bool.self), hasTargets = try d.read(Bool.self)
        let keys = try d.readArray(Int64.self), flags = try d.readArray(UInt8.self)
        guard d.isAtEnd else { throw BETSeqError(.malformedTable, file: file, "trailing bytes") }
        return try ContactExample(name: name, residueLabels: labels, atomElements: elements, atomNames: names, bonds: bonds,
                                  membership: membership, chain: chain, position: position, incomplete: incomplete,
                                  hasWaters: hasWaters, positiveKeys: keys, positiveFlags: flags, hasTargets: hasTargets,
                                  vocabulary: vocabulary, anchorSets: anchorSets, missingWeight: missingWeight, source: file)
    }
}

/// What preparing a list of structures did.
public struct ExamplePreparation: Sendable {
    public var examples: [ContactExample]
    /// Per example: its cache entry's file name and whether it came from the cache.
    public var entries: [String] = []
    public var cached: [Bool] = []
    /// Entries that could not be stored (an unwritable cache folder).
    public var unstored = 0

    public var fromCache: Int { cached.filter { $0 }.count }
    public var prepared: Int { cached.count - fromCache }
}

extension ContactExample {
    /// Reads and prepares structures for a network of `config` (named by file name), in parallel on
    /// `threads`, through `cache` when given: a hit skips parsing and the contact rules.
    public static func load(_ paths: [String], config: ContactNetworkConfig, withTargets: Bool, missingWeight: Float = 0.1,
                            cache: ContactExampleCache? = nil, threads: Int = 1,
                            progress: (@Sendable (Int) -> Void)? = nil) throws -> ExamplePreparation {
        final class Results: @unchecked Sendable {
            var examples: [ContactExample?]
            var entries: [String], cached: [Bool]
            var unstored = 0, done = 0
            let lock = NSLock()
            init(_ n: Int) {
                examples = [ContactExample?](repeating: nil, count: n)
                entries = [String](repeating: "", count: n)
                cached = [Bool](repeating: false, count: n)
            }
        }
        let results = Results(paths.count)
        let vocabulary = config.vocabulary, anchorSets = config.exampleAnchorSets
        try parallelJobs(paths.count, threads: threads) { job, _ in
            let path = paths[job]
            let label = URL(fileURLWithPath: path).lastPathComponent
            let bytes = try readAllBytes(path: path)
            let entry = ContactExampleCache.entryName(content: bytes, withTargets: withTargets)
            var hit = false, stored = true
            let ex: ContactExample
            if let cached = cache?.read(entry, label: label, vocabulary: vocabulary, anchorSets: anchorSets, missingWeight: missingWeight) {
                ex = cached
                hit = true
            } else {
                ex = try ContactExample(structure: Structure.parse(bytes, source: path), name: label, vocabulary: vocabulary,
                                        anchorSets: anchorSets, withTargets: withTargets, missingWeight: missingWeight)
                if let cache { stored = cache.write(ex, name: entry) }
            }
            results.lock.lock()
            results.examples[job] = ex
            results.entries[job] = entry
            results.cached[job] = hit
            if !stored { results.unstored += 1 }
            results.done += 1
            let done = results.done
            results.lock.unlock()
            progress?(done)
        }
        return ExamplePreparation(examples: results.examples.compactMap { $0 }, entries: results.entries, cached: results.cached,
                                  unstored: results.unstored)
    }
}

extension ExamplePreparation {
    /// `structure entry residues atoms pairs contact_pairs cached`, one row per structure (`paths`
    /// in the order prepared): what a cluster job prepared, for the workflow to collect.
    public func writeManifest(path: String, structures paths: [String]) throws {
        let text = try TextWriter(path: path)
        try text.write("structure\tentry\tresidues\tatoms\tpairs\tcontact_pairs\tcached\n")
        for (k, ex) in examples.enumerated() {
            try text.write("\(paths[k])\t\(entries[k])\t\(ex.residueCount)\t\(ex.tokens.count)\t\(ex.pairCount)\t\(ex.positiveKeys.count)\t\(cached[k] ? "yes" : "no")\n")
        }
        try text.finish()
    }
}
