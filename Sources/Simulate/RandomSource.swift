import CGSL

/// A seeded GSL random generator (MT19937). The same seed and stream give the same numbers on
/// every machine, which is what makes simulations reproducible byte for byte.
///
/// Independent streams (one per thread, fraction or replicate) come from one user seed through
/// `stream`: the pair is hashed (SplitMix64) into the generator's seed, so results never depend on
/// how work is spread over threads.
public final class RandomSource {
    private let rng: UnsafeMutablePointer<gsl_rng>
    public let seed: UInt64
    public let stream: UInt64

    public init(seed: UInt64, stream: UInt64 = 0) {
        betseq_gsl_errors_return()
        guard let r = gsl_rng_alloc(betseq_gsl_rng_mt19937()) else {
            preconditionFailure("GSL could not allocate a random generator (out of memory)")
        }
        rng = r
        self.seed = seed
        self.stream = stream
        gsl_rng_set(rng, UInt(truncatingIfNeeded: Self.mix(seed, stream)))
    }

    deinit { gsl_rng_free(rng) }

    /// SplitMix64 of (seed, stream): nearby seeds give unrelated generator states.
    static func mix(_ seed: UInt64, _ stream: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on [0, 1).
    @inline(__always) public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// Uniform on (0, 1].
    @inline(__always) public func uniformPositive() -> Double { 1 - gsl_rng_uniform(rng) }

    /// Uniform integer in 0..<n (n ≤ 2^32).
    @inline(__always) public func uniformInt(_ n: Int) -> Int {
        Int(gsl_rng_uniform_int(rng, UInt(n)))
    }

    /// 32 random bits.
    @inline(__always) public func bits32() -> UInt32 { UInt32(truncatingIfNeeded: gsl_rng_get(rng)) }

    /// Normal(0, σ) by the ziggurat method.
    @inline(__always) public func gaussian(sigma: Double) -> Double { gsl_ran_gaussian_ziggurat(rng, sigma) }
}
