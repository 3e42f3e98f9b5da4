//! A stream consumer in an export: an enhanced fan-out consumer is a
//! registered `StreamConsumer`; the application reading is the reader's
//! own compute, so it is a note.

use crate::infra::import::{self, Builder};
use crate::infra::model::{Props, Ref, Resource, Template};
use crate::infra::names::aws_name;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{ConsumerSpec, Node, NodeKind, NodeSpec, ReadMode};
use crate::validate::Issue;

impl ExportKind for ConsumerSpec {
    /// An enhanced fan-out consumer is a registered `StreamConsumer`; a
    /// shared-throughput reader is only an application, given back from
    /// the scenario an export keeps in its metadata.
    fn declared(&self) -> bool {
        self.read_mode == ReadMode::EnhancedFanOut
    }

    /// Adds the consumer's registration (enhanced fan-out) and a note.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template) {
        let stream = w.input_of(&node.id, NodeKind::KinesisStream);
        let stream_label = stream.map_or("no stream", |s| s.label());
        let how = match self.read_mode {
            ReadMode::Shared => "polls GetRecords (shared throughput)",
            ReadMode::EnhancedFanOut => "reads by SubscribeToShard (enhanced fan-out)",
        };
        t.notes.push(format!(
            "Consumer \"{}\" (your application, not deployed here) {how} on \"{stream_label}\" every {} ms.",
            node.label(),
            self.poll_interval_ms
        ));
        if let (ReadMode::EnhancedFanOut, Some(stream)) = (self.read_mode, stream) {
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
}

/// Reads an `AWS::Kinesis::StreamConsumer`: an enhanced fan-out consumer
/// of its stream (aws-facts.md §1.5); how fast it processes is the
/// application's, so the spec's defaults stay.
pub fn import(r: &import::Resource, p: &import::Props, b: &mut Builder) -> Result<(), Issue> {
    let stream = p.reference("StreamARN")?.and_then(|s| b.node_of(&s).map(str::to_string));
    let Some(stream) = stream else {
        return Err(Issue::new(
            format!("{}.StreamARN", p.at()),
            "names no Kinesis stream of this template",
        ));
    };
    let spec = ConsumerSpec { read_mode: ReadMode::EnhancedFanOut, ..ConsumerSpec::default() };
    let name = p.text("ConsumerName")?;
    let id = b.add(r, name.as_deref(), NodeSpec::Consumer(spec));
    b.link(&stream, &id);
    Ok(())
}
