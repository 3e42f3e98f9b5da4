//! An SNS topic's parameters: one row per path inside its `params` (see
//! [`crate::kinds::params`]).

use crate::kinds::params::Param;
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    // aws-facts-more 5.1, 5.2: a FIFO topic's publisher sets each
    // message's group; the topic passes it on to FIFO queues only.
    Param::new("topic_type", "Standard: best-effort order, at-least-once, limited by the account's publish quota. FIFO: order within a message group, deduplication, 300 messages/s per group. A FIFO topic's message groups are its producers' partition keys (a forwarding stage publishes in one group); SQS FIFO subscribers get each message in its group, so their readers can work on the groups in parallel, while standard queues get no group."),
    // aws-facts-more 5.1: per account per Region, standard topics 30,000
    // messages/s in us-east-1 (9,000, 1,500 or 300 elsewhere), FIFO topics
    // 30,000 (9,000 or 3,000 elsewhere), soft quotas; simulator bound at
    // 1,000,000.
    Param::new("publish_quota_per_s", "The account's publish quota in this Region for topics of this type, messages a second for Publish and PublishBatch together (standard topics: 30,000 in us-east-1, 300 to 9,000 elsewhere; FIFO topics: 30,000 in us-east-1, 3,000 to 9,000 elsewhere). Every topic of the type shares it, so each states the same value; over it, publishes are throttled, shared among the topics in proportion to what they publish.").range(1.0, 1_000_000.0, "messages/s"),
    Param::new("fifo_throughput_scope", "FIFO only. Topic: deduplication over the topic, at most 3,000 messages/s or 20 MB/s. Message group: up to the account's FIFO quota. Either way at most 300 messages/s per message group (a hot partition key is throttled on its own), and every FIFO topic together within the account's FIFO quota."),
    // aws-facts-more 5.1: 12,500,000 per standard topic, 100 per FIFO
    // topic; one per link here, and a scenario has at most 200 links.
    Param::new("subscriptions", "Settings of the subscriptions: one entry per linked endpoint (by its id) that needs more than the defaults.").range(0.0, 200.0, "subscriptions"),
    Param::unexplained("subscriptions.endpoint"),
    Param::new("subscriptions.filter_share", "Share of the messages the subscription's filter policy matches (1 = no policy). Filtered messages are not delivered and counted in NumberOfNotificationsFilteredOut. Here a change applies at once; on AWS it can take up to 15 minutes.").range(0.0, 1.0, "share"),
    Param::new("subscriptions.raw_delivery", "RawMessageDelivery: the body alone; otherwise each message is wrapped in SNS's JSON envelope (the simulator adds 1 KiB, AWS documents the fields, not their size)."),
    Param::new("subscriptions.dead_letter_queue", "The SQS queue (FIFO for a FIFO topic) that takes notifications SNS stopped retrying: SQS, Lambda and Firehose endpoints are retried 100,015 times over 23 days, Firehose throttling 50 times over about 6 hours, HTTP/S endpoints by their delivery policy (3 retries 20 s apart by default). Without one they are discarded. A Lambda function takes every event into its own queue at once (throttling is retried there, see the function's async_invoke), so only an endpoint outage reaches this queue."),

    // aws-facts-more 5.3: an HTTP/S subscription's delivery policy, with
    // AWS's ranges (numRetries 0 to 100, delays 1 to 3,600 s, total retry
    // time at most 3,600 s, checked by validation).
    Param::new("subscriptions.delivery_policy", "HTTP/S subscriptions only: the delivery policy (healthyRetryPolicy and throttlePolicy). Without one, AWS's default: 3 retries 20 s apart (4 attempts). The retries run in four phases: immediate, pre-backoff at the minimum delay, backoff from the minimum to the maximum delay, post-backoff at the maximum delay; their delays add up to at most 3,600 s. SNS adds jitter to the delays; the simulator does not, and runs retries on the second."),
    Param::new("subscriptions.delivery_policy.min_delay_target_s", "minDelayTarget: the delay of each pre-backoff retry and of the first backoff retry (default 20 s).").range(1.0, 3_600.0, "s"),
    Param::new("subscriptions.delivery_policy.max_delay_target_s", "maxDelayTarget: the delay of the last backoff retry and of each post-backoff retry, at least the minimum (default 20 s).").range(1.0, 3_600.0, "s"),
    Param::new("subscriptions.delivery_policy.num_retries", "numRetries: retries in all phases after the first attempt (default 3). The backoff phase takes what the other three leave.").range(0.0, 100.0, "retries"),
    Param::new("subscriptions.delivery_policy.num_no_delay_retries", "numNoDelayRetries: retries made at once after a failed first attempt (default 0).").range(0.0, 100.0, "retries"),
    Param::new("subscriptions.delivery_policy.num_min_delay_retries", "numMinDelayRetries: pre-backoff retries, the minimum delay apart (default 0).").range(0.0, 100.0, "retries"),
    Param::new("subscriptions.delivery_policy.num_max_delay_retries", "numMaxDelayRetries: post-backoff retries, the maximum delay apart (default 0).").range(0.0, 100.0, "retries"),
    Param::new("subscriptions.delivery_policy.backoff_function", "backoffFunction: how the backoff phase's delays grow from the minimum to the maximum. AWS shows them only as curves (linear steady; arithmetic and geometric faster; exponential reaching the maximum quickest); the simulator goes 1-(1-x)^p of the way, x the retry's place in the phase from 0 to 1, p 1 (linear), 2 (arithmetic), 3 (geometric) or 5 (exponential). Default linear."),
    // aws-facts-more 5.3: 1 or greater; simulator bound at 1,000,000.
    Param::new("subscriptions.delivery_policy.max_receives_per_second", "maxReceivesPerSecond: deliveries a second to this subscription at most; the rest wait their turn (a backlog, not failures). AWS keeps it as an average and may exceed it briefly; the simulator holds it each second. Absent: no throttling.").range(1.0, 1_000_000.0, "deliveries/s"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![("subscriptions", Value::Array(Vec::new()))]
}
