#if canImport(Glibc)
import Glibc
#endif

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
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0)   // 2^4 cycles of spinning, then sleep
        let args = CommandLine.unsafeArgv
        execv("/proc/self/exe", args)
        // Not reached unless exec failed (no /proc): run with the environment as it was.
    }
}
