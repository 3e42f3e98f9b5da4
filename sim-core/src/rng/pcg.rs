//! PCG-64 (`Lcg128Xsl64`, O'Neill's XSL-RR output over a 128-bit LCG), the
//! same numbers as `rand_pcg::Pcg64` (the test below holds it to them).
//!
//! Its own copy for one reason: the 128-bit multiply of every step. Natively
//! that is three `mul`s, but wasm has no 64x64->128 multiply, so LLVM calls
//! `__multi3` (compiler-builtins, result through the stack) for each draw;
//! in the browser that call was a sixth of `large`'s time. Here the step
//! multiplies by the constant in 64-bit halves, the high half of the low
//! product by `crate::wide` (32-bit pieces on wasm), all inline. Arithmetic modulo 2^128
//! either way: the same bits on every target.

/// The LCG's multiplier, as rand_pcg's (PCG's default 128-bit multiplier).
const MULTIPLIER: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;
const MUL_LO: u64 = MULTIPLIER as u64;
const MUL_HI: u64 = (MULTIPLIER >> 64) as u64;

#[derive(Clone, Debug)]
pub struct Pcg64 {
    lo: u64,
    hi: u64,
    inc_lo: u64,
    inc_hi: u64,
}

use crate::wide::mul_hi;

impl Pcg64 {
    /// As `rand_pcg::Pcg64::new(state, stream)`.
    pub fn new(state: u128, stream: u128) -> Self {
        let increment = (stream << 1) | 1;
        let state = state.wrapping_add(increment);
        let mut pcg = Pcg64 {
            lo: state as u64,
            hi: (state >> 64) as u64,
            inc_lo: increment as u64,
            inc_hi: (increment >> 64) as u64,
        };
        pcg.step();
        pcg
    }

    /// `state = state * MULTIPLIER + increment`, modulo 2^128.
    #[inline(always)]
    fn step(&mut self) {
        let lo = self.lo.wrapping_mul(MUL_LO);
        let hi = mul_hi(self.lo, MUL_LO)
            .wrapping_add(self.lo.wrapping_mul(MUL_HI))
            .wrapping_add(self.hi.wrapping_mul(MUL_LO));
        let (lo, carry) = lo.overflowing_add(self.inc_lo);
        self.lo = lo;
        self.hi = hi.wrapping_add(self.inc_hi).wrapping_add(u64::from(carry));
    }

    /// The next output: step, then XSL-RR of the new state.
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        (self.hi ^ self.lo).rotate_right((self.hi >> 58) as u32)
    }
}

#[cfg(test)]
mod tests {
    use rand_core::Rng;

    #[test]
    fn draws_the_same_numbers_as_rand_pcg() {
        let starts = [
            (0u128, 0u128),
            (1, 1),
            (u128::MAX, u128::MAX),
            (0x0123_4567_89AB_CDEF_FEDC_BA98_7654_3210, 0xDEAD_BEEF_0000_0001_8000_0000_0000_0003),
        ];
        for (state, stream) in starts {
            let mut ours = super::Pcg64::new(state, stream);
            let mut theirs = rand_pcg::Pcg64::new(state, stream);
            for _ in 0..10_000 {
                assert_eq!(ours.next_u64(), theirs.next_u64());
            }
        }
    }
}
