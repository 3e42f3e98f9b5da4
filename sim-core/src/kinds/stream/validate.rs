//! A Kinesis stream's validation: its enhanced fan-out readers, and
//! settings that depend on the account's pricing mode. Called by
//! `validate/mod.rs`.

use crate::kinds::producer::validate::check_record_fits_stream;
use crate::pricing::OnDemandPricing;
use crate::scenario::{
    Capacity, Fault, Node, NodeSpec, ProducerSpec, ReadMode, StreamSpec, with_spec,
};
use crate::validate::{CheckKind, Checker, Wiring};

/// aws-facts 1.5: at most 20 enhanced fan-out consumers per stream.
pub const MAX_EFO_CONSUMERS: usize = 20;
/// aws-facts 1.5: at most 50 per on-demand stream under On-demand Advantage.
pub const MAX_EFO_CONSUMERS_ADVANTAGE: usize = 50;

/// Each stream's enhanced fan-out readers within AWS's limit, streams in
/// index order.
pub(crate) fn check_fan_out(w: &Wiring, check: &mut Checker<'_>) {
    let scenario = w.scenario;
    let advantage = scenario.pricing.kinesis_on_demand == OnDemandPricing::Advantage;
    for (source, node) in scenario.nodes.iter().enumerate() {
        let NodeSpec::KinesisStream(stream) = &node.spec else { continue };
        let n = w
            .readers(source)
            .filter(|&r| read_mode(w.node(r)) == Some(ReadMode::EnhancedFanOut))
            .count();
        // aws-facts 1.5: at most 20 registered enhanced fan-out consumers per
        // stream, 50 per on-demand stream under On-demand Advantage.
        let on_demand = stream.capacity.is_on_demand();
        let most =
            if advantage && on_demand { MAX_EFO_CONSUMERS_ADVANTAGE } else { MAX_EFO_CONSUMERS };
        if n > most {
            let why = if on_demand && !advantage {
                " (50 for an on-demand stream under On-demand Advantage, pricing.kinesis_on_demand)"
            } else {
                ""
            };
            check.push(
                format!("nodes[{source}]"),
                format!("{n} enhanced fan-out consumers read this stream; AWS allows at most {most}{why}"),
            );
        }
    }
}

/// aws-facts 1.4: warm throughput comes with On-demand Advantage.
pub(crate) fn check_warm_throughput(w: &Wiring, check: &mut Checker<'_>) {
    let scenario = w.scenario;
    let advantage = scenario.pricing.kinesis_on_demand == OnDemandPricing::Advantage;
    for (i, node) in scenario.nodes.iter().enumerate() {
        if let NodeSpec::KinesisStream(s) = &node.spec
            && let Capacity::OnDemand { warm_throughput_mib_s: Some(_), .. } = s.capacity
            && !advantage
        {
            check.push(
                format!("nodes[{i}].params.capacity.warm_throughput_mib_s"),
                "warm throughput needs On-demand Advantage, an account-level billing mode with a \
                 25 MiB/s minimum: set pricing.kinesis_on_demand to \"advantage\" or leave it out",
            );
        }
    }
}

/// How a reader of a stream reads it, if it chooses.
fn read_mode(node: &Node) -> Option<ReadMode> {
    with_spec!(&node.spec, spec => spec.stream_read_mode())
}

impl CheckKind for StreamSpec {
    fn check_params(&self, _: &mut Checker<'_>, _: &str) {}

    fn check_wiring(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn unwired(&self, _: &str) -> Option<String> {
        None
    }

    fn check_fault(&self, _: &mut Checker<'_>, _: &str, _: &str, _: &Fault) {}

    fn check_wired_settings(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

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
        check_record_fits_stream(check, producer, p, id, self);
    }
}
