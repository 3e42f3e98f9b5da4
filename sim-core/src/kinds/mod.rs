//! One home per AWS service: each node kind's folder holds its runtime
//! state (`mod.rs`), its event handlers (`impl Simulation` blocks the engine
//! dispatches to by `match`) and its parameter table. State stays `Clone`
//! and inspectable; the engine owns one per node.

pub mod batch;
pub mod consumer;
pub mod destination;
pub mod firehose;
pub mod kcl;
pub mod lambda;
pub mod params;
pub mod producer;
pub mod queue;
pub mod registry;
pub mod stream;
pub mod worker_pool;

pub use batch::Batch;
pub use consumer::{Consumer, ReaderState, ShardReader};
pub use destination::Destination;
pub use firehose::Firehose;
pub use kcl::KclApp;
pub use lambda::Function;
pub use producer::{Producer, RetryBatch, ShardRecords, Target};
pub use queue::{Messages, Queue};
pub use stream::{Cohort, PutOutcome, ReadBatch, Shard, Stream};
pub use worker_pool::{Worker, WorkerPool};
