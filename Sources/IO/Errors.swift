/// A failure that a user can act on, located as precisely as the code that found it knows it.
///
/// Library code never traps on user input; it throws one of these. `description` is one line for a
/// command-line message, `file: record R (line L): message`, and `kind.category` decides the exit
/// status (sysexits conventions), so a workflow engine can tell a typo from a full disk.
public struct BETSeqError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        // Usage: an option or argument that cannot work.
        case invalidOption, invalidDesign
        // Missing input.
        case cannotOpen
        // Bad input data.
        case gzipTruncated, gzipChecksum, gzipCorrupt, trailingData
        case unknownFormat, missingHeader, missingPlus, truncatedRecord
        case qualityLength, qualityCharacter, invalidBase
        case malformedTable
        /// A file written by an older (or newer) betseq whose format this version does not read.
        case unsupportedVersion
        // Reading or writing failed part way.
        case io, cannotWrite
        // An output cannot be created at all.
        case cannotCreate
        // The numbers failed: divergence, no convergence, a library routine's error.
        case numerical

        public var category: Category {
            switch self {
            case .invalidOption, .invalidDesign: return .usage
            case .cannotOpen: return .noInput
            case .gzipTruncated, .gzipChecksum, .gzipCorrupt, .trailingData, .unknownFormat, .missingHeader,
                 .missingPlus, .truncatedRecord, .qualityLength, .qualityCharacter, .invalidBase, .malformedTable,
                 .unsupportedVersion:
                return .data
            case .io, .cannotWrite: return .io
            case .cannotCreate: return .cannotCreate
            case .numerical: return .numerical
            }
        }
    }

    /// What went wrong, as sysexits.h numbers it.
    public enum Category: Int32, Sendable {
        case usage = 64          // EX_USAGE
        case data = 65           // EX_DATAERR
        case noInput = 66        // EX_NOINPUT
        case numerical = 70      // EX_SOFTWARE: the computation itself failed
        case cannotCreate = 73   // EX_CANTCREAT
        case io = 74             // EX_IOERR
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

    /// The process exit status for this error.
    public var exitCode: Int32 { kind.category.rawValue }

    public var description: String {
        var place = file
        if let record { place += ": record \(record)" }
        if let line { place += record == nil ? ": line \(line)" : " (line \(line))" }
        return "\(place): \(message)"
    }
}
