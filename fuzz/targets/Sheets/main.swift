#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport
import IO
import Sequence

// Sample sheets (`betseq run`, the workflow): any text is a sheet or a BETSeqError naming a line.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSheets(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    expectTypedErrors {
        let sheet = try SampleSheet.parse(text, path: "fuzz", folder: "runs")
        for e in sheet.experiments {
            _ = (e.countColumns, e.boundColumns, e.referenceColumns)
        }
        _ = try JSONFile.encode(StudyPlan(sheet), layout: .document)
        _ = SampleSheet.format(rows: sheet.experiments.flatMap { e in
            e.samples.flatMap { s in s.files.map { SampleSheet.Row(experiment: e.name, replicate: s.replicate, fraction: s.fraction, fastq: $0) } }
        })
    }
    return 0
}

exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, fuzzSheets))
