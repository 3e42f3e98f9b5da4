//! An Amazon SNS topic's spec: its part of the scenario document (data,
//! read by validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

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

/// One subscription's settings, for the link from the topic to its
/// endpoint (`endpoint` is that node's id). A linked endpoint without an
/// entry takes every default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubscriptionSpec {
    /// The id of the subscribed node (an SQS queue or a Firehose delivery
    /// stream the topic is linked to).
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
}

impl Default for SubscriptionSpec {
    fn default() -> Self {
        SubscriptionSpec {
            endpoint: String::new(),
            filter_share: 1.0,
            raw_delivery: false,
            dead_letter_queue: None,
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
    /// The account's publish quota in this Region, messages a second,
    /// Publish and PublishBatch together (aws-facts-more 5.1: 30,000 in
    /// us-east-1, soft). A standard topic is limited by it; a FIFO topic
    /// with message-group scope too.
    pub publish_quota_per_s: u32,
    /// A FIFO topic's `FifoThroughputScope`.
    pub fifo_throughput_scope: FifoThroughputScope,
    /// Distinct message group IDs its publishers use, messages spread
    /// evenly over them (FIFO only: 300 messages/s per group).
    pub message_groups: u32,
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
            message_groups: 10,
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

impl SnsTopicSpec {
    /// Whether it is a FIFO topic.
    pub fn is_fifo(&self) -> bool {
        self.topic_type == TopicType::Fifo
    }

    /// The messages a second it takes (aws-facts-more 5.1): the Regional
    /// quota for a standard topic; for a FIFO topic 300 per message group
    /// and 3,000 per topic (topic scope) or the Regional quota
    /// (message-group scope).
    pub fn publish_messages_per_s(&self) -> u32 {
        if !self.is_fifo() {
            return self.publish_quota_per_s;
        }
        let groups = self.message_groups.max(1).saturating_mul(FIFO_GROUP_MESSAGES_PER_S);
        let topic = match self.fifo_throughput_scope {
            FifoThroughputScope::Topic => FIFO_TOPIC_MESSAGES_PER_S,
            FifoThroughputScope::MessageGroup => self.publish_quota_per_s,
        };
        groups.min(topic)
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
