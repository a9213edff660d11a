import Foundation
import IO
@testable import Sequence
import Testing
import TestSupport

/// Counting split by file and merged equals one count over all the files (issue 15): PCR
/// duplicates of one molecule land in different lanes, and after the merge they are one UMI.
@Suite struct CountShardTests {
    /// The demo's input reads dealt round-robin into `lanes` FASTQ files (so most duplicate reads
    /// of a molecule are in another lane than its first read).
    func lanes(_ count: Int, in dir: URL) throws -> [String] {
        let reader = try SequenceReader(path: fixturesDirectory().appendingPathComponent("demo/input.fastq.gz").path)
        var texts = [String](repeating: "", count: count)
        var i = 0
        while let read = try reader.next() {
            texts[i % count] += "@r\(i)\n\(String(decoding: read.sequence, as: UTF8.self))\n+\n\(String(decoding: read.quality ?? UnsafeBufferPointer(start: nil, count: 0), as: UTF8.self))\n"
            i += 1
        }
        return try texts.enumerated().map { k, text in
            let path = dir.appendingPathComponent("lane\(k).fq").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    func table(_ counter: SampleCounter, reads: Bool) -> [UInt64: Int] {
        var t: [UInt64: Int] = [:]
        for key in SampleCounter.observedKeys([counter]) { t[key] = counter.count(of: key, reads: reads) }
        return t
    }

    @Test(arguments: [1 << 20, 64])  // hash set of pairs, and the bitset after 64 pairs
    func shardsMergeToOneCount(threshold: Int) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try lanes(3, in: dir)
        let extractor = try ReadExtractor(design: .betseq)
        let whole = SampleCounter(design: .betseq, bitsetThreshold: threshold)
        for f in files { try whole.count(path: f, extractor: extractor) }
        #expect(whole.summary.duplicates > 100, "the fixture should hold PCR duplicates")

        let merged = SampleCounter(design: .betseq, bitsetThreshold: threshold)
        var ownDuplicates = 0
        for f in files {
            let lane = SampleCounter(design: .betseq, bitsetThreshold: threshold)
            try lane.count(path: f, extractor: extractor)
            ownDuplicates += lane.summary.duplicates
            let path = f + ".shard"
            try lane.shard(files: [f], options: ExtractionOptions().summary).write(path: path)
            let back = try CountShard.read(path: path)
            #expect(try back == lane.shard(files: [f], options: ExtractionOptions().summary))
            merged.absorb(back)
        }
        // Most duplicates are only found across lanes.
        #expect(ownDuplicates < whole.summary.duplicates / 2)
        #expect(merged.summary == whole.summary)
        #expect(table(merged, reads: false) == table(whole, reads: false))
        #expect(table(merged, reads: true) == table(whole, reads: true))
    }

    /// Designs of more than 12 variable bases count in hash tables; merging works the same.
    @Test func sparseDesignsMergeToo() throws {
        let design = try DesignTemplate("UUUUNNNNNNNCACGTGNNNNNNN")
        var text: [String] = ["", ""]
        var rng = SplitMix(state: 7)
        for i in 0..<400 {
            let umi = String((0..<4).map { _ in Array("ACGT")[Int(rng.next() % 2)] })
            let flank = String((0..<7).map { _ in Array("ACGT")[Int(rng.next() % 2)] })
            let read = umi + flank + "CACGTG" + flank
            text[i % 2] += "@r\(i)\n\(read)\n+\n\(String(repeating: "I", count: read.count))\n"
        }
        let extractor = try ReadExtractor(design: design)
        let whole = SampleCounter(design: design), merged = SampleCounter(design: design)
        for t in text {
            let reader = try SequenceReader(source: MemorySource(Array(t.utf8)), name: "reads")
            try whole.count(reader: reader, extractor: extractor)
            let lane = SampleCounter(design: design)
            try lane.count(reader: try SequenceReader(source: MemorySource(Array(t.utf8)), name: "reads"), extractor: extractor)
            merged.absorb(try CountShard.decode(Array(try shardBytes(lane)), file: "lane"))
        }
        #expect(whole.summary.duplicates > 0)
        #expect(merged.summary == whole.summary)
        #expect(table(merged, reads: false) == table(whole, reads: false))
    }

    func shardBytes(_ counter: SampleCounter) throws -> [UInt8] {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.shard").path
        try counter.shard(files: ["reads"], options: "o").write(path: path)
        return try readAllBytes(path: path)
    }

    /// A damaged shard is an error naming what is wrong, never wrong counts.
    @Test func damagedShardsAreRefused() throws {
        let design = try DesignTemplate("UUNNCACGTGNN")
        let counter = SampleCounter(design: design)
        // (sequence, UMI): (AAAC, AG) twice, (AAAT, AA), (AATT, TT).
        let reads = ["AGAACACGTGAC", "AGAACACGTGAC", "AAAACACGTGAT", "TTAACACGTGTT"]
        let fastq = reads.enumerated().map { "@r\($0)\n\($1)\n+\nIIIIIIIIIIII\n" }.joined()
        try counter.count(reader: SequenceReader(source: MemorySource(Array(fastq.utf8)), name: "r"), extractor: ReadExtractor(design: design))
        let bytes = try shardBytes(counter)
        let shard = try CountShard.decode(bytes, file: "s")
        #expect(shard.keys == [1, 3, 15] && shard.reads == [2, 1, 1])
        #expect(shard.pairs == [1 << 4 | 2, 3 << 4, 15 << 4 | 15])
        #expect(shard.summary.duplicates == 1)

        func message(_ b: [UInt8]) -> String {
            do { _ = try CountShard.decode(b, file: "s"); return "" } catch { return "\(error)" }
        }
        #expect(message(Array(bytes.dropLast())) == "s: not a usable count shard: data ends early")
        #expect(message(bytes + [0]) == "s: not a usable count shard: 1 bytes after the data")
        #expect(message(Array("hello\n".utf8)) == "s: not a betseq count shard (expected a 'betseq-count-shard' header line)")
        let header = String(decoding: bytes.prefix { $0 != 10 }, as: UTF8.self)
        let body = Array(bytes.drop { $0 != 10 })
        let inflated = header.replacingOccurrences(of: "\"counted\":4", with: "\"counted\":5")
        #expect(message(Array(inflated.utf8) + body).hasPrefix("s: not a usable count shard: its counts do not add up"))
        let newer = header.replacingOccurrences(of: "\"version\":1", with: "\"version\":9")
        #expect(message(Array(newer.utf8) + body) == "s: betseq-count-shard version 9; this betseq reads up to 1")
    }

    /// A run frees each finished sample's UMI pairs; its counts stay, and it can no longer be
    /// exported as a shard (that would lose the pairs a merge needs).
    @Test func releasedPairsKeepCountsButNoShard() throws {
        let design = try DesignTemplate("UUNNCACGTGNN")
        let counter = SampleCounter(design: design, bitsetThreshold: 2)
        let fastq = ["AGAACACGTGAC", "AGAACACGTGAC", "AAAACACGTGAT", "TTAACACGTGTT"].enumerated()
            .map { "@r\($0)\n\($1)\n+\nIIIIIIIIIIII\n" }.joined()
        try counter.count(reader: SequenceReader(source: MemorySource(Array(fastq.utf8)), name: "r"), extractor: ReadExtractor(design: design))
        let before = table(counter, reads: false)
        counter.releasePairs()
        #expect(table(counter, reads: false) == before && before[1] == 1 && counter.count(of: 1, reads: true) == 2)
        expectError(.invalidOption, mentioning: "r: the sample's UMI pairs were already released") { _ = try counter.shard(files: ["r"], options: "o") }
    }
}
