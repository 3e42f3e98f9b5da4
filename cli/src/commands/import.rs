//! `shardplay import`: a CloudFormation template (YAML or JSON) as a
//! scenario (sim-core's `infra::import` reads it; this reads the file,
//! writes the scenario and says what was skipped or assumed).

use sim_core::infra::import::{self, MAX_TEMPLATE_BYTES};

use crate::args::ImportArgs;
use crate::input::{self, Source};
use crate::output::{Sink, note};
use crate::{Failure, Outcome};

pub fn execute(args: ImportArgs) -> Result<Outcome, Failure> {
    let source = Source::of(&args.template);
    let text = source.text("template", MAX_TEMPLATE_BYTES)?;
    let imported = import::import(&text)
        .map_err(|issues| Failure::Invalid { source: source.name(), issues })?;
    input::within_budget(&imported.scenario, &source)?;
    if let Some(restored) = &imported.restored {
        note(restored);
    }
    for line in &imported.skipped {
        note(&format!("not simulated: {line}"));
    }
    for line in &imported.assumptions {
        note(&format!("assumed: {line}"));
    }
    let json = serde_json::to_string_pretty(&imported.scenario.scenario().stamped())
        .expect("a scenario always serialises");
    let mut out = Sink::file_or_stdout(args.out.as_deref())?;
    out.json(&json)?;
    out.flush()?;
    Ok(Outcome::Done)
}
