//! The least-privilege IAM roles and policies an export needs: a Lambda
//! function's execution role (its event source, its on-failure
//! destination, its logs) and a delivery stream's role (its source stream,
//! its buckets, its transformation). Each action list cites the AWS page
//! that says the service needs it (aws-facts.md §9); nothing is granted on
//! `*` but the network interfaces an MSK event source makes in a VPC.

use crate::infra::model::{Piece, Props, Ref, Resource, Template, Value};

/// aws-facts.md §9.1: what Lambda needs to read a stream for an event
/// source mapping (standard iterator; `SubscribeToShard` only for an
/// enhanced fan-out consumer, which exports never map).
pub const STREAM_EVENT_SOURCE: [&str; 5] = [
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
];

/// aws-facts.md §9.2: what Lambda needs to poll a queue for an event
/// source mapping.
pub const QUEUE_EVENT_SOURCE: [&str; 3] =
    ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];

/// aws-facts.md §9.2a: what Lambda needs to read an MSK cluster for an
/// event source mapping, on the cluster.
pub const MSK_EVENT_SOURCE: [&str; 2] = ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"];

/// aws-facts.md §9.2a: the network interfaces Lambda makes in the
/// cluster's VPC. EC2's describe actions take no resource, so these are
/// the one grant on `*`.
pub const MSK_EVENT_SOURCE_VPC: [&str; 6] = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
];

/// aws-facts.md §9.1: sending a failed batch's record to an SQS on-failure
/// destination.
pub const ON_FAILURE_QUEUE: [&str; 1] = ["sqs:SendMessage"];

/// aws-facts.md §9.3: a function writing its own log group
/// (AWSLambdaBasicExecutionRole's actions, scoped to one group).
pub const FUNCTION_LOGS: [&str; 3] =
    ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];

/// aws-facts.md §9.4: a delivery stream reading a Kinesis data stream.
pub const DELIVERY_STREAM_SOURCE: [&str; 4] = [
    "kinesis:DescribeStream",
    "kinesis:GetShardIterator",
    "kinesis:GetRecords",
    "kinesis:ListShards",
];

/// aws-facts.md §9.4: a delivery stream writing objects to a bucket
/// (destination, staging or backup).
pub const DELIVERY_BUCKET: [&str; 6] = [
    "s3:AbortMultipartUpload",
    "s3:GetBucketLocation",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:PutObject",
];

/// aws-facts.md §9.4: a delivery stream invoking its transformation.
pub const DELIVERY_TRANSFORM: [&str; 2] =
    ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"];

/// One `Allow` statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The actions allowed.
    pub actions: Vec<&'static str>,
    /// The resources they are allowed on.
    pub resources: Vec<Value>,
}

/// Where a function's event source mapping reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSource<'a> {
    /// An SQS queue, by resource key.
    Queue(&'a str),
    /// A Kinesis data stream, by resource key.
    Stream(&'a str),
    /// An MSK cluster, by resource key.
    Msk(&'a str),
}

/// What a function's execution role allows: its log group, its event
/// source and its on-failure destination (a queue's key), nothing else.
pub fn function_statements(
    function_name: &str,
    source: Option<EventSource>,
    on_failure: Option<&str>,
) -> Vec<Statement> {
    let log_group = Value::Sub(vec![
        Piece::Lit("arn:".into()),
        Piece::Partition,
        Piece::Lit(":logs:".into()),
        Piece::Region,
        Piece::Lit(":".into()),
        Piece::Account,
        Piece::Lit(format!(":log-group:/aws/lambda/{function_name}:*")),
    ]);
    let mut statements =
        vec![Statement { actions: FUNCTION_LOGS.to_vec(), resources: vec![log_group] }];
    match source {
        Some(EventSource::Queue(key)) => statements.push(Statement {
            actions: QUEUE_EVENT_SOURCE.to_vec(),
            resources: vec![Ref::arn(key).into()],
        }),
        Some(EventSource::Stream(key)) => statements.push(Statement {
            actions: STREAM_EVENT_SOURCE.to_vec(),
            resources: vec![Ref::arn(key).into()],
        }),
        Some(EventSource::Msk(key)) => {
            statements.push(Statement {
                actions: MSK_EVENT_SOURCE.to_vec(),
                resources: vec![Ref::arn(key).into()],
            });
            statements.push(Statement {
                actions: MSK_EVENT_SOURCE_VPC.to_vec(),
                resources: vec!["*".into()],
            });
        }
        None => {}
    }
    if let Some(queue) = on_failure {
        statements.push(Statement {
            actions: ON_FAILURE_QUEUE.to_vec(),
            resources: vec![Ref::arn(queue).into()],
        });
    }
    statements
}

/// What a delivery stream's role allows: its source stream, its buckets
/// (the bucket and its objects) and its transformation function.
pub fn delivery_statements(
    source_stream: Option<&str>,
    buckets: &[String],
    transform: Option<&str>,
) -> Vec<Statement> {
    let mut statements = Vec::new();
    if let Some(stream) = source_stream {
        statements.push(Statement {
            actions: DELIVERY_STREAM_SOURCE.to_vec(),
            resources: vec![Ref::arn(stream).into()],
        });
    }
    if !buckets.is_empty() {
        let resources = buckets
            .iter()
            .flat_map(|b| {
                [
                    Value::Ref(Ref::arn(b)),
                    Value::Sub(vec![Piece::Ref(Ref::arn(b)), Piece::Lit("/*".into())]),
                ]
            })
            .collect();
        statements.push(Statement { actions: DELIVERY_BUCKET.to_vec(), resources });
    }
    if let Some(function) = transform {
        statements.push(Statement {
            actions: DELIVERY_TRANSFORM.to_vec(),
            resources: vec![Ref::arn(function).into()],
        });
    }
    statements
}

/// Adds a role that `service` (`lambda.amazonaws.com`) assumes and its
/// inline policy; returns the policy's key, which resources that use the
/// role wait for (an event source mapping created before its permissions
/// fails).
pub fn add_role(t: &mut Template, owner: &str, service: &str, statements: &[Statement]) -> String {
    let role = format!("{owner}/role");
    let policy = format!("{owner}/policy");
    let trust = Value::Json(Box::new(Value::Map(Props::new().with("Version", "2012-10-17").with(
        "Statement",
        Value::List(vec![Value::Map(
                Props::new()
                    .with("Effect", "Allow")
                    .with("Principal", Value::Map(Props::new().with("Service", service)))
                    .with("Action", "sts:AssumeRole"),
            )]),
    ))));
    t.add(Resource {
        key: role.clone(),
        cfn_type: "AWS::IAM::Role",
        tf_type: "aws_iam_role",
        cfn: Props::new().with("AssumeRolePolicyDocument", trust.clone()),
        tf: Props::new().with("assume_role_policy", trust),
        depends_on: Vec::new(),
        comments: vec![format!(
            "Assumed by {service}; its only permissions are in the policy below."
        )],
    });
    let document = Value::Json(Box::new(Value::Map(
        Props::new().with("Version", "2012-10-17").with(
            "Statement",
            Value::List(
                statements
                    .iter()
                    .map(|s| {
                        Value::Map(
                            Props::new()
                                .with("Effect", "Allow")
                                .with(
                                    "Action",
                                    Value::List(
                                        s.actions.iter().map(|a| Value::from(*a)).collect(),
                                    ),
                                )
                                .with("Resource", Value::List(s.resources.clone())),
                        )
                    })
                    .collect(),
            ),
        ),
    )));
    let policy_name = crate::infra::names::aws_name(&format!("{owner}-least-privilege"), 128);
    t.add(Resource {
        key: policy.clone(),
        cfn_type: "AWS::IAM::RolePolicy",
        tf_type: "aws_iam_role_policy",
        cfn: Props::new()
            .with("PolicyName", policy_name.as_str())
            .with("RoleName", Ref::name(&role))
            .with("PolicyDocument", document.clone()),
        tf: Props::new()
            .with("name", policy_name.as_str())
            .with("role", Ref::name(&role))
            .with("policy", document),
        depends_on: Vec::new(),
        comments: vec![
            "Least privilege: only the actions this pipeline needs, only on its resources.".into(),
        ],
    });
    policy
}
