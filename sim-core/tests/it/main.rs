//! sim-core's integration tests: one binary, one module per concern.

mod bundled;
mod claims;
mod conservation;
mod cost;
mod determinism;
mod exports;
mod fan_out;
mod faults;
mod firehose;
mod fixtures;
mod golden;
mod groups;
mod kcl;
mod lambda;
mod lessons;
mod limits;
mod on_demand;
mod polling;
mod producer;
mod queues;
mod resharding;
mod routing;
mod sqs_calls;
mod tidy;
mod validation;
mod write_contention;
