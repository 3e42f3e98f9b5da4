//! sim-core's integration tests: one binary, one module per concern.

mod conservation;
mod determinism;
mod fixtures;
mod golden;
mod limits;
mod producer;
mod routing;
mod tidy;
mod validation;
