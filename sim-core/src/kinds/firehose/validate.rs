//! A Firehose delivery stream's validation: its wiring, and the records
//! producers send it. Called by `validate/mod.rs`.

use crate::scenario::{
    DestinationType, Fault, FirehoseSpec, NodeKind, NodeSpec, ProducerSpec, ReadMode,
};
use crate::units::format_number;
use crate::validate::{CheckKind, Checker, Wiring};

/// aws-facts 3.2: a Firehose record is at most 1,000 KiB before base64.
pub const FIREHOSE_MAX_RECORD_BYTES: u32 = 1_000 * 1_024;

/// A delivery stream needs a destination, and takes Direct PUT or a stream,
/// not both.
pub(crate) fn check_wiring(w: &Wiring, check: &mut Checker<'_>, node: usize) {
    let id = &w.node(node).id;
    if w.sends_to[node].is_none() {
        check.push(
            format!("nodes[{node}]"),
            format!("delivery stream {id:?} has no destination; wire it to one destination node"),
        );
    }
    let direct_put = w.senders(node).any(|p| w.kind(p) == NodeKind::Producer);
    // aws-facts 3.2: a Firehose record is at most 1,000 KiB.
    for p in w.senders(node) {
        if let NodeSpec::Producer(spec) = &w.node(p).spec
            && spec.record_size.max_bytes() > FIREHOSE_MAX_RECORD_BYTES
        {
            check.push(
                format!("nodes[{p}].params.record_size"),
                format!(
                    "records up to {} bytes; a Firehose record is at most {} bytes (1,000 KiB)",
                    format_number(f64::from(spec.record_size.max_bytes())),
                    format_number(f64::from(FIREHOSE_MAX_RECORD_BYTES))
                ),
            );
        }
    }

    // aws-facts 3.2: with a Kinesis stream as source, PutRecord and
    // PutRecordBatch to the delivery stream are disabled.
    if direct_put && w.reads_from[node].is_some() {
        check.push(
            format!("nodes[{node}]"),
            format!(
                "delivery stream {id:?} reads a Kinesis stream, so Direct PUT (from producers or \
                 forwarding consumers) is disabled; wire them to the stream instead"
            ),
        );
    }
}

impl CheckKind for FirehoseSpec {
    fn check_params(&self, _: &mut Checker<'_>, _: &str) {}

    fn check_wiring(&self, w: &Wiring, check: &mut Checker<'_>, i: usize) {
        check_wiring(w, check, i);
    }

    fn unwired(&self, _: &str) -> Option<String> {
        None
    }

    fn check_fault(&self, _: &mut Checker<'_>, _: &str, _: &str, _: &Fault) {}

    // aws-facts 3.6: format conversion writes to Amazon S3 only.
    fn check_wired_settings(&self, w: &Wiring, check: &mut Checker<'_>, i: usize) {
        let destination = w.sends_to[i].map(|d| &w.node(d).spec);
        if let (true, Some(NodeSpec::Destination(d))) = (self.format_conversion, destination)
            && d.destination_type != DestinationType::S3
        {
            check.push(
                format!("nodes[{i}].params.format_conversion"),
                format!(
                    "{} converts records to Parquet or ORC, which Firehose writes to Amazon S3 \
                     only; its destination is {}: turn conversion off or deliver to S3",
                    w.node(i).label(),
                    d.destination_type.title()
                ),
            );
        }
    }

    fn stream_read_mode(&self) -> Option<ReadMode> {
        None
    }

    fn check_producer_records(&self, _: &mut Checker<'_>, _: usize, _: &ProducerSpec, _: &str) {}
}
