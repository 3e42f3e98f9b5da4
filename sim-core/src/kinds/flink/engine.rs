//! A Flink application's events: its subtasks' processing on their KPUs,
//! and once a second its metrics, CPU and the autoscaling rule
//! (aws-facts-more 4.1, 4.2, 4.4, 4.7).

use super::metrics as flink;
use super::{
    ORCHESTRATION_KPUS, SCALE_DOWN_CPU, SCALE_DOWN_MINUTES, SCALE_UP_CPU, SCALE_UP_MINUTES,
};
use crate::engine::{EngineKind, Simulation};
use crate::kinds::{Batch, Target};
use crate::metrics::Latencies;
use crate::scenario::{FlinkSpec, NodeIndex, NodeKind};
use crate::time::{MINUTE, SECOND, SimTime};

impl Simulation {
    /// Queues `ms` of processing of a batch read from `shard` on the KPU
    /// whose subtask reads that shard; returns when it is done. A busy KPU
    /// delays the batch, and the shard's next read with it: backpressure
    /// reaches the source, which falls behind (aws-facts-more 4.4).
    pub(crate) fn flink_process(
        &mut self,
        app: usize,
        shard: usize,
        ms: SimTime,
        records: u64,
    ) -> SimTime {
        let a = &mut self.flinks[app];
        // Nothing is processed while it rescales (aws-facts-more 4.2).
        let earliest = self.now.max(a.down.1);
        let vcpu = a.vcpu_of(shard);
        a.vcpus[vcpu].queue(earliest, ms, records)
    }

    /// Records a Flink application's operators emitted.
    pub(crate) fn flink_emitted(&mut self, app: usize, records: u64) {
        self.metrics[self.flink_nodes[app]].add(flink::RECORDS_OUT, records as f64);
    }

    /// Once a second: KPUs, CPU, busy time and downtime of the closing
    /// second; once a minute, the autoscaling rule.
    pub(crate) fn flink_second(&mut self) {
        for app in 0..self.flinks.len() {
            let node = self.flink_nodes[app];
            let a = &mut self.flinks[app];
            let busy_total = a.busy_upto(self.now);
            let busy = busy_total - a.busy_at_tick;
            a.busy_at_tick = busy_total;
            let capacity = u64::from(a.kpus()) * SECOND;
            a.minute.0 += busy;
            a.minute.1 += capacity;
            let down_from = a.down.0.max(self.now - SECOND);
            let down_ms = a.down.1.min(self.now).saturating_sub(down_from);
            let processed: u64 = a.vcpus.iter_mut().map(|v| v.count_processed(self.now)).sum();
            let m = &mut self.metrics[node];
            m.add(flink::RECORDS_IN, processed as f64);
            m.sample(flink::KPUS, f64::from(a.kpus() + ORCHESTRATION_KPUS));
            m.sample(flink::PARALLELISM, f64::from(a.parallelism));
            m.sample(flink::CPU_UTILIZATION, 100.0 * busy as f64 / capacity as f64);
            m.sample(flink::BUSY_TIME, busy as f64 / f64::from(a.kpus()));
            m.sample(flink::DOWNTIME, down_ms as f64);
            if self.now.is_multiple_of(MINUTE) {
                self.flink_minute(app);
            }
        }
    }

    /// aws-facts-more 4.2: doubles parallelism after 15 consecutive
    /// one-minute datapoints at 75% CPU or more, halves it (rounded up, never
    /// below the configured parallelism) after 360 under 10%; the
    /// application is down while it rescales.
    fn flink_minute(&mut self, app: usize) {
        let a = &mut self.flinks[app];
        let (busy, capacity) = std::mem::take(&mut a.minute);
        let cpu = busy as f64 / capacity.max(1) as f64;
        a.streaks.0 = if cpu >= SCALE_UP_CPU { a.streaks.0 + 1 } else { 0 };
        a.streaks.1 = if cpu < SCALE_DOWN_CPU { a.streaks.1 + 1 } else { 0 };
        if !a.spec.autoscaling {
            return;
        }
        let most = a.spec.max_parallelism();
        let to = if a.streaks.0 >= SCALE_UP_MINUTES && a.parallelism < most {
            (a.parallelism * 2).min(most)
        } else if a.streaks.1 >= SCALE_DOWN_MINUTES && a.parallelism > a.spec.parallelism {
            a.parallelism.div_ceil(2).max(a.spec.parallelism)
        } else {
            return;
        };
        let how = if to > a.parallelism { "autoscaling raised" } else { "autoscaling lowered" };
        self.rescale_flink(app, to, how);
    }

    /// UpdateApplication with a new parallelism: the floor autoscaling
    /// keeps, applied at once with the rescale's downtime (aws-facts-more
    /// 4.1, 4.2).
    pub(crate) fn set_flink_parallelism(
        &mut self,
        node: NodeIndex,
        parallelism: u32,
    ) -> Result<(), String> {
        let app = self.slot_of(node, NodeKind::FlinkApp)?;
        let a = &mut self.flinks[app];
        let most = a.spec.max_parallelism();
        if !(1..=most).contains(&parallelism) {
            let why = format!(
                "parallelism {parallelism} is out of range; allowed 1 to {most} (parallelism_per_kpu x 64 KPUs)"
            );
            self.journal(node, format!("refused: {why}"), true);
            return Err(why);
        }
        a.spec.parallelism = parallelism;
        self.rescale_flink(app, parallelism, "UpdateApplication set");
        Ok(())
    }

    /// Rescales application `app` now, down while it restarts, journalled.
    fn rescale_flink(&mut self, app: usize, to: u32, how: &str) {
        let a = &mut self.flinks[app];
        let from = a.parallelism;
        a.rescale(self.now, to);
        a.streaks = (0, 0);
        a.down = (self.now, self.now + SimTime::from(a.spec.scaling_downtime_s) * SECOND);
        let kpus = a.kpus();
        self.update_flink_billing();
        let text = format!(
            "{how} parallelism from {from} to {to} ({kpus} KPUs + 1 for orchestration); down while it restarts"
        );
        self.journal(self.flink_nodes[app], text, false);
    }

    /// Tells the cost meter the KPUs running now (aws-facts-more 4.8).
    pub(crate) fn update_flink_billing(&mut self) {
        let kpus: u64 = self.flinks.iter().map(|a| u64::from(a.kpus())).sum();
        let apps = self.flinks.len() as u64;
        self.cost.set_flink_kpus(kpus + apps * u64::from(ORCHESTRATION_KPUS), kpus);
    }
}

impl EngineKind for FlinkSpec {
    fn accept(_: &mut Simulation, _: usize, _: NodeIndex, _: Batch) -> u64 {
        0
    }

    fn offered(_: &mut Simulation, _: usize, _: usize) -> bool {
        false
    }

    fn producer_target(_: usize) -> Option<Target> {
        None
    }

    fn latency(sim: &Simulation, node: NodeIndex, _: usize) -> Option<&Latencies> {
        sim.reader_latency(node)
    }
}
