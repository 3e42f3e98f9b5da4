//! A Lambda function in an export: the function (memory, timeout,
//! architecture, reserved concurrency) with placeholder code, its execution
//! role, and its event source mapping with every setting the scenario
//! simulated (aws-facts.md §5.1 for streams, §5.2 for queues).

use crate::infra::iam::{self, EventSource};
use crate::infra::import::{self, Builder};
use crate::infra::model::{Props, Ref, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{
    EventSourceMapping, LambdaArch, LambdaSpec, Node, NodeKind, NodeSpec, StartPosition,
};
use crate::validate::Issue;

/// The code a function starts with: it accepts every batch (and reports no
/// failed item), so the stack deploys; the comment says to replace it.
const PLACEHOLDER_CODE: &str = "# Placeholder exported by Shardplay: replace with your handler.\ndef handler(event, context):\n    return {\"batchItemFailures\": []}\n";

/// A function's settings, for [`add_function`].
pub struct Function<'a> {
    /// Resource key.
    pub key: &'a str,
    /// AWS name (at most 64 characters, aws-facts.md §5.3).
    pub name: &'a str,
    /// Memory in MB.
    pub memory_mb: u32,
    /// Timeout in seconds.
    pub timeout_s: u32,
    /// Processor architecture.
    pub arch: LambdaArch,
    /// Reserved concurrency, if any.
    pub reserved: Option<u32>,
    /// Comment lines.
    pub comments: Vec<String>,
}

/// Adds a function with its own least-privilege role (`statements`).
pub fn add_function(t: &mut Template, f: Function, statements: &[iam::Statement]) {
    let policy = iam::add_role(t, f.key, "lambda.amazonaws.com", statements);
    let role = format!("{}/role", f.key);
    let arch = match f.arch {
        LambdaArch::X86 => "x86_64",
        LambdaArch::Arm => "arm64",
    };
    t.add(Resource {
        key: f.key.to_string(),
        cfn_type: "AWS::Lambda::Function",
        tf_type: "aws_lambda_function",
        cfn: Props::new()
            .with("FunctionName", f.name)
            .with("Role", Ref::arn(&role))
            .with("Runtime", "python3.12")
            .with("Handler", "index.handler")
            .with("Code", Value::Block(Props::new().with("ZipFile", PLACEHOLDER_CODE)))
            .with("MemorySize", f.memory_mb)
            .with("Timeout", f.timeout_s)
            .with("Architectures", Value::List(vec![arch.into()]))
            .with_some("ReservedConcurrentExecutions", f.reserved),
        tf: Props::new()
            .with("function_name", f.name)
            .with("role", Ref::arn(&role))
            .with("runtime", "python3.12")
            .with("handler", "index.handler")
            .with("filename", format!("{}.zip", f.name))
            .with("memory_size", f.memory_mb)
            .with("timeout", f.timeout_s)
            .with("architectures", Value::List(vec![arch.into()]))
            .with_some("reserved_concurrent_executions", f.reserved),
        depends_on: vec![policy],
        comments: f.comments,
    });
}

impl ExportKind for LambdaSpec {
    /// Adds the function, its role and its event source mapping.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template) {
        let name = aws_name(&node.id, 64);
        let queue = w.input_of(&node.id, NodeKind::SqsQueue);
        let stream = w.input_of(&node.id, NodeKind::KinesisStream);
        let msk = w.input_of(&node.id, NodeKind::MskCluster);
        let topic = w.input_of(&node.id, NodeKind::SnsTopic);
        let source = match (queue, stream, msk) {
            (Some(q), _, _) => Some(EventSource::Queue(&q.id)),
            (None, Some(s), _) => Some(EventSource::Stream(&s.id)),
            (None, None, Some(m)) => Some(EventSource::Msk(&m.id)),
            (None, None, None) => None,
        };
        // aws-facts.md §5.1, aws-facts-more 3, aws-facts.md §5.4: a stream, an
        // MSK topic or asynchronous invocation has an on-failure destination;
        // a queue has its dead-letter queue instead.
        let on_failure = (stream.is_some() || msk.is_some() || topic.is_some())
            .then(|| w.output_of(&node.id, NodeKind::SqsQueue))
            .flatten()
            .map(|q| q.id.as_str());
        add_function(
            t,
            Function {
                key: &node.id,
                name: &name,
                memory_mb: self.memory_mb,
                timeout_s: self.timeout_s,
                arch: self.arch,
                reserved: self.reserved_concurrency,
                comments: vec![format!(
                    "Function \"{}\" with placeholder code: package your handler as {name}.zip (Terraform) or replace Code (CloudFormation).",
                    node.label()
                )],
            },
            &iam::function_statements(&name, source, on_failure),
        );
        if topic.is_some() {
            export_async(node, self, on_failure, t);
        }
        let Some(source) = source else { return };
        let esm = &self.event_source;
        let (source_key, is_stream, is_msk) = match source {
            EventSource::Queue(k) => (k, false, false),
            EventSource::Stream(k) => (k, true, false),
            EventSource::Msk(k) => (k, false, true),
        };
        // aws-facts.md §5.1/§5.2, aws-facts-more 3: 100 records for a stream
        // or a Kafka topic, 10 for a queue.
        let batch = esm.batch_size.unwrap_or(if is_stream || is_msk { 100 } else { 10 });
        let window = (esm.batching_window_s > 0).then_some(esm.batching_window_s);
        let responses = esm
            .report_batch_item_failures
            .then(|| Value::List(vec!["ReportBatchItemFailures".into()]));
        let mut cfn = Props::new()
            .with("EventSourceArn", Ref::arn(source_key))
            .with("FunctionName", Ref::name(&node.id))
            .with("Enabled", true)
            .with("BatchSize", batch)
            .with_some("MaximumBatchingWindowInSeconds", window)
            .with_some("FunctionResponseTypes", responses.clone());
        let mut tf = Props::new()
            .with("event_source_arn", Ref::arn(source_key))
            .with("function_name", Ref::arn(&node.id))
            .with("enabled", true)
            .with("batch_size", batch)
            .with_some("maximum_batching_window_in_seconds", window)
            .with_some("function_response_types", responses);
        if is_stream || is_msk {
            let start = match esm.starting_position {
                StartPosition::TrimHorizon => "TRIM_HORIZON",
                StartPosition::Latest => "LATEST",
            };
            let dest = on_failure.map(|q| {
                (
                    Value::Block(Props::new().with(
                        "OnFailure",
                        Value::Block(Props::new().with("Destination", Ref::arn(q))),
                    )),
                    Value::Block(Props::new().with(
                        "on_failure",
                        Value::Block(Props::new().with("destination_arn", Ref::arn(q))),
                    )),
                )
            });
            cfn = cfn.with("StartingPosition", start);
            tf = tf.with("starting_position", start);
            if is_stream {
                cfn = cfn
                    .with("ParallelizationFactor", esm.parallelization_factor)
                    .with("BisectBatchOnFunctionError", esm.bisect_on_error);
                tf = tf
                    .with("parallelization_factor", esm.parallelization_factor)
                    .with("bisect_batch_on_function_error", esm.bisect_on_error);
            } else {
                // aws-facts-more 3: the mapping reads one topic of the cluster
                // (named after the cluster's node in an export, see msk/infra.rs).
                let topics = Value::List(vec![source_key.into()]);
                cfn = cfn.with("Topics", topics.clone());
                tf = tf.with("topics", topics);
                if let Some(p) = esm.provisioned_pollers {
                    cfn = cfn.with(
                        "ProvisionedPollerConfig",
                        Value::Block(
                            Props::new()
                                .with("MinimumPollers", p.minimum_pollers)
                                .with("MaximumPollers", p.maximum_pollers),
                        ),
                    );
                    tf = tf.with(
                        "provisioned_poller_config",
                        Value::Block(
                            Props::new()
                                .with("minimum_pollers", p.minimum_pollers)
                                .with("maximum_pollers", p.maximum_pollers),
                        ),
                    );
                }
            }
            cfn = cfn
                .with("MaximumRetryAttempts", esm.maximum_retry_attempts)
                .with("MaximumRecordAgeInSeconds", esm.maximum_record_age_s)
                .with_some("DestinationConfig", dest.as_ref().map(|d| d.0.clone()));
            tf = tf
                .with("maximum_retry_attempts", esm.maximum_retry_attempts)
                .with("maximum_record_age_in_seconds", esm.maximum_record_age_s)
                .with_some("destination_config", dest.map(|d| d.1));
        } else if let Some(max) = esm.maximum_concurrency {
            cfn = cfn
                .with("ScalingConfig", Value::Block(Props::new().with("MaximumConcurrency", max)));
            tf = tf.with(
                "scaling_config",
                Value::Block(Props::new().with("maximum_concurrency", max)),
            );
        }
        t.add(Resource {
            key: format!("{}/mapping", node.id),
            cfn_type: "AWS::Lambda::EventSourceMapping",
            tf_type: "aws_lambda_event_source_mapping",
            cfn,
            tf,
            depends_on: vec![format!("{}/policy", node.id)],
            comments: vec![format!("Event source mapping of \"{}\".", node.label())],
        });
    }
}

/// A function an SNS topic invokes: its asynchronous invocation settings
/// and on-failure destination (aws-facts.md §5.4), when they are not all
/// AWS's defaults.
fn export_async(node: &Node, spec: &LambdaSpec, on_failure: Option<&str>, t: &mut Template) {
    let a = spec.async_invoke;
    if a.is_default() && on_failure.is_none() {
        return;
    }
    let dest =
        on_failure.map(|q| {
            (
                Value::Block(Props::new().with(
                    "OnFailure",
                    Value::Block(Props::new().with("Destination", Ref::arn(q))),
                )),
                Value::Block(Props::new().with(
                    "on_failure",
                    Value::Block(Props::new().with("destination", Ref::arn(q))),
                )),
            )
        });
    t.add(Resource {
        key: format!("{}/async", node.id),
        cfn_type: "AWS::Lambda::EventInvokeConfig",
        tf_type: "aws_lambda_function_event_invoke_config",
        cfn: Props::new()
            .with("FunctionName", Ref::name(&node.id))
            .with("Qualifier", "$LATEST")
            .with("MaximumRetryAttempts", a.maximum_retry_attempts)
            .with("MaximumEventAgeInSeconds", a.maximum_event_age_s)
            .with_some("DestinationConfig", dest.as_ref().map(|d| d.0.clone())),
        tf: Props::new()
            .with("function_name", Ref::name(&node.id))
            .with("maximum_retry_attempts", a.maximum_retry_attempts)
            .with("maximum_event_age_in_seconds", a.maximum_event_age_s)
            .with_some("destination_config", dest.map(|d| d.1)),
        depends_on: vec![format!("{}/policy", node.id)],
        comments: vec![format!(
            "Asynchronous invocation of \"{}\" (its SNS subscription).",
            node.label()
        )],
    });
}

/// Reads an `AWS::Lambda::Function`: memory, timeout, architecture and
/// reserved concurrency; what its code costs per record is not in a
/// template, so the spec's durations stay and are listed as assumed.
pub fn import(r: &import::Resource, p: &import::Props, b: &mut Builder) -> Result<(), Issue> {
    let d = LambdaSpec::default();
    let arch = match p.texts("Architectures")?.first().map(String::as_str) {
        None | Some("x86_64") => LambdaArch::X86,
        Some("arm64") => LambdaArch::Arm,
        Some(other) => {
            return Err(Issue::new(
                format!("{}.Architectures", p.at()),
                format!("{other:?} is not an architecture; use x86_64 or arm64"),
            ));
        }
    };
    let spec = LambdaSpec {
        // aws-facts.md §10.3: 128 MB and 3 s when the template says nothing.
        memory_mb: p.whole("MemorySize")?.unwrap_or(128),
        timeout_s: p.whole("Timeout")?.unwrap_or(3),
        arch,
        reserved_concurrency: p.whole("ReservedConcurrentExecutions")?,
        ..d
    };
    b.assume(format!(
        "{}: each invocation takes {} ms plus {} ms per record (the code's speed is not in a template); set it in the inspector.",
        r.id, spec.overhead_ms, spec.per_record_ms
    ));
    let name = p.text("FunctionName")?;
    b.add(r, name.as_deref(), NodeSpec::Lambda(spec));
    Ok(())
}

/// Reads an `AWS::Lambda::EventSourceMapping`: the link from its source
/// to its function, every setting the simulation models (aws-facts.md
/// §5.1, §5.2), and a stream source's on-failure destination.
pub fn import_mapping(
    r: &import::Resource,
    p: &import::Props,
    b: &mut Builder,
) -> Result<(), Issue> {
    b.claim(&r.id);
    let at = |key: &str| format!("{}.{key}", p.at());
    let function = p.reference("FunctionName")?.and_then(|f| b.node_of(&f).map(str::to_string));
    let source = p.reference("EventSourceArn")?.and_then(|s| b.node_of(&s).map(str::to_string));
    let (Some(function), Some(source)) = (function, source) else {
        b.assume(format!(
            "{}: its function or its source is outside the template, so the mapping is not simulated.",
            r.id
        ));
        return Ok(());
    };
    if p.flag("Enabled")? == Some(false) {
        b.assume(format!(
            "{}: the mapping is disabled in the template; it is simulated as enabled.",
            r.id
        ));
    }
    let mut esm = EventSourceMapping {
        batch_size: p.whole("BatchSize")?,
        batching_window_s: p.whole("MaximumBatchingWindowInSeconds")?.unwrap_or(0),
        report_batch_item_failures: p
            .texts("FunctionResponseTypes")?
            .iter()
            .any(|t| t == "ReportBatchItemFailures"),
        ..EventSourceMapping::default()
    };
    if let Some(scaling) = p.block("ScalingConfig")? {
        esm.maximum_concurrency = scaling.whole("MaximumConcurrency")?;
    }
    if let Some(pollers) = p.block("ProvisionedPollerConfig")? {
        let d = crate::scenario::ProvisionedPollers::default();
        esm.provisioned_pollers = Some(crate::scenario::ProvisionedPollers {
            minimum_pollers: pollers.whole("MinimumPollers")?.unwrap_or(d.minimum_pollers),
            maximum_pollers: pollers.whole("MaximumPollers")?.unwrap_or(d.maximum_pollers),
        });
    }
    if let Some(start) = p.text("StartingPosition")? {
        esm.starting_position = match start.as_str() {
            "TRIM_HORIZON" => StartPosition::TrimHorizon,
            "LATEST" => StartPosition::Latest,
            other => {
                return Err(Issue::new(
                    at("StartingPosition"),
                    format!("{other:?} is not simulated; use TRIM_HORIZON or LATEST"),
                ));
            }
        };
    }
    let d = EventSourceMapping::default();
    esm.parallelization_factor =
        p.whole("ParallelizationFactor")?.unwrap_or(d.parallelization_factor);
    esm.bisect_on_error = p.flag("BisectBatchOnFunctionError")?.unwrap_or(false);
    esm.maximum_retry_attempts =
        p.signed("MaximumRetryAttempts")?.unwrap_or(d.maximum_retry_attempts);
    esm.maximum_record_age_s =
        p.signed("MaximumRecordAgeInSeconds")?.unwrap_or(d.maximum_record_age_s);
    let on_failure = match p.block("DestinationConfig")? {
        Some(dest) => match dest.block("OnFailure")? {
            Some(f) => f.reference("Destination")?,
            None => None,
        },
        None => None,
    };
    b.link(&source, &function);
    match on_failure.map(|q| b.node_of(&q).map(str::to_string)) {
        Some(Some(queue)) => b.link(&function, &queue),
        Some(None) => b.assume(format!(
            "{}: its on-failure destination is not a queue of the template; discarded batches are counted, not delivered.",
            r.id
        )),
        None => {}
    }
    match b.spec_mut(&function) {
        Some(NodeSpec::Lambda(spec)) => spec.event_source = esm,
        _ => {
            return Err(Issue::new(
                at("FunctionName"),
                "names a resource that is not a Lambda function",
            ));
        }
    }
    Ok(())
}

/// Reads an `AWS::Lambda::EventInvokeConfig`: a function's asynchronous
/// invocation settings and its on-failure queue (aws-facts.md §5.4).
pub fn import_async(r: &import::Resource, p: &import::Props, b: &mut Builder) -> Result<(), Issue> {
    let Some(function) =
        p.reference("FunctionName")?.and_then(|f| b.node_of(&f).map(str::to_string))
    else {
        return Ok(());
    };
    b.claim(&r.id);
    let d = crate::scenario::AsyncInvoke::default();
    let config = crate::scenario::AsyncInvoke {
        maximum_retry_attempts: p
            .whole("MaximumRetryAttempts")?
            .unwrap_or(d.maximum_retry_attempts),
        maximum_event_age_s: p.whole("MaximumEventAgeInSeconds")?.unwrap_or(d.maximum_event_age_s),
    };
    let on_failure = match p.block("DestinationConfig")? {
        Some(dest) => match dest.block("OnFailure")? {
            Some(f) => f.reference("Destination")?,
            None => None,
        },
        None => None,
    };
    match on_failure.map(|q| b.node_of(&q).map(str::to_string)) {
        Some(Some(queue)) => b.link(&function, &queue),
        Some(None) => b.assume(format!(
            "{}: its on-failure destination is not a queue of the template; events given up are counted, not delivered.",
            r.id
        )),
        None => {}
    }
    match b.spec_mut(&function) {
        Some(NodeSpec::Lambda(spec)) => spec.async_invoke = config,
        _ => {
            return Err(Issue::new(
                format!("{}.FunctionName", p.at()),
                "names a resource that is not a Lambda function",
            ));
        }
    }
    Ok(())
}
