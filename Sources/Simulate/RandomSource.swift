import CGSL

/// A seeded GSL random generator (MT19937). The same seed gives the same stream on every machine,
/// which is what makes simulations reproducible byte for byte.
public final class RandomSource {
    private let rng: UnsafeMutablePointer<gsl_rng>
    public let seed: UInt

    public init(seed: UInt) {
        guard let r = gsl_rng_alloc(betseq_gsl_rng_mt19937()) else {
            preconditionFailure("GSL could not allocate a random generator (out of memory)")
        }
        rng = r
        self.seed = seed
        gsl_rng_set(rng, seed)
    }

    deinit { gsl_rng_free(rng) }

    /// Uniform on [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// Draws `trials` items over categories with the given (unnormalised, non-negative) weights;
    /// the counts sum exactly to `trials`. GSL's conditional-binomial method.
    public func multinomial(trials: Int, weights: [Double]) -> [UInt32] {
        var counts = [UInt32](repeating: 0, count: weights.count)
        guard !weights.isEmpty, trials > 0 else { return counts }
        weights.withUnsafeBufferPointer { w in
            counts.withUnsafeMutableBufferPointer { c in
                gsl_ran_multinomial(rng, weights.count, UInt32(clamping: trials), w.baseAddress, c.baseAddress)
            }
        }
        return counts
    }
}
