#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// OpenBLAS reads its settings from the environment once, when the library loads, before `main`.
/// Its worker threads then spin (sched_yield) for about 2^28 cycles after every BLAS call and at
/// start-up, which steals a core from our own decompression thread and collapses when the other
/// core is busy. So on first start, `betseq` sets passive waiting (unless the user chose a value)
/// and re-executes itself once; if re-execution fails it simply carries on.
enum BLASEnvironment {
    static let marker = "BETSEQ_BLAS_ENV"

    static func prepare() {
        guard getenv(marker) == nil else { return }
        setenv(marker, "1", 1)
        // Passive waiting (2^4 cycles of spinning, then sleep) so BLAS threads never steal the
        // decompression core; network training, a stream of gemm calls a fraction of a
        // millisecond apart, spins 2^20 cycles (~0.3 ms) instead, which saves a wake-up per call.
        let training = CommandLine.arguments.dropFirst().starts(with: ["fit", "nn"]) || CommandLine.arguments.dropFirst().first == "pipeline"
        setenv("OPENBLAS_THREAD_TIMEOUT", training ? "20" : "4", 0)
        // Debian's OpenBLAS misdetects this VM's AVX-512 CPU as Prescott (sgemm ~6x slower).
        if getenv("OPENBLAS_CORETYPE") == nil, cpuHasAVX512() { setenv("OPENBLAS_CORETYPE", "SkylakeX", 1) }
        let args = CommandLine.unsafeArgv
        execv("/proc/self/exe", args)
        // Not reached unless exec failed (no /proc): run with the environment as it was.
    }

    /// AVX-512 foundation and the byte/word, vector-length and DQ extensions SkylakeX kernels use.
    static func cpuHasAVX512() -> Bool {
        guard let f = fopen("/proc/cpuinfo", "r") else { return false }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 8192)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("flags") {
                let flags = Set(text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                return ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains)
            }
        }
        return false
    }
}
