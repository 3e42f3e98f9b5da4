//! A sweep split across machines: `sweep --index I --of N` runs one
//! contiguous slice of the points and writes a [`Part`]; `merge` checks
//! that the parts are one sweep's every slice, each once, and prints what
//! the one-machine sweep prints. Both print through [`Report`], so the
//! bytes are the same by construction (docs/scale-out.md).

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sim_core::units::format_number;

use crate::output::Sink;
use crate::{Failure, Outcome};

/// What a part file says it is, so `merge` refuses anything else by name.
pub const PART_FORMAT: &str = "shardplay sweep part";
/// The part format's version: `merge` refuses a part of another.
pub const PART_VERSION: u32 = 1;
/// Most slices a sweep splits into.
pub const MAX_SLICES: u32 = 10_000;

/// The variables batch engines set to a task's index in an array job, in
/// the order they are read: Kubernetes Indexed Jobs, AWS Batch array jobs,
/// Slurm job arrays.
pub const INDEX_VARIABLES: [&str; 3] =
    ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "SLURM_ARRAY_TASK_ID"];

/// The points of slice `index` of `of`: contiguous and balanced (sizes
/// differ by at most one; with more slices than points some are empty, so
/// an array job larger than the sweep still merges).
pub fn slice(index: u32, of: u32, points: usize) -> Range<usize> {
    let at = |i: u32| (i as usize * points) / of as usize;
    at(index)..at(index + 1)
}

/// Checks `--of` and finds the slice's index: `--index`, or else the first
/// of [`INDEX_VARIABLES`] that is set (`var` reads the environment).
pub fn index_of(
    index: Option<u32>,
    of: u32,
    var: impl Fn(&str) -> Option<String>,
) -> Result<u32, String> {
    if !(1..=MAX_SLICES).contains(&of) {
        return Err(format!("--of is {of}; it must be 1 to {}", format_number(MAX_SLICES.into())));
    }
    let (index, from) = match index {
        Some(i) => (i, "--index".to_string()),
        None => {
            let (name, text) = INDEX_VARIABLES
                .iter()
                .find_map(|name| var(name).map(|text| (*name, text)))
                .ok_or_else(|| {
                    format!(
                        "--of {of} needs the slice's index: --index I, or one of {} set by the \
                         batch engine",
                        INDEX_VARIABLES.join(", ")
                    )
                })?;
            let i = text.trim().parse::<u32>().map_err(|_| {
                format!("{name} is {text:?}; it must be a whole number from 0 to {}", of - 1)
            })?;
            (i, name.to_string())
        }
    };
    if index >= of {
        return Err(format!(
            "{from} is {index}; with --of {of} it must be 0 to {} (slices count from 0)",
            of - 1
        ));
    }
    Ok(index)
}

/// One point of a sweep as printed: its table row, its CSV row, and what
/// the verdict needs.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Row {
    /// Its position among the sweep's values.
    pub index: usize,
    /// The table's line.
    pub table: String,
    /// The CSV's line.
    pub csv: String,
    /// Whether it met every objective.
    pub meets: bool,
    /// Its monthly cost, written as text in Rust's shortest round-trip
    /// form (JSON readers may round a number by one unit in the last
    /// place), so `merge` chooses the cheapest point as one machine does.
    #[serde(with = "exact")]
    pub monthly_usd: f64,
    /// The verdict line if it is the cheapest that meets the objectives.
    pub verdict: String,
}

/// What one slice of a sweep wrote.
#[derive(Debug, Serialize, Deserialize)]
pub struct Part {
    /// [`PART_FORMAT`].
    pub format: String,
    /// [`PART_VERSION`].
    pub version: u32,
    /// The sweep's fingerprint: the scenario as run, the parameter, its
    /// values and the replications. Parts of different sweeps differ here.
    pub sweep: String,
    /// This slice's index, from 0.
    pub slice: u32,
    /// How many slices the sweep was split into.
    pub of: u32,
    /// How many points the whole sweep has.
    pub points: usize,
    /// The table's header line.
    pub table_header: String,
    /// The CSV's header line.
    pub csv_header: String,
    /// The last line when no point meets the objectives.
    pub none_met: String,
    /// The slice's points, in order.
    pub rows: Vec<Row>,
}

/// Prints a sweep's table (and CSV) a row at a time and its verdict at the
/// end: what a one-machine sweep and `merge` both print.
pub struct Report {
    stdout: Sink,
    csv: Option<Sink>,
    /// The cheapest point that met every objective so far: its cost and
    /// verdict line.
    best: Option<(f64, String)>,
}

impl Report {
    /// Starts the output: the CSV file (if any) and both headers.
    pub fn start(
        csv: Option<&Path>,
        table_header: &str,
        csv_header: &str,
    ) -> Result<Report, Failure> {
        let mut csv = csv.map(Sink::create).transpose()?;
        if let Some(csv) = &mut csv {
            csv.data(csv_header)?;
        }
        let mut stdout = Sink::stdout();
        stdout.text(table_header)?;
        stdout.flush()?;
        Ok(Report { stdout, csv, best: None })
    }

    /// Writes one point (the CSV first: the result, then the report) and
    /// keeps it if it is the cheapest so far that meets the objectives.
    pub fn row(&mut self, row: &Row) -> Result<(), Failure> {
        if let Some(csv) = &mut self.csv {
            csv.data(&row.csv)?;
        }
        self.stdout.text(&row.table)?;
        self.stdout.flush()?;
        let cheaper = self.best.as_ref().is_none_or(|(best, _)| row.monthly_usd < *best);
        if row.meets && cheaper {
            self.best = Some((row.monthly_usd, row.verdict.clone()));
        }
        Ok(())
    }

    /// The verdict line; whether any point met the objectives.
    pub fn finish(mut self, none_met: &str) -> Result<Outcome, Failure> {
        if let Some(csv) = &mut self.csv {
            csv.flush()?;
        }
        let met = self.best.is_some();
        self.stdout.text(self.best.as_ref().map_or(none_met, |(_, verdict)| verdict))?;
        self.stdout.flush()?;
        Ok(if met { Outcome::Done } else { Outcome::NotMet })
    }
}

/// A finite number as text, read back bit for bit.
mod exact {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let text = String::deserialize(d)?;
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| D::Error::custom(format!("{text:?} is not a finite number")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_every_point_once_and_differ_by_at_most_one() {
        for points in [0, 1, 2, 7, 10, 1_000] {
            for of in [1, 2, 3, 7, 11, 1_000] {
                let sizes: Vec<usize> = (0..of).map(|i| slice(i, of, points).len()).collect();
                let covered: Vec<usize> = (0..of).flat_map(|i| slice(i, of, points)).collect();
                assert_eq!(covered, (0..points).collect::<Vec<_>>(), "{points} in {of}");
                let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(max - min <= 1, "{points} in {of}: {sizes:?}");
            }
        }
    }

    #[test]
    fn the_index_comes_from_the_flag_or_the_batch_engines_variable() {
        let none = |_: &str| None;
        assert_eq!(index_of(Some(2), 4, none), Ok(2));
        let slurm = |name: &str| (name == "SLURM_ARRAY_TASK_ID").then(|| "3".to_string());
        assert_eq!(index_of(None, 4, slurm), Ok(3));
        // The flag wins over the environment.
        assert_eq!(index_of(Some(1), 4, slurm), Ok(1));
        // Kubernetes is read before Slurm.
        let both = |name: &str| match name {
            "JOB_COMPLETION_INDEX" => Some("0".to_string()),
            "SLURM_ARRAY_TASK_ID" => Some("3".to_string()),
            _ => None,
        };
        assert_eq!(index_of(None, 4, both), Ok(0));
        let err = index_of(None, 4, none).unwrap_err();
        assert!(err.contains("--index") && err.contains("AWS_BATCH_JOB_ARRAY_INDEX"), "{err}");
        let err = index_of(Some(4), 4, none).unwrap_err();
        assert!(err.contains("0 to 3"), "{err}");
        let err = index_of(None, 4, |_| Some("two".into())).unwrap_err();
        assert!(err.contains("JOB_COMPLETION_INDEX") && err.contains("0 to 3"), "{err}");
        for of in [0, MAX_SLICES + 1] {
            assert!(index_of(Some(0), of, none).unwrap_err().contains("1 to 10,000"));
        }
    }

    #[test]
    fn costs_are_read_back_bit_for_bit() {
        for usd in [0.1 + 0.2, 1e-9, 123_456.789_012_345, f64::MAX, 5e-324] {
            let row = Row {
                index: 0,
                table: String::new(),
                csv: String::new(),
                meets: true,
                monthly_usd: usd,
                verdict: String::new(),
            };
            let back: Row = serde_json::from_str(&serde_json::to_string(&row).unwrap()).unwrap();
            assert_eq!(back.monthly_usd.to_bits(), usd.to_bits());
        }
        let bad =
            r#"{"index":0,"table":"","csv":"","meets":true,"monthly_usd":"NaN","verdict":""}"#;
        assert!(serde_json::from_str::<Row>(bad).unwrap_err().to_string().contains("finite"));
    }
}
