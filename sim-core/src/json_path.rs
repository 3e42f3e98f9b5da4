//! Dotted paths into a scenario's JSON (`capacity.shards`,
//! `event_source.batch_size`): the one setter that sweeps, lessons' fixes
//! and the app's inspector use to change a parameter before the result is
//! parsed and validated like any file.

use serde_json::{Map, Value};

/// Sets `path` inside `root` to `new`. Objects missing (or `null`) on the
/// way are created; `Null` removes the key, since an absent optional
/// parameter and a null one mean the same. A path through a value that is
/// not an object is refused, naming where it stops.
pub fn set_path(root: &mut Value, path: &str, new: Value) -> Result<(), String> {
    let keys: Vec<&str> = path.split('.').collect();
    let Some((last, parents)) = keys.split_last().filter(|_| keys.iter().all(|k| !k.is_empty()))
    else {
        return Err(format!("{path:?} is not a dotted path such as capacity.shards"));
    };
    let mut here = root;
    for (depth, key) in parents.iter().enumerate() {
        here = object_at(here, path, &keys[..depth])?.entry(*key).or_insert(Value::Null);
    }
    let object = object_at(here, path, parents)?;
    if new.is_null() {
        object.remove(*last);
    } else {
        object.insert((*last).to_string(), new);
    }
    Ok(())
}

/// The object reached by `keys` (made one if it is `null`), or why the
/// path cannot go through it.
fn object_at<'a>(
    here: &'a mut Value,
    path: &str,
    keys: &[&str],
) -> Result<&'a mut Map<String, Value>, String> {
    if here.is_null() {
        *here = Value::Object(Map::new());
    }
    match here {
        Value::Object(object) => Ok(object),
        _ if keys.is_empty() => Err(format!("{path:?}: the document is not an object")),
        _ => Err(format!("{path:?}: {:?} is not an object", keys.join("."))),
    }
}

/// The `params` of the node with id `node` in a scenario's JSON (`null`
/// if the node has none, which [`set_path`] fills in), or `None` when no
/// node has that id.
pub fn node_params<'a>(scenario: &'a mut Value, node: &str) -> Option<&'a mut Value> {
    let found = scenario.get_mut("nodes")?.as_array_mut()?.iter_mut().find(|n| n["id"] == node)?;
    Some(found.as_object_mut()?.entry("params").or_insert(Value::Null))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_nested_value_is_set_and_missing_objects_are_created() {
        let mut doc = json!({"capacity": {"shards": 2}});
        set_path(&mut doc, "capacity.shards", json!(8)).unwrap();
        set_path(&mut doc, "retry.max_attempts", json!(5)).unwrap();
        assert_eq!(doc, json!({"capacity": {"shards": 8}, "retry": {"max_attempts": 5}}));
        let mut empty = Value::Null;
        set_path(&mut empty, "a.b", json!(true)).unwrap();
        assert_eq!(empty, json!({"a": {"b": true}}));
    }

    #[test]
    fn null_removes_the_key() {
        let mut doc = json!({"aggregation": {"records": 10}, "keep": 1});
        set_path(&mut doc, "aggregation", Value::Null).unwrap();
        assert_eq!(doc, json!({"keep": 1}));
    }

    #[test]
    fn a_path_through_a_value_is_refused_where_it_stops() {
        let mut doc = json!({"capacity": {"shards": 2}});
        let before = doc.clone();
        assert_eq!(
            set_path(&mut doc, "capacity.shards.count", json!(1)).unwrap_err(),
            r#""capacity.shards.count": "capacity.shards" is not an object"#
        );
        assert!(set_path(&mut json!(3), "x", json!(1)).unwrap_err().contains("the document"));
        assert!(set_path(&mut doc, "a..b", json!(1)).unwrap_err().contains("not a dotted path"));
        assert!(set_path(&mut doc, "", json!(1)).is_err());
        assert_eq!(doc, before, "a refused path changes nothing");
    }

    #[test]
    fn a_node_is_found_by_id() {
        let mut doc = json!({"nodes": [{"id": "a", "params": {"x": 1}}, {"id": "b"}]});
        assert_eq!(node_params(&mut doc, "a"), Some(&mut json!({"x": 1})));
        set_path(node_params(&mut doc, "b").unwrap(), "y", json!(2)).unwrap();
        assert_eq!(doc["nodes"][1]["params"], json!({"y": 2}));
        assert!(node_params(&mut doc, "c").is_none());
        assert!(node_params(&mut json!([]), "a").is_none());
    }
}
