//! Partition keys to hash keys to shards (aws-facts 1.2).
//!
//! A partition key's MD5 digest, read as a big-endian 128-bit integer, is
//! its hash key; the record goes to the open shard whose hash-key range
//! contains it. A key distribution therefore becomes a share vector over
//! shards. Keys are hashed once per run ([`KeyRing`]); a reshard sums only
//! the keys of the new shards.

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
    KeyRing::new(keys).shares(ranges)
}

/// A key distribution placed on the hash-key ring once: every key hashed
/// (MD5, the costly part of routing) and sorted by hash key, so the keys a
/// shard owns are one slice found by binary search. Resharding re-routes by
/// summing the slices of the new shards only, without hashing anything.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyRing {
    /// Hash keys of the keys that carry records, ascending.
    hashes: Vec<u128>,
    /// What each key carries.
    weights: Weights,
    /// The hot key of [`KeyDistribution::HotKey`] and its share, added to
    /// its shard's share after the other keys.
    hot: Option<(u128, f64)>,
}

/// The share of records each key of a [`KeyRing`] carries.
#[derive(Clone, Debug, PartialEq)]
enum Weights {
    /// Every key the same.
    Even(f64),
    /// By key number (`pk-{n}`, or the place in an explicit list), with the
    /// key number of each entry of the sorted hashes.
    ByKey { share: Vec<f64>, key_of: Vec<u32> },
}

/// How many distinct hash keys carry records into a hash range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeysIn {
    /// None.
    None,
    /// One: every record in the range has this hash key.
    One(u128),
    /// At least two.
    Many,
}

impl KeysIn {
    /// The keys of two sets together.
    pub fn and(self, other: KeysIn) -> KeysIn {
        match (self, other) {
            (KeysIn::None, k) | (k, KeysIn::None) => k,
            (KeysIn::One(a), KeysIn::One(b)) if a == b => KeysIn::One(a),
            _ => KeysIn::Many,
        }
    }
}

impl KeyRing {
    /// Hashes and sorts the keys of a distribution.
    pub fn new(keys: &KeyDistribution) -> Self {
        // Each key's share is computed exactly as routing one key after
        // another computed it: `mass × weight / total`, the total summed in
        // key order.
        let total =
            |count: u32, weight: &dyn Fn(u32) -> f64| -> f64 { (0..count).map(weight).sum() };
        let synthetic = |count: u32| (0..count).map(|i| hash_key(&key_name(i))).collect();
        match keys {
            KeyDistribution::Uniform { count } => Self::even(synthetic(*count), 1.0, None),
            KeyDistribution::HotKey { count, hot_share } => {
                let hot = (*hot_share > 0.0).then(|| (hash_key(HOT_KEY), *hot_share));
                Self::even(synthetic(*count), 1.0 - hot_share, hot)
            }
            // Rank k (1-based) has weight 1 / k^s (libm, so wasm agrees).
            KeyDistribution::Zipf { count, s } => {
                let weight = |i: u32| 1.0 / libm::pow(f64::from(i) + 1.0, *s);
                let total = total(*count, &weight);
                let share = if total > 0.0 {
                    (0..*count).map(|i| 1.0 * weight(i) / total).collect()
                } else {
                    Vec::new()
                };
                Self::by_key(synthetic(*count), share)
            }
            KeyDistribution::ExplicitHashKey { hash_keys } => {
                let total: f64 = hash_keys.iter().map(|k| k.weight.max(0.0)).sum();
                let hashes =
                    hash_keys.iter().map(|k| parse_hash_key(&k.hash_key).unwrap_or(0)).collect();
                let share = if total > 0.0 {
                    hash_keys.iter().map(|k| k.weight.max(0.0) / total).collect()
                } else {
                    Vec::new()
                };
                Self::by_key(hashes, share)
            }
        }
    }

    /// `hashes.len()` keys sharing `mass` evenly (the total of their unit
    /// weights is their count, summed as routing did).
    fn even(mut hashes: Vec<u128>, mass: f64, hot: Option<(u128, f64)>) -> Self {
        let total: f64 = hashes.iter().map(|_| 1.0).sum();
        if total <= 0.0 || mass <= 0.0 {
            hashes.clear();
        }
        hashes.sort_unstable();
        KeyRing { hashes, weights: Weights::Even(mass * 1.0 / total), hot }
    }

    /// Keys with their own shares (none when `share` is empty: the
    /// distribution carries nothing).
    fn by_key(hashes: Vec<u128>, share: Vec<f64>) -> Self {
        // A key that carries nothing adds +0.0 to its shard: leaving it out
        // changes no share.
        let mut key_of: Vec<u32> =
            (0..share.len() as u32).filter(|&k| share[k as usize] != 0.0).collect();
        key_of.sort_unstable_by_key(|&k| hashes[k as usize]);
        let sorted = key_of.iter().map(|&k| hashes[k as usize]).collect();
        KeyRing { hashes: sorted, weights: Weights::ByKey { share, key_of }, hot: None }
    }

    /// The entries of `hashes` inside `range`.
    fn slice(&self, range: HashRange) -> std::ops::Range<usize> {
        let lo = self.hashes.partition_point(|&h| h < range.start);
        let hi = self.hashes.partition_point(|&h| h <= range.end);
        lo..hi.max(lo)
    }

    /// The share of records whose hash key falls in `range`.
    pub fn share(&self, range: HashRange) -> f64 {
        let mut share = 0.0;
        self.visit(range, |_, s| share += s);
        share
    }

    /// Calls `visit(hash_key, share)` for every key whose hash key falls in
    /// `range`, in key order (the hot key last): the same additions in the
    /// same order as routing every key, so a sum never depends on which
    /// other shards were summed before it.
    fn visit(&self, range: HashRange, mut visit: impl FnMut(u128, f64)) {
        let keys = self.slice(range);
        match &self.weights {
            // Equal addends: their order cannot change a sum.
            Weights::Even(w) => self.hashes[keys].iter().for_each(|&h| visit(h, *w)),
            Weights::ByKey { share, key_of } => {
                let mut order: Vec<(u32, u128)> =
                    keys.map(|i| (key_of[i], self.hashes[i])).collect();
                order.sort_unstable();
                order.iter().for_each(|&(k, h)| visit(h, share[k as usize]));
            }
        }
        if let Some((key, hot)) = self.hot
            && range.contains(key)
        {
            visit(key, hot);
        }
    }

    /// Adds to `weights[shard][lane]`, for the open shards of `ranges`,
    /// `rate` times the share of records of the keys each shard owns whose
    /// hash key modulo the lane count is `lane`: how a Lambda event
    /// source's concurrent batches divide a shard's keys (AWS does not
    /// document the mapping; MODEL.md). An explicit hash key stands for one
    /// partition key.
    pub fn add_lane_weights(&self, ranges: &[HashRange], rate: f64, weights: &mut [Vec<f64>]) {
        for (&range, lanes) in ranges.iter().zip(weights) {
            let n = lanes.len() as u128;
            if n > 0 {
                self.visit(range, |key, share| lanes[(key % n) as usize] += rate * share);
            }
        }
    }

    /// The shares of the given ranges.
    pub fn shares(&self, ranges: &[HashRange]) -> Vec<f64> {
        ranges.iter().map(|&r| self.share(r)).collect()
    }

    /// The shares of `after`, the open ranges after a reshard, given
    /// `shares` of `before`: a range that was already open keeps its share
    /// (the same number routing every key again gives), so only the new
    /// shards' keys are summed.
    pub fn reshare(&self, before: &[HashRange], shares: &[f64], after: &[HashRange]) -> Vec<f64> {
        after
            .iter()
            .map(|&r| match before.binary_search_by_key(&r.start, |b| b.start) {
                Ok(i) if before[i] == r && i < shares.len() => shares[i],
                _ => self.share(r),
            })
            .collect()
    }

    /// How many distinct hash keys carry records into `range`.
    pub fn keys_in(&self, range: HashRange) -> KeysIn {
        let keys = self.slice(range);
        let spread =
            match (self.hashes.get(keys.start), keys.end.checked_sub(1)) {
                (Some(&first), Some(last)) if keys.end > keys.start => {
                    if self.hashes[last] == first { KeysIn::One(first) } else { KeysIn::Many }
                }
                _ => KeysIn::None,
            };
        match self.hot {
            Some((key, _)) if range.contains(key) => spread.and(KeysIn::One(key)),
            _ => spread,
        }
    }
}

/// The key rings of a run, one per distinct key distribution: producers
/// that use the same keys share one.
#[derive(Clone, Debug, Default)]
pub struct KeyRings(Vec<(KeyDistribution, KeyRing)>);

impl KeyRings {
    /// The ring of `keys`, hashed on first use.
    pub fn get(&mut self, keys: &KeyDistribution) -> &KeyRing {
        let i = match self.0.iter().position(|(k, _)| k == keys) {
            Some(i) => i,
            None => {
                self.0.push((keys.clone(), KeyRing::new(keys)));
                self.0.len() - 1
            }
        };
        &self.0[i].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::WeightedHashKey;
    use proptest::prelude::*;

    /// Routing as it was before key rings: every key hashed and added to its
    /// shard, one after another. Key rings must give the same numbers, bit
    /// for bit (golden digests depend on them).
    fn reference_shares(keys: &KeyDistribution, ranges: &[HashRange]) -> Vec<f64> {
        let mut shares = vec![0.0; ranges.len()];
        let mut spread = |count: u32, mass: f64, weight: &dyn Fn(u32) -> f64| {
            let total: f64 = (0..count).map(weight).sum();
            if total <= 0.0 || mass <= 0.0 {
                return;
            }
            for i in 0..count {
                shares[shard_for(ranges, hash_key(&key_name(i)))] += mass * weight(i) / total;
            }
        };
        match keys {
            KeyDistribution::Uniform { count } => spread(*count, 1.0, &|_| 1.0),
            KeyDistribution::HotKey { count, hot_share } => {
                spread(*count, 1.0 - hot_share, &|_| 1.0);
                if *hot_share > 0.0 {
                    shares[shard_for(ranges, hash_key(HOT_KEY))] += hot_share;
                }
            }
            KeyDistribution::Zipf { count, s } => {
                spread(*count, 1.0, &|i| 1.0 / libm::pow(f64::from(i) + 1.0, *s))
            }
            KeyDistribution::ExplicitHashKey { hash_keys } => {
                let total: f64 = hash_keys.iter().map(|k| k.weight.max(0.0)).sum();
                if total > 0.0 {
                    for k in hash_keys {
                        let key = parse_hash_key(&k.hash_key).unwrap_or(0);
                        shares[shard_for(ranges, key)] += k.weight.max(0.0) / total;
                    }
                }
            }
        }
        shares
    }

    fn distribution() -> impl Strategy<Value = KeyDistribution> {
        let explicit =
            proptest::collection::vec((any::<u128>(), 0.0..5.0f64), 1..40).prop_map(|keys| {
                KeyDistribution::ExplicitHashKey {
                    hash_keys: keys
                        .into_iter()
                        // Half of them among a few small hash keys, so several
                        // entries share one.
                        .map(|(k, weight)| {
                            let k = if k % 2 == 0 { k % 7 } else { k };
                            WeightedHashKey { hash_key: k.to_string(), weight }
                        })
                        .chain([WeightedHashKey {
                            hash_key: "12345678901234567890".into(),
                            weight: 1.0,
                        }])
                        .collect(),
                }
            });
        prop_oneof![
            (1u32..3_000).prop_map(|count| KeyDistribution::Uniform { count }),
            (1u32..500, 0.0..=1.0f64)
                .prop_map(|(count, hot_share)| KeyDistribution::HotKey { count, hot_share }),
            (1u32..2_000, 0.0..3.0f64).prop_map(|(count, s)| KeyDistribution::Zipf { count, s }),
            explicit,
        ]
    }

    proptest! {
        /// aws-facts 1.2: each key goes to the shard whose range holds its
        /// hash key. Shares from the sorted ring, and re-routed after splits
        /// from the new shards' keys only, equal routing every key again.
        #[test]
        fn key_rings_route_exactly_as_hashing_every_key(
            keys in distribution(),
            shards in 1u32..20,
            splits in proptest::collection::vec(any::<prop::sample::Index>(), 1..6),
        ) {
            let ring = KeyRing::new(&keys);
            let mut ranges = even_ranges(shards);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let mut shares = ring.shares(&ranges);
            prop_assert_eq!(bits(&shares), bits(&reference_shares(&keys, &ranges)));
            for at in splits {
                let before = ranges.clone();
                let i = at.index(ranges.len());
                let r = ranges[i];
                let mid = r.start + (r.end - r.start) / 2;
                ranges.splice(i..=i, [
                    HashRange { start: r.start, end: mid },
                    HashRange { start: mid + 1, end: r.end },
                ]);
                shares = ring.reshare(&before, &shares, &ranges);
                prop_assert_eq!(bits(&shares), bits(&reference_shares(&keys, &ranges)));
            }
        }
    }

    #[test]
    fn a_ring_counts_the_distinct_keys_of_a_range() {
        let everything = HashRange { start: 0, end: u128::MAX };
        let one = KeyRing::new(&KeyDistribution::Uniform { count: 1 });
        assert_eq!(one.keys_in(everything), KeysIn::One(hash_key(&key_name(0))));
        let many = KeyRing::new(&KeyDistribution::Uniform { count: 2 });
        assert_eq!(many.keys_in(everything), KeysIn::Many);
        let hot = KeyRing::new(&KeyDistribution::HotKey { count: 10, hot_share: 1.0 });
        assert_eq!(hot.keys_in(everything), KeysIn::One(hash_key(HOT_KEY)));
        let h = hash_key(HOT_KEY);
        assert_eq!(hot.keys_in(HashRange { start: h + 1, end: u128::MAX }), KeysIn::None);
        assert_eq!(KeysIn::One(3).and(KeysIn::One(3)), KeysIn::One(3));
        assert_eq!(KeysIn::One(3).and(KeysIn::One(4)), KeysIn::Many);
        assert_eq!(KeysIn::None.and(KeysIn::One(4)), KeysIn::One(4));
    }

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
