//! An SQS queue in an export: type, timeouts, retention, delay, long
//! polling (the longest wait of the pools reading it), its redrive policy
//! to the queue it is linked to and FIFO high throughput.

use crate::infra::import::{self, Builder};
use crate::infra::model::{Props, Ref, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{Node, NodeKind, NodeSpec, QueueSpec, QueueType, WorkerPoolSpec};
use crate::validate::Issue;

/// aws-facts.md §4.1: the default (and largest) message size; written only
/// when the scenario sets less.
const DEFAULT_MAX_MESSAGE_BYTES: u32 = 1_048_576;

/// The queue's AWS name: FIFO queues must end in `.fifo` (aws-facts.md
/// §4.1), 80 characters in all.
pub fn queue_name(node: &Node, spec: &QueueSpec) -> String {
    match spec.queue_type {
        QueueType::Standard => aws_name(&node.id, 80),
        QueueType::Fifo => format!("{}.fifo", aws_name(&node.id, 75)),
    }
}

impl ExportKind for QueueSpec {
    /// Adds the queue.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template) {
        let name = queue_name(node, self);
        let fifo = self.queue_type == QueueType::Fifo;
        // Long polling: the queue's default wait is the longest any worker pool
        // reading it asks for (aws-facts.md §4.1: 0 to 20 s).
        let wait = w
            .outputs(&node.id)
            .iter()
            .filter_map(|n| match &n.spec {
                NodeSpec::WorkerPool(p) => Some(p.wait_time_s),
                _ => None,
            })
            .max()
            .filter(|s| *s > 0);
        let dlq = w.output_of(&node.id, NodeKind::SqsQueue);
        // aws-facts.md §4.3: the redrive policy names the DLQ and maxReceiveCount.
        let redrive = dlq.map(|d| {
            Value::Json(Box::new(Value::Map(
                Props::new()
                    .with("deadLetterTargetArn", Ref::arn(&d.id))
                    .with("maxReceiveCount", self.max_receive_count),
            )))
        });
        let size =
            (self.max_message_bytes != DEFAULT_MAX_MESSAGE_BYTES).then_some(self.max_message_bytes);
        // aws-facts.md §4.2: high throughput is per-message-group deduplication
        // and throughput limit.
        let high = (fifo && self.high_throughput).then_some(());
        let mut comments = vec![format!("Queue \"{}\".", node.label())];
        if let Some(d) = dlq {
            comments.push(format!(
                "After {} receives a message moves to \"{}\".",
                self.max_receive_count,
                d.label()
            ));
        }
        t.add(Resource {
            key: node.id.clone(),
            cfn_type: "AWS::SQS::Queue",
            tf_type: "aws_sqs_queue",
            cfn: Props::new()
                .with("QueueName", name.as_str())
                .with_some("FifoQueue", fifo.then_some(true))
                .with_some("DeduplicationScope", high.map(|_| "messageGroup"))
                .with_some("FifoThroughputLimit", high.map(|_| "perMessageGroupId"))
                .with("VisibilityTimeout", self.visibility_timeout_s)
                .with("MessageRetentionPeriod", self.retention_s)
                .with("DelaySeconds", self.delay_s)
                .with_some("MaximumMessageSize", size)
                .with_some("ReceiveMessageWaitTimeSeconds", wait)
                .with_some("RedrivePolicy", redrive.clone()),
            tf: Props::new()
                .with("name", name.as_str())
                .with_some("fifo_queue", fifo.then_some(true))
                .with_some("deduplication_scope", high.map(|_| "messageGroup"))
                .with_some("fifo_throughput_limit", high.map(|_| "perMessageGroupId"))
                .with("visibility_timeout_seconds", self.visibility_timeout_s)
                .with("message_retention_seconds", self.retention_s)
                .with("delay_seconds", self.delay_s)
                .with_some("max_message_size", size)
                .with_some("receive_wait_time_seconds", wait)
                .with_some("redrive_policy", redrive),
            depends_on: Vec::new(),
            comments,
        });
    }
}

/// Reads an `AWS::SQS::Queue` (the mirror of its `ExportKind::export`); its redrive
/// policy is read by [`import_redrive`] once every queue is a node.
pub fn import(r: &import::Resource, p: &import::Props, b: &mut Builder) -> Result<(), Issue> {
    let fifo = p.flag("FifoQueue")?.unwrap_or(false);
    let d = QueueSpec::default();
    // aws-facts.md §4.2: high throughput is both settings per message group.
    let high = p.text("DeduplicationScope")?.as_deref() == Some("messageGroup")
        && p.text("FifoThroughputLimit")?.as_deref() == Some("perMessageGroupId");
    let spec = QueueSpec {
        queue_type: if fifo { QueueType::Fifo } else { QueueType::Standard },
        high_throughput: fifo && high,
        // aws-facts.md §4.1: AWS's defaults are the spec's.
        visibility_timeout_s: p.whole("VisibilityTimeout")?.unwrap_or(d.visibility_timeout_s),
        retention_s: p.whole("MessageRetentionPeriod")?.unwrap_or(d.retention_s),
        delay_s: p.whole("DelaySeconds")?.unwrap_or(d.delay_s),
        max_message_bytes: p.whole("MaximumMessageSize")?.unwrap_or(d.max_message_bytes),
        max_receive_count: d.max_receive_count,
    };
    let name = p.text("QueueName")?;
    b.add(r, name.as_deref(), NodeSpec::SqsQueue(spec));
    Ok(())
}

/// Reads a queue's `RedrivePolicy`: a link to the dead-letter queue and
/// its `maxReceiveCount` (aws-facts.md §4.3).
pub fn import_redrive(
    r: &import::Resource,
    p: &import::Props,
    b: &mut Builder,
) -> Result<(), Issue> {
    let Some(doc) = p.document("RedrivePolicy")? else { return Ok(()) };
    let policy = p.within("RedrivePolicy", &doc);
    let Some(id) = b.node_of(&r.id).map(str::to_string) else { return Ok(()) };
    match policy.reference("deadLetterTargetArn")?.and_then(|d| b.node_of(&d).map(str::to_string)) {
        Some(dlq) => b.link(&id, &dlq),
        None => b.assume(format!(
            "{}: the dead-letter queue of its redrive policy is outside the template, so the simulation has no redrive for this queue.",
            r.id
        )),
    }
    if let Some(count) = policy.whole("maxReceiveCount")?
        && let Some(NodeSpec::SqsQueue(q)) = b.spec_mut(&id)
    {
        q.max_receive_count = count;
    }
    Ok(())
}

/// A queue no event source mapping reads but that sets long polling is
/// read by compute outside the template: a worker pool with that wait
/// (aws-facts.md §4.1) and the pool's default size, listed as assumed.
pub fn import_reader(
    r: &import::Resource,
    p: &import::Props,
    b: &mut Builder,
) -> Result<(), Issue> {
    let Some(queue) = b.node_of(&r.id).map(str::to_string) else { return Ok(()) };
    let Some(wait) = p.whole("ReceiveMessageWaitTimeSeconds")?.filter(|w| *w > 0) else {
        return Ok(());
    };
    if b.reads(&queue) {
        return Ok(());
    }
    let spec = WorkerPoolSpec { wait_time_s: wait, ..WorkerPoolSpec::default() };
    b.assume(format!(
        "{}: no function reads it but it long-polls ({wait} s), so a pool of {} workers reads it (your compute is not in a template); size it in the inspector.",
        r.id, spec.workers
    ));
    let label = format!("{} workers", b.label_of(&queue));
    let pool = b.add_node(
        &format!("{}/workers", r.id),
        &r.id,
        &format!("{queue}-workers"),
        label,
        NodeSpec::WorkerPool(spec),
    );
    b.link(&queue, &pool);
    Ok(())
}
