import Foundation
import Testing
@testable import IO

@Suite struct FastGzipTests {
    func readBack(_ path: String) throws -> [UInt8] { try readAllBytes(path: path) }

    @Test func isalOutputReadsBackExactly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("betseq-fgz-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
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
