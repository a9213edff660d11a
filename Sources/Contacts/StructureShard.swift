import IO

/// One shard of a structure list: every `count`-th structure from the `index`-th (1-based), so
/// `count` jobs (a cluster's, or the Snakemake workflow's) prepare a large list together.
public struct StructureShard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The whole list.
    public static let whole = StructureShard(checked: 1, 1)

    private init(checked index: Int, _ count: Int) {
        self.index = index
        self.count = count
    }

    /// Shard `index` of `count`; an invalid-option error unless 1 ≤ index ≤ count.
    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else { throw StructureShard.invalid("\(index)/\(count)") }
        self.init(checked: index, count)
    }

    /// `K/N` as `--shard` takes it; an invalid-option error (`--shard 'text': expected K/N with
    /// 1 ≤ K ≤ N`) otherwise.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else {
            throw StructureShard.invalid(text)
        }
        self.init(checked: k, n)
    }

    private static func invalid(_ text: String) -> BETSeqError {
        BETSeqError(.invalidOption, file: "--shard '\(text)'", "expected K/N with 1 ≤ K ≤ N")
    }

    /// The shard's items: those at positions index − 1, index − 1 + count, … (list order kept).
    public func select<T>(_ items: [T]) -> [T] {
        items.indices.filter { $0 % count == index - 1 }.map { items[$0] }
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }
}
