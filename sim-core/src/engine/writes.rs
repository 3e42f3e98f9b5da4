//! The write side: producers cut batches, route them to shards and retry
//! what the shards throttle.
//!
//! Producers that write to the same stream with the same keys, record
//! sizes, request, aggregation and retry settings and batching interval
//! form a group. Each member draws its own record count from its own random
//! stream (any traffic shape), and the group then routes the sum with one
//! multinomial draw and one write per shard. Superposed arrivals split by
//! the same shares are exactly the per-producer splits added up, so the
//! shards see the same traffic; the cost of a batch no longer multiplies
//! with the number of producers. Outcomes are shared among members in
//! proportion to their records (largest remainder).

use crate::cost::on_demand_billed_bytes;
use crate::metrics;
use crate::nodes::{Producer, RetryBatch, Shard, ShardRecords, Target};
use crate::rng::NodeRng;
use crate::scenario::{ProducerSpec, Traffic};
use crate::time::SimTime;

use super::{Action, Simulation};

/// Producers sharing one routing draw and one write per shard per batch.
#[derive(Clone, Debug)]
pub(super) struct ProducerGroup {
    /// Producer slots, in node order; the first leads (its settings apply
    /// to all).
    pub members: Vec<usize>,
    /// Draws shard routing, record sizes and retry jitter, apart from the
    /// members' own streams, so a producer's arrivals are the same whether
    /// or not others share its routing.
    pub rng: NodeRng,
}

impl ProducerGroup {
    pub(super) fn lead(&self) -> usize {
        self.members[0]
    }
}

/// Whether two producers can share routing and writes: everything but
/// their rate and traffic shape is the same.
pub(super) fn same_group(
    a: &ProducerSpec,
    a_target: Target,
    b: &ProducerSpec,
    b_target: Target,
) -> bool {
    let strip = |s: &ProducerSpec| ProducerSpec {
        records_per_s: 0.0,
        traffic: Traffic::Poisson,
        ..s.clone()
    };
    a_target == b_target && strip(a) == strip(b)
}

/// Splits `total` among members in proportion to their counts, so the
/// parts add up: whole parts first, then the few records left over one each
/// to members with a fractional part, starting at a member that varies with
/// the amounts so no member is favoured over many batches. O(members), no
/// sorting: this runs for every batch of a group.
pub(super) fn apportion(total: u64, counts: &[(usize, u64)]) -> Vec<u64> {
    let sum: u64 = counts.iter().map(|c| c.1).sum();
    if total == sum {
        return counts.iter().map(|c| c.1).collect();
    }
    if sum == 0 {
        let mut parts = vec![0; counts.len()];
        if let Some(first) = parts.first_mut() {
            *first = total;
        }
        return parts;
    }
    // A whole multiple of the counts (the data of fixed-size records, say)
    // splits exactly, one multiply each.
    if total.is_multiple_of(sum) {
        return counts.iter().map(|c| c.1 * (total / sum)).collect();
    }
    let mut parts: Vec<u64> = counts.iter().map(|c| mul_div(total, c.1, sum).0).collect();
    let mut left = total - parts.iter().sum::<u64>();
    // Fewer records are left than members with a fraction: one pass at most.
    let mut i = ((total ^ sum) % counts.len() as u64) as usize;
    while left > 0 {
        if mul_div(total, counts[i].1, sum).1 {
            parts[i] += 1;
            left -= 1;
        }
        i = if i + 1 == counts.len() { 0 } else { i + 1 };
    }
    parts
}

/// Where an attempt's records come from.
enum Routed<'a> {
    /// A fresh batch: the routing draw's records per open shard, in the
    /// stream's `open` order, their sizes not yet drawn.
    Fresh(&'a [u64]),
    /// A retry: what the shards refused last time.
    Retry(Vec<ShardRecords>),
}

/// Running totals of one attempt's writes.
#[derive(Default)]
struct Tally {
    accepted: u64,
    throttled: u64,
    data_put: u64,
    bytes_put: u64,
    kinesis_sent: u64,
    kinesis_put: u64,
    request_bytes: u64,
    aggregated_units: u64,
    on_demand_billed: u64,
    /// The shards written since the record size last changed. Records of
    /// a batch mostly share one size, so what depends on it is worked out
    /// once per run of shards, not per shard.
    run: SizeRun,
}

/// Shards written in a row with one record size, and their records.
#[derive(Default)]
struct SizeRun {
    data_bytes: u64,
    /// Data plus partition key.
    record_bytes: u64,
    /// User records per Kinesis record (1 unless aggregated); 0 only in
    /// the default run, before the attempt's first shard.
    per: u64,
    /// On-demand billed bytes per record.
    billed: u64,
    records: u64,
    accepted: u64,
}

impl Tally {
    /// Writes `s` to its shard; `s.records` becomes what the shard refused.
    /// Returns whether the shard accepted any.
    fn write(
        &mut self,
        shard: &mut Shard,
        now: SimTime,
        s: &mut ShardRecords,
        p: &Producer,
    ) -> bool {
        if self.run.per == 0 || self.run.data_bytes != s.data_bytes {
            self.end_run();
            self.run = SizeRun {
                data_bytes: s.data_bytes,
                record_bytes: s.data_bytes + u64::from(p.spec.partition_key_bytes),
                per: p.per_kinesis_record(s.data_bytes),
                billed: on_demand_billed_bytes(s.data_bytes),
                ..SizeRun::default()
            };
        }
        let run = &mut self.run;
        let out = shard.put(now, s.records, run.record_bytes, run.per);
        run.records += s.records;
        run.accepted += out.accepted;
        // Aggregates are counted and billed shard by shard: each shard's
        // records make their own (last, partial) aggregate.
        if run.per > 1 {
            self.kinesis_sent += s.records.div_ceil(run.per);
            self.kinesis_put += out.accepted.div_ceil(run.per);
        }
        if p.spec.aggregation.is_some() {
            self.aggregated_units += p.aggregated_units(out.accepted, s.data_bytes);
        }
        s.records = out.throttled;
        out.accepted > 0
    }

    /// Adds the current run of shards to the totals.
    fn end_run(&mut self) {
        let run = std::mem::take(&mut self.run);
        self.accepted += run.accepted;
        self.throttled += run.records - run.accepted;
        self.data_put += run.accepted * run.data_bytes;
        self.bytes_put += run.accepted * run.record_bytes;
        self.request_bytes += run.records * run.record_bytes;
        self.on_demand_billed += run.accepted * run.billed;
        if run.per == 1 {
            self.kinesis_sent += run.records;
            self.kinesis_put += run.accepted;
        }
    }
}

/// `a × b / d` rounded down, and whether it left a remainder. In 64 bits
/// when the product fits, as it nearly always does (a 128-bit division is
/// a library call several times slower); in 128 bits when long runs of
/// huge streams make it pass 2^64.
fn mul_div(a: u64, b: u64, d: u64) -> (u64, bool) {
    match a.checked_mul(b) {
        Some(p) => (p / d, p % d != 0),
        None => {
            let (p, d) = (u128::from(a) * u128::from(b), u128::from(d));
            ((p / d) as u64, p % d != 0)
        }
    }
}

impl Simulation {
    /// Every member cuts its batch; the group routes their sum.
    pub(super) fn producer_batch(&mut self, group: usize) {
        let g = &self.groups[group];
        let mut members = Vec::with_capacity(g.members.len());
        let mut n = 0;
        for &slot in &g.members {
            let node = self.producer_nodes[slot];
            let k = self.producers[slot].generate(self.now, &mut self.rngs[node]);
            self.metrics[node].add(metrics::producer::USER_RECORDS_RECEIVED, k as f64);
            members.push((slot, k));
            n += k;
        }
        let lead = g.lead();
        let mut counts = std::mem::take(&mut self.scratch);
        self.groups[group].rng.multinomial(n, &self.producers[lead].shares, &mut counts);
        let batch = RetryBatch { attempts: 0, per_shard: Vec::new(), members };
        match self.producers[lead].target {
            Target::Stream(stream) => self.put_batch(group, batch, Routed::Fresh(&counts), stream),
            // A delivery stream has no shards: one share, "shard" 0.
            Target::Firehose(_) | Target::Queue(_) => {
                let mut batch = batch;
                if n > 0 {
                    let data_bytes =
                        self.producers[lead].draw_data_bytes(n, &mut self.groups[group].rng);
                    batch.per_shard.push(ShardRecords { shard: 0, records: n, data_bytes });
                }
                self.send(group, batch);
            }
        }
        self.scratch = counts;
        let next = self.now + self.producers[lead].spec.batching.max_buffered_ms;
        self.schedule(next, Action::ProducerBatch { group: group as u32 });
    }

    pub(super) fn producer_retry(&mut self, group: usize, batch: RetryBatch) {
        for &(slot, k) in &batch.members {
            self.producers[slot].pending_retry -= k;
        }
        self.send(group, batch);
    }

    /// One attempt for a batch whose records are already routed (a retry,
    /// or any batch to a delivery stream).
    fn send(&mut self, group: usize, mut batch: RetryBatch) {
        match self.producers[self.groups[group].lead()].target {
            Target::Stream(stream) => {
                let routed = Routed::Retry(std::mem::take(&mut batch.per_shard));
                self.put_batch(group, batch, routed, stream);
            }
            Target::Firehose(firehose) => self.put_record_batch(group, batch, firehose),
            Target::Queue(_) => unreachable!("queue producers send on their own (queues.rs)"),
        }
    }

    /// One attempt for a batch to stream slot `target`: its records go out
    /// in as many PutRecords (or PutRecord) requests as the caps demand,
    /// packed into aggregated records if the producer aggregates; what the
    /// shards throttle is retried with backoff or given up after the last
    /// attempt. A fresh batch goes from the routing draw straight to the
    /// shards, one pass and no list of its own.
    fn put_batch(&mut self, group: usize, mut batch: RetryBatch, routed: Routed, target: usize) {
        let lead = self.groups[group].lead();
        let p = &self.producers[lead];
        let rng = &mut self.groups[group].rng;
        let stream = &mut self.streams[target];
        let now = self.now;
        batch.attempts += 1;
        // Only enhanced fan-out readers wait to be woken; most streams have
        // none, so the shards written are only listed for those that do.
        let pushes = stream.efo_readers > 0;
        // Records meant for a shard that resharding closed go to its children.
        let routed = match routed {
            Routed::Retry(per_shard)
                if per_shard.iter().any(|s| !stream.shards[s.shard].is_open()) =>
            {
                let (mut routed, mut split) = (Vec::with_capacity(per_shard.len() + 1), Vec::new());
                for s in &per_shard {
                    split.clear();
                    stream.reroute(s.shard, s.records, &p.shares, &mut split);
                    routed.extend(split.iter().map(|&(shard, records)| ShardRecords {
                        shard,
                        records,
                        data_bytes: s.data_bytes,
                    }));
                }
                Routed::Retry(routed)
            }
            routed => routed,
        };
        let mut written = Vec::new();
        let mut tally = Tally::default();
        let mut refused = Vec::new();
        let mut write = |mut s: ShardRecords| {
            if tally.write(&mut stream.shards[s.shard], now, &mut s, p) && pushes {
                written.push(s.shard);
            }
            if s.records > 0 {
                refused.push(s);
            }
        };
        match routed {
            Routed::Fresh(counts) => {
                for (&records, &shard) in counts.iter().zip(&stream.open) {
                    if records > 0 {
                        let data_bytes = p.draw_data_bytes(records, rng);
                        write(ShardRecords { shard, records, data_bytes });
                    }
                }
            }
            Routed::Retry(per_shard) => per_shard.into_iter().for_each(write),
        }
        batch.per_shard = refused;
        tally.end_run();
        let t = tally;
        // aws-facts 2.1 and 2.2: PUT payload units in provisioned mode, data in on demand.
        if stream.is_on_demand() {
            self.cost.on_demand_in(t.on_demand_billed);
        } else if p.spec.aggregation.is_some() {
            self.cost.put_units(t.aggregated_units);
        } else {
            // Unaggregated records are billed by their count alone, once per attempt.
            let units = self.producers[lead].payload_units(t.accepted);
            self.cost.put_units(units);
        }
        let requests = self.producers[lead].requests(t.kinesis_sent, t.request_bytes);
        let m = &mut self.metrics[self.stream_nodes[target]];
        m.add(metrics::stream::INCOMING_RECORDS, t.kinesis_put as f64);
        m.add(metrics::stream::INCOMING_BYTES, t.bytes_put as f64);
        // CloudWatch counts Kinesis records here (aggregates, not user records).
        m.add(metrics::stream::WRITE_THROTTLED, (t.kinesis_sent - t.kinesis_put) as f64);
        let outcome = Attempt {
            accepted: t.accepted,
            data_put: t.data_put,
            kinesis_put: t.kinesis_put,
            requests,
            throttled: t.throttled,
        };
        self.settle(group, batch, outcome);
        for shard in written {
            self.wake_pushes(target, shard);
        }
    }

    /// Shares an attempt's outcome among the group's members, then gives
    /// up on what was refused after the last attempt or schedules its
    /// retry with backoff. The same for every target.
    pub(super) fn settle(&mut self, group: usize, mut batch: RetryBatch, outcome: Attempt) {
        let Attempt { accepted, data_put, kinesis_put, requests, throttled } = outcome;
        let lead = self.groups[group].lead();
        let give_up = batch.attempts >= self.producers[lead].spec.retry.max_attempts;
        let members = std::mem::take(&mut batch.members);
        let shares = [
            apportion(accepted, &members),
            apportion(data_put, &members),
            apportion(kinesis_put, &members),
            apportion(requests, &members),
        ];
        for (i, &(slot, count)) in members.iter().enumerate() {
            let node = self.producer_nodes[slot];
            let m = &mut self.metrics[node];
            m.add(metrics::producer::USER_RECORDS_PUT, shares[0][i] as f64);
            m.add(metrics::producer::USER_RECORDS_DATA_PUT, shares[1][i] as f64);
            m.add(metrics::producer::KINESIS_RECORDS_PUT, shares[2][i] as f64);
            m.add(metrics::producer::REQUESTS, shares[3][i] as f64);
            let refused = count - shares[0][i];
            if refused == 0 {
                continue;
            }
            let member = &mut self.producers[slot];
            if give_up {
                member.given_up += refused;
                m.add(metrics::producer::USER_RECORD_EXPIRED, refused as f64);
            } else {
                member.pending_retry += refused;
                m.add(metrics::producer::RETRIES, refused as f64);
                batch.members.push((slot, refused));
            }
        }
        debug_assert_eq!(
            batch.members.iter().map(|m| m.1).sum::<u64>(),
            if give_up { 0 } else { throttled }
        );
        if throttled == 0 || give_up {
            return;
        }
        let delay = self.producers[lead].backoff(batch.attempts, &mut self.groups[group].rng);
        self.schedule(
            self.now + delay,
            Action::ProducerRetry { group: group as u32, batch: Box::new(batch) },
        );
    }
}

/// What one attempt of a batch did, in the units the producer's metrics
/// count.
pub(super) struct Attempt {
    /// User records accepted.
    pub accepted: u64,
    /// Data bytes accepted.
    pub data_put: u64,
    /// Records as the target counts them (Kinesis records, aggregates once).
    pub kinesis_put: u64,
    /// Requests sent.
    pub requests: u64,
    /// User records refused.
    pub throttled: u64,
}

#[cfg(test)]
mod tests {
    use super::apportion;

    #[test]
    fn apportioning_adds_up_and_follows_the_counts() {
        let thirds = apportion(10, &[(0, 1), (1, 1), (2, 1)]);
        assert_eq!(thirds.iter().sum::<u64>(), 10);
        assert!(thirds.iter().all(|&p| p == 3 || p == 4));
        assert_eq!(apportion(7, &[(0, 100)]), vec![7]);
        assert_eq!(apportion(5, &[(0, 0), (1, 10)]), vec![0, 5]);
        assert_eq!(apportion(0, &[(0, 3), (1, 4)]), vec![0, 0]);
        let parts = apportion(999, &[(0, 333), (1, 333), (2, 334)]);
        assert_eq!(parts.iter().sum::<u64>(), 999);
        assert!(parts.iter().zip([333, 333, 334]).all(|(&p, c)| p <= c));
    }
}
