//! Parameter sweeps: the same scenario run once per value of one parameter,
//! with the figures a capacity planner compares. Pure and single-threaded
//! per run, so the CLI can spread points over cores and the app can run
//! them too.

use serde::Serialize;
use serde_json::Value;

use crate::engine::Simulation;
use crate::json_path::{node_params, set_path};
use crate::scenario::{NodeIndex, Scenario, with_kind};
use crate::validate::{Issue, ValidScenario, read_scenario, validate};

/// Most points one sweep may have.
pub const MAX_POINTS: usize = 1_000;

/// Parses `a,b,c` or `from:to:step` (inclusive) into values.
pub fn parse_values(spec: &str) -> Result<Vec<f64>, String> {
    // Values are f64: whole numbers are exact up to 2^53, so a larger one
    // (a seed, in practice) would run as another number than the one typed.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let number = |s: &str| -> Result<f64, String> {
        let v = s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{s:?} is not a number"))?;
        // 2^53 + 1 reads as 2^53: a whole number is compared as typed.
        let typed_past = s.trim().parse::<i128>().is_ok_and(|n| n.unsigned_abs() > 1 << 53);
        if v.abs() > EXACT || typed_past {
            return Err(format!(
                "{} is beyond 9,007,199,254,740,992, the largest value a sweep takes exactly; \
                 for one larger seed use --seed",
                s.trim()
            ));
        }
        Ok(v)
    };
    let values = if spec.contains(':') {
        let parts: Vec<&str> = spec.split(':').collect();
        let [from, to, step] = parts.as_slice() else {
            return Err(format!("{spec:?}: a range is from:to:step, e.g. 1:8:1"));
        };
        let (from, to, step) = (number(from)?, number(to)?, number(step)?);
        if step <= 0.0 || to < from {
            return Err(format!("{spec:?}: the step must be positive and `to` at least `from`"));
        }
        let count = ((to - from) / step).floor() as usize + 1;
        if count > MAX_POINTS {
            return Err(format!("{spec:?} has {count} points; the limit is {MAX_POINTS}"));
        }
        (0..count).map(|i| from + step * i as f64).collect()
    } else {
        spec.split(',').map(number).collect::<Result<Vec<_>, _>>()?
    };
    if values.is_empty() || values.len() > MAX_POINTS {
        return Err(format!("give 1 to {MAX_POINTS} values"));
    }
    Ok(values)
}

/// The top-level fields a sweep may vary: what a run is (its seed and
/// length). Other fields (`v`, `name`, ...) are not parameters: sweeping the
/// schema version would run another format.
pub const TOP_LEVEL_PARAMS: [&str; 2] = ["seed", "duration_s"];

/// Sets one parameter of a scenario, by `<node id>.<param path>` (e.g.
/// `events.capacity.shards`, `clicks.records_per_s`) or one of
/// [`TOP_LEVEL_PARAMS`], and validates the result.
pub fn with_param(
    scenario: &Scenario,
    path: &str,
    value: f64,
) -> Result<ValidScenario, Vec<Issue>> {
    let issue = |message: String| vec![Issue { path: path.to_string(), message }];
    let mut doc = serde_json::to_value(scenario).map_err(|e| issue(e.to_string()))?;
    let json_value = if value.fract() == 0.0 && value.abs() < 9e15 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    };
    match path.split_once('.') {
        None if TOP_LEVEL_PARAMS.contains(&path) => set_path(&mut doc, path, json_value),
        None => {
            return Err(issue(
                "is not a parameter a sweep can vary; use seed, duration_s or \
                 <node id>.<parameter>"
                    .into(),
            ));
        }
        Some((node, param)) => {
            let params = node_params(&mut doc, node)
                .ok_or_else(|| issue(format!("no node has id {node:?}")))?;
            set_path(params, param, json_value)
        }
    }
    .map_err(issue)?;
    // The document came from a valid scenario and only the parameter
    // changed (never `v`), so it reads back without the schema checks.
    validate(&read_scenario(&doc)?)
}

/// What one run of a sweep shows.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SweepPoint {
    /// The parameter's value.
    pub value: f64,
    /// Records refused by the write limits (`WriteProvisionedThroughputExceeded`), all streams.
    pub write_throttled: f64,
    /// GetRecords calls refused (`ReadProvisionedThroughputExceeded`), all streams.
    pub read_throttled: f64,
    /// The largest p99 of `GetRecords.IteratorAgeMilliseconds` over the
    /// streams and of `IteratorAge` over Lambda stream event sources.
    pub iterator_age_p99_ms: f64,
    /// The largest `MillisBehindLatest` of any consumer.
    pub max_behind_ms: f64,
    /// The largest SQS `ApproximateAgeOfOldestMessage` of any queue, in seconds.
    pub oldest_message_age_s: f64,
    /// The largest Firehose `DeliveryToS3.DataFreshness`, in seconds.
    pub data_freshness_s: f64,
    /// The largest p99 record latency of any node that measures one
    /// (consumers, Lambda, KCL, Flink, queues, Firehose; MODEL.md,
    /// Latency), in ms.
    pub latency_p99_ms: f64,
    /// The largest p99 of end-to-end record latency (from birth at a
    /// producer, through every hand-off) at any node that measures one, in
    /// ms.
    pub end_to_end_p99_ms: f64,
    /// The longest any record waited in a producer for an MSK cluster that
    /// slowed it down (`ProducerWaitAge`), in ms.
    pub producer_wait_ms: f64,
    /// Records lost: given up by producers, expired from a stream or queue,
    /// dead-lettered, failed in processing, or dropped by a Firehose.
    pub lost_records: u64,
    /// Open shards at the end, all streams.
    pub shards: usize,
    /// Mean `IncomingBytes` per second, all streams.
    pub incoming_bytes_per_s: f64,
    /// Mean `IncomingRecords` per second, all streams.
    pub incoming_records_per_s: f64,
    /// The run's cost projected over a 730-hour month.
    pub monthly_usd: f64,
    /// The same figures stream by stream, in node order.
    pub streams: Vec<StreamFigures>,
}

/// What one stream showed in a run (for the classic formula, which sizes
/// each stream from its own traffic).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StreamFigures {
    /// The stream's node id.
    pub id: String,
    /// Records refused by its write limits.
    pub write_throttled: f64,
    /// Mean `IncomingBytes` per second (records' data and partition keys).
    pub incoming_bytes_per_s: f64,
    /// Mean bytes of record data per second: `IncomingBytes` less the
    /// partition keys of records written unaggregated (an aggregate's data
    /// holds its user records' keys).
    pub incoming_data_bytes_per_s: f64,
    /// Mean `IncomingRecords` per second.
    pub incoming_records_per_s: f64,
}

/// What a sweep reads of every kind. Each kind answers in its `knobs.rs`,
/// beside the settings the planner turns; [`measure`] dispatches with
/// `with_kind!` (`kinds/registry.rs`).
pub(crate) trait SweepKind {
    /// Adds node `node`'s figures to `point`.
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint);
}

/// Runs one point of a sweep for `duration_s` with `seed`.
pub fn run_point(valid: &ValidScenario, value: f64, seed: u64, duration_s: u64) -> SweepPoint {
    let mut sim = Simulation::new(valid, seed);
    sim.run_until(duration_s * 1_000);
    measure(&sim, value)
}

/// The figures of a finished run (the point for `value`).
pub fn measure(sim: &Simulation, value: f64) -> SweepPoint {
    let mut point = SweepPoint {
        value,
        monthly_usd: sim.cost().monthly_projection_usd(sim.now()),
        ..SweepPoint::default()
    };
    for (i, slot) in sim.slots().enumerate() {
        with_kind!(slot.kind, S => S::measure(sim, i, &mut point));
    }
    let measured = || sim.slots().indices().filter_map(|i| sim.latency(i));
    let largest_p99 = |h: &crate::metrics::LatencyHistogram| h.summary().map(|s| s.p99_ms);
    point.latency_p99_ms = measured().filter_map(|l| largest_p99(&l.hop)).fold(0.0, f64::max);
    point.end_to_end_p99_ms =
        measured().filter_map(|l| largest_p99(&l.end_to_end)).fold(0.0, f64::max);
    let l = sim.ledger();
    point.lost_records = l.throttled_dropped + l.expired + l.dead_lettered + l.failed + l.lost;
    point
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_SCENARIO, NodeIndex, parse_scenario};

    #[test]
    fn values_come_as_lists_or_ranges() {
        assert_eq!(parse_values("1,2, 4").unwrap(), vec![1.0, 2.0, 4.0]);
        assert_eq!(parse_values("1:3:1").unwrap(), vec![1.0, 2.0, 3.0]);
        assert_eq!(parse_values("0.5:1.5:0.5").unwrap(), vec![0.5, 1.0, 1.5]);
        assert!(parse_values("3:1:1").unwrap_err().contains("at least `from`"));
        assert!(parse_values("1:1000000:1").unwrap_err().contains("the limit is 1000"));
        assert!(parse_values("a,b").unwrap_err().contains("not a number"));
        // Past 2^53 an f64 is not the number typed: refused, not rounded.
        assert_eq!(parse_values("9007199254740992").unwrap(), vec![9_007_199_254_740_992.0]);
        assert!(parse_values("1,9007199254740993").unwrap_err().contains("use --seed"));
    }

    #[test]
    fn a_parameter_is_set_by_node_id_and_path_and_validated() {
        let scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        let valid = with_param(&scenario, "events.capacity.shards", 4.0).unwrap();
        let crate::NodeSpec::KinesisStream(s) = &valid.scenario().node(NodeIndex::new(1)).spec
        else {
            panic!()
        };
        assert_eq!(s.capacity, crate::scenario::Capacity::Provisioned { shards: 4 });
        assert_eq!(with_param(&scenario, "duration_s", 60.0).unwrap().scenario().duration_s, 60);
        let out_of_range = with_param(&scenario, "events.capacity.shards", 0.0).unwrap_err();
        assert!(out_of_range[0].to_string().contains("allowed 1 to 10,000"), "{out_of_range:?}");
        assert!(
            with_param(&scenario, "nope.rate", 1.0).unwrap_err()[0].message.contains("no node")
        );
    }

    #[test]
    fn a_sweep_varies_a_runs_seed_and_length_but_not_the_format() {
        let scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        assert_eq!(with_param(&scenario, "seed", 7.0).unwrap().scenario().seed, 7);
        assert!(with_param(&scenario, "seed", 1.5).is_err(), "a seed is a whole number");
        assert!(with_param(&scenario, "duration_s", 0.0).is_err(), "a run lasts a second or more");
        for field in ["v", "name", "links"] {
            let refused = with_param(&scenario, field, 2.0).unwrap_err();
            assert!(refused[0].message.contains("not a parameter"), "{field}: {refused:?}");
        }
        let through_a_value = with_param(&scenario, "events.capacity.shards.n", 1.0).unwrap_err();
        assert!(through_a_value[0].message.contains("is not an object"), "{through_a_value:?}");
    }

    #[test]
    fn more_shards_stop_the_uniform_throttling() {
        // 2,000 records/s with a 30% hot key: the hot key's shard takes 600/s
        // plus its share of the other 1,400/s, so it throttles until that sum
        // is under 1,000 records/s (600 + 1,400 / 8 = 775 with 8 shards).
        let scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        let points: Vec<SweepPoint> = [2.0, 4.0, 8.0]
            .iter()
            .map(|&n| {
                run_point(&with_param(&scenario, "events.capacity.shards", n).unwrap(), n, 1, 120)
            })
            .collect();
        assert!(points[0].write_throttled > points[1].write_throttled);
        assert!(points[1].write_throttled > points[2].write_throttled);
        assert!(points[2].monthly_usd > points[0].monthly_usd);
        assert_eq!(points.iter().map(|p| p.shards).collect::<Vec<_>>(), vec![2, 4, 8]);
    }
}
