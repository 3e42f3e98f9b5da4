//! A short fingerprint of a run, for checking that two platforms (native
//! and wasm) or two runs computed exactly the same thing.

use md5::{Digest, Md5};

use crate::engine::Simulation;
use crate::report::{summarize, time_series_csv};

/// Hex MD5 of the run's JSON summary followed by its time-series CSV: any
/// difference in any metric, second or cost item changes it.
pub fn run_digest(sim: &Simulation) -> String {
    let mut bytes = serde_json::to_vec(&summarize(sim)).expect("a summary always serialises");
    bytes.extend_from_slice(time_series_csv(sim).as_bytes());
    hex_md5(&bytes)
}

/// Hex MD5 of `bytes`: a fingerprint, not a security measure.
pub fn hex_md5(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The runs whose digests are checked on every platform: each bundled
/// scenario with three seeds, for two simulated minutes.
pub fn reference_runs() -> impl Iterator<Item = (&'static str, u64)> {
    crate::BUNDLED_SCENARIOS.iter().flat_map(|(file, _)| (1..=3).map(move |seed| (*file, seed)))
}

/// Simulated length of a reference run.
pub const REFERENCE_RUN_MS: u64 = 120_000;

/// The digest of one reference run.
pub fn reference_digest(file: &str, seed: u64) -> Option<String> {
    let (_, json) = crate::BUNDLED_SCENARIOS.iter().find(|(f, _)| *f == file)?;
    let valid = crate::load_scenario(json).ok()?;
    let mut sim = Simulation::new(&valid, seed);
    sim.run_until(REFERENCE_RUN_MS);
    Some(run_digest(&sim))
}
