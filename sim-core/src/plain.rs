//! Validation issues in people's words, for the app: nodes by their display
//! names rather than `nodes[0]` paths, and a value out of range as "more
//! than the 10,000 allowed". The CLI keeps the paths, which name the field
//! to edit in a file.

use crate::Scenario;
use crate::validate::Issue;

/// `issue` as a sentence about `scenario`: "events stream: 100,000 shards
/// is more than the 10,000 allowed", "Producer 1 is not wired to a stream
/// or a queue yet".
pub fn issue_in_words(issue: &Issue, scenario: &Scenario) -> String {
    let message = range_in_words(&issue.message).unwrap_or_else(|| issue.message.clone());
    match subject(&issue.path, scenario) {
        Some((name, None)) => match strip_kind_and_id(&message, scenario, &issue.path) {
            Some(rest) => format!("{name} {rest}"),
            None => format!("{name}: {message}"),
        },
        // A message about the value ("100,000 shards is more than ...")
        // says what the field is.
        Some((name, Some(_))) if message.starts_with(|c: char| c.is_ascii_digit() || c == '-') => {
            format!("{name}: {message}")
        }
        Some((name, Some(field))) => format!("{name}, {field}: {message}"),
        None if issue.path.is_empty() => message,
        None => format!("{}: {message}", field_words(&issue.path)),
    }
}

/// Every issue in people's words.
pub fn issues_in_words(issues: &[Issue], scenario: &Scenario) -> Vec<String> {
    issues.iter().map(|i| issue_in_words(i, scenario)).collect()
}

/// The first problem, and how many more there are: "the template is ...
/// (and 2 more problems)".
pub fn summarize(issues: &[impl ToString]) -> String {
    let first = issues.first().map(ToString::to_string).unwrap_or_default();
    let more = match issues.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more problem{})", n - 1, if n == 2 { "" } else { "s" }),
    };
    format!("{first}{more}")
}

/// Who an issue is about: a node's display name (and the field, in words,
/// if the issue is about one of its parameters), or a wire by its ends.
fn subject(path: &str, scenario: &Scenario) -> Option<(String, Option<String>)> {
    let (list, rest) = path.split_once('[')?;
    let (index, field) = rest.split_once(']')?;
    let index: usize = index.parse().ok()?;
    let field = field.trim_start_matches('.');
    let field = field.strip_prefix("params.").unwrap_or(field);
    // `nodes[1].params` is the node as a whole (a budget's refusal).
    let field = (!field.is_empty() && field != "params").then(|| field_words(field));
    let label =
        |id: &str| scenario.nodes.iter().find(|n| n.id == id).map_or(id, |n| n.label()).to_string();
    match list {
        "nodes" => Some((scenario.nodes.get(index)?.label().to_string(), field)),
        "links" => {
            let link = scenario.links.get(index)?;
            Some((format!("The wire from {} to {}", label(&link.from), label(&link.to)), field))
        }
        _ => None,
    }
}

/// A parameter path in words: `capacity.shards` → "capacity, shards".
fn field_words(path: &str) -> String {
    path.replace('.', ", ").replace('_', " ")
}

/// A node-level message starts with the node's kind and quoted id
/// (`producer "producer-1" is not wired ...`): the rest, so the display
/// name can take their place.
fn strip_kind_and_id<'a>(message: &'a str, scenario: &Scenario, path: &str) -> Option<&'a str> {
    let index: usize = path.strip_prefix("nodes[")?.strip_suffix(']')?.parse().ok()?;
    let id = &scenario.nodes.get(index)?.id;
    let quoted = format!("\"{id}\" ");
    let at = message.find(&quoted)?;
    // Only a short lead-in (the kind's name) before the id.
    (at <= 24).then(|| &message[at + quoted.len()..])
}

/// "100,000 is out of range; allowed 1 to 10,000 shards" → "100,000
/// shards is more than the 10,000 allowed"; `None` for other messages.
fn range_in_words(message: &str) -> Option<String> {
    let (value, allowed) = message.split_once(" is out of range; allowed ")?;
    let (min, rest) = allowed.split_once(" to ")?;
    let (max, unit) = rest.split_once(' ').unwrap_or((rest, ""));
    let number = |s: &str| s.replace(',', "").parse::<f64>().ok();
    let (v, lo, hi) = (number(value)?, number(min)?, number(max)?);
    let with_unit = |n: &str| if unit.is_empty() { n.to_string() } else { format!("{n} {unit}") };
    Some(if v > hi {
        format!("{} is more than the {max} allowed", with_unit(value))
    } else if v < lo {
        format!("{} is less than the {min} allowed", with_unit(value))
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_SCENARIO, NodeIndex, parse_scenario, validate};

    #[test]
    fn issues_name_nodes_by_display_name_and_ranges_in_words() {
        let mut scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        let json =
            serde_json::to_string(&scenario).unwrap().replace("\"shards\":2", "\"shards\":100000");
        scenario = parse_scenario(&json).unwrap();
        let mut extra = scenario.node(NodeIndex::new(0)).clone();
        extra.id = "producer-1".into();
        extra.name = "Producer 1".into();
        scenario.nodes.push(extra);
        let issues = validate(&scenario).unwrap_err();
        let words = issues_in_words(&issues, &scenario);
        let stream = scenario.node(NodeIndex::new(1)).label();
        assert!(
            words.contains(&format!("{stream}: 100,000 shards is more than the 10,000 allowed")),
            "{words:?}"
        );
        assert!(words.iter().any(|w| w.starts_with("Producer 1 is not wired")), "{words:?}");
        assert!(words.iter().all(|w| !w.contains("nodes[")), "{words:?}");
    }

    /// A budget's refusal is about a node as a whole (`nodes[i].params`):
    /// its display name alone leads, with no field.
    #[test]
    fn a_refusal_of_a_whole_node_leads_with_its_name() {
        let scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        let issue = Issue::new("nodes[0].params", "the run may take too much");
        let label = scenario.node(NodeIndex::new(0)).label();
        assert_eq!(
            issue_in_words(&issue, &scenario),
            format!("{label}: the run may take too much")
        );
    }

    #[test]
    fn a_value_below_its_range_is_less_than_the_minimum() {
        assert_eq!(
            range_in_words("-5 is out of range; allowed 0 to 10,000,000 records/s").as_deref(),
            Some("-5 records/s is less than the 0 allowed")
        );
        assert_eq!(range_in_words("not a range"), None);
    }
}
