import IO

/// Writes FASTQ records, or FASTA records when no quality is given, buffered and with no
/// allocation per record: what `SequenceReader` reads. Gzip when the path ends in `.gz`: zlib at
/// `gzipLevel`, or ISA-L's fast level with `fast` (bulk reads, as the simulator writes them).
public final class SequenceWriter {
    private let text: TextWriter

    public init(path: String, gzipLevel: Int32 = 6, fast: Bool = false) throws {
        text = TextWriter(try openOutput(path, gzipLevel: gzipLevel, fast: fast))
    }

    public func write(header: String, sequence: String, quality: String?) throws {
        try text.write(byte: UInt8(ascii: quality == nil ? ">" : "@"))
        try text.write(header)
        try text.write(byte: 10)
        try text.write(sequence)
        try text.write(byte: 10)
        if let quality {
            try text.write("+\n")
            try text.write(quality)
            try text.write(byte: 10)
        }
    }

    /// A record named by a prefix and a number (`@bound:17`), from reusable buffers; `quality`
    /// has the sequence's length (FASTQ), or is nil (FASTA).
    public func write(prefix: [UInt8], number: Int, sequence: [UInt8], quality: [UInt8]?) throws {
        try text.write(byte: UInt8(ascii: quality == nil ? ">" : "@"))
        try prefix.withUnsafeBufferPointer { try text.write(bytes: $0) }
        try text.write(number)
        try text.write(byte: 10)
        try sequence.withUnsafeBufferPointer { try text.write(bytes: $0) }
        try text.write(byte: 10)
        if let quality {
            try text.write(byte: UInt8(ascii: "+"))
            try text.write(byte: 10)
            try quality.withUnsafeBufferPointer { try text.write(bytes: $0) }
            try text.write(byte: 10)
        }
    }

    /// Flushes and finishes the file (renaming a temporary file into place).
    public func finish() throws { try text.finish() }
}
