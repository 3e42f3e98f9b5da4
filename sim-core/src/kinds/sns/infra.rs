//! An SNS topic in an export: the topic (FIFO with its throughput scope),
//! one subscription per link with raw delivery and its redrive policy, the
//! queue policies that let the topic send to its queues, the permissions
//! that let it invoke its functions, and the role SNS assumes to write to
//! a Firehose delivery stream (aws-facts-more 5.1 to 5.3, 5.6). A filter policy is the user's to write: the scenario has only
//! the share it matches.

use crate::infra::iam::{Statement, add_role};
use crate::infra::import::{self, Builder};
use crate::infra::model::{ParamType, Parameter, Props, Ref, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{
    BackoffFunction, DestinationType, FifoThroughputScope, HttpDeliveryPolicy, Node, NodeSpec,
    SnsTopicSpec, Subscriber, SubscriptionSpec, TopicType,
};
use crate::units::format_number;
use crate::validate::Issue;

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

/// Adds the permission that lets topic `topic` invoke function `function`
/// (aws-facts-more 5.6).
fn allow_invoke(t: &mut Template, topic: &str, function: &str) {
    t.add(Resource {
        key: format!("{topic}/{function}/permission"),
        cfn_type: "AWS::Lambda::Permission",
        tf_type: "aws_lambda_permission",
        cfn: Props::new()
            .with("Action", "lambda:InvokeFunction")
            .with("FunctionName", Ref::arn(function))
            .with("Principal", "sns.amazonaws.com")
            .with("SourceArn", Ref::arn(topic)),
        tf: Props::new()
            .with("action", "lambda:InvokeFunction")
            .with("function_name", Ref::name(function))
            .with("principal", "sns.amazonaws.com")
            .with("source_arn", Ref::arn(topic)),
        depends_on: Vec::new(),
        comments: vec![format!("Lets the topic invoke \"{function}\".")],
    });
}

/// The URL parameter of HTTP/S endpoint `id` (the one a delivery stream
/// delivering to it asks for too), added once.
fn endpoint_url(t: &mut Template, id: &str, label: &str) -> Value {
    let key = format!("{id}-url");
    if t.parameters.iter().any(|p| p.key == key) {
        return Value::Param(key);
    }
    t.parameter(Parameter {
        key,
        kind: ParamType::String,
        default: None,
        description: format!("HTTPS URL of destination \"{label}\" (outside this stack)."),
        secret: false,
    })
}

/// An HTTP/S subscription's `DeliveryPolicy` (aws-facts-more 5.3): its
/// `healthyRetryPolicy` and, if throttled, its `throttlePolicy`.
pub fn delivery_policy(p: &HttpDeliveryPolicy) -> Value {
    let retry = Props::new()
        .with("minDelayTarget", p.min_delay_target_s)
        .with("maxDelayTarget", p.max_delay_target_s)
        .with("numRetries", p.num_retries)
        .with("numNoDelayRetries", p.num_no_delay_retries)
        .with("numMinDelayRetries", p.num_min_delay_retries)
        .with("numMaxDelayRetries", p.num_max_delay_retries)
        .with("backoffFunction", p.backoff_function.as_str());
    let throttle =
        p.max_receives_per_second.map(|r| Value::Map(Props::new().with("maxReceivesPerSecond", r)));
    Value::Json(Box::new(Value::Map(
        Props::new()
            .with("healthyRetryPolicy", Value::Map(retry))
            .with_some("throttlePolicy", throttle),
    )))
}

impl ExportKind for SnsTopicSpec {
    /// Adds the topic and its subscriptions.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template) {
        let name = topic_name(node, self);
        let fifo = self.is_fifo();
        let scope = fifo.then_some(match self.fifo_throughput_scope {
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
                "Topic \"{}\" ({}): {} publishes a second at most in the scenario{}, within \
                 the account's quota for {} ({} a second, shared by all of them).",
                node.label(),
                if fifo { "FIFO" } else { "standard" },
                format_number(f64::from(self.publish_messages_per_s())),
                // aws-facts-more 5.1, 5.2: per MessageGroupId, which the
                // publishers set.
                if fifo { " and 300 per message group" } else { "" },
                self.pool().topics(),
                format_number(f64::from(self.publish_quota_per_s))
            )],
        });
        for to in w.outputs(&node.id) {
            let s = self.subscription(&to.id);
            let mut depends_on = Vec::new();
            let mut endpoint: Value = Ref::arn(&to.id).into();
            // Validation links a topic to subscribers only.
            let Some(subscriber) = to.spec.kind().about().sns_subscriber else { continue };
            let (protocol, role) = match subscriber {
                Subscriber::Queue => {
                    allow_topic(t, &node.id, &to.id);
                    depends_on.push(format!("{}/{}/queue-policy", node.id, to.id));
                    ("sqs", None)
                }
                Subscriber::Firehose => {
                    let statement = Statement {
                        actions: FIREHOSE_SUBSCRIPTION.to_vec(),
                        resources: vec![Ref::arn(&to.id).into()],
                    };
                    let owner = format!("{}/{}", node.id, to.id);
                    depends_on.push(add_role(t, &owner, "sns.amazonaws.com", &[statement]));
                    ("firehose", Some(Ref::arn(&format!("{owner}/role"))))
                }
                // aws-facts-more 5.6: the function's resource-based policy lets
                // the topic invoke it.
                Subscriber::Lambda => {
                    allow_invoke(t, &node.id, &to.id);
                    depends_on.push(format!("{}/{}/permission", node.id, to.id));
                    ("lambda", None)
                }
                // aws-facts-more 5.3: an HTTP/S endpoint, outside the stack: its
                // URL is a parameter.
                Subscriber::Http => {
                    let http = matches!(&to.spec, NodeSpec::Destination(d) if d.destination_type == DestinationType::HttpEndpoint);
                    if !http {
                        continue;
                    }
                    endpoint = endpoint_url(t, &to.id, to.label());
                    ("https", None)
                }
            };
            let dlq = s.dead_letter_queue.as_deref();
            if let Some(d) = dlq {
                allow_topic(t, &node.id, d);
            }
            let redrive = dlq.map(|d| {
                Value::Json(Box::new(Value::Map(
                    Props::new().with("deadLetterTargetArn", Ref::arn(d)),
                )))
            });
            let raw = s.raw_delivery.then_some(true);
            let policy = s.delivery_policy.as_ref().map(delivery_policy);
            let mut comments = vec![format!("\"{}\" subscribes \"{}\".", to.label(), node.label())];
            if protocol == "https" {
                comments.push(
                    "The endpoint must confirm the subscription (it receives a SubscriptionConfirmation with a URL to visit).".to_string(),
                );
            }
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
                    .with("Endpoint", endpoint.clone())
                    .with_some("RawMessageDelivery", raw)
                    .with_some("DeliveryPolicy", policy.clone())
                    .with_some("RedrivePolicy", redrive.clone())
                    .with_some("SubscriptionRoleArn", role.clone()),
                tf: Props::new()
                    .with("topic_arn", Ref::arn(&node.id))
                    .with("protocol", protocol)
                    .with("endpoint", endpoint)
                    .with_some("raw_message_delivery", raw)
                    .with_some("delivery_policy", policy)
                    .with_some("redrive_policy", redrive)
                    .with_some("subscription_role_arn", role),
                depends_on,
                comments,
            });
        }
    }
}

/// Reads an `AWS::SNS::Topic` (the mirror of its `ExportKind::export`); its
/// subscriptions are read by [`import_subscription`] once every endpoint
/// is a node.
pub fn import(r: &import::Resource, p: &import::Props, b: &mut Builder) -> Result<(), Issue> {
    let fifo = p.flag("FifoTopic")?.unwrap_or(false);
    let scope = match p.text("FifoThroughputScope")?.as_deref() {
        None | Some("Topic") => FifoThroughputScope::Topic,
        Some("MessageGroup") => FifoThroughputScope::MessageGroup,
        Some(other) => {
            return Err(Issue::new(
                format!("{}.FifoThroughputScope", p.at()),
                format!("{other:?} is not a throughput scope; use Topic or MessageGroup"),
            ));
        }
    };
    let spec = SnsTopicSpec {
        topic_type: if fifo { TopicType::Fifo } else { TopicType::Standard },
        fifo_throughput_scope: scope,
        ..SnsTopicSpec::default()
    };
    let name = p.text("TopicName")?;
    b.add(r, name.as_deref(), NodeSpec::SnsTopic(spec));
    Ok(())
}

/// Reads an `AWS::SNS::Subscription`: a link from its topic to its queue
/// or delivery stream, raw delivery and its redrive policy's dead-letter
/// queue (aws-facts-more 5.2, 5.3). A filter policy's share of matching
/// messages is not in a template: all are delivered, listed as assumed.
pub fn import_subscription(
    r: &import::Resource,
    p: &import::Props,
    b: &mut Builder,
) -> Result<(), Issue> {
    let topic = p.reference("TopicArn")?.and_then(|t| b.node_of(&t).map(str::to_string));
    let protocol = p.text("Protocol")?.unwrap_or_default();
    let endpoint = match protocol.as_str() {
        "https" | "http" => http_endpoint(r, p, b),
        _ => p.reference("Endpoint")?.and_then(|e| b.node_of(&e).map(str::to_string)),
    };
    let (Some(topic), Some(endpoint), "sqs" | "firehose" | "lambda" | "https" | "http") =
        (topic, endpoint, protocol.as_str())
    else {
        // Left for the list of what is not simulated.
        return Ok(());
    };
    b.claim(&r.id);
    let dead_letter_queue = match p.document("RedrivePolicy")? {
        Some(doc) => p
            .within("RedrivePolicy", &doc)
            .reference("deadLetterTargetArn")?
            .and_then(|d| b.node_of(&d).map(str::to_string)),
        None => None,
    };
    if p.document("FilterPolicy")?.is_some() {
        b.assume(format!(
            "{}: its filter policy's share of matching messages is not in a template, so every message is delivered; set the share in the inspector.",
            r.id
        ));
    }
    let delivery_policy = match p.document("DeliveryPolicy")? {
        Some(doc) => import_policy(&p.within("DeliveryPolicy", &doc))?,
        None => None,
    };
    let subscription = SubscriptionSpec {
        endpoint: endpoint.clone(),
        raw_delivery: p.flag("RawMessageDelivery")?.unwrap_or(false),
        dead_letter_queue,
        delivery_policy,
        ..SubscriptionSpec::default()
    };
    b.link(&topic, &endpoint);
    // A subscription with every default needs no entry (the link says it).
    let plain = SubscriptionSpec { endpoint, ..SubscriptionSpec::default() };
    if let Some(NodeSpec::SnsTopic(spec)) = b.spec_mut(&topic)
        && subscription != plain
    {
        spec.subscriptions.push(subscription);
    }
    Ok(())
}

/// The HTTP/S endpoint node of a subscription whose `Endpoint` is a
/// template parameter (an export asks for the URL as `<Node>Url`): a
/// destination of type `http_endpoint` named after it, made once per
/// parameter. A literal URL names no node of the template, so such a
/// subscription is left unsimulated.
fn http_endpoint(r: &import::Resource, p: &import::Props, b: &mut Builder) -> Option<String> {
    let param = p.parameter("Endpoint")?;
    let key = format!("parameter/{param}");
    if let Some(id) = b.node_of(&key) {
        return Some(id.to_string());
    }
    let name = param.strip_suffix("Url").filter(|n| !n.is_empty()).unwrap_or(param).to_string();
    // An export describes it as `HTTPS URL of destination "Label" (...)`.
    let label =
        b.t.described
            .iter()
            .find(|(n, _)| n == param)
            .and_then(|(_, d)| d.split('"').nth(1))
            .map_or_else(|| name.clone(), str::to_string);
    let spec = crate::scenario::DestinationSpec {
        destination_type: DestinationType::HttpEndpoint,
        ..Default::default()
    };
    Some(b.add_node(&key, &r.id, &name, label, NodeSpec::Destination(spec)))
}

/// An HTTP/S `DeliveryPolicy` (aws-facts-more 5.3): the fields of its
/// `healthyRetryPolicy` and `throttlePolicy` (each absent one takes AWS's
/// default); validation then holds it to AWS's ranges.
fn import_policy(doc: &import::Props) -> Result<Option<HttpDeliveryPolicy>, Issue> {
    let d = HttpDeliveryPolicy::default();
    let mut policy = d;
    if let Some(h) = doc.block("healthyRetryPolicy")? {
        policy.min_delay_target_s = h.whole("minDelayTarget")?.unwrap_or(d.min_delay_target_s);
        policy.max_delay_target_s = h.whole("maxDelayTarget")?.unwrap_or(d.max_delay_target_s);
        policy.num_retries = h.whole("numRetries")?.unwrap_or(d.num_retries);
        policy.num_no_delay_retries = h.whole("numNoDelayRetries")?.unwrap_or(0);
        policy.num_min_delay_retries = h.whole("numMinDelayRetries")?.unwrap_or(0);
        policy.num_max_delay_retries = h.whole("numMaxDelayRetries")?.unwrap_or(0);
        policy.backoff_function = match h.text("backoffFunction")?.as_deref() {
            None | Some("linear") => BackoffFunction::Linear,
            Some("arithmetic") => BackoffFunction::Arithmetic,
            Some("geometric") => BackoffFunction::Geometric,
            Some("exponential") => BackoffFunction::Exponential,
            Some(other) => {
                return Err(Issue::new(
                    format!("{}.healthyRetryPolicy.backoffFunction", doc.at()),
                    format!(
                        "{other:?} is not a backoff function; use arithmetic, exponential, geometric or linear"
                    ),
                ));
            }
        };
    }
    if let Some(t) = doc.block("throttlePolicy")? {
        policy.max_receives_per_second = t.whole("maxReceivesPerSecond")?;
    }
    Ok(Some(policy))
}
