//! Serde for the view's references to static data, so a view can cross a
//! message boundary (the app's engine runs in a Web Worker): a health rule
//! travels as its index in [`HEALTH_RULES`] (`null` when none applies), an
//! age gauge's label as its text, a duration that never ends as `null`.

use std::sync::Mutex;

use serde::{Deserialize, Deserializer};

use super::AgeGauge;
use super::health::{AgeThresholds, HEALTH_RULES, HealthRule};

/// A `&'static HealthRule` as its index in [`HEALTH_RULES`], or `null` for
/// [`HEALTHY`](super::health::HEALTHY) (no rule of its kind applies).
pub mod rule {
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    use super::super::health::HEALTHY;
    use super::{HEALTH_RULES, HealthRule};

    pub fn serialize<S: Serializer>(rule: &&'static HealthRule, s: S) -> Result<S::Ok, S::Error> {
        let index = HEALTH_RULES.iter().position(|r| std::ptr::eq(r, *rule));
        index.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static HealthRule, D::Error> {
        match Option::<usize>::deserialize(d)? {
            None => Ok(&HEALTHY),
            Some(i) => {
                HEALTH_RULES.get(i).ok_or_else(|| D::Error::custom(format!("no health rule {i}")))
            }
        }
    }
}

/// A duration in ms where infinity means "never" (no red threshold, a
/// reader with no retention to lose records to): JSON has no infinity, so
/// it travels as `null`.
pub mod never {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(ms: &f64, s: S) -> Result<S::Ok, S::Error> {
        ms.is_finite().then_some(*ms).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

/// An age gauge read back: its label is kept once for the life of the
/// program (labels come from a small fixed set).
impl<'de> Deserialize<'de> for AgeGauge {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            label: String,
            ms: f64,
            #[serde(with = "never")]
            limit_ms: f64,
            thresholds: AgeThresholds,
        }
        let w = Wire::deserialize(d)?;
        Ok(AgeGauge {
            label: keep(w.label),
            ms: w.ms,
            limit_ms: w.limit_ms,
            thresholds: w.thresholds,
        })
    }
}

/// `text` as a `&'static str`, each distinct text allocated once.
fn keep(text: String) -> &'static str {
    static SEEN: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut seen = SEEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = seen.iter().find(|s| **s == text) {
        return known;
    }
    let kept: &'static str = Box::leak(text.into_boxed_str());
    seen.push(kept);
    kept
}

#[cfg(test)]
mod tests {
    use crate::view::FrameView;
    use crate::{BUNDLED_SCENARIOS, Simulation, load_scenario};

    /// What the engine posts is what the page reads, for every bundled
    /// scenario a minute in: healthy nodes, rules that fire and gauges.
    #[test]
    fn every_bundled_view_survives_the_message_boundary() {
        for (file, json) in BUNDLED_SCENARIOS {
            let valid = load_scenario(json).expect(file);
            let mut sim = Simulation::new(&valid, valid.scenario().seed);
            sim.run_until(60_000);
            let view = FrameView::capture(&sim);
            let text = serde_json::to_string(&view).expect(file);
            let back: FrameView =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            // Price-book details (`CostItem`'s key and quote) stay behind:
            // the page shows what was billed.
            assert_eq!(serde_json::to_string(&back).unwrap(), text, "{file}");
            assert_eq!(back.nodes, view.nodes, "{file}");
        }
    }
}
