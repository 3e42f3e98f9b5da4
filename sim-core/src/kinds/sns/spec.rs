//! An Amazon SNS topic's spec: its part of the scenario document (data,
//! read by validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

/// What an SNS subscription to a node of a kind delivers to (aws-facts-more
/// 5.2, 5.3): each kind says which, if any, in its registration entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subscriber {
    /// An SQS queue (protocol `sqs`).
    Queue,
    /// A Firehose delivery stream (protocol `firehose`).
    Firehose,
    /// A Lambda function, invoked asynchronously (protocol `lambda`).
    Lambda,
    /// An HTTP/S endpoint: a destination of type `http_endpoint`.
    Http,
}

/// The type of an SNS topic (aws-facts-more 5.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopicType {
    /// Best-effort ordering, at-least-once delivery, publishes limited by
    /// the account's Regional quota.
    #[default]
    Standard,
    /// Strict order within a message group, deduplication, and per-topic
    /// and per-group publish limits.
    Fifo,
}

/// A FIFO topic's `FifoThroughputScope` (aws-facts-more 5.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FifoThroughputScope {
    /// Deduplication over the whole topic: 3,000 messages/s or 20 MB/s.
    #[default]
    Topic,
    /// Deduplication per message group: up to the Regional account quota.
    MessageGroup,
}

/// The function that sets the delays of an HTTP/S delivery policy's backoff
/// phase between its first (`min_delay_target_s`) and last
/// (`max_delay_target_s`) retry (aws-facts-more 5.3). AWS shows the four
/// only as curves; the shapes here are the simulator's (MODEL.md).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackoffFunction {
    /// Moderate: steeper than linear, slower than exponential.
    Arithmetic,
    /// Reaches the maximum delay the quickest.
    Exponential,
    /// Moderate, a little steeper than arithmetic.
    Geometric,
    /// Steady steps from the minimum to the maximum delay.
    #[default]
    Linear,
}

impl BackoffFunction {
    /// Share of the way from the minimum to the maximum delay at `x`, the
    /// retry's place in the backoff phase (0 the first, 1 the last). AWS's
    /// graph: all start at the minimum and end at the maximum, linear
    /// steadily, arithmetic and geometric moderately faster, exponential
    /// the fastest. The simulator's shapes, one family: `1 - (1 - x)^p`
    /// with `p` 1 (linear), 2 (arithmetic), 3 (geometric) and 5
    /// (exponential).
    pub fn share(self, x: f64) -> f64 {
        let x = x.clamp(0.0, 1.0);
        let p = match self {
            BackoffFunction::Linear => 1.0,
            BackoffFunction::Arithmetic => 2.0,
            BackoffFunction::Geometric => 3.0,
            BackoffFunction::Exponential => 5.0,
        };
        1.0 - libm::pow(1.0 - x, p)
    }

    /// The name AWS's delivery policy JSON uses.
    pub fn as_str(self) -> &'static str {
        match self {
            BackoffFunction::Arithmetic => "arithmetic",
            BackoffFunction::Exponential => "exponential",
            BackoffFunction::Geometric => "geometric",
            BackoffFunction::Linear => "linear",
        }
    }
}

/// aws-facts-more 5.3: the total retry time of an HTTP/S delivery policy is
/// at most 3,600 s (a hard limit).
pub const HTTP_MAX_TOTAL_RETRY_S: u64 = 3_600;

/// An HTTP/S subscription's delivery policy (aws-facts-more 5.3): its
/// `healthyRetryPolicy` and `throttlePolicy`. The defaults are AWS's: 3
/// retries 20 s apart, no throttling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpDeliveryPolicy {
    /// `minDelayTarget`: the pre-backoff phase's delay and the backoff
    /// phase's first, in seconds (1 to `max_delay_target_s`).
    pub min_delay_target_s: u32,
    /// `maxDelayTarget`: the backoff phase's last delay and the
    /// post-backoff phase's, in seconds (up to 3,600).
    pub max_delay_target_s: u32,
    /// `numRetries`: retries in all, every phase (0 to 100).
    pub num_retries: u32,
    /// `numNoDelayRetries`: retries made at once after the first attempt.
    pub num_no_delay_retries: u32,
    /// `numMinDelayRetries`: pre-backoff retries, `min_delay_target_s`
    /// apart.
    pub num_min_delay_retries: u32,
    /// `numMaxDelayRetries`: post-backoff retries, `max_delay_target_s`
    /// apart.
    pub num_max_delay_retries: u32,
    /// `backoffFunction`: how the backoff phase's delays grow.
    pub backoff_function: BackoffFunction,
    /// `maxReceivesPerSecond`: deliveries a second to the subscription at
    /// most (none: no throttling).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_receives_per_second: Option<u32>,
}

impl Default for HttpDeliveryPolicy {
    fn default() -> Self {
        HttpDeliveryPolicy {
            min_delay_target_s: 20,
            max_delay_target_s: 20,
            num_retries: 3,
            num_no_delay_retries: 0,
            num_min_delay_retries: 0,
            num_max_delay_retries: 0,
            backoff_function: BackoffFunction::Linear,
            max_receives_per_second: None,
        }
    }
}

impl HttpDeliveryPolicy {
    /// aws-facts-more 5.3: the backoff phase's retries are `numRetries`
    /// less the other three phases' (none when those take them all).
    pub fn backoff_retries(&self) -> u32 {
        self.num_retries
            .saturating_sub(self.num_no_delay_retries)
            .saturating_sub(self.num_min_delay_retries)
            .saturating_sub(self.num_max_delay_retries)
    }

    /// The delay before retry `k` (from 0), in milliseconds, by the four
    /// phases in order (aws-facts-more 5.3): none in the immediate phase,
    /// the minimum in the pre-backoff phase, from the minimum to the
    /// maximum by the backoff function, the maximum in the post-backoff
    /// phase; `None` past `numRetries`. When the other phases ask for more
    /// retries than `numRetries`, validation refuses the policy; here the
    /// phases are cut in order.
    pub fn delay_ms(&self, k: u32) -> Option<u64> {
        if k >= self.num_retries {
            return None;
        }
        let (min, max) = (
            u64::from(self.min_delay_target_s) * 1_000,
            u64::from(self.max_delay_target_s.max(self.min_delay_target_s)) * 1_000,
        );
        let mut k = k;
        if k < self.num_no_delay_retries {
            return Some(0);
        }
        k -= self.num_no_delay_retries;
        if k < self.num_min_delay_retries {
            return Some(min);
        }
        k -= self.num_min_delay_retries;
        let n = self.backoff_retries();
        if k < n {
            let x = if n <= 1 { 0.0 } else { f64::from(k) / f64::from(n - 1) };
            let span = (max - min) as f64 * self.backoff_function.share(x);
            return Some(min + libm::round(span) as u64);
        }
        Some(max)
    }

    /// The policy's total retry time, in milliseconds: its delays added up
    /// (aws-facts-more 5.3 limits it to 3,600 s).
    pub fn total_retry_ms(&self) -> u64 {
        (0..self.num_retries.min(1_000)).filter_map(|k| self.delay_ms(k)).sum()
    }
}

/// One subscription's settings, for the link from the topic to its
/// endpoint (`endpoint` is that node's id). A linked endpoint without an
/// entry takes every default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubscriptionSpec {
    /// The id of the subscribed node (an SQS queue, a Lambda function, a
    /// Firehose delivery stream or an HTTP endpoint destination the topic
    /// is linked to).
    pub endpoint: String,
    /// Share of the topic's messages its filter policy matches (1 = no
    /// filter policy); the rest are filtered out, not delivered
    /// (aws-facts-more 5.2).
    pub filter_share: f64,
    /// `RawMessageDelivery`: the body alone, without the JSON envelope
    /// (aws-facts-more 5.2).
    pub raw_delivery: bool,
    /// The redrive policy's dead-letter queue: the id of an SQS queue that
    /// takes what SNS gave up delivering (aws-facts-more 5.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter_queue: Option<String>,
    /// An HTTP/S subscription's delivery policy (aws-facts-more 5.3: only
    /// HTTP/S policies can be changed); without one, AWS's default (3
    /// retries 20 s apart).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_policy: Option<HttpDeliveryPolicy>,
}

impl Default for SubscriptionSpec {
    fn default() -> Self {
        SubscriptionSpec {
            endpoint: String::new(),
            filter_share: 1.0,
            raw_delivery: false,
            dead_letter_queue: None,
            delivery_policy: None,
        }
    }
}

/// An Amazon SNS topic: publishers (producers, forwarders) publish to it;
/// every link from it is a subscription that gets a copy of each message
/// its filter policy matches (aws-facts-more 5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SnsTopicSpec {
    /// Standard or FIFO.
    pub topic_type: TopicType,
    /// The account's publish quota in this Region for topics of this
    /// type, messages a second, Publish and PublishBatch together
    /// (aws-facts-more 5.1: "per account per Region", 30,000 in us-east-1
    /// for standard and for FIFO topics, soft). Every standard topic of the
    /// account draws on the standard quota and every FIFO topic on the FIFO
    /// one, so each topic of a type states the same value (validation
    /// holds them to it, as functions state the account's concurrency).
    pub publish_quota_per_s: u32,
    /// A FIFO topic's `FifoThroughputScope`.
    pub fifo_throughput_scope: FifoThroughputScope,
    /// `message_groups`, read from files and links made when the topic
    /// stated its own message groups, and ignored: a FIFO topic's groups are
    /// the MessageGroupIds its publishers set (aws-facts-more 5.2), their
    /// partition keys (MODEL.md). Never written.
    #[serde(rename = "message_groups", skip_serializing)]
    pub retired_message_groups: serde::de::IgnoredAny,
    /// Per-subscription settings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subscriptions: Vec<SubscriptionSpec>,
}

impl Default for SnsTopicSpec {
    fn default() -> Self {
        SnsTopicSpec {
            topic_type: TopicType::Standard,
            publish_quota_per_s: 30_000,
            fifo_throughput_scope: FifoThroughputScope::Topic,
            retired_message_groups: serde::de::IgnoredAny,
            subscriptions: Vec::new(),
        }
    }
}

/// aws-facts-more 5.1: 262,144 bytes per message, and per PublishBatch call.
pub const SNS_MAX_MESSAGE_BYTES: u64 = 262_144;
/// aws-facts-more 5.1: a FIFO topic with topic scope takes 3,000 messages/s.
pub const FIFO_TOPIC_MESSAGES_PER_S: u32 = 3_000;
/// aws-facts-more 5.1: ... or 20 MB/s, whichever comes first.
pub const FIFO_TOPIC_BYTES_PER_S: u64 = 20_000_000;
/// aws-facts-more 5.1: at most 300 messages/s per message group.
pub const FIFO_GROUP_MESSAGES_PER_S: u32 = 300;
/// aws-facts-more 5.1: subscriptions per FIFO topic.
pub const MAX_FIFO_SUBSCRIPTIONS: usize = 100;

/// Which of the account's two Regional publish quotas a topic draws on
/// (aws-facts-more 5.1: the quota table has a column for standard topics
/// and one for FIFO topics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublishPool {
    /// Every standard topic of the account.
    Standard,
    /// Every FIFO topic of the account, whatever its throughput scope.
    Fifo,
}

impl PublishPool {
    /// The topics that share it, in words.
    pub fn topics(self) -> &'static str {
        match self {
            PublishPool::Standard => "standard topics",
            PublishPool::Fifo => "FIFO topics",
        }
    }
}

impl SnsTopicSpec {
    /// Whether it is a FIFO topic.
    pub fn is_fifo(&self) -> bool {
        self.topic_type == TopicType::Fifo
    }

    /// The account quota it draws on, with the other topics of its type.
    pub fn pool(&self) -> PublishPool {
        if self.is_fifo() { PublishPool::Fifo } else { PublishPool::Standard }
    }

    /// Its own limit in messages a second over all its message groups,
    /// beside the account's quota (aws-facts-more 5.1): 3,000 for a FIFO
    /// topic with topic scope, none otherwise. Each group's 300 a second
    /// depends on the groups its publishers use (the engine's, per group).
    pub fn topic_messages_per_s(&self) -> Option<u32> {
        (self.is_fifo() && self.fifo_throughput_scope == FifoThroughputScope::Topic)
            .then_some(FIFO_TOPIC_MESSAGES_PER_S)
    }

    /// The most messages a second it takes when no other topic of its type
    /// publishes and no message group is at its 300 (aws-facts-more 5.1):
    /// the account's quota, and a FIFO topic's own limit below it.
    pub fn publish_messages_per_s(&self) -> u32 {
        let own = self.topic_messages_per_s().unwrap_or(u32::MAX);
        own.min(self.publish_quota_per_s)
    }

    /// The bytes a second it takes, if limited (aws-facts-more 5.1: 20 MB/s
    /// for a FIFO topic with topic scope).
    pub fn publish_bytes_per_s(&self) -> Option<u64> {
        (self.is_fifo() && self.fifo_throughput_scope == FifoThroughputScope::Topic)
            .then_some(FIFO_TOPIC_BYTES_PER_S)
    }

    /// The topic with `sub` as the settings of its endpoint's subscription:
    /// the entry replaced or added, or removed when it holds only the
    /// defaults (the link alone says that), so files stay lean.
    pub fn with_subscription(&self, sub: SubscriptionSpec) -> SnsTopicSpec {
        let mut out = self.clone();
        let plain = SubscriptionSpec { endpoint: sub.endpoint.clone(), ..Default::default() };
        match out.subscriptions.iter().position(|s| s.endpoint == sub.endpoint) {
            Some(i) if sub == plain => {
                out.subscriptions.remove(i);
            }
            Some(i) => out.subscriptions[i] = sub,
            None if sub == plain => {}
            None => out.subscriptions.push(sub),
        }
        out
    }

    /// The settings of the subscription of `endpoint` (the defaults when it
    /// has no entry).
    pub fn subscription(&self, endpoint: &str) -> SubscriptionSpec {
        self.subscriptions.iter().find(|s| s.endpoint == endpoint).cloned().unwrap_or_else(|| {
            SubscriptionSpec { endpoint: endpoint.to_string(), ..SubscriptionSpec::default() }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_entry_is_kept_only_while_it_differs_from_the_defaults() {
        let t = SnsTopicSpec::default();
        let sub = |share| SubscriptionSpec {
            endpoint: "q".into(),
            filter_share: share,
            ..SubscriptionSpec::default()
        };
        let t = t.with_subscription(sub(0.5));
        assert_eq!(t.subscriptions, vec![sub(0.5)]);
        let t = t.with_subscription(sub(0.2));
        assert_eq!(t.subscription("q").filter_share, 0.2);
        assert_eq!(t.subscriptions.len(), 1);
        let t = t.with_subscription(sub(1.0));
        assert!(t.subscriptions.is_empty());
        assert!(t.with_subscription(sub(1.0)).subscriptions.is_empty());
    }
}
