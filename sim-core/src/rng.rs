//! Seeded random streams and the few distributions the engine needs.
//!
//! Every node draws from its own ChaCha8 stream derived from the run seed
//! and the node's id, so adding a node never perturbs the others. Only
//! IEEE-exact operations and `libm` are used, so native and wasm runs draw
//! bit-identical numbers.

use md5::{Digest, Md5};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

/// A node's private random stream.
#[derive(Clone, Debug)]
pub struct NodeRng {
    rng: ChaCha8Rng,
    /// The second deviate of the last Box-Muller pair, not yet used.
    spare_normal: Option<f64>,
}

impl NodeRng {
    /// The stream for node `id` in a run seeded with `seed`.
    pub fn new(seed: u64, id: &str) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let digest = Md5::digest(id.as_bytes());
        let mut stream = [0u8; 8];
        stream.copy_from_slice(&digest[..8]);
        rng.set_stream(u64::from_le_bytes(stream));
        NodeRng { rng, spare_normal: None }
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub fn unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Standard normal deviate (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let u1 = 1.0 - self.unit(); // (0, 1]: log is finite
        let u2 = self.unit();
        let r = libm::sqrt(-2.0 * libm::log(u1));
        let (sin, cos) = libm::sincos(2.0 * core::f64::consts::PI * u2);
        self.spare_normal = Some(r * sin);
        r * cos
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
        if lambda < 30.0 {
            let limit = libm::exp(-lambda);
            let mut k = 0;
            let mut p = self.unit();
            while p > limit {
                k += 1;
                p *= self.unit();
            }
            return k;
        }
        let x = lambda + libm::sqrt(lambda) * self.normal();
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
        let k = if mean < 30.0 {
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
            let sd = libm::sqrt(mean * (1.0 - q));
            libm::round(mean + sd * self.normal()).clamp(0.0, n as f64) as u64
        };
        if flip { n - k } else { k }
    }

    /// Splits `n` items over categories with the given shares (summing to 1)
    /// by conditional binomial draws; `out` receives one count per share.
    pub fn multinomial(&mut self, n: u64, shares: &[f64], out: &mut Vec<u64>) {
        out.clear();
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
}
