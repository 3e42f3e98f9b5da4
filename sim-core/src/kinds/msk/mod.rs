//! An Amazon MSK provisioned cluster (aws-facts-more 1): brokers hosting
//! one topic's partitions and their replicas, producers' records routed by
//! Kafka's key hash, brokers that saturate (producers wait, then lose what
//! `delivery.timeout.ms` expires), a retained log per partition and one
//! consumer group reading it. A fluid model stepped once a second: records
//! travel as per-second cohorts.

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub(crate) mod faults;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub mod serverless;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;

use std::collections::VecDeque;

use crate::memory::buffer;
use crate::routing::key_name;
use crate::scenario::{KeyDistribution, MskSpec};
use crate::time::{HOUR, MINUTE, SimTime};

/// Kafka's `Utils.murmur2` (aws-facts-more 1.5: the default partitioner
/// hashes the serialized key with it), bit for bit: 32-bit wrapping
/// arithmetic, little-endian words, seed `0x9747b28c`.
pub fn murmur2(data: &[u8]) -> i32 {
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let mut h: u32 = 0x9747_b28c ^ data.len() as u32;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let rest = chunks.remainder();
    if rest.len() >= 3 {
        h ^= u32::from(rest[2]) << 16;
    }
    if rest.len() >= 2 {
        h ^= u32::from(rest[1]) << 8;
    }
    if !rest.is_empty() {
        h ^= u32::from(rest[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// aws-facts-more 1.5: `Utils.toPositive(Utils.murmur2(serializedKey)) %
/// numPartitions` (a string key serializes to its UTF-8 bytes).
pub fn partition_for_key(key: &str, partitions: u32) -> u32 {
    ((murmur2(key.as_bytes()) & 0x7fff_ffff) as u32) % partitions.max(1)
}

/// The share of a producer's records each partition gets: its keys
/// (`pk-0`, `pk-1`, ..., and the hot key) through [`partition_for_key`].
/// Explicit hash keys are Kinesis's; validation refuses them here.
pub fn partition_shares(keys: &KeyDistribution, partitions: u32) -> Vec<f64> {
    let mut shares = vec![0.0; partitions.max(1) as usize];
    let mut add =
        |key: &str, share: f64| shares[partition_for_key(key, partitions) as usize] += share;
    match keys {
        KeyDistribution::Uniform { count } => {
            for i in 0..*count {
                add(&key_name(i), 1.0 / f64::from(*count));
            }
        }
        KeyDistribution::HotKey { count, hot_share } => {
            add(crate::routing::HOT_KEY, *hot_share);
            for i in 0..*count {
                add(&key_name(i), (1.0 - hot_share) / f64::from(*count));
            }
        }
        KeyDistribution::Zipf { count, s } => {
            let weight = |i: u32| 1.0 / libm::pow(f64::from(i) + 1.0, *s);
            let total: f64 = (0..*count).map(weight).sum();
            for i in 0..*count {
                add(&key_name(i), weight(i) / total);
            }
        }
        KeyDistribution::ExplicitHashKey { .. } => {}
    }
    shares
}

/// Splits `n` over weights by largest remainder: exact, deterministic, the
/// earlier index first on ties.
pub fn apportion(n: u64, weights: &[f64]) -> Vec<u64> {
    let total: f64 = weights.iter().sum();
    if n == 0 || total <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| n as f64 * w / total).collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| *e as u64).collect();
    let mut left = n.saturating_sub(parts.iter().sum());
    let mut order: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] > 0.0).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - parts[a] as f64, exact[b] - parts[b] as f64);
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(order.len() * 2) {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// Records that arrived together: produced in the same second, or appended
/// to the same log segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cohort {
    /// When the first arrived.
    pub at: SimTime,
    /// When the last arrived.
    pub last: SimTime,
    /// Offset of the first (in a log).
    pub first: u64,
    /// Records.
    pub records: u64,
    /// Bytes.
    pub bytes: u64,
}

impl Cohort {
    /// Bytes of `n` of its records.
    pub fn bytes_of(&self, n: u64) -> u64 {
        if n >= self.records {
            self.bytes
        } else {
            crate::wide::mul_div(self.bytes, n, self.records.max(1))
        }
    }
}

/// One partition: what producers still wait to have acknowledged, its log,
/// and the group's committed offset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partition {
    /// Records waiting in producers for this partition, oldest first.
    pub pending: VecDeque<Cohort>,
    /// The retained log, one cohort per segment, oldest first.
    pub log: VecDeque<Cohort>,
    /// The next offset to be written.
    pub end_offset: u64,
    /// The consumer group's committed offset.
    pub committed: u64,
    /// Bytes in the log.
    pub log_bytes: u64,
    /// Records the group read from it in the last second.
    pub read_last_second: u64,
    /// The committed offset of each Lambda event source reading the topic
    /// (each its own consumer group, aws-facts-more 3).
    pub esm: Vec<u64>,
    /// The offset the group last committed to Kafka (its consumers commit
    /// every `auto.commit.interval.ms`, aws-facts-more 1.5); `committed`
    /// is how far its consumer has processed.
    pub last_commit: u64,
    /// Records to be processed again, and their bytes: read by a consumer
    /// that crashed after its last commit, re-read by the partition's new
    /// owner before anything newer (duplicates).
    pub redo: (u64, u64),
    /// Until when the partition has no leader: an election after its
    /// leader's broker failed (aws-facts-more 1.4).
    pub electing_until: SimTime,
}

impl Partition {
    /// Records waiting in producers.
    pub fn pending_records(&self) -> u64 {
        self.pending.iter().map(|c| c.records).sum()
    }

    /// Bytes waiting in producers.
    pub fn pending_bytes(&self) -> u64 {
        self.pending.iter().map(|c| c.bytes).sum()
    }

    /// Offset lag of the group.
    pub fn lag(&self) -> u64 {
        self.end_offset - self.committed
    }

    /// The first offset still in the log.
    pub fn log_start(&self) -> u64 {
        self.log.front().map_or(self.end_offset, |s| s.first)
    }

    /// Appends `records` of `bytes` at `now` into segments `segment_ms` long.
    pub fn append(&mut self, now: SimTime, records: u64, bytes: u64, segment_ms: SimTime) {
        if records == 0 {
            return;
        }
        match self.log.back_mut() {
            Some(s) if now < s.at + segment_ms => {
                s.records += records;
                s.bytes += bytes;
                s.last = now;
            }
            _ => self.log.push_back(Cohort {
                at: now,
                last: now,
                first: self.end_offset,
                records,
                bytes,
            }),
        }
        self.end_offset += records;
        self.log_bytes += bytes;
    }

    /// The offset every reader has passed: the group's (when it reads)
    /// and each Lambda event source's.
    pub fn settled(&self, group: bool) -> u64 {
        let esm = self.esm.iter().copied().min();
        match (group, esm) {
            (true, Some(e)) => e.min(self.committed),
            (false, Some(e)) => e,
            (_, None) => self.committed,
        }
    }

    /// The lag MSK's consumer-lag metrics show: the group's, or, when only
    /// Lambda reads the topic, the slowest event source's.
    pub fn shown_lag(&self, group: bool) -> u64 {
        let redo = if group { self.redo.0 } else { 0 };
        self.end_offset - if group { self.committed } else { self.settled(false) } + redo
    }

    /// Bytes of the records from offset `from` to `to` still in the log.
    pub fn bytes_between(&self, from: u64, to: u64) -> u64 {
        let mut bytes = 0;
        for s in &self.log {
            let end = s.first + s.records;
            if end <= from || s.first >= to {
                continue;
            }
            let (a, b) = (from.max(s.first), to.min(end));
            bytes += s.bytes_of(b - s.first) - s.bytes_of(a - s.first);
        }
        bytes
    }

    /// The group reads up to `n` records from its committed offset;
    /// returns the records and bytes read.
    pub fn read(&mut self, n: u64) -> (u64, u64) {
        let mut left = n.min(self.lag());
        let (mut records, mut bytes) = (0, 0);
        for s in &self.log {
            if left == 0 {
                break;
            }
            let end = s.first + s.records;
            if end <= self.committed {
                continue;
            }
            let from = self.committed.max(s.first);
            let take = (end - from).min(left);
            // Bytes of the records [from, from + take) of the segment.
            bytes += s.bytes_of(from + take - s.first) - s.bytes_of(from - s.first);
            self.committed = from + take;
            records += take;
            left -= take;
        }
        (records, bytes)
    }

    /// Deletes segments whose newest record is older than `retention`
    /// (aws-facts-more 1.6); returns records deleted before the slowest
    /// reader (the group when `group`, and the Lambda event sources) read
    /// them. Every reader behind moves past them.
    pub fn expire(&mut self, now: SimTime, retention: SimTime, group: bool) -> u64 {
        let mut unread = 0;
        while let Some(s) = self.log.front().copied() {
            if s.last + retention > now {
                break;
            }
            let end = s.first + s.records;
            let slowest = self.settled(group);
            if slowest < end {
                unread += end - slowest.max(s.first);
            }
            self.committed = self.committed.max(end);
            for o in &mut self.esm {
                *o = (*o).max(end);
            }
            self.log_bytes -= s.bytes;
            self.log.pop_front();
        }
        unread
    }

    /// When the oldest record the group (or, when `group` is false, the
    /// slowest Lambda event source) has not read arrived, if any.
    pub fn oldest_unread(&self, group: bool) -> Option<SimTime> {
        let from = if group { self.committed } else { self.settled(false) };
        self.log.iter().find(|s| s.first + s.records > from).map(|s| s.at)
    }
}

/// An MSK cluster's runtime state.
#[derive(Clone, Debug)]
pub struct MskCluster {
    /// Parameters.
    pub spec: MskSpec,
    /// Its producers: (producer slot, each partition's share of its records).
    pub producers: Vec<(usize, Vec<f64>)>,
    /// The topic's partitions.
    pub partitions: Vec<Partition>,
    /// Records the group processed, since the start.
    pub consumed: u64,
    /// Records lost after `delivery.timeout.ms`, since the start.
    pub lost: u64,
    /// Records deleted by retention before being read, since the start.
    pub expired: u64,
    /// Per consumer, the fraction of a record it could not process yet.
    pub carry: Vec<f64>,
    /// The Lambda functions (slots) whose event sources read the topic.
    pub esm_funcs: Vec<usize>,
    /// Bytes Lambda event sources read this second (counted on a
    /// Serverless cluster only: its egress quota and bill).
    pub esm_bytes_out: u64,
    /// The brokers holding each partition's replicas, preferred leader
    /// first: placed when the partition is created, and left there (Kafka
    /// moves no partition by itself, aws-facts-more 1.5).
    pub placement: Vec<Vec<usize>>,
    /// Until when each broker is down (0 or past: up).
    pub broker_down_until: Vec<SimTime>,
    /// The brokers the last second saw down, to journal their return.
    pub brokers_were_down: Vec<bool>,
    /// Whether each consumer of the group is alive.
    pub alive: Vec<bool>,
    /// The group's members as its coordinator knows them, in assignment
    /// order: a crashed consumer stays a member, holding its partitions
    /// unread, until its session times out.
    pub members: Vec<usize>,
    /// When the group next rebalances (a crashed consumer's session timing
    /// out).
    pub rebalance_at: Option<SimTime>,
    /// Records the group processed a second time after a crash, since the
    /// start.
    pub duplicates: u64,
    /// Keys that hash to another partition since partitions were added,
    /// since the start, counted once per producer and change.
    pub keys_moved: u64,
}

impl MskCluster {
    /// A cluster with an empty topic.
    pub fn new(spec: MskSpec) -> Self {
        let partitions = vec![Partition::default(); spec.partitions.max(1) as usize];
        let consumers = spec.consumer_group.consumers as usize;
        let carry = vec![0.0; consumers];
        let brokers = spec.brokers.max(1) as usize;
        let rf = (spec.replication_factor as usize).clamp(1, brokers);
        let placement =
            (0..partitions.len()).map(|p| (0..rf).map(|j| (p + j) % brokers).collect()).collect();
        MskCluster {
            spec,
            producers: Vec::new(),
            partitions,
            consumed: 0,
            lost: 0,
            expired: 0,
            carry,
            esm_funcs: Vec::new(),
            esm_bytes_out: 0,
            placement,
            broker_down_until: vec![0; brokers],
            brokers_were_down: vec![false; brokers],
            alive: vec![true; consumers],
            members: (0..consumers).collect(),
            rebalance_at: None,
            duplicates: 0,
            keys_moved: 0,
        }
    }

    /// The brokers holding partition `p`'s replicas, preferred leader
    /// first: placed round-robin from broker `p mod brokers` when the
    /// partition was created (Kafka spreads replicas over distinct brokers;
    /// its random starting broker is left out).
    pub fn replicas(&self, p: usize) -> impl Iterator<Item = usize> + '_ {
        self.placement[p].iter().copied()
    }

    /// Whether broker `b` is up at `now`.
    pub fn broker_up(&self, b: usize, now: SimTime) -> bool {
        self.broker_down_until.get(b).is_none_or(|&until| until <= now)
    }

    /// The replicas of partition `p` on brokers that are up: its in-sync
    /// replicas (a returning broker's copy is taken as caught up at once).
    pub fn live_replicas(&self, p: usize, now: SimTime) -> impl Iterator<Item = usize> + '_ {
        self.replicas(p).filter(move |&b| self.broker_up(b, now))
    }

    /// Partition `p`'s leader at `now`: its first replica on a broker that
    /// is up, none while it has none (offline) or elects one.
    pub fn leader(&self, p: usize, now: SimTime) -> Option<usize> {
        if now < self.partitions[p].electing_until {
            return None;
        }
        self.live_replicas(p, now).next()
    }

    /// Partitions with no replica on a broker that is up
    /// (`OfflinePartitionsCount`, aws-facts-more 1.7).
    pub fn offline_partitions(&self, now: SimTime) -> u32 {
        (0..self.partitions.len()).filter(|&p| self.live_replicas(p, now).next().is_none()).count()
            as u32
    }

    /// Partitions online with fewer live replicas than placed
    /// (`UnderReplicatedPartitions`, aws-facts-more 1.7).
    pub fn under_replicated(&self, now: SimTime) -> u32 {
        (0..self.partitions.len())
            .filter(|&p| {
                let live = self.live_replicas(p, now).count();
                live > 0 && live < self.placement[p].len()
            })
            .count() as u32
    }

    /// Brokers down at `now`.
    pub fn brokers_down(&self, now: SimTime) -> u32 {
        (0..self.broker_down_until.len()).filter(|&b| !self.broker_up(b, now)).count() as u32
    }

    /// Brokers that hold no replica: added after the partitions were
    /// placed, and idle until partitions are added or reassigned
    /// (aws-facts-more 1.5).
    pub fn idle_brokers(&self) -> u32 {
        let mut used = vec![false; self.broker_down_until.len()];
        for r in self.placement.iter().flatten() {
            used[*r] = true;
        }
        used.iter().filter(|u| !**u).count() as u32
    }

    /// The consumer reading partition `p`: the group's members share the
    /// partitions out round-robin, so each has a fair share and one
    /// partition has one reader (aws-facts-more 1.5). A crashed member
    /// keeps its partitions, unread, until the group rebalances.
    pub fn consumer_of(&self, p: usize) -> Option<usize> {
        let n = self.members.len();
        (n > 0).then(|| self.members[p % n])
    }

    /// Consumers with no partition (aws-facts-more 1.5: beyond the
    /// partition count they idle).
    pub fn idle_consumers(&self) -> u32 {
        (self.members.len() as u32).saturating_sub(self.partitions.len() as u32)
    }

    /// The log's segment length: a minute, or a 256th of the retention
    /// when longer, so a partition holds a bounded number of segments;
    /// Kafka too deletes whole segments.
    pub fn segment_ms(&self) -> SimTime {
        (self.retention_ms() / 256).max(MINUTE)
    }

    /// `retention.ms`.
    pub fn retention_ms(&self) -> SimTime {
        SimTime::from(self.spec.retention_hours) * HOUR
    }

    /// Bytes each broker stores, replicas included.
    pub fn stored_per_broker(&self) -> Vec<u64> {
        let mut stored = vec![0; self.broker_down_until.len()];
        for (p, part) in self.partitions.iter().enumerate() {
            for b in self.replicas(p) {
                stored[b] += part.log_bytes;
            }
        }
        stored
    }

    /// Whether its own consumer group reads the topic: it has consumers,
    /// or nothing else reads it (then records wait for it).
    pub fn group_reads(&self) -> bool {
        self.spec.consumer_group.consumers > 0 || self.esm_funcs.is_empty()
    }

    /// Records waiting in producers, or in logs unread by some reader.
    pub fn in_flight(&self) -> u64 {
        let group = self.group_reads();
        self.partitions.iter().map(|p| p.pending_records() + p.end_offset - p.settled(group)).sum()
    }

    /// Records every reader is done with (read, or deleted by retention).
    pub fn settled(&self) -> u64 {
        let group = self.group_reads();
        self.partitions.iter().map(|p| p.settled(group)).sum()
    }

    /// What it holds beyond its own size.
    pub fn heap_bytes(&self) -> u64 {
        buffer::<Partition>(self.partitions.capacity())
            + self
                .partitions
                .iter()
                .map(|p| {
                    buffer::<Cohort>(p.pending.capacity())
                        + buffer::<Cohort>(p.log.capacity())
                        + buffer::<u64>(p.esm.capacity())
                })
                .sum::<u64>()
            + self.producers.iter().map(|(_, s)| buffer::<f64>(s.capacity())).sum::<u64>()
            + buffer::<f64>(self.carry.capacity())
            + buffer::<Vec<usize>>(self.placement.capacity())
            + self.placement.iter().map(|r| buffer::<usize>(r.capacity())).sum::<u64>()
            + buffer::<SimTime>(self.broker_down_until.capacity())
            + buffer::<bool>(self.brokers_were_down.capacity() + self.alive.capacity())
            + buffer::<usize>(self.members.capacity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[0.0, 2.0, 1.0]), vec![0, 5, 2]);
        assert_eq!(apportion(0, &[1.0]), vec![0]);
    }

    #[test]
    fn expiry_counts_what_the_slowest_reader_missed() {
        let mut p = Partition { esm: vec![0], ..Default::default() };
        p.append(0, 10, 1_000, MINUTE);
        p.append(MINUTE, 10, 1_000, MINUTE);
        p.read(10);
        p.esm[0] = 4;
        assert_eq!(p.settled(true), 4);
        assert_eq!(p.settled(false), 4);
        assert_eq!(p.bytes_between(4, 14), 600 + 400);
        // The first segment goes: the event source missed 6 of it.
        assert_eq!(p.expire(HOUR, HOUR, true), 6);
        assert_eq!((p.committed, p.esm[0]), (10, 10));
    }

    #[test]
    fn a_log_reads_and_expires_by_segment() {
        let mut p = Partition::default();
        p.append(0, 10, 1_000, MINUTE);
        p.append(MINUTE, 10, 2_000, MINUTE);
        assert_eq!(p.read(15), (15, 1_000 + 1_000));
        assert_eq!(p.lag(), 5);
        // The first segment goes when its newest record is an hour old.
        assert_eq!(p.expire(HOUR, HOUR, true), 0);
        assert_eq!(p.log_bytes, 2_000);
        assert_eq!(p.expire(HOUR + MINUTE, HOUR, true), 5);
        assert_eq!((p.lag(), p.log_bytes), (0, 0));
    }
}
