import Affinity
import ArgumentParser
import IO
import Foundation
import Contacts
import Sequence

// Option values that name a choice are the library's own enums; ArgumentParser lists their values
// in --help and rejects anything else with a usage error.

extension FeatureSet: ExpressibleByArgument {}
extension QualityOffsets: ExpressibleByArgument {}
extension InferencePrecision: ExpressibleByArgument {}
extension Likelihood: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ContactMode: ExpressibleByArgument {}
extension ContactNetworkConfig.Variant: ExpressibleByArgument {}
extension AtomVocabulary: ExpressibleByArgument {}
extension ContactTrainingOptions.LossKind: ExpressibleByArgument {}

/// How linear-model coefficients are reported.
enum CodingChoice: String, ExpressibleByArgument, CaseIterable {
    case reference
    case sumToZero = "sum-to-zero"
}

/// A DNA base, as an option value.
enum Base: String, ExpressibleByArgument, CaseIterable {
    case A, C, G, T
    var code: Int { ["A": 0, "C": 1, "G": 2, "T": 3][rawValue] ?? 0 }
    init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

/// A read count written as an integer or in scientific notation (`2e7`).
struct ReadCount: ExpressibleByArgument, Sendable {
    let value: Int
    init(_ value: Int) { self.value = value }
    init?(argument: String) {
        guard let v = Double(argument), v.isFinite, v >= 0, v < 9e15, v == v.rounded() else { return nil }
        value = Int(v)
    }
    var defaultValueDescription: String { value >= 1_000_000 ? String(format: "%.0e", Double(value)) : "\(value)" }
}

/// Hidden layer widths, comma-separated (`500,500,250`), each at least 1.
struct LayerWidths: ExpressibleByArgument, Sendable {
    let values: [Int]
    init(_ values: [Int]) { self.values = values }
    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0) }
        guard !values.isEmpty, values.count == parts.count, values.allSatisfy({ $0 >= 1 }) else { return nil }
        self.values = values
    }
    var defaultValueDescription: String { values.map(String.init).joined(separator: ",") }
}

/// Runs a library check from `validate()`, so that its error is reported as a usage error with the
/// command's usage (ArgumentParser knows only its own error types there).
func usageCheck(_ check: () throws -> Void) throws {
    do { try check() } catch let e as BETSeqError { throw ValidationError(e.description) }
}

/// `--threads`, declared once for every command that works in parallel.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads to use (at least 1).")
    var threads = 2

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }
}
