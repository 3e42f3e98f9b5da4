//! Seeded random streams and the few distributions the engine needs.
//!
//! Every node draws from its own PCG-64 stream derived from the run seed
//! and the node's id, so adding a node never perturbs the others. Only
//! IEEE-exact operations (`f64::sqrt` among them: correctly rounded, and one
//! instruction in wasm where `libm::sqrt` is software) and `libm` are used,
//! so native and wasm runs draw bit-identical numbers.

use md5::{Digest, Md5};

mod pcg;
mod ziggurat;

use pcg::Pcg64;

/// The expected count from which a binomial (or a multinomial category) is
/// drawn from its normal approximation; below it, exactly.
pub const NORMAL_FROM: f64 = 30.0;

/// A node's private random stream.
#[derive(Clone, Debug)]
pub struct NodeRng {
    rng: Pcg64,
    /// Reused by [`Self::multinomial_normal`] for its deviates.
    scratch: Vec<f64>,
}

impl NodeRng {
    /// The stream for node `id` in a run seeded with `seed`.
    pub fn new(seed: u64, id: &str) -> Self {
        let digest = |bytes: &[u8]| u128::from_le_bytes(Md5::digest(bytes).into());
        // The seed picks the start and the id one of PCG's 2^127 streams, both
        // hashed so neighbouring seeds and similar ids share nothing.
        let rng = Pcg64::new(digest(&seed.to_le_bytes()), digest(id.as_bytes()));
        NodeRng { rng, scratch: Vec::new() }
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub fn unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Standard normal deviate by the ziggurat method: one `u64` and a
    /// multiply nearly every time, `libm::exp` in a wedge and `libm::log`
    /// in the tail otherwise. The engine draws one for nearly every shard
    /// of every batch, so this is the inner loop of routing: the common
    /// case is inlined (the generator's state stays in registers across a
    /// routing draw's loop) and the rest is out of line.
    #[inline]
    pub fn normal(&mut self) -> f64 {
        let t = ziggurat::tables();
        let (i, u, x) = t.point(self.rng.next_u64());
        if x.abs() < t.x[i + 1] { x } else { self.normal_edge(i, u, x) }
    }

    /// The rest of [`Self::normal`] once a draw fell outside its layer's
    /// core: the base layer's tail or a wedge, and on rejection, new draws.
    #[cold]
    #[inline(never)]
    fn normal_edge(&mut self, mut i: usize, mut u: f64, mut x: f64) -> f64 {
        let t = ziggurat::tables();
        loop {
            if i == 0 {
                // The base layer's tail beyond R (Marsaglia 1964).
                loop {
                    let tail = libm::log(1.0 - self.unit()) / ziggurat::R;
                    let y = libm::log(1.0 - self.unit());
                    if -2.0 * y >= tail * tail {
                        return if u < 0.0 { tail - ziggurat::R } else { ziggurat::R - tail };
                    }
                }
            }
            if t.f[i + 1] + (t.f[i] - t.f[i + 1]) * self.unit() < ziggurat::density(x) {
                return x;
            }
            (i, u, x) = t.point(self.rng.next_u64());
            if x.abs() < t.x[i + 1] {
                return x;
            }
        }
    }

    /// Log-normal deviate with the given median (`exp(mu)`) and `sigma` of
    /// the log, through `libm::exp`.
    pub fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * libm::exp(sigma * self.normal())
    }

    /// Poisson deviate with mean `lambda`.
    ///
    /// Exact (Knuth) for small means, normal approximation above 30 where
    /// the relative error is under 1%; the engine draws per API call, so the
    /// means are counts per batch.
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda < NORMAL_FROM {
            let limit = libm::exp(-lambda);
            let mut k = 0;
            let mut p = self.unit();
            while p > limit {
                k += 1;
                p *= self.unit();
            }
            return k;
        }
        let x = lambda + lambda.sqrt() * self.normal();
        libm::round(x).max(0.0) as u64
    }

    /// Binomial deviate: successes in `n` trials of probability `p`.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n == 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if n <= 32 {
            return (0..n).filter(|_| self.unit() < p).count() as u64;
        }
        // Work with the rarer outcome so the waiting-time method stays short.
        let (q, flip) = if p > 0.5 { (1.0 - p, true) } else { (p, false) };
        let mean = n as f64 * q;
        let k = if mean < NORMAL_FROM {
            // Count geometric gaps between successes (inversion).
            let log_q = libm::log1p(-q);
            let mut k = 0;
            let mut trials = 0.0;
            loop {
                let u = 1.0 - self.unit();
                trials += libm::floor(libm::log(u) / log_q) + 1.0;
                if trials > n as f64 {
                    break k;
                }
                k += 1;
            }
        } else {
            let sd = (mean * (1.0 - q)).sqrt();
            libm::round(mean + sd * self.normal()).clamp(0.0, n as f64) as u64
        };
        if flip { n - k } else { k }
    }

    /// Splits `n` items over categories with the given shares (summing to 1);
    /// `out` receives one count per share and the counts add up to `n`.
    ///
    /// When every category expects at least [`NORMAL_FROM`] items, one
    /// normal draw per category with the multinomial's exact covariance
    /// (see [`Self::multinomial_normal`]); otherwise conditional binomial
    /// draws, each exact or normal by its own mean.
    pub fn multinomial(&mut self, n: u64, shares: &[f64], out: &mut Vec<u64>) {
        out.clear();
        // `f64::min` is a call to `fmin` in wasm (its NaN rule differs from
        // `f64.min`'s); a comparison keeps the same least share (a NaN share
        // is skipped either way, and the sign of a zero does not matter here).
        let least = shares.iter().fold(f64::INFINITY, |m, &s| if s < m { s } else { m });
        if shares.len() > 1 && n as f64 * least >= NORMAL_FROM {
            return self.multinomial_normal(n, shares, out);
        }
        out.resize(shares.len(), 0);
        let mut left = n;
        let mut mass = 1.0;
        for (i, &share) in shares.iter().enumerate() {
            if left == 0 {
                break;
            }
            if i + 1 == shares.len() || mass <= share {
                out[i] = left;
                break;
            }
            let k = self.binomial(left, (share / mass).clamp(0.0, 1.0));
            out[i] = k;
            left -= k;
            mass -= share;
        }
    }

    /// The normal approximation of a multinomial draw, every category at
    /// once: with `Y_i = sqrt(n p_i) z_i` for independent standard normals
    /// `z_i`, the amounts `X_i = n p_i + Y_i - p_i ΣY` have exactly the
    /// multinomial's means and covariances `n (p_i δ_ij - p_i p_j)` and add
    /// up to `n`. Counts are the differences of the rounded running sums, so
    /// they are whole and still add up to `n`.
    ///
    /// Chained conditional binomials would give the same approximation one
    /// category after another, each waiting for the last; here the draws
    /// are independent, so a batch over a thousand shards costs a thousand
    /// normal deviates and a few multiplies, not a thousand square roots in
    /// a row.
    fn multinomial_normal(&mut self, n: u64, shares: &[f64], out: &mut Vec<u64>) {
        let nf = n as f64;
        let mut total = 0.0;
        let mut deviates = std::mem::take(&mut self.scratch);
        deviates.clear();
        deviates.extend(shares.iter().map(|&share| {
            let y = (nf * share).sqrt() * self.normal();
            total += y;
            y
        }));
        let (mut running, mut counted) = (0.0, 0u64);
        out.extend(shares.iter().zip(&deviates).map(|(&share, &y)| {
            running += nf * share + y - share * total;
            // Rounded running sums, kept within [counted, n]: whole counts,
            // none negative, and the last category takes what is left.
            let upto = round_non_negative(running).clamp(counted, n);
            let count = upto - counted;
            counted = upto;
            count
        }));
        if let Some(last) = out.last_mut() {
            *last += n - counted;
        }
        self.scratch = deviates;
    }
}

/// `libm::round(x.max(0.0)) as u64`, exactly (up to 2^63), in a few
/// instructions: the library call and the conversion to `u64` (which needs
/// a fix-up for 2^63 and up) cost more than the rest of a multinomial
/// category. The fraction `x - trunc(x)` is exact for every `x` below
/// 2^52, and from there up `x` is whole.
pub(crate) fn round_non_negative(x: f64) -> u64 {
    // As `x.max(0.0)` (NaN and -0 to 0), without wasm's call to `fmax`.
    let x = if x > 0.0 { x } else { 0.0 };
    let whole = x as i64;
    (whole + i64::from(x - whole as f64 >= 0.5)) as u64
}

#[cfg(test)]
mod tests {
    use super::NodeRng;

    /// Mean, variance and the share beyond each of a few quantiles of
    /// `n` draws; a broken layer, wedge or tail shows in one of them.
    fn normal_profile(n: usize) -> (f64, f64, [f64; 4]) {
        let mut rng = NodeRng::new(7, "normal");
        let (mut sum, mut sq) = (0.0, 0.0);
        let mut beyond = [0usize; 4];
        let quantiles = [0.5, 1.0, 1.96, 3.8];
        for _ in 0..n {
            let z = rng.normal();
            sum += z;
            sq += z * z;
            for (count, q) in beyond.iter_mut().zip(quantiles) {
                *count += usize::from(z > q);
            }
        }
        let mean = sum / n as f64;
        (mean, sq / n as f64 - mean * mean, beyond.map(|c| c as f64 / n as f64))
    }

    #[test]
    fn normal_deviates_have_the_standard_normal_shape() {
        let n = 2_000_000;
        let (mean, var, beyond) = normal_profile(n);
        assert!(mean.abs() < 0.003, "mean {mean}");
        assert!((var - 1.0).abs() < 0.004, "variance {var}");
        // P(Z > q) for q = 0.5, 1, 1.96 and 3.8 (past the ziggurat's base, R = 3.65).
        let want = [0.308_537_5, 0.158_655_3, 0.024_997_9, 0.000_072_35];
        for (got, want) in beyond.iter().zip(want) {
            let sd = (want * (1.0 - want) / n as f64).sqrt();
            assert!((got - want).abs() < 5.0 * sd, "P(Z > q) = {got}, want {want}");
        }
    }

    #[test]
    fn binomial_and_multinomial_keep_their_means_and_totals() {
        let mut rng = NodeRng::new(3, "binomial");
        for (n, p) in [(20, 0.3), (1_000, 0.01), (80_000, 0.001), (80_000, 0.7)] {
            let draws = 20_000;
            let mean = (0..draws).map(|_| rng.binomial(n, p)).sum::<u64>() as f64 / draws as f64;
            let want = n as f64 * p;
            let sd = (want * (1.0 - p) / draws as f64).sqrt();
            assert!((mean - want).abs() < 5.0 * sd + 0.5 / draws as f64, "B({n}, {p}): {mean}");
        }
        let shares = [0.5, 0.25, 0.125, 0.125];
        let mut out = Vec::new();
        for n in [0, 1, 7, 80_000] {
            rng.multinomial(n, &shares, &mut out);
            assert_eq!(out.iter().sum::<u64>(), n);
        }
    }

    /// Both ways of drawing a multinomial (all categories at once when each
    /// expects at least 30, chained binomials otherwise) give its means,
    /// variances and covariance, and always add up to `n`.
    #[test]
    fn multinomial_draws_have_the_multinomial_moments() {
        let shares = [0.5, 0.3, 0.15, 0.05];
        for n in [200_u64, 10_000] {
            let mut rng = NodeRng::new(11, "multinomial");
            let draws = 40_000;
            let (mut sum, mut sq, mut cross) = ([0.0; 4], [0.0; 4], 0.0);
            let mut out = Vec::new();
            for _ in 0..draws {
                rng.multinomial(n, &shares, &mut out);
                assert_eq!(out.iter().sum::<u64>(), n);
                for i in 0..4 {
                    sum[i] += out[i] as f64;
                    sq[i] += (out[i] as f64).powi(2);
                }
                cross += out[0] as f64 * out[1] as f64;
            }
            let nf = n as f64;
            let mean = sum.map(|s| s / draws as f64);
            for (i, &p) in shares.iter().enumerate() {
                let var = sq[i] / draws as f64 - mean[i] * mean[i];
                let want_var = nf * p * (1.0 - p);
                let sd_of_mean = (want_var / draws as f64).sqrt();
                assert!(
                    (mean[i] - nf * p).abs() < 5.0 * sd_of_mean,
                    "n {n}: mean[{i}] {}",
                    mean[i]
                );
                assert!(
                    (var / want_var - 1.0).abs() < 0.05,
                    "n {n}: var[{i}] {var}, want {want_var}"
                );
            }
            let cov = cross / draws as f64 - mean[0] * mean[1];
            let want_cov = -nf * shares[0] * shares[1];
            assert!((cov / want_cov - 1.0).abs() < 0.05, "n {n}: cov {cov}, want {want_cov}");
        }
    }

    #[test]
    fn rounding_matches_libm() {
        for x in [0.0, -3.2, 0.49999999999999994, 0.5, 1.5, 2.5, 7.499_999, 1e15 + 0.5, 4e18] {
            assert_eq!(super::round_non_negative(x), libm::round(x.max(0.0)) as u64, "{x}");
        }
    }

    #[test]
    fn the_same_seed_and_id_draw_the_same_numbers() {
        let draws = |seed, id| {
            let mut rng = NodeRng::new(seed, id);
            (0..1_000).map(|_| rng.normal().to_bits()).collect::<Vec<_>>()
        };
        assert_eq!(draws(1, "a"), draws(1, "a"));
        assert_ne!(draws(1, "a"), draws(1, "b"));
        assert_ne!(draws(1, "a"), draws(2, "a"));
    }
}
