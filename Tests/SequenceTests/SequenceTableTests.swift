import Foundation
import Testing
@testable import Sequence
@testable import IO

@Suite struct SequenceTableTests {
    func parse(_ text: String, required: [String] = ["ddg"], optional: [String] = []) throws -> SequenceTable {
        try SequenceTable.parse(Array(text.utf8) + [0], name: "t.tsv", required: required, optional: optional)
    }

    @Test func readsKeysAndColumns() throws {
        let t = try parse("sequence\tddg\tse\tx\nACGT\t-0.5\t0.1\tfoo\nTTTT\tnan\t1e-3\tbar\r\n\n", optional: ["se", "missing"])
        #expect(t.length == 4 && t.keys == [0b00_01_10_11, 255])
        #expect(t.columnNames == ["ddg", "se"])
        #expect(t.column("ddg")?[0] == -0.5 && t.column("ddg")?[1].isNaN == true)
        #expect(t.column("se") == [0.1, 0.001])
        #expect(t.column("missing") == nil)
    }

    @Test func badTablesNameTheLine() {
        let cases: [(String, String)] = [
            ("seq\tddg\nAC\t1\n", "no 'sequence' column"),
            ("sequence\tse\nAC\t1\n", "no column 'ddg'"),
            ("sequence\tddg\nAC\t1\nACG\t2\n", "line 3"),
            ("sequence\tddg\nAC\tx1\n", "'x1' in column 'ddg' is not a number"),
            ("sequence\tddg\nAN\t1\n", "'N' in a sequence"),
            ("sequence\tddg\nAC\t1\t3\n", "more fields"),
            ("sequence\tddg\nAC\n", "1 fields"),
            ("sequence\tddg\nAC\t\n", "is not a number"),
        ]
        for (text, message) in cases {
            do {
                _ = try parse(text)
                Issue.record("accepted: \(text)")
            } catch let e as BETSeqError {
                #expect(e.description.contains(message), "\(e)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}

/// Duplicate sequences are found in sorted tables (no lookup) and in any order (by lookup).
@Suite struct DuplicateRowTests {
    @Test func duplicatesAreFoundInAnyOrder() throws {
        for (rows, line, first) in [(["AAAA", "ACGT", "ACGT"], 4, 3), (["ACGT", "AAAA", "TTTT", "ACGT"], 5, 2), (["TTTT", "AAAA", "TTTT"], 4, 2)] {
            let counts = "sequence\tb\n" + rows.map { $0 + "\t1\n" }.joined()
            let ddg = "sequence\tddg\n" + rows.map { $0 + "\t0.5\n" }.joined()
            for parse in [{ _ = try CountTable.parse(Array(counts.utf8), name: "t") },
                          { _ = try SequenceTable.parse(bytes: Array(ddg.utf8), name: "t", required: ["ddg"]) }] as [() throws -> Void] {
                do {
                    try parse()
                    Issue.record("accepted \(rows)")
                } catch let e as BETSeqError {
                    #expect(e.description == "t: line \(line): sequence \(rows.last ?? "") also on line \(first)", "\(e)")
                }
            }
        }
        // Unsorted but distinct is fine.
        #expect(try CountTable.parse(Array("sequence\tb\nTTTT\t1\nAAAA\t2\nACGT\t3\n".utf8), name: "t").sequences.count == 3)
    }
}
