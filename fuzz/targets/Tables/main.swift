#if canImport(Glibc)
import Glibc
#endif
import Affinity
import FuzzSupport
import IO
import Sequence

// Count tables, count shards and ΔΔG tables: parsed, then ΔΔG estimated from the first two count columns.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTables(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    expectTypedErrors {
        if let counts = try? CountTable.parse(bytes, name: "fuzz"), counts.samples.count >= 2 {
            _ = try? estimateDDG(counts, bound: [counts.samples[0]], reference: [counts.samples[1]], file: "fuzz")
        }
        if bytes.first == UInt8(ascii: "{") {
            do { _ = try CountShard.decode(bytes, file: "fuzz") } catch is BETSeqError {}
        }
        let table = try SequenceTable.parse(bytes: bytes, name: "fuzz", required: [], optional: ["ddg", "se", "ddg_true"])
        if let y = table.column("ddg"), let se = table.column("se") { _ = zip(y, se).map { $0 / max($1, 1e-9) } }
    }
    return 0
}

exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, fuzzTables))
