//! An SNS topic in an export: the topic (FIFO with its throughput scope),
//! one subscription per link with raw delivery and its redrive policy, the
//! queue policies that let the topic send to its queues, and the role SNS
//! assumes to write to a Firehose delivery stream (aws-facts-more 5.1 to
//! 5.3, 5.6). A filter policy is the user's to write: the scenario has only
//! the share it matches.

use crate::infra::Wiring;
use crate::infra::iam::{Statement, add_role};
use crate::infra::model::{Props, Ref, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::scenario::{FifoThroughputScope, Node, NodeSpec, SnsTopicSpec};
use crate::units::format_number;

/// aws-facts-more 5.6: what SNS needs to write to a Firehose delivery
/// stream, through the subscription's role.
pub const FIREHOSE_SUBSCRIPTION: [&str; 5] = [
    "firehose:DescribeDeliveryStream",
    "firehose:ListDeliveryStreams",
    "firehose:ListTagsForDeliveryStream",
    "firehose:PutRecord",
    "firehose:PutRecordBatch",
];

/// The topic's AWS name: a FIFO topic's ends in `.fifo`, 256 characters in
/// all.
fn topic_name(node: &Node, spec: &SnsTopicSpec) -> String {
    if spec.is_fifo() {
        format!("{}.fifo", aws_name(&node.id, 251))
    } else {
        aws_name(&node.id, 256)
    }
}

/// A JSON policy document of one `Allow` statement.
fn queue_policy(queue: &str, topic: &str) -> Value {
    Value::Json(Box::new(Value::Map(Props::new().with("Version", "2012-10-17").with(
        "Statement",
        Value::List(vec![Value::Map(
            Props::new()
                .with("Effect", "Allow")
                .with("Principal", Value::Map(Props::new().with("Service", "sns.amazonaws.com")))
                .with("Action", "sqs:SendMessage")
                .with("Resource", Ref::arn(queue))
                .with(
                    "Condition",
                    Value::Map(Props::new().with(
                        "ArnEquals",
                        Value::Map(Props::new().with("aws:SourceArn", Ref::arn(topic))),
                    )),
                ),
        )]),
    ))))
}

/// Adds the queue policy that lets topic `topic` send to queue `queue`.
fn allow_topic(t: &mut Template, topic: &str, queue: &str) {
    let key = format!("{topic}/{queue}/queue-policy");
    if t.resource(&key).is_some() {
        return;
    }
    let document = queue_policy(queue, topic);
    t.add(Resource {
        key,
        cfn_type: "AWS::SQS::QueuePolicy",
        tf_type: "aws_sqs_queue_policy",
        cfn: Props::new()
            .with("Queues", Value::List(vec![Ref::url(queue).into()]))
            .with("PolicyDocument", document.clone()),
        tf: Props::new().with("queue_url", Ref::url(queue)).with("policy", document),
        depends_on: Vec::new(),
        comments: vec![format!(
            "Lets the topic send to \"{queue}\" (a queue has one policy: merge it if another topic subscribes it too)."
        )],
    });
}

/// Adds the topic and its subscriptions.
pub fn export(node: &Node, spec: &SnsTopicSpec, w: &Wiring, t: &mut Template) {
    let name = topic_name(node, spec);
    let fifo = spec.is_fifo();
    let scope = fifo.then_some(match spec.fifo_throughput_scope {
        FifoThroughputScope::Topic => "Topic",
        FifoThroughputScope::MessageGroup => "MessageGroup",
    });
    t.add(Resource {
        key: node.id.clone(),
        cfn_type: "AWS::SNS::Topic",
        tf_type: "aws_sns_topic",
        cfn: Props::new()
            .with("TopicName", name.as_str())
            .with_some("FifoTopic", fifo.then_some(true))
            .with_some("FifoThroughputScope", scope),
        tf: Props::new()
            .with("name", name.as_str())
            .with_some("fifo_topic", fifo.then_some(true))
            .with_some("fifo_throughput_scope", scope),
        depends_on: Vec::new(),
        comments: vec![format!(
            "Topic \"{}\" ({}): {} publishes a second at most in the scenario.",
            node.label(),
            if fifo { "FIFO" } else { "standard" },
            format_number(f64::from(spec.publish_messages_per_s()))
        )],
    });
    for to in w.outputs(&node.id) {
        let s = spec.subscription(&to.id);
        let mut depends_on = Vec::new();
        let (protocol, role) = match &to.spec {
            NodeSpec::SqsQueue(_) => {
                allow_topic(t, &node.id, &to.id);
                depends_on.push(format!("{}/{}/queue-policy", node.id, to.id));
                ("sqs", None)
            }
            NodeSpec::Firehose(_) => {
                let statement = Statement {
                    actions: FIREHOSE_SUBSCRIPTION.to_vec(),
                    resources: vec![Ref::arn(&to.id).into()],
                };
                let owner = format!("{}/{}", node.id, to.id);
                depends_on.push(add_role(t, &owner, "sns.amazonaws.com", &[statement]));
                ("firehose", Some(Ref::arn(&format!("{owner}/role"))))
            }
            // Validation links a topic to queues and delivery streams only.
            NodeSpec::Producer(_)
            | NodeSpec::KinesisStream(_)
            | NodeSpec::Consumer(_)
            | NodeSpec::KclApp(_)
            | NodeSpec::Destination(_)
            | NodeSpec::WorkerPool(_)
            | NodeSpec::Lambda(_)
            | NodeSpec::FlinkApp(_)
            | NodeSpec::SnsTopic(_) => continue,
        };
        let dlq = s.dead_letter_queue.as_deref();
        if let Some(d) = dlq {
            allow_topic(t, &node.id, d);
        }
        let redrive = dlq.map(|d| {
            Value::Json(Box::new(Value::Map(Props::new().with("deadLetterTargetArn", Ref::arn(d)))))
        });
        let raw = s.raw_delivery.then_some(true);
        let mut comments = vec![format!("\"{}\" subscribes \"{}\".", to.label(), node.label())];
        if s.filter_share < 1.0 {
            comments.push(format!(
                "Its filter policy matches {}% of the messages in the scenario: add the FilterPolicy that does.",
                format_number(s.filter_share * 100.0)
            ));
        }
        t.add(Resource {
            key: format!("{}/{}", node.id, to.id),
            cfn_type: "AWS::SNS::Subscription",
            tf_type: "aws_sns_topic_subscription",
            cfn: Props::new()
                .with("TopicArn", Ref::arn(&node.id))
                .with("Protocol", protocol)
                .with("Endpoint", Ref::arn(&to.id))
                .with_some("RawMessageDelivery", raw)
                .with_some("RedrivePolicy", redrive.clone())
                .with_some("SubscriptionRoleArn", role.clone()),
            tf: Props::new()
                .with("topic_arn", Ref::arn(&node.id))
                .with("protocol", protocol)
                .with("endpoint", Ref::arn(&to.id))
                .with_some("raw_message_delivery", raw)
                .with_some("redrive_policy", redrive)
                .with_some("subscription_role_arn", role),
            depends_on,
            comments,
        });
    }
}
