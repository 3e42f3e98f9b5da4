//! An MSK cluster's second: its producers' records reach their partitions'
//! buffers, the brokers take what they can write, producers lose what
//! waited past `delivery.timeout.ms`, the consumer group reads, retention
//! deletes old segments, and the metrics of the second (aws-facts-more
//! 1.4 to 1.8).

use super::metrics as msk;
use super::{Cohort, serverless};
use crate::engine::{EngineKind, Simulation};
use crate::kinds::{Batch, Target};
use crate::metrics::Latencies;
use crate::scenario::{MskSpec, NodeIndex};
use crate::time::{SECOND, SimTime};

impl Simulation {
    /// Once a second, every MSK cluster.
    pub(crate) fn msk_second(&mut self) {
        for c in 0..self.msks.len() {
            self.msk_brokers_back(c);
            self.msk_rebalance_due(c);
            self.msk_produce(c);
            let (written, load) = self.msk_write(c);
            let node = self.msk_nodes[c];
            let now = self.now;
            let cl = &mut self.msks[c];
            // aws-facts-more 1.4: what is not acknowledged within
            // delivery.timeout.ms is lost to the producer.
            let timeout = cl.spec.delivery_timeout_ms;
            let mut lost = 0;
            let mut oldest = None::<SimTime>;
            for p in &mut cl.partitions {
                while p.pending.front().is_some_and(|c| c.at + timeout <= now) {
                    lost += p.pending.pop_front().map_or(0, |c| c.records);
                }
                if let Some(c) = p.pending.front() {
                    oldest = Some(oldest.map_or(c.at, |o| o.min(c.at)));
                }
            }
            cl.lost += lost;
            let group = cl.group_reads();
            let (consumed, bytes_out) = if group { msk_consume(cl, now) } else { (0, 0) };
            if group {
                msk_commit(cl, now);
            }
            let retention = cl.retention_ms();
            let expired: u64 =
                cl.partitions.iter_mut().map(|p| p.expire(now, retention, group)).sum();
            cl.expired += expired;
            let serverless = cl.spec.is_serverless();
            // Provisioned: the fullest broker's disk, in percent. Serverless
            // has no disk to fill: the topic's stored bytes, which it bills
            // (aws-facts-more 2.3).
            let disk = if serverless {
                cl.partitions.iter().map(|p| p.log_bytes).sum::<u64>() as f64
            } else {
                let capacity = cl.spec.storage_gib_per_broker as f64 * (1u64 << 30) as f64;
                100.0 * (cl.stored_per_broker().into_iter().max().unwrap_or(0) as f64 / capacity)
            };
            // Lambda event sources' reads count against Serverless egress
            // and its bill (aws-facts-more 2.1, 2.3).
            let bytes_out = bytes_out + std::mem::take(&mut cl.esm_bytes_out);
            let (max_p, max_lag) = cl
                .partitions
                .iter()
                .enumerate()
                .map(|(i, p)| (i, p.shown_lag(group)))
                .fold((0, 0), |best, x| if x.1 > best.1 { x } else { best });
            let sum_lag: u64 = cl.partitions.iter().map(|p| p.shown_lag(group)).sum();
            // aws-facts-more 1.7: seconds to drain MaxOffsetLag, at the rate
            // its partition was read this second; a partition nobody reads
            // has no rate, so it shows the age of its oldest unread record.
            let part = &cl.partitions[max_p];
            let time_lag = if max_lag == 0 {
                0.0
            } else if part.read_last_second > 0 {
                max_lag as f64 / part.read_last_second as f64
            } else {
                part.oldest_unread(group).map_or(0.0, |at| (now - at) as f64 / SECOND as f64)
            };
            if !group {
                // The event sources' reads of the closing second (kafka_done).
                for p in &mut cl.partitions {
                    p.read_last_second = 0;
                }
            }
            let idle = cl.idle_consumers();
            let m = &mut self.metrics[node];
            m.add(msk::BYTES_IN, written.1 as f64);
            m.add(msk::MESSAGES_IN, written.0 as f64);
            m.add(msk::BYTES_OUT, bytes_out as f64);
            m.add(msk::RECORDS_CONSUMED, consumed as f64);
            m.add(msk::RECORDS_LOST, lost as f64);
            m.add(msk::RECORDS_EXPIRED, expired as f64);
            m.sample(msk::DISK_USED, disk);
            m.sample(msk::BROKER_WRITE_LOAD, 100.0 * load);
            m.sample(msk::MAX_OFFSET_LAG, max_lag as f64);
            m.sample(msk::SUM_OFFSET_LAG, sum_lag as f64);
            m.sample(msk::EST_MAX_TIME_LAG, time_lag);
            m.sample(msk::PRODUCER_WAIT, oldest.map_or(0.0, |at| (now - at) as f64));
            m.sample(msk::IDLE_CONSUMERS, f64::from(idle));
            let zones = cl.spec.availability_zones;
            if serverless {
                self.cost.msk_serverless_second(written.1, bytes_out, disk as u64);
            } else {
                self.cost.msk_client_second(written.1 + bytes_out, zones);
            }
        }
        self.cost.msk_serverless_stored_now();
    }

    /// The second's records of cluster `c`'s producers, into their
    /// partitions' producer buffers by key hash (aws-facts-more 1.5).
    fn msk_produce(&mut self, c: usize) {
        let at = self.now - SECOND;
        for i in 0..self.msks[c].producers.len() {
            let slot = self.msks[c].producers[i].0;
            let node = self.producer_nodes[slot];
            let p = &mut self.producers[slot];
            let n = p.generate(self.now, &mut self.rngs[node]);
            self.metrics[node].add(crate::metrics::producer::USER_RECORDS_RECEIVED, n as f64);
            if n == 0 {
                continue;
            }
            let p = &mut self.producers[slot];
            let per_record =
                p.draw_data_bytes(n, &mut self.rngs[node]) + u64::from(p.spec.partition_key_bytes);
            let parts = super::apportion(n, &self.msks[c].producers[i].1);
            let m = &mut self.metrics[node];
            m.add(crate::metrics::producer::USER_RECORDS_PUT, n as f64);
            m.add(crate::metrics::producer::USER_RECORDS_DATA_PUT, (n * per_record) as f64);
            for (part, &k) in self.msks[c].partitions.iter_mut().zip(&parts) {
                if k == 0 {
                    continue;
                }
                match part.pending.back_mut() {
                    Some(b) if b.at == at => {
                        b.records += k;
                        b.bytes += k * per_record;
                    }
                    _ => part.pending.push_back(Cohort {
                        at,
                        last: at,
                        first: 0,
                        records: k,
                        bytes: k * per_record,
                    }),
                }
            }
        }
    }

    /// The brokers write what they can of the producers' buffers: a broker
    /// writes every replica it hosts (aws-facts-more 1.4: RF copies of each
    /// byte), up to its write capacity; with `acks=all` (the default) a
    /// partition's records are acknowledged at the pace of its slowest
    /// replica's broker. A full disk writes nothing. Kafka delays a
    /// saturated producer rather than refusing it (aws-facts-more 1.8):
    /// what is not written waits in the producer. Returns the (records,
    /// bytes) written and the busiest broker's load (writes over capacity).
    fn msk_write(&mut self, c: usize) -> ((u64, u64), f64) {
        if self.msks[c].spec.is_serverless() {
            return self.msk_write_serverless(c);
        }
        let now = self.now;
        let cl = &mut self.msks[c];
        let brokers = cl.broker_down_until.len();
        let capacity = cl.spec.broker_write_bytes_per_s();
        let disk = cl.spec.storage_gib_per_broker as u64 * (1u64 << 30);
        let stored = cl.stored_per_broker();
        let mut demand = vec![0u64; brokers];
        // A partition with no leader (offline, or electing one) takes no
        // writes: its records wait in the producers (aws-facts-more 1.4).
        let pending: Vec<u64> = (0..cl.partitions.len())
            .map(|p| if cl.leader(p, now).is_some() { cl.partitions[p].pending_bytes() } else { 0 })
            .collect();
        for (p, &bytes) in pending.iter().enumerate() {
            let live: Vec<usize> = cl.live_replicas(p, now).collect();
            let placed = cl.placement[p].len() as u64;
            // A down broker's share of the partition's work falls on its
            // live replicas (the new leader serves its producers): the
            // cluster's capacity drops by the broker's share.
            let share = if live.len() as u64 == placed {
                bytes
            } else {
                (u128::from(bytes) * u128::from(placed) / live.len().max(1) as u128) as u64
            };
            for b in live {
                demand[b] += share;
            }
        }
        let fraction: Vec<f64> = (0..brokers)
            .map(|b| {
                if stored[b] >= disk {
                    0.0
                } else if demand[b] <= capacity {
                    1.0
                } else {
                    capacity as f64 / demand[b] as f64
                }
            })
            .collect();
        let segment = cl.segment_ms();
        let mut written = (0, 0);
        let mut wrote = vec![0u64; brokers];
        for (p, &waiting) in pending.iter().enumerate() {
            let f = cl.live_replicas(p, now).map(|b| fraction[b]).fold(1.0, f64::min);
            let budget = (waiting as f64 * f) as u64;
            let replicas: Vec<usize> = cl.live_replicas(p, now).collect();
            let (records, bytes) = write_pending(&mut cl.partitions[p], budget, now, segment);
            written.0 += records;
            written.1 += bytes;
            for &b in &replicas {
                wrote[b] += bytes;
            }
        }
        let load = wrote.iter().map(|&w| w as f64 / capacity.max(1) as f64).fold(0.0, f64::max);
        (written, load)
    }
}

impl Simulation {
    /// An MSK Serverless cluster takes what its ingress quotas allow:
    /// 5 MBps per partition, 200 MBps per cluster (aws-facts-more 2.1).
    /// Over a quota the cluster slows the producer down ("slowdown with
    /// throttle duration in response"): nothing is refused, what is not
    /// taken waits in the producer, and is lost only past
    /// `delivery.timeout.ms`, as on a saturated provisioned broker. Returns
    /// the (records, bytes) written and the busiest quota's use.
    fn msk_write_serverless(&mut self, c: usize) -> ((u64, u64), f64) {
        let now = self.now;
        let cl = &mut self.msks[c];
        let pending: Vec<u64> = cl.partitions.iter().map(|p| p.pending_bytes()).collect();
        let allowed = serverless::share(
            &pending,
            serverless::PARTITION_INGRESS_BYTES_PER_S,
            serverless::CLUSTER_INGRESS_BYTES_PER_S,
        );
        let segment = cl.segment_ms();
        let (mut written, mut busiest) = ((0, 0), 0);
        for (part, &budget) in cl.partitions.iter_mut().zip(&allowed) {
            let (records, bytes) = write_pending(part, budget, now, segment);
            written.0 += records;
            written.1 += bytes;
            busiest = busiest.max(bytes);
        }
        let load = (busiest as f64 / serverless::PARTITION_INGRESS_BYTES_PER_S as f64)
            .max(written.1 as f64 / serverless::CLUSTER_INGRESS_BYTES_PER_S as f64);
        (written, load)
    }
}

/// Moves up to `budget` bytes of a partition's producer buffer, oldest
/// first, into its log; returns the records and bytes written.
fn write_pending(
    part: &mut super::Partition,
    mut budget: u64,
    now: SimTime,
    segment: SimTime,
) -> (u64, u64) {
    let mut written = (0, 0);
    while budget > 0 {
        let Some(front) = part.pending.front_mut() else { break };
        let per = (front.bytes / front.records.max(1)).max(1);
        let take = if front.bytes <= budget { front.records } else { budget / per };
        if take == 0 {
            break;
        }
        let bytes = front.bytes_of(take);
        front.records -= take;
        front.bytes -= bytes;
        if front.records == 0 {
            part.pending.pop_front();
        }
        budget = budget.saturating_sub(bytes);
        part.append(now, take, bytes, segment);
        written.0 += take;
        written.1 += bytes;
    }
    written
}

/// The consumer group's second: each consumer processes up to its rate
/// from its partitions, in proportion to their lag (aws-facts-more 1.5:
/// one consumer per partition; those beyond the partition count idle).
/// Returns the records and bytes read.
fn msk_consume(cl: &mut super::MskCluster, now: SimTime) -> (u64, u64) {
    let rate = cl.spec.consumer_group.records_per_s_per_consumer;
    let (mut records, mut bytes) = (0, 0);
    let mut plan: Vec<(usize, u64)> = Vec::new();
    for p in &mut cl.partitions {
        p.read_last_second = 0;
    }
    for k in 0..cl.carry.len() {
        // A crashed consumer reads nothing; a partition without a leader
        // serves no fetch (aws-facts-more 1.4, 1.5).
        if !cl.alive[k] {
            continue;
        }
        let owned: Vec<usize> = (0..cl.partitions.len())
            .filter(|&p| cl.consumer_of(p) == Some(k) && cl.leader(p, now).is_some())
            .collect();
        let exact = rate + cl.carry[k];
        let can = exact as u64;
        cl.carry[k] = exact - can as f64;
        // Records to re-process after a crash come first.
        let work = |p: usize| cl.partitions[p].lag() + cl.partitions[p].redo.0;
        let lags: Vec<f64> = owned.iter().map(|&p| work(p) as f64).collect();
        let backlog: u64 = owned.iter().map(|&p| work(p)).sum();
        if backlog <= can {
            // It keeps up: the fraction carried over is not saved up.
            cl.carry[k] = 0.0;
        }
        let parts = super::apportion(can.min(backlog), &lags);
        plan.extend(owned.iter().copied().zip(parts));
    }
    if cl.spec.is_serverless() {
        cap_egress(cl, &mut plan);
    }

    // Each partition has one reader, so the order of reads is immaterial.
    for (p, n) in plan {
        let part = &mut cl.partitions[p];
        // Re-processed records first: duplicates, not new deliveries.
        let again = n.min(part.redo.0);
        let again_bytes = if again == part.redo.0 {
            part.redo.1
        } else {
            crate::wide::mul_div(part.redo.1, again, part.redo.0)
        };
        part.redo = (part.redo.0 - again, part.redo.1 - again_bytes);
        cl.duplicates += again;
        let (r, b) = part.read(n - again);
        part.read_last_second = r + again;
        records += r + again;
        bytes += b + again_bytes;
    }
    cl.consumed += records;
    (records, bytes)
}

/// The group commits what its live consumers have processed, every
/// `auto.commit.interval.ms` (aws-facts-more 1.5); a crashed consumer
/// commits nothing more.
fn msk_commit(cl: &mut super::MskCluster, now: SimTime) {
    let every = cl.spec.consumer_group.auto_commit_interval_ms.max(1);
    if now / every == now.saturating_sub(SECOND) / every {
        return;
    }
    for p in 0..cl.partitions.len() {
        if cl.consumer_of(p).is_some_and(|k| cl.alive[k]) {
            cl.partitions[p].last_commit = cl.partitions[p].committed;
        }
    }
}

/// MSK Serverless egress quotas on the group's planned reads: 10 MBps per
/// partition, 400 MBps per cluster (aws-facts-more 2.1). Over a quota the
/// fetch is slowed down, not refused: the records stay in the log and the
/// lag grows. A partition's records are cut in proportion to its bytes.
fn cap_egress(cl: &super::MskCluster, plan: &mut [(usize, u64)]) {
    let demands: Vec<u64> = plan
        .iter()
        .map(|&(p, n)| {
            let part = &cl.partitions[p];
            part.bytes_between(part.committed, part.committed + n)
        })
        .collect();
    let allowed = serverless::share(
        &demands,
        serverless::PARTITION_EGRESS_BYTES_PER_S,
        serverless::CLUSTER_EGRESS_BYTES_PER_S,
    );
    for ((_, n), (&want, &may)) in plan.iter_mut().zip(demands.iter().zip(&allowed)) {
        if may < want {
            *n = crate::wide::mul_div(*n, may, want);
        }
    }
}

impl EngineKind for MskSpec {
    fn accept(_: &mut Simulation, _: usize, _: NodeIndex, _: Batch) -> u64 {
        0
    }

    fn offered(_: &mut Simulation, _: usize, _: usize) -> bool {
        false
    }

    fn producer_target(slot: usize) -> Option<Target> {
        Some(Target::Msk(slot))
    }

    fn latency(_: &Simulation, _: NodeIndex, _: usize) -> Option<&Latencies> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ClusterType, ConsumerGroup, MskSpec};
    use crate::time::MINUTE;

    /// A cluster of `partitions`, each with `backlog` records of 1,000
    /// bytes unread, and a group of one consumer per partition.
    fn backlogged(
        cluster_type: ClusterType,
        partitions: u32,
        backlog: u64,
    ) -> super::super::MskCluster {
        let spec = MskSpec {
            cluster_type,
            partitions,
            consumer_group: ConsumerGroup {
                consumers: partitions,
                records_per_s_per_consumer: 1e6,
                ..ConsumerGroup::default()
            },
            ..MskSpec::default()
        };
        let mut cl = super::super::MskCluster::new(spec);
        for p in &mut cl.partitions {
            p.append(0, backlog, backlog * 1_000, MINUTE);
        }
        cl
    }

    /// aws-facts-more 2.1: a Serverless partition serves at most 10 MBps
    /// out; a consumer catching up on 30 MB reads 10 MB a second, and the
    /// rest waits in the log (slowed down, not refused). A provisioned
    /// cluster has no such quota.
    #[test]
    fn serverless_egress_is_capped_per_partition() {
        let mut cl = backlogged(ClusterType::Serverless, 1, 30_000);
        assert_eq!(msk_consume(&mut cl, 0), (10_000, 10_000_000));
        assert_eq!(cl.partitions[0].lag(), 20_000);
        let mut cl = backlogged(ClusterType::Provisioned, 1, 30_000);
        assert_eq!(msk_consume(&mut cl, 0), (30_000, 30_000_000));
    }

    /// aws-facts-more 2.1: at most 400 MBps out of a cluster: 50 partitions
    /// that could each serve 10 MB share 400 MB, 8 MB each.
    #[test]
    fn serverless_egress_is_capped_per_cluster() {
        let mut cl = backlogged(ClusterType::Serverless, 50, 30_000);
        let (records, bytes) = msk_consume(&mut cl, 0);
        assert_eq!((records, bytes), (400_000, 400_000_000));
        assert!(cl.partitions.iter().all(|p| p.read_last_second == 8_000));
    }
}
