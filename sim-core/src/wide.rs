//! 64-bit products wasm can take without a library call.
//!
//! Natively a 64x64->128 multiply, and the overflow check of `checked_mul`
//! or `saturating_mul` on `u64`, is one `mul` instruction. wasm has no wide
//! multiply, so LLVM turns each of them into a call to `__multi3`
//! (compiler-builtins, the 128-bit result through the stack): on `large` in
//! V8 those calls were a sixth of the engine's time. These functions give
//! the same numbers on every target: natively the plain operations, on wasm
//! 32-bit pieces, inline.

/// `a × b`, all 128 bits.
#[inline(always)]
pub fn mul(a: u64, b: u64) -> u128 {
    #[cfg(target_arch = "wasm32")]
    return (u128::from(mul_hi_in_pieces(a, b)) << 64) | u128::from(a.wrapping_mul(b));
    #[cfg(not(target_arch = "wasm32"))]
    return u128::from(a) * u128::from(b);
}

/// The high 64 bits of `a × b`.
#[inline(always)]
pub fn mul_hi(a: u64, b: u64) -> u64 {
    #[cfg(target_arch = "wasm32")]
    return mul_hi_in_pieces(a, b);
    #[cfg(not(target_arch = "wasm32"))]
    return ((u128::from(a) * u128::from(b)) >> 64) as u64;
}

/// `a.checked_mul(b)`.
#[inline(always)]
pub fn checked_mul(a: u64, b: u64) -> Option<u64> {
    #[cfg(target_arch = "wasm32")]
    {
        // Below 2^64 for certain when the factors' bits add up to 64 at most
        // (nearly every product the engine takes); else the full product.
        if a.leading_zeros() + b.leading_zeros() >= 64 || mul_hi_in_pieces(a, b) == 0 {
            Some(a.wrapping_mul(b))
        } else {
            None
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    a.checked_mul(b)
}

/// `a.saturating_mul(b)`.
#[inline(always)]
pub fn saturating_mul(a: u64, b: u64) -> u64 {
    checked_mul(a, b).unwrap_or(u64::MAX)
}

/// `a × b / d` rounded down, as `(a as u128 * b as u128 / d as u128) as
/// u64`: one 64-bit division when the product fits in 64 bits (nearly
/// always), where a 128-bit one is a library call on every target
/// (`__udivti3`).
#[inline(always)]
pub fn mul_div(a: u64, b: u64, d: u64) -> u64 {
    mul_div_rem(a, b, d).0
}

/// [`mul_div`], and whether the division left a remainder (inlined, the
/// remainder costs nothing where it is not asked for).
#[inline(always)]
pub fn mul_div_rem(a: u64, b: u64, d: u64) -> (u64, bool) {
    match checked_mul(a, b) {
        Some(p) => (p / d, p % d != 0),
        None => {
            let (p, d) = (mul(a, b), u128::from(d));
            ((p / d) as u64, p % d != 0)
        }
    }
}

/// `a.saturating_mul(b)` for `i64` (the token buckets' refills).
#[inline(always)]
pub fn saturating_mul_i64(a: i64, b: i64) -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        // Below 2^63 in magnitude for certain when the magnitudes' bits add
        // up to 63 at most (every refill); else the library's way.
        if a.unsigned_abs().leading_zeros() + b.unsigned_abs().leading_zeros() >= 65 {
            a.wrapping_mul(b)
        } else {
            a.saturating_mul(b)
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    a.saturating_mul(b)
}

/// [`mul_hi`] from four 32x32->64 products. Written with the carries of
/// the wrapped sums, not the textbook column sums: LLVM recognises the
/// textbook form as a 128-bit multiply and calls `__multi3` for it again.
#[cfg(any(target_arch = "wasm32", test))]
#[inline(always)]
fn mul_hi_in_pieces(a: u64, b: u64) -> u64 {
    let (a0, a1) = (a & 0xFFFF_FFFF, a >> 32);
    let (b0, b1) = (b & 0xFFFF_FFFF, b >> 32);
    let p00 = a0 * b0;
    let p11 = a1 * b1;
    let p01 = a0 * b1;
    let cross = p01.wrapping_add(a1 * b0);
    let cross_carry = u64::from(cross < p01) << 32;
    let lo = p00.wrapping_add(cross << 32);
    p11 + (cross >> 32) + cross_carry + u64::from(lo < p00)
}

#[cfg(test)]
mod tests {
    /// The wasm path, checked natively against the 128-bit product.
    #[test]
    fn pieces_give_the_full_product() {
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        let edges = [0, 1, 2, 0xFFFF_FFFF, 1 << 32, (1 << 32) + 1, u64::MAX / 2, u64::MAX];
        for i in 0..20_000 {
            x = x.rotate_left(7).wrapping_mul(0x2545_F491_4F6C_DD1D) ^ i;
            let y = x >> (i % 64);
            for (a, b) in [(x, y), (y, y), (x, edges[i as usize % edges.len()])] {
                for (a, b) in [(a, b), (b, a)] {
                    let want = u128::from(a) * u128::from(b);
                    assert_eq!(super::mul_hi_in_pieces(a, b), (want >> 64) as u64, "{a} * {b}");
                    let fits = a.leading_zeros() + b.leading_zeros() >= 64
                        || super::mul_hi_in_pieces(a, b) == 0;
                    assert_eq!(fits, a.checked_mul(b).is_some(), "{a} * {b}");
                    let d = (b >> 7) | 1;
                    assert_eq!(
                        super::mul_div(a, b, d),
                        (want / u128::from(d)) as u64,
                        "{a} * {b} / {d}"
                    );
                    let (a, b) = (a as i64, b as i64);
                    let sure =
                        a.unsigned_abs().leading_zeros() + b.unsigned_abs().leading_zeros() >= 65;
                    assert!(!sure || a.checked_mul(b).is_some(), "{a} * {b}");
                }
            }
        }
    }
}
