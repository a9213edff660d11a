import Foundation
import Testing
import TestSupport
@testable import Sequence
@testable import IO

/// A deliberately plain re-statement of the published read rules for the BET-seq design, written
/// with Swift strings and no shared code, to cross-check `ReadExtractor` on adversarial reads.
func naiveBETseq(_ read: [UInt8], _ qual: [UInt8]) -> Extraction {
    let q = qual.map { Int($0) - 33 }
    if q.isEmpty || Double(q.reduce(0, +)) / Double(q.count) < 30 { return .rejected(.lowMeanQuality) }
    let s = read.map { Character(UnicodeScalar($0)).uppercased() }.joined()
    let chars = Array(s)
    func fixed(_ at: Int, _ text: String) -> Bool {
        at >= 0 && at + text.count <= chars.count && String(chars[at..<(at + text.count)]) == text
    }
    guard let start = (0..<max(0, chars.count)).first(where: {
        fixed($0, "ATC") && fixed($0 + 8, "CACGTG") && fixed($0 + 19, "CTA")
    }) else { return .rejected(.noMatch) }
    let end = start + 22
    if start - 25 < 0 || end + 24 >= chars.count { return .rejected(.runsOffRead) }
    let umiPositions = [start - 25, start - 24, start - 13, end + 12, end + 23, end + 24]
    if (start + 3..<end - 3).contains(where: { q[$0] < 30 }) || umiPositions.contains(where: { q[$0] < 30 }) {
        return .rejected(.lowBaseQuality)
    }
    let flank = String(chars[(start + 3)..<(start + 8)]) + String(chars[(start + 14)..<(start + 19)])
    let umi = String(umiPositions.map { chars[$0] })
    guard let f = encodeBases(flank), let u = encodeBases(umi) else { return .rejected(.ambiguousBase) }
    return .accepted(variable: f, umi: u)
}

@Suite struct IndependentImplementationTests {
    func randomBases(_ n: Int, _ g: inout SplitMix, alphabet: [UInt8] = Array("ACGT".utf8)) -> [UInt8] {
        (0..<n).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
    }

    func adversarialRead(_ g: inout SplitMix) -> ([UInt8], [UInt8]) {
        var core = Array("ATC".utf8) + randomBases(5, &g) + Array("CACGTG".utf8) + randomBases(5, &g) + Array("CTA".utf8)
        var read: [UInt8]
        switch g.next() % 8 {
        case 0: read = randomBases(Int(g.next() % 41), &g) + core + randomBases(Int(g.next() % 41), &g)
        case 1: read = randomBases(Int(g.next() % 25), &g) + core + randomBases(20 + Int(g.next() % 26), &g)
        case 2: read = randomBases(30, &g) + core + randomBases(Int(g.next() % 27), &g)
        case 3: // two regions
            read = randomBases(28, &g) + core + randomBases(Int(g.next() % 9), &g) + core + randomBases(30, &g)
        case 4: // odd characters in flank/UMI slots
            read = randomBases(30, &g) + core + randomBases(30, &g)
            for _ in 0..<(1 + Int(g.next() % 3)) {
                let slots = [5, 6, 17, 33, 34, 37, 44, 48, 64, 75, 76]
                read[slots[Int(g.next() % UInt64(slots.count))]] = Array("NnacgtRY".utf8)[Int(g.next() % 8)]
            }
        case 5: read = randomBases(Int(g.next() % 6), &g)
        case 6: // a mutated anchor
            core[Int(g.next() % 3)] = Array("ACGT".utf8)[Int(g.next() % 4)]
            read = randomBases(30, &g) + core + randomBases(30, &g)
        default: read = randomBases(30, &g) + core + randomBases(30, &g)
        }
        var qual: [UInt8] = read.map { _ in
            let x = g.next() % 100
            return UInt8(33 + (x < 90 ? 40 : x < 94 ? 30 : x < 97 ? 29 : Int(g.next() % 40) + 2))
        }
        if g.next() % 20 == 0 { qual = qual.map { _ in UInt8(33 + 2 + Int(g.next() % 34)) } }
        return (read, qual)
    }

    @Test func extractorAgreesWithNaiveRulesOnAdversarialReads() throws {
        var g = SplitMix(state: 2026)
        let extractor = try ReadExtractor(design: .betseq)
        var outcomes = [String: Int]()
        for i in 0..<20_000 {
            var (read, qual) = adversarialRead(&g)
            let want = naiveBETseq(read, qual)
            let got = read.withUnsafeMutableBufferPointer { r in
                qual.withUnsafeMutableBufferPointer { q in
                    extractor.extract(sequence: UnsafeBufferPointer(r), quality: UnsafeBufferPointer(q))
                }
            }
            #expect(got == want, "read \(i): \(String(decoding: read, as: UTF8.self))")
            if got != want { break }
            outcomes["\(want)".prefix(20).description, default: 0] += 1
        }
        // The generator must exercise every outcome, or the comparison proves little.
        #expect(outcomes.count >= 5, "\(outcomes)")
    }
}
