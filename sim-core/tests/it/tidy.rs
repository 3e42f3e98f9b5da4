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

/// The `match`es that dispatch over node kinds (their arms name two or more
/// `NodeKind::X` or `NodeSpec::X(..)`) with a wildcard `_ =>`: a kind added
/// later would fall into the wildcard silently instead of failing to
/// compile.
/// Found as `file:line (fn name)`.
struct KindWildcards<'a> {
    file: &'a str,
    function: String,
    found: Vec<String>,
}

impl<'ast> syn::visit::Visit<'ast> for KindWildcards<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function = f.sig.ident.to_string();
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function = f.sig.ident.to_string();
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        let mut paths = Vec::new();
        m.arms.iter().for_each(|a| collect_paths(&a.pat, &mut paths));
        let mut kinds: Vec<String> = paths
            .iter()
            .filter(|path| {
                let first = path.segments.first().map(|s| s.ident.to_string());
                path.segments.len() == 2
                    && matches!(first.as_deref(), Some("NodeKind" | "NodeSpec"))
            })
            .map(|path| path.segments[1].ident.to_string())
            .collect();
        kinds.sort();
        kinds.dedup();
        // One kind and a wildcard picks that kind out (an `if let`); two or
        // more dispatch over kinds and must name them all.
        let wild = m.arms.iter().find(|a| matches!(a.pat, syn::Pat::Wild(_)));
        if let Some(wild) = wild.filter(|_| kinds.len() >= 2) {
            let line = syn::spanned::Spanned::span(&wild.pat).start().line;
            self.found.push(format!("{}:{line} (fn {})", self.file, self.function));
        }
        syn::visit::visit_expr_match(self, m);
    }
}

/// The paths a top-level pattern matches on (through `|`, but not inside
/// tuples: a pair of kinds may fall back to "every other pair").
fn collect_paths<'p>(p: &'p syn::Pat, out: &mut Vec<&'p syn::Path>) {
    match p {
        syn::Pat::Or(or) => or.cases.iter().for_each(|c| collect_paths(c, out)),
        syn::Pat::Path(x) => out.push(&x.path),
        syn::Pat::TupleStruct(x) => out.push(&x.path),
        syn::Pat::Struct(x) => out.push(&x.path),
        syn::Pat::Ident(x) => {
            if let Some((_, sub)) = &x.subpat {
                collect_paths(sub, out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_wildcard_arm_over_node_kinds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["sim-core/src", "app/src", "cli/src"] {
        rust_sources(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the sources are found");
    let mut found = Vec::new();
    for (path, text) in &files {
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut v = KindWildcards { file: path, function: String::new(), found: Vec::new() };
        syn::visit::Visit::visit_file(&mut v, &file);
        found.extend(v.found);
    }
    assert!(
        found.is_empty(),
        "wildcard arms over node kinds (name every kind):\n{}",
        found.join("\n")
    );
}

/// sim-core's layers, lowest first: a module may use its own layer and the
/// ones below, never one above. Each entry is a module path under `src/`
/// (a folder covers its files; `*` is any one name); the most specific
/// entry decides. A kind's folder spans layers: its spec, parameter table
/// and metric table are data, its state and handlers are the engine.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "data",
        &[
            "scenario",
            "pricing",
            "units",
            "wide",
            "time",
            "json_path",
            "kinds/params",
            "kinds/registry",
            "kinds/*/about",
            "kinds/*/spec",
            "kinds/*/params",
            "kinds/*/metrics",
            "metrics/catalogue",
        ],
    ),
    ("validation", &["validate", "kinds/*/validate", "strict_json", "share", "routing", "plain"]),
    ("engine", &["engine", "kinds", "bucket", "rng", "memory", "metrics", "ledger", "cost"]),
    (
        "observation",
        &[
            "view",
            "report",
            "digest",
            "budget",
            "kinds/*/view",
            "kinds/*/estimate",
            "infra",
            "kinds/*/infra",
        ],
    ),
    (
        "planning",
        &[
            "lesson",
            "objectives",
            "sweep",
            "autosize",
            "compare",
            "params",
            "replicate",
            "kinds/*/knobs",
        ],
    ),
];

/// The layer of a module path (`kinds/stream/spec`), by its most specific
/// entry in [`LAYERS`].
fn layer_of(path: &[&str]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (layer, (_, entries)) in LAYERS.iter().enumerate() {
        for entry in entries.iter() {
            let steps: Vec<&str> = entry.split('/').collect();
            let fits = steps.len() <= path.len()
                && steps.iter().zip(path).all(|(s, p)| *s == "*" || s == p);
            if fits && best.is_none_or(|(len, _)| steps.len() > len) {
                best = Some((steps.len(), layer));
            }
        }
    }
    best.map(|(_, layer)| layer)
}

/// Layers with one direction: data -> validation -> engine -> observation
/// -> planning. Every `crate::` path in non-test code is checked against
/// the layer of the file that uses it.
#[test]
fn sim_core_layers_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_sources(&src, &mut files);
    let mut unplaced = Vec::new();
    let mut upward = Vec::new();
    for (file, text) in &files {
        let rel = Path::new(file).strip_prefix(&src).unwrap().with_extension("");
        let rel = rel.to_string_lossy().replace('\\', "/");
        let module: Vec<&str> = rel.split('/').filter(|s| *s != "mod").collect();
        if rel == "lib" || module.last() == Some(&"tests") {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            unplaced.push(rel.clone());
            continue;
        };
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (i, _) in line.match_indices("crate::") {
                let used: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '$'))
                    .collect();
                // A macro's `crate::kinds::$folder::spec` matches `kinds/*/spec`.
                let steps: Vec<&str> = used.split("::").filter(|s| !s.is_empty()).collect();
                // `crate::{a, b}` would hide its paths from the check.
                if steps.is_empty() {
                    upward.push(format!("{rel}:{}: name each crate:: path", n + 1));
                }
                if let Some(theirs) = layer_of(&steps)
                    && theirs > own
                {
                    upward.push(format!(
                        "{rel}:{} ({}) uses crate::{used} ({})",
                        n + 1,
                        LAYERS[own].0,
                        LAYERS[theirs].0
                    ));
                }
            }
        }
    }
    assert!(files.len() > 60, "the sources are found");
    assert!(unplaced.is_empty(), "modules with no layer in LAYERS: {unplaced:?}");
    assert!(upward.is_empty(), "uses that point up a layer:\n{}", upward.join("\n"));
}
