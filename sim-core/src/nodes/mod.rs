//! Runtime state of each node kind. The engine owns one of these per node
//! and dispatches by `match`, keeping state `Clone` and inspectable.

pub mod batch;
pub mod consumer;
pub mod destination;
pub mod firehose;
pub mod kcl;
pub mod lambda;
pub mod producer;
pub mod queue;
pub mod queue_calls;
pub mod resharding;
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
