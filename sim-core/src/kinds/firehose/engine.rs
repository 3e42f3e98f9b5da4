//! Firehose delivery streams in the engine: Direct PUT, the buffer's size
//! and interval flushes, and delivery to the destination with retries,
//! backup and loss (aws-facts 3).

use crate::engine::{Action, EngineKind, Simulation};
use crate::kinds::firehose::{Batch, Firehose, Invocation, S3_RETRY_DURATION_MS};
use crate::kinds::{RetryBatch, ShardRecords, Target};
use crate::metrics::{Latencies, destination, firehose};
use crate::scenario::{Api, FirehoseSpec, NodeIndex};
use crate::time::SECOND;

use crate::kinds::stream::writes::Attempt;

impl Simulation {
    /// One PutRecordBatch attempt (or PutRecord calls) of a producer group
    /// to delivery stream `slot`: the per-stream quotas decide what is
    /// accepted (aws-facts 3.2); the rest is `ThrottledRecords` and retried
    /// by the producer like any throttled write.
    pub(crate) fn put_record_batch(&mut self, group: usize, mut batch: RetryBatch, slot: usize) {
        batch.attempts += 1;
        let spec = &self.producers[self.groups[group].lead()].spec;
        let records = batch.records();
        // A retry gathers refused records of several batches: their mean size.
        let data: u64 = batch.per_shard.iter().map(|s| s.records * s.data_bytes).sum();
        let data_bytes = data.checked_div(records).unwrap_or(0);
        let (max_records, max_bytes) = match spec.api {
            Api::PutRecord => (1, u64::MAX),
            Api::PutRecords { max_records_per_request, max_request_bytes } => {
                (u64::from(max_records_per_request), max_request_bytes)
            }
        };
        let requests = Firehose::requests_for(records, data_bytes, max_records, max_bytes);
        let out = self.firehoses[slot].put(self.now, records, data_bytes, requests);
        let throttled = records - out.accepted;
        // aws-facts 2.3: each record rounded up to 5 KB, at the expected
        // rounded size of the producer's size law.
        let billed = self.producers[self.groups[group].lead()].firehose_billed(out.accepted);
        let taken =
            Batch::arriving(out.accepted, out.accepted * data_bytes, self.now, batch.born_ms);
        self.firehose_accept(slot, taken, billed, out.requests, throttled);
        batch.per_shard.clear();
        if throttled > 0 {
            batch.per_shard.push(ShardRecords { shard: 0, records: throttled, data_bytes });
        }
        let outcome = Attempt {
            accepted: out.accepted,
            data_put: out.accepted * data_bytes,
            kinesis_put: out.accepted,
            requests,
            throttled,
        };
        self.settle(group, batch, outcome);
    }

    /// Books the records delivery stream `slot` accepted (arriving now)
    /// in `requests` calls (and `throttled` it refused), bills their
    /// `billed_bytes` of ingestion and passes them on: to the
    /// transformation if there is one, else to the buffer.
    pub(crate) fn firehose_accept(
        &mut self,
        slot: usize,
        batch: Batch,
        billed_bytes: u64,
        requests: u64,
        throttled: u64,
    ) {
        let m = &mut self.metrics[self.firehose_nodes[slot]];
        m.add(firehose::INCOMING_RECORDS, batch.records as f64);
        m.add(firehose::INCOMING_BYTES, batch.bytes as f64);
        m.add(firehose::INCOMING_PUT_REQUESTS, requests as f64);
        m.add(firehose::THROTTLED_RECORDS, throttled as f64);
        // aws-facts 2.3: ingestion, Direct PUT or from a stream, is metered
        // per record rounded up to 5 KB, and format conversion on the same.
        let converts = self.firehoses[slot].spec.format_conversion;
        self.cost.firehose_ingest(billed_bytes, converts);
        if batch.is_empty() {
            return;
        }
        self.firehoses[slot].incoming += batch.records;
        if self.firehoses[slot].spec.transform.is_some() {
            self.transform_receive(slot, batch);
        } else {
            self.firehose_receive(slot, batch);
        }
    }

    /// Records entering delivery stream `slot`'s buffer; starts the
    /// interval timer of a new buffer and queues any object cut by size.
    pub(crate) fn firehose_receive(&mut self, slot: usize, batch: Batch) {
        if batch.is_empty() {
            return;
        }
        let fh = &mut self.firehoses[slot];
        if fh.buffer_records(self.now, batch) {
            // aws-facts 3.1: the interval counts from the buffer's first record.
            let at = self.now + fh.spec.buffer_interval_s * SECOND;
            let generation = fh.generation;
            self.schedule(at, Action::FirehoseTimer { slot: slot as u32, generation });
        }
        self.try_deliver(slot);
    }

    /// The buffer interval of delivery stream `slot` ran out: flush, unless
    /// the buffer was flushed by size since the timer started.
    pub(crate) fn firehose_timer(&mut self, slot: usize, generation: u32) {
        let fh = &mut self.firehoses[slot];
        if fh.generation == generation {
            fh.flush();
            self.try_deliver(slot);
        }
    }

    /// Starts delivering the oldest queued object, unless a delivery is
    /// under way. A destination that is down fails the attempt: Firehose
    /// retries until the retry duration (24 h for S3, aws-facts 3.3) has
    /// passed since the first failure, then backs the object up to S3 or
    /// loses it.
    pub(crate) fn try_deliver(&mut self, slot: usize) {
        let fh_node = self.firehose_nodes[slot];
        let fh = &mut self.firehoses[slot];
        if self.destinations[fh.destination].is_down(self.now) {
            // AWS attempts each object as it is cut, so every object cut
            // while the destination is down starts its retry clock then.
            for o in fh.outbox.iter_mut().filter(|o| o.failing_since.is_none()) {
                o.failing_since = Some(self.now);
            }
        }
        loop {
            let fh = &mut self.firehoses[slot];
            if fh.delivering {
                return;
            }
            let dest = &self.destinations[fh.destination];
            let dest_node = self.destination_nodes[fh.destination];
            let Some(front) = fh.outbox.front_mut() else { return };
            if !dest.is_down(self.now) {
                fh.delivering = true;
                let done = self.now + dest.delivery_ms(front.batch.bytes);
                self.schedule(done, Action::DeliveryDone { slot: slot as u32 });
                return;
            }
            self.metrics[dest_node].add(destination::FAILED_ATTEMPTS, 1.0);
            let since = *front.failing_since.get_or_insert(self.now);
            // aws-facts 3.3: S3 retries for 24 h; others for the retry duration.
            let limit =
                if dest.is_s3() { S3_RETRY_DURATION_MS } else { fh.spec.retry_duration_s * SECOND };
            if self.now - since < limit {
                fh.delivering = true;
                let next = (self.now + dest.retry_interval_ms()).min(since + limit);
                self.schedule(next, Action::DeliveryRetry { slot: slot as u32 });
                return;
            }
            // aws-facts 3.3: after the retry duration, S3 backup or loss.
            let backup = !dest.is_s3() && fh.spec.s3_backup;
            let records = fh.outbox.pop_front().map_or(0, |o| o.batch.records);
            let (metric, what) = if backup {
                fh.backed_up += records;
                (firehose::BACKUP_RECORDS, "backed up to S3")
            } else {
                fh.lost += records;
                (firehose::RECORDS_LOST, "lost")
            };
            self.metrics[fh_node].add(metric, records as f64);
            self.journal(
                fh_node,
                format!("retry duration exhausted: {records} records {what}"),
                !backup,
            );
        }
    }

    /// A delivery attempt's wait after a failure is over: try again.
    pub(crate) fn delivery_retry(&mut self, slot: usize) {
        self.firehoses[slot].delivering = false;
        self.try_deliver(slot);
    }

    /// The destination acknowledged the front object.
    pub(crate) fn delivery_done(&mut self, slot: usize) {
        let measuring = self.measuring();
        let fh = &mut self.firehoses[slot];
        fh.delivering = false;
        let Some(object) = fh.outbox.pop_front() else { return };
        let b = object.batch;
        fh.delivered += b.records;
        fh.object_sizes.record(b.bytes);
        // From arrival in the buffer to delivered, the records taken as
        // spread evenly between the object's first and last arrival.
        if measuring {
            fh.latency.record(self.now, b.oldest_ms, b.newest_ms, b.born_ms, b.records);
        }
        let m = &mut self.metrics[self.firehose_nodes[slot]];
        m.add(firehose::DELIVERY_RECORDS, b.records as f64);
        m.add(firehose::DELIVERY_BYTES, b.bytes as f64);
        m.add(firehose::DELIVERY_OBJECTS, 1.0);
        // aws-facts 3.5: DataFreshness is the age of the oldest record not
        // yet delivered; it peaks as an object is acknowledged.
        m.sample(firehose::DATA_FRESHNESS, (self.now - b.oldest_ms) as f64 / SECOND as f64);
        let dest = &mut self.destinations[fh.destination];
        dest.records += b.records;
        dest.bytes += b.bytes;
        let dm = &mut self.metrics[self.destination_nodes[fh.destination]];
        dm.add(destination::RECORDS, b.records as f64);
        dm.add(destination::BYTES, b.bytes as f64);
        dm.add(destination::DELIVERIES, 1.0);
        self.try_deliver(slot);
    }

    /// Records entering the transformation's own buffer (aws-facts 3.4:
    /// `BufferSizeInMBs` and `BufferIntervalInSeconds`, whichever first).
    fn transform_receive(&mut self, slot: usize, mut batch: Batch) {
        let fh = &mut self.firehoses[slot];
        let Some(t) = fh.spec.transform.clone() else { return };
        let size = (t.buffer_size_mb * 1_000_000.0) as u64;
        while !batch.is_empty() {
            let fh = &mut self.firehoses[slot];
            if fh.transform_buffer.is_empty() {
                fh.transform_generation = fh.transform_generation.wrapping_add(1);
                let at = self.now + t.buffer_interval_s * SECOND;
                let generation = fh.transform_generation;
                self.schedule(at, Action::TransformTimer { slot: slot as u32, generation });
            }
            let fh = &mut self.firehoses[slot];
            let room = size.saturating_sub(fh.transform_buffer.bytes);
            let per_record = (batch.bytes / batch.records).max(1);
            let fill = room.div_ceil(per_record).max(1);
            let part = batch.take_front(fill.min(batch.records));
            fh.transform_buffer.absorb(part.records, part.bytes, part.oldest_ms, part.born_ms);
            if fh.transform_buffer.bytes >= size {
                self.invoke_transform(slot);
            }
        }
    }

    /// The transformation buffer's interval ran out.
    pub(crate) fn transform_timer(&mut self, slot: usize, generation: u32) {
        if self.firehoses[slot].transform_generation == generation {
            self.invoke_transform(slot);
        }
    }

    /// Invokes the transformation function on the buffered records.
    fn invoke_transform(&mut self, slot: usize) {
        let fh = &mut self.firehoses[slot];
        fh.transform_generation = fh.transform_generation.wrapping_add(1);
        let batch = std::mem::take(&mut fh.transform_buffer);
        if batch.is_empty() {
            return;
        }
        let id = fh.next_invocation;
        fh.next_invocation = fh.next_invocation.wrapping_add(1);
        fh.invocations.insert(id, Invocation { batch, attempts: 0 });
        self.attempt_transform(slot, id);
    }

    /// One synchronous invocation of the transformation (aws-facts 3.4).
    fn attempt_transform(&mut self, slot: usize, id: u32) {
        let node = self.firehose_nodes[slot];
        let fh = &mut self.firehoses[slot];
        let (Some(t), Some(inv)) = (&fh.spec.transform, fh.invocations.get_mut(&id)) else {
            return;
        };
        inv.attempts += 1;
        let ms = t.overhead_ms + t.per_record_us * inv.batch.records as f64 / 1_000.0;
        let duration = libm::ceil(ms).max(0.0) as u64;
        self.metrics[node].sample(firehose::PROCESSING_DURATION, duration as f64);
        self.schedule(self.now + duration, Action::TransformDone { slot: slot as u32, id });
    }

    /// An invocation returned: on success its output joins the delivery
    /// buffer; on failure it is retried `retries` times, then its records
    /// go to the error output (aws-facts 3.4).
    pub(crate) fn transform_done(&mut self, slot: usize, id: u32) {
        let node = self.firehose_nodes[slot];
        let fh = &mut self.firehoses[slot];
        let Some(t) = fh.spec.transform.clone() else { return };
        let failed = t.error_rate > 0.0 && self.rngs[node].unit() < t.error_rate;
        let Some(inv) = fh.invocations.get(&id).copied() else { return };
        if failed && inv.attempts <= t.retries {
            return self.attempt_transform(slot, id);
        }
        fh.invocations.remove(&id);
        let m = &mut self.metrics[node];
        if failed {
            fh.transform_failed += inv.batch.records;
            m.add(firehose::PROCESSING_FAILED, inv.batch.records as f64);
            return;
        }
        m.add(firehose::PROCESSING_SUCCESS, 1.0);
        let bytes = libm::round(inv.batch.bytes as f64 * t.size_ratio) as u64;
        self.firehose_receive(slot, Batch { bytes: bytes.max(inv.batch.records), ..inv.batch });
    }

    /// End-of-second gauges: freshness, buffered bytes, destinations down.
    pub(crate) fn sample_delivery_gauges(&mut self) {
        for (slot, fh) in self.firehoses.iter().enumerate() {
            let m = &mut self.metrics[self.firehose_nodes[slot]];
            let age = fh.oldest().map_or(0, |t| self.now - t);
            m.sample(firehose::DATA_FRESHNESS, age as f64 / SECOND as f64);
            m.sample(firehose::BUFFERED_BYTES, fh.buffer.bytes as f64);
        }
        for (slot, d) in self.destinations.iter().enumerate() {
            let down = f64::from(u8::from(d.is_down(self.now)));
            self.metrics[self.destination_nodes[slot]].sample(destination::DOWN, down);
        }
    }
}

impl EngineKind for FirehoseSpec {
    fn accept(sim: &mut Simulation, slot: usize, _: NodeIndex, batch: Batch) -> u64 {
        sim.firehose_take(slot, batch)
    }

    fn offered(_: &mut Simulation, _: usize, _: usize) -> bool {
        false
    }

    fn producer_target(slot: usize) -> Option<Target> {
        Some(Target::Firehose(slot))
    }

    fn latency(sim: &Simulation, _: NodeIndex, slot: usize) -> Option<&Latencies> {
        Some(&sim.firehoses[slot].latency)
    }
}
