import Foundation
import TestSupport
@testable import Sequence
@testable import IO

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

/// `count` FASTQ records named r0, r1, … sharing one sequence, all bases PHRED 40.
func uniformFASTQ(count: Int, sequence: String) -> [UInt8] {
    let quality = String(repeating: "I", count: sequence.count)
    var text = ""
    for i in 0..<count { text += "@r\(i)\n\(sequence)\n+\n\(quality)\n" }
    return Array(text.utf8)
}
