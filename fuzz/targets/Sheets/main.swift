#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport
import IO
import Pipeline

// Sample sheets (`betseq run`, the workflow): any text is a sheet or a BETSeqError naming a line.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSheets(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    expectTypedErrors {
        let sheet = try SampleSheet.parse(text, path: "fuzz", folder: "runs")
        for e in sheet.experiments {
            _ = (e.countColumns, e.boundColumns, e.referenceColumns)
        }
        _ = sheet.plan
    }
    return 0
}

exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, fuzzSheets))
