//! Architecture invariants, checked mechanically (ARCHITECTURE.md):
//! sim-core has no browser dependency, reads no clock, uses no ambient
//! randomness and no hash-ordered collections.

use std::path::Path;
use std::process::Command;

#[test]
fn sim_core_has_no_browser_dependency() {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "-p", "sim-core", "-e", "normal", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8(out.stdout).unwrap();
    for forbidden in ["wasm-bindgen", "web-sys", "js-sys", "leptos", "getrandom"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(&format!("{forbidden} "))),
            "sim-core depends on {forbidden}:\n{tree}"
        );
    }
}

fn rust_sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn sim_core_reads_no_clock_and_no_ambient_randomness() {
    let mut files = Vec::new();
    rust_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    assert!(files.len() > 5);
    let forbidden =
        ["std::time", "Instant", "SystemTime", "thread_rng", "from_entropy", "HashMap", "HashSet"];
    for (path, text) in &files {
        for word in forbidden {
            assert!(!text.contains(word), "{path} uses {word}");
        }
    }
}
