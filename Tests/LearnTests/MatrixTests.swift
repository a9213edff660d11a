import Testing
@testable import Learn

@Suite struct MatrixTests {
    /// sgemm against a naive triple loop, for every transpose combination. Inputs are small
    /// integers so float32 products and sums are exact and the comparison can be exact.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productMatchesNaive(ta: Bool, tb: Bool) {
        let m = 5, k = 7, n = 3
        let a = Matrix(rows: ta ? k : m, columns: ta ? m : k, values: (0..<(m * k)).map { Float($0 % 7) - 3 })
        let b = Matrix(rows: tb ? n : k, columns: tb ? k : n, values: (0..<(k * n)).map { Float($0 % 5) - 2 })
        let c = Matrix.product(a, transposed: ta, b, transposed: tb)
        #expect(c.rows == m && c.columns == n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += (ta ? a[p, i] : a[i, p]) * (tb ? b[j, p] : b[p, j]) }
                #expect(c[i, j] == s)
            }
        }
    }

    @Test func emptyInnerDimensionGivesZeros() {
        let c = Matrix.product(Matrix(zeros: 2, 0), Matrix(zeros: 0, 3))
        #expect(c == Matrix(zeros: 2, 3))
    }
}
