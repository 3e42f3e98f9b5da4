//! Numbers formatted for people: the app reads them as sim-core's
//! [`units`](sim_core::units) writes them, the same as the CLI and the
//! validation messages (tested there).

pub use sim_core::units::{bytes, count, millis, percent, rate, usd};
