//! A Managed Service for Apache Flink application (aws-facts-more 4): its
//! source readers are a consumer's (one per shard, in `consumers`), its
//! subtasks run on KPUs whose vCPU processes one batch at a time, and it
//! rescales by the documented autoscaling rule.

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

use std::collections::VecDeque;

use crate::memory::buffer;
use crate::scenario::FlinkSpec;
use crate::time::SimTime;

/// aws-facts-more 4.1, 4.8: one more KPU per application for orchestration,
/// billed and counted in `KPUs`.
pub const ORCHESTRATION_KPUS: u32 = 1;
/// aws-facts-more 4.8: running application storage, 50 GB per KPU.
pub const STORAGE_GB_PER_KPU: u64 = 50;
/// aws-facts-more 4.2: scale up after 15 one-minute datapoints at 75% CPU
/// or more; scale down after 360 (six hours) under 10%.
pub const SCALE_UP_MINUTES: u32 = 15;
/// See [`SCALE_UP_MINUTES`].
pub const SCALE_UP_CPU: f64 = 0.75;
/// See [`SCALE_UP_MINUTES`].
pub const SCALE_DOWN_MINUTES: u32 = 360;
/// See [`SCALE_UP_MINUTES`].
pub const SCALE_DOWN_CPU: f64 = 0.10;

/// One KPU's vCPU: the work queued on it as one busy stretch after the
/// stretches closed before it, so its busy time up to any instant since
/// the last closed stretch began is exact (a stretch can start in the
/// future, after a rescale's downtime, while the last one still runs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vcpu {
    /// Busy milliseconds of the closed stretches.
    pub done_ms: u64,
    /// The last closed stretch, from its start to its end.
    pub last: (SimTime, SimTime),
    /// Start of the current busy stretch.
    pub from: SimTime,
    /// When the work queued on it ends.
    pub until: SimTime,
    /// Its batches not yet fully counted in `numRecordsInPerSecond`: a
    /// batch's records are counted as its processing time passes, so the
    /// metric shows the rate the job works at, not a burst per batch.
    pub batches: VecDeque<Processing>,
}

/// A batch on a vCPU: when it runs, its records, and how many of them the
/// metric has counted so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Processing {
    /// When it starts.
    pub start: SimTime,
    /// When it ends.
    pub end: SimTime,
    /// Its records.
    pub records: u64,
    /// Of those, counted so far.
    pub counted: u64,
}

impl Vcpu {
    /// An idle vCPU at `now`.
    pub fn idle(now: SimTime) -> Self {
        Vcpu { done_ms: 0, last: (now, now), from: now, until: now, batches: VecDeque::new() }
    }

    /// Busy milliseconds up to `t` (at or after the last closed stretch's
    /// start).
    pub fn busy_upto(&self, t: SimTime) -> u64 {
        let (start, end) = self.last;
        let closed = self.done_ms - end.saturating_sub(t).min(end - start);
        closed + t.min(self.until).saturating_sub(self.from)
    }

    /// Queues a batch of `records` taking `ms`, no earlier than
    /// `earliest`; returns when it ends.
    pub fn queue(&mut self, earliest: SimTime, ms: SimTime, records: u64) -> SimTime {
        let start = earliest.max(self.until);
        if start > self.until {
            self.done_ms += self.until - self.from;
            self.last = (self.from, self.until);
            self.from = start;
        }
        self.until = start + ms;
        self.batches.push_back(Processing { start, end: self.until, records, counted: 0 });
        self.until
    }

    /// Records processed up to `now` not counted before: each batch's in
    /// proportion to its time elapsed, all of it once it ended.
    pub fn count_processed(&mut self, now: SimTime) -> u64 {
        let mut counted = 0;
        for b in self.batches.iter_mut().take_while(|b| b.start < now || b.end <= now) {
            let due = if now >= b.end {
                b.records
            } else {
                crate::wide::mul_div(b.records, now - b.start, b.end - b.start)
            };
            counted += due - b.counted;
            b.counted = due;
        }
        while self.batches.front().is_some_and(|b| b.counted == b.records && b.end <= now) {
            self.batches.pop_front();
        }
        counted
    }
}

/// A Flink application's runtime state.
#[derive(Clone, Debug)]
pub struct FlinkApp {
    /// Parameters.
    pub spec: FlinkSpec,
    /// The consumer slot of its source readers.
    pub readers: usize,
    /// Parallelism now (autoscaling changes it).
    pub parallelism: u32,
    /// One per KPU running subtasks.
    pub vcpus: Vec<Vcpu>,
    /// Busy milliseconds of KPUs it no longer has.
    pub retired_ms: u64,
    /// Total busy milliseconds at the last second's tick.
    pub busy_at_tick: u64,
    /// This minute's busy and available vCPU milliseconds.
    pub minute: (u64, u64),
    /// Consecutive minutes at or over the scale-up CPU, and under the
    /// scale-down CPU.
    pub streaks: (u32, u32),
    /// Down (rescaling) from the first to the second.
    pub down: (SimTime, SimTime),
    /// Times it rescaled.
    pub rescales: u32,
}

impl FlinkApp {
    /// An application whose source readers are consumer `readers`.
    pub fn new(spec: FlinkSpec, readers: usize) -> Self {
        let parallelism = spec.parallelism.clamp(1, spec.max_parallelism());
        let kpus = kpus_for(parallelism, spec.parallelism_per_kpu);
        FlinkApp {
            spec,
            readers,
            parallelism,
            vcpus: vec![Vcpu::idle(0); kpus as usize],
            retired_ms: 0,
            busy_at_tick: 0,
            minute: (0, 0),
            streaks: (0, 0),
            down: (0, 0),
            rescales: 0,
        }
    }

    /// KPUs running subtasks (the orchestration KPU not included).
    pub fn kpus(&self) -> u32 {
        self.vcpus.len() as u32
    }

    /// aws-facts-more 4.5: each shard is read by one subtask; shards are
    /// spread evenly over subtasks in shard order (the uniform assigner
    /// spreads by hash range, which for a stream's shards is that order).
    /// The KPU its subtask runs on.
    pub fn vcpu_of(&self, shard: usize) -> usize {
        let subtask = shard % self.parallelism as usize;
        subtask / self.spec.parallelism_per_kpu.max(1) as usize
    }

    /// What it holds beyond its own size.
    pub fn heap_bytes(&self) -> u64 {
        buffer::<Vcpu>(self.vcpus.capacity())
            + self.vcpus.iter().map(|v| buffer::<Processing>(v.batches.capacity())).sum::<u64>()
    }

    /// Busy vCPU milliseconds since the start, up to `t`.
    pub fn busy_upto(&self, t: SimTime) -> u64 {
        self.retired_ms + self.vcpus.iter().map(|v| v.busy_upto(t)).sum::<u64>()
    }

    /// Changes parallelism at `now`: KPUs added start idle, KPUs removed
    /// keep their busy time in the total.
    pub fn rescale(&mut self, now: SimTime, parallelism: u32) {
        self.parallelism = parallelism;
        let kpus = kpus_for(parallelism, self.spec.parallelism_per_kpu) as usize;
        while self.vcpus.len() > kpus {
            let gone = self.vcpus.pop().expect("more KPUs than wanted");
            self.retired_ms += gone.busy_upto(SimTime::MAX);
            // Its batches still end when they were due: the first KPU
            // counts them.
            self.vcpus[0].batches.extend(gone.batches);
        }
        self.vcpus.resize(kpus, Vcpu::idle(now));
        self.rescales += 1;
    }
}

/// aws-facts-more 4.1: allocated KPUs are Parallelism / ParallelismPerKPU,
/// rounded up.
pub fn kpus_for(parallelism: u32, per_kpu: u32) -> u32 {
    parallelism.div_ceil(per_kpu.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpus_are_parallelism_over_parallelism_per_kpu_rounded_up() {
        // aws-facts-more 4.1.
        assert_eq!(kpus_for(1, 1), 1);
        assert_eq!(kpus_for(8, 1), 8);
        assert_eq!(kpus_for(8, 4), 2);
        assert_eq!(kpus_for(9, 4), 3);
    }

    #[test]
    fn shards_spread_evenly_and_extra_subtasks_idle() {
        let app = |p| {
            let spec = FlinkSpec { parallelism: p, ..FlinkSpec::default() };
            FlinkApp::new(spec, 0)
        };
        // Four shards on two subtasks: two each.
        let two = app(2);
        let load: Vec<usize> = (0..4).map(|s| two.vcpu_of(s)).collect();
        assert_eq!(load, [0, 1, 0, 1]);
        // Four shards on eight subtasks: four subtasks read nothing.
        let eight = app(8);
        let used: std::collections::BTreeSet<usize> = (0..4).map(|s| eight.vcpu_of(s)).collect();
        assert_eq!(used.len(), 4);
        assert_eq!(eight.kpus(), 8);
    }

    #[test]
    fn a_vcpu_runs_one_batch_at_a_time_and_counts_its_busy_time_exactly() {
        let mut v = Vcpu::idle(0);
        assert_eq!(v.queue(0, 300, 3), 300);
        // Queued behind the first batch.
        assert_eq!(v.queue(100, 300, 3), 600);
        // After a gap: a new stretch.
        assert_eq!(v.queue(1_000, 200, 2), 1_200);
        assert_eq!(v.busy_upto(500), 500);
        assert_eq!(v.busy_upto(1_000), 600);
        assert_eq!(v.busy_upto(1_100), 700);
        assert_eq!(v.busy_upto(5_000), 800);
        // A stretch queued after a downtime while the last one still runs.
        let mut w = Vcpu::idle(0);
        w.queue(0, 1_000, 10);
        w.queue(3_000, 500, 5);
        assert_eq!(w.busy_upto(400), 400);
        assert_eq!(w.busy_upto(2_000), 1_000);
        assert_eq!(w.busy_upto(3_200), 1_200);
        // Records counted as processing time passes, each exactly once.
        assert_eq!(w.count_processed(400), 4);
        assert_eq!(w.count_processed(1_000), 6);
        assert_eq!(w.count_processed(3_100), 1);
        assert_eq!(w.count_processed(9_000), 4);
        assert!(w.batches.is_empty());
    }
}
