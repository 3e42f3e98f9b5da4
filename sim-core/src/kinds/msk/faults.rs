//! Interventions on an MSK cluster during a run: a broker failure, added
//! partitions, added brokers and a crashed consumer (aws-facts-more 1.4,
//! 1.5, 1.7). Each is journalled, or refused with the reason Kafka or MSK
//! would give.

use super::{Partition, partition_for_key};
use crate::engine::Simulation;
use crate::routing::{HOT_KEY, key_name};
use crate::scenario::{Fault, KeyDistribution, NodeIndex};
use crate::time::{SECOND, SimTime};
use crate::units::format_number;

/// The keys a producer's records carry, as the partitioner sees them.
pub fn key_names(keys: &KeyDistribution) -> Vec<String> {
    match keys {
        KeyDistribution::Uniform { count } | KeyDistribution::Zipf { count, .. } => {
            (0..*count).map(key_name).collect()
        }
        KeyDistribution::HotKey { count, .. } => {
            std::iter::once(HOT_KEY.to_string()).chain((0..*count).map(key_name)).collect()
        }
        KeyDistribution::ExplicitHashKey { .. } => Vec::new(),
    }
}

/// How many of `keys` hash to another partition with `to` partitions than
/// with `from` (aws-facts-more 1.5: murmur2 of the key, mod the count).
pub fn keys_moved(keys: &KeyDistribution, from: u32, to: u32) -> u64 {
    key_names(keys)
        .iter()
        .filter(|k| partition_for_key(k, from) != partition_for_key(k, to))
        .count() as u64
}

fn plural(n: u64, word: &str) -> String {
    format!("{} {word}{}", format_number(n as f64), if n == 1 { "" } else { "s" })
}

impl Simulation {
    /// Applies an MSK fault to cluster `c` (node `node`).
    pub(crate) fn msk_fault(
        &mut self,
        node: NodeIndex,
        c: usize,
        fault: &Fault,
    ) -> Result<(), String> {
        let result = match *fault {
            Fault::BrokerFailure { broker, for_s } => self.msk_broker_failure(c, broker, for_s),
            Fault::AddPartitions { partitions } => self.msk_add_partitions(c, partitions),
            Fault::AddBrokers { brokers } => self.msk_add_brokers(c, brokers),
            Fault::CrashConsumer { consumer } => self.msk_crash_consumer(c, consumer),
            _ => Err("not an MSK cluster's fault".to_string()),
        };
        match result {
            Ok(text) => {
                self.journal(node, text, false);
                Ok(())
            }
            Err(why) => {
                self.journal(node, format!("refused: {why}"), true);
                Err(why)
            }
        }
    }

    /// Broker `broker` goes down for `for_s` seconds. The partitions it
    /// led elect a live follower after the election pause (an assumption,
    /// `leader_election_s`); those with no other replica are offline until
    /// it returns: their producers wait, and lose what
    /// `delivery.timeout.ms` expires (aws-facts-more 1.4).
    fn msk_broker_failure(&mut self, c: usize, broker: u32, for_s: u64) -> Result<String, String> {
        let now = self.now;
        let cl = &mut self.msks[c];
        if cl.spec.is_serverless() {
            return Err("an MSK Serverless cluster's brokers are AWS's; none can be failed".into());
        }
        let b = broker as usize;
        let brokers = cl.broker_down_until.len();
        if b >= brokers {
            return Err(format!(
                "broker {broker} does not exist; the cluster has brokers 0 to {}",
                brokers - 1
            ));
        }
        if !cl.broker_up(b, now) {
            return Err(format!("broker {broker} is already down"));
        }
        if for_s == 0 {
            return Err("an outage lasts at least a second".into());
        }
        let election = SimTime::from(cl.spec.leader_election_s) * SECOND;
        let (mut moved, mut offline) = (0u64, 0u64);
        let led: Vec<usize> =
            (0..cl.partitions.len()).filter(|&p| cl.leader(p, now) == Some(b)).collect();
        cl.broker_down_until[b] = now.saturating_add(for_s.saturating_mul(SECOND));
        cl.brokers_were_down[b] = true;
        for p in led {
            if cl.live_replicas(p, now).next().is_some() {
                moved += 1;
                let part = &mut cl.partitions[p];
                part.electing_until = part.electing_until.max(now + election);
            } else {
                offline += 1;
            }
        }
        let under = cl.under_replicated(now);
        Ok(format!(
            "broker {broker} down for {for_s} s: {} move to followers after a {} s election; \
             {} offline (no other replica); {} under-replicated",
            plural(moved, "partition leader"),
            cl.spec.leader_election_s,
            plural(offline, "partition"),
            plural(u64::from(under), "partition"),
        ))
    }

    /// Journals the brokers that came back this second.
    pub(crate) fn msk_brokers_back(&mut self, c: usize) {
        let now = self.now;
        let cl = &mut self.msks[c];
        let back: Vec<usize> = (0..cl.brokers_were_down.len())
            .filter(|&b| cl.brokers_were_down[b] && cl.broker_up(b, now))
            .collect();
        for &b in &back {
            cl.brokers_were_down[b] = false;
        }
        let node = self.msk_nodes[c];
        for b in back {
            self.journal(
                node,
                format!(
                    "broker {b} is back: its replicas catch up (taken as at once) and its \
                     partitions are online and fully replicated again"
                ),
                false,
            );
        }
    }

    /// Raises the topic's partition count to `to` (aws-facts-more 1.5:
    /// Kafka adds partitions and never removes them; existing records stay
    /// where they are, and keys hash anew, so a key's records may sit in
    /// two partitions and be read out of order across the change). The
    /// group rebalances, its consumers committing first.
    fn msk_add_partitions(&mut self, c: usize, to: u32) -> Result<String, String> {
        let cl = &self.msks[c];
        let from = cl.partitions.len() as u32;
        if to <= from {
            return Err(format!(
                "the topic has {from} partitions; Kafka only adds partitions, so ask for more \
                 than {from}"
            ));
        }
        let most = if cl.spec.is_serverless() {
            super::serverless::MAX_PARTITIONS
        } else {
            crate::validate::param_range(crate::scenario::NodeKind::MskCluster, "partitions")
                .map_or(u32::MAX, |r| r.max as u32)
        };
        if to > most {
            return Err(format!(
                "{} partitions is over the limit of {}",
                format_number(f64::from(to)),
                format_number(f64::from(most))
            ));
        }
        let mut moved = 0;
        let mut keys = 0;
        let producers: Vec<usize> = cl.producers.iter().map(|(slot, _)| *slot).collect();
        for (i, &slot) in producers.iter().enumerate() {
            let spec = &self.producers[slot].spec.keys;
            moved += keys_moved(spec, from, to);
            keys += key_names(spec).len() as u64;
            let shares = super::partition_shares(spec, to);
            self.msks[c].producers[i].1 = shares;
        }
        let cl = &mut self.msks[c];
        let brokers = cl.broker_down_until.len();
        let rf = cl.placement.first().map_or(1, Vec::len);
        let readers = cl.esm_funcs.len();
        for p in from as usize..to as usize {
            cl.placement.push((0..rf).map(|j| (p + j) % brokers).collect());
            cl.partitions.push(Partition { esm: vec![0; readers], ..Partition::default() });
        }
        // The group rebalances: its consumers commit what they processed.
        for p in 0..from as usize {
            if cl.consumer_of(p).is_some_and(|k| cl.alive[k]) {
                cl.partitions[p].last_commit = cl.partitions[p].committed;
            }
        }
        cl.spec.partitions = to;
        cl.keys_moved += moved;
        let funcs = cl.esm_funcs.clone();
        for f in funcs {
            self.functions[f].kafka.partitions.resize(to as usize, Default::default());
        }
        self.cost.set_msk_clusters(&self.msks);
        Ok(format!(
            "partitions {from} → {to}: {} of {} now hash to another partition, so their records \
             before and after the change may be read out of order; the consumer group rebalances",
            format_number(moved as f64),
            plural(keys, "key"),
        ))
    }

    /// Raises the cluster's broker count to `to`: a multiple of the
    /// Availability Zones (aws-facts-more 1.1). The new brokers hold no
    /// partition: Kafka moves none by itself; they take work once
    /// partitions are added or reassigned (aws-facts-more 1.5).
    fn msk_add_brokers(&mut self, c: usize, to: u32) -> Result<String, String> {
        let cl = &mut self.msks[c];
        if cl.spec.is_serverless() {
            return Err("an MSK Serverless cluster has no brokers to add".into());
        }
        let from = cl.broker_down_until.len() as u32;
        let azs = cl.spec.availability_zones.max(1);
        let most = crate::validate::param_range(crate::scenario::NodeKind::MskCluster, "brokers")
            .map_or(u32::MAX, |r| r.max as u32);
        if to <= from {
            return Err(format!("the cluster has {from} brokers; ask for more than {from}"));
        }
        if to > most {
            return Err(format!("{to} brokers is over the limit of {most} per cluster"));
        }
        if !to.is_multiple_of(azs) {
            return Err(format!(
                "{to} brokers do not spread evenly over {azs} Availability Zones; use a \
                 multiple of {azs}"
            ));
        }
        cl.broker_down_until.resize(to as usize, 0);
        cl.brokers_were_down.resize(to as usize, false);
        cl.spec.brokers = to;
        self.cost.set_msk_clusters(&self.msks);
        Ok(format!(
            "brokers {from} → {to}: the new brokers hold no partitions and stay idle; Kafka \
             moves none by itself (add partitions, or reassign them with \
             kafka-reassign-partitions.sh)"
        ))
    }

    /// Consumer `consumer` of the group dies. Its partitions stay assigned
    /// to it, unread, until its session times out (`session.timeout.ms`);
    /// then the group rebalances and the survivors resume them from the
    /// last committed offsets, processing again what it read since
    /// (aws-facts-more 1.5).
    fn msk_crash_consumer(&mut self, c: usize, consumer: u32) -> Result<String, String> {
        let now = self.now;
        let cl = &mut self.msks[c];
        let k = consumer as usize;
        match cl.alive.get(k) {
            None if cl.alive.is_empty() => return Err("the consumer group has no consumers".into()),
            None => {
                return Err(format!(
                    "consumer {consumer} does not exist; the group has consumers 0 to {}",
                    cl.alive.len() - 1
                ));
            }
            Some(false) => return Err(format!("consumer {consumer} is already down")),
            Some(true) => {}
        }
        cl.alive[k] = false;
        let held = (0..cl.partitions.len()).filter(|&p| cl.consumer_of(p) == Some(k)).count();
        let at = now.saturating_add(cl.spec.consumer_group.session_timeout_ms);
        cl.rebalance_at = Some(cl.rebalance_at.map_or(at, |r| r.min(at)));
        Ok(format!(
            "consumer {consumer} crashed holding {}; the group rebalances when its session times \
             out, at {} s, and the others re-process what it read since its last commit",
            plural(held as u64, "partition"),
            format_number(at as f64 / SECOND as f64)
        ))
    }

    /// The group rebalances when a crashed consumer's session has timed
    /// out: the live consumers share the partitions out; those the dead
    /// one held restart from their last committed offset, the others'
    /// owners commit first (aws-facts-more 1.5).
    pub(crate) fn msk_rebalance_due(&mut self, c: usize) {
        let now = self.now;
        let cl = &mut self.msks[c];
        if cl.rebalance_at.is_none_or(|at| at > now) {
            return;
        }
        cl.rebalance_at = None;
        let mut again = 0;
        for p in 0..cl.partitions.len() {
            let dead = cl.consumer_of(p).is_some_and(|k| !cl.alive[k]);
            let part = &mut cl.partitions[p];
            if dead {
                // What retention deleted meanwhile cannot be read again.
                let from = part.last_commit.max(part.log_start()).min(part.committed);
                let n = part.committed - from;
                let bytes = part.bytes_between(from, part.committed);
                part.redo = (part.redo.0 + n, part.redo.1 + bytes);
                part.last_commit = from;
                again += n;
            } else {
                part.last_commit = part.committed;
            }
        }
        cl.members = (0..cl.alive.len()).filter(|&k| cl.alive[k]).collect();
        let live = cl.members.len();
        let node = self.msk_nodes[c];
        self.journal(
            node,
            format!(
                "consumer group rebalanced over {}: {} since the last commit are processed again",
                plural(live as u64, "live consumer"),
                plural(again, "record"),
            ),
            false,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_keys_are_those_whose_hash_mod_changes() {
        let keys = KeyDistribution::Uniform { count: 50 };
        let by_hand = (0..50)
            .filter(|i| {
                let k = key_name(*i);
                partition_for_key(&k, 3) != partition_for_key(&k, 4)
            })
            .count() as u64;
        assert_eq!(keys_moved(&keys, 3, 4), by_hand);
        assert_eq!(keys_moved(&keys, 3, 3), 0);
        let hot = KeyDistribution::HotKey { count: 2, hot_share: 0.5 };
        assert_eq!(key_names(&hot), vec![HOT_KEY.to_string(), key_name(0), key_name(1)]);
    }
}
