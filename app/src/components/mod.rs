//! UI components, one concern per file.

mod chart;
mod controls;
mod gallery;
mod notice;
pub(crate) mod pipeline;
mod stats;
mod toolbar;

pub use chart::{MetricChart, NodeCharts};
pub use controls::Controls;
pub use gallery::Gallery;
pub use notice::NoticeBar;
pub use pipeline::PipelineView;
pub use stats::{CostBreakdown, LedgerBar, ModeCompare, StatCards};
pub use toolbar::Toolbar;
