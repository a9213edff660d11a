import Affinity
import ArgumentParser
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
