//! Reading untrusted JSON strictly, where serde alone is lenient: a
//! duplicate key would silently keep its last value, a list of values
//! would be read as a struct's fields in order, and fields beside the tag of
//! a variant without fields would be ignored. Each of these makes a run
//! differ from what its file says, so each is refused with its path.
//!
//! A UTF-8 byte-order mark (which some Windows editors write) is accepted
//! and ignored, as RFC 8259 allows.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::{Map, Value};

use crate::validate::Issue;

/// The tags of the scenario's internally tagged enums. serde ignores any
/// field beside the tag of a variant that has no fields of its own
/// (`{"shape": "poisson", "arrivals": "constant"}` reads as plain
/// `poisson`), so such fields are looked for here. A test keeps the list
/// complete.
pub const ENUM_TAGS: [&str; 6] = ["shape", "dist", "call", "mode", "kind", "do"];

/// Parses `text` into a JSON value, refusing duplicate keys at any depth
/// (every one is reported, with its path). A leading byte-order mark is
/// skipped.
pub fn parse(text: &str) -> Result<Value, Vec<Issue>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut duplicates = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Unique { path: String::new(), duplicates: &mut duplicates }
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value))
        .map_err(|e| vec![Issue::new("", format!("not valid JSON: {e}"))])?;
    if duplicates.is_empty() { Ok(value) } else { Err(duplicates) }
}

/// Builds a [`Value`] like serde_json does, noting keys that repeat within
/// one object instead of letting the last one win.
struct Unique<'a> {
    path: String,
    duplicates: &'a mut Vec<Issue>,
}

impl<'de> DeserializeSeed<'de> for Unique<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Unique<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let path = format!("{}[{}]", self.path, items.len());
            match seq.next_element_seed(Unique { path, duplicates: &mut *self.duplicates })? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = join(&self.path, &key);
            let seed = Unique { path: path.clone(), duplicates: &mut *self.duplicates };
            let value = map.next_value_seed(seed)?;
            if object.contains_key(&key) {
                self.duplicates.push(Issue::new(
                    path,
                    "appears twice in one object; each key may appear once (which value was \
                     meant?)",
                ));
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

/// Where the document `given` and the value read from it (`read`,
/// serialised back) differ in shape: a list where an object was read, or
/// fields beside the tag of a variant that takes none. `reads` says whether
/// a whole document parses, and is used to tell a list field left at its
/// default from an object field given as an empty list.
pub fn shape_issues(given: &Value, read: &Value, reads: impl Fn(&Value) -> bool) -> Vec<Issue> {
    let mut walk = Walk { root: given, reads: &reads, issues: Vec::new() };
    walk.compare(given, read, &mut Vec::new());
    walk.issues
}

/// A step into a document: an object's key or a list's index.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn display(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => out = join(&out, k),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

struct Walk<'a> {
    root: &'a Value,
    reads: &'a dyn Fn(&Value) -> bool,
    issues: Vec<Issue>,
}

const NOT_A_LIST: &str = "is a list; expected an object with named fields";

impl Walk<'_> {
    fn compare(&mut self, given: &Value, read: &Value, path: &mut Vec<Step>) {
        match (given, read) {
            (Value::Array(_), Value::Object(_)) => {
                self.issues.push(Issue::new(display(path), NOT_A_LIST));
            }
            (Value::Array(given), Value::Array(read)) => {
                for (i, (g, r)) in given.iter().zip(read).enumerate() {
                    path.push(Step::Index(i));
                    self.compare(g, r, path);
                    path.pop();
                }
            }
            (Value::Object(given), Value::Object(read)) => {
                let unit_variant = match read.iter().next() {
                    Some((tag, Value::String(variant)))
                        if read.len() == 1 && ENUM_TAGS.contains(&tag.as_str()) =>
                    {
                        Some((tag, variant))
                    }
                    _ => None,
                };
                for (key, g) in given {
                    path.push(Step::Key(key.clone()));
                    match (read.get(key), unit_variant) {
                        (Some(r), _) => self.compare(g, r, path),
                        (None, Some((tag, variant))) => self.issues.push(Issue::new(
                            display(path),
                            format!(
                                "unknown field `{key}`: {tag} `{variant}` takes no other fields"
                            ),
                        )),
                        (None, None) if g.is_array() && self.object_fits(path) => {
                            self.issues.push(Issue::new(display(path), NOT_A_LIST));
                        }
                        (None, None) => {}
                    }
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// Whether the document still parses with an empty object in place of
    /// the list at `path`: then the field is an object (read from the list
    /// as its default), not a list left empty.
    fn object_fits(&self, path: &[Step]) -> bool {
        let mut doc = self.root.clone();
        let mut at = &mut doc;
        for step in path {
            at = match (step, at) {
                (Step::Key(k), Value::Object(m)) => m.get_mut(k).expect("walked from here"),
                (Step::Index(i), Value::Array(a)) => &mut a[*i],
                _ => return false,
            };
        }
        *at = Value::Object(Map::new());
        (self.reads)(&doc)
    }
}

/// The path below an error's location that the error is about, when serde
/// could not say: inside an internally tagged enum (serde buffers its
/// fields and loses their names) or a custom deserialisation. Found by
/// looking in `at` (the value the error was raised on) for the one field
/// the message names or whose value the message quotes; `None` when no
/// single field fits.
pub fn locate(at: &Value, message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next()?;
        return at.as_object()?.contains_key(key).then(|| format!(".{key}"));
    }
    let quoted = ["invalid type: ", "invalid value: "]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split_once(", expected"))
        .map(|(unexpected, _)| unexpected)?;
    let mut found = Vec::new();
    find_quoted(at, quoted, &mut String::new(), &mut found);
    match found.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

/// Collects the paths (below `at`) of leaves that serde would describe as
/// `quoted` in an error message.
fn find_quoted(at: &Value, quoted: &str, path: &mut String, found: &mut Vec<String>) {
    let len = path.len();
    match at {
        Value::Object(m) => {
            for (k, v) in m {
                path.push('.');
                path.push_str(k);
                find_quoted(v, quoted, path, found);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                find_quoted(v, quoted, path, found);
                path.truncate(len);
            }
        }
        leaf => {
            if !path.is_empty() && unexpected(leaf).is_some_and(|u| u.to_string() == quoted) {
                found.push(path.clone());
            }
        }
    }
    // A list or an object is quoted as `sequence` or `map`.
    let whole = match at {
        Value::Array(_) => Some(Unexpected::Seq),
        Value::Object(_) => Some(Unexpected::Map),
        _ => None,
    };
    if !path.is_empty() && whole.is_some_and(|u| u.to_string() == quoted) {
        found.push(path.clone());
    }
}

/// How serde describes a scalar JSON value in an error message.
fn unexpected(v: &Value) -> Option<Unexpected<'_>> {
    Some(match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::String(s) => Unexpected::Str(s),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (None, Some(i), _) => Unexpected::Signed(i),
            (None, None, Some(f)) => Unexpected::Float(f),
            _ => return None,
        },
        Value::Array(_) | Value::Object(_) => return None,
    })
}
