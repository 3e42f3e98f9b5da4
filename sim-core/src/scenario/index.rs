//! Typed node indices: a node is named by its position in
//! [`Scenario::nodes`](super::Scenario::nodes), everywhere after validation
//! (the engine, its commands, its views). The engine also keeps each kind's
//! state in a vector of its own, indexed by the node's *slot* among nodes of
//! that kind; both were bare `usize`s once, and one passed for the other
//! type-checked. A [`NodeIndex`] indexes only a [`PerNode`] table, so that
//! mistake no longer compiles.

use std::fmt;
use std::ops::{Index, IndexMut};

use serde::{Deserialize, Serialize};

/// A node's position in the scenario's node list.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct NodeIndex(usize);

impl NodeIndex {
    /// The node at position `index` of the node list.
    pub const fn new(index: usize) -> Self {
        NodeIndex(index)
    }

    /// Its position in the node list.
    pub const fn get(self) -> usize {
        self.0
    }

    /// Every index of a list of `len` nodes, in order.
    pub fn all(len: usize) -> impl DoubleEndedIterator<Item = NodeIndex> + ExactSizeIterator {
        (0..len).map(NodeIndex)
    }
}

impl fmt::Display for NodeIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One value per node, indexed by [`NodeIndex`] only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PerNode<T>(Vec<T>);

impl<T> Default for PerNode<T> {
    fn default() -> Self {
        PerNode(Vec::new())
    }
}

impl<T> PerNode<T> {
    /// An empty table with room for `nodes` values.
    pub fn with_capacity(nodes: usize) -> Self {
        PerNode(Vec::with_capacity(nodes))
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Values it holds room for without reallocating (memory accounting).
    pub fn capacity(&self) -> usize {
        self.0.capacity()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of node `node`, if it is in range.
    pub fn get(&self, node: NodeIndex) -> Option<&T> {
        self.0.get(node.0)
    }

    /// The values, in node order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// The values, in node order, to change.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.0.iter_mut()
    }

    /// Each node's index with its value, in node order.
    pub fn enumerate(&self) -> impl DoubleEndedIterator<Item = (NodeIndex, &T)> {
        self.0.iter().enumerate().map(|(i, v)| (NodeIndex(i), v))
    }

    /// Every node's index, in order.
    pub fn indices(&self) -> impl DoubleEndedIterator<Item = NodeIndex> + ExactSizeIterator {
        NodeIndex::all(self.0.len())
    }

    /// The first node whose value passes `test`.
    pub fn position(&self, test: impl FnMut(&T) -> bool) -> Option<NodeIndex> {
        self.0.iter().position(test).map(NodeIndex)
    }

    /// Appends the next node's value.
    pub fn push(&mut self, value: T) {
        self.0.push(value);
    }
}

impl<T> From<Vec<T>> for PerNode<T> {
    fn from(values: Vec<T>) -> Self {
        PerNode(values)
    }
}

impl<T> FromIterator<T> for PerNode<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        PerNode(iter.into_iter().collect())
    }
}

impl<T> Index<NodeIndex> for PerNode<T> {
    type Output = T;

    fn index(&self, node: NodeIndex) -> &T {
        &self.0[node.0]
    }
}

impl<T> IndexMut<NodeIndex> for PerNode<T> {
    fn index_mut(&mut self, node: NodeIndex) -> &mut T {
        &mut self.0[node.0]
    }
}

impl<'a, T> IntoIterator for &'a PerNode<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut PerNode<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_index_serializes_as_its_number() {
        assert_eq!(serde_json::to_string(&NodeIndex::new(3)).unwrap(), "3");
        assert_eq!(serde_json::from_str::<NodeIndex>("7").unwrap(), NodeIndex::new(7));
    }

    #[test]
    fn a_per_node_table_pairs_each_value_with_its_node() {
        let table: PerNode<char> = "abc".chars().collect();
        assert_eq!(table[NodeIndex::new(1)], 'b');
        let pairs: Vec<_> = table.enumerate().map(|(i, c)| (i.get(), *c)).collect();
        assert_eq!(pairs, [(0, 'a'), (1, 'b'), (2, 'c')]);
        assert_eq!(table.get(NodeIndex::new(3)), None);
    }
}
