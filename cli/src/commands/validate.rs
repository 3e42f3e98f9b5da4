//! `shardplay validate`: every problem with the scenario, or that it is
//! fine as it would run (with the flags laid over it).

use crate::args::ValidateArgs;
use crate::output::Sink;
use crate::{Failure, Outcome, input};

pub fn execute(args: ValidateArgs) -> Result<Outcome, Failure> {
    let loaded = input::load(&args.scenario, None)?;
    let scenario = loaded.valid.scenario();
    let mut out = Sink::stdout();
    out.text(&format!(
        "{}: ok ({} nodes, {} links)\n",
        loaded.source.name(),
        scenario.nodes.len(),
        scenario.links.len()
    ))?;
    out.flush()?;
    Ok(Outcome::Done)
}
