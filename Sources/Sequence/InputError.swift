/// A problem with user input, located as precisely as the reader knows it.
///
/// Readers never trap on bad data; they throw one of these. `description` is one line suitable for a
/// command-line error message: `file: record R (line L): message`.
public struct InputError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case cannotOpen, io
        case gzipTruncated, gzipChecksum, gzipCorrupt, trailingData
        case unknownFormat, missingHeader, missingPlus, truncatedRecord
        case qualityLength, qualityCharacter, invalidBase
        case invalidDesign, invalidOption
        case malformedTable
        case cannotWrite
    }

    public let kind: Kind
    public let file: String
    /// 1-based record number, when the problem belongs to a record.
    public let record: Int?
    /// 1-based line number, when known.
    public let line: Int?
    public let message: String

    public init(_ kind: Kind, file: String, record: Int? = nil, line: Int? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.record = record
        self.line = line
        self.message = message
    }

    public var description: String {
        var place = file
        if let record { place += ": record \(record)" }
        if let line { place += record == nil ? ": line \(line)" : " (line \(line))" }
        return "\(place): \(message)"
    }
}
