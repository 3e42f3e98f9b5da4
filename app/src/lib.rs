//! Shardplay's browser app: a Leptos client-side UI over `sim-core`.
//!
//! The simulation has one owner, the engine host (`engine`), which the page
//! speaks to in messages: commands in, views and chart series out. A frame
//! loop drives it (`sim_loop`), and components read the published snapshot
//! (`snapshot`) and chart series (`components::chart`).

pub mod alarm;
pub mod components;
pub mod download;
pub mod editor;
pub mod engine;
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
