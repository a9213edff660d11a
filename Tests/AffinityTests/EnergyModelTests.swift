import Foundation
import IO
import Learn
import Sequence
import Testing
import TestSupport
@testable import Affinity

/// The energy-model format, its landscapes and motif conversion.
@Suite struct EnergyModelTests {
    /// A model with mono terms and pairs inside each half and across the halves.
    func randomModel(length: Int, seed: UInt64) -> EnergyModel {
        var rng = SplitMix64(seed: seed)
        let mono = (0..<(4 * length)).map { _ in rng.normal() }
        var pairs: [EnergyModel.Pair] = []
        for i in 0..<length {
            for j in (i + 1)..<length where (i + j) % 3 != 1 {
                pairs.append(.init(i: i, j: j, ddg: (0..<16).map { _ in 0.3 * rng.normal() }))
            }
        }
        return EnergyModel(length: length, intercept: 0.7, mono: mono, pairs: pairs, description: "test")
    }

    @Test func fullLandscapeEqualsTermByTermSums() throws {
        for length in [1, 2, 5, 7] {
            let model = randomModel(length: length, seed: UInt64(length))
            let all = try model.landscape()
            #expect(all.count == 1 << (2 * length))
            for key in stride(from: 0, to: all.count, by: max(1, all.count / 500)) {
                let codes = (0..<length).map { UInt8((key >> (2 * (length - 1 - $0))) & 3) }
                #expect(abs(all[key] - model.energy(codes: codes)) < 1e-12, "length \(length) key \(key)")
            }
        }
    }

    /// Predictions for given keys take the landscape lookup (≤ 12 bases) or the per-key sum of terms
    /// (longer models); both equal an independent naive sum written here, and --all equals the
    /// landscape.
    @Test func perKeyAndLandscapePathsAgree() throws {
        func naive(_ m: EnergyModel, _ key: UInt64) -> Double {
            let bases = (0..<m.length).map { Int((key >> UInt64(2 * (m.length - 1 - $0))) & 3) }
            var e = m.intercept
            for i in 0..<m.length { e += m.mono[4 * i + bases[i]] }
            for p in m.pairs { e += p.ddg[4 * bases[p.i] + bases[p.j]] }
            return e
        }
        var random = SplitMix64(seed: 11)
        for length in [6, 14] {
            let model = randomModel(length: length, seed: UInt64(length))
            let keys = (0..<500).map { _ in random.next() & ((1 << UInt64(2 * length)) - 1) }
            let predicted = try model.rawPredictions(keys)
            for (key, value) in zip(keys, predicted) {
                #expect(abs(value - naive(model, key)) < 1e-12, "length \(length) key \(key)")
                #expect(abs(model.energy(key: key) - naive(model, key)) < 1e-12)
            }
        }
        let small = randomModel(length: 6, seed: 6)
        #expect(try small.predictLibrary() == (try small.landscape()))  // an energy model keeps its own zero
        expectError(.invalidOption, mentioning: "the whole library needs at most 13 variable bases, not 14") { _ = try randomModel(length: 14, seed: 1).predictLibrary() }
    }

    @Test func jsonRoundTripAndValidation() throws {
        let model = randomModel(length: 4, seed: 9)
        let data = try model.encoded()
        let back = try EnergyModel.decode(data, file: "m.json")
        #expect(back.length == 4 && back.pairs.count == model.pairs.count)
        #expect(zip(try back.landscape(), try model.landscape()).allSatisfy { abs($0 - $1) < 1e-12 })
        // Same model, same bytes.
        #expect(try back.encoded() == data)

        let bad: [(String, String)] = [
            (#"{"format":"other","version":1,"length":1,"mono":[[0,0,0,0]]}"#, "format"),
            (#"{"format":"betseq-energy-model","version":1,"length":2,"mono":[[0,0,0,0]]}"#, "one per position"),
            (#"{"format":"betseq-energy-model","version":1,"length":1,"mono":[[0,0,0]]}"#, "expected 4"),
            (#"{"format":"betseq-energy-model","version":1,"length":2,"mono":[[0,0,0,0],[0,0,0,0]],"pairs":[{"i":2,"j":1,"ddg":[[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0]]}]}"#, "1 ≤ i < j"),
            (#"{"format":"betseq-energy-model","version":1,"mono":[[0,0,0,0]]}"#, "missing key 'length'"),
            ("not json", "not a betseq energy model"),
        ]
        for (text, message) in bad {
            do {
                _ = try EnergyModel.decode(Data(text.utf8), file: "bad.json")
                Issue.record("accepted: \(text)")
            } catch let error as BETSeqError {
                #expect(error.description.contains(message), "\(error)")
                #expect(error.description.hasPrefix("bad.json"))
            }
        }
    }

    @Test func motifFilesParse() throws {
        let jaspar = """
            >MA0357.1 PHO4
            A  [  94  97 967   0  85   2   1   4 ]
            C  [ 393 900   1 911   1  28   0 507 ]
            G  [ 507   0  28   1 911   1 900 393 ]
            T  [   4   1   2  85   0 967  97  94 ]
            """
        let m = try PositionFrequencyMatrix.parse(jaspar, file: "p.jaspar")
        #expect(m.count == 1 && m[0].id == "MA0357.1" && m[0].name == "PHO4" && m[0].width == 8)
        #expect(m[0].counts[0..<4] == [94, 393, 507, 4])
        let meme = """
            MEME version 4

            ALPHABET= ACGT

            MOTIF M1 toy
            letter-probability matrix: alength= 4 w= 2 nsites= 20 E= 0
              0.1 0.2 0.3 0.4
              1.0 0.0 0.0 0.0

            MOTIF M2
            letter-probability matrix: alength= 4 w= 1
              0.25 0.25 0.25 0.25
            """
        let mm = try PositionFrequencyMatrix.parse(meme, file: "m.meme")
        #expect(mm.map(\.id) == ["M1", "M2"] && mm[0].width == 2 && mm[0].counts[4] == 1)
        expectError(.malformedTable, mentioning: "x: line 1: motif 'x': expected 4 rows (A, C, G, T) of equal length") { _ = try PositionFrequencyMatrix.parse(">x\nA [1 2]\nC [1]\nG [1 2]\nT [1 2]\n", file: "x") }
        expectError(.malformedTable, mentioning: "x: line 2: '-2' is not a non-negative number") { _ = try PositionFrequencyMatrix.parse(">x\nA [1 -2]\nC [1 1]\nG [1 2]\nT [1 2]\n", file: "x") }
        expectError(.malformedTable, mentioning: "x: line 1: 'hello' is not a non-negative number") { _ = try PositionFrequencyMatrix.parse("hello\n", file: "x") }
    }

    @Test func motifIsPlacedOnTheCoreAndConvertedToEnergies() throws {
        let pho4 = PositionFrequencyMatrix(id: "MA0357.1", name: "PHO4", counts: [
            94, 393, 507, 4, 97, 900, 0, 1, 967, 1, 28, 2, 0, 911, 1, 85,
            85, 1, 911, 0, 2, 28, 1, 967, 1, 0, 900, 97, 4, 507, 393, 94,
        ])
        let (model, placement) = try energyModel(motif: pho4, design: .betseq)
        #expect(placement.contains("2 of 10"))
        // Column 1 (G 507 > C 393 > A 94 > T 4) sits on flank position 5, column 8 on position 6.
        let e5 = Array(model.mono[16..<20]), e6 = Array(model.mono[20..<24])
        #expect(e5[2] == 0 && e5[1] > 0 && e5[0] > e5[1] && e5[3] > e5[0])
        let p = [94.0, 393, 507, 4].map { ($0 / 998 + 0.01) / 1.04 }
        #expect(abs(e5[3] - -0.593 * log(p[3] / p[2])) < 1e-12)
        #expect(abs(e6[0] - e5[3]) < 1e-12)  // palindromic motif: A at 6 mirrors T at 5
        #expect(model.mono[0..<16].allSatisfy { $0 == 0 } && model.mono[24...].allSatisfy { $0 == 0 })
        // Written on the other strand it lands on the same place.
        let (rcModel, _) = try energyModel(motif: pho4.reverseComplement(), design: .betseq)
        #expect(zip(rcModel.mono, model.mono).allSatisfy { abs($0 - $1) < 1e-12 })
    }
}

/// Energy matrices saved on Windows end lines with CR LF; "\r\n" is a single Character in Swift,
/// so splitting on "\n" left the whole file one line and refused the header.
@Suite struct EnergyMatrixLineEndTests {
    @Test func crlfAndLFReadTheSame() throws {
        let rows = ["position\tA\tC\tG\tT", "1\t0\t0.5\t0.1\t0.2", "2\t0\t0.1\t0.2\t0.3"]
        let lf = try EnergyModel.decodeMatrix(Data((rows.joined(separator: "\n") + "\n").utf8), file: "lf")
        let crlf = try EnergyModel.decodeMatrix(Data((rows.joined(separator: "\r\n") + "\r\n").utf8), file: "crlf")
        #expect(lf.mono == [0, 0.5, 0.1, 0.2, 0, 0.1, 0.2, 0.3])
        #expect(crlf.mono == lf.mono && crlf.length == 2)
    }
}

