#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport
import IO
import Sequence

// Design templates and sample arguments: the first line is a template, the rest a read to extract
// from it; every line is also tried as a NAME=FILE sample argument.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzDesigns(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    expectTypedErrors {
        _ = try? SampleSpec.parse(lines)
        let design = try DesignTemplate(lines.first ?? "")
        for offsets in [QualityOffsets.intended, .published] {
            for mismatches in 0...2 {
                var options = ExtractionOptions()
                options.maxMismatches = mismatches
                options.bothStrands = mismatches == 1
                options.qualityOffsets = offsets
                guard let extractor = try? ReadExtractor(design: design, options: options) else { continue }
                for read in lines.dropFirst() {
                    let sequence = Array(read.utf8)
                    let quality = sequence.map { 33 + $0 % 42 }
                    sequence.withUnsafeBufferPointer { s in
                        quality.withUnsafeBufferPointer { q in _ = extractor.extract(sequence: s, quality: q) }
                    }
                }
            }
        }
    }
    return 0
}

exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, fuzzDesigns))
