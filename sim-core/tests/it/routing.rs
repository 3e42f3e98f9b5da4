//! Partition keys reach shards exactly as on AWS (aws-facts 1.2).

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
        for (i, s) in sim.shards(1).unwrap().iter().enumerate() {
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
    assert!(sim.metrics(1).stats(stream::WRITE_THROTTLED).sum > 0.0);
}
