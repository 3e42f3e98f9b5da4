//! A destination's validation: the rules of its parameters beyond their
//! ranges. Called by `validate/mod.rs`.

use crate::scenario::DestinationSpec;
use crate::validate::Checker;

/// Outage windows end after they start.
pub(crate) fn check_params(check: &mut Checker<'_>, path: &str, d: &DestinationSpec) {
    for (i, w) in d.outages.iter().enumerate() {
        if w.to_s <= w.from_s {
            check.push(
                format!("{path}.outages[{i}].to_s"),
                format!(
                    "{} is not after from_s ({}); a window must end after it starts",
                    w.to_s, w.from_s
                ),
            );
        }
    }
}
