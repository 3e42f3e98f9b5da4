//! Health: one table of rules, per kind, each with its threshold and the
//! reason for it. The first rule of a node's kind that applies decides the
//! card's colour, icon and word; the app shows the threshold and basis on
//! hover and focus, and `shardplay run --format health` prints the same.
//!
//! Health is the simulator's judgement, not an AWS metric. Where AWS
//! recommends an alarm (iterator age at half the retention period,
//! aws-facts 1.8; Firehose `DataFreshness` past the longest buffer
//! interval and `ThrottledRecords`, aws-facts 3.1, 3.5) the rule follows it
//! and says so; elsewhere the basis says it is the simulator's choice and
//! why that value.

use super::NodeFigures;
use crate::scenario::NodeKind;

/// Health of a node, shown as colour plus an icon and a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Health {
    /// Comfortably within limits.
    Ok,
    /// Close to a limit, or waiting longer than normal work explains.
    Hot,
    /// Refusing, losing or far behind.
    Failing,
}

impl Health {
    /// CSS class suffix.
    pub fn class(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Hot => "hot",
            Health::Failing => "failing",
        }
    }
}

/// A shard (or any node) at this share of a limit or more is "near limit".
pub const NEAR_LIMIT: f64 = 0.7;
/// A reader whose oldest unread record is this old lags (amber): five
/// times the once-a-second polling of Lambda (aws-facts 5.1) and the KCL's
/// 1 to 1.5 s idle time (aws-facts 6).
pub const LAGGING_MS: f64 = 5_000.0;
/// A reader this far behind is falling behind (red): the simulator's
/// choice, twelve times [`LAGGING_MS`].
pub const BEHIND_MS: f64 = 60_000.0;
/// AWS recommends alarming when `GetRecords.IteratorAgeMilliseconds`
/// passes 50% of the retention period (aws-facts 1.8): records that old
/// may expire unread. Applied alike to a queue's oldest message.
pub const NEAR_EXPIRY_SHARE: f64 = 0.5;
/// Firehose data this old has waited past the longest buffer interval
/// (900 s, aws-facts 3.1), where AWS recommends a `DataFreshness` alarm.
pub const DELAYED_FRESHNESS_S: f64 = 900.0;
/// A tenth of a producer's write attempts refused: its wire is red (any
/// refusal is amber).
pub const THROTTLED_SHARE: f64 = 0.1;
/// A queue's oldest message this old waits (amber): one default
/// visibility timeout (30 s, aws-facts 4.1), longer than one
/// receive-process-delete cycle should take.
pub const MESSAGES_WAITING_MS: f64 = 30_000.0;
/// A queue's oldest message this old: the backlog is growing (red), ten
/// default visibility timeouts.
pub const BACKLOG_GROWING_MS: f64 = 300_000.0;

/// One health rule: the word a card shows when it applies, when it
/// applies, and why the threshold is there.
#[derive(Debug)]
pub struct HealthRule {
    /// The kinds it judges.
    pub kinds: &'static [NodeKind],
    /// The colour it gives.
    pub health: Health,
    /// Icon and word on the card ("✖ Throttling writes").
    pub word: &'static str,
    /// When it applies, in people's words.
    pub when: &'static str,
    /// Why the threshold is there: the AWS rule or recommended alarm it
    /// follows, or the simulator's choice and its reason.
    pub basis: &'static str,
    /// The aws-facts sections the basis follows (docs/aws-facts.md), for
    /// whoever checks the rule; people get `source`, the AWS page.
    pub facts: &'static str,
    /// The AWS page the basis comes from.
    pub source: &'static str,
    /// Whether it applies to these figures.
    applies: fn(&NodeFigures) -> bool,
}

/// Rules are statics: one is the same as another when it is that rule.
impl PartialEq for HealthRule {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl HealthRule {
    /// The word, threshold and basis in one paragraph, as the app's hover
    /// and focus text and the CLI show them.
    pub fn explain(&self) -> String {
        format!("{}: {}. {}", self.word, self.when, self.basis)
    }
}

const READERS: &[NodeKind] =
    &[NodeKind::Consumer, NodeKind::KclApp, NodeKind::Lambda, NodeKind::FlinkApp];

const KDS_LIMITS: &str =
    "https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html";
const KDS_MONITORING: &str =
    "https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html";
const PUT_RECORDS: &str =
    "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html";
const FIREHOSE_ALARMS: &str = "https://docs.aws.amazon.com/firehose/latest/dev/firehose-cloudwatch-metrics-best-practices.html";
const FIREHOSE_DELIVERY: &str =
    "https://docs.aws.amazon.com/firehose/latest/dev/basic-deliver.html";
const SQS_VISIBILITY: &str = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html";
const SQS_QUOTAS: &str = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html";
const SQS_DLQ: &str = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html";
const LAMBDA_KINESIS: &str = "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html";
const LAMBDA_SCALING: &str = "https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html";
const FLINK_SCALING: &str =
    "https://docs.aws.amazon.com/managed-flink/latest/java/how-scaling-auto.html";
const SNS_QUOTAS: &str = "https://docs.aws.amazon.com/general/latest/gr/sns.html";
const SNS_RETRIES: &str =
    "https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html";
const MSK_BEST_PRACTICES: &str =
    "https://docs.aws.amazon.com/msk/latest/developerguide/bestpractices.html";
const KCL: &str =
    "https://docs.aws.amazon.com/streams/latest/dev/shared-throughput-kcl-consumers.html";

/// The age of the oldest record a reader has not read yet, and the
/// retention of the stream it reads; `None` for kinds that do not read a
/// stream.
pub(crate) fn reader_age(f: &NodeFigures) -> Option<(f64, f64)> {
    match f {
        NodeFigures::Consumer { unread_ms, retention_ms, .. }
        | NodeFigures::Kcl { unread_ms, retention_ms, .. }
        | NodeFigures::Lambda { iterator_age_ms: unread_ms, retention_ms, .. }
        | NodeFigures::Flink { behind_ms: unread_ms, retention_ms, .. } => {
            Some((*unread_ms, *retention_ms))
        }
        _ => None,
    }
}

/// The busiest open shard's write and read load, 0 to 1+.
fn busiest(shards: &[super::ShardHeat]) -> (f64, f64) {
    shards.iter().fold((0.0, 0.0), |(w, r), s| (f64::max(w, s.write), f64::max(r, s.read)))
}

/// Every health rule, in the order they are tried: a node's health is the
/// first rule of its kind that applies, or [`HEALTHY`].
pub static HEALTH_RULES: &[HealthRule] = &[
    HealthRule {
        kinds: &[NodeKind::SnsTopic],
        health: Health::Failing,
        word: "✖ Notifications failed",
        when: "notifications given up in the last second, after the delivery policy's last retry",
        basis: "SNS stopped retrying them: they went to the subscription's dead-letter queue, or were discarded without one.",
        facts: "aws-facts-more 5.3",
        source: SNS_RETRIES,
        applies: |f| matches!(f, NodeFigures::Topic { failed, .. } if *failed > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::SnsTopic],
        health: Health::Failing,
        word: "✖ Throttling publishes",
        when: "publishes refused by the publish quota in the last second",
        basis: "SNS throttles publishes over the account's publish quota, which every topic of a type shares (30,000 messages/s per account in us-east-1 for standard topics, the same for FIFO topics), and over a FIFO topic's own limits (3,000 with topic scope, 300 per message group); publishers retry or give up.",
        facts: "aws-facts-more 5.1",
        source: SNS_QUOTAS,
        applies: |f| matches!(f, NodeFigures::Topic { throttled, .. } if *throttled > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::SnsTopic],
        health: Health::Hot,
        word: "▲ Retrying deliveries",
        when: "notifications waiting for a delivery retry",
        basis: "An endpoint refused them; SNS retries by the endpoint's delivery policy, so they arrive late, or go to the dead-letter queue when the policy ends.",
        facts: "aws-facts-more 5.3",
        source: SNS_RETRIES,
        applies: |f| matches!(f, NodeFigures::Topic { retrying, .. } if *retrying > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::FlinkApp],
        health: Health::Failing,
        word: "✖ Rescaling",
        when: "down in the last second while it changes parallelism",
        basis: "The application processes nothing while autoscaling changes its parallelism; its source falls behind meanwhile.",
        facts: "aws-facts-more 4.2",
        source: FLINK_SCALING,
        applies: |f| matches!(f, NodeFigures::Flink { rescaling: true, .. }),
    },
    HealthRule {
        kinds: &[NodeKind::Producer],
        health: Health::Failing,
        word: "✖ Dropping records",
        when: "records given up in the last second, after the producer's last retry",
        basis: "A record given up is lost for good: the stream kept refusing it until the producer's retries ran out.",
        facts: "aws-facts 1.1",
        source: PUT_RECORDS,
        applies: |f| matches!(f, NodeFigures::Producer { given_up, .. } if *given_up > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::Producer],
        health: Health::Hot,
        word: "▲ Retrying",
        when: "records sent again in the last second after a refusal",
        basis: "PutRecords reports each refused record and the producer sends it again: nothing is lost yet, but each retry is one more attempt the shard may refuse.",
        facts: "",
        source: PUT_RECORDS,
        applies: |f| matches!(f, NodeFigures::Producer { retried, .. } if *retried > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::KinesisStream],
        health: Health::Failing,
        word: "✖ Throttling writes",
        when: "a write attempt refused in the last second",
        basis: "A shard takes at most 1,000 records/s and 1 MiB/s; each refused attempt, retries included, counts in WriteProvisionedThroughputExceeded.",
        facts: "aws-facts 1.1",
        source: KDS_LIMITS,
        applies: |f| matches!(f, NodeFigures::Stream { throttled, .. } if *throttled > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::KinesisStream],
        health: Health::Failing,
        word: "✖ Throttling reads",
        when: "a GetRecords call refused in the last second",
        basis: "A shard serves at most 5 GetRecords calls/s and 2 MiB/s, shared by every polling reader.",
        facts: "aws-facts 1.1",
        source: KDS_LIMITS,
        applies: |f| matches!(f, NodeFigures::Stream { read_throttled, .. } if *read_throttled > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::KinesisStream],
        health: Health::Failing,
        word: "✖ Records near expiry",
        when: "iterator age at half the retention period or more",
        basis: "AWS recommends alarming when GetRecords.IteratorAgeMilliseconds passes 50% of retention: records that old may expire before they are read.",
        facts: "aws-facts 1.8",
        source: KDS_MONITORING,
        applies: |f| {
            matches!(f, NodeFigures::Stream { iterator_age_ms, retention_ms, .. }
                if *iterator_age_ms >= retention_ms * NEAR_EXPIRY_SHARE)
        },
    },
    HealthRule {
        kinds: &[NodeKind::KinesisStream],
        health: Health::Failing,
        word: "✖ A reader falls behind",
        when: "iterator age of a minute or more",
        basis: "The same threshold as a reader's card (see its \"Falling behind\"), read from the stream's GetRecords.IteratorAgeMilliseconds.",
        facts: "",
        source: KDS_MONITORING,
        applies: |f| matches!(f, NodeFigures::Stream { iterator_age_ms, .. } if *iterator_age_ms >= BEHIND_MS),
    },
    HealthRule {
        kinds: &[NodeKind::KinesisStream],
        health: Health::Hot,
        word: "▲ At the write limit",
        when: "a shard took its whole write limit or more in the last second, without a refusal",
        basis: "A shard's limits work as buckets one second deep (the simulator's reading of AWS's limits): capacity left unused the second before lets one second pass 100% once; the same load again will be refused.",
        facts: "aws-facts 1.1",
        source: KDS_LIMITS,
        applies: |f| matches!(f, NodeFigures::Stream { shards, .. } if busiest(shards).0 >= 1.0),
    },
    HealthRule {
        kinds: &[NodeKind::KinesisStream],
        health: Health::Hot,
        word: "▲ Near limit",
        when: "a shard at 70% or more of its write or read limit",
        basis: "The simulator's choice: 70% leaves room for a burst of about 40% before refusals. AWS's Firehose alarms likewise watch traffic that approaches a share of its limit.",
        facts: "",
        source: KDS_LIMITS,
        applies: |f| {
            matches!(f, NodeFigures::Stream { shards, .. }
                if { let (w, r) = busiest(shards); w >= NEAR_LIMIT || r >= NEAR_LIMIT })
        },
    },
    HealthRule {
        kinds: &[NodeKind::KinesisStream],
        health: Health::Hot,
        word: "▲ A reader lags",
        when: "iterator age of 5 seconds or more",
        basis: "The same threshold as a reader's card (see its \"Lagging\"), read from the stream's GetRecords.IteratorAgeMilliseconds.",
        facts: "",
        source: KDS_MONITORING,
        applies: |f| matches!(f, NodeFigures::Stream { iterator_age_ms, .. } if *iterator_age_ms >= LAGGING_MS),
    },
    HealthRule {
        kinds: &[NodeKind::KclApp],
        health: Health::Failing,
        word: "✖ No live worker",
        when: "no worker alive to hold a lease",
        basis: "Without a live worker no shard is read; the KCL moves a dead worker's leases after failoverTimeMillis (10 s by default).",
        facts: "aws-facts 6",
        source: KCL,
        applies: |f| matches!(f, NodeFigures::Kcl { live_workers, .. } if *live_workers < 1.0),
    },
    HealthRule {
        kinds: &[NodeKind::Lambda],
        health: Health::Failing,
        word: "✖ Throttled",
        when: "an invocation refused in the last second",
        basis: "Lambda refuses invocations past the function's concurrency or scaling rate: stream batches wait and retry, queue batches return after the visibility timeout.",
        facts: "aws-facts 5.3",
        source: LAMBDA_SCALING,
        applies: |f| matches!(f, NodeFigures::Lambda { throttles, .. } if *throttles > 0.0),
    },
    HealthRule {
        kinds: READERS,
        health: Health::Failing,
        word: "✖ Records near expiry",
        when: "the oldest unread record at half the stream's retention period or more",
        basis: "AWS recommends alarming when iterator age passes 50% of retention: records that old may expire before they are read.",
        facts: "aws-facts 1.8",
        source: KDS_MONITORING,
        applies: |f| {
            reader_age(f).is_some_and(|(age, retention)| age >= retention * NEAR_EXPIRY_SHARE)
        },
    },
    HealthRule {
        kinds: READERS,
        health: Health::Failing,
        word: "✖ Falling behind",
        when: "the oldest unread record a minute old or more",
        basis: "The simulator's choice: twelve times the amber threshold, too late for anything read as live. AWS's own alarm comes later, at half the retention period (red as \"Records near expiry\").",
        facts: "",
        source: KDS_MONITORING,
        applies: |f| reader_age(f).is_some_and(|(age, _)| age >= BEHIND_MS),
    },
    HealthRule {
        kinds: READERS,
        health: Health::Hot,
        word: "▲ Lagging",
        when: "the oldest unread record 5 seconds old or more",
        basis: "The simulator's choice: five times the once-a-second polling of Lambda and of the KCL's 1 to 1.5 s wait between reads, more than one slow batch explains.",
        facts: "aws-facts 5.1; aws-facts 6",
        source: LAMBDA_KINESIS,
        applies: |f| reader_age(f).is_some_and(|(age, _)| age >= LAGGING_MS),
    },
    HealthRule {
        kinds: &[NodeKind::Lambda],
        health: Health::Hot,
        word: "▲ Errors",
        when: "an invocation failed in the last second",
        basis: "A failed batch is retried: from a stream until it succeeds or expires, holding up its shard; from a queue after the visibility timeout.",
        facts: "aws-facts 5.1, 5.2",
        source: LAMBDA_KINESIS,
        applies: |f| matches!(f, NodeFigures::Lambda { errors, .. } if *errors > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::Firehose],
        health: Health::Failing,
        word: "✖ Data lost",
        when: "records dropped after the retry duration, since the start",
        basis: "Firehose retries a failing destination for its retry duration, then drops the data or backs it up to S3.",
        facts: "aws-facts 3.3",
        source: FIREHOSE_DELIVERY,
        applies: |f| matches!(f, NodeFigures::Firehose { lost_total, .. } if *lost_total > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::Firehose],
        health: Health::Failing,
        word: "✖ Throttling puts",
        when: "a record refused in the last second",
        basis: "A delivery stream takes at most its records, requests and bytes per second; AWS recommends an alarm on ThrottledRecords.",
        facts: "aws-facts 3.2; aws-facts 3.5",
        source: FIREHOSE_ALARMS,
        applies: |f| matches!(f, NodeFigures::Firehose { throttled, .. } if *throttled > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::Firehose],
        health: Health::Hot,
        word: "▲ Delivery delayed",
        when: "data freshness of 900 seconds or more",
        basis: "AWS recommends alarming when DataFreshness exceeds the buffering limit, at most 900 s: data older has waited for more than the buffer.",
        facts: "aws-facts 3.1",
        source: FIREHOSE_ALARMS,
        applies: |f| matches!(f, NodeFigures::Firehose { freshness_s, .. } if *freshness_s >= DELAYED_FRESHNESS_S),
    },
    HealthRule {
        kinds: &[NodeKind::Destination],
        health: Health::Failing,
        word: "✖ Down",
        when: "the destination is down (a scenario outage)",
        basis: "Deliveries fail while it is down; Firehose retries, then backs up or drops.",
        facts: "aws-facts 3.3",
        source: FIREHOSE_DELIVERY,
        applies: |f| matches!(f, NodeFigures::Destination { down: true, .. }),
    },
    HealthRule {
        kinds: &[NodeKind::SqsQueue],
        health: Health::Failing,
        word: "✖ Throttling calls",
        when: "a call refused in the last second",
        basis: "A FIFO queue takes 300 calls/s per API action (3,000 messages/s with batches of 10), more in high-throughput mode.",
        facts: "aws-facts 4.2",
        source: SQS_QUOTAS,
        applies: |f| matches!(f, NodeFigures::Queue { throttled, .. } if *throttled > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::SqsQueue],
        health: Health::Failing,
        word: "✖ Messages near expiry",
        when: "the oldest message at half the queue's retention period or more",
        basis: "AWS's alarm on a stream's iterator age at half its retention, applied to ApproximateAgeOfOldestMessage: older messages may be deleted unread.",
        facts: "aws-facts 1.8; aws-facts 4.1",
        source: KDS_MONITORING,
        applies: |f| {
            matches!(f, NodeFigures::Queue { oldest_age_ms, retention_ms, .. }
                if *oldest_age_ms >= retention_ms * NEAR_EXPIRY_SHARE)
        },
    },
    HealthRule {
        kinds: &[NodeKind::SqsQueue],
        health: Health::Failing,
        word: "✖ Backlog growing",
        when: "the oldest message 5 minutes old or more",
        basis: "The simulator's choice: ten default visibility timeouts (30 s).",
        facts: "aws-facts 4.1",
        source: SQS_VISIBILITY,
        applies: |f| matches!(f, NodeFigures::Queue { oldest_age_ms, .. } if *oldest_age_ms >= BACKLOG_GROWING_MS),
    },
    HealthRule {
        kinds: &[NodeKind::SqsQueue],
        health: Health::Hot,
        word: "▲ Dead-lettering",
        when: "a message moved to the dead-letter queue in the last second",
        basis: "A message received maxReceiveCount times without being deleted moves to the dead-letter queue.",
        facts: "aws-facts 4.3",
        source: SQS_DLQ,
        applies: |f| matches!(f, NodeFigures::Queue { dead_lettered, .. } if *dead_lettered > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::SqsQueue],
        health: Health::Hot,
        word: "▲ Duplicate deliveries",
        when: "a message delivered again in the last second",
        basis: "A message not deleted within its visibility timeout becomes visible again and is processed twice.",
        facts: "aws-facts 4.1",
        source: SQS_VISIBILITY,
        applies: |f| matches!(f, NodeFigures::Queue { duplicates, .. } if *duplicates > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::SqsQueue],
        health: Health::Hot,
        word: "▲ Messages waiting",
        when: "the oldest message 30 seconds old or more",
        basis: "The simulator's choice: one default visibility timeout (30 s), longer than one receive, process and delete should take.",
        facts: "aws-facts 4.1",
        source: SQS_VISIBILITY,
        applies: |f| matches!(f, NodeFigures::Queue { oldest_age_ms, .. } if *oldest_age_ms >= MESSAGES_WAITING_MS),
    },
    HealthRule {
        kinds: &[NodeKind::WorkerPool],
        health: Health::Hot,
        word: "▲ All workers busy",
        when: "every worker busy at the end of the last second",
        basis: "The simulator's choice: with every worker busy, messages that arrive wait in the queue.",
        facts: "",
        source: SQS_VISIBILITY,
        applies: |f| matches!(f, NodeFigures::WorkerPool { busy, workers, .. } if *workers > 0.0 && *busy >= *workers),
    },
    HealthRule {
        kinds: &[NodeKind::FlinkApp],
        health: Health::Hot,
        word: "▲ CPU at 75% or more",
        when: "its KPUs' CPU at 75% or more in the last second",
        basis: "Fifteen minutes at this level and autoscaling doubles parallelism; until then a busier stream puts it behind.",
        facts: "aws-facts-more 4.2",
        source: FLINK_SCALING,
        applies: |f| matches!(f, NodeFigures::Flink { cpu_percent, .. } if *cpu_percent >= 75.0),
    },
    HealthRule {
        kinds: &[NodeKind::MskCluster],
        health: Health::Failing,
        word: "✖ Producers waiting",
        when: "records waited in producers for a second or more at the end of the last second",
        basis: "A saturated broker, or a Serverless cluster over its quotas, delays producers rather than refusing them; records not acknowledged within delivery.timeout.ms are lost.",
        facts: "aws-facts-more 1.8, 2.1; aws-facts-more 1.4",
        source: MSK_BEST_PRACTICES,
        applies: |f| matches!(f, NodeFigures::Msk { producer_wait_ms, .. } if *producer_wait_ms >= 1_000.0),
    },
    HealthRule {
        kinds: &[NodeKind::MskCluster],
        health: Health::Failing,
        word: "✖ Partitions offline",
        when: "a partition has no replica on a live broker (OfflinePartitionsCount above 0)",
        basis: "A partition whose only replicas are on failed brokers takes no writes and serves no reads until one returns; its producers wait and lose what delivery.timeout.ms expires.",
        facts: "aws-facts-more 1.4, 1.7",
        source: MSK_BEST_PRACTICES,
        applies: |f| matches!(f, NodeFigures::Msk { offline_partitions, .. } if *offline_partitions > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::MskCluster],
        health: Health::Hot,
        word: "▲ Under-replicated",
        when: "a partition has fewer live replicas than placed (UnderReplicatedPartitions above 0)",
        basis: "A broker is down: its partitions' leaders moved to followers and the survivors carry its share; one more failure may take partitions offline.",
        facts: "aws-facts-more 1.4, 1.7",
        source: MSK_BEST_PRACTICES,
        applies: |f| matches!(f, NodeFigures::Msk { under_replicated, .. } if *under_replicated > 0.0),
    },
    HealthRule {
        kinds: &[NodeKind::MskCluster],
        health: Health::Hot,
        word: "▲ Disk at 85% or more",
        when: "the fullest broker's KafkaDataLogsDiskUsed at 85% or more",
        basis: "AWS's alarm level: expand storage, lower retention or delete topics; a full disk takes no more writes.",
        facts: "aws-facts-more 1.3",
        source: MSK_BEST_PRACTICES,
        applies: |f| matches!(f, NodeFigures::Msk { disk_percent, .. } if *disk_percent >= 85.0),
    },
];

/// What a node is when no rule of its kind applies.
pub static HEALTHY: HealthRule = HealthRule {
    kinds: &NodeKind::ALL,
    health: Health::Ok,
    word: "● Healthy",
    when: "none of this kind's warnings applies",
    basis: "Within every limit, and nothing waits longer than its kind's amber threshold.",
    facts: "",
    source: KDS_LIMITS,
    applies: |_| true,
};

/// The rule that decides these figures' health: the first of their kind
/// that applies, or [`HEALTHY`].
pub fn judge(figures: &NodeFigures) -> &'static HealthRule {
    let kind = figures.kind();
    HEALTH_RULES
        .iter()
        .find(|r| r.kinds.contains(&kind) && (r.applies)(figures))
        .unwrap_or(&HEALTHY)
}

/// Every rule that can judge a node of `kind`, in the order tried: what a
/// healthy card lists as what it watches.
pub fn rules_for(kind: NodeKind) -> impl Iterator<Item = &'static HealthRule> {
    HEALTH_RULES.iter().filter(move |r| r.kinds.contains(&kind))
}

/// Where an age (iterator age, oldest message, data freshness) turns
/// amber and red: the age rules above, for gauges and wires.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AgeThresholds {
    /// Amber from this age, in ms.
    #[serde(with = "super::wire::never")]
    pub amber_ms: f64,
    /// Red from this age, in ms (infinite: never red).
    #[serde(with = "super::wire::never")]
    pub red_ms: f64,
}

impl AgeThresholds {
    /// A stream reader's: "Lagging", then "Falling behind" or "Records near
    /// expiry", whichever comes first, for a stream of this retention.
    pub fn reader(retention_ms: f64) -> Self {
        AgeThresholds {
            amber_ms: LAGGING_MS,
            red_ms: BEHIND_MS.min(retention_ms * NEAR_EXPIRY_SHARE),
        }
    }

    /// A queue's oldest message: "Messages waiting", then "Backlog growing"
    /// or "Messages near expiry".
    pub fn queue(retention_ms: f64) -> Self {
        AgeThresholds {
            amber_ms: MESSAGES_WAITING_MS,
            red_ms: BACKLOG_GROWING_MS.min(retention_ms * NEAR_EXPIRY_SHARE),
        }
    }

    /// Firehose data freshness: "Delivery delayed" (its red comes from
    /// data lost, not from age).
    pub const FRESHNESS: Self =
        AgeThresholds { amber_ms: DELAYED_FRESHNESS_S * 1_000.0, red_ms: f64::INFINITY };

    /// Health of data that has waited `ms`.
    pub fn health(&self, ms: f64) -> Health {
        if ms >= self.red_ms {
            Health::Failing
        } else if ms >= self.amber_ms {
            Health::Hot
        } else {
            Health::Ok
        }
    }
}
