//! The editor's document is a [`Scenario`] (graph, parameters and layout);
//! these are the edits on it, as plain functions over the data, so they run
//! and are tested on the host. Wiring legality comes from
//! `sim_core::link_rule`, never from here.

use std::collections::{BTreeMap, BTreeSet};

use sim_core::scenario::{Link, Node, Position};
use sim_core::{NodeKind, NodeSpec, Scenario, link_rule};

/// Width of a node card in world units.
pub const CARD_W: f64 = 280.0;
/// Height of a node card in world units.
pub const CARD_H: f64 = 158.0;
/// Height of the row of counters over a card (records lost, refused
/// attempts), part of the drawing a fitted view must show.
pub const COUNTERS_H: f64 = 32.0;
/// Horizontal distance between auto-layout columns.
const COLUMN_STEP: f64 = 400.0;
/// Vertical distance between auto-layout rows.
const ROW_STEP: f64 = CARD_H + 40.0;

/// An empty document, as "New" creates it.
pub fn empty() -> Scenario {
    Scenario {
        v: sim_core::scenario::SCHEMA_VERSION,
        model_version: Some(sim_core::MODEL_VERSION),
        name: "Untitled pipeline".into(),
        description: String::new(),
        tags: Vec::new(),
        seed: 1,
        duration_s: 600,
        warmup_s: 0,
        nodes: Vec::new(),
        links: Vec::new(),
        layout: BTreeMap::new(),
        schedule: Vec::new(),
        pricing: Default::default(),
        objectives: None,
        lesson: None,
    }
}

/// The index of node `id`.
pub fn index_of(s: &Scenario, id: &str) -> Option<usize> {
    s.nodes.iter().position(|n| n.id == id)
}

/// An id not used yet, from the kind's name: `producer-1`, `producer-2`, ...
pub fn fresh_id(s: &Scenario, stem: &str) -> String {
    let stem = stem.replace('_', "-");
    (1..).map(|n| format!("{stem}-{n}")).find(|id| index_of(s, id).is_none()).unwrap_or(stem)
}

/// Adds a node of `kind` with default parameters at `at`; returns its id.
pub fn add_node(s: &mut Scenario, kind: NodeKind, at: Position) -> String {
    let id = fresh_id(s, kind.as_str());
    let same_kind = s.nodes.iter().filter(|n| n.spec.kind() == kind).count();
    let name = format!("{} {}", kind.title(), same_kind + 1);
    s.nodes.push(Node { id: id.clone(), name, spec: NodeSpec::default_for(kind) });
    s.layout.insert(id.clone(), at);
    id
}

/// Removes the nodes `ids` with their links and positions.
pub fn remove_nodes(s: &mut Scenario, ids: &BTreeSet<String>) {
    s.nodes.retain(|n| !ids.contains(&n.id));
    s.links.retain(|l| !ids.contains(&l.from) && !ids.contains(&l.to));
    s.layout.retain(|id, _| !ids.contains(id));
    s.schedule.retain(|op| !ids.contains(&op.node));
}

/// Whether a wire from `from`'s output to `to`'s input may be drawn, and
/// why not. The kind rule is sim-core's `link_rule`.
pub fn can_connect(s: &Scenario, from: &str, to: &str) -> Result<(), String> {
    let (Some(a), Some(b)) = (index_of(s, from), index_of(s, to)) else {
        return Err("that node no longer exists".into());
    };
    if a == b {
        return Err("a node cannot be wired to itself".into());
    }
    if s.links.iter().any(|l| l.from == from && l.to == to) {
        return Err("these two are already wired".into());
    }
    link_rule(s.nodes[a].spec.kind(), s.nodes[b].spec.kind()).map_err(str::to_string)
}

/// Adds the wire `from -> to` if it is legal.
pub fn connect(s: &mut Scenario, from: &str, to: &str) -> Result<(), String> {
    can_connect(s, from, to)?;
    s.links.push(Link { from: from.into(), to: to.into() });
    Ok(())
}

/// Removes the wire `from -> to`.
pub fn disconnect(s: &mut Scenario, from: &str, to: &str) {
    s.links.retain(|l| !(l.from == from && l.to == to));
}

/// Where every node sits, by node index: its layout position, or for nodes
/// without one, a place from [`auto_layout`].
pub fn positions(s: &Scenario) -> Vec<Position> {
    let auto = if s.nodes.iter().all(|n| s.layout.contains_key(&n.id)) {
        BTreeMap::new()
    } else {
        auto_layout(s)
    };
    s.nodes
        .iter()
        .map(|n| s.layout.get(&n.id).or_else(|| auto.get(&n.id)).copied().unwrap_or(ORIGIN))
        .collect()
}

const ORIGIN: Position = Position { x: 0.0, y: 0.0 };

/// Left-to-right layout by data flow: a node's column is the length of the
/// longest wired path reaching it (sources in column 0); unwired nodes go
/// by their kind's usual rank. Rows stack top to bottom in file order.
pub fn auto_layout(s: &Scenario) -> BTreeMap<String, Position> {
    let n = s.nodes.len();
    let edges: Vec<(usize, usize)> = s
        .links
        .iter()
        .filter_map(|l| Some((index_of(s, &l.from)?, index_of(s, &l.to)?)))
        .filter(|(a, b)| a != b)
        .collect();
    let wired: BTreeSet<usize> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
    let mut column: Vec<usize> = (0..n)
        .map(|i| if wired.contains(&i) { 0 } else { s.nodes[i].spec.kind().rank() })
        .collect();
    // Longest path by relaxation; at most n rounds, so a cycle cannot loop.
    for _ in 0..n {
        let mut changed = false;
        for &(a, b) in &edges {
            if column[b] < column[a] + 1 && column[a] < n {
                column[b] = column[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut rows: BTreeMap<usize, usize> = BTreeMap::new();
    s.nodes
        .iter()
        .zip(column)
        .map(|(node, c)| {
            let row = rows.entry(c).or_default();
            let at = Position { x: c as f64 * COLUMN_STEP, y: *row as f64 * ROW_STEP };
            *row += 1;
            (node.id.clone(), at)
        })
        .collect()
}

/// Moves the nodes `ids` by `(dx, dy)`, writing their positions into the layout.
pub fn move_nodes(s: &mut Scenario, ids: &BTreeSet<String>, dx: f64, dy: f64) {
    let pos = positions(s);
    for (node, p) in s.nodes.iter().zip(pos) {
        if ids.contains(&node.id) {
            s.layout.insert(node.id.clone(), Position { x: p.x + dx, y: p.y + dy });
        }
    }
}

/// Rounds `v` to the nearest multiple of `grid`.
pub fn snap(v: f64, grid: f64) -> f64 {
    (v / grid).round() * grid
}

/// Copied nodes with the wires among them and their positions.
#[derive(Clone, Debug, PartialEq)]
pub struct Fragment {
    /// The nodes.
    pub nodes: Vec<Node>,
    /// Wires whose both ends are in `nodes`.
    pub links: Vec<Link>,
    /// Their positions.
    pub positions: Vec<Position>,
}

/// The nodes `ids` with the wires between them.
pub fn copy(s: &Scenario, ids: &BTreeSet<String>) -> Fragment {
    let pos = positions(s);
    let (nodes, positions) = s
        .nodes
        .iter()
        .zip(pos)
        .filter(|(n, _)| ids.contains(&n.id))
        .map(|(n, p)| (n.clone(), p))
        .unzip();
    let links =
        s.links.iter().filter(|l| ids.contains(&l.from) && ids.contains(&l.to)).cloned().collect();
    Fragment { nodes, links, positions }
}

/// Adds a copy of `fragment` shifted by `offset`, with fresh ids; returns them.
pub fn paste(s: &mut Scenario, fragment: &Fragment, offset: (f64, f64)) -> BTreeSet<String> {
    let mut renamed = BTreeMap::new();
    for (node, p) in fragment.nodes.iter().zip(&fragment.positions) {
        let stem = node.id.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
        let id = fresh_id(s, if stem.is_empty() { "node" } else { stem });
        renamed.insert(node.id.clone(), id.clone());
        s.nodes.push(Node { id: id.clone(), ..node.clone() });
        s.layout.insert(id, Position { x: p.x + offset.0, y: p.y + offset.1 });
    }
    for l in &fragment.links {
        if let (Some(from), Some(to)) = (renamed.get(&l.from), renamed.get(&l.to)) {
            s.links.push(Link { from: from.clone(), to: to.clone() });
        }
    }
    renamed.into_values().collect()
}

/// The box around every card, `(min_x, min_y, max_x, max_y)`; `None` without nodes.
pub fn bounds(pos: &[Position]) -> Option<(f64, f64, f64, f64)> {
    let first = pos.first()?;
    Some(pos.iter().fold((first.x, first.y, first.x + CARD_W, first.y + CARD_H), |b, p| {
        (b.0.min(p.x), b.1.min(p.y), b.2.max(p.x + CARD_W), b.3.max(p.y + CARD_H))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f64, y: f64) -> Position {
        Position { x, y }
    }

    #[test]
    fn wiring_follows_sim_cores_rule_and_refuses_with_its_reason() {
        let mut s = empty();
        let p = add_node(&mut s, NodeKind::Producer, at(0.0, 0.0));
        let k = add_node(&mut s, NodeKind::KinesisStream, at(400.0, 0.0));
        let c = add_node(&mut s, NodeKind::Consumer, at(800.0, 0.0));
        assert_eq!(connect(&mut s, &p, &k), Ok(()));
        let why = connect(&mut s, &p, &c).unwrap_err();
        assert_eq!(why, link_rule(NodeKind::Producer, NodeKind::Consumer).unwrap_err());
        assert_eq!(connect(&mut s, &p, &k).unwrap_err(), "these two are already wired");
        assert_eq!(connect(&mut s, &k, &k).unwrap_err(), "a node cannot be wired to itself");
        assert_eq!(connect(&mut s, &k, &c), Ok(()));
        assert!(sim_core::validate(&s).is_ok(), "a wired pipeline runs");
    }

    #[test]
    fn removing_a_node_drops_its_wires_and_position() {
        let mut s = empty();
        let p = add_node(&mut s, NodeKind::Producer, at(0.0, 0.0));
        let k = add_node(&mut s, NodeKind::KinesisStream, at(400.0, 0.0));
        connect(&mut s, &p, &k).unwrap();
        remove_nodes(&mut s, &[k.clone()].into());
        assert!(s.links.is_empty());
        assert!(!s.layout.contains_key(&k));
        assert_eq!(s.nodes.len(), 1);
    }

    #[test]
    fn auto_layout_runs_left_to_right_by_data_flow() {
        let mut s = empty();
        // Added in reverse order and without positions.
        let c = add_node(&mut s, NodeKind::Consumer, at(0.0, 0.0));
        let k = add_node(&mut s, NodeKind::KinesisStream, at(0.0, 0.0));
        let p = add_node(&mut s, NodeKind::Producer, at(0.0, 0.0));
        connect(&mut s, &p, &k).unwrap();
        connect(&mut s, &k, &c).unwrap();
        s.layout.clear();
        let layout = auto_layout(&s);
        assert!(layout[&p].x < layout[&k].x && layout[&k].x < layout[&c].x, "{layout:?}");
        let pos = positions(&s);
        assert_eq!(pos[index_of(&s, &p).unwrap()], layout[&p]);
    }

    #[test]
    fn paste_gives_fresh_ids_and_keeps_inner_wires() {
        let mut s = empty();
        let p = add_node(&mut s, NodeKind::Producer, at(0.0, 0.0));
        let k = add_node(&mut s, NodeKind::KinesisStream, at(400.0, 0.0));
        connect(&mut s, &p, &k).unwrap();
        let fragment = copy(&s, &[p.clone(), k.clone()].into());
        let new = paste(&mut s, &fragment, (40.0, 40.0));
        assert_eq!(new.len(), 2);
        assert!(new.iter().all(|id| id != &p && id != &k));
        assert_eq!(s.links.len(), 2);
        assert_eq!(s.layout[&fresh_id_before(&new, "producer")], at(40.0, 40.0));
        assert!(sim_core::validate(&s).is_ok(), "{:?}", sim_core::validate(&s).err());
    }

    fn fresh_id_before(ids: &BTreeSet<String>, stem: &str) -> String {
        ids.iter().find(|id| id.starts_with(stem)).cloned().unwrap()
    }

    #[test]
    fn moving_writes_positions_and_snapping_rounds_to_the_grid() {
        let mut s = empty();
        let p = add_node(&mut s, NodeKind::Producer, at(10.0, 10.0));
        move_nodes(&mut s, &[p.clone()].into(), 30.0, -10.0);
        assert_eq!(s.layout[&p], at(40.0, 0.0));
        assert_eq!(snap(29.0, 20.0), 20.0);
        assert_eq!(snap(31.0, 20.0), 40.0);
    }
}
