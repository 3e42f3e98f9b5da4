//! One module per subcommand; each reads its scenario through `input`,
//! writes through `output` and says how it ended.

pub mod autosize;
pub mod compare;
pub mod cost;
pub mod export;
pub mod import;
pub mod merge;
pub mod run;
pub mod sweep;
pub mod validate;
