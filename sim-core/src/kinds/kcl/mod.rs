//! A KCL application's leases and checkpoints (aws-facts 6). Its record
//! processors are the readers of a [`crate::kinds::Consumer`] (one per
//! shard, parents before children); this module owns who holds each
//! shard's lease, where each shard was last checkpointed, and which
//! workers are alive.

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;

use crate::scenario::KclSpec;
use crate::time::{SECOND, SimTime};

/// aws-facts 6: the lease taker runs every (failoverTimeMillis + 25 ms) × 2
/// (20,050 ms with the default 10 s).
pub const LEASE_TAKER_EPSILON_MS: SimTime = 25;

/// One shard's lease.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lease {
    /// The worker holding it, if a live one does.
    pub owner: Option<u32>,
    /// The last checkpointed position: records before it are done for good.
    pub checkpoint: u64,
    /// Records processed since the last checkpoint.
    pub since_checkpoint: u64,
    /// When the last checkpoint was written.
    pub checkpointed_at: SimTime,
}

/// A KCL application's runtime state besides its readers.
#[derive(Clone, Debug)]
pub struct KclApp {
    /// Parameters.
    pub spec: KclSpec,
    /// The consumer slot holding its record processors (readers).
    pub consumer: usize,
    /// One lease per shard of the stream, by shard index.
    pub leases: Vec<Lease>,
    /// Whether each worker is alive.
    pub alive: Vec<bool>,
    /// Records processed again after a failover (at-least-once duplicates).
    pub duplicates: u64,
    /// Leases taken over from a dead worker.
    pub leases_taken: u64,
}

impl KclApp {
    /// An application with every worker alive and the shards' leases spread
    /// evenly, reading from `start` positions.
    pub fn new(spec: KclSpec, consumer: usize, start: &[u64]) -> Self {
        let workers = spec.workers.max(1);
        let leases = start
            .iter()
            .enumerate()
            .map(|(i, &p)| Lease {
                owner: Some(i as u32 % workers),
                checkpoint: p,
                ..Lease::default()
            })
            .collect();
        KclApp {
            spec,
            consumer,
            leases,
            alive: vec![true; workers as usize],
            duplicates: 0,
            leases_taken: 0,
        }
    }

    /// Leases held by each worker.
    pub fn lease_counts(&self) -> Vec<u32> {
        let mut counts = vec![0; self.alive.len()];
        for owner in self.leases.iter().filter_map(|l| l.owner) {
            counts[owner as usize] += 1;
        }
        counts
    }

    /// Live workers.
    pub fn live_workers(&self) -> usize {
        self.alive.iter().filter(|&&a| a).count()
    }

    /// The live worker holding the fewest leases (lowest index on ties): the
    /// one that takes the next lease, which keeps leases balanced.
    pub fn least_loaded(&self) -> Option<u32> {
        let counts = self.lease_counts();
        (0..self.alive.len())
            .filter(|&w| self.alive[w])
            .min_by_key(|&w| (counts[w], w))
            .map(|w| w as u32)
    }

    /// Counts `records` processed on `shard`, now at position `done`;
    /// checkpoints when the count or the time since the last checkpoint
    /// reaches its setting. Returns whether it checkpointed.
    pub fn processed(&mut self, shard: usize, records: u64, done: u64, now: SimTime) -> bool {
        let (every_n, every_s) = (self.spec.checkpoint_every_records, self.spec.checkpoint_every_s);
        let Some(lease) = self.leases.get_mut(shard) else { return false };
        lease.since_checkpoint += records;
        let by_count = every_n > 0 && lease.since_checkpoint >= every_n;
        let by_time = every_s > 0 && now >= lease.checkpointed_at + every_s * SECOND;
        if by_count || by_time {
            lease.checkpoint = done;
            lease.since_checkpoint = 0;
            lease.checkpointed_at = now;
        }
        by_count || by_time
    }

    /// When the leases of a worker that died at `crashed_at` are taken: the
    /// first lease-taker run after they expire (aws-facts 6: a lease expires
    /// failoverTimeMillis after its last renewal; the taker runs every
    /// (failoverTimeMillis + 25 ms) × 2).
    pub fn takeover_at(&self, crashed_at: SimTime) -> SimTime {
        self.next_taker_run(crashed_at + self.spec.failover_time_ms.max(1))
    }

    /// The first lease-taker run at or after `t` (runs every
    /// (failoverTimeMillis + 25 ms) × 2 from the start, aws-facts 6).
    pub fn next_taker_run(&self, t: SimTime) -> SimTime {
        let taker = (self.spec.failover_time_ms.max(1) + LEASE_TAKER_EPSILON_MS) * 2;
        t.div_ceil(taker) * taker
    }

    /// Lease balancing at a taker run: each live worker holding fewer than
    /// its share (leases ÷ live workers, rounded down) steals one lease
    /// (aws-facts 6: maxLeasesToStealAtOneTime 1) from the most loaded
    /// worker. Returns `(shard, thief)` pairs, in worker order.
    pub fn steals(&self) -> Vec<(usize, u32)> {
        let live = self.live_workers();
        if live == 0 {
            return Vec::new();
        }
        let mut counts = self.lease_counts();
        let target = self.leases.iter().filter(|l| l.owner.is_some()).count() as u32 / live as u32;
        let mut steals = Vec::new();
        for thief in (0..self.alive.len()).filter(|&w| self.alive[w]) {
            if counts[thief] >= target {
                continue;
            }
            let victim = (0..counts.len()).max_by_key(|&w| (counts[w], std::cmp::Reverse(w)));
            let Some(victim) = victim.filter(|&v| counts[v] > target) else { break };
            // The victim's last lease (highest shard index) goes.
            let shard = (0..self.leases.len())
                .rev()
                .find(|&s| self.leases[s].owner == Some(victim as u32))
                .filter(|s| !steals.iter().any(|&(t, _)| t == *s));
            if let Some(shard) = shard {
                counts[victim] -= 1;
                counts[thief] += 1;
                steals.push((shard, thief as u32));
            }
        }
        steals
    }
}

/// Memory accounting (see [`crate::memory`]).
impl KclApp {
    /// Memory beyond its own struct, in bytes: leases and workers.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::buffer::<Lease>(self.leases.capacity())
            + crate::memory::buffer::<bool>(self.alive.capacity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(workers: u32, shards: usize) -> KclApp {
        KclApp::new(KclSpec { workers, ..KclSpec::default() }, 0, &vec![0; shards])
    }

    #[test]
    fn leases_one_per_shard_spread_over_workers() {
        // aws-facts 6: each shard is leased by at most one worker.
        let a = app(3, 8);
        assert_eq!(a.lease_counts(), vec![3, 3, 2]);
        assert_eq!(a.least_loaded(), Some(2));
    }

    #[test]
    fn failover_time_10_s_then_the_next_lease_taker_run() {
        // aws-facts 6: failoverTimeMillis 10,000 and a taker every 20,050 ms.
        let a = app(2, 2);
        assert_eq!(a.takeover_at(5_000), 20_050);
        assert_eq!(a.takeover_at(15_000), 40_100);
    }

    #[test]
    fn lease_balancing_steals_one_lease_at_a_time() {
        // aws-facts 6: maxLeasesToStealAtOneTime is 1.
        let mut a = app(2, 6);
        for l in &mut a.leases {
            l.owner = Some(0);
        }
        assert_eq!(a.steals(), vec![(5, 1)]);
        a.leases[5].owner = Some(1);
        assert_eq!(a.steals(), vec![(4, 1)]);
        a.leases[4].owner = Some(1);
        a.leases[3].owner = Some(1);
        assert_eq!(a.steals(), vec![]);
    }

    #[test]
    fn checkpoint_every_n_records_or_t_seconds() {
        let mut a = app(1, 1);
        a.spec.checkpoint_every_records = 100;
        a.spec.checkpoint_every_s = 30;
        assert!(!a.processed(0, 60, 60, 1_000));
        assert!(a.processed(0, 60, 120, 2_000));
        assert_eq!(a.leases[0].checkpoint, 120);
        assert!(!a.processed(0, 10, 130, 31_000));
        assert!(a.processed(0, 10, 140, 32_000));
        assert_eq!(a.leases[0].checkpoint, 140);
    }
}
