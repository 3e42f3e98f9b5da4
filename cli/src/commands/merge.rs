//! `shardplay merge`: the partial results of a sweep split across machines
//! (`sweep --index I --of N`), checked to be one sweep's every slice
//! exactly once, printed as the one-machine sweep prints them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sim_core::Issue;

use crate::args::MergeArgs;
use crate::input::Source;
use crate::slices::{self, PART_FORMAT, PART_VERSION, Part, Report};
use crate::{Failure, Outcome};

/// Largest part file read: a thousand points' rows with long reasons.
const MAX_PART_BYTES: usize = 64 << 20;

pub fn execute(args: MergeArgs) -> Result<Outcome, Failure> {
    let mut parts = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        parts.push((path.clone(), read(path)?));
    }
    let ordered = check(parts).map_err(Failure::Usage)?;
    let (_, first) = &ordered[0];
    let mut report = Report::start(args.out.as_deref(), &first.table_header, &first.csv_header)?;
    for (_, part) in &ordered {
        for row in &part.rows {
            report.row(row)?;
        }
    }
    report.finish(&first.none_met)
}

/// Reads one part, refusing anything that is not a part of this format.
fn read(path: &Path) -> Result<Part, Failure> {
    let source = Source::File(path.to_path_buf());
    let damaged = |message: String| Failure::Invalid {
        source: source.name(),
        issues: vec![Issue { path: String::new(), message }],
    };
    let text = source.text("sweep part", MAX_PART_BYTES)?;
    let part: Part = serde_json::from_str(&text).map_err(|e| {
        damaged(format!(
            "is not a sweep part written by `shardplay sweep --index I --of N` ({e}); write it \
             again"
        ))
    })?;
    if part.format != PART_FORMAT || part.version != PART_VERSION {
        return Err(damaged(format!(
            "is a {:?} of version {}; merge reads {PART_FORMAT:?} of version {PART_VERSION}",
            part.format, part.version
        )));
    }
    Ok(part)
}

/// The parts in slice order, once each checked to be the same sweep's,
/// every slice present once, each holding exactly its own points.
fn check(parts: Vec<(PathBuf, Part)>) -> Result<Vec<(PathBuf, Part)>, String> {
    let name = |path: &Path| path.display().to_string();
    let (first_path, first) = &parts[0];
    let first_name = name(first_path);
    let key = |part: &Part| {
        let headers = (part.table_header.clone(), part.csv_header.clone(), part.none_met.clone());
        (part.sweep.clone(), part.of, part.points, headers)
    };
    let sweep = key(first);
    let (of, points) = (first.of, first.points);
    let mut by_slice: BTreeMap<u32, (PathBuf, Part)> = BTreeMap::new();
    for (path, part) in parts {
        if key(&part) != sweep {
            return Err(format!(
                "{} and {first_name} come from different sweeps (the scenario, parameter, \
                 values, replications or --of differ)",
                name(&path)
            ));
        }
        if part.slice >= of {
            return Err(format!(
                "{} says it is slice {} of {of}, past the last",
                name(&path),
                part.slice
            ));
        }
        let expected: Vec<usize> = slices::slice(part.slice, of, points).collect();
        let held: Vec<usize> = part.rows.iter().map(|r| r.index).collect();
        if held != expected {
            return Err(format!(
                "{} is slice {} of {of} but does not hold its points {} (it holds {})",
                name(&path),
                part.slice,
                span(&expected),
                span(&held)
            ));
        }
        if let Some((other, _)) = by_slice.get(&part.slice) {
            return Err(format!(
                "slice {} of {of} is given twice: {} and {}",
                part.slice,
                name(other),
                name(&path)
            ));
        }
        by_slice.insert(part.slice, (path, part));
    }
    let missing: Vec<String> =
        (0..of).filter(|s| !by_slice.contains_key(s)).map(|s| s.to_string()).collect();
    if !missing.is_empty() {
        let many = missing.len() > 1;
        return Err(format!(
            "slice{} {} of {of} {} missing (slices count from 0, as --index does)",
            if many { "s" } else { "" },
            missing.join(", "),
            if many { "are" } else { "is" }
        ));
    }
    Ok(by_slice.into_values().collect())
}

/// Point indexes as people read them: "3 to 5", "none".
fn span(indexes: &[usize]) -> String {
    match indexes {
        [] => "none".into(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first} to {last}"),
    }
}
