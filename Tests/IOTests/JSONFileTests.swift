import Foundation
import Testing
import TestSupport
@testable import IO

/// A JSON value for building random documents that both JSONEncoder and JSONSerialization can write.
private indirect enum Value: Encodable {
    case number(Double), integer(Int), text(String), flag(Bool), list([Value]), object([String: Value])

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let x): try c.encode(x)
        case .integer(let x): try c.encode(x)
        case .text(let x): try c.encode(x)
        case .flag(let x): try c.encode(x)
        case .list(let x): try c.encode(x)
        case .object(let x): try c.encode(x)
        }
    }

    var foundation: Any {
        switch self {
        case .number(let x): return x
        case .integer(let x): return x
        case .text(let x): return x
        case .flag(let x): return x
        case .list(let x): return x.map(\.foundation)
        case .object(let x): return x.mapValues(\.foundation)
        }
    }
}

@Suite struct JSONFileTests {
    /// Keys like the reports': positions, model and sample names in any case, snake_case, dashes.
    static let keys = ["1", "2", "9", "10", "11", "100", "a", "B", "b", "mono", "Mono", "nn", "NN_2", "nn_10",
                       "r_squared", "rmse", "rep1", "rep10", "rep2", "3-4", "3-10", "ddg", "ddg_se", "ddgse",
                       "x/y", "é", "Z", "_lead", "a1b2", "a1b10", "input_1", "input_10", "inputs", " s", "-x", "a.b", "a b", "A_b"]

    private func random(_ rng: inout SplitMix, depth: Int) -> Value {
        let pick = depth >= 3 ? rng.next() % 4 : rng.next() % 6
        switch pick {
        case 0: return .number(Double(Int64(rng.next() % 2_000_001) - 1_000_000) / 997)
        case 1: return .integer(Int(rng.next() % 100_000))
        case 2: return .text(Self.keys[Int(rng.next() % UInt64(Self.keys.count))] + " / \"q\"")
        case 3: return .flag(rng.next() % 2 == 0)
        case 4: return .list((0..<Int(rng.next() % 4)).map { _ in random(&rng, depth: depth + 1) })
        default:
            var object: [String: Value] = [:]
            for _ in 0..<Int(rng.next() % 9) { object[Self.keys[Int(rng.next() % UInt64(Self.keys.count))]] = random(&rng, depth: depth + 1) }
            return .object(object)
        }
    }

    /// Documents keep the bytes JSONSerialization (.prettyPrinted, .sortedKeys) has always written for
    /// them, numeric and case-insensitive key order included, on random nested values; data files keep
    /// JSONEncoder's byte-order keys and unescaped slashes.
    @Test func documentsMatchJSONSerializationByteForByte() throws {
        var rng = SplitMix(state: 22)
        for _ in 0..<300 {
            var top: [String: Value] = [:]
            for _ in 0..<Int(1 + rng.next() % 8) { top[Self.keys[Int(rng.next() % UInt64(Self.keys.count))]] = random(&rng, depth: 0) }
            let value = Value.object(top)
            var reference = try JSONSerialization.data(withJSONObject: value.foundation, options: [.prettyPrinted, .sortedKeys])
            reference.append(10)
            let ours = try JSONFile.encode(value, layout: .document)
            #expect(String(decoding: ours, as: UTF8.self) == String(decoding: reference, as: UTF8.self))
        }
        let positions = Value.object(Dictionary(uniqueKeysWithValues: (1...10).map { ("\($0)", Value.integer($0)) }))
        let text = String(decoding: try JSONFile.encode(positions, layout: .document), as: UTF8.self)
        #expect(text.components(separatedBy: "\n").dropFirst().prefix(10).map { $0.split(separator: "\"")[1] } == (1...10).map { Substring("\($0)") })
        let data = String(decoding: try JSONFile.encode(["10": "a/b", "9": "c"]), as: UTF8.self)
        #expect(data == "{\n  \"10\" : \"a/b\",\n  \"9\" : \"c\"\n}\n")
    }
}
