//! An SNS topic's validation: its subscriptions against the nodes linked
//! from it, and their delivery policies. Called by `validate/mod.rs`.

use std::collections::BTreeSet;

use crate::kinds::producer::validate::check_message_fits_topic;
use crate::scenario::{
    DestinationType, Fault, HTTP_MAX_TOTAL_RETRY_S, HttpDeliveryPolicy, MAX_FIFO_SUBSCRIPTIONS,
    NodeKind, NodeSpec, ProducerSpec, QueueType, ReadMode, SnsTopicSpec,
};
use crate::units::format_number;
use crate::validate::{CheckKind, Checker, Wiring};

/// An SNS topic's subscriptions (aws-facts-more 5.1 to 5.3): the settings
/// name linked endpoints, once each; a dead-letter queue is an SQS queue,
/// FIFO for a FIFO topic; a FIFO topic delivers to SQS queues only (FIFO
/// or standard), at most 100; a standard topic cannot deliver to a FIFO
/// queue.
pub(crate) fn check_wiring(w: &Wiring, check: &mut Checker<'_>, i: usize, t: &SnsTopicSpec) {
    let scenario = w.scenario;
    let id = &scenario.nodes[i].id;
    let path = format!("nodes[{i}].params.subscriptions");
    let linked: Vec<usize> =
        scenario.links.iter().filter(|l| &l.from == id).filter_map(|l| w.index(&l.to)).collect();
    let fifo_queue = |n: usize| matches!(&scenario.nodes[n].spec, NodeSpec::SqsQueue(q) if q.queue_type == QueueType::Fifo);
    if t.is_fifo() && linked.len() > MAX_FIFO_SUBSCRIPTIONS {
        check.push(
            format!("nodes[{i}]"),
            format!("FIFO topic {id:?} has {} subscriptions; AWS allows at most 100", linked.len()),
        );
    }
    for &n in &linked {
        let to = &scenario.nodes[n];
        let firehose = to.spec.kind() == NodeKind::Firehose;
        // aws-facts-more 5.2: a FIFO topic delivers to SQS queues only (a
        // function reads a FIFO queue subscribed to it).
        if to.spec.kind() == NodeKind::Lambda && t.is_fifo() {
            check.push(
                format!("nodes[{i}]"),
                format!(
                    "FIFO topic {id:?} cannot invoke Lambda function {:?}: FIFO topics deliver to \
                     SQS queues only; subscribe a FIFO queue and let the function read it",
                    to.id
                ),
            );
        }
        // aws-facts-more 5.2, 5.3: an HTTP/S endpoint is a destination of
        // type http_endpoint; customer-managed endpoints (HTTP/S among
        // them) cannot subscribe to a FIFO topic.
        if let NodeSpec::Destination(d) = &to.spec {
            if d.destination_type != DestinationType::HttpEndpoint {
                check.push(
                    format!("nodes[{i}]"),
                    format!(
                        "topic {id:?} cannot deliver to destination {:?}: it is {}, and SNS \
                         delivers only to HTTP/S endpoints among destinations; set its type to \
                         http_endpoint",
                        to.id,
                        d.destination_type.as_str()
                    ),
                );
            }
            if t.is_fifo() {
                check.push(
                    format!("nodes[{i}]"),
                    format!(
                        "FIFO topic {id:?} cannot deliver to HTTP/S endpoint {:?}: FIFO topics \
                         deliver to SQS queues only; customer-managed endpoints (email, SMS, \
                         mobile push, HTTP/S) cannot subscribe to them",
                        to.id
                    ),
                );
            }
        }
        if firehose && t.is_fifo() {
            check.push(
                format!("nodes[{i}]"),
                format!(
                    "FIFO topic {id:?} cannot deliver to Firehose delivery stream {:?}: FIFO \
                     topics deliver to SQS queues only",
                    to.id
                ),
            );
        }
        if !t.is_fifo() && fifo_queue(n) {
            check.push(
                format!("nodes[{i}]"),
                format!(
                    "standard topic {id:?} cannot deliver to FIFO queue {:?}: a FIFO queue \
                     subscribes to a FIFO topic",
                    to.id
                ),
            );
        }
    }
    let mut seen = BTreeSet::new();
    for (k, s) in t.subscriptions.iter().enumerate() {
        let at = format!("{path}[{k}]");
        match w.index(&s.endpoint) {
            Some(n) if linked.contains(&n) => {}
            _ => check.push(
                format!("{at}.endpoint"),
                format!(
                    "{:?} is not linked from topic {id:?}; name a node the topic is linked to",
                    s.endpoint
                ),
            ),
        }
        if !seen.insert(s.endpoint.as_str()) {
            check.push(format!("{at}.endpoint"), format!("{:?} has settings twice", s.endpoint));
        }
        if let Some(policy) = &s.delivery_policy {
            let http = w.index(&s.endpoint).map(|n| w.kind(n)) == Some(NodeKind::Destination);
            check_http_policy(check, &format!("{at}.delivery_policy"), policy, http);
        }
        let Some(dlq) = &s.dead_letter_queue else { continue };
        match w.index(dlq).map(|n| (n, &scenario.nodes[n].spec)) {
            Some((n, NodeSpec::SqsQueue(_))) => {
                if t.is_fifo() && !fifo_queue(n) {
                    check.push(
                        format!("{at}.dead_letter_queue"),
                        format!("{dlq:?} is a standard queue; a FIFO topic's subscription needs a FIFO dead-letter queue"),
                    );
                }
                if linked.contains(&n) && w.index(&s.endpoint) == Some(n) {
                    check.push(
                        format!("{at}.dead_letter_queue"),
                        format!("{dlq:?} is the subscription's own endpoint; a dead-letter queue must be another queue"),
                    );
                }
            }
            _ => check.push(
                format!("{at}.dead_letter_queue"),
                format!("{dlq:?} is not an SQS queue in this scenario; a dead-letter queue is an SQS queue"),
            ),
        }
    }
}

/// aws-facts-more 5.1: the publish quota is the account's, per Region, one
/// for standard topics and one for FIFO topics; every topic of a type
/// draws on its type's, so each states the first such topic's value (as
/// Lambda functions state the account's concurrency).
fn check_account_quota(w: &Wiring, check: &mut Checker<'_>, i: usize, t: &SnsTopicSpec) {
    let pool = t.pool();
    let first = w.scenario.nodes.iter().enumerate().find_map(|(n, node)| match &node.spec {
        NodeSpec::SnsTopic(other) if other.pool() == pool => Some((n, other.publish_quota_per_s)),
        _ => None,
    });
    if let Some((first, quota)) = first
        && quota != t.publish_quota_per_s
    {
        check.push(
            format!("nodes[{i}].params.publish_quota_per_s"),
            format!(
                "{} differs from {:?}'s {}; {} share the account's publish quota in the \
                 Region, so give each the same value (1 to 1,000,000 messages/s)",
                format_number(f64::from(t.publish_quota_per_s)),
                w.node(first).id,
                format_number(f64::from(quota)),
                pool.topics()
            ),
        );
    }
}

/// An HTTP/S subscription's delivery policy (aws-facts-more 5.3), beyond
/// the ranges of its fields: only HTTP/S policies can be changed; the
/// minimum delay is at most the maximum; the immediate, pre-backoff and
/// post-backoff retries fit in `num_retries`; the delays add up to at most
/// 3,600 s (a hard limit).
fn check_http_policy(check: &mut Checker<'_>, at: &str, p: &HttpDeliveryPolicy, http: bool) {
    if !http {
        check.push(
            at,
            "only an HTTP/S subscription's delivery policy can be changed; SQS, Lambda and \
             Firehose endpoints follow AWS's own policy (100,015 retries over 23 days)",
        );
        return;
    }
    if p.min_delay_target_s > p.max_delay_target_s {
        check.push(
            format!("{at}.min_delay_target_s"),
            format!(
                "is {} s, more than max_delay_target_s ({} s); allowed 1 to max_delay_target_s",
                format_number(f64::from(p.min_delay_target_s)),
                format_number(f64::from(p.max_delay_target_s))
            ),
        );
    }
    let phases = u64::from(p.num_no_delay_retries)
        + u64::from(p.num_min_delay_retries)
        + u64::from(p.num_max_delay_retries);
    if phases > u64::from(p.num_retries) {
        check.push(
            format!("{at}.num_retries"),
            format!(
                "is {}, fewer than the immediate, pre-backoff and post-backoff retries together \
                 ({}); numRetries counts every phase's retries (0 to 100)",
                format_number(f64::from(p.num_retries)),
                format_number(phases as f64)
            ),
        );
        return;
    }
    let total_s = p.total_retry_ms() as f64 / 1_000.0;
    if total_s > HTTP_MAX_TOTAL_RETRY_S as f64 {
        check.push(
            at,
            format!(
                "its retries take {} s in all (num_retries {} with delays from {} s to {} s); \
                 AWS allows a total retry time of 0 to 3,600 s for an HTTP/S endpoint (a hard \
                 limit): lower num_retries, num_max_delay_retries or max_delay_target_s",
                format_number(total_s),
                format_number(f64::from(p.num_retries)),
                format_number(f64::from(p.min_delay_target_s)),
                format_number(f64::from(p.max_delay_target_s))
            ),
        );
    }
}

impl CheckKind for SnsTopicSpec {
    fn check_params(&self, _: &mut Checker<'_>, _: &str) {}

    fn check_wiring(&self, w: &Wiring, check: &mut Checker<'_>, i: usize) {
        check_wiring(w, check, i, self);
    }

    fn unwired(&self, _: &str) -> Option<String> {
        None
    }

    fn check_fault(&self, _: &mut Checker<'_>, _: &str, _: &str, _: &Fault) {}

    fn check_wired_settings(&self, w: &Wiring, check: &mut Checker<'_>, i: usize) {
        check_account_quota(w, check, i, self);
    }

    fn stream_read_mode(&self) -> Option<ReadMode> {
        None
    }

    fn check_producer_records(
        &self,
        check: &mut Checker<'_>,
        producer: usize,
        p: &ProducerSpec,
        id: &str,
    ) {
        check_message_fits_topic(check, producer, p, id);
    }
}
