import Foundation
import IO
import Testing
import TestSupport
@testable import Contacts

@Suite struct StructureShardTests {
    @Test func kOfNParsesAndTakesEveryNthFromTheKth() throws {
        let shard = try StructureShard(parsing: "3/8")
        #expect(shard.index == 3 && shard.count == 8 && shard.description == "3/8")
        #expect(try StructureShard(parsing: "1/1") == .whole)
        #expect(try StructureShard(index: 2, count: 2) == StructureShard(parsing: "2/2"))
        let items = Array(0..<10)
        #expect(try StructureShard(parsing: "3/4").select(items) == [2, 6])
        #expect(StructureShard.whole.select(items) == items)
        #expect(try StructureShard(parsing: "12/12").select(items) == [])
        // The shards of a list partition it.
        let shards = try (1...3).map { try StructureShard(index: $0, count: 3).select(items) }
        #expect(shards.flatMap { $0 }.sorted() == items)
    }

    @Test func anythingElseIsAnInvalidOptionNamingTheValue() {
        for text in ["3/2", "0/1", "x", "1/2/3", "/", "1/0", "-1/2", "", "1/", "/2", "1.0/2", " 1/2"] {
            let e = expectError(.invalidOption) { try StructureShard(parsing: text) }
            #expect(e?.description == "--shard '\(text)': expected K/N with 1 ≤ K ≤ N")
        }
        expectError(.invalidOption, mentioning: "--shard '0/0': expected K/N with 1 ≤ K ≤ N") { try StructureShard(index: 0, count: 0) }
        expectError(.invalidOption, mentioning: "--shard '5/4': expected K/N with 1 ≤ K ≤ N") { try StructureShard(index: 5, count: 4) }
    }
}

@Suite struct ExampleCacheResolutionTests {
    func temporaryFolder() throws -> URL {
        let dir = try temporaryDirectory("resolve")
        return dir
    }

    func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    @Test func noCacheIsNoneAndExcludesAFolder() throws {
        #expect(try ContactExampleCache.resolve(folder: nil, disabled: true) == nil)
        expectError(.invalidOption, mentioning: "--no-cache: --cache and --no-cache exclude each other") {
            try ContactExampleCache.resolve(folder: "somewhere", disabled: true)
        }
    }

    @Test func aNamedFolderIsCreatedOrACannotCreateError() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("a/b").path
        #expect(try ContactExampleCache.resolve(folder: folder)?.folder == folder)
        #expect(isDirectory(folder))
        let blocker = dir.appendingPathComponent("file").path
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
        let inside = blocker + "/cache"
        let e = expectError(.cannotCreate) { try ContactExampleCache.resolve(folder: inside) }
        #expect(e?.file == inside && e?.message == "cannot create the directory: '\(blocker)' is not a directory")
        expectError(.cannotCreate, mentioning: "\(inside): cannot create the directory") { try ContactExampleCache.create(folder: inside) }
        let made = dir.appendingPathComponent("c").path
        #expect(try ContactExampleCache.create(folder: made).folder == made && isDirectory(made))
    }

    /// The default folder is best effort: named, not created (entries that cannot be stored are counted).
    @Test func theDefaultFolderIsBestEffort() throws {
        let cache = try ContactExampleCache.resolve(folder: nil)
        #expect(cache?.folder == ContactExampleCache.defaultFolder)
    }
}

@Suite struct ContactPreparationTests {
    func listFolder() throws -> URL {
        let dir = try temporaryDirectory("prepare")
        try "# two\n\(fixture("structures/1YJP.cif"))\n\(fixture("structures/1EJG.pdb"))\n"
            .write(to: dir.appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func aShardIsPreparedIntoTheCacheWithItsManifest() throws {
        let dir = try listFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let list = dir.appendingPathComponent("list.txt").path, cache = dir.appendingPathComponent("cache").path
        let manifest = dir.appendingPathComponent("m.tsv").path
        let first = try prepareContactExamples(list: list, shard: StructureShard(parsing: "2/2"), cache: cache, manifest: manifest, threads: 2)
        #expect(first.listed == 2 && first.structures == [fixture("structures/1EJG.pdb")] && first.cacheFolder == cache)
        #expect(first.prepared == 1 && first.fromCache == 0 && first.residuePairs == 1035 && first.contactPairs == 154)
        let rows = try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n")
        let entry = ContactExampleCache.entryName(content: try readAllBytes(path: fixture("structures/1EJG.pdb")), withTargets: true)
        #expect(rows == ["structure\tentry\tresidues\tatoms\tpairs\tcontact_pairs\tcached",
                         "\(fixture("structures/1EJG.pdb"))\t\(entry)\t46\t327\t1035\t154\tno"])
        let again = try prepareContactExamples(list: list, cache: cache, manifest: nil, threads: 1)
        #expect(again.shard == .whole && again.structures.count == 2 && again.fromCache == 1 && again.prepared == 1)
        #expect(again.residuePairs == 1035 + 21 && again.contactPairs == 154 + 10)
    }

    @Test func theReportLine() {
        let summary = PreparationSummary(shard: .whole, listed: 3, structures: ["a", "b", "c"], fromCache: 1, prepared: 2, residuePairs: 100,
                                         contactPairs: 7, seconds: 2.04, cacheFolder: "/c")
        #expect(summary.report == "3 structures (shard 1/1 of 3): 1 from the cache, 2 prepared, 100 residue pairs, 7 with contacts; 2.0 s; cache /c")
    }

    @Test func errorsNameTheirKind() throws {
        let dir = try listFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let list = dir.appendingPathComponent("list.txt").path
        // A manifest that is a listed structure: refused before anything is prepared.
        let structure = fixture("structures/1EJG.pdb")
        expectError(.invalidOption, mentioning: "\(structure): --manifest is also an input (a listed structure \(structure))") {
            try prepareContactExamples(list: list, cache: dir.appendingPathComponent("c1").path, manifest: structure, threads: 1)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("c1").path))
        try "x".write(to: dir.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        let blocked = dir.appendingPathComponent("file/c").path
        expectError(.cannotCreate, mentioning: "\(blocked): cannot create the directory") {
            try prepareContactExamples(list: list, cache: blocked, manifest: nil, threads: 1)
        }
        let missing = dir.appendingPathComponent("none.txt").path
        expectError(.cannotOpen, mentioning: "\(missing): ") { try prepareContactExamples(list: missing, cache: blocked, manifest: nil, threads: 1) }
        try "# nothing\n".write(to: dir.appendingPathComponent("empty.txt"), atomically: true, encoding: .utf8)
        expectError(.malformedTable, mentioning: "empty.txt: no structures listed") {
            try prepareContactExamples(list: dir.appendingPathComponent("empty.txt").path, cache: blocked, manifest: nil, threads: 1)
        }
    }
}
