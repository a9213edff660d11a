import Foundation

/// JSON for typed values, and decoding errors as one line that names the file and the key.
///
/// Two layouts, both pretty-printed (two-space indent, `"key" : value`) with a final newline, so the
/// same value always gives the same bytes:
/// - `.data` (models, caches, simulation records): keys in byte order, slashes as they are.
/// - `.document` (report.json, summary.json, plan.json): keys in natural order, i.e. ignoring case
///   and comparing runs of digits as numbers ("2" before "10", "a" before "B"), slashes escaped as
///   `\/` — the layout these documents have always had, which people diff between runs.
public enum JSONFile {
    public enum Layout: Sendable { case data, document }

    public static func encode<T: Encodable>(_ value: T, layout: Layout = .data) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = layout == .document ? [.prettyPrinted, .sortedKeys] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = try encoder.encode(value)
        if layout == .document { data = try NaturalKeyOrder.reorder(data) }
        data.append(10)
        return data
    }

    /// Writes `value` atomically (temporary file, then rename; `-` is standard output).
    public static func write<T: Encodable>(_ value: T, path: String) throws {
        try writeFile(encode(value), path: path)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw BETSeqError(.malformedTable, file: file, describe(error))
        }
    }

    /// Reads and decodes a whole file.
    public static func read<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        try decode(type, from: Data(readAllBytes(path: path)), file: path)
    }

    /// One line for a decoding error: what was expected where.
    public static func describe(_ error: DecodingError) -> String {
        func place(_ path: [CodingKey]) -> String {
            let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the top level" : "'\(text.hasPrefix(".") ? String(text.dropFirst()) : text)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' in \(place(context.codingPath))"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(place(context.codingPath)): expected \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "invalid JSON"
        }
    }
}
