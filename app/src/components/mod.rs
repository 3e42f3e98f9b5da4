//! UI components, one concern per file.

mod autosize;
mod chart;
mod controls;
mod decor;
mod editor_bar;
mod embed;
mod export;
mod gallery;
mod inspector;
mod interventions;
mod jump;
mod lessons;
mod notice;
mod palette;
pub(crate) mod pipeline;
mod stats;
mod subscriptions;
mod toolbar;

pub use autosize::AutoSize;
pub use chart::{MetricChart, NodeCharts};
pub use controls::Controls;
pub use decor::{NodeBadges, WireFlow};
pub use editor_bar::EditorBar;
pub use embed::{CopyEmbed, OpenInShardplay, offscreen, use_embed_mode};
pub use gallery::Gallery;
pub use inspector::Inspector;
pub use interventions::Interventions;
pub use jump::JumpTo;
pub use lessons::{LessonList, LessonPanel};
pub use notice::NoticeBar;
pub use palette::Palette;
pub use pipeline::PipelineView;
pub use stats::{CostBreakdown, LedgerBar, ModeCompare, StatCards};
pub use subscriptions::SubscriptionForm;
pub use toolbar::Toolbar;
