import Foundation
import Learn
import IO
import Sequence
import Testing
import TestSupport
@testable import Affinity

/// `NNN` + core + `NNN`: positions 3 and 4 (1-based) are not neighbours.
let smallDesign = (try? DesignTemplate("ATCNNNCACGTGNNNCTA")) ?? .betseq

func plantedModel(_ layout: FeatureLayout, seed: UInt64) -> EnergyModel {
    var r = SplitMix64(seed: seed)
    return EnergyModel(length: layout.length, intercept: r.normal(),
                       mono: (0..<(4 * layout.length)).map { _ in r.normal() },
                       pairs: layout.pairs.map { EnergyModel.Pair(i: $0.0, j: $0.1, ddg: (0..<16).map { _ in 0.3 * r.normal() }) })
}

@Suite struct LinearFitTests {
    @Test func neighboursFollowTheDesignsConstantCore() {
        let bet = FeatureLayout(set: .nn, design: .betseq)
        #expect(bet.pairs.map { [$0.0, $0.1] } == [[0, 1], [1, 2], [2, 3], [3, 4], [5, 6], [6, 7], [7, 8], [8, 9]])
        #expect(bet.parameterCount == 103)
        #expect(FeatureLayout(set: .mono, design: .betseq).parameterCount == 31)
        #expect(FeatureLayout(set: .di, design: .betseq).parameterCount == 436)
        let gapped = FeatureLayout(set: .nn, variableOffsets: [0, 1, 3, 4, 5])
        #expect(gapped.pairs.map { [$0.0, $0.1] } == [[0, 1], [2, 3], [3, 4]])
        #expect(FeatureLayout(set: .nn, variableOffsets: Array(0..<10)).pairs.count == 9)
    }

    @Test func normalEquationsEqualTheExplicitSum() {
        // Σ w·x·xᵀ over one-hot rows, written out, against the marginal construction.
        let layout = FeatureLayout(set: .di, variableOffsets: [0, 1, 2, 4, 5])
        var r = SplitMix64(seed: 4)
        let species = 1 << 10
        var w = [Double](repeating: 0, count: species), wy = w
        for k in 0..<species where r.uniform() < 0.6 {
            w[k] = r.uniform() * 3
            wy[k] = w[k] * r.normal()
        }
        let (gram, rhs) = normalEquations(layout: layout, weight: w, weightedTarget: wy)
        let n = 1 + layout.oneHotCount
        var expected = [Double](repeating: 0, count: n * n), expectedRHS = [Double](repeating: 0, count: n)
        for k in 0..<species where w[k] != 0 {
            let codes = (0..<5).map { (k >> (2 * (4 - $0))) & 3 }
            var x = [0]
            for g in 0..<(5 + layout.pairs.count) {
                let level = g < 5 ? codes[g] : 4 * codes[layout.pairs[g - 5].0] + codes[layout.pairs[g - 5].1]
                x.append(1 + layout.offset(group: g) + level)
            }
            for a in x {
                expectedRHS[a] += wy[k]
                for b in x { expected[a * n + b] += w[k] }
            }
        }
        #expect(zip(gram, expected).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(zip(rhs, expectedRHS).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func rowByRowNormalEquationsAgree() {
        let layout = FeatureLayout(set: .di, variableOffsets: [0, 1, 2, 4, 5])
        var r = SplitMix64(seed: 7)
        var keys: [UInt64] = [], y: [Double] = [], w: [Double] = []
        for _ in 0..<3000 {
            keys.append(r.next() % 1024); y.append(r.normal()); w.append(r.uniform())
        }
        var weight = [Double](repeating: 0, count: 1024), weighted = weight
        for i in keys.indices { weight[Int(keys[i])] += w[i]; weighted[Int(keys[i])] += w[i] * y[i] }
        let (g1, r1) = normalEquations(layout: layout, weight: weight, weightedTarget: weighted)
        let (g2, r2) = rowNormalEquations(layout: layout, keys: keys, target: y, weights: w, rows: Array(keys.indices))
        #expect(zip(g1, g2).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(zip(r1, r2).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func designsTooLargeToEnumerateAreFittedRowByRow() throws {
        // 14 variable bases (4^14 sequences): planted nn model, 20,000 noiseless random rows.
        let layout = FeatureLayout(set: .nn, variableOffsets: Array(0..<7) + Array(13..<20))
        let planted = plantedModel(layout, seed: 21)
        var r = SplitMix64(seed: 22)
        var keys: [UInt64] = [], y: [Double] = []
        for _ in 0..<20_000 {
            let key = r.next() & ((1 << 28) - 1)
            keys.append(key)
            y.append(planted.energy(codes: (0..<14).map { UInt8((key >> UInt64(2 * (13 - $0))) & 3) }))
        }
        let fit = try fitLinear(keys: keys, target: y, weights: [Double](repeating: 1, count: y.count), layout: layout)
        #expect(fit.solver == "cholesky")
        let a = sumToZero(fit.model), b = sumToZero(planted)
        #expect(zip(a.mono, b.mono).allSatisfy { abs($0 - $1) < 1e-8 })
        let analysis = try analyzeLinear(keys: keys, target: y, weights: [Double](repeating: 1, count: y.count),
                                         layout: layout, options: .init(), split: .holdout(train: 0.8, validation: 0.1), seed: 1)
        #expect(analysis.metrics.first { $0.name == "test" }.map { $0.metrics.rmse < 1e-8 } == true)
    }

    @Test(arguments: FeatureSet.allCases)
    func noiselessDataGivesBackThePlantedModel(_ set: FeatureSet) throws {
        let layout = FeatureLayout(set: set, design: smallDesign)
        let planted = plantedModel(layout, seed: 11)
        let truth = try planted.landscape()
        // 70 % of the 4096 sequences, random positive weights, no noise.
        var r = SplitMix64(seed: 12)
        var keys: [UInt64] = [], y: [Double] = [], w: [Double] = []
        for k in truth.indices where r.uniform() < 0.7 {
            keys.append(UInt64(k)); y.append(truth[k]); w.append(0.2 + r.uniform())
        }
        for coding in [Coding.reference(base: 0), .reference(base: 3), .sumToZero] {
            var options = LinearFitOptions()
            options.coding = coding
            let fit = try fitLinear(keys: keys, target: y, weights: w, layout: layout, options: options)
            #expect(fit.solver == "cholesky" && fit.dependent.isEmpty)
            // Every sequence, seen or not, is predicted exactly (up to rounding).
            let predicted = try fit.model.landscape()
            #expect(zip(predicted, truth).allSatisfy { abs($0 - $1) < 1e-9 }, "\(set) \(coding)")
            // The identifiable (sum-to-zero) tables equal the planted ones.
            let a = sumToZero(fit.model), b = sumToZero(planted)
            #expect(abs(a.intercept - b.intercept) < 1e-9)
            #expect(zip(a.mono, b.mono).allSatisfy { abs($0 - $1) < 1e-9 })
            for (p, q) in zip(a.pairs, b.pairs) { #expect(zip(p.ddg, q.ddg).allSatisfy { abs($0 - $1) < 1e-9 }) }
        }
    }

    @Test func predictionsDoNotDependOnTheReferenceBase() throws {
        let layout = FeatureLayout(set: .di, design: smallDesign)
        let truth = try plantedModel(layout, seed: 3).landscape()
        var r = SplitMix64(seed: 5)
        var keys: [UInt64] = [], y: [Double] = [], w: [Double] = []
        for k in truth.indices where r.uniform() < 0.8 {
            keys.append(UInt64(k)); y.append(truth[k] + 0.5 * r.normal()); w.append(0.5 + r.uniform())
        }
        var landscapes: [[Double]] = []
        for coding in [Coding.reference(base: 0), .reference(base: 1), .reference(base: 2), .reference(base: 3), .sumToZero] {
            var options = LinearFitOptions()
            options.coding = coding
            landscapes.append(try fitLinear(keys: keys, target: y, weights: w, layout: layout, options: options).model.landscape())
        }
        for other in landscapes.dropFirst() {
            #expect(zip(landscapes[0], other).allSatisfy { abs($0 - $1) < 1e-9 })
        }
        // Reference coding really zeroes the reference base.
        var options = LinearFitOptions()
        options.coding = .reference(base: 2)
        let g = try fitLinear(keys: keys, target: y, weights: w, layout: layout, options: options)
        #expect((0..<6).allSatisfy { g.model.mono[4 * $0 + 2] == 0 })
        #expect(g.parameters.count == layout.parameterCount && !g.parameters.contains { $0.name.hasSuffix(":G") })
    }

    @Test func rankDeficientDataIsDetectedAndNamed() throws {
        // Position 1 never holds T in the data: "1:T" (and the pairs with it) cannot be estimated.
        let layout = FeatureLayout(set: .mono, design: smallDesign)
        let truth = try plantedModel(layout, seed: 8).landscape()
        var keys: [UInt64] = [], y: [Double] = []
        for k in truth.indices where (k >> 10) & 3 != 3 {
            keys.append(UInt64(k)); y.append(truth[k])
        }
        let fit = try fitLinear(keys: keys, target: y, weights: [Double](repeating: 1, count: y.count), layout: layout)
        #expect(fit.solver == "eigen")
        #expect(fit.dependent == [["1:T"]])
        // The seen sequences are still fitted exactly.
        let predicted = try fit.model.landscape()
        #expect(keys.indices.allSatisfy { abs(predicted[Int(keys[$0])] - y[$0]) < 1e-9 })

        // Two positions always equal: their effects cannot be told apart.
        var k2: [UInt64] = [], y2: [Double] = []
        for k in truth.indices where (k >> 10) & 3 == (k >> 8) & 3 { k2.append(UInt64(k)); y2.append(truth[k]) }
        let tied = try fitLinear(keys: k2, target: y2, weights: [Double](repeating: 1, count: y2.count), layout: layout)
        #expect(tied.solver == "eigen" && !tied.dependent.isEmpty)
        #expect(tied.dependent.allSatisfy { group in group.allSatisfy { $0.hasPrefix("1:") || $0.hasPrefix("2:") } })
    }

    @Test func ridgeShrinksTowardsTheMean() throws {
        let layout = FeatureLayout(set: .mono, design: smallDesign)
        let truth = try plantedModel(layout, seed: 2).landscape()
        let keys = (0..<truth.count).map(UInt64.init), w = [Double](repeating: 1, count: truth.count)
        var small = LinearFitOptions(), huge = LinearFitOptions()
        small.ridge = 1
        huge.ridge = 1e12
        let a = try fitLinear(keys: keys, target: truth, weights: w, layout: layout, options: small).model.landscape()
        let b = try fitLinear(keys: keys, target: truth, weights: w, layout: layout, options: huge).model.landscape()
        let mean = truth.reduce(0, +) / Double(truth.count)
        #expect(zip(a, truth).allSatisfy { abs($0 - $1) < 0.05 })
        #expect(b.allSatisfy { abs($0 - mean) < 1e-6 })
    }

    @Test func metricsMatchTheirDefinitions() {
        let m = FitMetrics(target: [1, 2, 3, 4], prediction: [1.1, 1.9, 3.2, 3.8])
        // SS_res = 0.01+0.01+0.04+0.04 = 0.1, SS_tot = 5.
        #expect(abs(m.r2 - 0.98) < 1e-12)
        #expect(abs(m.rmse - (0.1 / 4).squareRoot()) < 1e-12)
        #expect(abs(FitMetrics(target: [1, 2, 3], prediction: [2, 4, 6]).pearsonR2 - 1) < 1e-12)
        #expect(FitMetrics(target: [1, 1, 1], prediction: [1, 2, 3]).r2.isNaN)
    }

    @Test func holdoutAndFoldsScoreRowsTheFitNeverSaw() throws {
        let layout = FeatureLayout(set: .nn, design: smallDesign)
        let truth = try plantedModel(layout, seed: 9).landscape()
        var r = SplitMix64(seed: 1)
        let keys = (0..<truth.count).map(UInt64.init)
        let y = truth.map { $0 + 0.3 * r.normal() }
        let w = [Double](repeating: 1, count: y.count)
        let holdout = try analyzeLinear(keys: keys, target: y, weights: w, layout: layout, options: .init(),
                                        split: .holdout(train: 0.8, validation: 0.1), seed: 3, truth: truth)
        let names = holdout.metrics.map(\.name)
        #expect(names == ["train", "validation", "test", "truth_test", "truth_library"])
        #expect(holdout.metrics.map(\.metrics.rows) == [3277, 410, 409, 409, 4096])
        // Noise sd 0.3 on a landscape of sd ~1.2: against the truth the model is far better.
        let byName = Dictionary(uniqueKeysWithValues: holdout.metrics.map { ($0.name, $0.metrics) })
        #expect((byName["truth_library"]?.r2 ?? 0) > 0.98)
        #expect((byName["test"]?.rmse ?? 1) > 0.25)
        let again = try analyzeLinear(keys: keys, target: y, weights: w, layout: layout, options: .init(),
                                      split: .holdout(train: 0.8, validation: 0.1), seed: 3, truth: truth)
        #expect(again.metrics.map(\.metrics) == holdout.metrics.map(\.metrics))
        let folds = try analyzeLinear(keys: keys, target: y, weights: w, layout: layout, options: .init(),
                                      split: .folds(5), seed: 3, truth: truth)
        #expect(folds.metrics.map(\.name) == ["train", "cross_validation", "truth_cross_validation", "truth_library"])
        #expect(folds.metrics[1].metrics.rows == 4096)
        #expect(folds.fit.trainingRows == 4096)
    }

    @Test func modelFilesRoundTrip() throws {
        let dir = try temporaryDirectory("lin").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let layout = FeatureLayout(set: .di, design: smallDesign)
        let truth = try plantedModel(layout, seed: 6).landscape()
        let keys = (0..<truth.count).map(UInt64.init)
        let analysis = try analyzeLinear(keys: keys, target: truth, weights: [Double](repeating: 1, count: truth.count),
                                         layout: layout, options: .init(), split: .none, seed: 0)
        let provenance = LinearModelInfo.Provenance(input: "test", target: "ddg", weighting: "unweighted", rows: keys.count, rowsDropped: 0,
                                                    ridge: 0, seed: 0, design: smallDesign.template, truth: nil,
                                                    betseqVersion: "test", command: "test")
        try LinearModelFile(analysis, provenance: provenance).write(path: "\(dir)/m.json")
        let back = try EnergyModel.read(path: "\(dir)/m.json")
        #expect(zip(try back.landscape(), try analysis.fit.model.landscape()).allSatisfy { abs($0 - $1) < 1e-12 })
        // The typed record reads back; training-set metrics of an exact fit.
        let file = try LinearModelFile.read(path: "\(dir)/m.json")
        #expect(file.info?.features == "di" && file.info?.parameterCount == layout.parameterCount)
        #expect(file.info?.metrics["train"]?.rows == keys.count && (file.info?.metrics["train"]?.r2 ?? 0) > 1 - 1e-12)
        #expect(file.info?.heldOut == nil)  // split .none holds nothing out
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/m.json"))) as? [String: Any]
        let linear = json?["linear_model"] as? [String: Any]
        #expect(linear?["features"] as? String == "di")
        #expect((linear?["parameters"] as? [Any])?.count == layout.parameterCount)
        #expect(linear?["coding"] as? String == "reference (A)")

        // Energy matrix: the mono main effects, read back as a model.
        try writeEnergyMatrix(analysis.fit.model, path: "\(dir)/m.tsv")
        let matrix = try EnergyModel.read(path: "\(dir)/m.tsv")
        let main = sumToZero(analysis.fit.model)
        #expect(matrix.pairs.isEmpty && zip(matrix.mono, main.mono).allSatisfy { abs($0 - $1) < 1e-6 })
        // MEME: Boltzmann probabilities that our motif reader parses.
        try writeMEME(analysis.fit.model, path: "\(dir)/m.meme", name: "test")
        let motifs = try PositionFrequencyMatrix.read(path: "\(dir)/m.meme")
        #expect(motifs.count == 1 && motifs[0].width == 6)
        let p = motifs[0].frequencies()
        let e0 = (0..<4).map { main.mono[$0] }
        // ln(p_a/p_b) = −(e_a − e_b)/RT
        #expect(abs(log(p[0] / p[1]) + (e0[0] - e0[1]) / 0.593) < 1e-4)
    }
}
