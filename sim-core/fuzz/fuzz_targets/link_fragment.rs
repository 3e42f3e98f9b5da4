//! Any text as a shared link's fragment: decodes or says why, never panics,
//! never allocates past the documented limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = sim_core::share::decode_fragment(&text);
});
