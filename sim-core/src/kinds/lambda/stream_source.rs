//! Lambda's event source mapping on a Kinesis stream (aws-facts 5.1). A
//! poller per shard reads what GetRecords returns into its buffer (the
//! calls go through the shard readers of `reads.rs`), split over the
//! shard's concurrent batches ("lanes") by partition key. Each lane invokes
//! the function with one batch at a time, back to back while it holds
//! records, and handles its own retries, bisecting, batching window and
//! on-failure notices, so a failing key blocks only its lane.

use crate::kinds::lambda::{BATCH_RECORD_BYTES, LaneBatch, STREAM_POLL_MS, ShardEsm};
use crate::kinds::{Batch, ReadBatch, ReaderState, Target};
use crate::metrics;
use crate::scenario::KeyDistribution;

use crate::engine::{Action, ReaderId, Simulation};

impl Simulation {
    /// Spreads the keys of every open shard over the lanes of function
    /// `func`, whose shard readers are consumer `slot`: a lane's share is
    /// the weight of the keys hashed to it, the producers writing the
    /// stream weighted by their rates. A shard no producer's keys reach
    /// (records forwarded by another stage) spreads evenly. Runs at the
    /// start and after every resharding; a closed shard keeps its shares.
    pub(crate) fn spread_lanes(&mut self, func: usize, slot: usize) {
        let source = self.consumers[slot].source;
        let stream = &self.streams[source];
        let ranges = stream.open_ranges();
        let f = &mut self.functions[func];
        let lanes = f.lanes();
        let mut rates: Vec<(&KeyDistribution, f64)> = Vec::new();
        for p in self.producers.iter().filter(|p| p.target == Target::Stream(source)) {
            match rates.iter_mut().find(|(keys, _)| **keys == p.spec.keys) {
                Some((_, rate)) => *rate += p.spec.records_per_s,
                None => rates.push((&p.spec.keys, p.spec.records_per_s)),
            }
        }
        let mut weights = vec![vec![0.0; lanes]; ranges.len()];
        for (keys, rate) in rates {
            self.key_rings.get(keys).add_lane_weights(&ranges, rate, &mut weights);
        }
        f.shards.resize_with(stream.shards.len(), || ShardEsm::new(lanes));
        for (w, &shard) in weights.iter().zip(&stream.open) {
            let total: f64 = w.iter().sum();
            if total > 0.0 {
                f.shards[shard].shares = w.iter().map(|x| x / total).collect();
            }
        }
    }

    /// A stream event source's poll of `shard` is due: batches that ended
    /// are settled and waiting ones sent first, then whether to call
    /// GetRecords. Not while the buffer is full (the next poll is a second
    /// later), nor once a closed shard is read to its end (the reader
    /// finishes when its lanes are empty).
    pub(crate) fn lambda_wants_records(&mut self, func: usize, slot: usize, shard: usize) -> bool {
        self.lambda_settle(func, slot, shard);
        let c = &self.consumers[slot];
        let reader = &c.readers[shard];
        if reader.state == ReaderState::Finished
            || self.streams[c.source].shards[shard].drained_at(reader.read)
        {
            return false;
        }
        let f = &self.functions[func];
        if f.shards[shard].has_room(f.stream_buffer()) {
            return true;
        }
        self.schedule(self.now + STREAM_POLL_MS, Action::Poll(ReaderId::new(slot, shard)));
        false
    }

    /// GetRecords returned `batch` to a stream event source: its records
    /// join the lanes, split by the shard's key shares with one multinomial
    /// draw, and idle lanes send their next batch. Returns whether the
    /// reader stops polling: a closed shard read to its end.
    pub(crate) fn lambda_take_batch(
        &mut self,
        func: usize,
        slot: usize,
        shard: usize,
        batch: ReadBatch,
    ) -> bool {
        let node = self.function_nodes[func];
        let now = self.now;
        let c = &mut self.consumers[slot];
        let reader = &mut c.readers[shard];
        // Records before `from` were trimmed by retention, which counted them.
        reader.read = batch.from + batch.records;
        if batch.records > 0 {
            reader.held += batch.records;
            // Within one call's records, a lane's arrival times are
            // interpolated between the call's first and last (MODEL.md).
            let last = batch.last_arrival.unwrap_or(now);
            let first = self.streams[c.source].shards[shard].arrival_at(batch.from).unwrap_or(last);
            let f = &mut self.functions[func];
            let (poison_rate, window) = (f.spec.poison_rate, f.batching_window());
            let esm = &mut f.shards[shard];
            let rng = &mut self.rngs[node];
            let mut counts = std::mem::take(&mut self.scratch);
            rng.multinomial(batch.records, &esm.shares, &mut counts);
            let (mut records_left, mut bytes_left) = (batch.records, batch.bytes);
            let mut window_opened = false;
            for (lane, &n) in esm.lanes.iter_mut().zip(&counts) {
                if n == 0 {
                    continue;
                }
                let bytes = if n == records_left {
                    bytes_left
                } else {
                    crate::wide::mul_div(batch.bytes, n, batch.records)
                };
                (records_left, bytes_left) = (records_left - n, bytes_left - bytes);
                if lane.waiting() == 0 {
                    lane.gathering_since = Some(now);
                    window_opened = true;
                }
                let start = lane.appended;
                lane.push(n, bytes, (first, last), batch.born_ms);
                // Poison records are drawn once, as their positions are read.
                let k = if poison_rate > 0.0 { rng.binomial(n, poison_rate) } else { 0 };
                for _ in 0..k {
                    lane.poison.insert(start + ((rng.unit() * n as f64) as u64).min(n - 1));
                }
            }
            self.scratch = counts;
            if window_opened && window > 0 {
                self.schedule(now + window, Action::Processed(ReaderId::new(slot, shard)));
            }
        }
        self.lambda_settle(func, slot, shard);
        let c = &self.consumers[slot];
        let reader = &c.readers[shard];
        reader.state == ReaderState::Finished
            || self.streams[c.source].shards[shard].drained_at(reader.read)
    }

    /// Settles a shard's lanes now: every batch whose invocation ended is
    /// finished first (all of them, so no outcome depends on which event of
    /// this millisecond ran first), then each lane that can sends its next
    /// batch. A closed shard read to its end with nothing held is finished
    /// and its children start. Runs at each poll, each invocation's end,
    /// and when a batching window or a throttled batch's wait ends.
    pub(crate) fn lambda_settle(&mut self, func: usize, slot: usize, shard: usize) {
        let lanes = self.functions[func].shards[shard].lanes.len();
        for lane in 0..lanes {
            let l = &self.functions[func].shards[shard].lanes[lane];
            if l.in_flight.is_some_and(|b| b.ends_at <= self.now) {
                self.finish_batch(func, slot, shard, lane);
            }
        }
        for lane in 0..lanes {
            self.send_batch(func, slot, shard, lane);
        }
        let c = &mut self.consumers[slot];
        let reader = &mut c.readers[shard];
        debug_assert_eq!(reader.held, self.functions[func].shards[shard].held(), "held records");
        if reader.held == 0
            && reader.state != ReaderState::Finished
            && self.streams[c.source].shards[shard].drained_at(reader.read)
        {
            reader.state = ReaderState::Finished;
            self.start_children(slot, shard);
        }
    }

    /// Sends a lane's next batch if it can: nothing in processing, no
    /// throttled batch waiting for the next poll, and a batch that is full
    /// (`BatchSize` records or the payload cap), or without a batching
    /// window, or whose window passed since it began to gather, or a failed
    /// batch's retry, which goes at once (aws-facts 5.1). Records held
    /// beyond the stream's retention are given up first: AWS retries until
    /// the record expires. A throttled invocation (aws-facts 5.3) does not
    /// count as an attempt and waits for the next poll, unless its records
    /// are past `MaximumRecordAgeInSeconds`, when it is given up.
    fn send_batch(&mut self, func: usize, slot: usize, shard: usize, lane: usize) {
        let (now, node) = (self.now, self.function_nodes[func]);
        let retention = self.streams[self.consumers[slot].source].retention;
        let l = &self.functions[func].shards[shard].lanes[lane];
        if l.in_flight.is_some() || l.retry_at > now || l.count() == 0 {
            return;
        }
        let expired = now.checked_sub(retention).map_or(0, |cutoff| l.arrived_by(cutoff));
        if expired > 0 {
            self.give_up(func, slot, shard, lane, expired);
        }
        let f = &self.functions[func];
        let l = &f.shards[shard].lanes[lane];
        let Some(next) = l.next_batch(f.stream_batch(), BATCH_RECORD_BYTES) else { return };
        let window = f.batching_window();
        let retry = l.blocked_at.is_some();
        if window > 0 && !next.full && !retry && l.gathering_since.is_some_and(|t| now < t + window)
        {
            return;
        }
        // aws-facts 5.1: IteratorAge, from the stream receiving the last
        // record to the event source sending the event.
        let age = now.saturating_sub(next.last_arrival);
        self.metrics[node].sample(metrics::lambda::ITERATOR_AGE, age as f64);
        let pool_free = self.unreserved_free();
        let f = &mut self.functions[func];
        if f.start(now, pool_free).is_none() {
            self.metrics[node].add(metrics::lambda::THROTTLES, 1.0);
            f.shards[shard].lanes[lane].retry_at = now + STREAM_POLL_MS;
            if f.too_old(age) {
                self.give_up(func, slot, shard, lane, next.records);
            }
            return self
                .schedule(now + STREAM_POLL_MS, Action::Processed(ReaderId::new(slot, shard)));
        }
        let run = f.run(next.records, &mut self.rngs[node]);
        let (arch, memory) = (f.spec.arch, f.spec.memory_mb);
        let bisect = f.spec.event_source.bisect_on_error;
        let l = &mut f.shards[shard].lanes[lane];
        let first_poison = l.poison.range(l.head..l.head + next.records).next().copied();
        let failed = run.failed || first_poison.is_some();
        // Bisecting isolates the bad record: the ones before it get through.
        let isolated = bisect && !run.failed && first_poison.is_some();
        let succeeded = match first_poison {
            _ if !failed => next.records,
            Some(p) if isolated => p - l.head,
            _ => 0,
        };
        let ends_at = now + run.duration;
        l.in_flight = Some(LaneBatch {
            records: next.records,
            ends_at,
            succeeded,
            failed,
            isolated,
            last_arrival: next.last_arrival,
        });
        // What is left begins to gather the next batch now.
        l.gathering_since = (l.waiting() > 0).then_some(now);
        let gathering = l.gathering_since.is_some();
        self.cost.lambda_invoke(arch, memory, run.billed_us);
        let m = &mut self.metrics[node];
        m.add(metrics::lambda::INVOCATIONS, 1.0);
        m.sample(metrics::lambda::DURATION, run.duration as f64);
        if failed {
            m.add(metrics::lambda::ERRORS, 1.0);
        }
        let id = ReaderId::new(slot, shard);
        self.schedule(ends_at, Action::Processed(id));
        if gathering && window > run.duration {
            self.schedule(now + window, Action::Processed(id));
        }
    }

    /// A lane's invocation ended: what succeeded is processed; a failed
    /// batch stays at the head to be retried, until `MaximumRetryAttempts`
    /// retries or `MaximumRecordAgeInSeconds` give it up (the isolated bad
    /// record alone after bisecting, else the whole batch).
    fn finish_batch(&mut self, func: usize, slot: usize, shard: usize, lane: usize) {
        let node = self.function_nodes[func];
        let now = self.now;
        let f = &mut self.functions[func];
        let max_retries = f.spec.event_source.maximum_retry_attempts;
        let Some(b) = f.shards[shard].lanes[lane].in_flight.take() else { return };
        f.end();
        let too_old = f.too_old(now.saturating_sub(b.last_arrival));
        let l = &mut f.shards[shard].lanes[lane];
        l.pop(b.succeeded);
        let mut given_up = 0;
        if b.failed {
            // The bad record, or the failed batch's first, is now the head.
            if l.blocked_at == Some(l.head) {
                l.attempts += 1;
            } else {
                (l.blocked_at, l.attempts) = (Some(l.head), 1);
            }
            let retries_over = max_retries >= 0 && i64::from(l.attempts) > i64::from(max_retries);
            if retries_over || too_old {
                (l.blocked_at, l.attempts) = (None, 0);
                given_up = if b.isolated { 1 } else { b.records };
            }
        } else {
            (l.blocked_at, l.attempts) = (None, 0);
        }
        let c = &mut self.consumers[slot];
        c.readers[shard].held -= b.succeeded;
        c.processed += b.succeeded;
        self.metrics[node].add(metrics::lambda::RECORDS_PROCESSED, b.succeeded as f64);
        if given_up > 0 {
            self.give_up(func, slot, shard, lane, given_up);
        }
    }

    /// Gives up the first `n` records a lane holds: they end unprocessed,
    /// and the on-failure destination, if any, gets one record about them
    /// (aws-facts 5.1).
    fn give_up(&mut self, func: usize, slot: usize, shard: usize, lane: usize, n: u64) {
        let f = &mut self.functions[func];
        f.shards[shard].lanes[lane].pop(n);
        f.discarded += n;
        self.consumers[slot].readers[shard].held -= n;
        if let Some(to) = f.on_failure {
            self.deliver(
                self.function_nodes[func],
                to,
                // An invocation record is made here (MODEL.md, Latency).
                Batch::arriving(1, 1_024, self.now, self.now),
            );
        }
    }
}
