//! The parameter tables: each kind's `params.rs` lists one row per path
//! inside a node's `params` (dot-separated, a tagged enum's fields flattened
//! into its object: `traffic.amplitude`, `capacity.shards`; list entries
//! without their index: `keys.hash_keys.weight`). A row holds the range
//! validation enforces and the editor shows beside the input, and the line
//! of help the inspector shows, so a parameter is described once and the
//! two can never disagree. A numeric field without a row is caught by a test
//! (`every_numeric_leaf_has_a_range_and_help` in `params.rs`).
//!
//! Data only: this module and the kinds' tables import nothing above the
//! scenario (checked by `tests/it/tidy.rs`).

use serde_json::Value;

use crate::scenario::NodeKind;

/// The allowed range of one numeric parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamRange {
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Unit shown next to the value.
    pub unit: &'static str,
}

/// One row of a kind's parameter table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// Path inside the node's `params`.
    pub path: &'static str,
    /// One line on the AWS concept behind the parameter, for tooltips.
    pub help: Option<&'static str>,
    /// The allowed values of a number (or of a list's length).
    pub range: Option<ParamRange>,
    /// When the field does not apply: while the field `.0` (a path in the
    /// same `params`) holds the string `.1`. A field that does not apply is
    /// neither shown by the inspector nor checked by validation.
    pub unless: Option<(&'static str, &'static str)>,
}

impl Param {
    /// A row with its line of help.
    pub const fn new(path: &'static str, help: &'static str) -> Self {
        Param { path, help: Some(help), range: None, unless: None }
    }

    /// A row without help (the fields of list entries explained by their
    /// list's row).
    pub const fn unexplained(path: &'static str) -> Self {
        Param { path, help: None, range: None, unless: None }
    }

    /// The row with its allowed range.
    pub const fn range(self, min: f64, max: f64, unit: &'static str) -> Self {
        Param { range: Some(ParamRange { min, max, unit }), ..self }
    }

    /// The row, for a field that does not apply while `field` is `value`
    /// (an MSK Serverless cluster's broker fields).
    pub const fn unless(self, field: &'static str, value: &'static str) -> Self {
        Param { unless: Some((field, value)), ..self }
    }
}

/// Whether the field at `path` applies to a node of `kind` with
/// parameters `params`: not when its row, or the row of a field it is
/// inside, says it does not for these parameters ([`Param::unless`]).
pub fn applies(kind: NodeKind, path: &str, params: &Value) -> bool {
    table(kind).iter().all(|row| {
        let covers = path == row.path
            || path.strip_prefix(row.path).is_some_and(|rest| rest.starts_with('.'));
        match row.unless {
            Some((field, value)) if covers => {
                params.get(field).and_then(Value::as_str) != Some(value)
            }
            _ => true,
        }
    })
}

/// A kind's parameter table (its folder's `params.rs`, registered through
/// its `about.rs`).
pub fn table(kind: NodeKind) -> &'static [Param] {
    kind.about().params
}

/// The row of a parameter, by its path inside `params`.
pub fn row(kind: NodeKind, path: &str) -> Option<&'static Param> {
    table(kind).iter().find(|p| p.path == path)
}

/// The allowed range of a node parameter, keyed by its path inside `params`:
/// validation checks against it and the editor shows it next to inputs.
pub fn param_range(kind: NodeKind, path: &str) -> Option<ParamRange> {
    row(kind, path)?.range
}

/// Where a parameter comes in its kind's table, which is written most
/// important first (a producer's rate, then its traffic, sizes and keys):
/// the order the inspector shows fields in. A group (`batching`) comes
/// where its first field does; a path the table does not list comes last.
pub fn param_rank(kind: NodeKind, path: &str) -> usize {
    let inside = |row: &str| row.strip_prefix(path).is_some_and(|rest| rest.starts_with('.'));
    table(kind).iter().position(|p| p.path == path || inside(p.path)).unwrap_or(usize::MAX)
}

/// A one-line explanation of a parameter for tooltips; `None` for a path
/// that has none.
pub fn param_help(kind: NodeKind, path: &str) -> Option<&'static str> {
    row(kind, path)?.help
}

/// What a table row checks in a document: a number, or a list's length.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// The table row (list indices dropped: `keys.hash_keys.weight`).
    pub row: String,
    /// The field's path (indices kept: `keys.hash_keys[0].weight`).
    pub path: String,
    /// The number, or the list's length.
    pub value: f64,
    /// Whether the value is a list's length.
    pub list: bool,
}

/// The longest list any row allows: a longer one is refused by its length
/// row, and its entries beyond are not walked, so a hostile list costs no
/// more than a valid one.
pub const MAX_LIST_ENTRIES: usize = 10_000;

/// Every number and every list under a node's `params` (as serialized), so
/// a check or a test walks the document itself rather than a hand-written
/// list of fields that could miss one.
pub fn leaves(params: &Value) -> Vec<Leaf> {
    fn walk(row: &str, at: &str, value: &Value, out: &mut Vec<Leaf>) {
        let join = |a: &str, k: &str| if a.is_empty() { k.to_string() } else { format!("{a}.{k}") };
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    walk(&join(row, k), &join(at, k), v, out);
                }
            }
            Value::Array(items) => {
                let value = items.len() as f64;
                out.push(Leaf { row: row.to_string(), path: at.to_string(), value, list: true });
                for (i, v) in items.iter().take(MAX_LIST_ENTRIES).enumerate() {
                    walk(row, &format!("{at}[{i}]"), v, out);
                }
            }
            Value::Number(n) => {
                let value = n.as_f64().unwrap_or(f64::NAN);
                out.push(Leaf { row: row.to_string(), path: at.to_string(), value, list: false });
            }
            Value::Null | Value::Bool(_) | Value::String(_) => {}
        }
    }
    let mut out = Vec::new();
    walk("", "", params, &mut out);
    out
}

/// `value` as JSON, for a parameter's default shown in the inspector.
pub(crate) fn json(value: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
