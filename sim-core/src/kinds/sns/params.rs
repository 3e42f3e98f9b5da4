//! An SNS topic's parameters: one row per path inside its `params` (see
//! [`crate::kinds::params`]).

use crate::kinds::params::Param;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    Param::new("topic_type", "Standard: best-effort order, at-least-once, limited by the account's publish quota. FIFO: order within a message group, deduplication, 300 messages/s per group."),
    // aws-facts-more 5.1: 30,000 messages/s in us-east-1 (9,000, 1,500 or
    // 300 elsewhere), a soft quota; simulator bound at 1,000,000.
    Param::new("publish_quota_per_s", "The account's publish quota in this Region, messages a second for Publish and PublishBatch together (30,000 in us-east-1; 300 to 9,000 elsewhere). Over it, publishes are throttled.").range(1.0, 1_000_000.0, "messages/s"),
    Param::new("fifo_throughput_scope", "FIFO only. Topic: deduplication over the topic, at most 3,000 messages/s or 20 MB/s. Message group: up to the Regional quota. Either way at most 300 messages/s per message group."),
    // Simulator bound: AWS sets no limit on message group IDs.
    Param::new("message_groups", "FIFO only: distinct MessageGroupIds the publishers use, messages spread evenly over them (300 messages/s each at most).").range(1.0, 100_000.0, "groups"),
    // aws-facts-more 5.1: 12,500,000 per standard topic, 100 per FIFO
    // topic; one per link here, and a scenario has at most 200 links.
    Param::new("subscriptions", "Settings of the subscriptions: one entry per linked endpoint (by its id) that needs more than the defaults.").range(0.0, 200.0, "subscriptions"),
    Param::unexplained("subscriptions.endpoint"),
    Param::new("subscriptions.filter_share", "Share of the messages the subscription's filter policy matches (1 = no policy). Filtered messages are not delivered and counted in NumberOfNotificationsFilteredOut. Here a change applies at once; on AWS it can take up to 15 minutes.").range(0.0, 1.0, "share"),
    Param::new("subscriptions.raw_delivery", "RawMessageDelivery: the body alone; otherwise each message is wrapped in SNS's JSON envelope (the simulator adds 1 KiB, AWS documents the fields, not their size)."),
    Param::new("subscriptions.dead_letter_queue", "The SQS queue (FIFO for a FIFO topic) that takes notifications SNS stopped retrying: SQS, Lambda and Firehose endpoints are retried 100,015 times over 23 days, Firehose throttling 50 times over about 6 hours. Without one they are discarded. A Lambda function takes every event into its own queue at once (throttling is retried there, see the function's async_invoke), so only an endpoint outage reaches this queue."),
];
