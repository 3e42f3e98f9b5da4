//! "Auto-size" for the selected stream or consumer: sim-core's planner
//! (`AutosizeJob`) searches that node's knobs against the scenario's
//! objectives, lists every candidate it tried (configuration, cost a month,
//! objectives met or why not), and applies the winner as one undoable
//! edit. The search is a task on a planning worker (`pool`) beside the live
//! run, saying which candidate it ran last; where no worker starts, it runs
//! in the page, one candidate per animation frame. The same search, the
//! same table.

use leptos::prelude::*;
use sim_core::Scenario;
use sim_core::autosize::AutosizeJob;

use super::planned::note_in_page;
use crate::editor::Editor;
use crate::plan::{
    SizingSummary, Task, TaskDone, autosize_progress, sizing_summary, start_autosize,
};
use crate::pool::{self, Heard, JobId};
use crate::state::SimCtx;

/// Where a search stands.
#[derive(Clone, Debug, Default)]
enum Progress {
    #[default]
    Idle,
    /// The last candidate run, in words.
    Running(String),
    Done(Box<SizingSummary>),
    Failed(String),
}

impl Progress {
    fn of(done: Result<Box<SizingSummary>, String>) -> Self {
        done.map_or_else(Progress::Failed, Progress::Done)
    }
}

/// Where the search runs.
enum Runner {
    Pool(JobId),
    Page(Box<AutosizeJob>),
}

/// The search's state (`Copy`).
#[derive(Clone, Copy)]
struct Search {
    ctx: SimCtx,
    progress: RwSignal<Progress>,
    runner: StoredValue<Option<Runner>>,
    /// Counts stops, so a frame loop of a stopped search ends.
    run: StoredValue<u64>,
}

impl Search {
    /// Searches `node`'s knobs in `doc`: on the pool if the engine has a
    /// worker, else in the page.
    fn begin(self, doc: Scenario, node: String) {
        self.stop();
        if self.ctx.host.with_value(crate::host::Host::in_worker) {
            let task = Task::Autosize { scenario: Box::new(doc.clone()), node: node.clone() };
            // For the page to search again if the worker fails.
            let (doc, node) = (doc.clone(), node.clone());
            let heard = move |heard| match heard {
                Heard::Progress(_, note) => {
                    self.progress.try_set(Progress::Running(note));
                }
                Heard::Done(_, TaskDone::Autosized(done)) => {
                    self.runner.try_set_value(None);
                    self.progress.try_set(Progress::of(done));
                }
                Heard::Done(..) => {}
                Heard::Lost(why) => {
                    note_in_page(&why);
                    self.in_page(&doc, &node);
                }
            };
            match pool::submit(vec![task], heard) {
                Ok(job) => {
                    self.runner.set_value(Some(Runner::Pool(job)));
                    let note = "starting on a worker beside the live run".to_string();
                    return self.progress.set(Progress::Running(note));
                }
                Err(why) => note_in_page(&why),
            }
        }
        self.in_page(&doc, &node);
    }

    /// Searches in the page, a candidate per frame.
    fn in_page(self, doc: &Scenario, node: &str) {
        match start_autosize(doc, node) {
            Ok(job) => {
                self.runner.set_value(Some(Runner::Page(Box::new(job))));
                self.progress.set(Progress::Running(String::new()));
                self.pump(self.run.get_value());
            }
            Err(why) => self.progress.set(Progress::Failed(why)),
        }
    }

    /// Ends the search, wherever it runs.
    fn stop(self) {
        if let Some(Some(Runner::Pool(job))) = self.runner.try_update_value(Option::take) {
            pool::cancel(job);
        }
        self.run.try_update_value(|run| *run += 1);
    }

    /// Runs one new configuration in the page, shows it, and comes back
    /// next frame, until the search ends or search `run` is stopped.
    fn pump(self, run: u64) {
        if self.run.try_get_value() != Some(run) {
            return;
        }
        let step = self.runner.try_update_value(|runner| {
            let Some(Runner::Page(job)) = runner.as_mut() else { return None };
            // Done, or where the search stands.
            Some(match job.step(1) {
                Some(done) => Ok(sizing_summary(done, job)),
                None => Err(autosize_progress(job)),
            })
        });
        let note = match step.flatten() {
            Some(Ok(done)) => {
                self.runner.set_value(None);
                return self.progress.set(Progress::of(done.map(Box::new)));
            }
            Some(Err(note)) => note,
            None => return,
        };
        // A disposed signal (the inspector closed) stops the search.
        if self.progress.try_set(Progress::Running(note)).is_none() {
            request_animation_frame(move || self.pump(run));
        }
    }
}

/// The Auto-size section of a node's inspector.
#[component]
pub fn AutoSize(id: String) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let search = Search {
        ctx: expect_context::<SimCtx>(),
        progress: RwSignal::new(Progress::Idle),
        runner: StoredValue::new(None),
        run: StoredValue::new(0),
    };
    on_cleanup(move || search.stop());
    let progress = search.progress;
    let start = move |_| search.begin(editor.doc.get_untracked(), id.clone());
    let cancel = move |_| {
        search.stop();
        progress.set(Progress::Idle);
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
    let running = move || matches!(progress.get(), Progress::Running(_));
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
                Progress::Running(note) => view! {
                    <p class="autosize-status" role="status" data-testid="autosize-status">
                        {note}
                        " "
                        <button type="button" class="ghost-button" data-testid="autosize-cancel" on:click=cancel>
                            "Cancel"
                        </button>
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

fn result_view(
    sizing: &SizingSummary,
    apply: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let rows = sizing
        .tried
        .iter()
        .map(|c| {
            view! {
                <tr class:winner=c.winner class:fails=!c.meets>
                    <td>{c.settings.clone()}</td>
                    <td class="num">{format!("${:.2}", c.monthly_usd)}</td>
                    <td>{c.verdict.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let formula = sizing
        .formula
        .iter()
        .map(|line| {
            view! { <p class="autosize-formula" data-testid="autosize-formula">{line.clone()}</p> }
        })
        .collect_view();
    let skipped = sizing.skipped.clone().map(|line| {
        view! { <p class="autosize-formula" data-testid="autosize-skipped">{line}</p> }
    });
    let found = sizing.scenario.is_some();
    view! {
        <p class="autosize-headline" data-testid="autosize-result">{sizing.headline.clone()}</p>
        {formula}
        {skipped}
        {found.then(|| view! {
            <button class="ghost-button autosize-apply" data-testid="autosize-apply" on:click=apply>"Apply (undoable)"</button>
        })}
        <table class="autosize-table" data-testid="autosize-candidates">
            <thead><tr><th>"Tried"</th><th>"a month"</th><th>"objectives"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
