//! One home per AWS service. Each node kind's folder holds what it says
//! about itself and its tables (`about.rs`, `spec.rs`, `params.rs`,
//! `metrics.rs`), its runtime state (`mod.rs`) and event handlers (`impl
//! Simulation` blocks the engine dispatches to), and its answers to what
//! each layer asks of every kind, one file per layer: validation
//! (`validate.rs`), the engine's shared paths (`engine.rs`), its card
//! (`view.rs`), its share of the run's bound (`estimate.rs`), its export to
//! CloudFormation and Terraform (`infra.rs`) and the planner (`knobs.rs`).
//! Kinds register once, in `scenario.rs` (see [`registry`]). State stays
//! `Clone` and inspectable; the engine owns one per node.

pub mod batch;
pub mod consumer;
pub mod destination;
pub mod firehose;
pub mod flink;
pub mod kcl;
pub mod lambda;
pub mod msk;
pub mod params;
pub mod producer;
pub mod queue;
pub mod registry;
pub mod sns;
pub mod stream;
pub mod worker_pool;

pub use batch::Batch;
pub use consumer::{Consumer, ReaderState, ShardReader};
pub use destination::Destination;
pub use firehose::Firehose;
pub use flink::FlinkApp;
pub use kcl::KclApp;
pub use lambda::Function;
pub use msk::MskCluster;
pub use producer::{Producer, RetryBatch, ShardRecords, Target};
pub use queue::{Messages, Queue};
pub use sns::Topic;
pub use stream::{Cohort, PutOutcome, ReadBatch, RecordSize, Shard, Stream};
pub use worker_pool::{Worker, WorkerPool};
