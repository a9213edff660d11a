import Foundation
@testable import Sequence
@testable import IO

func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("betseq-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// gzip-compresses bytes with our own writer (one member).
func gzipBytes(_ data: [UInt8], in dir: URL) throws -> [UInt8] {
    let path = dir.appendingPathComponent("tmp-\(UUID().uuidString).gz").path
    let sink = try openOutput(path)
    try data.withUnsafeBytes { try sink.write($0) }
    try sink.finish()
    defer { try? FileManager.default.removeItem(atPath: path) }
    return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

struct OwnedRecord: Equatable {
    var header: String
    var sequence: String
    var quality: String?
}

func readAll(_ path: String) throws -> [OwnedRecord] {
    let reader = try SequenceReader(path: path)
    var out: [OwnedRecord] = []
    while let r = try reader.next() {
        out.append(OwnedRecord(header: String(decoding: r.header, as: UTF8.self),
                               sequence: String(decoding: r.sequence, as: UTF8.self),
                               quality: r.quality.map { String(decoding: $0, as: UTF8.self) }))
    }
    return out
}

func write(_ bytes: [UInt8], to dir: URL, _ name: String) throws -> String {
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

func write(_ text: String, to dir: URL, _ name: String) throws -> String {
    try write(Array(text.utf8), to: dir, name)
}

/// The error kind thrown by `body`, or nil if it did not throw an BETSeqError.
func errorKind(_ body: () throws -> Void) -> BETSeqError.Kind? {
    do { try body() } catch let e as BETSeqError { return e.kind } catch { return nil }
    return nil
}

func inputError(_ body: () throws -> Void) -> BETSeqError? {
    do { try body() } catch let e as BETSeqError { return e } catch { return nil }
    return nil
}

/// A small deterministic generator for test data (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func fixturesDir() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures")
}

/// `count` FASTQ records named r0, r1, … sharing one sequence, all bases PHRED 40.
func uniformFASTQ(count: Int, sequence: String) -> [UInt8] {
    let quality = String(repeating: "I", count: sequence.count)
    var text = ""
    for i in 0..<count { text += "@r\(i)\n\(sequence)\n+\n\(quality)\n" }
    return Array(text.utf8)
}
