//! An Amazon SNS topic (aws-facts-more 5): publishes within the account's
//! Regional quota for its type and the topic's own limits, a copy of each message to every subscription whose filter policy
//! matches it, deliveries the endpoint refuses retried by the endpoint
//! type's delivery policy, then moved to the subscription's dead-letter
//! queue or discarded.

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;

use std::collections::BTreeMap;

use crate::bucket::{Rate, TokenBucket, Tokens};
use crate::kinds::Batch;
use crate::kinds::batch::born_blend;
use crate::kinds::queue::engine::QueueRetry;
use crate::kinds::queue::{Counts, GroupRoute, MessageGroup, Queue, message_groups};
use crate::memory::{btree, buffer};
use crate::routing::{hash_key, key_name};
use crate::scenario::{
    FIFO_GROUP_MESSAGES_PER_S, HttpDeliveryPolicy, KeyDistribution, NodeIndex, PublishPool,
    SnsTopicSpec,
};
use crate::time::{SECOND, SimTime};

/// Bytes the JSON envelope adds to a message delivered without raw
/// delivery. AWS lists the envelope's fields, not their size
/// (aws-facts-more 5.2, 7): a simulator assumption, in MODEL.md.
pub const ENVELOPE_BYTES: u64 = 1_024;

/// The most cohorts of notifications a topic keeps waiting for a retry;
/// past it a new one joins its subscription's last (and retries on that
/// one's schedule), so a long outage costs bounded memory. A simulator
/// bound, in MODEL.md.
pub const MAX_RETRY_COHORTS: usize = 4_096;

/// A delivery policy: the retries after a failed first attempt, in phases
/// (aws-facts-more 5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// An HTTP/S subscription's policy, AWS's default (3 retries 20 s
    /// apart) or the subscription's own.
    Http(HttpDeliveryPolicy),
    /// AWS-managed endpoints (SQS, Lambda, Firehose): 3 immediate retries,
    /// 2 one second apart, 10 backing off exponentially from 1 s to 20 s,
    /// 100,000 twenty seconds apart: 100,015 over about 23 days.
    AwsManaged,
    /// Customer-managed endpoints, and Firehose's throttling errors: 2 ten
    /// seconds apart, 10 backing off exponentially from 10 s to 600 s, 38
    /// six hundred seconds apart: 50 over about 6 hours.
    CustomerManaged,
}

/// One phase of a policy: how many retries, and their delays.
#[derive(Clone, Copy, Debug)]
struct Phase {
    retries: u32,
    /// Delay of the first and the last retry of the phase, in seconds
    /// (equal: a fixed delay; apart: exponential between them).
    from_s: f64,
    to_s: f64,
}

impl Policy {
    /// aws-facts-more 5.3, the table of delivery policies by endpoint type
    /// (an HTTP/S policy has its own phases, see
    /// [`HttpDeliveryPolicy::delay_ms`]).
    fn phases(self) -> [Phase; 4] {
        let p = |retries, from_s, to_s| Phase { retries, from_s, to_s };
        match self {
            Policy::Http(_) => [p(0, 0.0, 0.0); 4],
            Policy::AwsManaged => {
                [p(3, 0.0, 0.0), p(2, 1.0, 1.0), p(10, 1.0, 20.0), p(100_000, 20.0, 20.0)]
            }
            Policy::CustomerManaged => {
                [p(0, 0.0, 0.0), p(2, 10.0, 10.0), p(10, 10.0, 600.0), p(38, 600.0, 600.0)]
            }
        }
    }

    /// Retries in all (the table's "total attempts": 100,015 or 50).
    pub fn retries(self) -> u32 {
        if let Policy::Http(h) = self {
            return h.num_retries;
        }
        self.phases().iter().map(|p| p.retries).sum()
    }

    /// Delay before retry `k` (from 0) after the attempt before it, in
    /// milliseconds; `None` past the last.
    pub fn delay_ms(self, k: u32) -> Option<SimTime> {
        if let Policy::Http(h) = self {
            return h.delay_ms(k);
        }
        let mut k = k;
        for phase in self.phases() {
            if k < phase.retries {
                let s = if phase.retries <= 1 || phase.from_s == phase.to_s {
                    phase.from_s
                } else {
                    let x = f64::from(k) / f64::from(phase.retries - 1);
                    phase.from_s * libm::pow(phase.to_s / phase.from_s, x)
                };
                return Some(libm::round(s * SECOND as f64) as SimTime);
            }
            k -= phase.retries;
        }
        None
    }

    /// The retries at the start of the policy that have no delay (made at
    /// once, against an endpoint that just failed).
    pub fn immediate(self) -> u32 {
        (0..).take_while(|&k| self.delay_ms(k) == Some(0)).count() as u32
    }
}

/// Where a subscription delivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// An SQS queue, by queue slot.
    Queue(usize),
    /// A Firehose delivery stream, by delivery stream slot.
    Firehose(usize),
    /// A Lambda function, invoked asynchronously (aws-facts-more 5.2), by
    /// function slot.
    Lambda(usize),
    /// An HTTP/S endpoint, a destination of type `http_endpoint`, by
    /// destination slot.
    Http(usize),
}

/// One subscription's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscription {
    /// The endpoint's node index.
    pub node: NodeIndex,
    /// Where it delivers.
    pub endpoint: Endpoint,
    /// Share its filter policy matches.
    pub filter_share: f64,
    /// Raw message delivery.
    pub raw: bool,
    /// Its dead-letter queue, by queue slot.
    pub dlq: Option<usize>,
    /// Messages offered to its filter since the start.
    pub offered: u64,
    /// Of those, matched.
    pub matched: u64,
    /// Notifications the endpoint accepted.
    pub delivered: u64,
    /// Notifications given up (moved to the DLQ or discarded).
    pub failed: u64,
    /// An HTTP/S subscription's delivery policy (AWS's default without
    /// one); `None` for the other endpoints.
    pub http: Option<HttpDeliveryPolicy>,
    /// An HTTP/S subscription's `maxReceivesPerSecond`, as a token bucket
    /// one second deep.
    pub throttle: Option<TokenBucket>,
    /// Notifications the throttle holds back, waiting for the rate to
    /// allow them (in flight at the topic).
    pub held: u64,
    /// Their bytes.
    pub held_bytes: u64,
    /// When they were born at their producer, on average.
    pub held_born: SimTime,
}

impl Subscription {
    /// Of `n` more messages offered, how many its filter matches: the
    /// running total rounded down, so the matched share is exact over the
    /// run and no message is split.
    pub fn filter(&mut self, n: u64) -> u64 {
        self.offered += n;
        let due = (self.offered as f64 * self.filter_share) as u64;
        let now = due.saturating_sub(self.matched).min(n);
        self.matched += now;
        now
    }

    /// A subscription of `endpoint` (node `node`) with its settings.
    pub fn new(
        node: NodeIndex,
        endpoint: Endpoint,
        spec: &crate::scenario::SubscriptionSpec,
        dlq: Option<usize>,
    ) -> Self {
        let http =
            matches!(endpoint, Endpoint::Http(_)).then(|| spec.delivery_policy.unwrap_or_default());
        let throttle = http
            .and_then(|p| p.max_receives_per_second)
            .map(|r| TokenBucket::per_second(f64::from(r.max(1))));
        Subscription {
            node,
            endpoint,
            filter_share: spec.filter_share,
            raw: spec.raw_delivery,
            dlq,
            offered: 0,
            matched: 0,
            delivered: 0,
            failed: 0,
            http,
            throttle,
            held: 0,
            held_bytes: 0,
            held_born: 0,
        }
    }

    /// Whether it delivers to an HTTP/S endpoint.
    pub fn is_http(&self) -> bool {
        matches!(self.endpoint, Endpoint::Http(_))
    }

    /// Bytes of a notification of a `bytes` message.
    pub fn notification_bytes(&self, bytes: u64) -> u64 {
        if self.raw { bytes } else { bytes + ENVELOPE_BYTES }
    }
}

/// Notifications waiting for their next delivery attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retrying {
    /// Subscription index.
    pub sub: u32,
    /// Notifications.
    pub count: u64,
    /// Their bytes (each as delivered).
    pub bytes: u64,
    /// When they were born at their producer, on average.
    pub born_ms: SimTime,
    /// Retries made so far.
    pub retries: u32,
    /// The policy it follows.
    pub policy: Policy,
    /// When the next retry is due.
    pub due: SimTime,
}

/// The account's Regional publish quotas (aws-facts-more 5.1: "per
/// account per Region, Publish + PublishBatch messages combined"): one
/// for standard topics and one for FIFO topics, each a token bucket one
/// second deep that every topic of its type draws on. Each topic states
/// its type's quota (`publish_quota_per_s`; validation holds the topics of
/// a type to one value), so the first topic of each type sets it.
#[derive(Clone, Debug, Default)]
pub struct AccountQuotas {
    /// Standard topics' quota, if the scenario has a standard topic.
    standard: Option<TokenBucket>,
    /// FIFO topics' quota, if the scenario has a FIFO topic.
    fifo: Option<TokenBucket>,
}

impl AccountQuotas {
    /// The quotas the topics `specs` state (the first of each type's).
    pub fn new<'a>(specs: impl IntoIterator<Item = &'a SnsTopicSpec>) -> Self {
        let mut quotas = AccountQuotas::default();
        for spec in specs {
            let bucket = quotas.bucket(spec.pool());
            if bucket.is_none() {
                *bucket = Some(TokenBucket::per_second(f64::from(spec.publish_quota_per_s)));
            }
        }
        quotas
    }

    fn bucket(&mut self, pool: PublishPool) -> &mut Option<TokenBucket> {
        match pool {
            PublishPool::Standard => &mut self.standard,
            PublishPool::Fifo => &mut self.fifo,
        }
    }

    /// The messages quota `pool` has room for at `now`.
    pub fn room(&mut self, pool: PublishPool, now: SimTime) -> u64 {
        self.bucket(pool).as_mut().map_or(u64::MAX, |b| b.whole(now))
    }

    /// Spends quota `pool` on `messages` published at `now`.
    pub fn spend(&mut self, pool: PublishPool, now: SimTime, messages: u64) {
        if let Some(b) = self.bucket(pool) {
            b.take_whole(now, messages);
        }
    }
}

/// Producers' publishes due in one millisecond's round of writes, held
/// until every write of the round has run, then taken together so that
/// they share the quotas in proportion to their messages rather than in
/// the order they ran (`Simulation::publish_together`).
#[derive(Clone, Debug, Default)]
pub(crate) struct PublishRound {
    /// Whether a round is collecting publishes (otherwise a publish is
    /// taken at once).
    pub collecting: bool,
    /// (producer slot, topic slot, its attempt), in the round's order.
    pub publishes: Vec<(usize, usize, QueueRetry)>,
    /// Per publish, the messages and bytes it may take.
    pub caps: Vec<(u64, u64)>,
    /// (topic slot, publish), sorted: the publishes by topic.
    pub order: Vec<(usize, usize)>,
    /// The publishes meeting on one limit: (publish, demand).
    pub demands: Vec<(usize, u64)>,
    /// Their shares of its room.
    pub shares: Vec<u64>,
    /// Per publish, the messages per message group its groups' limits
    /// leave it (in the order of its parts).
    pub allowed: Vec<Counts>,
    /// (message group, publish, its part), sorted: a FIFO topic's
    /// publishes by group.
    pub groups: Vec<(u32, usize, usize)>,
}

impl PublishRound {
    /// Memory of the lists, in bytes (see [`crate::memory`]).
    pub fn heap_bytes(&self) -> u64 {
        buffer::<(usize, usize, QueueRetry)>(self.publishes.capacity())
            + buffer::<(u64, u64)>(self.caps.capacity())
            + buffer::<(usize, usize)>(self.order.capacity())
            + buffer::<(usize, u64)>(self.demands.capacity())
            + buffer::<u64>(self.shares.capacity())
            + buffer::<Counts>(self.allowed.capacity())
            + self
                .allowed
                .iter()
                .filter(|a| a.spilled())
                .map(|a| buffer::<(u32, u64)>(a.capacity()))
                .sum::<u64>()
            + buffer::<(u32, usize, usize)>(self.groups.capacity())
    }
}

/// aws-facts-more 5.1: a FIFO topic takes at most 300 messages a second
/// per message group, one second deep as every limit here.
const GROUP_RATE: Rate = Rate::whole_per_second(FIFO_GROUP_MESSAGES_PER_S as i64);

/// A message group of a FIFO topic: a `MessageGroupId` its publishers set
/// (aws-facts-more 5.2), a producer's partition key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TopicGroup {
    /// Its 300 messages a second.
    tokens: Tokens,
    /// MD5 of its `MessageGroupId`: the partition it falls in when it
    /// reaches a high-throughput FIFO queue.
    hash: u128,
    /// Messages published in it since the start.
    pub published: u64,
}

impl TopicGroup {
    fn new(hash: u128) -> Self {
        TopicGroup { tokens: Tokens::full(&GROUP_RATE), hash, published: 0 }
    }
}

/// A topic's runtime state.
#[derive(Clone, Debug)]
pub struct Topic {
    /// Parameters.
    pub spec: SnsTopicSpec,
    /// Its subscriptions, in link order.
    pub subs: Vec<Subscription>,
    /// A FIFO topic's message groups, by number (`pk-{id}`, as in a FIFO
    /// queue): its producers' keys, and group 0 for a forwarding stage's
    /// publishes. Empty on a standard topic.
    pub groups: BTreeMap<u32, TopicGroup>,
    /// Its own publish limit in messages, where one applies (a FIFO
    /// topic's); the account's quota is [`AccountQuotas`].
    pub messages: Option<TokenBucket>,
    /// Its own publish limit in bytes, where one applies.
    pub bytes: Option<TokenBucket>,
    /// Messages published (accepted) since the start.
    pub published: u64,
    /// Notifications waiting for a retry.
    pub retrying: u64,
    /// Notifications moved to a dead-letter queue.
    pub dead_lettered: u64,
    /// Notifications discarded (the policy ended, no dead-letter queue).
    pub discarded: u64,
    /// The retries waiting, in the order they were made.
    pub retries: Vec<Retrying>,
    /// Its endpoints refuse deliveries (server-side errors) until then.
    pub down_until: SimTime,
}

impl Topic {
    /// A topic with its subscriptions.
    pub fn new(spec: SnsTopicSpec, subs: Vec<Subscription>) -> Self {
        let messages = spec.topic_messages_per_s().map(|m| TokenBucket::per_second(f64::from(m)));
        let bytes = spec.publish_bytes_per_s().map(|b| TokenBucket::per_second(b as f64));
        Topic {
            spec,
            subs,
            groups: BTreeMap::new(),
            messages,
            bytes,
            published: 0,
            retrying: 0,
            dead_lettered: 0,
            discarded: 0,
            retries: Vec::new(),
            down_until: 0,
        }
    }

    /// The messages and bytes its own limits have room for at `now`
    /// (`u64::MAX` where it has none).
    pub fn room(&mut self, now: SimTime) -> (u64, u64) {
        let bytes = self.bytes.as_mut().map_or(u64::MAX, |b| b.whole(now));
        (self.messages.as_mut().map_or(u64::MAX, |m| m.whole(now)), bytes)
    }

    /// Spends its own limits on `messages` of `bytes` in all, published at
    /// `now`, `groups` of them in each message group (messages per group).
    pub fn spend(&mut self, now: SimTime, messages: u64, bytes: u64, groups: &Counts) {
        if let Some(m) = &mut self.messages {
            m.take_whole(now, messages);
        }
        if let Some(b) = &mut self.bytes {
            b.take_whole(now, bytes);
        }
        if self.spec.is_fifo() {
            for &(id, n) in groups.iter().filter(|g| g.1 > 0) {
                let g = self.group(id);
                g.tokens.take_whole(&GROUP_RATE, now, n);
                g.published += n;
            }
        }
    }

    /// A FIFO topic learns the message groups of a producer publishing with
    /// partition keys `keys` (the keys are its `MessageGroupId`s, as they
    /// are sent to a FIFO queue).
    pub fn add_publisher(&mut self, keys: &KeyDistribution) {
        if self.spec.is_fifo() {
            for g in message_groups(keys) {
                self.groups.entry(g.id).or_insert_with(|| TopicGroup::new(g.hash));
            }
        }
    }

    /// Group `id`; a group no producer declared (a forwarding stage's group
    /// 0) starts full at its first publish.
    fn group(&mut self, id: u32) -> &mut TopicGroup {
        self.groups.entry(id).or_insert_with(|| TopicGroup::new(hash_key(&key_name(id))))
    }

    /// Messages group `id` takes at `now`: 300 a second on a FIFO topic
    /// (aws-facts-more 5.1), no limit on a standard one.
    pub fn group_room(&mut self, now: SimTime, id: u32) -> u64 {
        if !self.spec.is_fifo() {
            return u64::MAX;
        }
        self.group(id).tokens.whole(&GROUP_RATE, now)
    }

    /// How its notifications spread over FIFO queue `queue`'s message
    /// groups (aws-facts-more 5.2: a FIFO topic passes each message's group
    /// ID on to a FIFO queue): as `published`, the messages per group just
    /// published; for a retry, whose notifications are kept as a count, as
    /// every message it published so far.
    pub fn route_into(&self, queue: &Queue, published: Option<&Counts>) -> GroupRoute {
        let hash =
            |id: u32| self.groups.get(&id).map_or_else(|| hash_key(&key_name(id)), |g| g.hash);
        let group = |id, n: u64| MessageGroup { id, hash: hash(id), share: n as f64 };
        match published {
            Some(groups) => {
                GroupRoute::of_groups(queue, groups.iter().map(|&(id, n)| group(id, n)))
            }
            None => GroupRoute::of_groups(
                queue,
                self.groups.iter().map(|(&id, g)| group(id, g.published)),
            ),
        }
    }

    /// Queues `count` notifications of subscription `sub` for a retry
    /// after `retries` made, merged into the last such cohort when both are
    /// due in the same second (so an outage holds a cohort a second, not
    /// one per publish). Returns `false` when the policy has no retry left.
    pub fn retry_later(
        &mut self,
        now: SimTime,
        sub: usize,
        notes: Batch,
        retries: u32,
        policy: Policy,
    ) -> bool {
        let Batch { records: count, bytes, born_ms, .. } = notes;
        let Some(delay) = policy.delay_ms(retries) else { return false };
        let due = (now + delay).div_ceil(SECOND) * SECOND;
        self.retrying += count;
        let sub = sub as u32;
        let full = self.retries.len() >= MAX_RETRY_COHORTS;
        if let Some(last) = self.retries.iter_mut().rev().find(|r| r.sub == sub)
            && (full || (last.due == due && last.retries == retries && last.policy == policy))
        {
            last.born_ms = born_blend(last.born_ms, last.count, born_ms, count);
            last.count += count;
            last.bytes += bytes;
            return true;
        }
        self.retries.push(Retrying { sub, count, bytes, born_ms, retries, policy, due });
        true
    }

    /// Notifications delivered to HTTP/S endpoints (ended there: an HTTP/S
    /// endpoint is the end of a pipeline) and those the throttles hold
    /// back, for the ledger.
    pub fn http_ledger(&self) -> (u64, u64) {
        let http = self.subs.iter().filter(|s| s.is_http());
        http.fold((0, 0), |(d, h), s| (d + s.delivered, h + s.held))
    }

    /// What it holds beyond its own size.
    pub fn heap_bytes(&self) -> u64 {
        buffer::<Subscription>(self.subs.capacity())
            + buffer::<Retrying>(self.retries.capacity())
            + btree::<u32, TopicGroup>(self.groups.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_managed_policy_is_100015_retries_over_about_23_days() {
        // aws-facts-more 5.3.
        let p = Policy::AwsManaged;
        assert_eq!(p.retries(), 100_015);
        assert_eq!(p.immediate(), 3);
        let total_ms: SimTime = (0..p.retries()).map(|k| p.delay_ms(k).unwrap()).sum();
        let days = total_ms as f64 / 86_400_000.0;
        assert!((23.0..23.3).contains(&days), "{days} days");
        assert_eq!(p.delay_ms(3), Some(1_000));
        assert_eq!(p.delay_ms(5), Some(1_000));
        assert_eq!(p.delay_ms(14), Some(20_000));
        assert_eq!(p.delay_ms(100_014), Some(20_000));
        assert_eq!(p.delay_ms(100_015), None);
    }

    #[test]
    fn customer_managed_policy_is_50_retries_over_about_6_hours() {
        // aws-facts-more 5.3.
        let p = Policy::CustomerManaged;
        assert_eq!(p.retries(), 50);
        assert_eq!(p.immediate(), 0);
        let total_ms: SimTime = (0..p.retries()).map(|k| p.delay_ms(k).unwrap()).sum();
        let hours = total_ms as f64 / 3_600_000.0;
        assert!((6.0..7.5).contains(&hours), "{hours} hours");
        assert_eq!(p.delay_ms(0), Some(10_000));
        assert_eq!(p.delay_ms(2), Some(10_000));
        assert_eq!(p.delay_ms(11), Some(600_000));
        assert_eq!(p.delay_ms(50), None);
    }

    #[test]
    fn the_default_http_policy_is_3_retries_20_s_apart() {
        // aws-facts-more 5.3: "up to three retries with a delay between
        // failed attempts set at 20 seconds".
        let p = Policy::Http(HttpDeliveryPolicy::default());
        assert_eq!(p.retries(), 3);
        assert_eq!(p.immediate(), 0);
        assert_eq!(
            (0..4).map(|k| p.delay_ms(k)).collect::<Vec<_>>(),
            [Some(20_000), Some(20_000), Some(20_000), None]
        );
    }

    #[test]
    fn a_filter_matches_its_share_exactly_over_the_run() {
        let spec = crate::scenario::SubscriptionSpec {
            filter_share: 0.3,
            raw_delivery: true,
            ..Default::default()
        };
        let mut s = Subscription::new(NodeIndex::new(0), Endpoint::Queue(0), &spec, None);
        let matched: u64 = (0..1_000).map(|_| s.filter(7)).sum();
        assert_eq!(matched, 2_100);
    }
}
