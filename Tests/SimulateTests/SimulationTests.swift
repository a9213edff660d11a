import Foundation
import IO
import Learn
import Sequence
import Testing
import TestSupport
@testable import Simulate

@Suite struct SimulationTests {
    func settings(design: DesignTemplate = .betseq, reads: Int, seed: UInt64 = 5) -> SimulationSettings {
        var s = SimulationSettings()
        s.design = design
        s.inputReads = reads
        s.boundReads = reads
        s.unboundReads = reads / 2
        s.duplicateFraction = 0.2
        s.seed = seed
        return s
    }

    /// simulation.json is written and read only by SimulationMetadata, and records what happened.
    @Test func metadataRoundTrip() throws {
        let design = try DesignTemplate("ATCNNNNNCACGTGNNNNCTA..UUU")
        let result = try simulate(landscape: try Landscape.normal(range: 3, length: 9, seed: 1), settings: settings(design: design, reads: 5000))
        let meta = result.metadata(fastq: false, errors: false, reads: true)
        #expect(meta.fractions.map(\.name) == ["input", "bound", "unbound"] && meta.fractions[1].reads == 5000 && meta.counts == "reads")
        #expect(meta.binding.freeProteinNM == result.binding.freeProtein && meta.species == 1 << 18)
        let dir = try temporaryDirectory("sim").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try meta.write(path: "\(dir)/simulation.json")
        #expect(try SimulationMetadata.read(path: "\(dir)/simulation.json") == meta)
        let text = try String(contentsOfFile: "\(dir)/simulation.json", encoding: .utf8)
        #expect(text.contains("\"kd_ref_nM\" : 100") && text.contains("\"distinct_umis\" :"))
    }

    @Test func countsSumExactlyToTheDepth() throws {
        let design = try DesignTemplate("ATCNNNNNCACGTGNNNNCTA..UUU")
        let landscape = try Landscape.normal(range: 3, length: 9, seed: 1)
        for reads in [0, 1, 777, 100_000, 3_000_000] {
            var s = settings(design: design, reads: reads)
            s.inputReads = max(reads, 1)
            let result = try simulate(landscape: landscape, settings: s)
            for f in result.fractions {
                #expect(f.reads.reduce(0) { $0 + Int($1) } == f.totalReads, "\(f.name) at \(reads)")
                #expect(f.molecules.reduce(0) { $0 + Int($1) } == f.totalReads - Int((Double(f.totalReads) * 0.2).rounded()))
                #expect(zip(f.distinct, f.molecules).allSatisfy { $0 <= $1 && ($1 == 0) == ($0 == 0) })
            }
        }
    }

    @Test func sameSeedGivesIdenticalFilesAndAnotherSeedDoesNot() throws {
        let dir = try temporaryDirectory("sim").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let design = try DesignTemplate("ATCNNNNCACGTGNNNNCTA....UU")
        func run(_ seed: UInt64, _ tag: String) throws -> [Data] {
            let landscape = try Landscape.normal(range: 2, length: 8, seed: seed)
            var s = settings(design: design, reads: 200_000, seed: seed)
            s.inputBiasSD = 0.3
            let result = try simulate(landscape: landscape, settings: s)
            try result.writeTruth(path: "\(dir)/truth\(tag).tsv")
            try result.writeCounts(path: "\(dir)/counts\(tag).tsv", reads: false)
            try ReadSynthesizer(design: design).writeFASTQ(result.fractions[1], path: "\(dir)/b\(tag).fastq.gz",
                                                           errors: .illumina, seed: seed, stream: 3)
            return try ["truth", "counts"].map { try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\($0)\(tag).tsv")) }
                + [try Data(contentsOf: URL(fileURLWithPath: "\(dir)/b\(tag).fastq.gz"))]
        }
        let a = try run(9, "a"), b = try run(9, "b"), c = try run(10, "c")
        #expect(a == b)
        for i in 0..<3 { #expect(a[i] != c[i]) }
    }

    @Test func fastqCountedBackReproducesTheCountsExactly() throws {
        let dir = try temporaryDirectory("sim").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The published design (UMIs, PCR duplicates) and one without UMIs (read counts).
        for (design, name) in [(DesignTemplate.betseq, "betseq"), (try DesignTemplate("GGNNNNCACGTGNNNNA."), "plain")] {
            let landscape = try Landscape.normal(range: 3, length: design.variableLength, seed: 2)
            var s = settings(design: design, reads: 60_000)
            s.unboundReads = 0
            let result = try simulate(landscape: landscape, settings: s)
            try result.writeCounts(path: "\(dir)/\(name).tsv", reads: false)
            let synthesizer = try ReadSynthesizer(design: design)
            #expect(synthesizer.ambiguousShifts.isEmpty)
            var counters: [(name: String, counter: SampleCounter)] = []
            let extractor = try ReadExtractor(design: design)
            for (k, f) in result.fractions.enumerated() {
                let path = "\(dir)/\(name)_\(f.name).fastq.gz"
                try synthesizer.writeFASTQ(f, path: path, errors: nil, seed: 1, stream: UInt64(k))
                let counter = SampleCounter(design: design)
                try counter.count(path: path, extractor: extractor)
                #expect(counter.summary.reads == f.totalReads && counter.summary.accepted == f.totalReads)
                counters.append((f.name, counter))
            }
            try CountTable.write(counters, reads: false, path: "\(dir)/\(name)_back.tsv")
            let simulated = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name).tsv"))
            let counted = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)_back.tsv"))
            #expect(simulated == counted, "\(name): counting the reads does not give the simulated table")
        }
    }

    @Test func baseCallErrorsFollowTheProfile() throws {
        let dir = try temporaryDirectory("sim").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let design = DesignTemplate.betseq
        let landscape = try Landscape.normal(range: 1, length: 10, seed: 2)
        var s = settings(reads: 50_000)
        s.duplicateFraction = 0
        let result = try simulate(landscape: landscape, settings: s)
        let synthesizer = try ReadSynthesizer(design: design)
        let path = "\(dir)/e.fastq"
        try synthesizer.writeFASTQ(result.fractions[0], path: path, errors: .illumina, seed: 1, stream: 1)
        // Fixed positions of the layout let us count errors directly: expected per-base rate is
        // Σ f_Q·10^(−Q/10) for called bases, plus the no-call share written as N.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let fixed = design.anchorOffsets
        var bases = 0, wrong = 0, noCalls = 0
        for r in stride(from: 0, to: lines.count, by: 4) {
            let seq = Array(lines[r + 1].utf8)
            for o in fixed {
                bases += 1
                if seq[o] == UInt8(ascii: "N") { noCalls += 1 } else if seq[o] != synthesizer.layout[o] { wrong += 1 }
            }
        }
        let p = PhredProfile.illumina
        let errorRate = zip(p.qualities, p.probabilities).reduce(0.0) { $0 + ($1.0 > 2 ? $1.1 * pow(10, -Double($1.0) / 10) : 0) }
        let noCallRate = 0.0005
        let n = Double(bases)
        #expect(abs(Double(wrong) / n - errorRate) < 5 * (errorRate / n).squareRoot())
        #expect(abs(Double(noCalls) / n - noCallRate) < 5 * (noCallRate / n).squareRoot())
        // Counting still works; a few reads fail the quality filters.
        let counter = SampleCounter(design: design)
        try counter.count(path: path, extractor: try ReadExtractor(design: design))
        #expect(counter.summary.reads == 50_000)
        #expect(counter.summary.accepted < 50_000 && counter.summary.accepted > 45_000)
    }

    @Test func designsWhoseAnchorsCanSlideOntoTheFlanksAreReported() throws {
        // AAAA slid one base left still reads AAA + a flank base: a flank ending in A is ambiguous.
        let open = try ReadSynthesizer(design: try DesignTemplate("NNNNAAAANNNN"))
        #expect(open.ambiguousShifts == [-1, -2, -3, -4])
        // The palindromic E-box never matches itself shifted, so this one is safe.
        #expect(try ReadSynthesizer(design: try DesignTemplate("NNNNNCACGTGNNNNN")).ambiguousShifts.isEmpty)
        #expect(try ReadSynthesizer(design: .betseq).ambiguousShifts.isEmpty)
    }

    @Test func theLandscapeMustFitTheDesign() throws {
        let landscape = try Landscape.normal(range: 1, length: 8, seed: 1)
        expectError(.invalidOption, mentioning: "the landscape has 8 positions but the design has 10 variable bases") { _ = try simulate(landscape: landscape, settings: SimulationSettings()) }
    }
}

@Suite struct SweepTests {
    /// sweep.tsv is written and read only by SweepTable: a round trip keeps every value at the
    /// written precision, an old file without the optional columns reads with NaN there, and a bad
    /// number is named by line and column.
    @Test func sweepTableRoundTrip() throws {
        let dir = try temporaryDirectory("sweep").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let point = SweepPoint(depth: 2000, boundReads: 1000, inputReads: 1000, meanReadsPerSequence: 1000.0 / 256, replicates: [
            ReplicateStats(observedBoth: 10, fractionObserved: 0.25, r2DDG: 0.5, r2Ratio: 0.125),
            ReplicateStats(observedBoth: 20, fractionObserved: 0.5, r2DDG: 0.75, r2Ratio: 0.25),
        ])
        let table = SweepTable([point])
        #expect(table.rows[0].fractionObserved == 0.375 && table.rows[0].observedBoth == 15 && table.rows[0].r2DDGQ25 == 0.5625)
        try table.write(path: "\(dir)/s.tsv")
        let back = try SweepTable.read(path: "\(dir)/s.tsv")
        #expect(back.rows.count == 1 && back.rows[0].depth == 2000 && back.rows[0].replicates == 2)
        #expect(back.rows[0].r2DDG == 0.625 && back.rows[0].r2Ratio == 0.1875 && abs(back.rows[0].meanReadsPerSequence - 3.90625) < 1e-5)
        try "depth\tmean_reads_per_seq\tfrac_observed\tr2_ddg\n100\t0.5\t0.25\t0.1\n".write(toFile: "\(dir)/old.tsv", atomically: true, encoding: .utf8)
        let old = try SweepTable.read(path: "\(dir)/old.tsv")
        #expect(old.rows[0].depth == 100 && old.rows[0].r2Ratio.isNaN && old.rows[0].boundReads == 0)
        try "depth\tmean_reads_per_seq\tfrac_observed\tr2_ddg\n100\t0.5\tx\t0.1\n".write(toFile: "\(dir)/bad.tsv", atomically: true, encoding: .utf8)
        let bad = expectError(.malformedTable) { _ = try SweepTable.read(path: "\(dir)/bad.tsv") }
        if let e = bad {
            #expect(e.description == "\(dir)/bad.tsv: line 2: column frac_observed is not a number" && e.exitCode == 65)
        }
    }

    @Test func depthListsParse() throws {
        #expect(try parseDepths("1e6,2e7") == [1_000_000, 20_000_000])
        #expect(try parseDepths("1e4:1e5") == [10_000, 20_000, 50_000, 100_000])
        #expect(try parseDepths("1e2:1e4:3") == [100, 1000, 10_000])
        for bad in ["", "a", "1e5:1e4", "1:2:0", "1:2:3:4", "-5"] {
            expectError(.invalidOption, mentioning: "--depths: ") { _ = try parseDepths(bad) }
        }
    }

    @Test func replicateStatisticsMatchADirectComputation() {
        let truth = [0.5, -0.2, 0.1, -0.4, 0.0, 0.3]
        let bound: [UInt32] = [3, 10, 0, 20, 5, 2]
        let input: [UInt32] = [4, 5, 6, 7, 0, 3]
        let logs = (0..<100).map { $0 == 0 ? 0 : log(Double($0)) }
        let stats = bound.withUnsafeBufferPointer { b in
            input.withUnsafeBufferPointer { u in
                replicateStats(bound: b, input: u, truth: truth, trueRatio: truth.map { exp(-$0 / 0.593) }, logTable: logs)
            }
        }
        let seen = [0, 1, 3, 5]
        func r2(_ x: [Double], _ y: [Double]) -> Double {
            let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
            let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
            let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
            return sxy * sxy / (sxx * syy)
        }
        let measured = seen.map { -0.593 * log(Double(bound[$0]) / Double(input[$0])) }
        #expect(stats.observedBoth == 4 && abs(stats.fractionObserved - 4.0 / 6) < 1e-15)
        #expect(abs(stats.r2DDG - r2(seen.map { truth[$0] }, measured)) < 1e-12)
        #expect(abs(stats.r2Ratio - r2(seen.map { exp(-truth[$0] / 0.593) }, seen.map { Double(bound[$0]) / Double(input[$0]) })) < 1e-12)
    }

    @Test func sweepIsDeterministicWhateverTheThreadCount() throws {
        let landscape = try Landscape.normal(range: 3, length: 7, seed: 1)
        let weights = landscape.ddg.map { exp(-$0 / 0.593) }
        let uniform = [Double](repeating: 1, count: landscape.count)
        let one = try depthSweep(truth: landscape.ddg, boundWeights: weights, inputWeights: uniform,
                                 depths: [1000, 100_000, 10_000_000], replicates: 3, seed: 4, threads: 1)
        let two = try depthSweep(truth: landscape.ddg, boundWeights: weights, inputWeights: uniform,
                                 depths: [1000, 100_000, 10_000_000], replicates: 3, seed: 4, threads: 2)
        // Bit-identical (NaN r² where every observed ratio is equal compares by its bits too).
        func bits(_ points: [SweepPoint]) -> [[UInt64]] {
            points.map { $0.replicates.flatMap { [UInt64($0.observedBoth), $0.r2DDG.bitPattern, $0.r2Ratio.bitPattern] } }
        }
        #expect(bits(one) == bits(two))
        // More reads, better recovery: at ~600 reads per sequence r² is near 1.
        let r2 = one.map { median($0.replicates.map(\.r2DDG)) }
        #expect(r2[0] < r2[1] && r2[1] < r2[2] && r2[2] > 0.95)
        #expect(one[2].replicates.allSatisfy { $0.fractionObserved > 0.999 })
    }
}
