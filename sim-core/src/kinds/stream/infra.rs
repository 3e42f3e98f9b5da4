//! A Kinesis data stream in an export: mode, shards, retention and record
//! size; encryption is left to the person deploying, with a comment. An
//! import reads the same properties back.

use crate::infra::import::{self, Builder};
use crate::infra::model::{Props, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{Capacity, DEFAULT_MAX_RECORD_SIZE_KIB, Node, NodeSpec, StreamSpec};
use crate::validate::Issue;

impl ExportKind for StreamSpec {
    /// Adds the stream.
    fn export(&self, node: &Node, _: &Wiring, t: &mut Template) {
        // aws-facts.md §1.3/§1.4: names up to 128 characters.
        let name = aws_name(&node.id, 128);
        let (mode, shards) = match self.capacity {
            Capacity::Provisioned { shards } => ("PROVISIONED", Some(shards)),
            Capacity::OnDemand { .. } => ("ON_DEMAND", None),
        };
        let mut comments = vec![format!(
            "Stream \"{}\". Encryption is yours to choose: add StreamEncryption (CloudFormation) or encryption_type/kms_key_id (Terraform).",
            node.label()
        )];
        if let Capacity::OnDemand { warm_throughput_mib_s: Some(mib), .. } = self.capacity {
            comments.push(format!(
                "The scenario uses On-demand Advantage warm throughput of {mib} MiB/s (aws-facts.md §1.4): set it on the account/stream after deploying."
            ));
        }
        let record_size = (self.max_record_size_kib != DEFAULT_MAX_RECORD_SIZE_KIB)
            .then_some(self.max_record_size_kib);
        t.add(Resource {
            key: node.id.clone(),
            cfn_type: "AWS::Kinesis::Stream",
            tf_type: "aws_kinesis_stream",
            cfn: Props::new()
                .with("Name", name.as_str())
                .with("StreamModeDetails", Value::Block(Props::new().with("StreamMode", mode)))
                .with_some("ShardCount", shards)
                .with("RetentionPeriodHours", self.retention_h)
                .with_some("MaxRecordSizeInKiB", record_size),
            tf: Props::new()
                .with("name", name.as_str())
                .with_some("shard_count", shards)
                .with("retention_period", self.retention_h)
                .with_some("max_record_size_in_kib", record_size)
                .with("stream_mode_details", Value::Block(Props::new().with("stream_mode", mode))),
            depends_on: Vec::new(),
            comments,
        });
    }
}

/// Reads an `AWS::Kinesis::Stream` (the mirror of its `ExportKind::export`).
pub fn import(r: &import::Resource, p: &import::Props, b: &mut Builder) -> Result<(), Issue> {
    let mode = match p.block("StreamModeDetails")? {
        Some(m) => m.text("StreamMode")?,
        None => None,
    };
    let capacity = match mode.as_deref() {
        Some("ON_DEMAND") => Capacity::on_demand(),
        None | Some("PROVISIONED") => Capacity::Provisioned {
            shards: match p.whole("ShardCount")? {
                Some(n) => n,
                None => {
                    b.assume(format!("{}: no ShardCount, so one shard.", r.id));
                    1
                }
            },
        },
        Some(other) => {
            return Err(Issue::new(
                format!("{}.StreamModeDetails.StreamMode", p.at()),
                format!("{other:?} is not a stream mode; use PROVISIONED or ON_DEMAND"),
            ));
        }
    };
    // aws-facts.md §1.3: 24 hours unless set.
    let spec = StreamSpec {
        capacity,
        retention_h: p.whole("RetentionPeriodHours")?.unwrap_or(24),
        max_record_size_kib: p.whole("MaxRecordSizeInKiB")?.unwrap_or(DEFAULT_MAX_RECORD_SIZE_KIB),
    };
    let name = p.text("Name")?;
    b.add(r, name.as_deref(), NodeSpec::KinesisStream(spec));
    Ok(())
}
