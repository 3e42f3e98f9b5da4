//! The read side: shared-throughput polling, enhanced fan-out pushes,
//! processing, the order of reading across resharding, and retention.

use crate::kinds::consumer::{EFO_PROPAGATION_MS, PUSH_BYTES};
use crate::kinds::{ReadBatch, ReaderState};
use crate::metrics;
use crate::rng::NodeRng;
use crate::time::{SECOND, SimTime};

use crate::engine::{Action, ReaderId, Simulation};

impl Simulation {
    /// A shared-throughput GetRecords call by consumer `slot` on `shard`.
    pub(crate) fn poll(&mut self, slot: usize, shard: usize) {
        // A Lambda event source reads while its buffer has room.
        if let Some(func) = self.consumers[slot].lambda
            && !self.lambda_wants_records(func, slot, shard)
        {
            return;
        }
        self.book_processed(slot, shard);
        let c = &mut self.consumers[slot];
        if c.readers[shard].paused {
            // No live worker holds the lease: stop until one takes it.
            c.readers[shard].state = ReaderState::Waiting;
            return;
        }
        let stream_node = self.stream_nodes[c.source];
        let s = &mut self.streams[c.source].shards[shard];
        let from = c.readers[shard].read;
        let next_poll = self.now + c.spec.poll_interval_ms;
        let Some(batch) = s.get_records(self.now, from, u64::from(c.spec.max_records_per_call))
        else {
            // ReadProvisionedThroughputExceeded: no records and no
            // MillisBehindLatest; the reader backs off with jitter.
            self.metrics[stream_node].add(metrics::stream::READ_THROTTLED, 1.0);
            let node = self.consumer_nodes[slot];
            let wait = refused_read_backoff(c.spec.poll_interval_ms, &mut self.rngs[node]);
            return self.schedule(self.now + wait, Action::Poll(ReaderId::new(slot, shard)));
        };
        let sm = &mut self.metrics[stream_node];
        sm.add(metrics::stream::GET_RECORDS_RECORDS, batch.records as f64);
        sm.add(metrics::stream::GET_RECORDS_BYTES, batch.bytes as f64);
        self.cost.read(self.streams[c.source].is_on_demand(), false, batch.bytes);
        let age = batch.last_arrival.map_or(0, |t| self.now - t);
        sm.sample(metrics::stream::ITERATOR_AGE, age as f64);
        if !self.take_batch(slot, shard, &batch) {
            self.schedule(next_poll, Action::Poll(ReaderId::new(slot, shard)));
        }
    }

    /// An enhanced fan-out push to consumer `slot` from `shard`: whatever
    /// arrived, up to the consumer's own 2 MiB/s for the shard.
    pub(crate) fn push(&mut self, slot: usize, shard: usize) {
        let c = &mut self.consumers[slot];
        let stream_node = self.stream_nodes[c.source];
        let s = &mut self.streams[c.source].shards[shard];
        let reader = &mut c.readers[shard];
        let allowance = reader.push_bytes.available(&PUSH_BYTES, self.now);
        if allowance <= 0.0 {
            // Out of throughput: resume when a tenth of a second's worth refilled.
            let per_s = PUSH_BYTES.capacity();
            let wait = ((-allowance + per_s / 10.0) / per_s * 1_000.0).ceil() as u64;
            self.schedule(self.now + wait.max(1), Action::Push(ReaderId::new(slot, shard)));
            return;
        }
        let batch = s.read_from(reader.read, u64::MAX, allowance as u64);
        reader.push_bytes.take(&PUSH_BYTES, self.now, batch.bytes as f64);
        let sm = &mut self.metrics[stream_node];
        sm.add(metrics::stream::EFO_RECORDS, batch.records as f64);
        sm.add(metrics::stream::EFO_BYTES, batch.bytes as f64);
        self.cost.read(self.streams[c.source].is_on_demand(), true, batch.bytes);
        if !self.take_batch(slot, shard, &batch) {
            self.consumers[slot].readers[shard].state = ReaderState::Idle;
        }
    }

    /// Starts processing a batch a reader just received. Returns false when
    /// the batch was empty (and the reader has nothing to do); a closed,
    /// drained shard then finishes and its children start.
    // Always inlined, like `book_processed`: every poll runs both, and LTO
    // kept them out of line (3% of the instructions of a run of `large`).
    #[inline(always)]
    fn take_batch(&mut self, slot: usize, shard: usize, batch: &ReadBatch) -> bool {
        let node = self.consumer_nodes[slot];
        let measuring = self.measuring();
        let c = &mut self.consumers[slot];
        // The read's records, taken as spread evenly between its first and
        // last arrival, waited from then to now (MODEL.md, Latency).
        if let (Some(first), Some(last), true) =
            (batch.first_arrival, batch.last_arrival, measuring)
        {
            c.latency.record(self.now, first, last, batch.born_ms, batch.records);
        }
        let s = &self.streams[c.source].shards[shard];
        if let Some(func) = c.lambda {
            return self.lambda_take_batch(func, slot, shard, *batch);
        }
        let reader = &mut c.readers[shard];
        // Records before `from` were trimmed by retention, which counted them.
        reader.read = batch.from + batch.records;
        let behind = batch.next_arrival.map_or(0, |t| self.now.saturating_sub(t));
        self.metrics[node].sample(c.metrics.behind_latest, behind as f64);
        if batch.records > 0 {
            reader.in_processing = batch.records;
            // The application gets each record's data; its key stays
            // beside it (MODEL.md, Forwarding between stages).
            reader.in_processing_bytes = batch.bytes - batch.key_bytes;
            reader.in_processing_keys = u32::try_from(batch.key_bytes).unwrap_or(u32::MAX);
            reader.state = ReaderState::Busy;
            c.in_processing_born[shard] = batch.born_ms;
            let busy = c.processing_time(batch.records, &mut self.rngs[node]);
            let done_at = match c.flink {
                Some(app) => self.flink_process(app, shard, busy, batch.records),
                None => self.now + busy,
            };
            let c = &mut self.consumers[slot];
            c.readers[shard].done_at = done_at;
            if c.is_efo() || c.output.is_some() {
                // Pushes, and readers that hand records on, finish with an
                // event of their own so the hand-off happens on time.
                self.schedule(done_at, Action::Processed(ReaderId::new(slot, shard)));
            } else {
                // A poller reads again after processing plus the idle time.
                // Its records are booked as processed by that poll, or by the
                // second's tick if that comes first, which keeps events to one
                // per call (the ledger counts them done from `done_at` on).
                let next = done_at + c.spec.poll_interval_ms;
                self.schedule(next, Action::Poll(ReaderId::new(slot, shard)));
            }
            return true;
        }
        let reader = &mut c.readers[shard];
        if s.drained_at(reader.read) {
            reader.state = ReaderState::Finished;
            self.start_children(slot, shard);
            return true;
        }
        false
    }

    /// The end of processing a pushed batch, or of a polled batch whose
    /// records go on to another node: records booked, then the next push
    /// at once or the next poll after the idle time.
    pub(crate) fn processed(&mut self, slot: usize, shard: usize) {
        // A Lambda event source's invocation ended, a batching window passed
        // or a throttled batch may retry: its lanes go on.
        if let Some(func) = self.consumers[slot].lambda {
            return self.lambda_settle(func, slot, shard);
        }
        self.book_processed(slot, shard);
        let id = ReaderId::new(slot, shard);
        let c = &self.consumers[slot];
        if c.is_efo() {
            self.schedule(self.now, Action::Push(id));
        } else {
            self.schedule(self.now + c.spec.poll_interval_ms, Action::Poll(id));
        }
    }

    /// Books a reader's finished batch as processed, and hands what it
    /// produces to the consumer's output, if it has one.
    #[inline(always)]
    pub(crate) fn book_processed(&mut self, slot: usize, shard: usize) {
        let node = self.consumer_nodes[slot];
        let c = &mut self.consumers[slot];
        let done = std::mem::take(&mut c.readers[shard].in_processing);
        let bytes = std::mem::take(&mut c.readers[shard].in_processing_bytes);
        let keys = std::mem::take(&mut c.readers[shard].in_processing_keys);
        if done == 0 {
            return;
        }
        c.processed += done;
        // A Flink application counts its records as its vCPUs work
        // (kinds/flink/engine.rs).
        if c.flink.is_none() {
            self.metrics[node].add(c.metrics.processed, done as f64);
        }
        if let Some(app) = c.kcl {
            let position = c.readers[shard].read;
            self.kcl_processed(app, shard, done, position);
        }
        let c = &mut self.consumers[slot];
        if let Some(out) = c.output {
            let sent = c.forwarded(out, done, (bytes, u64::from(keys)));
            let born = c.in_processing_born[shard];
            if let Some(app) = c.flink {
                self.flink_emitted(app, sent.records);
            }
            let batch = crate::kinds::Batch::arriving(sent.records, sent.bytes, self.now, born);
            self.deliver(
                node,
                out.node,
                crate::kinds::Batch { key_bytes: sent.key_bytes, ..batch },
            );
        }
    }

    /// Books every batch that finished before this second's tick, so
    /// `RecordsProcessed` lands in the second the processing ended.
    pub(crate) fn book_finished_batches(&mut self) {
        for slot in 0..self.consumers.len() {
            for shard in 0..self.consumers[slot].readers.len() {
                let r = &self.consumers[slot].readers[shard];
                if r.in_processing > 0 && r.done_at < self.now {
                    self.book_processed(slot, shard);
                }
            }
        }
    }

    /// Starts reader `shard` of consumer `slot` if every parent is finished.
    pub(crate) fn start_reader_if_ready(&mut self, slot: usize, shard: usize) {
        let c = &self.consumers[slot];
        let stream = &self.streams[c.source];
        let ready = c.readers[shard].state == ReaderState::Waiting
            && !c.readers[shard].paused
            && stream.shards[shard]
                .parents
                .iter()
                .all(|&p| c.readers[p].state == ReaderState::Finished);
        if !ready {
            return;
        }
        let action = if c.is_efo() {
            Action::Push(ReaderId::new(slot, shard))
        } else {
            Action::Poll(ReaderId::new(slot, shard))
        };
        self.consumers[slot].readers[shard].state = ReaderState::Busy;
        self.schedule(self.now, action);
    }

    pub(crate) fn start_children(&mut self, slot: usize, shard: usize) {
        let source = self.consumers[slot].source;
        let children: Vec<usize> = (0..self.streams[source].shards.len())
            .filter(|&i| self.streams[source].shards[i].parents.contains(&shard))
            .collect();
        for child in children {
            self.start_reader_if_ready(slot, child);
        }
    }

    /// Wakes the idle enhanced fan-out readers of a shard that just received
    /// records; the push arrives after the propagation delay.
    pub(crate) fn wake_pushes(&mut self, stream: usize, shard: usize) {
        for i in 0..self.streams[stream].readers.len() {
            let slot = self.streams[stream].readers[i];
            let consumer = &mut self.consumers[slot];
            let efo = consumer.is_efo();
            let reader = &mut consumer.readers[shard];
            if efo && reader.state == ReaderState::Idle {
                reader.state = ReaderState::Busy;
                self.schedule(
                    self.now + EFO_PROPAGATION_MS,
                    Action::Push(ReaderId::new(slot, shard)),
                );
            }
        }
    }

    /// Once a second, the simulator's age of the oldest record each reader
    /// of a stream has not read yet: the largest over its shards. It grows
    /// whether or not calls succeed, unlike MillisBehindLatest.
    pub(crate) fn sample_unread_ages(&mut self) {
        for (slot, c) in self.consumers.iter().enumerate() {
            let shards = &self.streams[c.source].shards;
            let oldest = c
                .readers
                .iter()
                .zip(shards)
                .filter(|(r, s)| r.read < s.appended)
                .filter_map(|(r, s)| s.arrival_at(r.read))
                .min();
            // A Lambda event source also holds records read, not processed.
            let held = c.lambda.and_then(|f| self.functions[f].oldest_held());
            let oldest = oldest.into_iter().chain(held).min();
            let age = oldest.map_or(0, |t| self.now.saturating_sub(t));
            self.metrics[self.consumer_nodes[slot]].sample(c.metrics.oldest_unread, age as f64);
        }
    }

    /// Retention: drops records older than the retention period; records the
    /// slowest reader had not reached are lost (aws-facts 1.3). Then merges
    /// old cohorts into coarser buckets, so a shard's memory is bounded
    /// whatever its retention.
    pub(crate) fn expire_and_coalesce(&mut self) {
        // The second that closes now counts if it started after the warm-up.
        let measured = self.now - SECOND >= self.warmup_ms();
        for (slot, stream) in self.streams.iter_mut().enumerate() {
            let node = self.stream_nodes[slot];
            for (i, shard) in stream.shards.iter_mut().enumerate() {
                let min_read =
                    stream.readers.iter().map(|&c| self.consumers[c].readers[i].read).min();
                if let Some((start, end)) = shard.expire(self.now, stream.retention) {
                    let lost = end - min_read.unwrap_or(start).clamp(start, end);
                    stream.expired += lost;
                    self.metrics[node].add(metrics::stream::EXPIRED_RECORDS, lost as f64);
                    for &c in &stream.readers {
                        let consumer = &mut self.consumers[c];
                        let r = &mut consumer.readers[i];
                        if r.read < end {
                            consumer.missed += end - r.read.max(start);
                            r.read = end;
                        }
                    }
                }
                let read_by_all = stream
                    .readers
                    .iter()
                    .map(|&c| self.consumers[c].readers[i].read)
                    .min()
                    .unwrap_or(shard.appended);
                shard.coalesce(self.now, read_by_all);
                shard.close_second(measured);
            }
        }
    }
}

/// How long a reader waits after a refused GetRecords call: the poll
/// interval, but at least the KCL's 200 ms minimum between reads
/// (aws-facts 6), times a uniform jitter of 0.5 to 1.5. AWS's SDKs and the
/// KCL retry throttled calls with jittered backoff; the exact policy is
/// not in aws-facts, so this is the simplest one with that shape: readers
/// that collide draw apart instead of locking into a phase where one of
/// them wins every refilled call, and a reader polling every millisecond
/// costs a few events a second once refused.
fn refused_read_backoff(poll_interval_ms: SimTime, rng: &mut NodeRng) -> SimTime {
    let base = poll_interval_ms.max(MIN_MS_BETWEEN_READS) as f64;
    libm::round(base * rng.uniform(0.5, 1.5)).max(1.0) as SimTime
}

/// aws-facts 6: the KCL's minimum idle time between reads.
pub(crate) const MIN_MS_BETWEEN_READS: SimTime = 200;
