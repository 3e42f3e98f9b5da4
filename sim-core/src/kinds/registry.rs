//! The registry of node kinds. `scenario.rs` lists each AWS service once,
//! as `Kind(Spec) = "name" in folder`, and [`node_kinds!`] turns that list
//! into `NodeSpec`, `NodeKind`, `NodeKind::ALL`, the spec re-exports and the
//! dispatch to each folder's [`About`] (its palette words and its tables).
//!
//! It also generates two dispatch macros, `with_spec!` and `with_kind!`.
//! Each layer that asks every kind a question (validation, the engine's
//! shared paths, the estimate, the view, the export, the planner) declares
//! the question as a trait
//! with no default methods, each kind answers it in its folder's file of
//! that layer, and the layer dispatches with the macro: its body is
//! compiled once per kind, so a new kind that has not answered fails to
//! compile, and the compiler lists what it must decide, as an exhaustive
//! `match` would (no `_ =>` arm over kinds, checked by `tests/it/tidy.rs`).
//! The dispatch is static: the same `match` the layer would write, so the
//! engine's hot paths cost what they did.
//!
//! Data only, like the specs and tables it names.

use crate::kinds::params::Param;
use crate::metrics::catalogue::{Chart, MetricDef};

/// What a kind says about itself and the tables that describe it: one
/// `ABOUT` constant in each kind's `about.rs`.
#[derive(Clone, Copy, Debug)]
pub struct About {
    /// A human title for palettes and tooltips.
    pub title: &'static str,
    /// A short badge for node cards (a few capital letters).
    pub badge: &'static str,
    /// One sentence that teaches what the AWS component does and which
    /// limits matter.
    pub summary: &'static str,
    /// What an SNS subscription to it delivers to; `None` when a topic
    /// cannot subscribe it.
    pub sns_subscriber: Option<crate::scenario::Subscriber>,
    /// Where the kind usually sits in a left-to-right flow (0 = a source):
    /// the auto-layout's tie-breaker for nodes without links.
    pub rank: usize,
    /// The parameter table (see [`crate::kinds::params`]).
    pub params: &'static [Param],
    /// Top-level parameters a file may leave out, with the value to show
    /// when absent (`Null` for an optional part that is off).
    pub optional: fn() -> Vec<(&'static str, serde_json::Value)>,
    /// The CloudWatch metric table.
    pub metrics: &'static [MetricDef],
    /// The charts the app shows first.
    pub charts: &'static [Chart],
}

/// Generates the kind enums and their dispatch from the registry list.
macro_rules! node_kinds {
    // `$d` is a `$` passed in, so the generated macros can have their own
    // metavariables.
    ($d:tt $( $(#[$doc:meta])* $kind:ident($spec:ident) = $name:literal in $folder:ident, )*) => {
        $( pub use crate::kinds::$folder::spec::*; )*

        /// The kind of a node together with its parameters.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", content = "params")]
        pub enum NodeSpec {
            $( $(#[$doc])* #[serde(rename = $name)] $kind($spec), )*
        }

        /// The kind of a node without its parameters.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum NodeKind {
            $(
                #[doc = concat!("See [`NodeSpec::", stringify!($kind), "`].")]
                #[serde(rename = $name)]
                $kind,
            )*
        }

        impl NodeKind {
            /// Every kind, in palette order.
            pub const ALL: [NodeKind; [$($name),*].len()] = [$(NodeKind::$kind),*];

            /// The stable name used in scenario files and summaries.
            pub fn as_str(self) -> &'static str {
                match self { $( NodeKind::$kind => $name, )* }
            }

            /// The kind's registration entry: its words and its tables.
            pub fn about(self) -> &'static crate::kinds::registry::About {
                match self { $( NodeKind::$kind => &crate::kinds::$folder::about::ABOUT, )* }
            }
        }

        impl NodeSpec {
            /// A node of this kind with every parameter at its default, as
            /// the editor's palette adds it.
            pub fn default_for(kind: NodeKind) -> NodeSpec {
                match kind { $( NodeKind::$kind => NodeSpec::$kind($spec::default()), )* }
            }

            /// The kind of this node.
            pub fn kind(&self) -> NodeKind {
                match self { $( NodeSpec::$kind(_) => NodeKind::$kind, )* }
            }
        }

        $(
            impl From<$spec> for NodeSpec {
                fn from(spec: $spec) -> NodeSpec {
                    NodeSpec::$kind(spec)
                }
            }
        )*

        /// `with_spec!(node_spec, s => body)`: `body` with `s` bound to the
        /// typed spec inside a `NodeSpec` (or a `&NodeSpec`), whatever its kind.
        macro_rules! with_spec {
            ($d node_spec:expr, $d s:ident => $d body:expr) => {
                match $d node_spec {
                    $( $crate::scenario::NodeSpec::$kind($d s) => $d body, )*
                }
            };
        }
        pub(crate) use with_spec;

        /// `with_kind!(kind, S => body)`: `body` with the type `S` naming the
        /// spec type of `kind` (for a kind's answers that need no spec).
        macro_rules! with_kind {
            ($d node_kind:expr, $d t:ident => $d body:expr) => {
                match $d node_kind {
                    $( $crate::scenario::NodeKind::$kind => {
                        type $d t = $crate::scenario::$spec;
                        $d body
                    } )*
                }
            };
        }
        pub(crate) use with_kind;
    };
}
pub(crate) use node_kinds;
