//! Firehose delivery streams in the engine: Direct PUT, the buffer's size
//! and interval flushes, and delivery to the destination with retries,
//! backup and loss (aws-facts 3).

use crate::metrics::{destination, firehose};
use crate::nodes::RetryBatch;
use crate::nodes::firehose::{Batch, Firehose, S3_RETRY_DURATION_MS};
use crate::scenario::Api;
use crate::time::SECOND;

use super::writes::Attempt;
use super::{Action, Simulation};

impl Simulation {
    /// One PutRecordBatch attempt (or PutRecord calls) of a producer group
    /// to delivery stream `slot`: the per-stream quotas decide what is
    /// accepted (aws-facts 3.2); the rest is `ThrottledRecords` and retried
    /// by the producer like any throttled write.
    pub(super) fn put_record_batch(&mut self, group: usize, mut batch: RetryBatch, slot: usize) {
        batch.attempts += 1;
        let spec = &self.producers[self.groups[group].lead()].spec;
        let records = batch.records();
        let data_bytes = batch.per_shard.first().map_or(0, |s| s.data_bytes);
        let (max_records, max_bytes) = match spec.api {
            Api::PutRecord => (1, u64::MAX),
            Api::PutRecords { max_records_per_request, max_request_bytes } => {
                (u64::from(max_records_per_request), max_request_bytes)
            }
        };
        let requests = Firehose::requests_for(records, data_bytes, max_records, max_bytes);
        let out = self.firehoses[slot].put(self.now, records, data_bytes, requests);
        let throttled = records - out.accepted;
        let m = &mut self.metrics[self.firehose_nodes[slot]];
        m.add(firehose::INCOMING_RECORDS, out.accepted as f64);
        m.add(firehose::INCOMING_BYTES, (out.accepted * data_bytes) as f64);
        m.add(firehose::INCOMING_PUT_REQUESTS, out.requests as f64);
        m.add(firehose::THROTTLED_RECORDS, throttled as f64);
        // aws-facts 2.3: ingestion is metered per record rounded up to 5 KB.
        self.cost.firehose_put(out.accepted, data_bytes, false);
        let accepted =
            Batch { records: out.accepted, bytes: out.accepted * data_bytes, oldest_ms: self.now };
        self.firehose_receive(slot, accepted);
        batch.per_shard.retain_mut(|s| {
            s.records = throttled;
            throttled > 0
        });
        let outcome = Attempt {
            accepted: out.accepted,
            data_put: out.accepted * data_bytes,
            kinesis_put: out.accepted,
            requests,
            throttled,
        };
        self.settle(group, batch, outcome);
    }

    /// Records entering delivery stream `slot`'s buffer; starts the
    /// interval timer of a new buffer and queues any object cut by size.
    pub(super) fn firehose_receive(&mut self, slot: usize, batch: Batch) {
        if batch.is_empty() {
            return;
        }
        let fh = &mut self.firehoses[slot];
        fh.incoming += batch.records;
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
    pub(super) fn firehose_timer(&mut self, slot: usize, generation: u32) {
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
    pub(super) fn try_deliver(&mut self, slot: usize) {
        let fh_node = self.firehose_nodes[slot];
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
    pub(super) fn delivery_retry(&mut self, slot: usize) {
        self.firehoses[slot].delivering = false;
        self.try_deliver(slot);
    }

    /// The destination acknowledged the front object.
    pub(super) fn delivery_done(&mut self, slot: usize) {
        let fh = &mut self.firehoses[slot];
        fh.delivering = false;
        let Some(object) = fh.outbox.pop_front() else { return };
        let b = object.batch;
        fh.delivered += b.records;
        fh.object_sizes.record(b.bytes);
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

    /// End-of-second gauges: freshness, buffered bytes, destinations down.
    pub(super) fn sample_delivery_gauges(&mut self) {
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
