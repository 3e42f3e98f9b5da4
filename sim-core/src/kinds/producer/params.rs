//! A producer's parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::Param;
use serde_json::Value;

/// Most explicit hash keys one producer may list.
pub const MAX_EXPLICIT_HASH_KEYS: usize = 10_000;
/// Most steps in a step profile.
pub const MAX_RATE_STEPS: usize = 10_000;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    Param::new("records_per_s", "Mean user records per second the producer generates; the traffic shape scales it.").range(0.0, 10_000_000.0, "records/s"),
    Param::new("traffic", "How arrivals spread over time: steady, random, daily cycle, bursts, steps or a recorded series."),
    Param::new("traffic.arrivals", "Poisson counts scatter randomly around the mean; constant counts hit it exactly."),
    Param::new("traffic.amplitude", "Relative swing of the daily cycle: 0.5 means ±50% around the rate.").range(0.0, 1.0, ""),
    Param::new("traffic.period_s", "Length of one cycle (86,400 s is a day).").range(1.0, 31_536_000.0, "s"),
    Param::new("traffic.phase_s", "Shifts the cycle in time.").range(0.0, 31_536_000.0, "s"),
    Param::new("traffic.on_s", "Length of each burst.").range(0.001, 86_400.0, "s"),
    Param::new("traffic.off_s", "Quiet time between bursts.").range(0.0, 86_400.0, "s"),
    Param::new("traffic.multiplier", "Rate factor during a burst.").range(0.0, 1_000.0, "x"),
    Param::new("traffic.off_multiplier", "Rate factor between bursts (1 keeps the base rate, 0 is silence).").range(0.0, 1_000.0, "x"),
    Param::new("traffic.steps", "Rate changes at given times, as a JSON list of {at_s, records_per_s}.").range(1.0, MAX_RATE_STEPS as f64, "steps"),
    Param::new("traffic.steps.at_s", "When the step starts, in seconds from the start.").range(0.0, 31_536_000.0, "s"),
    Param::new("traffic.steps.records_per_s", "The rate from that time on, until the next step.").range(0.0, 10_000_000.0, "records/s"),
    Param::unexplained("traffic.csv.time_s").range(0.0, 31_536_000.0, "s"),
    Param::unexplained("traffic.csv.records_per_s").range(0.0, 10_000_000.0, "records/s"),
    Param::new("traffic.csv", "A recorded series, one `time_s,records_per_s` line per change."),
    Param::new("record_size", "Size of each record's data blob; a Kinesis record holds at most 1 MiB."),
    // aws-facts 1.1: a data blob is at most 1 MiB by default.
    Param::new("record_size.bytes", "Every record's data blob size.").range(1.0, 10_485_760.0, "bytes"),
    // aws-facts 1.1: a data blob is at most 1 MiB by default.
    Param::new("record_size.min_bytes", "Smallest data blob.").range(1.0, 10_485_760.0, "bytes"),
    // aws-facts 1.1: a data blob is at most 1 MiB by default.
    Param::new("record_size.max_bytes", "Largest data blob.").range(1.0, 10_485_760.0, "bytes"),
    // aws-facts 1.1: a data blob is at most 1 MiB by default (draws are
    // clamped to it).
    Param::new("record_size.median_bytes", "Median data blob of the log-normal spread.").range(1.0, 1_048_576.0, "bytes"),
    Param::new("record_size.sigma", "Spread of the log size: larger gives more very big records.").range(0.0, 4.0, ""),
    Param::new("keys", "Partition keys: their MD5 hash picks the shard, so few or skewed keys make hot shards."),
    Param::new("keys.count", "Distinct partition keys; fewer keys than shards leaves shards idle.").range(1.0, 1_000_000.0, "keys"),
    Param::new("keys.hot_share", "Share of records carrying one single key: all of them land on one shard.").range(0.0, 1.0, ""),
    Param::new("keys.s", "Zipf exponent: larger puts more records on the first few keys.").range(0.0, 10.0, ""),
    Param::new("keys.hash_keys", "ExplicitHashKey values (JSON list of {hash_key, weight}) that bypass the MD5 of the partition key.").range(1.0, MAX_EXPLICIT_HASH_KEYS as f64, "hash keys"),
    Param::new("keys.hash_keys.weight", "This hash key's share of the records, relative to the other weights.").range(0.0, 1_000_000_000.0, ""),
    // aws-facts 1.2: a partition key is at most 256 characters.
    Param::new("partition_key_bytes", "Key length; keys count toward the 1 MiB/s shard write limit.").range(1.0, 256.0, "bytes"),
    Param::new("api", "PutRecords sends up to 500 records per call; PutRecord one call per record."),
    // aws-facts 1.1: at most 500 records per PutRecords request.
    Param::new("api.max_records_per_request", "Records per PutRecords call (AWS allows 500).").range(1.0, 500.0, "records"),
    // aws-facts 1.1 and 7: 5 MiB per request classic, 10 MiB current
    // (partition keys included).
    Param::new("api.max_request_bytes", "Bytes per PutRecords call, partition keys included (5 MiB classic, 10 MiB current).").range(1.0, 10_485_760.0, "bytes"),
    Param::new("batching.max_buffered_ms", "How long records wait to be batched (KPL RecordMaxBufferedTime): longer means fuller, fewer calls.").range(1.0, 60_000.0, "ms"),
    Param::new("aggregation", "KPL aggregation packs many small user records into one Kinesis record, beating the 1,000 records/s shard limit."),
    // aws-facts 1.1: an aggregated record is one Kinesis record, at most
    // 1 MiB. The KPL's AggregationMaxSize takes 64 to 1,048,576 (default
    // 51,200) and AggregationMaxCount from 1 (default 4,294,967,295);
    // KPL default_config.properties, not yet in aws-facts.
    Param::new("aggregation.max_bytes", "Largest aggregated record (KPL AggregationMaxSize).").range(64.0, 1_048_576.0, "bytes"),
    Param::new("aggregation.max_user_records", "Most user records per aggregated record (KPL AggregationMaxCount).").range(1.0, 4_294_967_295.0, "records"),
    Param::new("retry.max_attempts", "Attempts per record including the first; after the last a throttled record is dropped.").range(1.0, 100.0, "attempts"),
    Param::new("retry.base_backoff_ms", "Wait before the first retry; it doubles each attempt. Each refused record waits its own: half fixed, half random (an assumption: AWS does not publish the policy), then goes out with the next batch.").range(1.0, 60_000.0, "ms"),
    Param::new("retry.max_backoff_ms", "Cap on a single backoff wait.").range(1.0, 600_000.0, "ms"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![("aggregation", Value::Null)]
}
