import Foundation
import IO
import Testing
import TestSupport
@testable import Contacts

@Suite struct ContactExampleCacheTests {
    func temporaryFolder() throws -> URL {
        let dir = try temporaryDirectory("cache")
        return dir
    }

    func same(_ a: ContactExample, _ b: ContactExample) -> Bool {
        a.residueLabels == b.residueLabels && a.tokens == b.tokens && a.bonds == b.bonds && a.membership == b.membership
            && a.chain == b.chain && a.position == b.position && a.incomplete == b.incomplete && a.hasWaters == b.hasWaters
            && a.positiveKeys == b.positiveKeys && a.positiveFlags == b.positiveFlags && a.nearKeys == b.nearKeys
            && a.nearHops == b.nearHops && a.graph == b.graph
    }

    /// A second load reads the entry; a changed file, a corrupt entry or an entry of other rules
    /// misses and is prepared (and stored) again.
    @Test func entriesFollowTheFileContentAndTheRules() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.cif").path
        try FileManager.default.copyItem(atPath: fixture("structures/1YJP.cif"), toPath: file)
        let cache = ContactExampleCache(folder: dir.appendingPathComponent("cache").path)
        let config = ContactNetworkConfig()
        func load() throws -> ExamplePreparation { try ContactExample.load([file], config: config, withTargets: true, cache: cache) }
        let first = try load()
        #expect(first.prepared == 1 && first.fromCache == 0 && first.unstored == 0)
        let second = try load()
        #expect(second.fromCache == 1 && second.prepared == 0 && same(first.examples[0], second.examples[0]))
        let entries = { try FileManager.default.contentsOfDirectory(atPath: cache.folder).filter { !$0.hasPrefix(".") } }
        #expect(try entries().count == 1)

        // The file changes (a comment line appended): a new key, prepared afresh.
        var text = try String(contentsOfFile: file, encoding: .utf8)
        let bytes = Array(text.utf8)
        let name = ContactExampleCache.entryName(content: bytes, withTargets: true)
        #expect(try entries() == [name])
        text += "# edited\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let changed = try load()
        let count = try entries().count
        #expect(changed.prepared == 1 && changed.fromCache == 0 && count == 2)

        // Rules of another version name other entries, and an entry that says other rules is not read.
        let current = Array(text.utf8)
        #expect(ContactExampleCache.entryName(content: current, withTargets: true, rulesVersion: contactRulesVersion - 1)
                != ContactExampleCache.entryName(content: current, withTargets: true))
        let entry = cache.folder + "/" + ContactExampleCache.entryName(content: current, withTargets: true)
        try writeFile(ContactExampleCache.encode(changed.examples[0], rulesVersion: contactRulesVersion - 1), path: entry)
        let otherRules = try load()
        #expect(otherRules.prepared == 1 && otherRules.fromCache == 0)
        #expect(try load().fromCache == 1)   // stored again under the current rules

        // A truncated entry is prepared again, never an error.
        let whole = try readAllBytes(path: entry)
        try writeFile(whole.prefix(whole.count / 2), path: entry)
        let truncated = try load()
        #expect(truncated.prepared == 1 && same(truncated.examples[0], changed.examples[0]))
    }

    /// Every truncation of an entry decodes to an error (never a trap); the whole entry round-trips.
    @Test func entriesRoundTripAndTruncationsAreErrors() throws {
        let s = try Structure.read(path: fixture("structures/1EJG.pdb"))
        let ex = try ContactExample(structure: s, name: "1EJG", vocabulary: .element, anchorSets: 0, withTargets: true)
        let bytes = ContactExampleCache.encode(ex)
        let back = try ContactExampleCache.decode(bytes, file: "e", name: "1EJG", vocabulary: .element, anchorSets: 0, missingWeight: 0.1)
        #expect(same(ex, back))
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            expectError(.malformedTable, mentioning: "e: ") {
                try ContactExampleCache.decode(Array(bytes.prefix(cut)), file: "e", name: "x", vocabulary: .element, anchorSets: 0, missingWeight: 0.1)
            }
        }
    }

    /// An unwritable cache folder stores nothing and loses nothing.
    @Test func anUnwritableCacheIsNoError() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let blocker = dir.appendingPathComponent("file").path
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
        let cache = ContactExampleCache(folder: blocker + "/cache")   // a folder inside a regular file
        let r = try ContactExample.load([fixture("structures/1YJP.cif")], config: ContactNetworkConfig(), withTargets: true, cache: cache)
        #expect(r.examples.count == 1 && r.unstored == 1)
    }
}
