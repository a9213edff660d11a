import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// The number types networks run in: Float for training and inference, Double for the
/// finite-difference gradient checks. `gemm` is BLAS sgemm/dgemm on row-major matrices.
public protocol NNScalar: BinaryFloatingPoint, Sendable where Self.RawSignificand: FixedWidthInteger {
    /// C = α·op(A)·op(B) + β·C with op(A) m×k and op(B) k×n, all row-major. Pointers may be nil
    /// only for empty matrices (an empty array's buffer has no address); then nothing is read.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>?, lda: Int, b: UnsafePointer<Self>?, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>?, ldc: Int)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
}

extension NNScalar {
    /// The operands of a product that BLAS must compute, or nil after handling an empty one: with
    /// m or n zero there is nothing to write; with k zero (or no A or B) C becomes β·C.
    static func nonEmptyOperands(m: Int, n: Int, k: Int, a: UnsafePointer<Self>?, b: UnsafePointer<Self>?, beta: Self,
                                 c: UnsafeMutablePointer<Self>?, ldc: Int)
        -> (UnsafePointer<Self>, UnsafePointer<Self>, UnsafeMutablePointer<Self>)? {
        guard m > 0, n > 0, let c else { return nil }
        guard k > 0, let a, let b else {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return nil
        }
        return (a, b, c)
    }
}

extension Float: NNScalar {
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>?, lda: Int, b: UnsafePointer<Float>?, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>?, ldc: Int) {
        guard let (a, b, c) = nonEmptyOperands(m: m, n: n, k: k, a: a, b: b, beta: beta, c: c, ldc: ldc) else { return }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    public static func exp(_ x: Float) -> Float { expf(x) }
    public static func log(_ x: Float) -> Float { logf(x) }
    public static func log1p(_ x: Float) -> Float { log1pf(x) }
}

extension Double: NNScalar {
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>?, lda: Int, b: UnsafePointer<Double>?, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>?, ldc: Int) {
        guard let (a, b, c) = nonEmptyOperands(m: m, n: n, k: k, a: a, b: b, beta: beta, c: c, ldc: ldc) else { return }
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    public static func log(_ x: Double) -> Double { Glibc.log(x) }
    public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
}

/// Numerical settings for training on this thread and BLAS threads.
public enum NumericEnvironment {
    /// Flush denormals to zero on the calling thread (see the shim for why).
    public static func flushDenormals() { betseq_flush_denormals() }
    /// Threads for one gemm (OpenBLAS) and for the element-wise passes of the layers.
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
        ElementwiseThreads.count = max(1, n)
    }
    /// The count last given to `setThreads`.
    public static var threads: Int { ElementwiseThreads.count }
}
