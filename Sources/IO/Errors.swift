/// A failure that a user can act on, located as precisely as the code that found it knows it.
///
/// Library code never traps on user input; it throws one of these. `description` is one line for a
/// command-line message, `file: record R (line L): message`, and `kind.category` decides the exit
/// status (sysexits conventions), so a workflow engine can tell a typo from a full disk.
public struct BETSeqError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; `category` decides the exit status. IO defines the generic
    /// kinds (options, missing files, compression, tables, versions, writing, numerics); modules
    /// that own a format add their own (Sequence: FASTQ records, designs, bases) as static members.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public let category: Category
        public init(_ name: String, _ category: Category) {
            self.name = name
            self.category = category
        }
        public var description: String { name }
        public static func == (a: Kind, b: Kind) -> Bool { a.name == b.name }
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }

        /// An option or argument that cannot work.
        public static let invalidOption = Kind("invalidOption", .usage)
        /// A missing or unreadable input.
        public static let cannotOpen = Kind("cannotOpen", .noInput)
        public static let gzipTruncated = Kind("gzipTruncated", .data)
        public static let gzipChecksum = Kind("gzipChecksum", .data)
        public static let gzipCorrupt = Kind("gzipCorrupt", .data)
        public static let trailingData = Kind("trailingData", .data)
        /// A file that is none of the formats a reader expects.
        public static let unknownFormat = Kind("unknownFormat", .data)
        /// A table, JSON document or list that breaks its format.
        public static let malformedTable = Kind("malformedTable", .data)
        /// A file written by an older (or newer) betseq whose format this version does not read.
        public static let unsupportedVersion = Kind("unsupportedVersion", .data)
        /// Reading or writing failed part way.
        public static let io = Kind("io", .io)
        public static let cannotWrite = Kind("cannotWrite", .io)
        /// An output cannot be created at all.
        public static let cannotCreate = Kind("cannotCreate", .cannotCreate)
        /// The numbers failed: divergence, no convergence, a library routine's error.
        public static let numerical = Kind("numerical", .numerical)

        /// The kinds IO defines (other modules' kinds are listed by them).
        public static let generic: [Kind] = [.invalidOption, .cannotOpen, .gzipTruncated, .gzipChecksum, .gzipCorrupt,
                                            .trailingData, .unknownFormat, .malformedTable, .unsupportedVersion, .io,
                                            .cannotWrite, .cannotCreate, .numerical]
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
