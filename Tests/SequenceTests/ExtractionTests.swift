import Foundation
import Testing
import TestSupport
@testable import Sequence
@testable import IO

/// Builds a read in the BET-seq layout: 5' adapter of `left` bases (UMI bases at start-25,
/// start-24, start-13), the 22-base ATC…CTA region, and `right` bases after it.
func betseqRead(flank: String, umi: String, left: Int = 30, right: Int = 30) -> String {
    precondition(flank.count == 10 && umi.count == 6 && left >= 25 && right >= 25)
    let f = Array(flank), u = Array(umi)
    var l = Array(repeating: Character("G"), count: left)
    l[left - 25] = u[0]; l[left - 24] = u[1]; l[left - 13] = u[2]
    var r = Array(repeating: Character("T"), count: right)
    r[12] = u[3]; r[23] = u[4]; r[24] = u[5]
    return String(l) + "ATC" + String(f[0..<5]) + "CACGTG" + String(f[5..<10]) + "CTA" + String(r)
}

func extract(_ extractor: ReadExtractor, _ seq: String, _ qual: String?) -> Extraction {
    var s = Array(seq.utf8)
    var q = qual.map { Array($0.utf8) } ?? []
    return s.withUnsafeMutableBufferPointer { sp in
        q.withUnsafeMutableBufferPointer { qp in
            extractor.extract(sequence: UnsafeBufferPointer(sp), quality: qual == nil ? nil : UnsafeBufferPointer(qp))
        }
    }
}

func accepted(_ flank: String, _ umi: String) -> Extraction {
    .accepted(variable: encodeBases(flank)!, umi: encodeBases(umi)!)
}

@Suite struct ExtractionTests {
    let design = DesignTemplate.betseq
    let flank = "ACGTTGCAAC"
    let umi = "GATCCA"

    func hi(_ n: Int) -> String { String(repeating: "I", count: n) }

    @Test func defaultDesignLayout() {
        #expect(design.length == 72)
        #expect(design.variableLength == 10)
        #expect(design.umiOffsets == [0, 1, 12, 59, 70, 71])
        #expect(design.anchorOffsets.first == 25)
        // 5 + 6 + 5 core bases and 6 UMI bases are quality-checked.
        #expect(design.qualityCheckedOffsets.count == 22)
    }

    @Test func invalidDesignsAreRejected() {
        #expect(thrownKind { _ = try DesignTemplate("ACGTX") } == .invalidDesign)
        #expect(thrownKind { _ = try DesignTemplate("ACGT...") } == .invalidDesign)
        #expect(thrownKind { _ = try DesignTemplate("NNNN") } == .invalidDesign)
        #expect(thrownKind { _ = try DesignTemplate("A" + String(repeating: "N", count: 20) + String(repeating: "U", count: 13)) } == .invalidDesign)
    }

    @Test func extractsFlankAndUMI() throws {
        let e = try ReadExtractor(design: design)
        let read = betseqRead(flank: flank, umi: umi)
        #expect(extract(e, read, hi(read.count)) == accepted(flank, umi))
        // FASTA input: no quality checks.
        #expect(extract(e, read, nil) == accepted(flank, umi))
    }

    @Test func templateAtEitherEndOfTheRead() throws {
        let e = try ReadExtractor(design: design)
        let exact = betseqRead(flank: flank, umi: umi, left: 25, right: 25)
        #expect(exact.count == design.length)
        #expect(extract(e, exact, hi(exact.count)) == accepted(flank, umi))
        // One base short at either end: the template runs off the read.
        let shortLeft = String(exact.dropFirst())
        #expect(extract(e, shortLeft, hi(shortLeft.count)) == .rejected(.runsOffRead))
        let shortRight = String(exact.dropLast())
        #expect(extract(e, shortRight, hi(shortRight.count)) == .rejected(.runsOffRead))
    }

    @Test func readShorterThanTemplate() throws {
        let e = try ReadExtractor(design: design)
        let core = "ATC" + "AAAAA" + "CACGTG" + "CCCCC" + "CTA"
        #expect(extract(e, core, hi(core.count)) == .rejected(.runsOffRead))
        #expect(extract(e, "ACGT", hi(4)) == .rejected(.noMatch))
        #expect(extract(e, "", "") == .rejected(.lowMeanQuality))
        #expect(extract(e, "", nil) == .rejected(.noMatch))
    }

    @Test func leftmostMatchWins() throws {
        let e = try ReadExtractor(design: design)
        // Two copies of the region; the first is complete, so it is the one used.
        let first = betseqRead(flank: flank, umi: umi)
        let read = first + "ATCGGGGGCACGTGTTTTTCTA"
        #expect(extract(e, read, hi(read.count)) == accepted(flank, umi))
        // Leftmost match runs off the start: rejected, not replaced by a later match.
        let early = "GGGG" + "ATCAAAAACACGTGAAAAACTA" + first
        #expect(extract(e, early, hi(early.count)) == .rejected(.runsOffRead))
    }

    @Test func reverseComplementOnlyWithBothStrands() throws {
        let read = betseqRead(flank: flank, umi: umi)
        let rc = String(read.utf8.reversed().map { Character(UnicodeScalar(complement($0))) })
        let q = hi(read.count)
        #expect(extract(try ReadExtractor(design: design), rc, q) == .rejected(.noMatch))
        var o = ExtractionOptions()
        o.bothStrands = true
        let both = try ReadExtractor(design: design, options: o)
        #expect(extract(both, rc, q) == accepted(flank, umi))
        #expect(extract(both, read, q) == accepted(flank, umi))
        // The quality string is reversed with the sequence: a low base at the 5' end of the
        // reverse read is the 3' end of the forward read (the last UMI base: start+24 after CTA).
        var rq = Array(q)
        let lastUMI = read.count - 30 + 24
        rq[read.count - 1 - lastUMI] = "#"
        #expect(extract(both, rc, String(rq)) == .rejected(.lowBaseQuality))
    }

    @Test func mismatchesInAnchors() throws {
        var read = Array(betseqRead(flank: flank, umi: umi))
        read[30] = "T"          // ATC -> TTC: one mismatch
        let one = String(read)
        read[49] = "G"          // CTA -> GTA: two mismatches
        let two = String(read)
        let q = hi(read.count)
        #expect(extract(try ReadExtractor(design: design), one, q) == .rejected(.noMatch))
        var o = ExtractionOptions()
        o.maxMismatches = 1
        let e1 = try ReadExtractor(design: design, options: o)
        #expect(extract(e1, one, q) == accepted(flank, umi))
        #expect(extract(e1, two, q) == .rejected(.noMatch))
        o.maxMismatches = 2
        #expect(extract(try ReadExtractor(design: design, options: o), two, q) == accepted(flank, umi))
    }

    @Test func lowQualityInsideVersusOutsideTheCheckedBases() throws {
        let e = try ReadExtractor(design: design)
        let read = betseqRead(flank: flank, umi: umi)   // start (A of ATC) at 30
        let start = 30, end = 52
        func withLow(_ positions: [Int], _ q: Character = "=") -> String {   // '=' is Q28
            var a = Array(hi(read.count))
            for p in positions { a[p] = q }
            return String(a)
        }
        let checked = [start - 25, start - 24, start - 13, start + 3, start + 7, start + 8, start + 13,
                       start + 18, end + 12, end + 23, end + 24]
        for p in checked {
            #expect(extract(e, read, withLow([p])) == .rejected(.lowBaseQuality), "position \(p)")
        }
        // Adapter bases and the outer anchors (ATC, CTA) are not checked individually.
        for p in [0, start - 1, start, start + 2, end - 1, end + 1, read.count - 1] {
            #expect(extract(e, read, withLow([p], "#")) == accepted(flank, umi), "position \(p)")
        }
        // ...but enough low bases anywhere pull the mean under 30.
        let many = withLow(Array(0..<25), "#")   // mean (25·2 + 57·40)/82 ≈ 28.4
        #expect(extract(e, read, many) == .rejected(.lowMeanQuality))
        // Thresholds are options.
        var o = ExtractionOptions()
        o.minBaseQuality = 20
        #expect(extract(try ReadExtractor(design: design, options: o), read, withLow([start + 3])) == accepted(flank, umi))
    }

    @Test func publishedQualityOffsetsReproduceTheQuirk() throws {
        var o = ExtractionOptions()
        o.qualityOffsets = .published
        let published = try ReadExtractor(design: design, options: o)
        let intended = try ReadExtractor(design: design)
        let read = betseqRead(flank: flank, umi: umi)
        let start = 30, end = 52
        func withLow(_ p: Int) -> String {
            var a = Array(hi(read.count)); a[p] = "#"; return String(a)
        }
        // A low-quality 3' UMI base: intended rejects, published does not look there.
        #expect(extract(intended, read, withLow(end + 23)) == .rejected(.lowBaseQuality))
        #expect(extract(published, read, withLow(end + 23)) == accepted(flank, umi))
        // A low base at start+23 (= end+1): published rejects, intended does not look there.
        #expect(extract(published, read, withLow(start + 23)) == .rejected(.lowBaseQuality))
        #expect(extract(intended, read, withLow(start + 23)) == accepted(flank, umi))
        // The quirk only makes sense for the published design.
        #expect(thrownKind { _ = try ReadExtractor(design: try DesignTemplate("UATCNNNCTA"), options: o) } == .invalidOption)
    }

    @Test func ambiguousBasesAreRejected() throws {
        let e = try ReadExtractor(design: design)
        let read = betseqRead(flank: "ACGTNGCAAC", umi: umi)
        #expect(extract(e, read, hi(read.count)) == .rejected(.ambiguousBase))
        let lower = betseqRead(flank: "acgttgcaac", umi: "gatcca")
        #expect(extract(e, lower, hi(lower.count)) == accepted(flank, umi))
    }

    @Test func customDesignWithoutUMI() throws {
        let d = try DesignTemplate("GGNNNNCC")
        let e = try ReadExtractor(design: d)
        #expect(extract(e, "TTGGACGTCCTT", hi(12)) == .accepted(variable: encodeBases("ACGT")!, umi: 0))
        let counter = SampleCounter(design: d)
        counter.add(variable: 5, umi: 0)
        counter.add(variable: 5, umi: 0)
        // Without UMIs every read counts as a molecule.
        #expect(counter.count(of: 5, reads: false) == 2)
        #expect(counter.summary.duplicates == 0)
    }

    @Test func keysRoundTrip() {
        #expect(decodeBases(encodeBases("TGCAACGT")!, length: 8) == "TGCAACGT")
        #expect(encodeBases("ACNT") == nil)
        #expect(encodeBases("AAAAAAAAAA") == 0)
    }
}

@Suite struct CountingTests {
    @Test func umiDeduplication() {
        let c = SampleCounter(design: .betseq)
        let s = encodeBases("ACGTACGTAC")!, t = encodeBases("TTTTTTTTTT")!
        c.add(variable: s, umi: 1)
        c.add(variable: s, umi: 1)   // PCR duplicate
        c.add(variable: s, umi: 2)
        c.add(variable: t, umi: 1)   // same UMI, other sequence: distinct molecule
        #expect(c.count(of: s, reads: true) == 3)
        #expect(c.count(of: s, reads: false) == 2)
        #expect(c.count(of: t, reads: false) == 1)
        #expect(c.summary.duplicates == 1)
        #expect(c.summary.distinct == 3)
        #expect(SampleCounter.observedKeys([c]) == [s, t])
    }

    /// Pairs start in a hash set and move to the bitset past a threshold (so small runs stay small):
    /// counts and duplicates are the same whichever holds them, before and after the switch.
    @Test func hashSetAndBitsetCountAlike() {
        var random = SplitMix(state: 4)
        let lazy = SampleCounter(design: .betseq, bitsetThreshold: 1_000)
        let hashed = SampleCounter(design: .betseq, bitsetThreshold: .max)
        var pairs: [(UInt64, UInt64)] = []
        for _ in 0..<20_000 {
            // A small space of sequences and UMIs, so duplicates are frequent on both sides of the switch.
            let pair = (random.next() % 512, random.next() % 64)
            pairs.append(pair)
            if random.next() % 3 == 0 { pairs.append(pair) }
        }
        for (v, u) in pairs { lazy.add(variable: v, umi: u); hashed.add(variable: v, umi: u) }
        #expect(lazy.summary == hashed.summary && lazy.summary.duplicates > 5_000)
        for v in UInt64(0)..<512 {
            #expect(lazy.count(of: v, reads: false) == hashed.count(of: v, reads: false))
            #expect(lazy.count(of: v, reads: true) == hashed.count(of: v, reads: true))
        }
    }

    @Test func sparseCountersForLongVariableRegions() throws {
        // 14 variable bases: per-sequence tables are hashed; 14 + 4 bases exceed the bitset limit.
        let d = try DesignTemplate("A" + String(repeating: "N", count: 14) + "C" + "UUUU")
        let c = SampleCounter(design: d)
        c.add(variable: 7, umi: 3)
        c.add(variable: 7, umi: 3)
        c.add(variable: 1 << 27, umi: 3)
        #expect(c.count(of: 7, reads: true) == 2)
        #expect(c.count(of: 7, reads: false) == 1)
        #expect(SampleCounter.observedKeys([c]) == [7, 1 << 27])
    }

    /// Counts the fixture FASTQ and compares with the table the data generator computed from its
    /// own arrays (an independent implementation that never parsed the FASTQ).
    @Test(arguments: ["input", "bound"])
    func fixtureCountsEqualTheGeneratorsExpectedTable(sample: String) throws {
        let dir = fixturesDirectory().appendingPathComponent("demo")
        let counter = SampleCounter(design: .betseq)
        try counter.count(path: dir.appendingPathComponent("\(sample).fastq.gz").path,
                          extractor: try ReadExtractor(design: .betseq))
        let expected = try String(contentsOf: dir.appendingPathComponent("expected_\(sample)_umi.tsv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { line -> (String, Int) in
                let f = line.split(separator: "\t")
                return (String(f[0]), Int(f[1])!)
            }
        let ours = SampleCounter.observedKeys([counter]).map {
            (decodeBases($0, length: 10), counter.count(of: $0, reads: false))
        }
        #expect(ours.count == expected.count)
        #expect(ours.elementsEqual(expected, by: { $0 == $1 }))
        #expect(counter.summary.reads == 10_000)
    }

    @Test func countTableWriteAndReadBack() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = SampleCounter(design: .betseq), b = SampleCounter(design: .betseq)
        a.add(variable: 9, umi: 0); a.add(variable: 9, umi: 0); a.add(variable: 2, umi: 0)
        b.add(variable: 4, umi: 1)
        let path = dir.appendingPathComponent("c.tsv").path
        try CountTable.write([("input", a), ("bound", b)], reads: false, path: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) ==
                "sequence\tinput\tbound\nAAAAAAAAAG\t1\t0\nAAAAAAAACA\t0\t1\nAAAAAAAAGC\t1\t0\n")
        let table = try CountTable.read(path: path)
        #expect(table.samples == ["input", "bound"])
        #expect(table.sequences == ["AAAAAAAAAG", "AAAAAAAACA", "AAAAAAAAGC"])
        #expect(table.counts == [[1, 0, 1], [0, 1, 0]])
        try CountTable.write([("input", a)], reads: true, path: path)
        #expect(try CountTable.read(path: path).counts == [[1, 2]])
    }

    @Test func malformedCountTables() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (i, (text, line)) in [("seq\ta\n", 1), ("sequence\ta\nAC\t1\t2\n", 2), ("sequence\ta\nAC\t-1\n", 2),
                                  ("sequence\ta\nAC\tx\n", 2), ("sequence\ta\n\t3\n", 2), ("", nil)].enumerated() {
            let path = try write(text, to: dir, "t\(i).tsv")
            let error = thrownError { _ = try CountTable.read(path: path) }
            #expect(error?.kind == .malformedTable, "case \(i)")
            #expect(error?.line == line, "case \(i)")
        }
    }
}
