//! Serde for the view's references to static data, so a view can cross a
//! message boundary (the app's engine runs in a Web Worker): a health rule
//! travels as its index in [`HEALTH_RULES`], an age gauge's label as its text.

use std::sync::Mutex;

use serde::{Deserialize, Deserializer};

use super::AgeGauge;
use super::health::{AgeThresholds, HEALTH_RULES, HealthRule};

/// A `&'static HealthRule` as its index in [`HEALTH_RULES`].
pub mod rule {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use super::{HEALTH_RULES, HealthRule};

    pub fn serialize<S: Serializer>(rule: &&'static HealthRule, s: S) -> Result<S::Ok, S::Error> {
        let index = HEALTH_RULES.iter().position(|r| std::ptr::eq(r, *rule));
        s.serialize_u64(index.map_or(u64::MAX, |i| i as u64))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static HealthRule, D::Error> {
        let index = u64::deserialize(d)?;
        usize::try_from(index)
            .ok()
            .and_then(|i| HEALTH_RULES.get(i))
            .ok_or_else(|| D::Error::custom(format!("no health rule {index}")))
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
