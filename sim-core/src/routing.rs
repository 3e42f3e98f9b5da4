//! Partition keys to hash keys to shards (aws-facts 1.2).
//!
//! A partition key's MD5 digest, read as a big-endian 128-bit integer, is
//! its hash key; the record goes to the open shard whose hash-key range
//! contains it. A key distribution therefore becomes a share vector over
//! shards, computed once per topology.

use md5::{Digest, Md5};

use crate::scenario::KeyDistribution;

/// The 128-bit hash key of a partition key: MD5, big-endian.
pub fn hash_key(partition_key: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(partition_key.as_bytes()).into())
}

/// Inclusive hash-key range owned by one shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashRange {
    /// First hash key of the range.
    pub start: u128,
    /// Last hash key of the range (inclusive).
    pub end: u128,
}

impl HashRange {
    /// Whether `key` falls in this range.
    pub fn contains(&self, key: u128) -> bool {
        self.start <= key && key <= self.end
    }
}

/// `n` ranges splitting the whole 0..=2^128-1 space evenly, as CreateStream
/// does.
pub fn even_ranges(n: u32) -> Vec<HashRange> {
    let n = u128::from(n.max(1));
    // 2^128 = n*q + r + 1, so floor(i * 2^128 / n) = i*q + floor(i*(r+1) / n).
    let (q, r) = (u128::MAX / n, u128::MAX % n);
    let start = |i: u128| i * q + i * (r + 1) / n;
    (0..n)
        .map(|i| HashRange {
            start: start(i),
            end: if i + 1 == n { u128::MAX } else { start(i + 1) - 1 },
        })
        .collect()
}

/// The index of the range containing `key`; ranges must be sorted and cover
/// the whole space.
pub fn shard_for(ranges: &[HashRange], key: u128) -> usize {
    ranges.partition_point(|r| r.end < key).min(ranges.len().saturating_sub(1))
}

/// The synthetic partition key number `i` of a producer.
pub fn key_name(i: u32) -> String {
    format!("pk-{i}")
}

/// The hot key of a [`KeyDistribution::HotKey`].
pub const HOT_KEY: &str = "pk-hot";

/// Parses an explicit hash key: a decimal integer 0 to 2^128 - 1
/// (aws-facts 1.2). Digits only, no sign.
pub fn parse_hash_key(text: &str) -> Option<u128> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The share of records each shard receives under a key distribution.
///
/// Each synthetic key (or explicit hash key) is placed by its hash key, so
/// the unevenness of a small key set is exact.
pub fn shard_shares(keys: &KeyDistribution, ranges: &[HashRange]) -> Vec<f64> {
    let mut shares = vec![0.0; ranges.len()];
    if ranges.is_empty() {
        return shares;
    }
    for_each_key(keys, |key, share| shares[shard_for(ranges, key)] += share);
    shares
}

/// Adds to `weights[shard][lane]`, for the open shards of `ranges`, `rate`
/// times the share of records of the keys each shard owns whose hash key
/// modulo the lane count is `lane`: how a Lambda event source's
/// concurrent batches divide a shard's keys (AWS does not document the
/// mapping; MODEL.md). An explicit hash key stands for one partition key.
pub fn add_lane_weights(
    keys: &KeyDistribution,
    ranges: &[HashRange],
    rate: f64,
    weights: &mut [Vec<f64>],
) {
    if ranges.is_empty() {
        return;
    }
    for_each_key(keys, |key, share| {
        let lanes = &mut weights[shard_for(ranges, key)];
        let n = lanes.len() as u128;
        if n > 0 {
            lanes[(key % n) as usize] += rate * share;
        }
    });
}

/// Calls `visit(hash_key, share)` for every key of a distribution, with the
/// share of its records the key gets.
fn for_each_key(keys: &KeyDistribution, mut visit: impl FnMut(u128, f64)) {
    match keys {
        KeyDistribution::Uniform { count } => spread_keys(*count, 1.0, |_| 1.0, &mut visit),
        KeyDistribution::HotKey { count, hot_share } => {
            spread_keys(*count, 1.0 - hot_share, |_| 1.0, &mut visit);
            if *hot_share > 0.0 {
                visit(hash_key(HOT_KEY), *hot_share);
            }
        }
        // Rank k (1-based) has weight 1 / k^s (libm, so wasm agrees).
        KeyDistribution::Zipf { count, s } => {
            spread_keys(*count, 1.0, |i| 1.0 / libm::pow(f64::from(i) + 1.0, *s), &mut visit)
        }
        KeyDistribution::ExplicitHashKey { hash_keys } => {
            let total: f64 = hash_keys.iter().map(|k| k.weight.max(0.0)).sum();
            if total > 0.0 {
                for k in hash_keys {
                    visit(parse_hash_key(&k.hash_key).unwrap_or(0), k.weight.max(0.0) / total);
                }
            }
        }
    }
}

/// Visits keys `pk-0 .. pk-{count-1}`, sharing `mass` by their relative
/// weights.
fn spread_keys(
    count: u32,
    mass: f64,
    weight: impl Fn(u32) -> f64,
    visit: &mut impl FnMut(u128, f64),
) {
    let total: f64 = (0..count).map(&weight).sum();
    if total <= 0.0 || mass <= 0.0 {
        return;
    }
    for i in 0..count {
        visit(hash_key(&key_name(i)), mass * weight(i) / total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::WeightedHashKey;

    #[test]
    fn zipf_with_s_0_is_uniform() {
        let ranges = even_ranges(7);
        let zipf = shard_shares(&KeyDistribution::Zipf { count: 500, s: 0.0 }, &ranges);
        let uniform = shard_shares(&KeyDistribution::Uniform { count: 500 }, &ranges);
        assert_eq!(zipf, uniform);
    }

    #[test]
    fn larger_zipf_exponents_load_the_shard_of_rank_1() {
        // aws-facts 1.2: each key goes to the shard whose range holds its MD5.
        let ranges = even_ranges(8);
        let top = shard_for(&ranges, hash_key(&key_name(0)));
        let mut last = 0.0;
        for s in [0.0, 0.5, 1.0, 1.5, 2.5] {
            let shares = shard_shares(&KeyDistribution::Zipf { count: 1_000, s }, &ranges);
            assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            assert!(shares[top] > last, "s = {s}: {} after {last}", shares[top]);
            last = shares[top];
        }
        // At s = 2.5 rank 1 alone carries 1/ζ(2.5) ≈ 75% of the records.
        assert!(last > 0.74, "{last}");
    }

    #[test]
    fn explicit_hash_keys_override_md5_routing() {
        // aws-facts 1.2: ExplicitHashKey overrides the MD5 of the partition
        // key. Keys at the start of shard 1 and 3 of 4, weighted 1:3.
        let ranges = even_ranges(4);
        let keys = KeyDistribution::ExplicitHashKey {
            hash_keys: vec![
                WeightedHashKey { hash_key: ranges[1].start.to_string(), weight: 1.0 },
                WeightedHashKey { hash_key: ranges[3].end.to_string(), weight: 3.0 },
            ],
        };
        assert_eq!(shard_shares(&keys, &ranges), vec![0.0, 0.25, 0.0, 0.75]);
    }

    #[test]
    fn hash_keys_are_decimal_128_bit_integers() {
        // aws-facts 1.2: hash keys span 0 .. 2^128 - 1.
        assert_eq!(parse_hash_key("0"), Some(0));
        assert_eq!(parse_hash_key(&u128::MAX.to_string()), Some(u128::MAX));
        assert_eq!(parse_hash_key("340282366920938463463374607431768211456"), None);
        for bad in ["", "-1", "+1", "0x10", "1e5", " 1"] {
            assert_eq!(parse_hash_key(bad), None, "{bad:?}");
        }
    }
}
