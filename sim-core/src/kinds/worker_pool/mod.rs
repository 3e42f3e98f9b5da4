//! A worker pool (EC2 instances, containers): each worker receives up to
//! `max_messages` from its queue, processes them one after another, deletes
//! them with one DeleteMessageBatch and receives again.

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;
use crate::kinds::queue::ReceiptKey;
use crate::rng::NodeRng;
use crate::scenario::{NodeIndex, ServiceTime, WorkerPoolSpec};
use crate::time::SimTime;

/// One worker's receive loop.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Worker {
    /// The receipt it is processing, if any.
    pub receipt: Option<ReceiptKey>,
    /// Generation of its current long poll: a poll timeout carrying an
    /// older token is stale and ignored.
    pub token: u32,
    /// Whether it is waiting in a long poll.
    pub waiting: bool,
}

/// A worker pool's runtime state.
#[derive(Clone, Debug)]
pub struct WorkerPool {
    /// Parameters.
    pub spec: WorkerPoolSpec,
    /// Node index of the queue it reads.
    pub source: NodeIndex,
    /// Node index it forwards to, if linked.
    pub forward_to: Option<NodeIndex>,
    /// The workers.
    pub workers: Vec<Worker>,
    /// Fractional messages carried between forwards.
    pub forward_carry: f64,
}

impl WorkerPool {
    /// A pool reading queue node `source`.
    pub fn new(spec: WorkerPoolSpec, source: NodeIndex, forward_to: Option<NodeIndex>) -> Self {
        let workers = vec![Worker::default(); spec.workers as usize];
        WorkerPool { spec, source, forward_to, workers, forward_carry: 0.0 }
    }

    /// Time to process `n` messages one after another: the sum of `n`
    /// per-message times, exponential (memoryless, as M/M/c assumes) or
    /// fixed. At most 10 draws: a receive returns at most 10 messages.
    pub fn service_time(&self, n: u64, rng: &mut NodeRng) -> SimTime {
        let mean = self.spec.per_message_ms;
        let total = match self.spec.service {
            ServiceTime::Fixed => mean * n as f64,
            ServiceTime::Exponential => {
                (0..n).map(|_| -mean * libm::log(1.0 - rng.unit())).sum::<f64>()
            }
        };
        total.round().max(0.0) as SimTime
    }

    /// How many messages to send on for `processed` messages, with the
    /// fraction carried so a ratio of 0.5 sends exactly half over time.
    pub fn forward_count(&mut self, processed: u64) -> u64 {
        let exact = processed as f64 * self.spec.forward.ratio + self.forward_carry;
        let n = libm::floor(exact);
        self.forward_carry = exact - n;
        n as u64
    }
}

/// Memory accounting (see [`crate::memory`]).
impl WorkerPool {
    /// Memory beyond its own struct, in bytes: the workers.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::buffer::<Worker>(self.workers.capacity())
    }
}
