//! A Lambda function's validation: the rules of its parameters beyond
//! their ranges, and its settings against its event source. Called by
//! `validate/mod.rs`.

use crate::scenario::{
    Fault, LambdaSpec, NodeKind, NodeSpec, ProducerSpec, QueueType, ReadMode, Scenario,
};
use crate::units::format_number;
use crate::validate::{CheckKind, Checker, Wiring};

/// A record age a range cannot say.
pub(crate) fn check_params(check: &mut Checker<'_>, path: &str, l: &LambdaSpec) {
    // aws-facts 5.1: MaximumRecordAgeInSeconds is -1 (no limit) or
    // 60 s to 7 days; the table's range (-1 to 7 days) has no room
    // for the gap.
    let age = l.event_source.maximum_record_age_s;
    if age != -1 && !(60..=604_800).contains(&age) {
        check.push(
            format!("{path}.event_source.maximum_record_age_s"),
            format!(
                "{} is out of range; allowed -1 (no limit) or 60 to 604,800 s",
                format_number(f64::from(age))
            ),
        );
    }
}

/// aws-facts-more 3: the longest function timeout a Kafka event source
/// takes (14 minutes).
const KAFKA_MAX_TIMEOUT_S: u32 = 840;

/// aws-facts 5.2: Lambda refuses an event source mapping whose queue's
/// visibility timeout is shorter than the function's timeout
/// (`InvalidParameterValueException`). The problem is the wire's, so the
/// editor shows it there.
fn check_visibility_covers_timeout(
    check: &mut Checker<'_>,
    scenario: &Scenario,
    queue: usize,
    function: usize,
) {
    let (q, f) = (&scenario.nodes[queue], &scenario.nodes[function]);
    let (NodeSpec::SqsQueue(spec), NodeSpec::Lambda(l)) = (&q.spec, &f.spec) else { return };
    if spec.visibility_timeout_s >= l.timeout_s {
        return;
    }
    let Some(link) = scenario.links.iter().position(|k| k.from == q.id && k.to == f.id) else {
        return;
    };
    check.push(
        format!("links[{link}]"),
        format!(
            "queue {:?} hides a received message for {} s, less than function {:?}'s {} s \
             timeout: AWS refuses this event source mapping (InvalidParameterValueException). \
             Set the visibility timeout to at least {} s (AWS advises 6 times the timeout, {} s)",
            q.id,
            format_number(f64::from(spec.visibility_timeout_s)),
            f.id,
            format_number(f64::from(l.timeout_s)),
            format_number(f64::from(l.timeout_s)),
            format_number(f64::from(l.timeout_s) * 6.0),
        ),
    );
}

/// A function's settings against its event source (a queue's visibility
/// timeout and batch rules, an MSK source's timeout cap), its pollers, and
/// its concurrency against the account's.
pub(crate) fn check_wired_settings(w: &Wiring, check: &mut Checker<'_>, i: usize, l: &LambdaSpec) {
    let path = format!("nodes[{i}]");
    let queue = |n: usize| match &w.node(n).spec {
        NodeSpec::SqsQueue(q) => Some(q),
        _ => None,
    };
    let e = &l.event_source;
    if let Some(source) = w.reads_from[i] {
        check_visibility_covers_timeout(check, w.scenario, source, i);
    }
    let msk = w.reads_from[i].is_some_and(|s| w.node(s).spec.kind() == NodeKind::MskCluster);
    // aws-facts-more 3: a Kafka event source takes functions
    // with a timeout of at most 14 minutes.
    if msk && l.timeout_s > KAFKA_MAX_TIMEOUT_S {
        check.push(
            format!("{path}.params.timeout_s"),
            format!(
                "{} s is out of range for an MSK event source; allowed 1 to 840 s \
                 (14 minutes)",
                format_number(f64::from(l.timeout_s))
            ),
        );
    }
    // aws-facts-more 3: the model has provisioned mode for MSK event sources
    // only; on another source it would be silently ignored, so say so.
    if e.provisioned_pollers.is_some() && !msk {
        check.push(
            format!("{path}.params.event_source.provisioned_pollers"),
            "provisioned pollers are modelled for an MSK event source only; remove them \
             (this function's event source scales its pollers on demand here)"
                .to_string(),
        );
    }
    if let Some(p) = e.provisioned_pollers
        && p.minimum_pollers > p.maximum_pollers
    {
        check.push(
            format!("{path}.params.event_source.provisioned_pollers.minimum_pollers"),
            format!(
                "{} is above maximum_pollers ({}); the minimum cannot exceed the maximum",
                p.minimum_pollers, p.maximum_pollers
            ),
        );
    }
    if let Some(q) = w.reads_from[i].and_then(queue) {
        let batch = e.batch_size.unwrap_or(10);
        // aws-facts 5.2: FIFO batches hold at most 10 messages;
        // a standard queue takes up to 10,000 with a window of
        // at least 1 s when above 10.
        if q.queue_type == QueueType::Fifo && batch > 10 {
            check.push(
                format!("{path}.params.event_source.batch_size"),
                format!("{batch} is out of range for a FIFO queue; allowed 1 to 10"),
            );
        }
        if batch > 10 && e.batching_window_s < 1 {
            check.push(
                format!("{path}.params.event_source.batching_window_s"),
                format!(
                    "a batch size of {batch} above 10 needs a batching window of at \
                 least 1 s"
                ),
            );
        }
        if w.sends_to[i].is_some() {
            check.push(
                path.clone(),
                "an on-failure destination applies to a stream, MSK or SNS source; \
                 a queue's failed messages go to its dead-letter queue",
            );
        }
    }

    // Functions share one account: each states the first one's limit.
    if let Some((first, c)) = first_function(w)
        && c != l.account_concurrency
    {
        check.push(
            format!("{path}.params.account_concurrency"),
            format!(
                "{} differs from {:?}'s {}; functions share one account",
                format_number(f64::from(l.account_concurrency)),
                w.node(first).id,
                format_number(f64::from(c))
            ),
        );
    }
    if let Some(r) = l.reserved_concurrency
        && r > l.account_concurrency
    {
        check.push(
            format!("{path}.params.reserved_concurrency"),
            format!(
                "{} exceeds the account's {} concurrent executions",
                format_number(f64::from(r)),
                format_number(f64::from(l.account_concurrency))
            ),
        );
    } else if let Some(r) = l.reserved_concurrency {
        // aws-facts 5.3: a reservation is set aside from the account's
        // pool, so the functions' reservations together fit in it. Told
        // once, by the function whose reservation goes past it.
        let before: u64 = reservations(w).take_while(|&(n, _)| n < i).map(|(_, r)| r).sum();
        let total = before + u64::from(r);
        let account = u64::from(l.account_concurrency);
        if total > account && before <= account {
            check.push(
                format!("{path}.params.reserved_concurrency"),
                format!(
                    "{} with the other functions' reservations makes {}, more than the \
                     account's {} concurrent executions they are set aside from",
                    format_number(f64::from(r)),
                    format_number(total as f64),
                    format_number(account as f64)
                ),
            );
        }
    }
}

/// Each function's reserved concurrency, in scenario order.
fn reservations<'a>(w: &'a Wiring) -> impl Iterator<Item = (usize, u64)> + 'a {
    w.scenario.nodes.iter().enumerate().filter_map(|(i, n)| match &n.spec {
        NodeSpec::Lambda(l) => l.reserved_concurrency.map(|r| (i, u64::from(r))),
        _ => None,
    })
}

/// The first function in the scenario and its account concurrency: the
/// one the others are compared with.
fn first_function(w: &Wiring) -> Option<(usize, u32)> {
    w.scenario.nodes.iter().enumerate().find_map(|(i, n)| match &n.spec {
        NodeSpec::Lambda(l) => Some((i, l.account_concurrency)),
        _ => None,
    })
}

impl CheckKind for LambdaSpec {
    fn check_params(&self, check: &mut Checker<'_>, path: &str) {
        check_params(check, path, self);
    }

    fn check_wiring(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn unwired(&self, id: &str) -> Option<String> {
        Some(format!(
            "Lambda function {id:?} has no event source (a queue, a stream, an MSK topic or an SNS subscription)"
        ))
    }

    fn check_fault(&self, _: &mut Checker<'_>, _: &str, _: &str, _: &Fault) {}

    fn check_wired_settings(&self, w: &Wiring, check: &mut Checker<'_>, i: usize) {
        check_wired_settings(w, check, i, self);
    }

    fn stream_read_mode(&self) -> Option<ReadMode> {
        None
    }

    fn check_producer_records(&self, _: &mut Checker<'_>, _: usize, _: &ProducerSpec, _: &str) {}
}
