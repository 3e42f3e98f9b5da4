use std::collections::BTreeSet;

use super::iam::{self, EventSource, Statement};
use super::model::{Piece, Ref, Template, Value};
use super::*;
use crate::scenario::NodeSpec;
use crate::{BUNDLED_SCENARIOS, load_scenario};

fn bundled() -> Vec<(&'static str, ValidScenario)> {
    BUNDLED_SCENARIOS
        .iter()
        .map(|(name, json)| {
            (*name, load_scenario(json).unwrap_or_else(|e| panic!("{name}: {e:?}")))
        })
        .collect()
}

fn actions(statements: &[Statement]) -> BTreeSet<&'static str> {
    statements.iter().flat_map(|s| s.actions.iter().copied()).collect()
}

fn set(lists: &[&[&'static str]]) -> BTreeSet<&'static str> {
    lists.iter().flat_map(|l| l.iter().copied()).collect()
}

/// aws-facts.md §9.1: reading a stream for a mapping, restated here so a
/// change to `iam.rs` has to change the test too.
const STREAM_READ: &[&str] = &[
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
];

/// aws-facts.md §9.4: a delivery stream writing to a bucket.
const BUCKET_WRITE: &[&str] = &[
    "s3:AbortMultipartUpload",
    "s3:GetBucketLocation",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:PutObject",
];

/// aws-facts.md §9: each mapping and delivery stream gets the actions its
/// AWS page lists for it, and no other (no `*`, no write to a source).
#[test]
fn iam_actions_per_mapping_and_delivery_stream_are_needed_and_no_more() {
    let logs: &[&str] = &["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];
    let cases: Vec<(&str, Vec<Statement>, BTreeSet<&str>)> = vec![
        (
            "queue event source",
            iam::function_statements("f", Some(EventSource::Queue("q")), None),
            set(&[logs, &["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]]),
        ),
        (
            "stream event source",
            iam::function_statements("f", Some(EventSource::Stream("s")), None),
            set(&[logs, STREAM_READ]),
        ),
        (
            "stream event source with an on-failure queue",
            iam::function_statements("f", Some(EventSource::Stream("s")), Some("dlq")),
            set(&[logs, STREAM_READ, &["sqs:SendMessage"]]),
        ),
        ("function without a source", iam::function_statements("f", None, None), set(&[logs])),
        (
            "MSK event source with an on-failure queue",
            iam::function_statements("f", Some(EventSource::Msk("k")), Some("dlq")),
            set(&[
                logs,
                &["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"],
                &[
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeVpcs",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                ],
                &["sqs:SendMessage"],
            ]),
        ),
        (
            "Direct PUT delivery stream to S3",
            iam::delivery_statements(None, &["b".into()], None),
            set(&[BUCKET_WRITE]),
        ),
        (
            "delivery stream reading a stream, with a transformation",
            iam::delivery_statements(Some("s"), &["b".into()], Some("fn")),
            set(&[
                &[
                    "kinesis:DescribeStream",
                    "kinesis:GetShardIterator",
                    "kinesis:GetRecords",
                    "kinesis:ListShards",
                ],
                BUCKET_WRITE,
                &["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
            ]),
        ),
    ];
    for (what, statements, want) in cases {
        assert_eq!(actions(&statements), want, "{what}");
        for s in &statements {
            assert!(!s.resources.is_empty(), "{what}: a statement without resources");
            // aws-facts.md §9.2a: EC2's network-interface actions take no
            // resource, the one grant on `*`.
            let ec2_only = s.actions.iter().all(|a| a.starts_with("ec2:"));
            for r in &s.resources {
                assert!(
                    ec2_only || !matches!(r, Value::Str(s) if s.contains('*')),
                    "{what}: a wildcard resource"
                );
            }
        }
    }
    // Each grant is on the resource it is about: the queue's actions on
    // the queue, the on-failure send on the on-failure queue.
    let st = iam::function_statements("f", Some(EventSource::Stream("s")), Some("dlq"));
    let on = |action: &str| {
        st.iter().find(|s| s.actions.contains(&action)).map(|s| s.resources.clone()).unwrap()
    };
    assert_eq!(on("sqs:SendMessage"), vec![Value::Ref(Ref::arn("dlq"))]);
    assert_eq!(on("kinesis:GetRecords"), vec![Value::Ref(Ref::arn("s"))]);
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Ref(r) => out.push(r.key.clone()),
        Value::Sub(pieces) => pieces.iter().for_each(|p| {
            if let Piece::Ref(r) = p {
                out.push(r.key.clone());
            }
        }),
        Value::List(items) => items.iter().for_each(|i| refs(i, out)),
        Value::Block(p) | Value::Map(p) => p.0.iter().for_each(|(_, v)| refs(v, out)),
        Value::Json(inner) => refs(inner, out),
        _ => {}
    }
}

fn check_references(name: &str, t: &Template) {
    let keys: BTreeSet<&str> = t.resources.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys.len(), t.resources.len(), "{name}: duplicate keys");
    for r in &t.resources {
        let mut used = Vec::new();
        refs(&Value::Map(r.cfn.clone()), &mut used);
        refs(&Value::Map(r.tf.clone()), &mut used);
        used.extend(r.depends_on.iter().cloned());
        for key in used {
            assert!(keys.contains(key.as_str()), "{name}: {} refers to missing {key}", r.key);
        }
    }
}

#[test]
fn every_bundled_scenario_exports_with_resolved_references_and_a_header() {
    for (name, valid) in bundled() {
        let t = template(valid.scenario());
        check_references(name, &t);
        assert!(!t.resources.is_empty(), "{name}: nothing exported");
        for format in Format::ALL {
            let text = export(&valid, format);
            let first = text.lines().find(|l| l.contains("Exported by Shardplay")).unwrap_or("");
            assert!(
                first.contains(&format!("\"{}\"", valid.scenario().name))
                    || format == Format::CloudFormationJson,
                "{name}: {first}"
            );
            assert!(text.contains(&format!("seed {}", valid.scenario().seed)), "{name} {format:?}");
            assert!(text.contains(&format!("model {}", crate::MODEL_VERSION)), "{name} {format:?}");
            // Deterministic: the same scenario gives the same bytes.
            assert_eq!(text, export(&valid, format), "{name} {format:?}");
        }
        let json = export(&valid, Format::CloudFormationJson);
        let parsed: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}\n{json}"));
        assert_eq!(
            parsed["Resources"].as_object().map(|o| o.len()),
            Some(t.resources.len()),
            "{name}"
        );
    }
}

/// Every simulated setting lands in the template with the scenario's value.
#[test]
fn a_queue_and_its_function_carry_the_scenarios_values() {
    let (_, valid) = bundled().into_iter().find(|(n, _)| *n == "poison-message-dlq.json").unwrap();
    let s = valid.scenario();
    let t = template(s);
    // Two `if let`s, not a `match` with a wildcard over kinds (tidy).
    for node in &s.nodes {
        if let NodeSpec::SqsQueue(q) = &node.spec {
            let r = t.resource(&node.id).unwrap();
            assert_eq!(r.cfn.get("VisibilityTimeout"), Some(&Value::from(q.visibility_timeout_s)));
            assert_eq!(r.tf.get("message_retention_seconds"), Some(&Value::from(q.retention_s)));
        }
        if let NodeSpec::Lambda(l) = &node.spec {
            let r = t.resource(&node.id).unwrap();
            assert_eq!(r.cfn.get("MemorySize"), Some(&Value::from(l.memory_mb)));
            assert_eq!(r.tf.get("timeout"), Some(&Value::from(l.timeout_s)));
            assert!(t.resource(&format!("{}/mapping", node.id)).is_some());
        }
    }
}

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(Format::parse(f.as_str()), Some(f));
    }
    assert_eq!(Format::parse("yaml"), None);
}

/// aws-facts-more 5.2, 5.3, 5.6: a topic, a subscription per link with its
/// raw delivery and redrive policy, a queue policy for each queue the
/// topic sends to (its dead-letter queue too), and for Firehose the role
/// SNS assumes, with the documented actions on that stream only.
#[test]
fn a_topic_exports_its_subscriptions_policies_and_roles() {
    let json = BUNDLED_SCENARIOS.iter().find(|(n, _)| *n == "lesson-sns-fan-out.json").unwrap().1;
    let mut doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["nodes"][1]["params"]["subscriptions"] = serde_json::json!([
        { "endpoint": "notify", "filter_share": 0.1, "raw_delivery": true, "dead_letter_queue": "fulfil" }
    ]);
    let valid = load_scenario(&doc.to_string()).unwrap();
    let t = template(valid.scenario());
    check_references("sns", &t);
    let topic = t.resource("orders").unwrap();
    assert_eq!(topic.cfn_type, "AWS::SNS::Topic");
    assert_eq!(topic.tf.get("name"), Some(&Value::from("orders")));
    let notify = t.resource("orders/notify").unwrap();
    assert_eq!(notify.cfn.get("Protocol"), Some(&Value::from("sqs")));
    assert_eq!(notify.cfn.get("Endpoint"), Some(&Value::Ref(Ref::arn("notify"))));
    assert_eq!(notify.cfn.get("RawMessageDelivery"), Some(&Value::from(true)));
    assert!(notify.tf.get("redrive_policy").is_some());
    assert!(notify.comments.iter().any(|c| c.contains("matches 10%")));
    let fulfil = t.resource("orders/fulfil").unwrap();
    assert_eq!(fulfil.cfn.get("RawMessageDelivery"), None);
    // The queues it sends to, and nothing else, let it send.
    for q in ["notify", "fulfil"] {
        assert!(t.resource(&format!("orders/{q}/queue-policy")).is_some(), "{q}");
    }
    assert!(t.resource("orders/lake/queue-policy").is_none());
    let lake = t.resource("orders/lake").unwrap();
    assert_eq!(lake.tf.get("protocol"), Some(&Value::from("firehose")));
    assert_eq!(
        lake.tf.get("subscription_role_arn"),
        Some(&Value::Ref(Ref::arn("orders/lake/role")))
    );
    assert_eq!(t.resource("orders/lake/policy").unwrap().cfn_type, "AWS::IAM::RolePolicy");
    let text = export(&valid, Format::CloudFormation);
    for action in crate::kinds::sns::infra::FIREHOSE_SUBSCRIPTION {
        assert!(text.contains(action), "{action}");
    }
    assert!(text.contains("TopicArn"));
    let tf = export(&valid, Format::Terraform);
    assert!(tf.contains("resource \"aws_sns_topic_subscription\""));
    assert!(tf.contains("aws_sqs_queue.notify.url"));
}

#[test]
fn a_name_with_line_breaks_stays_inside_its_comment() {
    // A scenario name that would close the header comment and declare a
    // resource of its own if written as it is.
    let (_, mut valid) = bundled().swap_remove(0);
    let mut scenario = valid.scenario().clone();
    scenario.name = "x\nresource \"aws_iam_user\" \"backdoor\" { name = \"b\" }\r\nKey: 1".into();
    valid = crate::validate(&scenario).expect("a name may hold any characters");
    for format in [Format::CloudFormation, Format::Terraform] {
        let text = export(&valid, format);
        let line = text.lines().find(|l| l.contains("backdoor")).expect("the name is written");
        assert!(line.starts_with("# "), "{format:?}: {line:?}");
        assert!(!text.lines().any(|l| l.starts_with("resource \"aws_iam_user\"")), "{format:?}");
        assert!(!text.lines().any(|l| l.starts_with("Key: 1")), "{format:?}");
    }
}
