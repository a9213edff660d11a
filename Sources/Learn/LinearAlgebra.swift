import CBLAS

/// Dense symmetric linear algebra in float64 on LAPACK (OpenBLAS), for normal equations.
///
/// OpenBLAS's LAPACK splits its work by its thread count, which changes the last bits of the
/// result; these small systems (at most a few thousand unknowns) are solved on one thread so that
/// a fit gives the same coefficients whatever the thread setting (a workflow job with one thread
/// and `betseq run` with two write identical models).
public enum SymmetricSolver {
    static func singleThreaded<T>(_ body: () -> T) -> T {
        let threads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(threads) }
        return body()
    }

    /// Solves A·x = b for symmetric positive definite A (n×n, row- or column-major: symmetric)
    /// by Cholesky factorisation (LAPACK dpotrf/dpotrs). Returns nil when A is not positive
    /// definite (singular or indefinite), so the caller can fall back to `pseudoSolve`.
    /// `pivotRatio` is min_i L_ii²/A_ii: near zero (say < 1e-10) means A is numerically singular
    /// even though the factorisation went through.
    public static func choleskySolve(_ a: [Double], _ b: [Double], n: Int) -> (x: [Double], pivotRatio: Double)? {
        precondition(a.count == n * n && b.count == n)
        guard n > 0 else { return ([], 1) }
        var factor = a
        var x = b
        var info: Int32 = 0
        var dim = Int32(n), one: Int32 = 1
        var uplo = CChar(UInt8(ascii: "L"))
        singleThreaded { dpotrf_(&uplo, &dim, &factor, &dim, &info) }
        guard info == 0 else { return nil }
        var ratio = Double.infinity
        for i in 0..<n where a[i * n + i] > 0 { ratio = min(ratio, factor[i * n + i] * factor[i * n + i] / a[i * n + i]) }
        singleThreaded { dpotrs_(&uplo, &dim, &one, &factor, &dim, &x, &dim, &info) }
        guard info == 0, x.allSatisfy(\.isFinite) else { return nil }
        return (x, ratio)
    }

    /// Eigen-decomposition of a symmetric matrix (LAPACK dsyevd): eigenvalues ascending and the
    /// eigenvectors as rows (`vectors[k*n ..< (k+1)*n]` belongs to `values[k]`).
    public static func eigen(_ a: [Double], n: Int) -> (values: [Double], vectors: [Double])? {
        precondition(a.count == n * n)
        guard n > 0 else { return ([], []) }
        var m = a
        var w = [Double](repeating: 0, count: n)
        var dim = Int32(n), info: Int32 = 0
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
        // Workspace query, then the decomposition.
        var workSize = 0.0
        var iworkSize: Int32 = 0
        var query: Int32 = -1
        dsyevd_(&jobz, &uplo, &dim, &m, &dim, &w, &workSize, &query, &iworkSize, &query, &info)
        guard info == 0 else { return nil }
        var lwork = Int32(workSize), liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        singleThreaded { dsyevd_(&jobz, &uplo, &dim, &m, &dim, &w, &work, &lwork, &iwork, &liwork, &info) }
        guard info == 0 else { return nil }
        // Column-major output: column k is eigenvector k, i.e. row k of the row-major view of mᵀ.
        var vectors = [Double](repeating: 0, count: n * n)
        for k in 0..<n { for i in 0..<n { vectors[k * n + i] = m[k * n + i] } }
        return (w, vectors)
    }

    /// Minimum-norm least-squares solution of A·x = b for symmetric positive semi-definite A,
    /// through the eigen-decomposition: eigenvalues below `relativeTolerance`·λ_max are treated as
    /// zero. Also returns the null-space directions (the dependent combinations of unknowns).
    public static func pseudoSolve(_ a: [Double], _ b: [Double], n: Int, relativeTolerance: Double = 1e-10)
        -> (x: [Double], nullSpace: [[Double]])? {
        guard let (values, vectors) = eigen(a, n: n) else { return nil }
        let cutoff = (values.last ?? 0) * relativeTolerance
        var x = [Double](repeating: 0, count: n)
        var null: [[Double]] = []
        for k in 0..<n {
            let v = vectors[(k * n)..<((k + 1) * n)]
            if values[k] <= cutoff {
                null.append(Array(v))
                continue
            }
            var dot = 0.0
            for (i, vi) in v.enumerated() { dot += vi * b[i] }
            let scale = dot / values[k]
            for (i, vi) in v.enumerated() { x[i] += scale * vi }
        }
        return (x, null)
    }
}
