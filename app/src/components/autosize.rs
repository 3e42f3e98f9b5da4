//! "Auto-size" for the selected stream or consumer: sim-core's planner
//! (`AutosizeJob`) searches that node's knobs against the scenario's
//! objectives, one run per animation frame so the page stays responsive,
//! lists every candidate it tried (configuration, cost a month, objectives
//! met or why not), and applies the winner as one undoable edit.

use leptos::prelude::*;
use sim_core::Scenario;
use sim_core::autosize::{AutosizeJob, Candidate, Knob, Objectives, Sizing};

use crate::editor::Editor;

/// Where a search stands.
#[derive(Clone, Debug, Default)]
enum Progress {
    #[default]
    Idle,
    Running {
        runs: usize,
        last: String,
    },
    Done(Box<Sizing>),
    Failed(String),
}

/// One candidate in words: `events.capacity=5 shards, …`.
fn settings_text(knobs: &[Knob], c: &Candidate) -> String {
    let parts: Vec<String> = knobs
        .iter()
        .zip(&c.settings)
        .map(|(k, &v)| format!("{} {}", k.label(), k.value_text(v)))
        .collect();
    parts.join(", ")
}

/// The Auto-size section of a node's inspector.
#[component]
pub fn AutoSize(id: String) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let progress = RwSignal::new(Progress::Idle);
    let job: StoredValue<Option<AutosizeJob>> = StoredValue::new(None);
    let start = {
        let id = id.clone();
        move |_| {
            let doc: Scenario = editor.doc.get_untracked();
            let objectives = Objectives::of(&doc);
            match AutosizeJob::new(&doc, &objectives, doc.seed, doc.duration_s, Some(&id)) {
                Ok(j) => {
                    job.set_value(Some(j));
                    progress.set(Progress::Running { runs: 0, last: String::new() });
                    pump(job, progress);
                }
                Err(issues) => progress.set(Progress::Failed(format!(
                    "fix the scenario first: {}",
                    sim_core::plain::issues_in_words(&issues, &doc).join("; ")
                ))),
            }
        }
    };
    let apply = move |_| {
        if let Progress::Done(sizing) = progress.get_untracked()
            && let Some(sized) = sizing.scenario.clone()
        {
            let before = editor.doc.get_untracked();
            // Keep the canvas as it is now; take the planner's model.
            let after = Scenario { layout: before.layout.clone(), ..sized };
            editor.commit(before, after);
            progress.set(Progress::Idle);
        }
    };
    let running = move || matches!(progress.get(), Progress::Running { .. });
    view! {
        <div class="autosize" data-testid="autosize">
            <button
                class="ghost-button"
                data-testid="autosize-start"
                disabled=running
                on:click=start
                title="Search this node's settings for the cheapest that meets the scenario's objectives"
            >
                "Auto-size"
            </button>
            {move || match progress.get() {
                Progress::Idle => ().into_any(),
                Progress::Running { runs, last } => view! {
                    <p class="autosize-status" role="status" data-testid="autosize-status">
                        {format!("run {runs}: {last}")}
                    </p>
                }
                .into_any(),
                Progress::Failed(why) => view! {
                    <p class="field-error" role="alert">{why}</p>
                }
                .into_any(),
                Progress::Done(sizing) => result_view(&sizing, apply).into_any(),
            }}
        </div>
    }
}

/// Runs one new configuration, shows it, and comes back next frame.
fn pump(job: StoredValue<Option<AutosizeJob>>, progress: RwSignal<Progress>) {
    let Some(step) = job.try_update_value(|j| {
        let j = j.as_mut()?;
        let done = j.step(1);
        let runs = j.tried().len();
        let last = j.tried().last().map(|c| settings_text(j.knobs(), c)).unwrap_or_default();
        Some((done, runs, last))
    }) else {
        return;
    };
    match step {
        Some((Some(Ok(sizing)), _, _)) => progress.set(Progress::Done(Box::new(sizing))),
        Some((Some(Err(issues)), _, _)) => progress
            .set(Progress::Failed(issues.first().map(ToString::to_string).unwrap_or_default())),
        // A disposed signal (the inspector closed) stops the search.
        Some((None, runs, last))
            if progress.try_set(Progress::Running { runs, last: last.clone() }).is_none() =>
        {
            request_animation_frame(move || pump(job, progress));
        }
        _ => {}
    }
}

fn result_view(sizing: &Sizing, apply: impl Fn(leptos::ev::MouseEvent) + 'static) -> impl IntoView {
    let mut tried: Vec<&Candidate> = sizing.tried.iter().collect();
    tried.sort_by(|a, b| a.point.monthly_usd.total_cmp(&b.point.monthly_usd));
    let winner = sizing.winner().map(|w| w.settings.clone());
    let rows = tried
        .into_iter()
        .map(|c| {
            let is_winner = winner.as_ref() == Some(&c.settings);
            let verdict =
                if c.meets() { "meets every objective".to_string() } else { c.misses.join("; ") };
            view! {
                <tr class:winner=is_winner class:fails=!c.meets()>
                    <td>{settings_text(&sizing.knobs, c)}</td>
                    <td class="num">{format!("${:.2}", c.point.monthly_usd)}</td>
                    <td>{verdict}</td>
                </tr>
            }
        })
        .collect_view();
    let formula = sizing
        .formula
        .iter()
        .filter(|f| f.too_optimistic())
        .map(|f| {
            view! {
                <p class="autosize-formula" data-testid="autosize-formula">
                    {format!(
                        "The classic formula's {} shards would see {} write attempts refused on {}.",
                        f.formula_shards, sim_core::units::format_number(f.formula_throttled()), f.stream
                    )}
                </p>
            }
        })
        .collect_view();
    let headline = match (sizing.winner(), sizing.monthly_usd) {
        (Some(w), Some(usd)) => format!(
            "Cheapest that meets every objective: {} at ${usd:.2} a month",
            settings_text(&sizing.knobs, w)
        ),
        _ => "No setting tried meets every objective.".to_string(),
    };
    let found = sizing.scenario.is_some();
    view! {
        <p class="autosize-headline" data-testid="autosize-result">{headline}</p>
        {formula}
        {found.then(|| view! {
            <button class="ghost-button autosize-apply" data-testid="autosize-apply" on:click=apply>"Apply (undoable)"</button>
        })}
        <table class="autosize-table" data-testid="autosize-candidates">
            <thead><tr><th>"Tried"</th><th>"a month"</th><th>"objectives"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
