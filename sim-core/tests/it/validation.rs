//! Bad input of every kind gives issues naming the field, never a panic.

use proptest::prelude::*;
use sim_core::{DEFAULT_SCENARIO, load_scenario, parse_scenario};

fn issues_of(json: &str) -> Vec<String> {
    match load_scenario(json) {
        Ok(_) => vec![],
        Err(issues) => issues.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn every_problem_is_reported_at_once_with_its_path_and_range() {
    let json = DEFAULT_SCENARIO
        .replace("\"records_per_s\": 2000", "\"records_per_s\": 20000000")
        .replace("\"shards\": 2", "\"shards\": 0")
        .replace("\"retention_h\": 24", "\"retention_h\": 9000");
    let issues = issues_of(&json);
    assert_eq!(issues.len(), 3, "{issues:#?}");
    assert!(issues[0].starts_with(
        "nodes[0].params.records_per_s: 20,000,000 is out of range; allowed 0 to 10,000,000"
    ));
    assert!(
        issues[1]
            .starts_with("nodes[1].params.capacity.shards: 0 is out of range; allowed 1 to 10,000")
    );
    assert!(
        issues[2]
            .starts_with("nodes[1].params.retention_h: 9,000 is out of range; allowed 24 to 8,760")
    );
}

/// The default scenario with a `pricing` block.
fn with_pricing(block: &str) -> String {
    let at = DEFAULT_SCENARIO.rfind('}').unwrap();
    format!("{},\n  \"pricing\": {block}\n}}\n", DEFAULT_SCENARIO[..at].trim_end())
}

#[test]
fn a_pricing_block_is_checked_against_the_catalogue() {
    let ok = with_pricing(
        r#"{ "month_hours": 720, "free_tier": true,
             "overrides": { "kds.provisioned.shard_hour": 0.0179 } }"#,
    );
    let valid = load_scenario(&ok).expect("a valid pricing block");
    assert_eq!(valid.scenario().pricing.month_hours, 720.0);
    let bad = with_pricing(
        r#"{ "region": "eu-west-1", "month_hours": 10,
             "overrides": { "kds.provisioned.shard_hour": -1, "nope": 1 } }"#,
    );
    let issues = issues_of(&bad);
    assert_eq!(issues.len(), 4, "{issues:#?}");
    assert!(issues[0].starts_with("pricing.region: \"eu-west-1\" has no prices"), "{issues:#?}");
    assert!(issues[0].contains("allowed us-east-1"), "{issues:#?}");
    assert_eq!(issues[1], "pricing.month_hours: 10 is out of range; allowed 672 to 744 h");
    assert_eq!(
        issues[2],
        "pricing.overrides.kds.provisioned.shard_hour: -1 is out of range; allowed 0 to \
         1,000,000 USD per 1 shard-hour"
    );
    assert!(issues[3].starts_with("pricing.overrides.nope: is not a price"), "{issues:#?}");
    let unknown = with_pricing(r#"{ "currency": "EUR" }"#);
    let issues = issues_of(&unknown);
    assert!(issues[0].starts_with("pricing.currency: unknown field `currency`"), "{issues:#?}");
}

#[test]
fn illegal_wires_are_refused_with_a_reason() {
    let json = DEFAULT_SCENARIO.replace(
        r#"{ "from": "events", "to": "analytics" }"#,
        r#"{ "from": "clicks", "to": "analytics" }"#,
    );
    let issues = issues_of(&json);
    assert!(
        issues.iter().any(|i| i.starts_with("links[1]: cannot link producer -> consumer: a producer cannot write to a consumer directly")),
        "{issues:#?}"
    );
}

#[test]
fn structural_errors_name_the_field() {
    let json = DEFAULT_SCENARIO.replace("\"records_per_s\": 2000", "\"records_per_s\": \"fast\"");
    let issues = issues_of(&json);
    assert_eq!(issues.len(), 1);
    assert!(issues[0].contains("records_per_s"), "{issues:?}");
    let unknown = DEFAULT_SCENARIO.replace("\"retention_h\": 24", "\"retention_hours\": 24");
    assert!(issues_of(&unknown)[0].contains("unknown field `retention_hours`"));
}

#[test]
fn newer_and_malformed_documents_are_refused_clearly() {
    let newer = DEFAULT_SCENARIO.replace("\"v\": 1", "\"v\": 99");
    assert!(issues_of(&newer)[0].contains("newer than this build understands"));
    assert!(issues_of("{ not json")[0].starts_with("not valid JSON"));
    assert!(issues_of("{}")[0].contains("missing schema version"));
    let huge = format!("{{\"v\":1,\"name\":\"{}\"}}", "x".repeat(2 << 20));
    assert!(issues_of(&huge)[0].contains("the limit is 1048576 bytes"));
    let deep = "[".repeat(100_000);
    assert!(!issues_of(&deep).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        let _ = load_scenario(&text);
    }

    #[test]
    fn mutated_producer_samples_never_panic(pos in 0usize..4_000, byte in any::<u8>(), cut in 0usize..4_000) {
        // The sample with every producer option: traffic shapes, replay CSV,
        // hash keys, both APIs and aggregation.
        let mut bytes = crate::producer::SAMPLE.as_bytes().to_vec();
        let p = pos % bytes.len();
        bytes[p] = byte;
        bytes.truncate(bytes.len() - cut % bytes.len());
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(valid) = load_scenario(&text) {
            let mut sim = sim_core::Simulation::new(&valid, 1);
            sim.run_until(5_000);
        }
    }

    #[test]
    fn mutated_scenarios_never_panic(pos in 0usize..2_000, byte in any::<u8>(), cut in 0usize..2_000) {
        let mut bytes = DEFAULT_SCENARIO.as_bytes().to_vec();
        let p = pos % bytes.len();
        bytes[p] = byte;
        bytes.truncate(bytes.len() - cut % bytes.len());
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(s) = parse_scenario(&text) {
            let _ = sim_core::validate(&s);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Link fragments are untrusted input too: anything decodes or says why.
    #[test]
    fn arbitrary_link_fragments_never_panic(text in "#?s=[A-Za-z0-9_=-]{0,300}") {
        let _ = sim_core::share::decode_fragment(&text);
    }

    #[test]
    fn damaged_real_links_never_panic(cut in 0usize..2_000, flip in 0usize..2_000, c in "[A-Za-z0-9_-]") {
        let scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        let mut link = sim_core::share::encode_fragment(&scenario).into_bytes();
        let at = flip % link.len();
        link[at] = c.as_bytes()[0];
        link.truncate(link.len() - cut % link.len());
        let _ = sim_core::share::decode_fragment(&String::from_utf8_lossy(&link));
    }
}

/// MODEL.md, Faults: a spike multiplies the producer's rate and its factor
/// comes off at its end, so spikes running together compound. Each factor
/// is in range alone; together they are held to records_per_s's range, and
/// the refusal names the producer as people know it.
#[test]
fn overlapping_traffic_spikes_are_held_to_the_producers_rate_range() {
    use sim_core::scenario::{Fault, Operation, ScheduledOp};

    use crate::fixtures::{pipeline, producer};

    let spike = |at_s, for_s| {
        let op = Operation::Fault(Fault::TrafficSpike { multiplier: 100.0, for_s });
        ScheduledOp::at_second(at_s, "p", op)
    };
    let mut s = pipeline(producer(2_000.0), 4, None);
    s.nodes[0].name = "Web clicks".into();
    // One after the other: each ×100 alone, 200,000 records/s.
    s.schedule = vec![spike(10, 5), spike(20, 5)];
    assert_eq!(sim_core::validate(&s).err(), None);
    // Together: ×10,000, 20 million records/s.
    s.schedule = vec![spike(10, 30), spike(20, 5)];
    let issues = sim_core::validate(&s).unwrap_err();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].path, "schedule[1].op.multiplier");
    let m = &issues[0].message;
    assert!(m.starts_with("Web clicks: "), "{m}");
    assert!(m.contains("20,000,000 records/s") && m.contains("allowed 0 to 10,000,000"), "{m}");
}
