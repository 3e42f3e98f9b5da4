//! A producer's validation: the rules of its parameters beyond their
//! ranges, and its records against what it writes to. Called by
//! `validate/mod.rs`, which decides when (the order issues are reported in).

use crate::kinds::msk::spec::serverless_quotas::MAX_MESSAGE_BYTES;
use crate::kinds::params::param_range;
use crate::kinds::producer::params::{MAX_EXPLICIT_HASH_KEYS, MAX_RATE_STEPS};
use crate::routing::parse_hash_key;
use crate::scenario::{
    Api, Fault, KeyDistribution, NodeKind, NodeSpec, ProducerSpec, ReadMode, RecordSize,
    SNS_MAX_MESSAGE_BYTES, StreamSpec, Traffic, parse_replay_csv, with_spec,
};
use crate::units::format_number;
use crate::validate::{CheckKind, Checker, Wiring, out_of_range};

/// A producer's rules beyond ranges: lists in order, a replayed series
/// row by row, hash keys that parse, fields that bound each other.
pub(crate) fn check_params(check: &mut Checker<'_>, path: &str, p: &ProducerSpec) {
    let kind = NodeKind::Producer;
    match &p.traffic {
        Traffic::Step { steps, .. } => {
            for (i, step) in steps.iter().take(MAX_RATE_STEPS).enumerate() {
                let at = format!("{path}.traffic.steps[{i}]");
                if i > 0 && step.at_s <= steps[i - 1].at_s {
                    check.push(
                        format!("{at}.at_s"),
                        format!(
                            "{} is not after the previous step's at_s ({}); steps must be in \
                             increasing time",
                            format_number(step.at_s),
                            format_number(steps[i - 1].at_s)
                        ),
                    );
                }
            }
        }
        Traffic::Replay { csv, .. } => match parse_replay_csv(csv) {
            Err(why) => check.push(format!("{path}.traffic.csv"), why),
            Ok(rows) => {
                // Each row against the table, reported with its line.
                let mut rows = rows.into_iter();
                let row_ranges = ["traffic.csv.time_s", "traffic.csv.records_per_s"]
                    .map(|name| param_range(kind, name).expect("listed below"));
                if let Some(row) = rows.find_map(|(line, t, r)| {
                    let bad = out_of_range(t, row_ranges[0]).map(|m| format!("time_s {m}"));
                    let bad = bad.or_else(|| {
                        out_of_range(r, row_ranges[1]).map(|m| format!("records_per_s {m}"))
                    });
                    bad.map(|m| format!("line {line}: {m}"))
                }) {
                    check.push(format!("{path}.traffic.csv"), row);
                }
            }
        },
        _ => {}
    }
    if let KeyDistribution::ExplicitHashKey { hash_keys } = &p.keys {
        for (i, k) in hash_keys.iter().take(MAX_EXPLICIT_HASH_KEYS).enumerate() {
            let at = format!("{path}.keys.hash_keys[{i}]");
            if parse_hash_key(&k.hash_key).is_none() {
                check.push(
                    format!("{at}.hash_key"),
                    format!(
                        "{:?} is not a hash key; allowed a decimal integer 0 to {}",
                        k.hash_key.chars().take(60).collect::<String>(),
                        u128::MAX
                    ),
                );
            }
        }
        if !hash_keys.is_empty() && hash_keys.iter().all(|k| k.weight <= 0.0) {
            check.push(
                format!("{path}.keys.hash_keys"),
                "every weight is 0; at least one must be positive",
            );
        }
    }

    // Rules between fields.
    if let RecordSize::Uniform { min_bytes, max_bytes } = p.record_size
        && max_bytes < min_bytes
    {
        check.push(
            format!("{path}.record_size.max_bytes"),
            format!(
                "{} is below min_bytes ({}); the largest record must be at least the smallest",
                format_number(f64::from(max_bytes)),
                format_number(f64::from(min_bytes))
            ),
        );
    }
    if let Api::PutRecords { max_request_bytes, .. } = p.api {
        // aws-facts 1.1: the request cap includes partition keys, so the
        // largest record with its key must fit one request.
        let largest = u64::from(p.record_size.max_bytes()) + u64::from(p.partition_key_bytes);
        if max_request_bytes < largest {
            check.push(
                format!("{path}.api.max_request_bytes"),
                format!(
                    "{} is below the largest record with its key ({} bytes); one record must fit \
                     a request",
                    format_number(max_request_bytes as f64),
                    format_number(largest as f64)
                ),
            );
        }
    }
    if p.retry.max_backoff_ms < p.retry.base_backoff_ms {
        check.push(
            format!("{path}.retry.max_backoff_ms"),
            format!(
                "{} is below base_backoff_ms ({}); the cap must be at least the base",
                p.retry.max_backoff_ms, p.retry.base_backoff_ms
            ),
        );
    }
}

/// A producer's records against the stream or topic it writes to.
pub(crate) fn check_wiring(w: &Wiring, check: &mut Checker<'_>, i: usize, p: &ProducerSpec) {
    let Some(to) = w.sends_to[i] else { return };
    let target = w.node(to);
    with_spec!(&target.spec, spec => spec.check_producer_records(check, i, p, &target.id));
}

/// aws-facts 1.1: PutRecords refuses (ValidationException) a record whose
/// data blob is larger than the stream's maximum record size, so such a
/// record would never be written, however long it was retried.
pub(crate) fn check_record_fits_stream(
    check: &mut Checker<'_>,
    producer: usize,
    p: &ProducerSpec,
    stream_id: &str,
    stream: &StreamSpec,
) {
    let largest = u64::from(p.record_size.max_bytes());
    let limit = stream.max_record_bytes();
    if largest > limit {
        check.push(
            format!("nodes[{producer}].params.record_size"),
            format!(
                "records up to {} bytes can never be written to stream {stream_id:?}: its maximum \
                 record size is {} KiB ({} bytes); raise the stream's max_record_size_kib (up to \
                 10,240) or send smaller records",
                format_number(largest as f64),
                format_number(f64::from(stream.max_record_size_kib)),
                format_number(limit as f64)
            ),
        );
    }
}

/// aws-facts-more 5.1: an SNS message is at most 262,144 bytes.
pub(crate) fn check_message_fits_topic(
    check: &mut Checker<'_>,
    producer: usize,
    p: &ProducerSpec,
    topic_id: &str,
) {
    let largest = u64::from(p.record_size.max_bytes());
    if largest > SNS_MAX_MESSAGE_BYTES {
        check.push(
            format!("nodes[{producer}].params.record_size"),
            format!(
                "messages up to {} bytes can never be published to topic {topic_id:?}: SNS takes \
                 at most 262,144 bytes (256 KiB) a message; send smaller messages",
                format_number(largest as f64)
            ),
        );
    }
}

/// A producer's settings against what it writes to: an MSK topic routes by
/// key and caps a Serverless message, a queue caps a message.
pub(crate) fn check_wired_settings(
    w: &Wiring,
    check: &mut Checker<'_>,
    i: usize,
    p: &ProducerSpec,
) {
    let path = format!("nodes[{i}]");
    let queue = |n: usize| match &w.node(n).spec {
        NodeSpec::SqsQueue(q) => Some(q),
        _ => None,
    };
    // aws-facts-more 1.5: Kafka routes by the key's murmur2 hash;
    // an explicit hash key is Kinesis's.
    if w.sends_to[i].is_some_and(|t| w.node(t).spec.kind() == NodeKind::MskCluster)
        && matches!(p.keys, KeyDistribution::ExplicitHashKey { .. })
    {
        check.push(
            format!("{path}.params.keys"),
            "explicit hash keys are a Kinesis feature; an MSK topic routes records by \
             the murmur2 hash of their key, so use uniform, hot_key or zipf keys",
        );
    }

    // aws-facts-more 2.1, 2.2: an MSK Serverless message is at
    // most 8 MiB (the key counted: Kafka's record carries it);
    // a larger one fails with INVALID_REQUEST.
    let serverless = w.sends_to[i]
        .is_some_and(|t| matches!(&w.node(t).spec, NodeSpec::MskCluster(m) if m.is_serverless()));
    let message = u64::from(p.record_size.max_bytes()) + u64::from(p.partition_key_bytes);
    if serverless && message > MAX_MESSAGE_BYTES {
        check.push(
            format!("{path}.params.record_size"),
            format!(
                "records of up to {} bytes with their key are out of range for MSK \
                 Serverless; allowed 1 to {} bytes (8 MiB)",
                format_number(message as f64),
                format_number(MAX_MESSAGE_BYTES as f64)
            ),
        );
    }

    // aws-facts 4.1: a message is at most MaximumMessageSize.
    if let Some(q) = w.sends_to[i].and_then(queue)
        && p.record_size.max_bytes() > q.max_message_bytes
    {
        check.push(
            format!("{path}.params.record_size"),
            format!(
                "records of up to {} bytes do not fit the queue's max_message_bytes \
                 ({})",
                format_number(f64::from(p.record_size.max_bytes())),
                format_number(f64::from(q.max_message_bytes))
            ),
        );
    }
}

impl CheckKind for ProducerSpec {
    fn check_params(&self, check: &mut Checker<'_>, path: &str) {
        check_params(check, path, self);
    }

    fn check_wiring(&self, w: &Wiring, check: &mut Checker<'_>, i: usize) {
        check_wiring(w, check, i, self);
    }

    fn unwired(&self, id: &str) -> Option<String> {
        Some(format!("producer {id:?} is not wired to a stream or a queue"))
    }

    fn check_fault(&self, check: &mut Checker<'_>, path: &str, _: &str, fault: &Fault) {
        // A scheduled `set_rate` is held to the rate's own row.
        if let Fault::SetRate { records_per_s } = fault {
            let at = format!("{path}.op.records_per_s");
            check.param_at(NodeKind::Producer, &at, "records_per_s", *records_per_s);
        }
    }

    fn check_wired_settings(&self, w: &Wiring, check: &mut Checker<'_>, i: usize) {
        check_wired_settings(w, check, i, self);
    }

    fn stream_read_mode(&self) -> Option<ReadMode> {
        None
    }

    fn check_producer_records(&self, _: &mut Checker<'_>, _: usize, _: &ProducerSpec, _: &str) {}
}
