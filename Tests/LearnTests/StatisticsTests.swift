import Foundation
@testable import Learn
import Testing

@Suite struct PearsonCorrelationTests {
    /// x = 1…4, y = 2, 4, 5, 9 (ȳ = 5): Σdxdy = 11, Σdx² = 5, Σdy² = 26, so r = 11/√130 by hand;
    /// its square equals FitMetrics' r², and negating y negates r.
    @Test func matchesTheClosedForm() {
        let x = [1.0, 2, 3, 4], y = [2.0, 4, 5, 9]
        let r = pearsonCorrelation(x, y)
        #expect(abs(r - 11 / 130.0.squareRoot()) < 1e-15)
        #expect(abs(r * r - FitMetrics(target: x, prediction: y).pearsonR2) < 1e-15)
        #expect(pearsonCorrelation(x, y.map { -$0 }) == -r)
        #expect(pearsonCorrelation([1], [2]).isNaN && pearsonCorrelation([1, 1], [2, 3]).isNaN)
    }
}

@Suite struct MemoryTests {
    /// The peak resident set comes from /proc/self/status (VmHWM), which exec starts afresh.
    @Test func peakResidentSetIsThisProcesss() throws {
        let status = try #require(MemoryBudget.procStatus())
        #expect(status.contains("VmHWM:"))
        let peak = MemoryBudget.peakResidentBytes
        #expect(peak > 1_000_000 && peak < MemoryBudget.physicalBytes, "\(peak)")
    }
}
