//! Planning work as tasks: each a whole computation over a scenario that
//! needs nothing but its inputs, so it runs the same in a planning worker
//! (`pool`) as in the page, and its answer is the same wherever it ran.
//! Tasks and answers cross the channel as the engine's messages do
//! (`worker`): the scenario as JSON text, which reads back to the bit, and
//! the answer as a JS value (but for a scenario inside it: see
//! `scenario_as_json`). An answer holds what its panel shows, in words
//! and figures, so the page does no more than render it.

use serde::{Deserialize, Serialize};
use sim_core::autosize::{AutosizeJob, Candidate, Knob, Objectives, Sizing};
use sim_core::budget::{Budget, admit};
use sim_core::compare::{MskSizing, ServiceComparison};
use sim_core::replicate::{Figures, replicate};
use sim_core::{Scenario, ValidScenario};

use crate::format;

/// A piece of planning work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Task {
    /// One replication of the scenario with this seed ("How sure?").
    Replicate {
        /// The scenario, as the page validated it.
        #[serde(deserialize_with = "crate::worker::read_scenario")]
        scenario: Box<Scenario>,
        /// The replication's seed.
        seed: u64,
    },
    /// The cheapest settings of one node's knobs that meet the scenario's
    /// objectives ("Auto-size").
    Autosize {
        /// The document as the editor holds it.
        #[serde(deserialize_with = "crate::worker::read_scenario")]
        scenario: Box<Scenario>,
        /// The node whose knobs are searched.
        node: String,
    },
    /// Every stream provisioned against on demand ("Compare capacity
    /// modes"), with the scenario's seed.
    CompareModes {
        /// The scenario, as the page validated it.
        #[serde(deserialize_with = "crate::worker::read_scenario")]
        scenario: Box<Scenario>,
        /// Simulated seconds of each mode's run.
        duration_s: u64,
    },
    /// The scenario's Kinesis streams against MSK and MSK Serverless
    /// ("Compare with Amazon MSK"), with the scenario's seed.
    CompareServices {
        /// The scenario, as the page validated it.
        #[serde(deserialize_with = "crate::worker::read_scenario")]
        scenario: Box<Scenario>,
        /// Simulated seconds of each service's run.
        duration_s: u64,
        /// The MSK cluster each stream becomes.
        sizing: MskSizing,
    },
}

/// A task's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TaskDone {
    /// The replication's figures, or why it stopped.
    Replicated(Result<Figures, String>),
    /// The search's outcome as the inspector shows it, or what is wrong,
    /// in words.
    Autosized(Result<Box<SizingSummary>, String>),
    /// The capacity modes' bills as the table shows them, or what is
    /// wrong, in words.
    ComparedModes(Result<ModeSummary, String>),
    /// The comparison, or what is wrong, in words.
    ComparedServices(Result<Box<ServiceComparison>, String>),
}

impl Task {
    /// Runs the task to its end, within the browser's budget, telling
    /// `progress` where a long one stands, in words.
    pub fn run(self, progress: &mut dyn FnMut(String)) -> TaskDone {
        match self {
            Task::Replicate { scenario, seed } => TaskDone::Replicated(
                admitted(&scenario).and_then(|valid| replicate(&valid, seed, &Budget::BROWSER)),
            ),
            Task::Autosize { scenario, node } => {
                TaskDone::Autosized(start_autosize(&scenario, &node).and_then(|mut job| {
                    loop {
                        if let Some(done) = job.step(1) {
                            break sizing_summary(done, &job).map(Box::new);
                        }
                        progress(autosize_progress(&job));
                    }
                }))
            }
            Task::CompareModes { scenario, duration_s } => TaskDone::ComparedModes(
                admitted(&scenario).and_then(|valid| compare_modes(&valid, duration_s)),
            ),
            Task::CompareServices { scenario, duration_s, sizing } => TaskDone::ComparedServices(
                admitted(&scenario)
                    .and_then(|valid| compare_services(&valid, duration_s, sizing))
                    .map(Box::new),
            ),
        }
    }
}

/// An auto-size search of `node`'s knobs in `doc` against its objectives,
/// each candidate run for the scenario's duration with its seed; or why
/// the document cannot be searched, in words. Settings whose run the
/// browser could not hold are skipped, unrun.
pub fn start_autosize(doc: &Scenario, node: &str) -> Result<AutosizeJob, String> {
    autosize_within(doc, node, Budget::BROWSER)
}

/// [`start_autosize`] within `limit`.
fn autosize_within(doc: &Scenario, node: &str, limit: Budget) -> Result<AutosizeJob, String> {
    let objectives = Objectives::of(doc);
    AutosizeJob::new(doc, &objectives, doc.seed, doc.duration_s, Some(node))
        .map(|job| job.within(limit))
        .map_err(|issues| {
            let words = sim_core::plain::issues_in_words(&issues, doc).join("; ");
            format!("fix the scenario first: {words}")
        })
}

/// Where a search stands: `run 3: events.capacity 4 shards`.
pub fn autosize_progress(job: &AutosizeJob) -> String {
    let last =
        job.tried().last().map(|c| settings_text(job.knobs(), &c.settings)).unwrap_or_default();
    format!("run {}: {last}", job.tried().len())
}

/// One candidate in words: `events.capacity 5 shards, …`.
fn settings_text(knobs: &[Knob], settings: &[u32]) -> String {
    let parts: Vec<String> = knobs
        .iter()
        .zip(settings)
        .map(|(k, &v)| format!("{} {}", k.label(), k.value_text(v)))
        .collect();
    parts.join(", ")
}

/// An auto-size outcome as the inspector shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SizingSummary {
    /// The winner and its cost, or that none met every objective.
    pub headline: String,
    /// Where the classic shard formula falls short, a line per stream.
    pub formula: Vec<String>,
    /// The settings not run because the browser could not hold the run,
    /// in words; `None` when every setting ran.
    pub skipped: Option<String>,
    /// Every configuration tried, cheapest first.
    pub tried: Vec<TriedRow>,
    /// The winner as a scenario (at the scenario's own traffic), to apply.
    #[serde(with = "scenario_as_json")]
    pub scenario: Option<Scenario>,
}

/// A scenario crossing to the page as JSON text, not as a JS value: the
/// binary reads scenarios from JSON anyway, and a reader from JS values
/// would be a second copy of every kind's deserializer (74 KB gzipped).
mod scenario_as_json {
    use serde::de::Error as _;
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use sim_core::Scenario;

    pub fn serialize<S: Serializer>(s: &Option<Scenario>, out: S) -> Result<S::Ok, S::Error> {
        let text = s.as_ref().map(serde_json::to_string).transpose().map_err(S::Error::custom)?;
        text.serialize(out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Scenario>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        let Some(text) = text else { return Ok(None) };
        let value = serde_json::from_str(&text).map_err(D::Error::custom)?;
        crate::worker::scenario_from_value(value).map(Some).map_err(D::Error::custom)
    }
}

/// One configuration the search ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TriedRow {
    /// Its settings, in words.
    pub settings: String,
    /// Its cost a month, USD.
    pub monthly_usd: f64,
    /// "meets every objective", or the objectives it missed.
    pub verdict: String,
    /// Whether it met every objective.
    pub meets: bool,
    /// Whether it is the answer.
    pub winner: bool,
}

/// A finished search (`job`'s) in the inspector's words.
pub fn sizing_summary(
    done: Result<Sizing, Vec<sim_core::Issue>>,
    job: &AutosizeJob,
) -> Result<SizingSummary, String> {
    let sizing =
        done.map_err(|issues| issues.first().map(ToString::to_string).unwrap_or_default())?;
    let mut tried: Vec<&Candidate> = sizing.tried.iter().collect();
    tried.sort_by(|a, b| a.point.monthly_usd.total_cmp(&b.point.monthly_usd));
    let winner = sizing.winner().map(|w| w.settings.clone());
    let tried = tried
        .into_iter()
        .map(|c| TriedRow {
            settings: settings_text(&sizing.knobs, &c.settings),
            monthly_usd: c.point.monthly_usd,
            verdict: if c.meets() { "meets every objective".into() } else { c.misses.join("; ") },
            meets: c.meets(),
            winner: winner.as_ref() == Some(&c.settings),
        })
        .collect();
    let formula = sizing
        .formula
        .iter()
        .filter(|f| f.too_optimistic())
        .map(|f| {
            format!(
                "The classic formula's {} would see {} write attempts refused on {}.",
                sim_core::autosize::shards_text(f.formula_shards),
                sim_core::units::format_number(f.formula_throttled()),
                f.stream
            )
        })
        .collect();
    let headline = match (sizing.winner(), sizing.monthly_usd) {
        (Some(w), Some(usd)) => format!(
            "Cheapest that meets every objective: {} at ${usd:.2} a month",
            settings_text(&sizing.knobs, &w.settings)
        ),
        _ => "No setting tried meets every objective.".to_string(),
    };
    Ok(SizingSummary {
        headline,
        formula,
        skipped: skipped_text(job),
        tried,
        scenario: sizing.scenario,
    })
}

/// The settings a search skipped for the browser's budget, the first with
/// its reason: `Not run: 2 settings …`.
fn skipped_text(job: &AutosizeJob) -> Option<String> {
    let (first, why) = job.over_budget().first()?;
    let n = job.over_budget().len();
    let what = if n == 1 { "1 setting".to_string() } else { format!("{n} settings") };
    let doc = job.scenario();
    let why = sim_core::plain::issues_in_words(std::slice::from_ref(why), doc).join("; ");
    Some(format!(
        "Not run: {what} beyond what the browser can hold, such as {} ({why}). The command-line autosize runs them.",
        settings_text(job.knobs(), first)
    ))
}

/// One capacity mode's bill, as the comparison's table shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModeRow {
    /// `provisioned`, `on_demand` or `on_demand_advantage`.
    pub mode: String,
    /// How people call it ("(as given)" for the scenario's own mode).
    pub title: String,
    /// Each stream's shards, "4" or "2→6" when they changed.
    pub shards: String,
    /// The run's cost, USD.
    pub run_usd: f64,
    /// Projected over a month, USD.
    pub monthly_usd: f64,
    /// Write attempts refused, retries included.
    pub throttled: u64,
}

/// The capacity-mode comparison, reduced to what its table shows (the
/// whole [`sim_core::ModeComparison`] carries the runs' ledgers, which
/// nobody reads here and which would cost the download their reader).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModeSummary {
    /// What ran, in words.
    pub caption: String,
    /// One row per mode.
    pub rows: Vec<ModeRow>,
    /// The cheapest mode, by how much, and what it refused.
    pub verdict: String,
}

/// [`sim_core::compare_modes`] with the scenario's seed, reduced to what
/// the table shows, its problems in words.
pub fn compare_modes(valid: &ValidScenario, duration_s: u64) -> Result<ModeSummary, String> {
    let s = valid.scenario();
    sim_core::compare_modes(valid, s.seed, duration_s)
        .map(|c| summarise(&c))
        .map_err(|issues| sim_core::plain::issues_in_words(&issues, s).join("; "))
}

fn summarise(c: &sim_core::ModeComparison) -> ModeSummary {
    let rows = c
        .modes
        .iter()
        .map(|m| {
            let shards = m
                .streams
                .values()
                .map(|s| {
                    if s.shards_at_start == s.shards_at_end {
                        format!("{}", s.shards_at_start)
                    } else {
                        format!("{}→{}", s.shards_at_start, s.shards_at_end)
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            let name = m.title();
            ModeRow {
                mode: m.mode.to_string(),
                title: if m.as_given { format!("{name} (as given)") } else { name.into() },
                shards,
                run_usd: m.total_usd,
                monthly_usd: m.monthly_projection_usd,
                throttled: m.write_throttled,
            }
        })
        .collect();
    let (cheapest, next) = c.cheapest_two();
    let mut verdict = format!(
        "{} is cheapest, {}/month less than {}.",
        cheapest.title(),
        format::usd(c.monthly_saving_usd),
        next.title()
    );
    if cheapest.write_throttled > next.write_throttled {
        verdict.push_str(&format!(
            " It refused {} write attempts (retries included), against {}.",
            format::count(cheapest.write_throttled as f64),
            format::count(next.write_throttled as f64)
        ));
    }
    ModeSummary {
        caption: format!(
            "Same traffic and seed, {} simulated from the start of each run, {}-hour month",
            format::millis(c.duration_s as f64 * 1_000.0),
            c.month_hours
        ),
        rows,
        verdict,
    }
}

/// [`sim_core::compare_kinesis_msk`] with the scenario's seed, its
/// problems in words (nodes by their display names, as the cards name
/// them).
pub fn compare_services(
    valid: &ValidScenario,
    duration_s: u64,
    sizing: MskSizing,
) -> Result<ServiceComparison, String> {
    let s = valid.scenario();
    sim_core::compare_kinesis_msk(valid, s.seed, duration_s, sizing)
        .map_err(|issues| sim_core::plain::issues_in_words(&issues, s).join("; "))
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
        let answer = ToPage::Planned { id, done: task.run(&mut |_| {}) };
        let here = replicate(&valid, seed, &Budget::BROWSER);
        assert_eq!(answer, ToPage::Planned { id: 7, done: TaskDone::Replicated(here) });
    }

    /// A comparison answered by a planner is the page's own, to the bit.
    #[test]
    fn a_service_comparison_crosses_back_whole() {
        let valid = sim_core::load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        let sizing = MskSizing::default();
        let task = Task::CompareServices {
            scenario: Box::new(valid.scenario().clone()),
            duration_s: 120,
            sizing,
        };
        let Some(ToWorker::Plan { id, task }) =
            decode::<ToWorker>(&encode(&ToWorker::Plan { id: 3, task }))
        else {
            panic!("a plan crosses")
        };
        let answer =
            decode::<ToPage>(&encode(&ToPage::Planned { id, done: task.run(&mut |_| {}) }));
        let here = compare_services(&valid, 120, sizing).map(Box::new);
        assert_eq!(answer, Some(ToPage::Planned { id: 3, done: TaskDone::ComparedServices(here) }));
    }

    #[test]
    fn the_mode_comparison_shows_three_modes_and_names_the_cheapest() {
        let valid = sim_core::load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        let task =
            Task::CompareModes { scenario: Box::new(valid.scenario().clone()), duration_s: 120 };
        let done =
            decode::<ToPage>(&encode(&ToPage::Planned { id: 1, done: task.run(&mut |_| {}) }));
        let Some(ToPage::Planned { done: TaskDone::ComparedModes(Ok(c)), .. }) = done else {
            panic!("a mode comparison crosses back")
        };
        assert_eq!(c, compare_modes(&valid, 120).unwrap());
        let titles: Vec<&str> = c.rows.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["Provisioned (as given)", "On-demand Standard", "On-demand Advantage"]);
        let cheapest =
            c.rows.iter().min_by(|a, b| a.monthly_usd.total_cmp(&b.monthly_usd)).unwrap();
        let name = cheapest.title.trim_end_matches(" (as given)");
        assert!(c.verdict.starts_with(&format!("{name} is cheapest")), "{}", c.verdict);
    }

    /// An auto-size on a planner says where it stands after each candidate
    /// and answers the page's own search, to the bit.
    #[test]
    fn an_autosize_reports_each_run_and_answers_the_page_s_search() {
        let mut doc = sim_core::parse_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        doc.duration_s = 60;
        let task = Task::Autosize { scenario: Box::new(doc.clone()), node: "events".into() };
        let Some(ToWorker::Plan { id, task }) =
            decode::<ToWorker>(&encode(&ToWorker::Plan { id: 9, task }))
        else {
            panic!("a plan crosses")
        };
        let mut notes = Vec::new();
        let done = task.run(&mut |note| notes.push(note));
        let answer = decode::<ToPage>(&encode(&ToPage::Planned { id, done }));

        let mut job = start_autosize(&doc, "events").unwrap();
        let mut page_notes = Vec::new();
        let here = loop {
            if let Some(done) = job.step(1) {
                break sizing_summary(done, &job);
            }
            page_notes.push(autosize_progress(&job));
        };
        assert_eq!(notes, page_notes);
        assert!(notes.len() >= 3 && notes[0].starts_with("run 1: events.capacity "), "{notes:?}");
        let here = here.unwrap();
        assert!(here.headline.starts_with("Cheapest that meets every objective: events.capacity"));
        assert!(
            here.tried.windows(2).all(|w| w[0].monthly_usd <= w[1].monthly_usd),
            "cheapest first"
        );
        assert_eq!(here.tried.iter().filter(|r| r.winner).count(), 1);
        let expected = TaskDone::Autosized(Ok(Box::new(here)));
        assert_eq!(answer, Some(ToPage::Planned { id: 9, done: expected }));
    }

    /// A search keeps to its host's budget: a setting whose run the host
    /// could not hold is skipped, unrun, and the summary says so in words,
    /// with the command-line way to run it.
    #[test]
    fn an_autosize_skips_settings_its_host_cannot_hold_and_says_so() {
        let mut doc = sim_core::parse_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        doc.duration_s = 60;
        let valid = sim_core::validate(&doc).unwrap();
        // Room for the scenario as it is (2 shards), not for 4.
        let at_most = sim_core::budget::estimate(&valid, 60).events_per_sim_s;
        let limit = Budget {
            host: "the browser",
            memory_bytes: u64::MAX,
            events_per_sim_s: at_most,
            events_per_run: u64::MAX,
        };
        let mut job = autosize_within(&doc, "events", limit).unwrap();
        let summary = loop {
            if let Some(done) = job.step(1) {
                break sizing_summary(done, &job).unwrap();
            }
        };
        assert!(!job.over_budget().is_empty(), "{:?}", summary.tried);
        let skipped = summary.skipped.expect("the skipped settings are told");
        let n = job.over_budget().len();
        let first = settings_text(job.knobs(), &job.over_budget()[0].0);
        assert!(skipped.starts_with(&format!("Not run: {n} setting")), "{skipped}");
        assert!(skipped.contains(&format!("such as {first} (")), "{skipped}");
        assert!(skipped.contains("the browser allows"), "{skipped}");
        assert!(skipped.ends_with("The command-line autosize runs them."), "{skipped}");
        for (settings, _) in job.over_budget() {
            assert!(job.tried().iter().all(|c| &c.settings != settings), "{settings:?} ran");
        }
        // Within the browser's own budget this small search skips nothing.
        let mut job = start_autosize(&doc, "events").unwrap();
        let summary = loop {
            if let Some(done) = job.step(1) {
                break sizing_summary(done, &job).unwrap();
            }
        };
        assert_eq!(summary.skipped, None);
    }

    #[test]
    fn a_scenario_the_planner_refuses_is_named_in_words() {
        let mut scenario = sim_core::parse_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        scenario.duration_s = 0;
        let TaskDone::Replicated(Err(why)) =
            Task::Replicate { scenario: Box::new(scenario), seed: 1 }.run(&mut |_| {})
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
