import IO
#if canImport(Glibc)
import Glibc
#endif

/// One record, borrowed from the reader's buffer: valid only until the next call to `next()`.
/// Borrowing is what keeps the hot path free of per-record allocation.
public struct SequenceRecord {
    /// Header line without its leading `@` or `>`.
    public let header: UnsafeBufferPointer<UInt8>
    public let sequence: UnsafeBufferPointer<UInt8>
    /// PHRED+33 characters, same length as `sequence`; nil for FASTA.
    public let quality: UnsafeBufferPointer<UInt8>?
}

/// Byte classes used to validate records in one table look-up per byte.
enum ByteClass {
    /// 1 for IUPAC nucleotide codes (either case), 0 otherwise.
    static let iupac: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for c in "ACGTUNRYKMSWBDHVacgtunrykmswbdhv".utf8 { t[Int(c)] = 1 }
        return t
    }()
}

/// Streaming FASTA/FASTQ reader over any `ByteSource` (plain, gzip or stdin).
///
/// The format is taken from the first non-blank byte (`@` FASTQ, `>` FASTA). FASTQ is the
/// four-line form; FASTA sequences may span lines. Windows line ends are accepted. Memory is one
/// buffer that grows only to hold the longest record.
public final class SequenceReader {
    public enum Format: String, Sendable { case fasta, fastq }

    public let path: String
    public private(set) var format: Format? = nil
    /// Records returned so far.
    public private(set) var recordNumber = 0
    private let source: ByteSource

    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    private var lineNumber = 0  // lines consumed before `start`

    // FASTA only: sequence lines joined here.
    private var joined: UnsafeMutablePointer<UInt8>
    private var joinedCapacity = 1 << 12
    private var headerCopy: UnsafeMutablePointer<UInt8>
    private var headerCapacity = 1 << 10

    public convenience init(path: String) throws {
        try self.init(source: openInput(path), name: path)
    }

    public init(source: ByteSource, name: String, bufferSize: Int = 1 << 20) throws {
        self.source = source
        self.path = name
        capacity = max(bufferSize, 64)
        buffer = .allocate(capacity: capacity)
        joined = .allocate(capacity: joinedCapacity)
        headerCopy = .allocate(capacity: headerCapacity)
        try detectFormat()
    }

    deinit {
        buffer.deallocate()
        joined.deallocate()
        headerCopy.deallocate()
    }

    /// True when the input held no records at all (the caller may warn).
    public var isEmpty: Bool { format == nil }

    public var progress: (done: Int64, total: Int64?) { source.progress }

    // MARK: buffer management

    /// Moves unread bytes to the front, grows when a single record fills the buffer, and reads more.
    /// Returns false when nothing more could be read.
    private func fill() throws -> Bool {
        if eof { return false }
        if start > 0 {
            let live = end - start
            if live > 0 { memmove(buffer, buffer + start, live) }
            end = live
            start = 0
        }
        if end == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let n: Int
        do {
            n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
        } catch let e as BETSeqError where e.record == nil {
            // A decompression error surfaces while reading some record: say which.
            throw BETSeqError(e.kind, file: e.file, record: recordNumber + 1, e.message)
        }
        if n == 0 { eof = true; return false }
        end += n
        return true
    }

    private func detectFormat() throws {
        try skipBlankLines()
        guard start < end else { return }
        switch buffer[start] {
        case UInt8(ascii: "@"): format = .fastq
        case UInt8(ascii: ">"): format = .fasta
        default:
            throw BETSeqError(.unknownFormat, file: path, line: lineNumber + 1,
                             "expected a FASTQ '@' or FASTA '>' header, found '\(printable(buffer[start]))'")
        }
    }

    @inline(__always) private func isBlank(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") || c == UInt8(ascii: " ") || c == UInt8(ascii: "\t")
    }

    /// Offsets (relative to `start`) of the ends of the next `count` lines, excluding "\n" and a
    /// trailing "\r", plus where the following line begins. Fewer lines are returned only at EOF.
    private var lineEnds = [(end: Int, next: Int)](repeating: (0, 0), count: 4)

    private func scanLines(_ count: Int) throws -> Int {
        var found = 0
        var cursor = 0  // relative to start, survives compaction
        while found < count {
            let base = buffer + start
            let avail = end - start
            if cursor < avail, let hit = memchr(base + cursor, Int32(UInt8(ascii: "\n")), avail - cursor) {
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                var lineEnd = at
                if lineEnd > cursor, base[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                lineEnds[found] = (lineEnd, at + 1)
                found += 1
                cursor = at + 1
                continue
            }
            if try fill() { continue }
            // End of input: an unterminated last line still counts.
            let avail2 = end - start
            if cursor < avail2 {
                var lineEnd = avail2
                if buffer[start + lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                lineEnds[found] = (lineEnd, avail2)
                found += 1
            }
            break
        }
        return found
    }

    // MARK: records

    /// The next record, or nil at the end of input. The returned buffers stay valid until the next call.
    public func next() throws -> SequenceRecord? {
        do {
            switch format {
            case .fastq: return try nextFASTQ()
            case .fasta: return try nextFASTA()
            case nil: return nil
            }
        } catch let e as BETSeqError where ![.gzipCorrupt, .gzipChecksum, .gzipTruncated, .trailingData, .io].contains(e.kind) {
            throw blameCompression(for: e)
        }
    }

    /// Damaged compressed data can decompress to plausible text for a while and surface as a
    /// malformed record. Before blaming the record, read the rest of the stream: if the
    /// decompressor then reports damage, that is the error, named at the record where it showed.
    private func blameCompression(for error: BETSeqError) -> BETSeqError {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
        defer { scratch.deallocate() }
        do {
            while try source.read(into: scratch) > 0 {}
        } catch let damage as BETSeqError {
            return BETSeqError(damage.kind, file: damage.file, record: error.record ?? recordNumber + 1,
                               damage.message + "; the records read from it stop making sense here (\(error.message))")
        } catch {}
        return error
    }

    private func skipBlankLines() throws {
        while true {
            while start < end, isBlank(buffer[start]) {
                if buffer[start] == UInt8(ascii: "\n") { lineNumber += 1 }
                start += 1
            }
            if start < end { return }
            guard try fill() else { return }
        }
    }

    private func nextFASTQ() throws -> SequenceRecord? {
        try skipBlankLines()
        if start >= end { return nil }
        let record = recordNumber + 1
        let firstLine = lineNumber + 1
        let found = try scanLines(4)
        let base = buffer + start
        if base[0] != UInt8(ascii: "@") {
            throw BETSeqError(.missingHeader, file: path, record: record, line: firstLine,
                             "expected a FASTQ header starting with '@', found '\(printable(base[0]))'")
        }
        if found < 4 {
            let what = ["", "a sequence line", "a '+' separator line", "a quality line"][found]
            throw BETSeqError(.truncatedRecord, file: path, record: record, line: firstLine + found,
                             "input ends inside the record: expected \(what)")
        }
        let seqStart = lineEnds[0].next, seqLen = lineEnds[1].end - seqStart
        let plusStart = lineEnds[1].next
        let qualStart = lineEnds[2].next, qualLen = lineEnds[3].end - qualStart
        if lineEnds[2].end == plusStart || base[plusStart] != UInt8(ascii: "+") {
            throw BETSeqError(.missingPlus, file: path, record: record, line: firstLine + 2,
                             "expected the '+' separator line, found '\(lineEnds[2].end == plusStart ? "" : printable(base[plusStart]))'")
        }
        if qualLen != seqLen {
            throw BETSeqError(.qualityLength, file: path, record: record, line: firstLine + 3,
                             "quality length \(qualLen) differs from sequence length \(seqLen)")
        }
        let seq = UnsafeBufferPointer(start: base + seqStart, count: seqLen)
        let qual = UnsafeBufferPointer(start: base + qualStart, count: qualLen)
        if let bad = firstInvalidBase(seq) {
            throw BETSeqError(.invalidBase, file: path, record: record, line: firstLine + 1,
                             "'\(printable(seq[bad]))' at position \(bad + 1) is not an IUPAC nucleotide code")
        }
        if let bad = firstInvalidQuality(qual) {
            throw BETSeqError(.qualityCharacter, file: path, record: record, line: firstLine + 3,
                             "quality character '\(printable(qual[bad]))' at position \(bad + 1) is outside '!'..'~'")
        }
        let header = UnsafeBufferPointer(start: base + 1, count: lineEnds[0].end - 1)
        start += lineEnds[3].next
        lineNumber += 4
        recordNumber = record
        return SequenceRecord(header: header, sequence: seq, quality: qual)
    }

    private func nextFASTA() throws -> SequenceRecord? {
        try skipBlankLines()
        if start >= end { return nil }
        let record = recordNumber + 1
        guard buffer[start] == UInt8(ascii: ">") else {
            throw BETSeqError(.missingHeader, file: path, record: record, line: lineNumber + 1,
                             "expected a FASTA header starting with '>', found '\(printable(buffer[start]))'")
        }
        guard try scanLines(1) == 1 else { return nil }
        let headerLength = lineEnds[0].end - 1
        ensure(&headerCopy, &headerCapacity, headerLength)
        headerCopy.update(from: buffer + start + 1, count: headerLength)
        start += lineEnds[0].next
        lineNumber += 1
        var length = 0
        while true {
            if start >= end, !(try fill()) { break }
            if buffer[start] == UInt8(ascii: ">") { break }
            guard try scanLines(1) == 1 else { break }
            let line = UnsafeBufferPointer(start: buffer + start, count: lineEnds[0].end)
            if let bad = firstInvalidBase(line) {
                throw BETSeqError(.invalidBase, file: path, record: record, line: lineNumber + 1,
                                 "'\(printable(line[bad]))' at column \(bad + 1) is not an IUPAC nucleotide code")
            }
            ensure(&joined, &joinedCapacity, length + line.count)
            (joined + length).update(from: buffer + start, count: line.count)
            length += line.count
            start += lineEnds[0].next
            lineNumber += 1
        }
        recordNumber = record
        return SequenceRecord(header: UnsafeBufferPointer(start: headerCopy, count: headerLength),
                              sequence: UnsafeBufferPointer(start: joined, count: length), quality: nil)
    }

    private func ensure(_ p: inout UnsafeMutablePointer<UInt8>, _ cap: inout Int, _ need: Int) {
        guard need > cap else { return }
        var newCap = cap
        while newCap < need { newCap *= 2 }
        let q = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
        q.update(from: p, count: cap)
        p.deallocate()
        p = q
        cap = newCap
    }
}

/// Index of the first byte that is not an IUPAC code, or nil. The common all-valid case runs as one
/// branch-free pass.
@inline(__always)
func firstInvalidBase(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
    var ok: UInt8 = 1
    ByteClass.iupac.withUnsafeBufferPointer { table in
        for c in s { ok &= table[Int(c)] }
    }
    if ok == 1 { return nil }
    return ByteClass.iupac.withUnsafeBufferPointer { table in s.firstIndex { table[Int($0)] == 0 } }
}

/// Index of the first quality character outside '!'...'~' (PHRED+33 0...93), or nil.
@inline(__always)
func firstInvalidQuality(_ q: UnsafeBufferPointer<UInt8>) -> Int? {
    var bad: UInt8 = 0
    for c in q { bad |= (c &- 33) >= 94 ? 1 : 0 }
    if bad == 0 { return nil }
    return q.firstIndex { ($0 &- 33) >= 94 }
}

func printable(_ c: UInt8) -> String {
    (32..<127).contains(c) ? String(UnicodeScalar(c)) : "\\x" + (c < 16 ? "0" : "") + String(c, radix: 16)
}
