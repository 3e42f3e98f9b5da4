use super::*;
use crate::scenario::StreamOp;
use crate::share::{decode_fragment, encode_fragment};
use crate::validate::{load_scenario, parse_scenario};

const HOT_KEY: &str = include_str!("../../../scenarios/lesson-hot-partition-key.json");

fn hot_key() -> Scenario {
    parse_scenario(HOT_KEY).unwrap()
}

fn lesson_of(s: &mut Scenario) -> &mut Lesson {
    s.lesson.as_mut().unwrap()
}

fn issues(s: &Scenario) -> Vec<String> {
    validate(s).err().unwrap_or_default().iter().map(ToString::to_string).collect()
}

fn run(s: &Scenario, to_s: u64) -> Simulation {
    let valid = validate(s).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(to_s * SECOND);
    sim
}

#[test]
fn held_seconds_count_back_from_the_latest_and_stop_at_a_break() {
    // With the fix, nothing throttles: every closed second counts, up to the need.
    let fixed = apply_edits(&hot_key(), &hot_key().lesson.unwrap().fix).unwrap();
    let check = &fixed.lesson.as_ref().unwrap().check;
    assert_eq!(evaluate(check, &run(&fixed, 0)), CheckStatus::NotStarted);
    let status = evaluate(check, &run(&fixed, 25));
    assert_eq!(status, CheckStatus::Holding { held_s: 25, need_s: 60, waiting: None });
    assert_eq!(evaluate(check, &run(&fixed, 61)), CheckStatus::Passed);
    // Untouched, the hot shard throttles every second: nothing is held, and
    // the status says which condition and by how much.
    let s = hot_key();
    let CheckStatus::Holding { held_s: 0, waiting: Some(why), .. } =
        evaluate(&s.lesson.as_ref().unwrap().check, &run(&s, 30))
    else {
        panic!("expected holding 0")
    };
    assert!(why.starts_with("clicks stream WriteProvisionedThroughputExceeded was "), "{why}");
    assert!(why.ends_with("the goal needs = 0"), "{why}");
}

#[test]
fn seconds_before_from_s_do_not_count() {
    let mut s = apply_edits(&hot_key(), &hot_key().lesson.unwrap().fix).unwrap();
    lesson_of(&mut s).check.from_s = 20;
    let check = s.lesson.clone().unwrap().check;
    let CheckStatus::Holding { held_s: 0, waiting: Some(why), .. } = evaluate(&check, &run(&s, 10))
    else {
        panic!("expected waiting")
    };
    assert!(why.contains("00:00:20"), "{why}");
    let status = evaluate(&check, &run(&s, 50));
    assert_eq!(status, CheckStatus::Holding { held_s: 30, need_s: 60, waiting: None });
}

#[test]
fn a_run_total_past_its_goal_fails_the_run() {
    let mut s = hot_key();
    lesson_of(&mut s).check.conditions = vec![Condition {
        node: Some("clicks-stream".into()),
        metric: "WriteProvisionedThroughputExceeded".into(),
        over: Over::Run,
        is: Comparison::Le,
        value: 10.0,
    }];
    let check = s.lesson.clone().unwrap().check;
    let CheckStatus::Failed { reason } = evaluate(&check, &run(&s, 5)) else { panic!() };
    assert!(reason.contains("(whole run)") && reason.contains("≤ 10"), "{reason}");
}

#[test]
fn a_bill_above_its_goal_waits_rather_than_fails() {
    // A projection can come down again, so it never fails the run.
    let mut s = hot_key();
    lesson_of(&mut s).check.conditions = vec![Condition {
        node: None,
        metric: "ProjectedMonthlyCharges".into(),
        over: Over::Run,
        is: Comparison::Le,
        value: 1.0,
    }];
    let check = s.lesson.clone().unwrap().check;
    let CheckStatus::Holding { held_s: 0, waiting: Some(why), .. } = evaluate(&check, &run(&s, 5))
    else {
        panic!()
    };
    assert!(why.starts_with("ProjectedMonthlyCharges is "), "{why}");
}

#[test]
fn edits_set_nested_parameters_and_create_missing_objects() {
    let s = hot_key();
    let fix = [
        FixStep::Set {
            node: "clicks-stream".into(),
            param: "capacity.shards".into(),
            value: serde_json::json!(8),
        },
        FixStep::Set {
            node: "clicks".into(),
            param: "retry.max_attempts".into(),
            value: serde_json::json!(5),
        },
    ];
    let edited = apply_edits(&s, &fix).unwrap();
    let crate::scenario::NodeSpec::KinesisStream(stream) = &edited.nodes[1].spec else { panic!() };
    assert_eq!(stream.capacity, crate::scenario::Capacity::Provisioned { shards: 8 });
    let crate::scenario::NodeSpec::Producer(p) = &edited.nodes[0].spec else { panic!() };
    assert_eq!(p.retry.max_attempts, 5);
    let bad = [FixStep::Set { node: "nope".into(), param: "x".into(), value: 1.into() }];
    assert_eq!(apply_edits(&s, &bad).unwrap_err()[0].path, "lesson.fix[0]");
}

#[test]
fn validation_names_every_problem_with_its_path() {
    let mut s = hot_key();
    let lesson = lesson_of(&mut s);
    lesson.id = "bad id!".into();
    lesson.docs_url = "https://example.com/".into();
    lesson.hints.truncate(1);
    lesson.check.hold_s = 7_200;
    lesson.check.conditions[0].metric = "Nope".into();
    lesson.check.conditions[1].node = Some("ghost".into());
    lesson.fix.push(FixStep::Reshard {
        at_s: 5,
        node: "clicks".into(),
        op: StreamOp::UpdateShardCount { target: 2 },
    });
    let found = issues(&s);
    let expect = [
        "lesson.id: \"bad id!\"",
        "lesson.docs_url: must be an AWS documentation page",
        "lesson.hints: 1 is out of range; allowed 2 to 4 hints",
        "lesson.check.hold_s: 7,200 is out of range; allowed 1 to 3,600 s",
        "lesson.check.conditions[0].metric: \"Nope\" is not a metric of a kinesis_stream; allowed IncomingRecords,",
        "lesson.check.conditions[1].node: no node has id \"ghost\"",
        "lesson.fix[1].node: \"clicks\" is a producer; this step needs a kinesis_stream",
    ];
    for e in expect {
        assert!(found.iter().any(|f| f.starts_with(e)), "missing {e:?} in {found:#?}");
    }
}

#[test]
fn a_fix_that_breaks_the_scenario_is_reported() {
    let mut s = hot_key();
    lesson_of(&mut s).fix = vec![FixStep::Set {
        node: "clicks-stream".into(),
        param: "capacity.shards".into(),
        value: serde_json::json!(0),
    }];
    let found = issues(&s);
    assert!(
        found
            .iter()
            .any(|f| f
                .starts_with("lesson.fix → nodes[1].params.capacity.shards: 0 is out of range")),
        "{found:#?}"
    );
}

#[test]
fn the_lesson_travels_in_a_share_link_and_files_without_one_still_load() {
    let s = hot_key();
    assert_eq!(decode_fragment(&encode_fragment(&s)).unwrap(), s);
    let mut plain = s.clone();
    plain.lesson = None;
    let json = serde_json::to_string(&plain).unwrap();
    assert!(!json.contains("\"lesson\":"));
    assert!(load_scenario(&json).is_ok());
}
