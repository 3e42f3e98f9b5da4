//! Partition keys reach shards exactly as on AWS (aws-facts 1.2).

use crate::fixtures::node;
use sim_core::metrics::stream;
use sim_core::routing::{HOT_KEY, even_ranges, hash_key, shard_for};
use sim_core::scenario::{KeyDistribution, ProducerSpec};

use crate::fixtures::{pipeline, run};

#[test]
fn hash_keys_are_big_endian_md5_digests() {
    // Reference digests computed independently with Python's hashlib.
    assert_eq!(hash_key("pk-0"), 0xeffc8e8920e4ee5505b7f963c5d72f6d);
    assert_eq!(hash_key("pk-1"), 0xce1395afc30b98e6746a8236d6420049);
    assert_eq!(hash_key(HOT_KEY), 0xd547c89c6e349c1a0d31550f74f06129);
    assert_eq!(hash_key(""), 0xd41d8cd98f00b204e9800998ecf8427e);
}

#[test]
fn even_ranges_cover_the_hash_space_exactly_once() {
    for n in [1, 2, 3, 7, 10, 1000, 10_000] {
        let ranges = even_ranges(n);
        assert_eq!(ranges.len(), n as usize);
        assert_eq!(ranges[0].start, 0);
        assert_eq!(ranges.last().unwrap().end, u128::MAX);
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].end + 1, pair[1].start, "gap or overlap with {n} shards");
        }
        let widths: Vec<u128> = ranges.iter().map(|r| r.end - r.start).collect();
        let (min, max) = (widths.iter().min().unwrap(), widths.iter().max().unwrap());
        assert!(max - min <= 1, "uneven split with {n} shards");
    }
}

#[test]
fn a_hot_key_throttles_exactly_the_shard_that_owns_its_hash_key() {
    let shards = 4;
    let owner = shard_for(&even_ranges(shards), hash_key(HOT_KEY));
    let p = ProducerSpec {
        records_per_s: 1_500.0,
        keys: KeyDistribution::HotKey { count: 1_000, hot_share: 0.8 },
        ..Default::default()
    };
    let mut sim = run(&pipeline(p, shards, None), 10);
    let mut throttled = vec![0u64; shards as usize];
    for t in 11..=40 {
        sim.run_until(t * 1_000);
        for (i, s) in sim.shards(node(1)).unwrap().iter().enumerate() {
            throttled[i] += s.last_second.throttled;
        }
    }
    for (i, &n) in throttled.iter().enumerate() {
        if i == owner {
            assert!(n > 0, "the hot key's shard {i} must throttle");
        } else {
            assert_eq!(n, 0, "shard {i} does not own the hot key and must not throttle");
        }
    }
    assert!(sim.metrics(node(1)).stats(stream::WRITE_THROTTLED).sum > 0.0);
}

/// MD5 from RFC 1321, written out here so routing is checked against an
/// implementation that shares nothing with the engine's.
fn reference_md5(message: &[u8]) -> u128 {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> =
        (0..64).map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32).collect();
    let mut data = message.to_vec();
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&((message.len() as u64).wrapping_mul(8)).to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) =
        (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    for chunk in data.chunks(64) {
        let m: Vec<u32> =
            chunk.chunks(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        (a0, b0, c0, d0) =
            (a0.wrapping_add(a), b0.wrapping_add(b), c0.wrapping_add(c), d0.wrapping_add(d));
    }
    let mut digest = [0u8; 16];
    for (i, word) in [a0, b0, c0, d0].iter().enumerate() {
        digest[4 * i..4 * i + 4].copy_from_slice(&word.to_le_bytes());
    }
    u128::from_be_bytes(digest)
}

proptest::proptest! {
    /// aws-facts 1.2: the shard is the one whose range holds the key's MD5,
    /// read as a 128-bit big-endian integer; checked against an independent
    /// MD5 and a linear scan of the ranges.
    #[test]
    fn routing_equals_an_independent_computation(key in ".{0,256}", shards in 1u32..500) {
        let expected = reference_md5(key.as_bytes());
        proptest::prop_assert_eq!(hash_key(&key), expected);
        let ranges = even_ranges(shards);
        let linear = ranges.iter().position(|r| r.start <= expected && expected <= r.end).unwrap();
        proptest::prop_assert_eq!(shard_for(&ranges, expected), linear);
    }
}
