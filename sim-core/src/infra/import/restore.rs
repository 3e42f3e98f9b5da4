//! What an import gives back from a Shardplay export's own scenario, which
//! the export keeps in the template's `Metadata` (`Shardplay.Scenario`).
//!
//! A template says what AWS deploys, not what your applications do: the
//! producers' keys, sizes and traffic shape, a reader on your own compute,
//! a KCL or Flink application, the canvas layout. Without the metadata an
//! import assumes them and says so; with it:
//!
//! - a template unchanged since the export, as far as the simulation reads
//!   it, gives the scenario back whole, so the run is the same bit for bit;
//! - a changed template is read like any other (its resources are the
//!   truth), and the applications come back around it, wired by node id:
//!   a resource the template still declares with the same id and kind keeps
//!   its link, an application whose resource is gone is left out and
//!   listed. A resource the edit left as it was keeps the settings a
//!   template cannot hold (a function's duration model, a consumer's
//!   processing time).
//!
//! The metadata is input like any other: it is loaded and validated as a
//! scenario file, and a broken one is listed, not trusted.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Builder, Template};
use crate::infra::{Format, cloudformation, declared, export};
use crate::scenario::{Link, NodeSpec, Scenario};
use crate::validate::{ValidScenario, load_scenario};

/// Said when a template comes back whole.
pub(super) const WHOLE: &str = "It is a Shardplay export, and nothing the simulation reads has changed since: the scenario comes back whole, with its producers, the applications that read, the layout and the schedule.";

/// The scenario a Shardplay export keeps in `doc`'s metadata, if it has
/// one: valid, or why not (as an assumption to list).
pub(super) fn embedded(doc: &Value) -> Option<Result<ValidScenario, String>> {
    let text = match doc.pointer("/Metadata/Shardplay/Scenario")? {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    Some(load_scenario(&text).map_err(|issues| {
        let first = issues.first().map_or(String::new(), |i| {
            if i.path.is_empty() { i.message.clone() } else { format!("{}: {}", i.path, i.message) }
        });
        format!(
            "Metadata.Shardplay.Scenario: the scenario this export kept is not valid ({first}), so the template is read without it."
        )
    }))
}

/// What an import reads from `format`'s export of `exported`: its nodes
/// and links before anything is assumed, and its parameters' defaults.
/// A template that reads the same comes back whole.
pub(super) fn reading(exported: &ValidScenario, format: Format) -> Option<Reading> {
    let doc = super::parse(&export(exported, format), format).ok()?;
    let t = Template::read(&doc).ok()?;
    let mut b = Builder::new(&t);
    b.read_resources().ok()?;
    Some(Reading::of(&b))
}

/// A template's pipeline as the simulation reads it (names aside: YAML
/// keeps them in comments, which are not read).
#[derive(PartialEq)]
pub(super) struct Reading {
    specs: BTreeMap<String, NodeSpec>,
    links: Vec<Link>,
    defaults: Vec<(String, Option<Value>)>,
}

impl Reading {
    /// What `b` has read, before anything is assumed.
    pub(super) fn of(b: &Builder) -> Reading {
        Reading {
            specs: b.nodes.iter().map(|n| (n.id.clone(), n.spec.clone())).collect(),
            links: b.links.clone(),
            defaults: b
                .t
                .described
                .iter()
                .map(|(name, _)| (name.clone(), b.t.default_of(name).cloned()))
                .collect(),
        }
    }
}

/// Gives the applications of `exported` back to the changed template `b`
/// is reading, and the settings its unchanged resources had (those whose
/// spec reads as in `clean`, the reading of an untouched export).
pub(super) fn applications(b: &mut Builder, exported: ValidScenario, clean: Option<Reading>) {
    let e = exported.scenario();
    // A declared node of the export that the template still has: the same
    // id and kind. Its name comes back (YAML does not keep it), and its
    // whole spec when the template says of it what the export did.
    let mut present = BTreeSet::new();
    let mut settled = Vec::new();
    for node in &mut b.nodes {
        let Some(was) = e.nodes.iter().find(|n| n.id == node.id) else { continue };
        if was.spec.kind() != node.spec.kind() {
            continue;
        }
        present.insert(node.id.clone());
        node.name = was.name.clone();
        if clean.as_ref().and_then(|c| c.specs.get(&node.id)) == Some(&node.spec) {
            node.spec = was.spec.clone();
            settled.extend(b.origin.get(&node.id).map(|logical| format!("{logical}: ")));
        }
    }
    // What the reading assumed of those nodes, the export said.
    b.assumptions.retain(|a| !settled.iter().any(|s| a.starts_with(s.as_str())));
    // An application stays when everything it is wired to stays.
    let mut kept: BTreeSet<&str> =
        e.nodes.iter().filter(|n| !declared(&n.spec)).map(|n| n.id.as_str()).collect();
    let stays = |id: &str, kept: &BTreeSet<&str>| kept.contains(id) || present.contains(id);
    let label =
        |id: &str| e.nodes.iter().find(|n| n.id == id).map_or(id, |n| n.label()).to_string();
    loop {
        let gone: Vec<(&str, &str)> = e
            .links
            .iter()
            .filter_map(|l| {
                let (from, to) = (l.from.as_str(), l.to.as_str());
                if kept.contains(from) && !stays(to, &kept) {
                    Some((from, to))
                } else if kept.contains(to) && !stays(from, &kept) {
                    Some((to, from))
                } else {
                    None
                }
            })
            .collect();
        if gone.is_empty() {
            break;
        }
        for (app, other) in gone {
            if kept.remove(app) {
                b.assume(format!(
                    "{}: it is wired to \"{}\", which the template no longer has, so it is left out.",
                    label(app),
                    label(other)
                ));
            }
        }
    }
    // The producers' rate parameters, as the template now says them.
    let names = cloudformation::keys(&crate::infra::template(e));
    let mut ids = BTreeMap::new();
    for node in e.nodes.iter().filter(|n| kept.contains(n.id.as_str())) {
        let mut node = node.clone();
        if let NodeSpec::Producer(p) = &mut node.spec {
            let param = names.cfn(&format!("{}-records-per-s", node.id));
            if let Some(rate) = b.t.default_of(&param).and_then(super::number) {
                p.records_per_s = rate;
            }
            b.taken.insert(param);
        }
        let id = b.new_id(&node.id);
        b.origin.insert(id.clone(), "Metadata.Shardplay.Scenario".into());
        ids.insert(node.id.clone(), id.clone());
        node.id = id;
        b.nodes.push(node);
        b.restored += 1;
    }
    for l in &e.links {
        let end = |id: &String| ids.get(id).or(present.get(id)).cloned();
        if (ids.contains_key(&l.from) || ids.contains_key(&l.to))
            && let (Some(from), Some(to)) = (end(&l.from), end(&l.to))
        {
            b.link(&from, &to);
        }
    }
    b.exported = Some(exported.scenario().clone());
}

/// Said when a changed template got `n` applications back.
pub(super) fn changed(n: usize) -> String {
    format!(
        "It is a Shardplay export, changed since: its resources are read from the template, and {n} application{} (producers and readers) came back from the export's metadata.",
        if n == 1 { "" } else { "s" }
    )
}

/// The run settings, layout and schedule of `exported` on the scenario a
/// changed template gave: what they say of nodes it no longer has is left
/// out.
pub(super) fn settings(s: &mut Scenario, exported: Scenario, assumptions: &mut Vec<String>) {
    let ids: BTreeSet<&str> = s.nodes.iter().map(|n| n.id.as_str()).collect();
    s.name = exported.name;
    s.seed = exported.seed;
    s.duration_s = exported.duration_s;
    s.warmup_s = exported.warmup_s;
    s.pricing = exported.pricing;
    s.objectives = exported.objectives;
    s.layout = exported.layout.into_iter().filter(|(id, _)| ids.contains(id.as_str())).collect();
    let before = exported.schedule.len();
    s.schedule =
        exported.schedule.into_iter().filter(|op| ids.contains(op.node.as_str())).collect();
    if s.schedule.len() < before {
        assumptions.push(format!(
            "{} of the schedule's changes were about nodes the template no longer has, so they are left out.",
            before - s.schedule.len()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_scenario_in_the_metadata_is_named_not_trusted() {
        let doc = serde_json::json!({"Metadata": {"Shardplay": {"Scenario": {"nodes": 3}}}});
        let why = embedded(&doc).expect("there is metadata").expect_err("it is refused");
        assert!(why.starts_with("Metadata.Shardplay.Scenario"), "{why}");
        assert!(embedded(&serde_json::json!({"Resources": {}})).is_none());
    }

    #[test]
    fn one_application_is_said_in_the_singular() {
        assert!(changed(1).contains("1 application (producers"));
        assert!(changed(2).contains("2 applications"));
    }
}
