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
use crate::nodes::{RetryBatch, ShardRecords, Target};
use crate::rng::NodeRng;
use crate::scenario::{ProducerSpec, Traffic};

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

/// Kinesis records carrying `user_records`, `per` to a record (1 unless
/// the producer aggregates; that case skips the division, per shard write).
fn kinesis_records(user_records: u64, per: u64) -> u64 {
    if per == 1 { user_records } else { user_records.div_ceil(per) }
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
    // u128: total × count can pass 2^64 in long runs of huge streams.
    let exact = |c: u64| u128::from(total) * u128::from(c);
    let mut parts: Vec<u64> =
        counts.iter().map(|c| (exact(c.1) / u128::from(sum)) as u64).collect();
    let mut left = total - parts.iter().sum::<u64>();
    let start = ((total ^ sum) % counts.len() as u64) as usize;
    for k in 0..counts.len() {
        if left == 0 {
            break;
        }
        let i = (start + k) % counts.len();
        if exact(counts[i].1) % u128::from(sum) != 0 {
            parts[i] += 1;
            left -= 1;
        }
    }
    parts
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
        let rng = &mut self.groups[group].rng;
        let p = &mut self.producers[lead];
        let mut counts = std::mem::take(&mut self.scratch);
        rng.multinomial(n, &p.shares, &mut counts);
        // A delivery stream has no shards: one share, "shard" 0.
        let open: &[usize] = match p.target {
            Target::Stream(s) => &self.streams[s].open,
            Target::Firehose(_) | Target::Queue(_) => &[0],
        };
        let per_shard: Vec<ShardRecords> = counts
            .iter()
            .zip(open)
            .filter(|&(&c, _)| c > 0)
            .map(|(&records, &shard)| ShardRecords {
                shard,
                records,
                data_bytes: p.draw_data_bytes(records, rng),
            })
            .collect();
        self.scratch = counts;
        self.send(group, RetryBatch { attempts: 0, per_shard, members });
        let next = self.now + self.producers[lead].spec.batching.max_buffered_ms;
        self.schedule(next, Action::ProducerBatch { group: group as u32 });
    }

    pub(super) fn producer_retry(&mut self, group: usize, batch: RetryBatch) {
        for &(slot, k) in &batch.members {
            self.producers[slot].pending_retry -= k;
        }
        self.send(group, batch);
    }

    /// One attempt for a batch: its records go out in as many PutRecords
    /// (or PutRecord) requests as the caps demand, packed into aggregated
    /// records if the producer aggregates; throttled records are retried
    /// with backoff or given up after the last attempt.
    fn send(&mut self, group: usize, batch: RetryBatch) {
        let target = match self.producers[self.groups[group].lead()].target {
            Target::Stream(stream) => stream,
            Target::Firehose(firehose) => return self.put_record_batch(group, batch, firehose),
            Target::Queue(_) => unreachable!("queue producers send on their own (queues.rs)"),
        };
        let mut written = std::mem::take(&mut self.scratch);
        written.clear();
        self.put_batch(group, batch, target, &mut written);
        // Only enhanced fan-out readers wait to be woken; most streams have
        // none, so check once per batch rather than per shard.
        let pushes = self.streams[target].readers.iter().any(|&c| self.consumers[c].is_efo());
        if pushes {
            for &shard in &written {
                self.wake_pushes(target, shard as usize);
            }
        }
        self.scratch = written;
    }

    /// The PutRecords attempt itself on stream slot `target`; `written`
    /// receives the shards that accepted records.
    fn put_batch(
        &mut self,
        group: usize,
        mut batch: RetryBatch,
        target: usize,
        written: &mut Vec<u64>,
    ) {
        let lead = self.groups[group].lead();
        let p = &mut self.producers[lead];
        let stream_node = self.stream_nodes[target];
        let stream = &mut self.streams[target];
        let key_bytes = u64::from(p.spec.partition_key_bytes);
        batch.attempts += 1;
        // Records meant for a shard that resharding closed go to its children.
        if batch.per_shard.iter().any(|s| !stream.shards[s.shard].is_open()) {
            let (mut routed, mut split) =
                (Vec::with_capacity(batch.per_shard.len() + 1), Vec::new());
            for s in &batch.per_shard {
                split.clear();
                stream.reroute(s.shard, s.records, &p.shares, &mut split);
                routed.extend(split.iter().map(|&(shard, records)| ShardRecords {
                    shard,
                    records,
                    data_bytes: s.data_bytes,
                }));
            }
            batch.per_shard = routed;
        }
        let on_demand = stream.is_on_demand();
        let (mut accepted, mut throttled, mut data_put, mut bytes_put) = (0, 0, 0, 0);
        let (mut kinesis_sent, mut kinesis_put, mut request_bytes, mut units) = (0, 0, 0, 0);
        let (mut kinesis_throttled, mut on_demand_billed) = (0, 0);
        // Unaggregated records are billed by their count alone: once per
        // attempt below, not per shard.
        let aggregates = p.spec.aggregation.is_some();
        // Records of a batch mostly share one size: compute what depends on
        // it once per size, not per shard.
        let mut size = None;
        batch.per_shard.retain_mut(|s| {
            let (per, billed_bytes) = match size {
                Some((bytes, per, billed)) if bytes == s.data_bytes => (per, billed),
                _ => {
                    let per = p.per_kinesis_record(s.data_bytes);
                    let billed = on_demand_billed_bytes(s.data_bytes);
                    size = Some((s.data_bytes, per, billed));
                    (per, billed)
                }
            };
            let record_bytes = s.data_bytes + key_bytes;
            kinesis_sent += kinesis_records(s.records, per);
            request_bytes += s.records * record_bytes;
            let out = stream.shards[s.shard].put(self.now, s.records, record_bytes, per);
            if out.accepted > 0 {
                written.push(s.shard as u64);
            }
            accepted += out.accepted;
            throttled += out.throttled;
            data_put += out.accepted * s.data_bytes;
            bytes_put += out.accepted * record_bytes;
            let put = kinesis_records(out.accepted, per);
            kinesis_put += put;
            kinesis_throttled += kinesis_records(s.records, per) - put;
            if aggregates {
                units += p.payload_units(out.accepted, s.data_bytes);
            }
            on_demand_billed += out.accepted * billed_bytes;
            s.records = out.throttled;
            out.throttled > 0
        });
        if !aggregates {
            units = p.payload_units(accepted, 0); // the size only matters aggregated
        }
        // aws-facts 2.1 and 2.2: PUT payload units in provisioned mode, data in on demand.
        if on_demand {
            self.cost.on_demand_in(on_demand_billed);
        } else {
            self.cost.put_units(units);
        }
        let requests = p.requests(kinesis_sent, request_bytes);
        let m = &mut self.metrics[stream_node];
        m.add(metrics::stream::INCOMING_RECORDS, kinesis_put as f64);
        m.add(metrics::stream::INCOMING_BYTES, bytes_put as f64);
        // CloudWatch counts Kinesis records here (aggregates, not user records).
        m.add(metrics::stream::WRITE_THROTTLED, kinesis_throttled as f64);
        let outcome = Attempt { accepted, data_put, kinesis_put, requests, throttled };
        self.settle(group, batch, outcome);
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
