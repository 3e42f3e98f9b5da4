//! `shardplay export`: the scenario's AWS resources as CloudFormation or
//! Terraform (sim-core's `infra` writes them; this only picks the format
//! and the file).

use sim_core::infra::{self, Format};

use crate::args::{ExportArgs, ExportFormat};
use crate::output::Sink;
use crate::{Failure, Outcome, input};

pub fn execute(args: ExportArgs) -> Result<Outcome, Failure> {
    let loaded = input::load(&args.scenario, None)?;
    let format = match args.format {
        ExportFormat::Cloudformation => Format::CloudFormation,
        ExportFormat::CloudformationJson => Format::CloudFormationJson,
        ExportFormat::Terraform => Format::Terraform,
    };
    let mut out = Sink::file_or_stdout(args.out.as_deref())?;
    out.data(&infra::export(&loaded.valid, format))?;
    out.flush()?;
    Ok(Outcome::Done)
}
