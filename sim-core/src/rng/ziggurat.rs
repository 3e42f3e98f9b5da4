//! Tables for the ziggurat method of drawing normal deviates (Marsaglia and
//! Tsang 2000, in Doornik's 2005 ZIGNOR form, as `rand_distr` draws them).
//!
//! `rand_distr` itself is not used: its `exp` and `ln` come from
//! `num-traits`, which switches to the platform's maths library when any
//! crate in the build enables its `std` feature, and then native and wasm
//! runs could differ in the last bit. The tables here are built once with
//! `libm` from the method's two constants, so every platform builds the
//! same bits.

use std::sync::OnceLock;

/// Layers of the ziggurat; a draw spends 8 bits of a `u64` choosing one.
pub(super) const LAYERS: usize = 256;
/// Where the base layer's tail starts.
pub(super) const R: f64 = 3.654_152_885_361_009;
/// The area of each layer (and of the base strip with its tail).
const V: f64 = 0.004_928_673_233_99;

/// The layers' right edges `x[i]` (decreasing, `x[256] = 0`) and the
/// density at each, `f[i] = exp(-x[i]² / 2)`.
pub(super) struct Tables {
    pub x: [f64; LAYERS + 1],
    pub f: [f64; LAYERS + 1],
}

impl Tables {
    /// A candidate from 64 random bits: the layer `i` (8 bits), a uniform
    /// `u` in [-1, 1) (the 52 bits above) and the point `x = u x[i]`.
    #[inline]
    pub(super) fn point(&self, bits: u64) -> (usize, f64, f64) {
        let i = (bits & 0xff) as usize;
        let u = (bits >> 12) as f64 * (2.0 / (1u64 << 52) as f64) - 1.0;
        (i, u, u * self.x[i])
    }
}

/// The unnormalised standard normal density.
pub(super) fn density(x: f64) -> f64 {
    libm::exp(-0.5 * x * x)
}

pub(super) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; LAYERS + 1];
        x[0] = V / density(R);
        x[1] = R;
        for i in 2..LAYERS {
            // Each layer has area V: x[i-1] (f(x[i]) - f(x[i-1])) = V.
            let fx = V / x[i - 1] + density(x[i - 1]);
            x[i] = (-2.0 * libm::log(fx)).max(0.0).sqrt();
        }
        let f = x.map(density);
        Tables { x, f }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables match the published ones (`rand_distr`'s
    /// `ZIG_NORM_X`/`ZIG_NORM_F`, generated in arbitrary precision).
    #[test]
    fn tables_match_the_published_ones() {
        let t = tables();
        let published_x = [
            (0, 3.910_757_959_537_09),
            (2, 3.449_278_298_560_964_5),
            (3, 3.320_244_733_839_166),
            (128, 1.535_342_571_438_843_1),
            (255, 0.215_241_895_913_273_8),
        ];
        for (i, want) in published_x {
            assert!((t.x[i] - want).abs() < 1e-12, "x[{i}] = {} (want {want})", t.x[i]);
        }
        for (i, want) in [
            (0, 0.000_477_467_764_586_655),
            (1, 0.001_260_285_930_498_598),
            (200, 0.585_286_179_266_300_3),
        ] {
            assert!((t.f[i] - want).abs() < 1e-12, "f[{i}] = {} (want {want})", t.f[i]);
        }
        assert_eq!(t.x[LAYERS], 0.0);
        assert_eq!(t.f[LAYERS], 1.0);
        assert!(t.x.windows(2).all(|w| w[0] > w[1]), "edges decrease");
    }
}
