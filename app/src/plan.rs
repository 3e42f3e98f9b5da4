//! Planning work as tasks: each a whole computation over a scenario that
//! needs nothing but its inputs, so it runs the same in a planning worker
//! (`pool`) as in the page, and its answer is the same wherever it ran.
//! Tasks and answers cross the channel as the engine's messages do
//! (`worker`): the scenario as JSON text, which reads back to the bit, and
//! the answer as a JS value.

use serde::{Deserialize, Serialize};
use sim_core::budget::{Budget, admit};
use sim_core::replicate::{Figures, replicate};
use sim_core::{Scenario, ValidScenario};

/// A piece of planning work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Task {
    /// One replication of the scenario with this seed ("How sure?").
    Replicate {
        /// The scenario, as the page validated it.
        scenario: Box<Scenario>,
        /// The replication's seed.
        seed: u64,
    },
}

/// A task's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TaskDone {
    /// The replication's figures, or why it stopped.
    Replicated(Result<Figures, String>),
}

impl Task {
    /// Runs the task to its end, within the browser's budget.
    pub fn run(self) -> TaskDone {
        match self {
            Task::Replicate { scenario, seed } => TaskDone::Replicated(
                admitted(&scenario).and_then(|valid| replicate(&valid, seed, &Budget::BROWSER)),
            ),
        }
    }
}

/// `scenario` validated again where the task runs, and held to the
/// browser's budget, as the page holds it: the page sent only scenarios it
/// admitted, so a refusal here means the two disagree, said in words.
fn admitted(scenario: &Scenario) -> Result<ValidScenario, String> {
    admit(scenario, &Budget::BROWSER).map_err(|issues| {
        let words = sim_core::plain::issues_in_words(&issues, scenario).join("; ");
        format!("the scenario does not validate in the planning worker: {words}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::{ToPage, ToWorker, decode, encode};

    /// A replication posted to a planner (as JSON text) and answered runs
    /// the page's own replication of the same seed to the same figures.
    #[test]
    fn a_replication_crosses_the_channel_and_back_unchanged() {
        let mut scenario = sim_core::parse_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        scenario.duration_s = 60;
        let valid = sim_core::validate(&scenario).unwrap();
        let seed = sim_core::replicate::seeds(scenario.seed, 2)[1];
        let sent =
            ToWorker::Plan { id: 7, task: Task::Replicate { scenario: Box::new(scenario), seed } };
        let Some(ToWorker::Plan { id, task }) = decode::<ToWorker>(&encode(&sent)) else {
            panic!("a plan crosses")
        };
        let answer = ToPage::Planned { id, done: task.run() };
        let here = replicate(&valid, seed, &Budget::BROWSER);
        assert_eq!(answer, ToPage::Planned { id: 7, done: TaskDone::Replicated(here) });
    }

    #[test]
    fn a_scenario_the_planner_refuses_is_named_in_words() {
        let mut scenario = sim_core::parse_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        scenario.duration_s = 0;
        let TaskDone::Replicated(Err(why)) =
            Task::Replicate { scenario: Box::new(scenario), seed: 1 }.run()
        else {
            panic!("a zero-length run is refused")
        };
        assert!(
            why.starts_with("the scenario does not validate in the planning worker: "),
            "{why}"
        );
        assert!(why.to_lowercase().contains("duration"), "{why}");
    }
}
