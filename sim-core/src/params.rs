//! What the editor's inspector needs to know about node parameters beyond
//! their ranges (those are [`crate::param_range`]): a one-line explanation of
//! the AWS concept behind each field, the variants of enum-tagged fields,
//! optional fields that may be absent, and which edits a running simulation
//! can absorb without restarting.
//!
//! Paths are the same as `param_range`'s: dot-separated inside a node's
//! `params`, with a tagged enum's fields flattened into its object
//! (`traffic.amplitude`, `capacity.shards`).

use serde::Serialize;
use serde_json::Value;

use crate::cost::LambdaArch;
use crate::engine::Command;
use crate::scenario::{
    Aggregation, Api, Arrivals, Capacity, DestinationType, Forward, KeyDistribution, NodeKind,
    NodeSpec, QueueType, RateStep, ReadMode, RecordSize, ServiceTime, StartPosition, StreamOp,
    Traffic, TransformSpec, WeightedHashKey,
};

/// A one-line explanation of a parameter for tooltips; `None` for a path
/// that has none.
pub fn param_help(kind: NodeKind, path: &str) -> Option<&'static str> {
    use NodeKind::*;
    Some(match (kind, path) {
        (Producer, "records_per_s") => {
            "Mean user records per second the producer generates; the traffic shape scales it."
        }
        (Producer, "traffic") => {
            "How arrivals spread over time: steady, random, daily cycle, bursts, steps or a recorded series."
        }
        (Producer, "traffic.arrivals") => {
            "Poisson counts scatter randomly around the mean; constant counts hit it exactly."
        }
        (Producer, "traffic.amplitude") => {
            "Relative swing of the daily cycle: 0.5 means ±50% around the rate."
        }
        (Producer, "traffic.period_s") => "Length of one cycle (86,400 s is a day).",
        (Producer, "traffic.phase_s") => "Shifts the cycle in time.",
        (Producer, "traffic.on_s") => "Length of each burst.",
        (Producer, "traffic.off_s") => "Quiet time between bursts.",
        (Producer, "traffic.multiplier") => "Rate factor during a burst.",
        (Producer, "traffic.off_multiplier") => {
            "Rate factor between bursts (1 keeps the base rate, 0 is silence)."
        }
        (Producer, "traffic.steps") => {
            "Rate changes at given times, as a JSON list of {at_s, records_per_s}."
        }
        (Producer, "traffic.steps.at_s") => "When the step starts, in seconds from the start.",
        (Producer, "traffic.steps.records_per_s") => {
            "The rate from that time on, until the next step."
        }
        (Producer, "traffic.csv") => {
            "A recorded series, one `time_s,records_per_s` line per change."
        }
        (Producer, "record_size") => {
            "Size of each record's data blob; a Kinesis record holds at most 1 MiB."
        }
        (Producer, "record_size.bytes") => "Every record's data blob size.",
        (Producer, "record_size.min_bytes") => "Smallest data blob.",
        (Producer, "record_size.max_bytes") => "Largest data blob.",
        (Producer, "record_size.median_bytes") => "Median data blob of the log-normal spread.",
        (Producer, "record_size.sigma") => {
            "Spread of the log size: larger gives more very big records."
        }
        (Producer, "keys") => {
            "Partition keys: their MD5 hash picks the shard, so few or skewed keys make hot shards."
        }
        (Producer, "keys.count") => {
            "Distinct partition keys; fewer keys than shards leaves shards idle."
        }
        (Producer, "keys.hot_share") => {
            "Share of records carrying one single key: all of them land on one shard."
        }
        (Producer, "keys.s") => "Zipf exponent: larger puts more records on the first few keys.",
        (Producer, "keys.hash_keys") => {
            "ExplicitHashKey values (JSON list of {hash_key, weight}) that bypass the MD5 of the partition key."
        }
        (Producer, "keys.hash_keys.weight") => {
            "This hash key's share of the records, relative to the other weights."
        }
        (Producer, "partition_key_bytes") => {
            "Key length; keys count toward the 1 MiB/s shard write limit."
        }
        (Producer, "api") => {
            "PutRecords sends up to 500 records per call; PutRecord one call per record."
        }
        (Producer, "api.max_records_per_request") => {
            "Records per PutRecords call (AWS allows 500)."
        }
        (Producer, "api.max_request_bytes") => {
            "Bytes per PutRecords call, partition keys included (5 MiB classic, 10 MiB current)."
        }
        (Producer, "batching.max_buffered_ms") => {
            "How long records wait to be batched (KPL RecordMaxBufferedTime): longer means fuller, fewer calls."
        }
        (Producer, "aggregation") => {
            "KPL aggregation packs many small user records into one Kinesis record, beating the 1,000 records/s shard limit."
        }
        (Producer, "aggregation.max_bytes") => {
            "Largest aggregated record (KPL AggregationMaxSize)."
        }
        (Producer, "aggregation.max_user_records") => {
            "Most user records per aggregated record (KPL AggregationMaxCount)."
        }
        (Producer, "retry.max_attempts") => {
            "Attempts per record including the first; after the last a throttled record is dropped."
        }
        (Producer, "retry.base_backoff_ms") => {
            "Wait before the first retry; it doubles each attempt, with jitter."
        }
        (Producer, "retry.max_backoff_ms") => "Cap on a single backoff wait.",
        (KinesisStream, "capacity") => {
            "Provisioned: you choose the shards. On-demand: AWS adds them as traffic grows, billed per GB."
        }
        (KinesisStream, "capacity.shards") => {
            "Each shard takes 1 MiB/s or 1,000 records/s of writes and serves 2 MiB/s of reads."
        }
        (KinesisStream, "capacity.scale_up_delay_s") => {
            "How long a shard must take over 500 KB/s before on-demand splits it, at once into as many shards as its writes need (AWS: within 15 minutes; the exact rule is the simulator's assumption)."
        }
        (KinesisStream, "max_record_size_kib") => {
            "MaxRecordSizeInKiB: the largest data blob the stream takes (1,024 by default, up to 10,240). A record larger than a second of a shard's 1 MiB/s is taken as a burst when the shard has capacity left and repaid at 1 MiB/s (the simulator's reading of AWS's \"tank that refills at a steady rate\"); keep large records rare."
        }
        (KinesisStream, "capacity.warm_throughput_mib_s") => {
            "On-demand Advantage only: write throughput the stream takes at once from the start (1 MiB/s per shard, up to 10 GiB/s, no extra fee); it still scales beyond."
        }
        (KinesisStream, "retention_h") => {
            "How long records stay readable (24 h included; longer is billed per shard-hour). \
             Older records are kept in coarser buckets (minutes, hours, days), read and \
             expired as if spread evenly within each."
        }
        (Consumer, "poll_interval_ms") => {
            "Idle time between GetRecords calls on a shard (KCL idleTimeBetweenReadsInMillis). A refused call (ReadProvisionedThroughputExceeded) is retried after this interval (at least 200 ms) times a random 0.5 to 1.5: the simulator's stand-in for the SDK's jittered backoff, whose exact policy AWS does not document."
        }
        (Consumer, "max_records_per_call") => "GetRecords Limit: at most 10,000 records per call.",
        (Consumer, "start") => {
            "TRIM_HORIZON reads from the oldest retained record; LATEST only new ones."
        }
        (Consumer, "overhead_ms") => "Fixed processing time per batch.",
        (Consumer, "per_record_us") => {
            "Processing time per record; with the overhead it decides whether the consumer keeps up."
        }
        (Consumer, "jitter") => "Random ± spread of processing time, 0 to 1.",
        (Consumer, "read_mode") => {
            "Shared polling splits 2 MiB/s and 5 calls/s per shard among consumers; enhanced fan-out gives each its own 2 MiB/s push."
        }
        (Consumer | KclApp, "forward") => {
            "What it sends on when wired to a stream or a delivery stream."
        }
        (Consumer | KclApp, "forward.ratio") => {
            "Records sent per record processed: 0.5 filters half out, 3 fans out."
        }
        (Consumer | KclApp, "forward.size_ratio") => {
            "Size of a record sent relative to the record processed."
        }
        (KclApp, "workers") => {
            "Application instances; each shard's lease is held by one worker, so more shards than workers means some work several."
        }
        (KclApp, "failover_time_ms") => {
            "KCL failoverTimeMillis: a lease not renewed this long is taken over by another worker."
        }
        (KclApp, "idle_time_between_reads_ms") => {
            "KCL idleTimeBetweenReadsInMillis: the pause between GetRecords calls on a shard. A refused call (ReadProvisionedThroughputExceeded) is retried after this interval (at least 200 ms) times a random 0.5 to 1.5: the simulator's stand-in for the SDK's jittered backoff, whose exact policy AWS does not document."
        }
        (KclApp, "max_records") => "KCL maxRecords: at most 10,000 records per GetRecords call.",
        (KclApp, "checkpoint_every_records") => {
            "Checkpoint after this many records on a shard (0: never by count); records after the last checkpoint are read again after a failover."
        }
        (KclApp, "checkpoint_every_s") => "Checkpoint at least this often (0: never by time).",
        (KclApp, "start") => {
            "TRIM_HORIZON reads from the oldest retained record; LATEST only new ones."
        }
        (KclApp, "overhead_ms") => "Fixed processing time per batch.",
        (KclApp, "per_record_us") => {
            "Processing time per record; with the overhead it decides whether the workers keep up."
        }
        (KclApp, "jitter") => "Random ± spread of processing time, 0 to 1.",
        (Firehose, "buffer_size_mib") => {
            "Firehose flushes when this much data is buffered (1 to 128 MiB), or at the interval, whichever comes first."
        }
        (Firehose, "buffer_interval_s") => {
            "Firehose flushes when the oldest buffered record is this old (0 to 900 s), or at the size, whichever comes first."
        }
        (Firehose, "retry_duration_s") => {
            "How long a failed delivery is retried (not S3: S3 retries for 24 hours)."
        }
        (Firehose, "s3_backup") => {
            "Records that outlive the retry duration go to an S3 backup bucket instead of being lost."
        }
        (Firehose, "transform") => {
            "An optional Lambda function that transforms records before they are buffered."
        }
        (Firehose, "transform.buffer_size_mb") => "Data per Lambda invocation (0.2 to 3 MB).",
        (Firehose, "transform.buffer_interval_s") => "Longest wait to fill one invocation's batch.",
        (Firehose, "transform.overhead_ms") => "Fixed duration of one invocation.",
        (Firehose, "transform.per_record_us") => "Invocation time per record.",
        (Firehose, "transform.error_rate") => "Share of invocations that fail and are retried.",
        (Firehose, "transform.retries") => {
            "NumberOfRetries of a failed invocation before its records fail."
        }
        (Firehose, "transform.size_ratio") => {
            "Output bytes per input byte: a transformation may shrink or grow records."
        }
        (Destination, "type") => {
            "Where Firehose delivers: S3 objects, Redshift COPY loads, OpenSearch bulk requests or an HTTP endpoint."
        }
        (Destination, "bytes_per_s") => {
            "How fast one delivery (object, COPY, bulk request) moves data."
        }
        (Destination, "latency_ms") => "Fixed time of one delivery.",
        (Destination, "outages") => {
            "Windows when the destination refuses deliveries, as a JSON list of {from_s, to_s}."
        }
        (SqsQueue, "queue_type") => {
            "Standard: at-least-once, nearly unlimited calls. FIFO: order per message group, 300 calls/s per action."
        }
        (SqsQueue, "high_throughput") => {
            "FIFO high-throughput mode: 70,000 calls/s per action (us-east-1), 300 per partition; each message group stays on one partition. Assumed here: 234 partitions, groups placed by the MD5 of their id (AWS documents neither)."
        }
        (SqsQueue, "visibility_timeout_s") => {
            "How long a received message stays hidden; if it is not deleted by then, it is delivered again. A Lambda function's timeout must not exceed it."
        }
        (SqsQueue, "delay_s") => {
            "How long a new message stays invisible before it can be received."
        }
        (SqsQueue, "retention_s") => {
            "How long a message is kept before SQS deletes it, counted from its first send."
        }
        (SqsQueue, "max_message_bytes") => {
            "Largest message (and SendMessageBatch) the queue takes."
        }
        (SqsQueue, "max_receive_count") => {
            "Receives without a delete after which a message moves to the dead-letter queue (a linked queue)."
        }
        (WorkerPool, "workers") => "EC2 instances or containers, each with one receive loop.",
        (WorkerPool, "per_message_ms") => "Mean time to process one message.",
        (WorkerPool, "service") => {
            "Exponential times vary like independent jobs (M/M/c); fixed times never vary."
        }
        (WorkerPool, "max_messages") => "MaxNumberOfMessages per ReceiveMessage call (1 to 10).",
        (WorkerPool, "wait_time_s") => {
            "Long polling: how long a receive waits for a message (0 = short polling)."
        }
        (WorkerPool, "empty_receive_pause_ms") => "Pause after an empty short-polling receive.",
        (WorkerPool, "forward") => {
            "What a worker sends on to the linked stream, delivery stream or queue."
        }
        (WorkerPool, "forward.ratio") => {
            "Messages sent on per message processed (0.5 filters half out, 3 fans out)."
        }
        (WorkerPool, "forward.size_ratio") => {
            "Size of what is sent on relative to what was processed."
        }
        (Lambda, "memory_mb") => {
            "Function memory; billed per GB-second (1,769 MB is about 1 vCPU)."
        }
        (Lambda, "arch") => "x86 or Arm (Graviton), priced apart.",
        (Lambda, "overhead_ms") => "Fixed duration of one invocation.",
        (Lambda, "per_record_ms") => "Invocation time per record or message in the batch.",
        (Lambda, "jitter") => "Relative random spread of the duration (0.1 = ±10%).",
        (Lambda, "timeout_s") => "An invocation running longer fails (at most 900 s).",
        (Lambda, "error_rate") => "Share of invocations that fail as a whole (transient errors).",
        (Lambda, "poison_rate") => "Share of records that fail every time they are processed.",
        (Lambda, "reserved_concurrency") => {
            "This function's cap, set aside from the account's pool."
        }
        (Lambda, "account_concurrency") => {
            "Concurrent executions the account's functions share (1,000 by default)."
        }
        (Lambda, "event_source") => "How Lambda polls its queue or stream and batches records.",
        (Lambda, "event_source.batch_size") => {
            "Most records per invocation (queue: 10 by default, stream: 100, within the 6 MB payload); a stream's poller still reads up to 10,000 a call and sends batches back to back."
        }
        (Lambda, "event_source.batching_window_s") => {
            "Longest wait to fill a batch before invoking; on a stream the records wait read, in the poller's buffer."
        }
        (Lambda, "event_source.maximum_concurrency") => {
            "Queue: most concurrent invocations this event source starts (2 to 1,000)."
        }
        (Lambda, "event_source.report_batch_item_failures") => {
            "Partial batch response: only failed records are retried."
        }
        (Lambda, "event_source.parallelization_factor") => {
            "Stream: concurrent batches per shard (1 to 10); a partition key always goes to the same batch, so many keys spread out but one hot key gains nothing."
        }
        (Lambda, "event_source.starting_position") => "Stream: where reading starts.",
        (Lambda, "event_source.bisect_on_error") => {
            "Stream: split a failed batch in two to isolate bad records."
        }
        (Lambda, "event_source.maximum_retry_attempts") => {
            "Stream: retries of a failed batch; -1 retries until the record expires."
        }
        (Lambda, "event_source.maximum_record_age_s") => {
            "Stream: give up failed or throttled batches older than this (60 s to 7 days); -1 means no limit."
        }
        _ => return None,
    })
}

/// One variant of an enum-tagged parameter, with every field at a sensible
/// starting value.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The variant's name as written in scenario files (`diurnal`, `on_demand`).
    pub name: &'static str,
    /// The whole parameter's JSON for this variant (`null` for "off").
    pub value: Value,
}

/// The variants of an enum-tagged parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Choices {
    /// The key naming the variant inside an object value (`shape`, `dist`),
    /// `None` for plain string enums and optional fields.
    pub tag_key: Option<&'static str>,
    /// Every variant, in display order.
    pub options: Vec<Choice>,
}

impl Choices {
    /// Which option `value` (the parameter's current JSON; `Null` when
    /// absent) is.
    pub fn current(&self, value: &Value) -> Option<usize> {
        self.options.iter().position(|o| match self.tag_key {
            Some(key) => o.value.get(key).is_some() && o.value.get(key) == value.get(key),
            None => match (value, &o.value) {
                (Value::Object(_), Value::Object(_)) => true,
                (a, b) => a == b,
            },
        })
    }
}

fn json(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn choices(tag_key: Option<&'static str>, options: Vec<(&'static str, Value)>) -> Choices {
    Choices {
        tag_key,
        options: options.into_iter().map(|(name, value)| Choice { name, value }).collect(),
    }
}

/// The variants of an enum-tagged parameter at `path`, or `None` when the
/// parameter is not an enum.
pub fn param_choices(kind: NodeKind, path: &str) -> Option<Choices> {
    use NodeKind::*;
    let arrivals = Arrivals::Poisson;
    Some(match (kind, path) {
        (Producer, "traffic") => choices(
            Some("shape"),
            vec![
                ("poisson", json(Traffic::Poisson)),
                ("constant", json(Traffic::Constant)),
                (
                    "diurnal",
                    json(Traffic::Diurnal {
                        amplitude: 0.5,
                        period_s: 86_400.0,
                        phase_s: 0.0,
                        arrivals,
                    }),
                ),
                (
                    "burst",
                    json(Traffic::Burst {
                        on_s: 10.0,
                        off_s: 50.0,
                        multiplier: 5.0,
                        off_multiplier: 1.0,
                        arrivals,
                    }),
                ),
                (
                    "step",
                    json(Traffic::Step {
                        steps: vec![RateStep { at_s: 60.0, records_per_s: 1_500.0 }],
                        arrivals,
                    }),
                ),
                (
                    "replay",
                    json(Traffic::Replay {
                        csv: "time_s,records_per_s\n0,500\n60,1500\n".into(),
                        arrivals,
                    }),
                ),
            ],
        ),
        (Producer, "traffic.arrivals") => choices(
            None,
            vec![("poisson", json(Arrivals::Poisson)), ("constant", json(Arrivals::Constant))],
        ),
        (Producer, "record_size") => choices(
            Some("dist"),
            vec![
                ("fixed", json(RecordSize::Fixed { bytes: 1024 })),
                ("uniform", json(RecordSize::Uniform { min_bytes: 100, max_bytes: 2_000 })),
                ("log_normal", json(RecordSize::LogNormal { median_bytes: 1024.0, sigma: 1.0 })),
            ],
        ),
        (Producer, "keys") => choices(
            Some("dist"),
            vec![
                ("uniform", json(KeyDistribution::Uniform { count: 1000 })),
                ("hot_key", json(KeyDistribution::HotKey { count: 1000, hot_share: 0.3 })),
                ("zipf", json(KeyDistribution::Zipf { count: 1000, s: 1.1 })),
                (
                    "explicit_hash_key",
                    json(KeyDistribution::ExplicitHashKey {
                        hash_keys: vec![WeightedHashKey { hash_key: "0".into(), weight: 1.0 }],
                    }),
                ),
            ],
        ),
        (Producer, "api") => choices(
            Some("call"),
            vec![("put_records", json(Api::default())), ("put_record", json(Api::PutRecord))],
        ),
        (Producer, "aggregation") => choices(
            None,
            vec![("off", Value::Null), ("kpl_aggregation", json(Aggregation::default()))],
        ),
        (KinesisStream, "capacity") => choices(
            Some("mode"),
            vec![
                ("provisioned", json(Capacity::Provisioned { shards: 2 })),
                ("on_demand", json(Capacity::on_demand())),
            ],
        ),
        (Consumer | KclApp, "start") => choices(
            None,
            vec![
                ("trim_horizon", json(StartPosition::TrimHorizon)),
                ("latest", json(StartPosition::Latest)),
            ],
        ),
        (Consumer, "read_mode") => choices(
            None,
            vec![
                ("shared", json(ReadMode::Shared)),
                ("enhanced_fan_out", json(ReadMode::EnhancedFanOut)),
            ],
        ),
        (Firehose, "transform") => choices(
            None,
            vec![("off", Value::Null), ("lambda_transform", json(TransformSpec::default()))],
        ),
        (SqsQueue, "queue_type") => choices(
            None,
            vec![("standard", json(QueueType::Standard)), ("fifo", json(QueueType::Fifo))],
        ),
        (WorkerPool, "service") => choices(
            None,
            vec![
                ("exponential", json(ServiceTime::Exponential)),
                ("fixed", json(ServiceTime::Fixed)),
            ],
        ),
        (Lambda, "arch") => {
            choices(None, vec![("x86", json(LambdaArch::X86)), ("arm", json(LambdaArch::Arm))])
        }
        (Lambda, "event_source.starting_position") => choices(
            None,
            vec![
                ("latest", json(StartPosition::Latest)),
                ("trim_horizon", json(StartPosition::TrimHorizon)),
            ],
        ),
        (Destination, "type") => choices(
            None,
            [
                DestinationType::S3,
                DestinationType::Redshift,
                DestinationType::Opensearch,
                DestinationType::HttpEndpoint,
            ]
            .into_iter()
            .map(|t| (t.as_str(), json(t)))
            .collect(),
        ),
        _ => return None,
    })
}

/// Top-level parameters that files may leave out (so an editor walking a
/// node's JSON would not see them), with the value to show when absent
/// (`Null` for an optional part that is off).
pub fn optional_params(kind: NodeKind) -> Vec<(&'static str, Value)> {
    match kind {
        NodeKind::Producer => vec![("aggregation", Value::Null)],
        NodeKind::Consumer | NodeKind::KclApp | NodeKind::WorkerPool => {
            vec![("forward", json(Forward::default()))]
        }
        NodeKind::Lambda => vec![("reserved_concurrency", Value::Null)],
        NodeKind::Firehose => vec![("transform", Value::Null)],
        NodeKind::Destination => vec![("outages", Value::Array(Vec::new()))],
        NodeKind::KinesisStream => {
            vec![("max_record_size_kib", json(crate::scenario::DEFAULT_MAX_RECORD_SIZE_KIB))]
        }
        NodeKind::SqsQueue => Vec::new(),
    }
}

/// The runtime command that applies the edit `before -> after` of node
/// `node` to a running simulation, or `None` when the edit changes more than
/// a running pipeline can absorb (the run must restart from zero).
pub fn live_edit(node: usize, before: &NodeSpec, after: &NodeSpec) -> Option<Command> {
    match (before, after) {
        (NodeSpec::Producer(a), NodeSpec::Producer(b)) if a.records_per_s != b.records_per_s => {
            let mut same_otherwise = a.clone();
            same_otherwise.records_per_s = b.records_per_s;
            (same_otherwise == *b)
                .then_some(Command::SetProducerRate { node, records_per_s: b.records_per_s })
        }
        (NodeSpec::KinesisStream(a), NodeSpec::KinesisStream(b)) => {
            match (&a.capacity, &b.capacity) {
                (Capacity::Provisioned { shards: old }, Capacity::Provisioned { shards: new })
                    if old != new && a.retention_h == b.retention_h =>
                {
                    // aws-facts 1.6: UpdateShardCount, with AWS's limits; a
                    // refusal falls back to a restart.
                    Some(Command::Reshard { node, op: StreamOp::UpdateShardCount { target: *new } })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ProducerSpec, StreamSpec};
    use crate::validate::param_range;

    /// Top-level parameters whose values are enum variants (`param_choices`).
    const CHOICE_PATHS: [&str; 8] =
        ["traffic", "record_size", "keys", "api", "aggregation", "capacity", "transform", "type"];

    /// Every numeric leaf under `value`, as (table row, field path): the row
    /// drops list indices (`keys.hash_keys.weight`), the path keeps them
    /// (`keys.hash_keys[0].weight`).
    fn leaves(row: &str, at: &str, value: &Value, out: &mut Vec<(String, String)>) {
        let join = |a: &str, k: &str| if a.is_empty() { k.to_string() } else { format!("{a}.{k}") };
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    leaves(&join(row, k), &join(at, k), v, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    leaves(row, &format!("{at}[{i}]"), v, out);
                }
            }
            Value::Number(_) => out.push((row.to_string(), at.to_string())),
            _ => {}
        }
    }

    /// A kind's parameters in every shape they take: the default with its
    /// optional fields present, and each variant of each enum-tagged
    /// parameter put in.
    fn shapes(kind: NodeKind) -> Vec<Value> {
        let mut base = json(NodeSpec::default_for(kind))["params"].clone();
        for (key, value) in optional_params(kind) {
            // An optional field absent by default is present: as its first
            // variant that is not "none", or as a number.
            let variant = || {
                let options = param_choices(kind, key)?.options;
                options.into_iter().map(|c| c.value).find(|v| !v.is_null())
            };
            let value = match value {
                Value::Null => variant().unwrap_or(Value::from(1)),
                value => value,
            };
            if let Some(map) = base.as_object_mut() {
                map.entry(key).or_insert(value);
            }
        }
        let mut out = vec![base.clone()];
        for path in CHOICE_PATHS {
            for choice in param_choices(kind, path).map(|c| c.options).unwrap_or_default() {
                let mut shape = base.clone();
                shape[path] = choice.value;
                out.push(shape);
            }
        }
        out
    }

    /// The numeric leaves of every shape of every kind.
    fn every_leaf() -> Vec<(NodeKind, Value, String, String)> {
        let mut out = Vec::new();
        for kind in NodeKind::ALL {
            for shape in shapes(kind) {
                let mut found = Vec::new();
                leaves("", "", &shape, &mut found);
                out.extend(found.into_iter().map(|(row, at)| (kind, shape.clone(), row, at)));
            }
        }
        out
    }

    #[test]
    fn every_numeric_parameter_of_every_kind_has_a_range_and_help() {
        let mut missing: Vec<String> = every_leaf()
            .into_iter()
            .filter_map(|(kind, _, row, _)| {
                match (param_range(kind, &row), param_help(kind, &row)) {
                    (Some(_), Some(_)) => None,
                    (None, _) => Some(format!("{kind:?} {row}: no range")),
                    (_, None) => Some(format!("{kind:?} {row}: no help")),
                }
            })
            .collect();
        missing.dedup();
        assert!(missing.is_empty(), "{missing:#?}");
    }

    /// A scenario of the one node `spec` (unwired: validation reports that
    /// too, beside any parameter out of range).
    fn alone(spec: NodeSpec) -> crate::Scenario {
        let mut s: crate::Scenario = serde_json::from_str(crate::DEFAULT_SCENARIO).unwrap();
        s.nodes = vec![crate::scenario::Node { id: "n".into(), name: String::new(), spec }];
        s.links.clear();
        s.layout.clear();
        s.schedule.clear();
        s
    }

    /// `shape` with the leaf at `at` (`a.b[2].c`) set to `value`.
    fn with_leaf(shape: &Value, at: &str, value: f64) -> Value {
        let mut params = shape.clone();
        let slot = at.split('.').fold(&mut params, |v, key| match key.split_once('[') {
            Some((name, i)) => &mut v[name][i.trim_end_matches(']').parse::<usize>().unwrap()],
            None => &mut v[key],
        });
        // An integer field takes an integer (`2000`, not `2000.0`).
        let integer = slot.is_i64() || slot.is_u64();
        *slot = if integer { serde_json::json!(value as i64) } else { serde_json::json!(value) };
        params
    }

    #[test]
    fn every_ranged_parameter_is_checked_against_its_range() {
        let mut untried = Vec::new();
        for (kind, shape, row, at) in every_leaf() {
            let mut tried = false;
            let r = param_range(kind, &row).expect("every leaf has a range");
            // Just past either end; a value the field's type cannot hold is
            // refused by parsing instead.
            for value in [r.max + r.max.abs().max(1.0), r.min - r.min.abs().max(1.0)] {
                let node = serde_json::json!({"kind": kind.as_str(), "params": with_leaf(&shape, &at, value)});
                let Ok(spec) = serde_json::from_value::<NodeSpec>(node) else { continue };
                tried = true;
                let issues = crate::validate(&alone(spec)).err().unwrap_or_default();
                let want = format!("nodes[0].params.{at}");
                assert!(
                    issues.iter().any(|i| i.path == want),
                    "{kind:?} {at} = {value} is outside {} to {} but not refused: {issues:?}",
                    r.min,
                    r.max
                );
            }
            if !tried {
                untried.push(format!("{kind:?} {at}"));
            }
        }
        // Whatever parsing refuses, some value of every leaf is representable
        // (a range is narrower than its field's type): nothing goes untried.
        assert_eq!(untried, Vec::<String>::new());
    }

    #[test]
    fn every_choice_deserialises_as_its_parameter() {
        for kind in NodeKind::ALL {
            let base = json(NodeSpec::default_for(kind));
            for path in CHOICE_PATHS.into_iter().chain(["traffic.arrivals", "start", "read_mode"]) {
                let Some(choices) = param_choices(kind, path) else { continue };
                assert!(param_help(kind, path).is_some(), "{kind:?} {path} has no help");
                for (i, choice) in choices.options.iter().enumerate() {
                    let mut node = base.clone();
                    let (head, tail) = path.split_once('.').unwrap_or((path, ""));
                    let slot = if tail.is_empty() {
                        &mut node["params"][head]
                    } else {
                        // traffic.arrivals needs a shape that has arrivals.
                        node["params"][head] = json(Traffic::Diurnal {
                            amplitude: 0.5,
                            period_s: 60.0,
                            phase_s: 0.0,
                            arrivals: Arrivals::Poisson,
                        });
                        &mut node["params"][head][tail]
                    };
                    *slot = choice.value.clone();
                    let spec: NodeSpec = serde_json::from_value(node.clone())
                        .unwrap_or_else(|e| panic!("{kind:?} {path} {}: {e}", choice.name));
                    let back = json(&spec)["params"].clone();
                    let current = if tail.is_empty() { &back[head] } else { &back[head][tail] };
                    assert_eq!(
                        choices.current(current),
                        Some(i),
                        "{kind:?} {path} {}",
                        choice.name
                    );
                }
            }
        }
    }

    #[test]
    fn a_rate_change_applies_live_and_anything_more_restarts() {
        let a = NodeSpec::Producer(ProducerSpec::default());
        let mut b = ProducerSpec { records_per_s: 900.0, ..ProducerSpec::default() };
        assert_eq!(
            live_edit(3, &a, &NodeSpec::Producer(b.clone())),
            Some(Command::SetProducerRate { node: 3, records_per_s: 900.0 })
        );
        b.partition_key_bytes = 32;
        assert_eq!(live_edit(3, &a, &NodeSpec::Producer(b)), None);
    }

    #[test]
    fn a_shard_count_change_applies_live_through_update_shard_count() {
        let a = NodeSpec::KinesisStream(StreamSpec::default());
        let b = NodeSpec::KinesisStream(StreamSpec {
            capacity: Capacity::Provisioned { shards: 4 },
            ..StreamSpec::default()
        });
        assert_eq!(
            live_edit(1, &a, &b),
            Some(Command::Reshard { node: 1, op: StreamOp::UpdateShardCount { target: 4 } })
        );
        let on_demand = NodeSpec::KinesisStream(StreamSpec {
            capacity: Capacity::on_demand(),
            ..StreamSpec::default()
        });
        assert_eq!(live_edit(1, &a, &on_demand), None);
    }
}
