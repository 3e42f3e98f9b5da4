//! Alarms the user sets on a chart, as in CloudWatch: a threshold on the
//! chart's metrics, in alarm while the latest one-second period reaches it
//! (`GreaterThanOrEqualToThreshold`, one datapoint out of one).
//!
//! Pure functions of the simulation, tested natively.

use sim_core::NodeIndex;
use sim_core::Simulation;
use sim_core::metrics::{MetricDef, Statistic, Unit};

/// One alarm: a threshold on the metrics drawn on one chart of one node.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alarm {
    /// The node.
    pub node: NodeIndex,
    /// The chart's title (unique per node kind).
    pub chart: String,
    /// The metrics on the chart (indices into the node's metric table).
    pub metrics: Vec<usize>,
    /// The threshold, in the chart's unit (see [`chart_unit`]).
    pub threshold: f64,
}

impl Alarm {
    /// Whether the latest closed second of any of its metrics is at or
    /// above the threshold. Before the first second nothing is in alarm.
    pub fn firing(&self, sim: &Simulation) -> bool {
        let m = sim.metrics(self.node);
        sim.now() >= 1_000 && self.metrics.iter().any(|&k| m.last_second(k) >= self.threshold)
    }
}

/// The alarms in alarm now, as (node, chart) pairs.
pub fn firing(sim: &Simulation, alarms: &[Alarm]) -> Vec<(NodeIndex, String)> {
    alarms.iter().filter(|a| a.firing(sim)).map(|a| (a.node, a.chart.clone())).collect()
}

/// The unit a chart plots a metric in: Sum metrics per second, gauges as they are.
pub fn chart_unit(def: &MetricDef) -> &'static str {
    match (def.unit, def.stat) {
        (Unit::Count, Statistic::Sum) => "Count/s",
        (Unit::Bytes, Statistic::Sum) => "Bytes/s",
        (Unit::Count, Statistic::Maximum) => "Count",
        (Unit::Bytes, Statistic::Maximum) => "Bytes",
        (Unit::Milliseconds, _) => "ms",
        (Unit::Seconds, _) => "s",
        (Unit::Percent, _) => "%",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::metrics::stream;
    use sim_core::{DEFAULT_SCENARIO, load_scenario};

    /// The default scenario after `seconds`: its stream (node 1) throttles
    /// a few hundred records a second.
    fn default_run(seconds: u64) -> Simulation {
        let valid = load_scenario(DEFAULT_SCENARIO).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(seconds * 1_000);
        sim
    }

    fn throttling_alarm(threshold: f64) -> Alarm {
        Alarm {
            node: NodeIndex::new(1),
            chart: "Writes".into(),
            metrics: vec![stream::WRITE_THROTTLED],
            threshold,
        }
    }

    #[test]
    fn an_alarm_fires_when_the_latest_second_reaches_the_threshold() {
        let sim = default_run(20);
        let throttled = sim.metrics(NodeIndex::new(1)).last_second(stream::WRITE_THROTTLED);
        assert!(throttled > 0.0, "the default scenario throttles");
        assert!(throttling_alarm(throttled).firing(&sim), "equal to the threshold is in alarm");
        assert!(!throttling_alarm(throttled + 1.0).firing(&sim));
        let alarms = [throttling_alarm(1.0), throttling_alarm(1e9)];
        assert_eq!(firing(&sim, &alarms), vec![(NodeIndex::new(1), "Writes".to_string())]);
    }

    #[test]
    fn nothing_is_in_alarm_before_the_first_second() {
        assert!(!throttling_alarm(0.0).firing(&default_run(0)));
    }

    #[test]
    fn sums_chart_per_second_and_gauges_as_they_are() {
        assert_eq!(chart_unit(&stream::DEFS[stream::INCOMING_RECORDS]), "Count/s");
        assert_eq!(chart_unit(&stream::DEFS[stream::INCOMING_BYTES]), "Bytes/s");
        assert_eq!(chart_unit(&stream::DEFS[stream::ITERATOR_AGE]), "ms");
        assert_eq!(chart_unit(&stream::DEFS[stream::OPEN_SHARDS]), "Count");
    }
}
