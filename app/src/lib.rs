//! Shardplay's browser app: a Leptos client-side UI over `sim-core`.
//!
//! The simulation lives outside the reactive graph (`state`), a frame loop
//! advances it (`sim_loop`), and components read published snapshots
//! (`snapshot`) or draw straight from the simulation (`components::chart`).

pub mod alarm;
pub mod components;
pub mod download;
pub mod editor;
pub mod focus;
pub mod format;
pub mod highlight;
pub mod link;
pub mod recovery;
pub mod sim_loop;
pub mod snapshot;
pub mod state;

mod app;

pub use app::App;
