import Foundation
import Testing
import TestSupport
@testable import IO

@Suite struct FastGzipTests {
    func readBack(_ path: String) throws -> [UInt8] { try readAllBytes(path: path) }

    @Test func isalOutputReadsBackExactly() throws {
        let dir = try temporaryDirectory("fgz").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Compressible text with some randomness, written in uneven pieces (3 MB in all).
        var text: [UInt8] = []
        var x: UInt64 = 1
        while text.count < 3_000_000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            text += Array("@read:\(x >> 40)\nACGT\(x % 997)TTGACA\n+\nIIIIIIII\n".utf8)
        }
        let sink = try openOutput("\(dir)/a.txt.gz", fast: true)
        var offset = 0, step = 1
        while offset < text.count {
            let end = min(text.count, offset + step)
            try text[offset..<end].withUnsafeBytes { try sink.write($0) }
            offset = end
            step = step * 3 % 70_001 + 1
        }
        try sink.finish()
        #expect(try readBack("\(dir)/a.txt.gz") == text)
        // The system gzip agrees (standard gzip, not just our reader).
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -t '\(dir)/a.txt.gz'"]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)

        let empty = try openOutput("\(dir)/empty.gz", fast: true)
        try empty.finish()
        #expect(try readBack("\(dir)/empty.gz").isEmpty)
    }
}

/// Every error kind maps to its sysexits status, and the one-line description names the place.
@Suite struct ErrorTests {
    @Test func kindsMapToExitStatuses() {
        let expected: [BETSeqError.Kind: Int32] = [
            .invalidOption: 64, .cannotOpen: 66, .gzipTruncated: 65, .gzipChecksum: 65, .gzipCorrupt: 65,
            .trailingData: 65, .unknownFormat: 65, .malformedTable: 65, .unsupportedVersion: 65,
            .io: 74, .cannotWrite: 74, .cannotCreate: 73, .numerical: 70,
        ]
        #expect(Set(expected.keys) == Set(BETSeqError.Kind.generic))
        #expect(BETSeqError.Kind.generic.count == expected.count, "a generic kind listed twice")
        for (kind, status) in expected { #expect(BETSeqError(kind, file: "f", "m").exitCode == status, "\(kind)") }
        #expect(BETSeqError(.malformedTable, file: "r.fq", record: 3, line: 10, "bad base").description == "r.fq: record 3 (line 10): bad base")
        #expect(BETSeqError(.malformedTable, file: "t.tsv", line: 2, "x").description == "t.tsv: line 2: x")
        // Kinds are told apart by name; another module's kind has its own category.
        let other = BETSeqError.Kind("readerSpecific", .data)
        #expect(other != .malformedTable && other == BETSeqError.Kind("readerSpecific", .data) && "\(other)" == "readerSpecific")
    }

    @Test func directoriesAreMadeOrRefusedWithTheReason() throws {
        let root = try temporaryDirectory("dir")
        let base = root.appendingPathComponent("new").path
        defer { try? FileManager.default.removeItem(at: root) }
        defer { try? FileManager.default.removeItem(atPath: base) }
        try makeDirectory("\(base)/a/b")
        try makeDirectory("\(base)/a/b")  // existing is fine
        _ = FileManager.default.createFile(atPath: "\(base)/file", contents: Data())
        do {
            try makeDirectory("\(base)/file/c")
            Issue.record("made a directory under a file")
        } catch let e as BETSeqError {
            #expect(e.exitCode == 73 && e.description == "\(base)/file/c: cannot create the directory: '\(base)/file' is not a directory")
        }
    }
}

/// Inputs the fuzzer found crashing (fixtures/fuzz); each must now be a typed error.
@Suite struct FuzzRegressionTests {
    var fixtures: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/fuzz") }

    /// A damaged gzip member on which igzip reported more input left than it was given: the
    /// consumed count underflowed (a trap); now a corrupt-gzip error.
    @Test func gzipDecoderThatLosesItsPlace() throws {
        let path = fixtures.appendingPathComponent("gzip-decoder-loses-place.fastq.gz").path
        do {
            _ = try readAllBytes(path: path)
            Issue.record("read a damaged gzip stream")
        } catch let e as BETSeqError {
            #expect(e.kind == .gzipCorrupt && e.message == "corrupt gzip data in member 1 near compressed byte 6 (the decoder lost its place)", "\(e)")
        }
    }
}
