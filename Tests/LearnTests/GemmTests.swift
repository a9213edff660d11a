import Testing
@testable import Learn

/// The BLAS products every layer runs on (row-major sgemm/dgemm through `NNScalar.gemm`).
@Suite struct GemmTests {
    /// C = α·op(A)·op(B) + β·C against a naive triple loop, for every transpose combination and both
    /// precisions. Inputs are small integers, so products and sums are exact and so is the comparison.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productMatchesNaive(ta: Bool, tb: Bool) {
        check(Float.self, ta, tb)
        check(Double.self, ta, tb)
    }

    func check<T: NNScalar>(_: T.Type, _ ta: Bool, _ tb: Bool) {
        let m = 5, k = 7, n = 3
        let a = (0..<(m * k)).map { T($0 % 7) - 3 }, b = (0..<(k * n)).map { T($0 % 5) - 2 }
        // Stored as op(A) is m×k: A is k×m when transposed.
        func aAt(_ i: Int, _ p: Int) -> T { ta ? a[p * m + i] : a[i * k + p] }
        func bAt(_ p: Int, _ j: Int) -> T { tb ? b[j * k + p] : b[p * n + j] }
        var c = (0..<(m * n)).map { T($0 % 3) }
        let c0 = c
        T.gemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 2, a: a, lda: ta ? m : k, b: b, ldb: tb ? k : n,
               beta: -1, c: &c, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                var s: T = 0
                for p in 0..<k { s += aAt(i, p) * bAt(p, j) }
                #expect(c[i * n + j] == 2 * s - c0[i * n + j], "\(T.self) ta \(ta) tb \(tb) (\(i), \(j))")
            }
        }
    }

    @Test func emptyInnerDimensionScalesC() {
        var c: [Float] = [1, 2, 3, 4, 5, 6]
        let none: [Float] = [0]
        Float.gemm(transA: false, transB: false, m: 2, n: 3, k: 0, alpha: 1, a: none, lda: 1, b: none, ldb: 3, beta: 0.5, c: &c, ldc: 3)
        #expect(c == [0.5, 1, 1.5, 2, 2.5, 3])
        // Empty operands have no address; an empty batch multiplies to nothing (it used to trap).
        Float.gemm(transA: false, transB: false, m: 0, n: 3, k: 4, alpha: 1, a: nil, lda: 4, b: nil, ldb: 3, beta: 0, c: nil, ldc: 3)
        var d: [Float] = [7, 7]
        Float.gemm(transA: false, transB: false, m: 1, n: 2, k: 0, alpha: 1, a: nil, lda: 0, b: nil, ldb: 2, beta: 0, c: &d, ldc: 2)
        #expect(d == [0, 0])
    }
}
