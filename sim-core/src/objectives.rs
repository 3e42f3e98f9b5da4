//! What a pipeline must achieve: the objectives a capacity planner checks
//! every run against. Stated in the scenario's optional `objectives` block
//! or on the command line (flags override the block).

use crate::replicate::interval;
use crate::scenario::{NodeSpec, Scenario, Traffic};
use crate::sweep::SweepPoint;
use crate::units::format_number as n;

pub use crate::scenario::objectives::Objectives;

impl Objectives {
    /// The objectives of a scenario: its block, or the defaults.
    pub fn of(scenario: &Scenario) -> Objectives {
        scenario.objectives.clone().unwrap_or_default()
    }

    /// The objectives a run missed, in words (empty when it met them all).
    pub fn misses(&self, p: &SweepPoint) -> Vec<String> {
        let mut out = Vec::new();
        if self.no_write_throttling && p.write_throttled > 0.0 {
            out.push(format!("{} write attempts refused", n(p.write_throttled)));
        }
        if self.no_read_throttling && p.read_throttled > 0.0 {
            out.push(format!("{} read calls refused", n(p.read_throttled)));
        }
        if let Some(max) = self.max_iterator_age_p99_ms
            && p.iterator_age_p99_ms > max
        {
            out.push(format!(
                "iterator age p99 {} ms over {} ms",
                n(p.iterator_age_p99_ms),
                n(max)
            ));
        }
        if let Some(max) = self.max_oldest_message_age_s
            && p.oldest_message_age_s > max
        {
            out.push(format!(
                "oldest message {} s old, over {} s",
                n(p.oldest_message_age_s),
                n(max)
            ));
        }
        if let Some(max) = self.max_data_freshness_s
            && p.data_freshness_s > max
        {
            out.push(format!("data freshness {} s over {} s", n(p.data_freshness_s), n(max)));
        }
        if let Some(max) = self.max_latency_p99_ms
            && p.latency_p99_ms > max
        {
            let p99 = n(p.latency_p99_ms.round());
            out.push(format!("record latency p99 {p99} ms over {} ms", n(max)));
        }
        if let Some(max) = self.max_end_to_end_p99_ms
            && p.end_to_end_p99_ms > max
        {
            let p99 = n(p.end_to_end_p99_ms.round());
            out.push(format!("end-to-end latency p99 {p99} ms over {} ms", n(max)));
        }
        if let Some(max) = self.max_producer_wait_ms
            && p.producer_wait_ms > max
        {
            out.push(format!("producer wait {} ms over {} ms", n(p.producer_wait_ms), n(max)));
        }
        if self.no_data_lost && p.lost_records > 0 {
            out.push(format!("{} records lost", n(p.lost_records as f64)));
        }
        out
    }

    /// The objectives a configuration missed over its replications, one
    /// finished run per seed (the scenario's own first). Every objective is
    /// a ceiling, so each figure is judged at the upper bound of the 95%
    /// confidence interval of its mean: a configuration passes when the
    /// seeds together say it does, not when one seed was lucky. With one
    /// seed this is [`Objectives::misses`] on that run. The first reason
    /// says which bound judged them all.
    pub fn misses_over(&self, runs: &[SweepPoint]) -> Vec<String> {
        let [first, ..] = runs else { return Vec::new() };
        if runs.len() == 1 {
            return self.misses(first);
        }
        // Bounds round up to the unit the figure is counted in (a record,
        // a call, a millisecond): a bound above zero is a refusal or a
        // loss the seeds cannot rule out.
        let high = |f: fn(&SweepPoint) -> f64, unit: f64| {
            let bound = interval(&runs.iter().map(f).collect::<Vec<_>>()).high;
            (bound.max(0.0) / unit).ceil() * unit
        };
        let bound = SweepPoint {
            write_throttled: high(|p| p.write_throttled, 1.0),
            read_throttled: high(|p| p.read_throttled, 1.0),
            iterator_age_p99_ms: high(|p| p.iterator_age_p99_ms, 1.0),
            oldest_message_age_s: high(|p| p.oldest_message_age_s, 0.001),
            data_freshness_s: high(|p| p.data_freshness_s, 0.001),
            latency_p99_ms: high(|p| p.latency_p99_ms, 1.0),
            end_to_end_p99_ms: high(|p| p.end_to_end_p99_ms, 1.0),
            producer_wait_ms: high(|p| p.producer_wait_ms, 1.0),
            lost_records: high(|p| p.lost_records as f64, 1.0) as u64,
            ..first.clone()
        };
        // Said once, before the first miss: the reasons are read as a list.
        let mut misses = self.misses(&bound);
        if let Some(first) = misses.first_mut() {
            *first = format!("upper 95% bound over {} seeds: {first}", runs.len());
        }
        misses
    }

    /// The scenario with every producer's traffic scaled by the multiplier:
    /// the base rate and the absolute rates of step series. (A CSV replay
    /// keeps its own rates.)
    pub fn apply_traffic(&self, scenario: &Scenario) -> Scenario {
        with_traffic(scenario, self.traffic_multiplier)
    }
}

/// `scenario` with every producer's rates multiplied by `multiplier`.
pub fn with_traffic(scenario: &Scenario, multiplier: f64) -> Scenario {
    let mut s = scenario.clone();
    if multiplier == 1.0 {
        return s;
    }
    for node in &mut s.nodes {
        if let NodeSpec::Producer(p) = &mut node.spec {
            p.records_per_s *= multiplier;
            if let Traffic::Step { steps, .. } = &mut p.traffic {
                for step in steps {
                    step.records_per_s *= multiplier;
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_SCENARIO, parse_scenario, validate};

    #[test]
    fn a_scenario_states_its_objectives_and_unknown_fields_are_refused() {
        let mut doc: serde_json::Value = serde_json::from_str(DEFAULT_SCENARIO).unwrap();
        doc["objectives"] =
            serde_json::json!({"max_data_freshness_s": 120, "traffic_multiplier": 2});
        let scenario: Scenario = serde_json::from_value(doc.clone()).unwrap();
        let o = Objectives::of(&scenario);
        assert_eq!(o.max_data_freshness_s, Some(120.0));
        assert_eq!(o.traffic_multiplier, 2.0);
        assert!(o.no_write_throttling && o.no_data_lost, "unstated fields keep their defaults");
        doc["objectives"] = serde_json::json!({"max_freshness": 1});
        assert!(serde_json::from_value::<Scenario>(doc).is_err());
    }

    /// Replications judge a ceiling at the upper bound of the mean's 95%
    /// interval: `mean + t(0.975, n - 1) × sd / √n`, worked by hand here.
    #[test]
    fn replications_judge_each_objective_at_its_upper_bound() {
        let run = |write_throttled: f64, iterator_age_p99_ms: f64| SweepPoint {
            write_throttled,
            iterator_age_p99_ms,
            ..SweepPoint::default()
        };
        let o = Objectives { max_iterator_age_p99_ms: Some(1_000.0), ..Objectives::default() };
        // One seed: the plain check.
        assert!(o.misses_over(&[run(0.0, 900.0)]).is_empty());
        // The first seed met both objectives; the others did not.
        // Throttling: any refusal in any seed leaves a bound above zero.
        let throttled = o.misses_over(&[run(0.0, 900.0), run(30.0, 900.0), run(0.0, 900.0)]);
        assert_eq!(throttled.len(), 1, "{throttled:?}");
        assert!(throttled[0].contains("upper 95% bound over 3 seeds"), "{throttled:?}");
        // Ages 900, 1,000, 1,100: mean 1,000, sd 100, bound
        // 1,000 + 4.303 × 100 / √3 = 1,248.4, rounded up to 1,249 ms, over
        // the 1,000 ms ceiling.
        let aged = o.misses_over(&[run(0.0, 900.0), run(0.0, 1_000.0), run(0.0, 1_100.0)]);
        assert_eq!(aged.len(), 1, "{aged:?}");
        assert!(aged[0].contains("iterator age p99 1,249 ms over 1,000 ms"), "{aged:?}");
        // Ages 900, 905, 910: bound 905 + 4.303 × 5 / √3 = 917 ms, met.
        assert!(o.misses_over(&[run(0.0, 900.0), run(0.0, 905.0), run(0.0, 910.0)]).is_empty());
    }

    /// MSK slows producers down instead of refusing them: a wait objective
    /// is the only one that sees it, in the wait's own words.
    #[test]
    fn a_producer_wait_over_its_ceiling_is_a_miss() {
        let o = Objectives { max_producer_wait_ms: Some(500.0), ..Objectives::default() };
        let waited = |ms| SweepPoint { producer_wait_ms: ms, ..SweepPoint::default() };
        assert!(o.misses(&waited(500.0)).is_empty());
        assert_eq!(o.misses(&waited(5_000.0)), ["producer wait 5,000 ms over 500 ms"]);
        assert!(Objectives::default().misses(&waited(60_000.0)).is_empty());
    }

    #[test]
    fn objectives_out_of_range_are_reported_with_their_path() {
        let mut scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        scenario.objectives = Some(Objectives {
            traffic_multiplier: 0.0,
            max_oldest_message_age_s: Some(-1.0),
            max_producer_wait_ms: Some(3e9),
            ..Objectives::default()
        });
        let issues = validate(&scenario).unwrap_err();
        let text: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
        assert!(text.iter().any(|t| t.starts_with("objectives.traffic_multiplier")), "{text:?}");
        assert!(
            text.iter().any(|t| t.starts_with("objectives.max_producer_wait_ms")
                && t.contains("0 to 2,147,483,647 ms")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.starts_with("objectives.max_oldest_message_age_s")),
            "{text:?}"
        );
    }

    #[test]
    fn a_share_link_carries_the_objectives() {
        let mut scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        scenario.objectives =
            Some(Objectives { max_iterator_age_p99_ms: Some(5_000.0), ..Objectives::default() });
        let fragment = crate::share::encode_fragment(&scenario);
        let back = crate::share::decode_fragment(&fragment).unwrap();
        assert_eq!(back.objectives, scenario.objectives);
    }
}
