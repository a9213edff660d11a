import Foundation

/// Re-lays out pretty-printed JSON from `JSONEncoder` (whose `.sortedKeys` compares bytes) with every
/// object's keys in natural order. Scalars are copied byte for byte, so numbers and strings keep the
/// encoder's spelling; only the order of members changes.
enum NaturalKeyOrder {
    private indirect enum Node {
        case scalar(Range<Int>)
        case array([Node])
        case object([(key: String, raw: Range<Int>, value: Node)])
    }

    /// "2" < "10", "a" < "B", "_x" < "1": Foundation's sorted-JSON-keys comparison (numeric search,
    /// case-insensitive, forced ordering so "b" and "B" still differ) under the root locale, so the
    /// order does not depend on the machine's language settings.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex,
                  locale: rootLocale) == .orderedAscending
    }

    private static let rootLocale = Locale(identifier: "")

    static func reorder(_ data: Data) throws -> Data {
        let bytes = [UInt8](data)
        var parser = Parser(bytes: bytes)
        let root = try parser.value()
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        write(root, bytes: bytes, level: 0, to: &out)
        return Data(out)
    }

    private static func write(_ node: Node, bytes: [UInt8], level: Int, to out: inout [UInt8]) {
        func indent(_ n: Int) { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * n)) }
        switch node {
        case .scalar(let range):
            out.append(contentsOf: bytes[range])
        case .array(let items):
            out.append(UInt8(ascii: "["))
            out.append(10)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); out.append(10) }
                indent(level + 1)
                write(item, bytes: bytes, level: level + 1, to: &out)
            }
            out.append(10)
            indent(level)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            out.append(10)
            for (i, member) in members.sorted(by: { precedes($0.key, $1.key) }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); out.append(10) }
                indent(level + 1)
                out.append(contentsOf: bytes[member.raw])
                out.append(contentsOf: " : ".utf8)
                write(member.value, bytes: bytes, level: level + 1, to: &out)
            }
            out.append(10)
            indent(level)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Just enough JSON to walk the encoder's own output; anything else is an encoding failure.
    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        private func failure() -> EncodingError {
            EncodingError.invalidValue(i, .init(codingPath: [], debugDescription: "unexpected JSON at byte \(i)"))
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 32 || bytes[i] == 10 || bytes[i] == 13 || bytes[i] == 9 { i += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipSpace()
            guard i < bytes.count, bytes[i] == byte else { throw failure() }
            i += 1
        }

        /// Whether the next byte (after spaces) closes the container; consumes it if so.
        mutating func closes(_ byte: UInt8) -> Bool {
            skipSpace()
            if i < bytes.count, bytes[i] == byte { i += 1; return true }
            return false
        }

        mutating func string() throws -> Range<Int> {
            skipSpace()
            let start = i
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw failure() }
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            guard i < bytes.count else { throw failure() }
            i += 1
            return start..<i
        }

        mutating func value() throws -> Node {
            skipSpace()
            guard i < bytes.count else { throw failure() }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(key: String, raw: Range<Int>, value: Node)] = []
                if closes(UInt8(ascii: "}")) { return .object(members) }
                while true {
                    let raw = try string()
                    let key = try JSONDecoder().decode(String.self, from: Data(bytes[raw]))
                    try expect(UInt8(ascii: ":"))
                    members.append((key, raw, try value()))
                    if closes(UInt8(ascii: "}")) { return .object(members) }
                    try expect(UInt8(ascii: ","))
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [Node] = []
                if closes(UInt8(ascii: "]")) { return .array(items) }
                while true {
                    items.append(try value())
                    if closes(UInt8(ascii: "]")) { return .array(items) }
                    try expect(UInt8(ascii: ","))
                }
            case UInt8(ascii: "\""):
                return .scalar(try string())
            default:
                let start = i
                while i < bytes.count, !",]} \n\r\t".utf8.contains(bytes[i]) { i += 1 }
                guard i > start else { throw failure() }
                return .scalar(start..<i)
            }
        }
    }
}
