//! # sim-core: Shardplay's engine
//!
//! A deterministic discrete-event simulation of streaming pipelines on AWS
//! (Kinesis Data Streams, Firehose delivery streams and their destinations), at the
//! granularity of API calls with records carried as cohorts.
//!
//! The flow is: JSON → [`parse_scenario`] → [`Scenario`] → [`validate`] →
//! [`ValidScenario`] → [`Simulation::new`] → [`Simulation::run_until`] /
//! [`Simulation::apply`] → read-only accessors, [`summarize`] and
//! [`time_series_csv`] / [`time_series_json`].
//!
//! Invariants: no browser dependency, no clock, no ambient randomness, no
//! output that depends on hash-map iteration order, and no panic on any
//! input. Every AWS limit is cited to `aws-facts.md` where it is encoded.

#![warn(missing_docs)]

pub mod autosize;
pub mod bucket;
pub mod budget;
pub mod compare;
pub mod cost;
pub mod digest;
pub mod engine;
pub mod infra;
pub mod json_path;
pub mod kinds;
pub mod ledger;
pub mod lesson;
pub mod memory;
pub mod metrics;

pub mod objectives;
pub mod params;
pub mod plain;
pub mod pricing;
pub mod replicate;
pub mod report;
pub mod rng;
pub mod routing;
pub mod scenario;
pub mod share;
pub mod strict_json;
pub mod sweep;
pub mod time;
pub mod units;
pub mod validate;
pub mod view;
pub(crate) mod wide;

pub use compare::{ModeComparison, ServiceComparison, compare_kinesis_msk, compare_modes};
pub use engine::{Command, NodeSlot, Simulation};
pub use ledger::Ledger;
pub use report::{Summary, summarize, time_series_csv, time_series_json};
pub use scenario::{NodeIndex, NodeKind, NodeSpec, PerNode, Scenario};
pub use time::SimTime;
pub use validate::{
    Issue, ValidScenario, link_rule, load_scenario, param_range, parse_scenario, validate,
};
pub use view::{FrameView, Health, NodeFigures, NodeView, WireView};

/// The version of the model: what the engine does with a scenario. The same
/// scenario and seed give the same numbers under one model version; a change
/// of behaviour (a rule fixed to match AWS, a new meter) bumps it, and
/// `docs/model-changelog.md` says what changed and which bundled scenarios it
/// moves. Scenario files, links, exports and summaries carry it.
pub const MODEL_VERSION: u32 = 2;

/// Where people read what changed between model versions (the app serves
/// the changelog beside its page).
pub const MODEL_CHANGELOG: &str = "model-changelog.md";

/// What to tell someone opening a scenario made under another model
/// version: its numbers may differ from what its author saw. `None` when it
/// was made under this one.
pub fn model_notice(scenario: &Scenario) -> Option<String> {
    let made = scenario.model_version.unwrap_or(1);
    (made != MODEL_VERSION).then(|| {
        let when = if made < MODEL_VERSION { "an earlier" } else { "a newer" };
        format!(
            "This scenario was made with {when} version of Shardplay's model (model {made}; this \
             is model {MODEL_VERSION}), so some numbers may differ from what its author saw."
        )
    })
}

/// Scenario files shipped with the product, as `(file name, JSON)`; the app
/// and the CLI load the same bytes.
pub const BUNDLED_SCENARIOS: &[(&str, &str)] = &[
    ("clickstream.json", include_str!("../../scenarios/clickstream.json")),
    ("split-during-spike.json", include_str!("../../scenarios/split-during-spike.json")),
    ("shared-vs-fan-out.json", include_str!("../../scenarios/shared-vs-fan-out.json")),
    ("consumer-falls-behind.json", include_str!("../../scenarios/consumer-falls-behind.json")),
    ("hot-shard-zipf.json", include_str!("../../scenarios/hot-shard-zipf.json")),
    ("on-demand-tripling.json", include_str!("../../scenarios/on-demand-tripling.json")),
    (
        "firehose-size-vs-interval.json",
        include_str!("../../scenarios/firehose-size-vs-interval.json"),
    ),
    (
        "destination-outage-retry.json",
        include_str!("../../scenarios/destination-outage-retry.json"),
    ),
    ("kcl-worker-crash.json", include_str!("../../scenarios/kcl-worker-crash.json")),
    (
        "visibility-timeout-duplicates.json",
        include_str!("../../scenarios/visibility-timeout-duplicates.json"),
    ),
    ("fifo-ordering-ceiling.json", include_str!("../../scenarios/fifo-ordering-ceiling.json")),
    ("poison-message-dlq.json", include_str!("../../scenarios/poison-message-dlq.json")),
    (
        "lambda-parallelization-factor.json",
        include_str!("../../scenarios/lambda-parallelization-factor.json"),
    ),
    (
        "lesson-hot-partition-key.json",
        include_str!("../../scenarios/lesson-hot-partition-key.json"),
    ),
    ("lesson-retention.json", include_str!("../../scenarios/lesson-retention.json")),
    ("lesson-fan-out.json", include_str!("../../scenarios/lesson-fan-out.json")),
    ("lesson-reshard.json", include_str!("../../scenarios/lesson-reshard.json")),
    ("lesson-on-demand-cost.json", include_str!("../../scenarios/lesson-on-demand-cost.json")),
    ("lesson-small-records.json", include_str!("../../scenarios/lesson-small-records.json")),
    ("lesson-polling.json", include_str!("../../scenarios/lesson-polling.json")),
    ("flink-autoscaling.json", include_str!("../../scenarios/flink-autoscaling.json")),
    (
        "lesson-flink-parallelism.json",
        include_str!("../../scenarios/lesson-flink-parallelism.json"),
    ),
    ("lesson-poison-dlq.json", include_str!("../../scenarios/lesson-poison-dlq.json")),
    ("lesson-sns-fan-out.json", include_str!("../../scenarios/lesson-sns-fan-out.json")),
    ("kinesis-vs-msk.json", include_str!("../../scenarios/kinesis-vs-msk.json")),
    ("lesson-msk-partitions.json", include_str!("../../scenarios/lesson-msk-partitions.json")),
    (
        "lesson-burst-on-demand-vs-serverless.json",
        include_str!("../../scenarios/lesson-burst-on-demand-vs-serverless.json"),
    ),
    (
        "lesson-visibility-timeout.json",
        include_str!("../../scenarios/lesson-visibility-timeout.json"),
    ),
    (
        "lesson-firehose-buffering.json",
        include_str!("../../scenarios/lesson-firehose-buffering.json"),
    ),
    (
        "lesson-lambda-parallelization.json",
        include_str!("../../scenarios/lesson-lambda-parallelization.json"),
    ),
    (
        "lesson-destination-outage.json",
        include_str!("../../scenarios/lesson-destination-outage.json"),
    ),
    ("lesson-fifo-throughput.json", include_str!("../../scenarios/lesson-fifo-throughput.json")),
    ("sns-lambda-throttled.json", include_str!("../../scenarios/sns-lambda-throttled.json")),
    ("msk-lambda-partitions.json", include_str!("../../scenarios/msk-lambda-partitions.json")),
    ("msk-serverless-burst.json", include_str!("../../scenarios/msk-serverless-burst.json")),
    ("sns-webhook-retries.json", include_str!("../../scenarios/sns-webhook-retries.json")),
];

/// The scenario the app opens with.
pub const DEFAULT_SCENARIO: &str = BUNDLED_SCENARIOS[0].1;
