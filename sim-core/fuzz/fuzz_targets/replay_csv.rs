//! Any text as a replay series (`time_s,records_per_s` rows).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = sim_core::scenario::parse_replay_csv(&text);
});
