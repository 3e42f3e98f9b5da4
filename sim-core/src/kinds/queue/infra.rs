//! An SQS queue in an export: type, timeouts, retention, delay, long
//! polling (the longest wait of the pools reading it), its redrive policy
//! to the queue it is linked to and FIFO high throughput.

use crate::infra::Wiring;
use crate::infra::model::{Props, Ref, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::scenario::{Node, NodeKind, NodeSpec, QueueSpec, QueueType};

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

/// Adds the queue.
pub fn export(node: &Node, spec: &QueueSpec, w: &Wiring, t: &mut Template) {
    let name = queue_name(node, spec);
    let fifo = spec.queue_type == QueueType::Fifo;
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
                .with("maxReceiveCount", spec.max_receive_count),
        )))
    });
    let size =
        (spec.max_message_bytes != DEFAULT_MAX_MESSAGE_BYTES).then_some(spec.max_message_bytes);
    // aws-facts.md §4.2: high throughput is per-message-group deduplication
    // and throughput limit.
    let high = (fifo && spec.high_throughput).then_some(());
    let mut comments = vec![format!("Queue \"{}\".", node.label())];
    if let Some(d) = dlq {
        comments.push(format!(
            "After {} receives a message moves to \"{}\".",
            spec.max_receive_count,
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
            .with("VisibilityTimeout", spec.visibility_timeout_s)
            .with("MessageRetentionPeriod", spec.retention_s)
            .with("DelaySeconds", spec.delay_s)
            .with_some("MaximumMessageSize", size)
            .with_some("ReceiveMessageWaitTimeSeconds", wait)
            .with_some("RedrivePolicy", redrive.clone()),
        tf: Props::new()
            .with("name", name.as_str())
            .with_some("fifo_queue", fifo.then_some(true))
            .with_some("deduplication_scope", high.map(|_| "messageGroup"))
            .with_some("fifo_throughput_limit", high.map(|_| "perMessageGroupId"))
            .with("visibility_timeout_seconds", spec.visibility_timeout_s)
            .with("message_retention_seconds", spec.retention_s)
            .with("delay_seconds", spec.delay_s)
            .with_some("max_message_size", size)
            .with_some("receive_wait_time_seconds", wait)
            .with_some("redrive_policy", redrive),
        depends_on: Vec::new(),
        comments,
    });
}
