#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport
import IO
import Sequence

// FASTA/FASTQ, plain or gzip (and what looks like another compression), through the reader, the
// BET-seq extractor and a counter: any input is records or a BETSeqError, never a trap.
/// A small design with UMIs (4^6 sequences), so a run allocates and scans little.
let design = (try? DesignTemplate("UUATCNNNCACGTGNNNCTAUU")) ?? .betseq
/// Built once: the extractor holds no state between reads.
nonisolated(unsafe) let extractor = try? ReadExtractor(design: design)

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzReads(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    expectTypedErrors {
        let source = try openInput(source: MemorySource(bytes), name: "fuzz", prefetch: bytes.count % 8 == 0)
        let reader = try SequenceReader(source: source, name: "fuzz", bufferSize: 64)
        guard let extractor else { return }
        let counter = SampleCounter(design: design, bitsetThreshold: 16)
        try counter.count(reader: reader, extractor: extractor)
        _ = SampleCounter.observedKeys([counter])
    }
    return 0
}

exit(runFuzzer(CommandLine.argc, CommandLine.unsafeArgv, fuzzReads))
