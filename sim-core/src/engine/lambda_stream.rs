//! Lambda's event source mapping on a Kinesis stream (aws-facts 5.1): the
//! batches a shard's reader hands to the function, parallel invocations,
//! retries, bisecting and on-failure notices. The reading itself goes
//! through the shard readers of `reads.rs`.

use crate::metrics;
use crate::time::SECOND;

use super::{Action, Simulation};

impl Simulation {
    /// A stream event source's GetRecords returned records (aws-facts 5.1):
    /// up to `ParallelizationFactor` invocations of `BatchSize` run at once,
    /// in order. A failed batch (an error, a timeout, a poison record)
    /// blocks the shard: it is read again from there at the next poll,
    /// until `MaximumRetryAttempts` or `MaximumRecordAgeInSeconds` gives it
    /// up (to the on-failure destination, if any). With
    /// `BisectBatchOnFunctionError` the records before the bad one get
    /// through and only the bad one is given up. Throttled invocations are
    /// retried without counting as attempts (aws-facts 5.3).
    pub(super) fn lambda_take_batch(
        &mut self,
        func: usize,
        slot: usize,
        shard: usize,
        batch: crate::nodes::ReadBatch,
    ) -> bool {
        let node = self.function_nodes[func];
        let now = self.now;
        let end = batch.from + batch.records;
        let age = batch.last_arrival.map_or(0, |t| now.saturating_sub(t));
        self.metrics[node].sample(metrics::lambda::ITERATOR_AGE, age as f64);
        let f = &mut self.functions[func];
        if f.shards.len() <= shard {
            f.shards.resize(shard + 1, Default::default());
        }
        // Poison records are drawn once, when their positions are first read.
        let rate = f.spec.poison_rate;
        let st = &mut f.shards[shard];
        if end > st.checked {
            let start = st.checked.max(batch.from);
            let n = end - start;
            let rng = &mut self.rngs[node];
            let k = if rate > 0.0 { rng.binomial(n, rate) } else { 0 };
            for _ in 0..k {
                let at = start + ((rng.unit() * n as f64) as u64).min(n - 1);
                st.poison.insert(at);
            }
            st.checked = end;
        }
        let es = f.spec.event_source.clone();
        let size = f.stream_batch();
        let invocations = batch.records.div_ceil(size).min(u64::from(es.parallelization_factor));
        let (mut busy, mut advance, mut started) = (0, 0, 0);
        let mut failure_notices = 0;
        for i in 0..invocations {
            let lo = batch.from + i * size;
            let n = size.min(end - lo);
            let pool_free = self.unreserved_free();
            let f = &mut self.functions[func];
            if f.start(now, pool_free).is_none() {
                self.metrics[node].add(metrics::lambda::THROTTLES, 1.0);
                break;
            }
            f.shards[shard].running += 1;
            started += 1;
            let run = f.run(n, &mut self.rngs[node]);
            let (arch, memory) = (f.spec.arch, f.spec.memory_mb);
            self.cost.lambda_invoke(arch, memory, run.billed_us);
            let m = &mut self.metrics[node];
            m.add(metrics::lambda::INVOCATIONS, 1.0);
            m.sample(metrics::lambda::DURATION, run.duration as f64);
            busy = busy.max(run.duration);
            let st = &mut self.functions[func].shards[shard];
            let first_poison = st.poison.range(lo..lo + n).next().copied();
            if !run.failed && first_poison.is_none() {
                advance += n;
                st.attempts = 0;
                st.blocked_at = None;
                continue;
            }
            self.metrics[node].add(metrics::lambda::ERRORS, 1.0);
            // Bisecting isolates the bad record: the ones before it succeed.
            let isolated = es.bisect_on_error && !run.failed && first_poison.is_some();
            let bad = match first_poison {
                Some(p) if isolated => {
                    advance += p - lo;
                    p
                }
                _ => lo,
            };
            if st.blocked_at == Some(bad) {
                st.attempts += 1;
            } else {
                (st.blocked_at, st.attempts) = (Some(bad), 1);
            }
            let retries_over = es.maximum_retry_attempts >= 0
                && i64::from(st.attempts) > i64::from(es.maximum_retry_attempts);
            let too_old = es.maximum_record_age_s >= 0
                && age > u64::from(es.maximum_record_age_s.unsigned_abs()) * SECOND;
            if retries_over || too_old {
                // Given up: the bad record alone after bisecting, else the
                // whole batch from the bad record on.
                let given_up = if isolated { 1 } else { n };
                let f = &mut self.functions[func];
                f.discarded += given_up;
                let st = &mut f.shards[shard];
                let gone: Vec<u64> = st.poison.range(bad..bad + given_up).copied().collect();
                for p in gone {
                    st.poison.remove(&p);
                }
                (st.blocked_at, st.attempts) = (None, 0);
                advance += given_up;
                failure_notices += 1;
            }
            break;
        }
        // aws-facts 5.1: the on-failure destination gets one record about
        // each batch given up.
        if let (Some(to), true) = (self.functions[func].on_failure, failure_notices > 0) {
            let notice = crate::nodes::Batch {
                records: failure_notices,
                bytes: failure_notices * 1_024,
                oldest_ms: now,
            };
            self.deliver(to, notice);
        }
        // More records wait behind this batch (or the batch is read again).
        self.functions[func].shards[shard].behind =
            batch.next_arrival.is_some() || advance < batch.records;
        let c = &mut self.consumers[slot];
        let reader = &mut c.readers[shard];
        reader.read = batch.from + advance;
        if started == 0 {
            return false; // throttled: the next poll reads the same records
        }
        reader.in_processing = advance;
        reader.in_processing_bytes = batch.bytes * advance / batch.records.max(1);
        reader.state = crate::nodes::ReaderState::Busy;
        reader.done_at = now + busy;
        self.schedule(now + busy, Action::Processed(super::ReaderId::new(slot, shard)));
        true
    }

    /// The invocations of a stream event source's batch ended. Returns
    /// whether the shard has more records waiting.
    pub(super) fn lambda_batch_ended(&mut self, func: usize, shard: usize) -> bool {
        let f = &mut self.functions[func];
        let Some(st) = f.shards.get_mut(shard) else { return false };
        let ended = std::mem::take(&mut st.running);
        f.running = f.running.saturating_sub(ended);
        st.behind
    }
}
