//! Shardplay's browser app: a Leptos client-side UI over `sim-core`.
//!
//! The simulation has one owner, the engine (`engine`), which the page
//! speaks to in messages: commands in, views and chart series out. It runs
//! in a dedicated Web Worker (`worker`, the same wasm started a second
//! time) or, where no worker starts, in the page, driven by the frame loop
//! (`sim_loop`); `host` is the page's end of either. Components read the
//! published snapshot (`snapshot`) and chart series (`components::chart`).
//! Planning work (replications, the service comparison) is tasks (`plan`)
//! run on a small pool of further workers (`pool`).

pub mod alarm;
pub mod components;
pub mod download;
pub mod editor;
pub mod engine;
pub mod focus;
pub mod format;
pub mod highlight;
pub mod host;
pub mod infra;
pub mod link;
pub mod plan;
pub mod pool;
pub mod recovery;
pub mod sim_loop;
pub mod snapshot;
pub mod state;
pub mod worker;

mod app;

pub use app::App;
