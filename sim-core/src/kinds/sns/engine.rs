//! An SNS topic's events: publishes (a producer's PublishBatch calls, a
//! forwarder's hand-off) within the publish quota, the fan-out to the
//! subscriptions through their filter policies, deliveries and their
//! retries by the delivery policy, and the dead-letter queue
//! (aws-facts-more 5.1 to 5.4).

use super::metrics as sns;
use super::{Endpoint, Policy, PublishRound};
use crate::cost::Delivered;
use crate::engine::{EngineKind, Simulation};
use crate::kinds::batch::born_blend;
use crate::kinds::queue::calls::{SendCalls, Sizes, Taken};
use crate::kinds::queue::engine::QueueRetry;
use crate::kinds::queue::{Counts, MAX_BATCH_MESSAGES};
use crate::kinds::stream::writes::apportion_into;
use crate::kinds::{Batch, Messages, Target};
use crate::metrics;
use crate::metrics::{Latencies, destination};
use crate::scenario::{
    NodeIndex, NodeKind, PublishPool, RecordSize, SNS_MAX_MESSAGE_BYTES, SnsTopicSpec,
};
use crate::time::SimTime;
use smallvec::SmallVec;

/// How many of a send's first calls fit in `messages` and `bytes` of room
/// (a call is taken whole or throttled whole); `largest` bounds the size of
/// a message whose size is drawn only once taken.
fn calls_within(plan: &SendCalls, messages: u64, bytes: u64, largest: u64) -> u64 {
    let whole = |per_call: u64, total: u64, each: u64| {
        let full = total / per_call;
        let fit = (messages / per_call).min(bytes / (per_call * each).max(1)).min(full);
        let rest = total - full * per_call;
        let more = fit == full
            && rest > 0
            && messages - fit * per_call >= rest
            && bytes.saturating_sub(fit * per_call * each) >= rest * each;
        fit + u64::from(more)
    };
    match *plan {
        SendCalls::Even { messages: total, per_call, bytes: each } => whole(per_call, total, each),
        SendCalls::Light { messages: total } => whole(MAX_BATCH_MESSAGES, total, largest),
        SendCalls::Packed(ref calls) => {
            let (mut n, mut b, mut k) = (0, 0, 0);
            for &(m, payload) in calls {
                if n + m > messages || b + payload > bytes {
                    break;
                }
                (n, b, k) = (n + m, b + payload, k + 1);
            }
            k
        }
    }
}

/// Shares `room` among `demands` (publish, demand) in proportion to
/// their demands, into `shares`, when they ask for more than it holds;
/// false, and nothing written, when it takes them all.
fn share(room: u64, demands: &[(usize, u64)], shares: &mut Vec<u64>) -> bool {
    let want = demands.iter().fold(0u64, |sum, d| sum.saturating_add(d.1));
    if want <= room {
        return false;
    }
    shares.clear();
    shares.resize(demands.len(), 0);
    apportion_into(room, demands, shares);
    true
}

/// Of `taken` messages published out of `allowed` (messages per message
/// group), each group's part: PublishBatch calls mix groups, so calls cut
/// short take from each in proportion ([`apportion_into`]). In `allowed`'s
/// order, zeros kept.
fn taken_by_group(taken: u64, allowed: &Counts) -> Counts {
    if taken == allowed.iter().map(|a| a.1).sum::<u64>() {
        return allowed.clone();
    }
    let weights: SmallVec<[(usize, u64); 2]> =
        allowed.iter().map(|&(g, n)| (g as usize, n)).collect();
    let mut parts: SmallVec<[u64; 2]> = smallvec::smallvec![0; weights.len()];
    apportion_into(taken, &weights, &mut parts);
    allowed.iter().zip(parts).map(|(&(g, _), n)| (g, n)).collect()
}

impl Simulation {
    /// The topic slot of node `node`, if it is a topic.
    pub(crate) fn topic_at(&self, node: NodeIndex) -> Option<usize> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::SnsTopic).then_some(s.slot)
    }

    /// A topic-bound producer's batch: the records generated since the last
    /// one (born, on average, at `born_ms`) are published as PublishBatch calls.
    /// On a FIFO topic each record's partition key is its
    /// `MessageGroupId` (aws-facts-more 5.2), so the batch is split by
    /// group as the keys are drawn; on a standard topic it is one part.
    pub(crate) fn producer_publish(&mut self, slot: usize, k: u64, born_ms: SimTime) {
        let mut parts = Counts::new();
        match &self.send_routes[slot] {
            Some(route) => {
                route.groups(0, k, &mut self.rngs[self.producer_nodes[slot]], &mut parts)
            }
            None => parts.push((0, k)),
        }
        self.publish_for_producer(slot, QueueRetry { parts, attempts: 0, born_ms });
    }

    /// One attempt of a producer's publish: PublishBatch calls of up to 10
    /// messages and 256 KiB (aws-facts-more 5.1); those over the publish
    /// quotas are throttled and retried with the producer's backoff, then
    /// given up. In a round of writes it waits for the round's other
    /// publishes ([`Simulation::publish_together`]).
    pub(crate) fn publish_for_producer(&mut self, slot: usize, batch: QueueRetry) {
        let Target::Topic(topic) = self.producers[slot].target else { return };
        if batch.messages() == 0 {
            return;
        }
        if self.publish_round.collecting {
            return self.publish_round.publishes.push((slot, topic, batch));
        }
        let allowed = self.within_groups(topic, &batch.parts);
        let (room, room_bytes) = self.publish_room(topic);
        self.publish_within(slot, topic, batch, &allowed, room, room_bytes);
    }

    /// Of the messages `parts` holds per message group, those each group
    /// has room for now (aws-facts-more 5.1: 300 a second per group of a
    /// FIFO topic; all on a standard topic), in `parts`' order.
    fn within_groups(&mut self, topic: usize, parts: &Counts) -> Counts {
        let (t, now) = (&mut self.topics[topic], self.now);
        parts.iter().map(|&(g, n)| (g, n.min(t.group_room(now, g)))).collect()
    }

    /// The messages and bytes topic `topic` can take now: its own limits
    /// and the account's quota for its type, which every topic of the type
    /// draws on (aws-facts-more 5.1).
    fn publish_room(&mut self, topic: usize) -> (u64, u64) {
        let t = &mut self.topics[topic];
        let (own, bytes) = t.room(self.now);
        let pool = t.spec.pool();
        (own.min(self.sns_account.room(pool, self.now)), bytes)
    }

    /// Producers' publishes due in one millisecond, taken together once
    /// the round's other writes have run. Where several meet on a limit
    /// that cannot take them all (a FIFO topic's own limits, or the
    /// account's quota for their type, which every topic of the type
    /// shares), its room is shared in proportion to what they ask
    /// (messages; for a byte limit, the most bytes their messages can
    /// carry): whole shares, and the few messages left one each to shares
    /// with a fraction, from a publish that varies with the amounts
    /// ([`apportion_into`]). Each takes the whole calls that fit in its
    /// share, so no publish gets more because it ran first. A topic's own
    /// limits are shared first, then the account's quota in proportion to
    /// what those left each publish.
    pub(crate) fn publish_together(&mut self) {
        let mut round = std::mem::take(&mut self.publish_round);
        round.collecting = false;
        if round.publishes.len() == 1 {
            let (slot, topic, batch) = round.publishes.pop().expect("one publish");
            self.publish_round = round;
            let allowed = self.within_groups(topic, &batch.parts);
            let (room, room_bytes) = self.publish_room(topic);
            return self.publish_within(slot, topic, batch, &allowed, room, room_bytes);
        }
        let PublishRound { publishes, caps, demands, order, shares, allowed, groups, .. } =
            &mut round;
        allowed.clear();
        allowed.extend(publishes.iter().map(|(_, _, b)| b.parts.clone()));
        caps.clear();
        caps.resize(publishes.len(), (0, u64::MAX));
        // Each topic's own limits, among the publishes to it.
        order.clear();
        order.extend(publishes.iter().enumerate().map(|(i, &(_, topic, _))| (topic, i)));
        order.sort_unstable();
        let mut rest = &order[..];
        while let Some(&(topic, _)) = rest.first() {
            let n = rest.iter().take_while(|o| o.0 == topic).count();
            let (same, others) = rest.split_at(n);
            rest = others;
            // A FIFO topic's message groups first, each among the
            // publishes with messages in it.
            if self.topics[topic].spec.is_fifo() {
                groups.clear();
                for &(_, i) in same {
                    let parts = &publishes[i].2.parts;
                    groups.extend(parts.iter().enumerate().map(|(k, p)| (p.0, i, k)));
                }
                groups.sort_unstable();
                let mut rest = &groups[..];
                while let Some(&(group, _, _)) = rest.first() {
                    let n = rest.iter().take_while(|g| g.0 == group).count();
                    let (run, others) = rest.split_at(n);
                    rest = others;
                    let room = self.topics[topic].group_room(self.now, group);
                    demands.clear();
                    demands.extend(run.iter().map(|&(_, i, k)| (i, publishes[i].2.parts[k].1)));
                    if share(room, demands, shares) {
                        for (&(_, i, k), &s) in run.iter().zip(shares.iter()) {
                            allowed[i][k].1 = s;
                        }
                    }
                }
            }
            for &(_, i) in same {
                caps[i].0 = allowed[i].iter().map(|a| a.1).sum();
            }
            let (room, room_bytes) = self.topics[topic].room(self.now);
            demands.clear();
            demands.extend(same.iter().map(|&(_, i)| (i, caps[i].0)));
            if share(room, demands, shares) {
                for (d, &s) in demands.iter().zip(shares.iter()) {
                    caps[d.0].0 = s;
                }
            }
            if room_bytes == u64::MAX {
                continue;
            }
            demands.clear();
            demands.extend(same.iter().map(|&(_, i)| {
                let p = &self.producers[publishes[i].0];
                (i, caps[i].0.saturating_mul(u64::from(p.spec.record_size.max_bytes())))
            }));
            let shared = same.len() > 1 && share(room_bytes, demands, shares);
            for (k, d) in demands.iter().enumerate() {
                caps[d.0].1 = if shared { shares[k] } else { room_bytes };
            }
        }
        // The account's quota of each type, among the publishes to its
        // topics.
        for pool in [PublishPool::Standard, PublishPool::Fifo] {
            demands.clear();
            demands.extend(
                order
                    .iter()
                    .filter(|&&(topic, _)| self.topics[topic].spec.pool() == pool)
                    .map(|&(_, i)| (i, caps[i].0)),
            );
            demands.sort_unstable();
            if demands.is_empty() {
                continue;
            }
            let room = self.sns_account.room(pool, self.now);
            if share(room, demands, shares) {
                for (d, &s) in demands.iter().zip(shares.iter()) {
                    caps[d.0].0 = s;
                }
            }
        }
        for (k, (slot, topic, batch)) in publishes.drain(..).enumerate() {
            let (room, room_bytes) = caps[k];
            self.publish_within(slot, topic, batch, &allowed[k], room, room_bytes);
        }
        self.publish_round = round;
    }

    /// Producer `slot`'s publish to topic `topic`: of `allowed` (per
    /// message group, what the groups' limits leave of the batch's parts,
    /// in their order), the PublishBatch calls that fit in `room` messages
    /// and `room_bytes` bytes are taken whole; the rest is throttled, each
    /// message retried in its own group.
    fn publish_within(
        &mut self,
        slot: usize,
        topic: usize,
        mut batch: QueueRetry,
        allowed: &Counts,
        room: u64,
        room_bytes: u64,
    ) {
        let n = batch.messages();
        batch.attempts += 1;
        let node = self.producer_nodes[slot];
        let p = &self.producers[slot];
        let (sizes, largest) = match p.spec.record_size {
            RecordSize::Fixed { bytes } => (Sizes::Each(u64::from(bytes)), u64::from(bytes)),
            _ => (Sizes::Drawn(p), u64::from(p.spec.record_size.max_bytes())),
        };
        let within: u64 = allowed.iter().map(|a| a.1).sum();
        let plan = SendCalls::plan(within, sizes, SNS_MAX_MESSAGE_BYTES, &mut self.rngs[node]);
        let calls = calls_within(&plan, room, room_bytes, largest);
        let p = &self.producers[slot];
        let sizes = match p.spec.record_size {
            RecordSize::Fixed { bytes } => Sizes::Each(u64::from(bytes)),
            _ => Sizes::Drawn(p),
        };
        let taken = plan.take(calls, sizes, &mut self.rngs[node]);
        let groups = taken_by_group(taken.messages, allowed);
        self.published(topic, taken, batch.born_ms, &groups);
        let m = &mut self.metrics[node];
        m.add(metrics::producer::USER_RECORDS_PUT, taken.messages as f64);
        m.add(metrics::producer::USER_RECORDS_DATA_PUT, taken.bytes as f64);
        m.add(metrics::producer::REQUESTS, calls as f64);
        let refused = n - taken.messages;
        if refused == 0 {
            return;
        }
        self.metrics[self.topic_nodes[topic]].add(sns::THROTTLED, refused as f64);
        let parts = batch.parts.iter().zip(&groups).map(|(&(g, n), t)| (g, n - t.1));
        let parts = parts.filter(|p| p.1 > 0).collect();
        self.retry_refused(node, slot, QueueRetry { parts, ..batch });
    }

    /// A topic takes a forwarded batch (a forwarding stage publishes it as
    /// PublishBatch calls of its mean size) within its publish quota; the
    /// hand-off retries the rest. The records have no partition key left
    /// (a reader hands on their data), so on a FIFO topic they are in
    /// message group 0 (AWS leaves the group to the code; MODEL.md).
    pub(crate) fn topic_take(&mut self, topic: usize, batch: Batch) -> u64 {
        let each = (batch.bytes / batch.records).clamp(1, SNS_MAX_MESSAGE_BYTES);
        let node = self.topic_nodes[topic];
        let allowed = self.within_groups(topic, &Counts::from_slice(&[(0, batch.records)]));
        let plan = SendCalls::plan(
            allowed[0].1,
            Sizes::Each(each),
            SNS_MAX_MESSAGE_BYTES,
            &mut self.rngs[node],
        );
        let (room, room_bytes) = self.publish_room(topic);
        let calls = calls_within(&plan, room, room_bytes, each);
        let taken = plan.take(calls, Sizes::Each(each), &mut self.rngs[node]);
        self.published(topic, taken, batch.born_ms, &Counts::from_slice(&[(0, taken.messages)]));
        self.metrics[node].add(sns::THROTTLED, (batch.records - taken.messages) as f64);
        taken.messages
    }

    /// Messages a topic took from `calls` of `taken`, `groups` of them in
    /// each message group: the quotas spent, the publishes billed
    /// (aws-facts-more 5.5: each 64 KB chunk of a call is a request),
    /// throttled ones counted, and the fan-out. The messages were born at
    /// their producer on average at `born_ms`.
    fn published(&mut self, topic: usize, taken: Taken, born_ms: SimTime, groups: &Counts) {
        let node = self.topic_nodes[topic];
        let t = &mut self.topics[topic];
        t.spend(self.now, taken.messages, taken.bytes, groups);
        self.sns_account.spend(t.spec.pool(), self.now, taken.messages);
        if taken.messages == 0 {
            return;
        }
        let t = &mut self.topics[topic];
        t.published += taken.messages;
        let fifo = t.spec.is_fifo();
        self.cost.sns_publish(fifo, taken.requests, taken.bytes);
        let m = &mut self.metrics[node];
        m.add(sns::PUBLISHED, taken.messages as f64);
        m.sample(sns::PUBLISH_SIZE, taken.bytes as f64 / taken.messages as f64);
        let each = (taken.bytes / taken.messages).max(1);
        for sub in 0..self.topics[topic].subs.len() {
            let s = &mut self.topics[topic].subs[sub];
            let matched = s.filter(taken.messages);
            let bytes = s.notification_bytes(each) * matched;
            // aws-facts-more 5.2, 5.4: filtered messages are not delivered,
            // only counted.
            self.metrics[node].add(sns::FILTERED_OUT, (taken.messages - matched) as f64);
            if matched == 0 {
                continue;
            }
            // A notification is a new record at its endpoint's stage.
            self.handed_off += matched;
            let notes = Batch::arriving(matched, bytes, self.now, born_ms);
            self.notify(topic, sub, notes, 0, None, Some(groups));
        }
    }

    /// Delivers notifications `notes` of subscription `sub`, after
    /// `retries` retries of `policy` (none yet: the first attempt), of a
    /// publish with `groups` messages per message group (none: a retry).
    /// What the endpoint refuses waits for the policy's next retry, or goes
    /// to the dead-letter queue when none is left (aws-facts-more 5.3). An
    /// HTTP/S subscription's throttle holds back what is over its rate, to
    /// be sent as the rate allows.
    fn notify(
        &mut self,
        topic: usize,
        sub: usize,
        notes: Batch,
        retries: u32,
        policy: Option<Policy>,
        groups: Option<&Counts>,
    ) {
        let Batch { records: count, bytes, born_ms, .. } = notes;
        let node = self.topic_nodes[topic];
        let t = &self.topics[topic];
        let fifo = t.spec.is_fifo();
        let endpoint = t.subs[sub].endpoint;
        let down = self.now < t.down_until
            || matches!(endpoint, Endpoint::Http(d) if self.destinations[d].is_down(self.now));
        let each = (bytes / count).max(1);
        // aws-facts-more 5.3: maxReceivesPerSecond throttles an HTTP/S
        // subscription's deliveries; the rest wait (not a failed attempt).
        let (count, bytes) = match (down, &mut self.topics[topic].subs[sub].throttle) {
            (false, Some(bucket)) => {
                let now = bucket.whole(self.now).min(count);
                bucket.take_whole(self.now, now);
                let s = &mut self.topics[topic].subs[sub];
                s.held_born = born_blend(s.held_born, s.held, born_ms, count - now);
                s.held += count - now;
                s.held_bytes += bytes - each * now;
                (now, each * now)
            }
            (true, _) | (false, None) => (count, bytes),
        };
        if count == 0 {
            return;
        }
        let batch = Batch::arriving(count, bytes, self.now, born_ms);
        let accepted = match (down, endpoint) {
            (true, _) => 0,
            // aws-facts-more 5.2: a FIFO topic passes each message's group
            // ID on to a FIFO queue, not to a standard one.
            (false, Endpoint::Queue(q)) if fifo && self.queues[q].is_fifo() => {
                let route = self.topics[topic].route_into(&self.queues[q], groups);
                self.queue_take_routed(q, batch, &route)
            }
            (false, Endpoint::Queue(q)) => self.queue_take(q, batch),
            (false, Endpoint::Firehose(f)) => self.firehose_take(f, batch),
            // aws-facts-more 5.2: Lambda queues the event and answers at
            // once; throttling is its own queue's business (aws-facts 5.4).
            (false, Endpoint::Lambda(f)) => {
                self.lambda_async_take(f, count, bytes, born_ms);
                count
            }
            // An HTTP/S endpoint that is up takes every notification (its
            // throughput is not a limit here, MODEL.md).
            (false, Endpoint::Http(d)) => {
                let dest = &mut self.destinations[d];
                dest.records += count;
                dest.bytes += bytes;
                let m = &mut self.metrics[self.destination_nodes[d]];
                m.add(destination::RECORDS, count as f64);
                m.add(destination::BYTES, bytes as f64);
                m.add(destination::DELIVERIES, count as f64);
                count
            }
        };
        if accepted > 0 {
            self.topics[topic].subs[sub].delivered += accepted;
            self.metrics[node].add(sns::DELIVERED, accepted as f64);
            let kind = match endpoint {
                Endpoint::Firehose(_) => Delivered::Firehose,
                Endpoint::Http(_) => Delivered::Http,
                Endpoint::Queue(_) | Endpoint::Lambda(_) => Delivered::Free,
            };
            self.cost.sns_deliveries(fifo, kind, accepted, each);
        }
        let refused = count - accepted;
        if refused == 0 {
            return;
        }
        // aws-facts-more 5.3: SQS, Lambda and Firehose are AWS-managed
        // endpoints, but for Firehose's throttling errors SNS uses the
        // customer-managed policy; an outage is a server-side error. An
        // HTTP/S subscription has its own policy.
        let http = self.topics[topic].subs[sub].http;
        let policy = policy.unwrap_or(match (down, endpoint, http) {
            (_, _, Some(h)) => Policy::Http(h),
            (false, Endpoint::Firehose(_), None) => Policy::CustomerManaged,
            (true, _, None)
            | (false, Endpoint::Queue(_) | Endpoint::Lambda(_) | Endpoint::Http(_), None) => {
                Policy::AwsManaged
            }
        });
        // The immediate retries run at once against an endpoint that just
        // refused; they are counted, not tried.
        let immediate = if policy.delay_ms(retries) == Some(0) {
            policy.immediate().saturating_sub(retries)
        } else {
            0
        };
        self.metrics[node].add(sns::RETRIES, (refused * u64::from(immediate)) as f64);
        let retries = retries + immediate;
        if let Endpoint::Http(d) = endpoint {
            // aws-facts-more 5.4: for HTTP/S, NumberOfNotificationsFailed
            // counts every failed attempt, retries included.
            let attempts = (refused * (1 + u64::from(immediate))) as f64;
            self.metrics[node].add(sns::FAILED, attempts);
            self.metrics[self.destination_nodes[d]].add(destination::FAILED_ATTEMPTS, attempts);
        }
        let notes = Batch::arriving(refused, each * refused, self.now, born_ms);
        if !self.topics[topic].retry_later(self.now, sub, notes, retries, policy) {
            self.sns_give_up(topic, sub, refused, each);
        }
    }

    /// An HTTP/S subscription's throttle lets out what it held back, as
    /// far as the rate allows (their first attempt).
    fn release_held(&mut self, topic: usize, sub: usize) {
        let s = &mut self.topics[topic].subs[sub];
        let Some(bucket) = &mut s.throttle else { return };
        let n = bucket.whole(self.now).min(s.held);
        if n == 0 {
            return;
        }
        let bytes = if n == s.held { s.held_bytes } else { s.held_bytes / s.held * n };
        s.held -= n;
        s.held_bytes -= bytes;
        let notes = Batch::arriving(n, bytes, self.now, s.held_born);
        self.notify(topic, sub, notes, 0, None, None);
    }

    /// The policy ended (aws-facts-more 5.3): to the subscription's
    /// dead-letter queue (outside the ledger from there, as a queue's own
    /// dead letters), or discarded.
    fn sns_give_up(&mut self, topic: usize, sub: usize, count: u64, each: u64) {
        let node = self.topic_nodes[topic];
        let t = &mut self.topics[topic];
        t.subs[sub].failed += count;
        let m = &mut self.metrics[node];
        // aws-facts-more 5.4: +1 when SNS stops trying, except for HTTP/S,
        // whose every failed attempt was counted already.
        if !t.subs[sub].is_http() {
            m.add(sns::FAILED, count as f64);
        }
        match t.subs[sub].dlq {
            Some(dlq) => {
                t.dead_lettered += count;
                m.add(sns::REDRIVEN_TO_DLQ, count as f64);
                let messages =
                    Messages { counted: false, ..Messages::new(count, each, self.now, 0) };
                self.enqueue(dlq, messages);
            }
            None => t.discarded += count,
        }
    }

    /// Once a second: the retries due, and the gauges.
    pub(crate) fn sns_second(&mut self) {
        for topic in 0..self.topics.len() {
            let now = self.now;
            let t = &mut self.topics[topic];
            if t.retries.first().is_some_and(|_| t.retries.iter().any(|r| r.due <= now)) {
                let (due, later): (Vec<_>, Vec<_>) =
                    std::mem::take(&mut t.retries).into_iter().partition(|r| r.due <= now);
                t.retries = later;
                for r in due {
                    self.topics[topic].retrying -= r.count;
                    self.metrics[self.topic_nodes[topic]].add(sns::RETRIES, r.count as f64);
                    let sub = r.sub as usize;
                    let notes = Batch::arriving(r.count, r.bytes, self.now, r.born_ms);
                    self.notify(topic, sub, notes, r.retries + 1, Some(r.policy), None);
                }
            }
            for sub in 0..self.topics[topic].subs.len() {
                if self.topics[topic].subs[sub].held > 0 {
                    self.release_held(topic, sub);
                }
            }
            let retrying = self.topics[topic].retrying;
            self.metrics[self.topic_nodes[topic]].sample(sns::RETRYING, retrying as f64);
        }
    }

    /// The endpoints of a topic's subscriptions refuse deliveries for
    /// `ms` (server-side errors: retried by the AWS-managed policy).
    pub(crate) fn topic_endpoints_down(&mut self, topic: usize, ms: SimTime) {
        let t = &mut self.topics[topic];
        t.down_until = t.down_until.max(self.now + ms);
        let text = format!("every subscription's endpoint refuses deliveries for {} s", ms / 1_000);
        self.journal(self.topic_nodes[topic], text, false);
    }
}

impl EngineKind for SnsTopicSpec {
    fn accept(sim: &mut Simulation, slot: usize, _: NodeIndex, batch: Batch) -> u64 {
        sim.topic_take(slot, batch)
    }

    fn offered(_: &mut Simulation, _: usize, _: usize) -> bool {
        false
    }

    fn producer_target(slot: usize) -> Option<Target> {
        Some(Target::Topic(slot))
    }

    fn latency(_: &Simulation, _: NodeIndex, _: usize) -> Option<&Latencies> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_taken_whole_within_the_room() {
        let even = SendCalls::Even { messages: 25, per_call: 10, bytes: 100 };
        assert_eq!(calls_within(&even, 100, u64::MAX, 100), 3);
        assert_eq!(calls_within(&even, 24, u64::MAX, 100), 2);
        assert_eq!(calls_within(&even, 9, u64::MAX, 100), 0);
        assert_eq!(calls_within(&even, 100, 2_000, 100), 2);
        let packed = SendCalls::Packed(vec![(10, 1_000), (3, 90_000), (10, 1_000)]);
        assert_eq!(calls_within(&packed, 13, u64::MAX, 0), 2);
        assert_eq!(calls_within(&packed, 100, 50_000, 0), 1);
    }
}
