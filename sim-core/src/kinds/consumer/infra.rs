//! A stream consumer in an export: an enhanced fan-out consumer is a
//! registered `StreamConsumer`; the application reading is the reader's
//! own compute, so it is a note.

use crate::infra::Wiring;
use crate::infra::model::{Props, Ref, Resource, Template};
use crate::infra::names::aws_name;
use crate::scenario::{ConsumerSpec, Node, NodeKind, ReadMode};

/// Adds the consumer's registration (enhanced fan-out) and a note.
pub fn export(node: &Node, spec: &ConsumerSpec, w: &Wiring, t: &mut Template) {
    let stream = w.input_of(&node.id, NodeKind::KinesisStream);
    let stream_label = stream.map_or("no stream", |s| s.label());
    let how = match spec.read_mode {
        ReadMode::Shared => "polls GetRecords (shared throughput)",
        ReadMode::EnhancedFanOut => "reads by SubscribeToShard (enhanced fan-out)",
    };
    t.notes.push(format!(
        "Consumer \"{}\" (your application, not deployed here) {how} on \"{stream_label}\" every {} ms.",
        node.label(),
        spec.poll_interval_ms
    ));
    if let (ReadMode::EnhancedFanOut, Some(stream)) = (spec.read_mode, stream) {
        let name = aws_name(&node.id, 128);
        t.add(Resource {
            key: node.id.clone(),
            cfn_type: "AWS::Kinesis::StreamConsumer",
            tf_type: "aws_kinesis_stream_consumer",
            cfn: Props::new().with("ConsumerName", name.as_str()).with("StreamARN", Ref::arn(&stream.id)),
            tf: Props::new().with("name", name.as_str()).with("stream_arn", Ref::arn(&stream.id)),
            depends_on: Vec::new(),
            comments: vec![format!(
                "Enhanced fan-out registration of \"{}\" (aws-facts.md §1.5): its own 2 MiB/s per shard.",
                node.label()
            )],
        });
    }
}
