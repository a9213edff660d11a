import IO
#if canImport(Glibc)
import Glibc
#endif

/// What happened to the reads of one sample.
public struct CountSummary: Sendable, Equatable {
    public var reads = 0
    /// Reads that passed every check and were counted.
    public var accepted = 0
    /// Rejected reads by reason (indexed by `Rejection.rawValue`).
    public var rejected = [Int](repeating: 0, count: Rejection.allCases.count)
    /// Accepted reads whose (sequence, UMI) pair had been seen before: PCR duplicates.
    public var duplicates = 0
    /// Files that held no records.
    public var emptyFiles: [String] = []
    public var fastaFiles: [String] = []

    public init() {}

    public func rejected(_ reason: Rejection) -> Int { rejected[reason.rawValue] }
    /// Distinct molecules: accepted reads less duplicates.
    public var distinct: Int { accepted - duplicates }
}

/// Counts reads and distinct UMIs per variable sequence for one sample.
///
/// Memory does not grow with the number of reads: per-sequence counters are dense arrays over all
/// 4^L variable sequences (L ≤ 12), and UMI de-duplication uses one bit per possible
/// (sequence, UMI) pair when that space has at most 2^32 entries (512 MiB, allocated zeroed and
/// touched lazily). Larger designs fall back to hash tables that grow with the distinct pairs.
public final class SampleCounter {
    public let design: DesignTemplate
    public private(set) var summary = CountSummary()
    let variableBits: Int
    let umiBits: Int
    private let dense: Bool
    private var readCounts: UnsafeMutablePointer<UInt32>?
    private var umiCounts: UnsafeMutablePointer<UInt32>?
    private var sparseReads: [UInt64: UInt32] = [:]
    private var sparseUMIs: [UInt64: UInt32] = [:]
    private var bitset: UnsafeMutablePointer<UInt64>?
    private var bitsetBytes = 0
    private var pairs: Set<UInt64> = []

    /// `bitsetThreshold`: distinct (sequence, UMI) pairs held in a hash set before switching to a
    /// bitset over every possible pair (when that has at most 2^32 entries).
    public init(design: DesignTemplate, bitsetThreshold: Int = 1 << 20) {
        self.design = design
        self.bitsetThreshold = bitsetThreshold
        variableBits = 2 * design.variableLength
        umiBits = 2 * design.umiLength
        dense = design.variableLength <= 12
        if dense {
            let n = 1 << variableBits
            readCounts = calloc(n, MemoryLayout<UInt32>.stride)?.assumingMemoryBound(to: UInt32.self)
            umiCounts = calloc(n, MemoryLayout<UInt32>.stride)?.assumingMemoryBound(to: UInt32.self)
        }
        bitsetPossible = umiBits > 0 && variableBits + umiBits <= 32
    }

    /// (sequence, UMI) pairs seen before the bitset pays off: memory follows the data, so a small
    /// run never maps the bitset's huge pages.
    private let bitsetThreshold: Int
    private let bitsetPossible: Bool

    /// Moves the pairs seen so far into a bitset over every possible pair.
    private func switchToBitset() {
        bitsetBytes = max(8, (1 << (variableBits + umiBits)) / 8)
        guard let b = allocateZeroedPages(bitsetBytes) else { bitsetBytes = 0; return }
        for pair in pairs { b[Int(pair >> 6)] |= 1 << (pair & 63) }
        pairs = []
        bitset = b
    }

    deinit {
        free(readCounts)
        free(umiCounts)
        if let bitset { munmap(bitset, bitsetBytes) }
    }

    /// Number of possible variable sequences (4^L).
    public var speciesCount: Int { 1 << variableBits }

    @inline(__always)
    public func add(variable: UInt64, umi: UInt64) {
        summary.accepted += 1
        let isNew: Bool
        if umiBits == 0 {
            isNew = true
        } else {
            let pair = variable << UInt64(umiBits) | umi
            if let bitset {
                let word = Int(pair >> 6)
                let bit: UInt64 = 1 << (pair & 63)
                isNew = bitset[word] & bit == 0
                bitset[word] |= bit
            } else {
                isNew = pairs.insert(pair).inserted
                if bitsetPossible && pairs.count >= bitsetThreshold { switchToBitset() }
            }
        }
        if !isNew { summary.duplicates += 1 }
        if dense, let readCounts, let umiCounts {
            readCounts[Int(variable)] &+= 1
            if isNew { umiCounts[Int(variable)] &+= 1 }
        } else {
            sparseReads[variable, default: 0] &+= 1
            if isNew { sparseUMIs[variable, default: 0] &+= 1 }
        }
    }

    @inline(__always)
    func tally(_ outcome: Extraction) {
        summary.reads += 1
        switch outcome {
        case let .accepted(variable, umi): add(variable: variable, umi: umi)
        case let .rejected(reason): summary.rejected[reason.rawValue] += 1
        }
    }

    /// Counts every record of one file into this sample. `progress` is called about every 2^18
    /// reads with the reads seen so far in this file and the reader's byte position.
    public func count(path: String, extractor: ReadExtractor,
                      progress: ((_ reads: Int, _ done: Int64, _ total: Int64?) -> Void)? = nil) throws {
        let reader = try SequenceReader(path: path)
        try count(reader: reader, extractor: extractor, progress: progress)
    }

    public func count(reader: SequenceReader, extractor: ReadExtractor,
                      progress: ((_ reads: Int, _ done: Int64, _ total: Int64?) -> Void)? = nil) throws {
        if reader.isEmpty { summary.emptyFiles.append(reader.path); return }
        if reader.format == .fasta { summary.fastaFiles.append(reader.path) }
        var seen = 0
        while let read = try reader.next() {
            tally(extractor.extract(sequence: read.sequence, quality: read.quality))
            seen += 1
            if seen & 0x3FFFF == 0, let progress {
                let p = reader.progress
                progress(seen, p.done, p.total)
            }
        }
        if let progress {
            let p = reader.progress
            progress(seen, p.done, p.total)
        }
    }

    /// Per-sequence count: distinct UMIs (or reads when `reads` is true, or when the design has no UMI).
    @inline(__always)
    public func count(of variable: UInt64, reads: Bool) -> Int {
        let useReads = reads || umiBits == 0
        if dense {
            guard let table = useReads ? readCounts : umiCounts else { return 0 }
            return Int(table[Int(variable)])
        }
        return Int((useReads ? sparseReads : sparseUMIs)[variable] ?? 0)
    }

    /// Frees the (sequence, UMI) pairs (up to 512 MiB) once a sample is complete: the per-sequence
    /// counts stay, so a run over many samples holds one sample's pairs at a time. No read may be
    /// added or shard exported afterwards.
    public func releasePairs() {
        if let bitset { munmap(bitset, bitsetBytes) }
        bitset = nil
        bitsetBytes = 0
        pairs = []
        pairsReleased = true
    }
    private(set) var pairsReleased = false

    /// This sample's state as a shard: reads per sequence and the distinct (sequence, UMI) pairs.
    public func shard(files: [String], options: String) throws -> CountShard {
        guard !pairsReleased else {
            throw BETSeqError(.invalidOption, file: files.first ?? "shard", "the sample's UMI pairs were already released; count with keepPairs")
        }
        var keys: [UInt64] = [], reads: [UInt32] = []
        if dense, let readCounts {
            for i in 0..<speciesCount where readCounts[i] != 0 {
                keys.append(UInt64(i))
                reads.append(readCounts[i])
            }
        } else {
            keys = sparseReads.keys.sorted()
            reads = keys.map { sparseReads[$0] ?? 0 }
        }
        var distinct: [UInt64] = []
        if let bitset {
            distinct.reserveCapacity(summary.distinct)
            for word in 0..<(bitsetBytes / 8) {
                var bits = bitset[word]
                while bits != 0 {
                    distinct.append(UInt64(word) << 6 | UInt64(bits.trailingZeroBitCount))
                    bits &= bits - 1
                }
            }
        } else if umiBits > 0 {
            distinct = pairs.sorted()
        }
        return CountShard(design: design.template, options: options, summary: summary, files: files,
                          keys: keys, reads: reads, pairs: distinct)
    }

    /// Adds a shard of the same design, as if its reads were counted here: reads add up, and a
    /// (sequence, UMI) pair already seen here is a duplicate, not a new molecule.
    public func absorb(_ shard: CountShard) {
        summary.reads += shard.summary.reads
        for i in summary.rejected.indices { summary.rejected[i] += shard.summary.rejected[i] }
        summary.emptyFiles += shard.summary.emptyFiles
        summary.fastaFiles += shard.summary.fastaFiles
        summary.accepted += shard.summary.accepted
        for (key, n) in zip(shard.keys, shard.reads) {
            if dense, let readCounts, let umiCounts {
                readCounts[Int(key)] &+= n
                if umiBits == 0 { umiCounts[Int(key)] &+= n }
            } else {
                sparseReads[key, default: 0] &+= n
                if umiBits == 0 { sparseUMIs[key, default: 0] &+= n }
            }
        }
        guard umiBits > 0 else { return }
        // The shard's own duplicates, then its pairs that this sample has already seen.
        summary.duplicates += shard.summary.accepted - shard.pairs.count
        for pair in shard.pairs {
            let isNew: Bool
            if let bitset {
                let word = Int(pair >> 6), bit: UInt64 = 1 << (pair & 63)
                isNew = bitset[word] & bit == 0
                bitset[word] |= bit
            } else {
                isNew = pairs.insert(pair).inserted
                if bitsetPossible && pairs.count >= bitsetThreshold { switchToBitset() }
            }
            guard isNew else { summary.duplicates += 1; continue }
            let key = pair >> UInt64(umiBits)
            if dense, let umiCounts { umiCounts[Int(key)] &+= 1 } else { sparseUMIs[key, default: 0] &+= 1 }
        }
    }

    /// Variable sequences with at least one read in any of `counters` (all of one design),
    /// ascending, which is alphabetical order.
    public static func observedKeys(_ counters: [SampleCounter]) -> [UInt64] {
        var keys: [UInt64] = []
        if counters.allSatisfy({ $0.dense }) {
            let tables = counters.compactMap { $0.readCounts }
            guard let species = counters.first?.speciesCount else { return [] }
            for i in 0..<species where tables.contains(where: { $0[i] != 0 }) { keys.append(UInt64(i)) }
            return keys
        }
        var all = Set<UInt64>()
        for c in counters { all.formUnion(c.sparseReads.keys) }
        return all.sorted()
    }
}

/// Zeroed anonymous memory, touched lazily; large regions ask for transparent huge pages, which
/// removes most page faults and TLB misses of random access into the UMI bitset.
private func allocateZeroedPages(_ bytes: Int) -> UnsafeMutablePointer<UInt64>? {
    guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
          p != MAP_FAILED else { return nil }
    if bytes >= 1 << 21 { _ = madvise(p, bytes, Int32(MADV_HUGEPAGE)) }
    return p.assumingMemoryBound(to: UInt64.self)
}

extension CountTable {
    /// Writes the counts of several samples: one row per sequence seen in any sample, sorted by
    /// sequence; distinct UMIs per sequence, or reads with `reads`.
    public static func write(_ samples: [(name: String, counter: SampleCounter)], reads: Bool, path: String) throws {
        guard let first = samples.first?.counter else {
            throw BETSeqError(.invalidOption, file: path, "no samples to write")
        }
        let keys = SampleCounter.observedKeys(samples.map(\.counter))
        try write(path: path, samples: samples.map(\.name), length: first.design.variableLength, keys: keys) { row, s in
            samples[s].counter.count(of: keys[row], reads: reads)
        }
    }
}
