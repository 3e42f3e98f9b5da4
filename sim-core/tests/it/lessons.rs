//! Every bundled lesson is solvable and not solved from the start: the
//! untouched scenario never passes its check within its duration, and the
//! scenario with the lesson's recorded fix does.

use sim_core::lesson::{CheckStatus, rehearse};
use sim_core::{BUNDLED_SCENARIOS, load_scenario};

fn lessons() -> impl Iterator<Item = (&'static str, sim_core::ValidScenario)> {
    BUNDLED_SCENARIOS.iter().filter_map(|(file, json)| {
        let valid = load_scenario(json).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        valid.scenario().lesson.is_some().then_some((*file, valid))
    })
}

#[test]
fn every_lesson_fails_untouched_and_passes_with_its_fix() {
    let all: Vec<_> = lessons().collect();
    assert!(all.len() >= 7, "only {} lessons", all.len());
    // One thread per lesson: the long retention lesson sets the pace.
    std::thread::scope(|scope| {
        for (file, valid) in &all {
            scope.spawn(move || {
                let untouched = rehearse(valid, false).unwrap();
                assert_eq!(untouched.passed_at, None, "{file}: passes untouched: {untouched:?}");
                assert!(
                    !matches!(untouched.last, CheckStatus::NotStarted),
                    "{file}: the check never started"
                );
                let fixed = rehearse(valid, true).unwrap_or_else(|e| panic!("{file}: {e:?}"));
                assert!(fixed.passed_at.is_some(), "{file}: the fix does not pass: {fixed:?}");
            });
        }
    });
}

#[test]
fn lesson_ids_are_unique() {
    let mut ids: Vec<String> =
        lessons().map(|(_, v)| v.scenario().lesson.clone().unwrap().id).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}
