//! KCL applications in the engine: checkpoints, worker crashes, lease
//! expiry and takeover, and reprocessing since the last checkpoint
//! (aws-facts 6). Reading and processing are the polling consumer's
//! (`reads.rs`), including parents before children after resharding.

use crate::engine::{Action, EngineKind, Simulation};
use crate::kinds::{Batch, ReaderState, Target};
use crate::metrics::{Latencies, kcl};
use crate::scenario::{KclSpec, NodeIndex, NodeKind};
use crate::time::SECOND;

impl Simulation {
    /// `records` processed on `shard` by application `app`'s record
    /// processor, which is now at `position`.
    pub(crate) fn kcl_processed(&mut self, app: usize, shard: usize, records: u64, position: u64) {
        if self.kcls[app].processed(shard, records, position, self.now) {
            self.metrics[self.kcl_nodes[app]].add(kcl::CHECKPOINTS, 1.0);
        }
    }

    /// Worker `worker` of KCL application node `node` dies: its record
    /// processors stop at once (a batch still in processing is lost and
    /// will be read again), and its leases are taken when they expire.
    pub(crate) fn crash_worker(&mut self, node: NodeIndex, worker: u32) -> Result<(), String> {
        let app = self.slot_of(node, NodeKind::KclApp)?;
        let k = &self.kcls[app];
        let w = worker as usize;
        let refusal = match k.alive.get(w) {
            None => Some(format!(
                "worker {worker} does not exist; the application has workers 0 to {}",
                k.alive.len() - 1
            )),
            Some(false) => Some(format!("worker {worker} is already down")),
            Some(true) => None,
        };
        if let Some(why) = refusal {
            self.journal(node, format!("refused: {why}"), true);
            return Err(why);
        }
        let consumer = k.consumer;
        let held: Vec<usize> =
            (0..k.leases.len()).filter(|&s| k.leases[s].owner == Some(worker)).collect();
        for &shard in &held {
            self.drop_batch_in_processing(consumer, shard);
            self.consumers[consumer].readers[shard].paused = true;
        }
        let k = &mut self.kcls[app];
        k.alive[w] = false;
        let at = k.takeover_at(self.now);
        self.schedule(at, Action::LeaseTakeover { slot: app as u32, worker });
        let text = format!(
            "worker {worker} crashed holding {} lease{}; other workers take over at {} s, after \
             failoverTimeMillis and the next lease-taker run",
            held.len(),
            if held.len() == 1 { "" } else { "s" },
            at as f64 / SECOND as f64
        );
        self.journal(node, text, false);
        Ok(())
    }

    /// The dead worker's leases have expired: the least loaded live workers
    /// take them one by one and resume from the last checkpoint, so the
    /// records processed after it are processed again (aws-facts 6).
    pub(crate) fn lease_takeover(&mut self, app: usize, worker: u32) {
        let node = self.kcl_nodes[app];
        let orphaned: Vec<usize> = (0..self.kcls[app].leases.len())
            .filter(|&s| self.kcls[app].leases[s].owner == Some(worker))
            .collect();
        let (mut taken, mut duplicates) = (0u64, 0u64);
        for shard in orphaned {
            let Some(owner) = self.kcls[app].least_loaded() else {
                self.kcls[app].leases[shard].owner = None;
                continue; // no live worker: the shard waits.
            };
            taken += 1;
            duplicates += self.move_lease(app, shard, owner);
        }
        self.kcls[app].duplicates += duplicates;
        self.kcls[app].leases_taken += taken;
        let m = &mut self.metrics[node];
        m.add(kcl::DUPLICATE_RECORDS, duplicates as f64);
        m.add(kcl::LEASES_TAKEN, taken as f64);
        let text = if self.kcls[app].live_workers() == 0 {
            format!("worker {worker}'s leases expired; no live worker is left to take them")
        } else {
            format!(
                "worker {worker}'s {taken} lease{} taken over; {duplicates} records after the last \
                 checkpoint{} will be processed again",
                if taken == 1 { "" } else { "s" },
                if taken == 1 { "" } else { "s" }
            )
        };
        self.journal(node, text, false);
    }

    /// A batch in processing when its lease is lost: booked if it finished,
    /// otherwise dropped, to be read again by the next owner.
    fn drop_batch_in_processing(&mut self, consumer: usize, shard: usize) {
        let r = &self.consumers[consumer].readers[shard];
        if r.in_processing > 0 && r.done_at <= self.now {
            self.book_processed(consumer, shard);
        }
        let r = &mut self.consumers[consumer].readers[shard];
        r.read -= r.in_processing;
        r.in_processing = 0;
        r.in_processing_bytes = 0;
        r.in_processing_keys = 0;
    }

    /// Gives `shard`'s lease of application `app` to `owner`, which resumes
    /// from the last checkpoint; returns the records it will process again.
    fn move_lease(&mut self, app: usize, shard: usize, owner: u32) -> u64 {
        let consumer = self.kcls[app].consumer;
        self.drop_batch_in_processing(consumer, shard);
        let source = self.consumers[consumer].source;
        let trimmed = self.streams[source].shards[shard].trimmed;
        let lease = &mut self.kcls[app].leases[shard];
        lease.owner = Some(owner);
        let r = &mut self.consumers[consumer].readers[shard];
        r.paused = false;
        if r.state == ReaderState::Finished {
            return 0;
        }
        let checkpoint = lease.checkpoint.max(trimmed).min(r.read);
        let duplicates = r.read - checkpoint;
        r.read = checkpoint;
        lease.since_checkpoint = 0;
        lease.checkpointed_at = self.now;
        if r.state == ReaderState::Waiting {
            self.start_reader_if_ready(consumer, shard);
        }
        duplicates
    }

    /// A dead worker of KCL application node `node` comes back with no
    /// leases; lease-taker runs then balance leases by stealing.
    pub(crate) fn restart_worker(&mut self, node: NodeIndex, worker: u32) -> Result<(), String> {
        let app = self.slot_of(node, NodeKind::KclApp)?;
        let k = &mut self.kcls[app];
        let refusal = match k.alive.get(worker as usize) {
            None => Some(format!(
                "worker {worker} does not exist; the application has workers 0 to {}",
                k.alive.len() - 1
            )),
            Some(true) => Some(format!("worker {worker} is already running")),
            Some(false) => None,
        };
        if let Some(why) = refusal {
            self.journal(node, format!("refused: {why}"), true);
            return Err(why);
        }
        k.alive[worker as usize] = true;
        let at = k.next_taker_run(self.now + 1);
        self.schedule(at, Action::LeaseBalance { slot: app as u32 });
        self.journal(node, format!("worker {worker} restarted with no leases"), false);
        Ok(())
    }

    /// A lease-taker run for balance: each worker below its share steals
    /// one lease; runs again while the leases are still uneven.
    pub(crate) fn lease_balance(&mut self, app: usize) {
        let steals = self.kcls[app].steals();
        if steals.is_empty() {
            return;
        }
        let mut duplicates = 0;
        for &(shard, thief) in &steals {
            duplicates += self.move_lease(app, shard, thief);
        }
        let node = self.kcl_nodes[app];
        self.kcls[app].duplicates += duplicates;
        self.kcls[app].leases_taken += steals.len() as u64;
        let m = &mut self.metrics[node];
        m.add(kcl::DUPLICATE_RECORDS, duplicates as f64);
        m.add(kcl::LEASES_TAKEN, steals.len() as f64);
        let text = format!(
            "lease balancing: {} lease{} stolen; {duplicates} records will be processed again",
            steals.len(),
            if steals.len() == 1 { "" } else { "s" }
        );
        self.journal(node, text, false);
        let next = self.kcls[app].next_taker_run(self.now + 1);
        self.schedule(next, Action::LeaseBalance { slot: app as u32 });
    }

    /// After resharding: a lease for every new shard, given to the least
    /// loaded live worker; a shard nobody can lease stays paused.
    pub(crate) fn sync_kcl_leases(&mut self, consumer: usize) {
        let Some(app) = self.consumers[consumer].kcl else { return };
        let k = &mut self.kcls[app];
        let readers = &mut self.consumers[consumer].readers;
        while k.leases.len() < readers.len() {
            let owner = k.least_loaded();
            let shard = k.leases.len();
            readers[shard].paused = owner.is_none();
            k.leases.push(crate::kinds::kcl::Lease {
                owner,
                checkpointed_at: self.now,
                ..Default::default()
            });
        }
    }

    /// End-of-second gauge: live workers of each application.
    pub(crate) fn sample_kcl_gauges(&mut self) {
        for (app, k) in self.kcls.iter().enumerate() {
            let live = k.live_workers() as f64;
            self.metrics[self.kcl_nodes[app]].sample(kcl::LIVE_WORKERS, live);
        }
    }
}

impl EngineKind for KclSpec {
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
