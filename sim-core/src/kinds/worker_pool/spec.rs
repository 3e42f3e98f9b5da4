//! A pool of SQS workers's spec: its part of the scenario document (data, read by
//! validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

use crate::kinds::consumer::spec::Forward;

/// How long processing one message takes, around its mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceTime {
    /// Exponentially distributed (memoryless, as in M/M/c queueing).
    #[default]
    Exponential,
    /// Always exactly the mean.
    Fixed,
}

/// A pool of workers (EC2 instances, containers) that each receive from a
/// queue, process the messages one after another, then delete them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerPoolSpec {
    /// Number of workers, each with one receive loop.
    pub workers: u32,
    /// Mean processing time per message.
    pub per_message_ms: f64,
    /// Distribution of the per-message time.
    pub service: ServiceTime,
    /// `MaxNumberOfMessages` per ReceiveMessage (aws-facts 4.1: 1 to 10).
    pub max_messages: u32,
    /// `WaitTimeSeconds` (aws-facts 4.1: 0 = short polling, up to 20 s).
    pub wait_time_s: u32,
    /// Pause after an empty receive before the next one.
    pub empty_receive_pause_ms: u64,
    /// What is sent on to the linked node, if any.
    #[serde(skip_serializing_if = "Forward::is_default")]
    pub forward: Forward,
}

impl Default for WorkerPoolSpec {
    fn default() -> Self {
        WorkerPoolSpec {
            workers: 4,
            per_message_ms: 50.0,
            service: ServiceTime::Exponential,
            max_messages: 10,
            wait_time_s: 20,
            empty_receive_pause_ms: 1_000,
            forward: Forward::default(),
        }
    }
}
