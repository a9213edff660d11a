import Foundation
import IO
import Testing

// Helpers every test target shares: scratch folders, files, fixtures, a seeded generator and the
// check that a call fails with a named kind of error.

/// A new, empty folder under the system's temporary directory; remove it with `defer`.
public func temporaryDirectory(_ label: String = "test") throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("betseq-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Writes `bytes` to `dir/name` and returns the path.
@discardableResult
public func write(_ bytes: [UInt8], to dir: URL, _ name: String) throws -> String {
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

/// Writes `text` (UTF-8) to `dir/name` and returns the path.
@discardableResult
public func write(_ text: String, to dir: URL, _ name: String) throws -> String {
    try write(Array(text.utf8), to: dir, name)
}

/// The repository's `fixtures` folder.
public func fixturesDirectory() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures")
}

/// The path of a file under `fixtures/`.
public func fixture(_ path: String) -> String { fixturesDirectory().appendingPathComponent(path).path }

/// A small deterministic generator for test data (SplitMix64).
public struct SplitMix: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The BETSeqError `body` throws, or nil when it throws nothing or something else.
public func thrownError(_ body: () throws -> Void) -> BETSeqError? {
    do { try body() } catch let e as BETSeqError { return e } catch { return nil }
    return nil
}

/// Expects `body` to throw a BETSeqError of `kind` whose one-line description contains each of
/// `mentions` (the file, the line, what was expected); records an issue otherwise. Returns the error.
@discardableResult
public func expectError<T>(_ kind: BETSeqError.Kind, mentioning mentions: String..., sourceLocation: SourceLocation = #_sourceLocation,
                           _ body: () throws -> T) -> BETSeqError? {
    let error: BETSeqError
    do {
        _ = try body()
        Issue.record("expected a \(kind) error; nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let e as BETSeqError {
        error = e
    } catch {
        Issue.record("expected a \(kind) error; got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(error.kind == kind, "\(error.description)", sourceLocation: sourceLocation)
    for m in mentions where !error.description.contains(m) {
        Issue.record("'\(error.description)' does not mention '\(m)'", sourceLocation: sourceLocation)
    }
    return error
}

/// The kind of the BETSeqError `body` throws, or nil when it throws nothing or something else.
public func thrownKind(_ body: () throws -> Void) -> BETSeqError.Kind? { thrownError(body)?.kind }
