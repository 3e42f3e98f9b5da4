//! Memory held by the engine's collections, counted the same way by the
//! run's own accounting ([`crate::Simulation::memory_bytes`]) and by the
//! estimate made before a run ([`crate::budget`]): a `Vec`'s or
//! `VecDeque`'s buffer by its capacity, a B-tree by its entries at the
//! worst fill Rust's `BTreeMap` allows. The process's own memory is never
//! read (no clock, no platform call: the same figure natively and in wasm).

use std::mem::size_of;

/// Bytes of the buffer of a `Vec<T>` or `VecDeque<T>` with room for
/// `capacity` items.
pub fn buffer<T>(capacity: usize) -> u64 {
    (capacity as u64).saturating_mul(size_of::<T>() as u64)
}

/// Bytes of a `BTreeMap<K, V>` (a `BTreeSet<K>` is `V = ()`) of `len`
/// entries: leaves of up to 11 entries but at least 5 (the root aside),
/// and at most one internal node (12 edges more) per 5 leaves.
pub fn btree<K, V>(len: usize) -> u64 {
    if len == 0 {
        return 0;
    }
    let leaf = 16 + 11 * (size_of::<K>() + size_of::<V>());
    let leaves = len.div_ceil(5);
    (leaves * leaf + leaves.div_ceil(5) * (leaf + 12 * size_of::<usize>())) as u64
}

/// Bytes of a growable buffer holding `len` items at most, at the largest
/// capacity the standard library's doubling can give it on the way there.
pub fn grown_buffer<T>(len: u64) -> u64 {
    let capacity = if len <= 4 { 4 } else { len.next_power_of_two() };
    capacity.saturating_mul(size_of::<T>() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_btree_is_counted_above_its_entries_and_near_them() {
        // A leaf of (u32, u64) entries is 16 + 11 × 12 = 148 bytes.
        assert_eq!(btree::<u32, u64>(0), 0);
        assert_eq!(btree::<u32, u64>(1), 148 + 148 + 96);
        let n = 100_000;
        let bytes = btree::<u32, u64>(n) as f64 / n as f64;
        assert!((12.0..40.0).contains(&bytes), "{bytes} bytes an entry");
    }

    #[test]
    fn a_grown_buffer_is_a_power_of_two() {
        assert_eq!(grown_buffer::<u64>(0), 32);
        assert_eq!(grown_buffer::<u64>(5), 64);
        assert_eq!(grown_buffer::<u64>(1_024), 8_192);
        let mut v: Vec<u64> = Vec::new();
        for i in 0..1_000 {
            v.push(i);
            assert!(buffer::<u64>(v.capacity()) <= grown_buffer::<u64>(v.len() as u64));
        }
    }
}
