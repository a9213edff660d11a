import Foundation
import IO

/// The counted state of some reads of one sample, so that counting can be split across jobs (one
/// per lane file) and merged exactly: per-sequence read counts and the set of distinct
/// (sequence, UMI) pairs, so that a UMI seen in two lanes counts once after the merge, as it does
/// when one `count` reads both files.
///
/// File layout: one JSON header line (format, version, design, extraction options, summary, sizes),
/// then unsigned LEB128 varints: for each sequence with reads, the key's gap from the previous key
/// and its read count; then each pair's gap from the previous pair. Keys and pairs ascend strictly,
/// so gaps are small and a lane of 10^7 reads takes a few bytes per distinct molecule.
public struct CountShard: Sendable, Equatable {
    public static let formatName = "betseq-count-shard"
    public static let formatVersion = 1

    public var design: String
    /// The read filters the reads were counted with (`ExtractionOptions.summary`).
    public var options: String
    public var summary: CountSummary
    /// Files counted into this shard, in order.
    public var files: [String]
    /// Sequence keys with at least one accepted read, ascending, with their read counts.
    public var keys: [UInt64]
    public var reads: [UInt32]
    /// Distinct (sequence, UMI) pairs, `sequence << (2·UMI length) | UMI`, ascending; empty for a
    /// design without UMIs.
    public var pairs: [UInt64]

    struct Header: Codable {
        var format: String
        var version: Int
        var design: String
        var options: String
        var files: [String]
        var reads: Int
        var counted: Int
        var duplicates: Int
        var rejected: [String: Int]
        var emptyFiles: [String]
        var fastaFiles: [String]
        var sequences: Int
        var pairs: Int
        enum CodingKeys: String, CodingKey {
            case format, version, design, options, files, reads, counted, duplicates, rejected, sequences, pairs
            case emptyFiles = "empty_files", fastaFiles = "fasta_files"
        }
    }

    public func write(path: String) throws {
        var rejected: [String: Int] = [:]
        for reason in Rejection.allCases { rejected[reason.key] = summary.rejected(reason) }
        let header = Header(format: Self.formatName, version: Self.formatVersion, design: design, options: options, files: files,
                            reads: summary.reads, counted: summary.accepted, duplicates: summary.duplicates, rejected: rejected,
                            emptyFiles: summary.emptyFiles, fastaFiles: summary.fastaFiles, sequences: keys.count, pairs: pairs.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = [UInt8](try encoder.encode(header))
        bytes.append(10)
        bytes.reserveCapacity(bytes.count + 3 * keys.count + 2 * pairs.count)
        func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            bytes.append(UInt8(v))
        }
        // Each list's first gap is from 0.
        var previous: UInt64 = 0
        for (key, n) in zip(keys, reads) {
            varint(key - previous)
            varint(UInt64(n))
            previous = key
        }
        previous = 0
        for pair in pairs {
            varint(pair - previous)
            previous = pair
        }
        try writeFile(bytes, path: path)
    }

    public static func read(path: String) throws -> CountShard {
        try decode(readAllBytes(path: path), file: path)
    }

    /// Parses a shard's bytes and checks them against themselves (sizes, order, ranges and sums),
    /// so a damaged file is an error rather than wrong counts.
    public static func decode(_ bytes: [UInt8], file: String) throws -> CountShard {
        func bad(_ what: String) -> BETSeqError { BETSeqError(.malformedTable, file: file, "not a usable count shard: \(what)") }
        guard let newline = bytes.firstIndex(of: 10) else { throw bad("no header line") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[..<newline]))
        } catch {
            throw BETSeqError(.malformedTable, file: file, "not a betseq count shard (expected a '\(formatName)' header line)")
        }
        guard header.format == formatName else { throw bad("format '\(header.format)'") }
        guard header.version <= formatVersion else {
            throw BETSeqError(.malformedTable, file: file, "\(formatName) version \(header.version); this betseq reads up to \(formatVersion)")
        }
        let design = try DesignTemplate(header.design)
        let keyLimit: UInt64 = design.variableLength >= 32 ? .max : 1 << UInt64(2 * design.variableLength)
        let pairBits = 2 * (design.variableLength + design.umiLength)
        guard design.umiLength == 0 || pairBits <= 64 else { throw bad("the design's sequence and UMI exceed 64 bits") }
        let pairLimit: UInt64 = pairBits >= 64 ? .max : 1 << UInt64(pairBits)
        let remaining = bytes.count - newline - 1
        guard header.sequences >= 0, header.pairs >= 0, header.sequences <= remaining, header.pairs <= remaining,
              header.reads >= 0, header.counted >= 0, header.duplicates >= 0 else { throw bad("sizes out of range") }
        var shard = CountShard(design: design.template, options: header.options, summary: CountSummary(), files: header.files,
                               keys: [], reads: [], pairs: [])
        shard.keys.reserveCapacity(header.sequences)
        shard.reads.reserveCapacity(header.sequences)
        shard.pairs.reserveCapacity(header.pairs)
        var at = newline + 1
        func varint() throws -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard at < bytes.count else { throw bad("data ends early") }
                let b = bytes[at]
                at += 1
                guard shift < 64, shift < 63 || b <= 1 else { throw bad("a number too large") }
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
            }
        }
        var total = 0
        var previous: UInt64 = 0
        for i in 0..<header.sequences {
            let gap = try varint(), count = try varint()
            let (key, overflow) = previous.addingReportingOverflow(gap)
            guard !overflow, i == 0 || gap > 0, key < keyLimit else { throw bad("sequence keys out of order or range") }
            guard count >= 1, count <= UInt64(UInt32.max) else { throw bad("a read count out of range") }
            shard.keys.append(key)
            shard.reads.append(UInt32(count))
            total += Int(count)
            previous = key
        }
        previous = 0
        for i in 0..<header.pairs {
            let gap = try varint()
            let (pair, overflow) = previous.addingReportingOverflow(gap)
            guard !overflow, i == 0 || gap > 0, pair < pairLimit else { throw bad("UMI pairs out of order or range") }
            shard.pairs.append(pair)
            previous = pair
        }
        guard at == bytes.count else { throw bad("\(bytes.count - at) bytes after the data") }
        var summary = CountSummary()
        summary.reads = header.reads
        summary.accepted = header.counted
        summary.duplicates = header.duplicates
        summary.emptyFiles = header.emptyFiles
        summary.fastaFiles = header.fastaFiles
        for reason in Rejection.allCases {
            let n = header.rejected[reason.key] ?? 0
            guard n >= 0 else { throw bad("a negative rejection count") }
            summary.rejected[reason.rawValue] = n
        }
        let distinct = design.umiLength == 0 ? header.counted : header.pairs
        guard total == header.counted, header.duplicates == header.counted - distinct,
              summary.rejected.reduce(header.counted, +) == header.reads else {
            throw bad("its counts do not add up (reads \(header.reads), counted \(header.counted), duplicates \(header.duplicates))")
        }
        shard.summary = summary
        return shard
    }
}

extension ExtractionOptions {
    /// The filters as one line, recorded in shards so that only like-counted reads are merged.
    public var summary: String {
        "max_mismatches=\(maxMismatches) min_mean_quality=\(minMeanQuality) min_base_quality=\(minBaseQuality) both_strands=\(bothStrands) qc_offsets=\(qualityOffsets.rawValue)"
    }
}

/// Counts one sample's files into a shard (`betseq count --shard`).
public func countShard(files: [String], design: DesignTemplate, options: ExtractionOptions,
                       progress: ((_ file: String, _ reads: Int, _ done: Int64, _ total: Int64?) -> Void)? = nil) throws -> CountShard {
    let counted = try countSamples([SampleSpec(name: "shard", files: files)], design: design, options: options, keepPairs: true) { _, file, reads, done, total in
        progress?(file, reads, done, total)
    }
    return try counted[0].counter.shard(files: files, options: options.summary)
}

/// Merges shards into samples (`betseq count merge`): each sample's shards are absorbed in order,
/// so the result equals one count over all their files. Every shard must have one design and one
/// set of read filters.
public func mergeShards(_ samples: [SampleSpec]) throws -> [(name: String, counter: SampleCounter)] {
    var first: (path: String, design: String, options: String)?
    return try samples.map { sample in
        var counter: SampleCounter?
        for path in sample.files {
            let shard = try CountShard.read(path: path)
            if let first {
                guard shard.design == first.design else {
                    throw BETSeqError(.malformedTable, file: path, "design \(shard.design) differs from \(first.path)'s \(first.design)")
                }
                guard shard.options == first.options else {
                    throw BETSeqError(.malformedTable, file: path, "counted with \(shard.options), but \(first.path) with \(first.options)")
                }
            } else {
                first = (path, shard.design, shard.options)
            }
            if counter == nil { counter = SampleCounter(design: try DesignTemplate(shard.design)) }
            counter?.absorb(shard)
        }
        guard let counter else { throw BETSeqError(.invalidOption, file: "samples", "sample '\(sample.name)' has no shard") }
        counter.releasePairs()
        return (sample.name, counter)
    }
}
