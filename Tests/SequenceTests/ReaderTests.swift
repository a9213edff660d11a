import Foundation
import Testing
import TestSupport
@testable import Sequence
@testable import IO

@Suite struct ReaderTests {
    let records = [
        OwnedRecord(header: "r1 1:N:0:1", sequence: "ACGTNACGTA", quality: "IIIIIFFFF#"),
        OwnedRecord(header: "r2", sequence: "", quality: ""),
        OwnedRecord(header: "r3", sequence: String(repeating: "ACGT", count: 50), quality: String(repeating: "!~", count: 100)),
    ]

    @Test(arguments: ["rt.fastq", "rt.fastq.gz"])
    func fastqRoundTrip(name: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        let writer = try SequenceWriter(path: path)
        for r in records { try writer.write(header: r.header, sequence: r.sequence, quality: r.quality) }
        try writer.finish()
        #expect(try readAll(path) == records)
        let magic = Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(2))
        #expect((magic == [0x1f, 0x8b]) == name.hasSuffix(".gz"))
    }

    @Test func fastaRoundTripAndMultiLine() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.fa").path
        let writer = try SequenceWriter(path: path)
        try writer.write(header: "s1 desc", sequence: "ACGT", quality: nil)
        try writer.finish()
        #expect(try readAll(path) == [OwnedRecord(header: "s1 desc", sequence: "ACGT", quality: nil)])

        let multi = try write(">a\nACG\nTTA\r\n\n>b\n>c x\nNNNN\nacgt", to: dir, "m.fa")
        #expect(try readAll(multi) == [
            OwnedRecord(header: "a", sequence: "ACGTTA", quality: nil),
            OwnedRecord(header: "b", sequence: "", quality: nil),
            OwnedRecord(header: "c x", sequence: "NNNNacgt", quality: nil),
        ])
    }

    @Test func gzipIsDetectedByMagicNotName() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = try gzipBytes(Array("@x\nACGT\n+\nIIII\n".utf8), in: dir)
        let misnamed = try write(gz, to: dir, "reads.fastq")
        #expect(try readAll(misnamed).map(\.sequence) == ["ACGT"])
        let plainNamedGz = try write("@x\nACGT\n+\nIIII\n", to: dir, "reads.fq.gz")
        #expect(try readAll(plainNamedGz).map(\.sequence) == ["ACGT"])
    }

    @Test func multiMemberAndBgzipStyleGzip() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try gzipBytes(Array("@a\nAC\n+\nII\n".utf8), in: dir)
        let b = try gzipBytes(Array("@b\nGT\n+\nII\n".utf8), in: dir)
        // bgzip's end-of-file marker: an empty member carrying the BC extra field.
        let bgzfEOF: [UInt8] = [0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0,
                                0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let path = try write(a + b + bgzfEOF, to: dir, "cat.gz")
        #expect(try readAll(path).map(\.header) == ["a", "b"])
        // Zero padding after the last member is tolerated.
        let padded = try write(a + b + [0, 0, 0, 0], to: dir, "pad.gz")
        #expect(try readAll(padded).map(\.header) == ["a", "b"])
    }

    @Test func largeMultiMemberFileReadsWhole() throws {
        // Members larger than every internal buffer, so boundaries fall mid-buffer.
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let member = try gzipBytes(uniformFASTQ(count: 40_000, sequence: String(repeating: "ACGT", count: 8)), in: dir)
        let path = try write(member + member + member, to: dir, "big.gz")
        let reader = try SequenceReader(path: path)
        var n = 0
        while try reader.next() != nil { n += 1 }
        #expect(n == 120_000)
    }

    @Test func truncatedGzipIsATypedError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = try gzipBytes(uniformFASTQ(count: 2000, sequence: "ACGTTGCA"), in: dir)
        let path = try write(Array(gz.prefix(gz.count / 2)), to: dir, "t.gz")
        #expect(thrownKind { _ = try readAll(path) } == .gzipTruncated)
        let noTrailer = try write(Array(gz.dropLast(4)), to: dir, "t2.gz")
        #expect(thrownKind { _ = try readAll(noTrailer) } == .gzipTruncated)
    }

    @Test func crcErrorIsATypedError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var gz = try gzipBytes(Array("@r\nACGT\n+\nIIII\n".utf8), in: dir)
        gz[gz.count - 8] ^= 0xFF   // first byte of the CRC-32 trailer
        let path = try write(gz, to: dir, "crc.gz")
        let error = thrownError { _ = try readAll(path) }
        #expect(error?.kind == .gzipChecksum)
        #expect(error?.file == path)
    }

    @Test func corruptDeflateDataAndTrailingGarbage() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var gz = try gzipBytes(uniformFASTQ(count: 500, sequence: "ACGTTGCAAC"), in: dir)
        let clean = gz
        for i in 12..<40 { gz[i] = 0xFF }
        let path = try write(gz, to: dir, "bad.gz")
        let kind = thrownKind { _ = try readAll(path) }
        #expect(kind == .gzipCorrupt || kind == .gzipChecksum)
        let trailing = try write(clean + Array("junk".utf8), to: dir, "trail.gz")
        #expect(thrownKind { _ = try readAll(trailing) } == .trailingData)
    }

    @Test func malformedFASTQRecordsNameRecordAndLine() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = "@ok\nACGT\n+\nIIII\n"
        let cases: [(String, BETSeqError.Kind, Int?, Int?)] = [
            (good + "r2\nACGT\n+\nIIII\n", .missingHeader, 2, 5),
            (good + "@r2\nACGT\nIIII\n@r3\n", .missingPlus, 2, 7),
            (good + "@r2\nACGT\n+\nIII\n", .qualityLength, 2, 8),
            (good + "@r2\nACGT\n+\nII I\n", .qualityCharacter, 2, 8),
            (good + "@r2\nACGT\n+\nIII\u{7F}\n", .qualityCharacter, 2, 8),
            (good + "@r2\nACXT\n+\nIIII\n", .invalidBase, 2, 6),
            (good + "@r2\nACGT\n", .truncatedRecord, 2, 7),
            (good + "@r2\nACGT\n+\n", .truncatedRecord, 2, 8),
            ("hello\n", .unknownFormat, nil, 1),
            (">a\nAC-GT\n", .invalidBase, 1, 2),
        ]
        for (i, (text, kind, record, line)) in cases.enumerated() {
            let path = try write(text, to: dir, "bad\(i).fq")
            let error = thrownError { _ = try readAll(path) }
            #expect(error?.kind == kind, "case \(i): \(String(describing: error))")
            #expect(error?.record == record, "case \(i)")
            #expect(error?.line == line, "case \(i)")
            #expect(error?.description.hasPrefix(path) == true)
        }
    }

    @Test func emptyInputIsZeroRecords() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, bytes) in [("e.fq", [UInt8]()), ("blank.fq", Array("\n\n".utf8)),
                              ("e.gz", try gzipBytes([], in: dir))] {
            let reader = try SequenceReader(path: try write(bytes, to: dir, name))
            #expect(reader.isEmpty)
            #expect(try reader.next() == nil)
        }
    }

    @Test func windowsLineEndingsAndLongRecords() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let crlf = try write("@a\r\nACGT\r\n+\r\nIIII\r\n@b\r\nTT\r\n+\r\nII", to: dir, "w.fq")
        #expect(try readAll(crlf) == [OwnedRecord(header: "a", sequence: "ACGT", quality: "IIII"),
                                      OwnedRecord(header: "b", sequence: "TT", quality: "II")])
        // A read longer than the initial buffer forces the buffer to grow.
        let long = String(repeating: "ACGT", count: 600_000)
        let path = try write("@long\n\(long)\n+\n\(String(repeating: "I", count: long.count))\n@s\nA\n+\nI\n", to: dir, "l.fq")
        let read = try readAll(path)
        #expect(read.count == 2)
        #expect(read[0].sequence == long)
    }

    @Test func nonexistentFileAndDirectoryAreTypedErrors() throws {
        #expect(thrownKind { _ = try SequenceReader(path: "/nonexistent/x.fq") } == .cannotOpen)
        #expect(thrownKind { _ = try SequenceReader(path: "/tmp") } == .cannotOpen)
    }

    @Test func outputFileAppearsOnlyWhenFinished() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.tsv").path
        do {
            let text = try TextWriter(path: path)
            try text.write("partial\n")
            // dropped without finish(): simulates an error half-way
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let text = try TextWriter(path: path)
        try text.write(-12)
        try text.write(byte: 9)
        try text.write(-0.0000004)
        try text.write(byte: 9)
        try text.write(2.5, decimals: 3)
        try text.write(byte: 9)
        try text.write(-1.23456789)
        try text.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "-12\t0.000000\t2.500\t-1.234568")
    }
}

@Suite struct GzipBoundaryTests {
    /// Member boundaries at every offset relative to the decoder's input refills: tiny input
    /// buffers force bytes read ahead past a member's end to cross a refill.
    @Test(arguments: [1, 2, 3, 5, 8, 13, 64])
    func membersAcrossTinyInputBuffers(bufferSize: Int) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var expected: [UInt8] = []
        var file: [UInt8] = []
        for i in 0..<25 {
            let text = Array(String(repeating: "member \(i) ", count: i * 7 + 1).utf8)
            expected += text
            file += try gzipBytes(text, in: dir)
        }
        let path = try write(file, to: dir, "m.gz")
        let source = try GzipSource(try FileSource(path: path), name: path, bufferSize: bufferSize)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 97)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            out += chunk[0..<n]
        }
        #expect(out == expected)
        #expect(source.memberCount == 25)
    }
}

@Suite struct StreamingErrorTests {
    /// A file cut in the middle: the records before the cut are delivered, then the error names
    /// the record being read when the compressed stream ended.
    @Test func truncationDeepInALargeFileNamesTheRecord() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = ""
        var g = SplitMix(state: 9)
        for i in 0..<60_000 {
            let seq = String((0..<50).map { _ in "ACGT".randomElement(using: &g)! })
            text += "@r\(i)\n\(seq)\n+\n\(String(repeating: "I", count: 50))\n"
        }
        let gz = try gzipBytes(Array(text.utf8), in: dir)
        let path = try write(Array(gz.prefix(gz.count * 3 / 4)), to: dir, "cut.fastq.gz")
        let reader = try SequenceReader(path: path)
        var delivered = 0
        let error = thrownError { while try reader.next() != nil { delivered += 1 } }
        #expect(error?.kind == .gzipTruncated)
        #expect(delivered > 30_000 && delivered < 60_000)
        #expect(error?.record == delivered + 1)
        #expect(error?.description.contains("record \(delivered + 1)") == true)
    }
}

/// The kinds Sequence adds to IO's: reads and designs, with the exit statuses they had in IO.
@Suite struct SequenceErrorKindTests {
    @Test func kindsMapToExitStatuses() {
        let expected: [BETSeqError.Kind: Int32] = [
            .invalidDesign: 64, .missingHeader: 65, .missingPlus: 65, .truncatedRecord: 65,
            .qualityLength: 65, .qualityCharacter: 65, .invalidBase: 65,
        ]
        #expect(Set(expected.keys) == Set(BETSeqError.Kind.sequenceKinds))
        #expect(Set(BETSeqError.Kind.sequenceKinds).isDisjoint(with: BETSeqError.Kind.generic))
        for (kind, status) in expected { #expect(BETSeqError(kind, file: "f", "m").exitCode == status, "\(kind)") }
        #expect(BETSeqError(.invalidBase, file: "r.fq", record: 3, line: 10, "bad base").description == "r.fq: record 3 (line 10): bad base")
    }
}
