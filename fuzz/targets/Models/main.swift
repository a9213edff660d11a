#if canImport(Glibc)
import Glibc
#endif
import Affinity
import Contacts
import Foundation
import FuzzSupport
import IO
import Learn

// Model files of every kind (energy JSON and matrices, linear fits, networks, contact models) and
// motifs: read, then a few predictions.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzModels(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(fuzzBytes(data, size))
    expectTypedErrors {
        if let model = try? readModelFile(data: bytes, file: "fuzz").model, model.length <= 16 {
            _ = try model.rawPredictions([0, 1, UInt64.max >> UInt64(64 - 2 * model.length)], options: PredictionOptions())
        }
        // Motif files are a few hundred bytes; parsing the large model inputs as motifs too would
        // only slow the run.
        if bytes.count <= 4096 {
            _ = try? PositionFrequencyMatrix.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz")
        }
        _ = try ContactNetwork.decode(bytes, file: "fuzz")
        // Example-cache entries: decoded, then their pairs built as training and prediction do.
        if let ex = try? ContactExampleCache.decodeEntry(Array(bytes), file: "fuzz", anchorSets: 2) {
            _ = ex.pairs(in: 0..<min(ex.pairCount, 4096))
            var random = SplitMix64(seed: 1)
            if ex.residueCount <= 2000 { _ = ex.samplePairs(local: 4, fraction: 0.01, random: &random) }
        }
    }
    return 0
}

exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, fuzzModels))
