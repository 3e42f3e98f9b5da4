//! Guided lessons: the list of lessons (a toolbar dialog) and the panel of
//! the open one (narrative, goal, hints revealed one at a time, the live
//! check, the solution and the AWS documentation link).
//!
//! A lesson lives in its scenario (`sim_core::lesson`), so opening one is
//! opening a scenario, and the link in the address bar carries it. The check
//! is evaluated by sim-core when the snapshot is published, a few times a
//! second; this file only shows `SimCtx::live`'s `lesson_status`.

use leptos::prelude::*;
use sim_core::lesson::{CheckStatus, Lesson};
use sim_core::{BUNDLED_SCENARIOS, ValidScenario, load_scenario};

use super::modal::Modal;
use crate::state::SimCtx;

/// Every bundled scenario that carries a lesson.
fn bundled_lessons() -> Vec<ValidScenario> {
    BUNDLED_SCENARIOS
        .iter()
        .filter_map(|(_, json)| load_scenario(json).ok().filter(|v| v.scenario().lesson.is_some()))
        .collect()
}

/// The toolbar button and the dialog that lists the lessons.
#[component]
pub fn LessonList() -> impl IntoView {
    let editor = expect_context::<crate::editor::Editor>();
    let open = RwSignal::new(false);
    let items = bundled_lessons()
        .into_iter()
        .map(|valid| {
            let lesson = valid.scenario().lesson.clone().expect("filtered");
            view! {
                <li>
                    <button
                        class="lesson-card"
                        data-testid=format!("lesson-open-{}", lesson.id)
                        on:click=move |_| {
                            open.set(false);
                            editor.open(valid.clone());
                        }
                        title="Opens the lesson's pipeline, with its goal and hints"
                    >
                        <span class="lesson-card-concept">{lesson.concept.clone()}</span>
                        <span class="lesson-card-title">{lesson.title.clone()}</span>
                        <span class="lesson-card-goal">{lesson.goal.clone()}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <button
            class="ghost-button lessons-open"
            data-testid="lessons-open"
            title="Guided lessons: a situation from the exams or production, a goal, hints and a live check"
            on:click=move |_| open.set(true)
        >
            "Lessons"
        </button>
        <Modal
            open
            title="Lessons"
            hint="Each opens a scenario that goes wrong; follow the hints until the check passes."
            close_label="Close the lessons"
            testid="lessons"
            class="gallery lessons-dialog"
        >
            <ul class="lesson-list">{items}</ul>
        </Modal>
    }
}

/// The open lesson, when the scenario on screen has one.
#[component]
pub fn LessonPanel() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let editor = expect_context::<crate::editor::Editor>();
    let lesson = ctx.scenario.with_value(|v| v.scenario().lesson.clone());
    let names = ctx.scenario.with_value(|v| v.scenario().clone());
    lesson.map(|lesson| {
        let Lesson { id, title, concept, docs_url, narrative, goal, hints, fix, .. } = lesson;
        let solution: Vec<(String, (String, String))> =
            fix.iter().map(|step| (step.describe(&names), control_of(step))).collect();
        let hint_count = hints.len();
        let steps = hint_count + usize::from(!solution.is_empty());
        let shown = move || ctx.lesson.step.get();
        let hint_items = hints
            .into_iter()
            .enumerate()
            .map(|(i, hint)| {
                view! {
                    <Show when=move || { shown() > i }>
                        <li data-testid=format!("lesson-hint-{}", i + 1)>{hint.clone()}</li>
                    </Show>
                }
            })
            .collect_view();
        let next_label = move || {
            let s = shown();
            if s < hint_count {
                format!("Show hint {} of {hint_count}", s + 1)
            } else if s == hint_count && steps > hint_count {
                "Show the solution".to_string()
            } else {
                "All hints shown".to_string()
            }
        };
        view! {
            <section
                class="lesson"
                data-testid="lesson-panel"
                data-lesson=id
                data-step=move || shown().to_string()
                aria-label="Lesson"
            >
                <header class="lesson-head">
                    <span class="eyebrow">{format!("Lesson · {concept}")}</span>
                    <h2 data-testid="lesson-title">{title}</h2>
                </header>
                <p class="lesson-narrative">{narrative}</p>
                <p class="lesson-goal">
                    <strong>"Goal: "</strong>
                    {goal}
                </p>
                <LessonStatus />
                <ol class="lesson-hints" aria-live="polite">{hint_items}</ol>
                <Show when=move || { shown() > hint_count }>
                    <div class="lesson-solution" data-testid="lesson-solution">
                        <strong>"Solution"</strong>
                        <ul>
                            {solution
                                .iter()
                                .map(|(text, control)| {
                                    let show = {
                                        let (node, path) = control.clone();
                                        view! {
                                            " "
                                            <button
                                                type="button"
                                                class="link-button"
                                                data-testid="lesson-show-control"
                                                title="Select the node and go to this control in its inspector"
                                                on:click=move |_| {
                                                    match path.as_str() {
                                                        "" => editor.select_only(&node),
                                                        path => super::inspector::focus_param(editor, &node, path),
                                                    }
                                                }
                                            >
                                                "Show me"
                                            </button>
                                        }
                                    };
                                    view! { <li>{text.clone()} {show}</li> }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                </Show>
                <div class="lesson-actions">
                    <button
                        data-testid="lesson-prev"
                        title="Hide the last hint (←)"
                        disabled=move || shown() == 0
                        on:click=move |_| ctx.step_lesson(-1)
                    >
                        "←"
                    </button>
                    <button
                        class="lesson-next"
                        data-testid="lesson-next"
                        title="Reveal the next hint (N or →)"
                        disabled=move || { shown() >= steps }
                        on:click=move |_| ctx.step_lesson(1)
                    >
                        {next_label}
                    </button>
                    <a
                        class="lesson-docs"
                        data-testid="lesson-docs"
                        href=docs_url
                        target="_blank"
                        rel="noopener noreferrer"
                        title="The AWS documentation page for this concept"
                    >
                        {format!("AWS docs: {concept} ↗")}
                    </a>
                </div>
            </section>
        }
    })
}

/// Where a step of a lesson's fix is done: its node and the inspector field
/// (`""` when it is an intervention of the selected node, split or merge).
fn control_of(step: &sim_core::lesson::FixStep) -> (String, String) {
    use sim_core::lesson::FixStep;
    use sim_core::scenario::StreamOp;
    let (node, path) = match step {
        FixStep::Set { node, param, .. } => (node, param.as_str()),
        FixStep::SetRate { node, .. } => (node, "records_per_s"),
        FixStep::Reshard { node, op: StreamOp::UpdateShardCount { .. }, .. } => {
            (node, "capacity.shards")
        }
        FixStep::Reshard { node, .. } => (node, ""),
    };
    (node.clone(), path.to_string())
}

/// The live check: seconds held out of those needed, what is not right
/// yet, or the success state.
#[component]
fn LessonStatus() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let status = Memo::new(move |_| ctx.live.lesson_status.get());
    let state = move || match status.get() {
        None | Some(CheckStatus::NotStarted) => "not-started",
        Some(CheckStatus::Holding { .. }) => "holding",
        Some(CheckStatus::Passed) => "passed",
        Some(CheckStatus::Failed { .. }) => "failed",
    };
    let body = move || {
        match status.get() {
        None | Some(CheckStatus::NotStarted) => view! {
            <p class="lesson-status-text">"▶ Press play: the check runs as the simulation does."</p>
        }
        .into_any(),
        Some(CheckStatus::Holding { held_s, need_s, waiting }) => {
            let pct = (held_s as f64 / need_s.max(1) as f64 * 100.0).min(100.0);
            let text = match waiting {
                Some(why) => format!("Not yet: {why}."),
                None => format!("Holding: {held_s} of {need_s} simulated seconds."),
            };
            view! {
                <div
                    class="lesson-progress"
                    role="progressbar"
                    aria-valuemin="0"
                    aria-valuemax=need_s
                    aria-valuenow=held_s
                    aria-label="Seconds the goal has held"
                >
                    <span style=format!("width: {pct:.1}%")></span>
                </div>
                <p class="lesson-status-text">
                    <span class="lesson-count">{format!("{held_s} / {need_s} s")}</span>
                    " "
                    {text}
                </p>
            }
            .into_any()
        }
        Some(CheckStatus::Passed) => view! {
            <p class="lesson-status-text lesson-success" data-testid="lesson-success">
                "✔ Goal met. Well done: the pipeline now does what the lesson asked."
            </p>
        }
        .into_any(),
        Some(CheckStatus::Failed { reason }) => view! {
            <p class="lesson-status-text">
                {format!("✖ This run cannot meet the goal: {reason}. Change the pipeline, then reset (R).")}
            </p>
        }
        .into_any(),
    }
    };
    view! {
        <div class="lesson-status" data-testid="lesson-status" data-state=state aria-live="polite">
            {body}
        </div>
    }
}
