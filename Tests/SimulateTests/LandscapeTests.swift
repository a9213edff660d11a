import Foundation
import IO
import Sequence
import Testing
import TestSupport
@testable import Simulate

@Suite struct LandscapeTests {
    @Test func landscapesAreMeanCentredAndSeeded() throws {
        let a = try Landscape.normal(range: 3, length: 6, seed: 4)
        let b = try Landscape.normal(range: 3, length: 6, seed: 4)
        let c = try Landscape.normal(range: 3, length: 6, seed: 5)
        #expect(a.ddg == b.ddg && a.ddg != c.ddg)
        #expect(abs(a.ddg.reduce(0, +)) < 1e-9)
        let sd = (a.ddg.reduce(0) { $0 + $1 * $1 } / Double(a.count)).squareRoot()
        #expect(abs(sd - 0.5) < 0.02)  // σ = range/6; 4096 draws give sd within ~1.1 %·3
        expectError(.invalidOption, mentioning: "normal:RANGE needs a range from 0 to 100 kcal/mol, got -1") { _ = try Landscape.normal(range: -1, length: 6, seed: 1) }
        expectError(.invalidDesign, mentioning: "13 variable bases: simulation enumerates all 4^L sequences and supports 1 ≤ L ≤ 12") { _ = try Landscape.normal(range: 1, length: 13, seed: 1) }
    }
}

@Suite struct BuiltinMotifTests {
    @Test func builtinMotifsEqualTheFixtures() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for (name, file) in [("cbf1", "CBF1_MA0281.2.jaspar"), ("pho4", "PHO4_MA0357.1.jaspar")] {
            let fixture = try String(contentsOf: root.appendingPathComponent("fixtures/motifs/\(file)"), encoding: .utf8)
            #expect(BuiltinMotifs.jaspar[name] == fixture.trimmingCharacters(in: .newlines))
            let design = try DesignTemplate(DesignTemplate.betseqTemplate)
            let fromFile = try resolveLandscape(root.appendingPathComponent("fixtures/motifs/\(file)").path, design: design, seed: 1)
            let builtin = try resolveLandscape("motif:\(name)", design: design, seed: 1)
            #expect(fromFile.landscape.ddg == builtin.landscape.ddg)
        }
        expectError(.invalidOption, mentioning: "--landscape: ", "motif:gal4") { _ = try resolveLandscape("motif:gal4", design: try DesignTemplate(DesignTemplate.betseqTemplate), seed: 1) }
    }
}
