//! One planning task behind a button (a comparison): run as a task on the
//! planning pool when the engine runs in a worker, so the page and the
//! live run go on and Cancel ends it at once; in the page when no worker
//! starts or the planner fails (the same answer). The answer describes the
//! scenario it ran, so an edit drops it.

use leptos::prelude::*;

use crate::plan::{Task, TaskDone};
use crate::pool::{self, Heard, JobId};
use crate::state::SimCtx;

/// Where the task stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Planning<T> {
    /// Nothing asked yet (or dropped).
    #[default]
    Idle,
    /// On a planning worker.
    Running,
    /// The answer, or what is wrong, in words.
    Done(Result<T, String>),
}

/// A task's answer read as the panel's: `None` if it is another task's.
pub type Read<T> = fn(TaskDone) -> Option<Result<T, String>>;

/// The handle a panel keeps (`Copy`).
pub struct Planned<T: Send + Sync + 'static> {
    ctx: SimCtx,
    state: RwSignal<Planning<T>>,
    job: StoredValue<Option<JobId>>,
    read: Read<T>,
}

impl<T: Send + Sync + 'static> Clone for Planned<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Planned<T> {}

impl<T: Clone + Send + Sync + 'static> Planned<T> {
    /// A panel's task, idle; `read` takes its answer out of a [`TaskDone`].
    pub fn new(ctx: SimCtx, read: Read<T>) -> Self {
        let planned = Planned {
            ctx,
            state: RwSignal::new(Planning::Idle),
            job: StoredValue::new(None),
            read,
        };
        Effect::new(move |_| {
            ctx.revision.track();
            planned.stop();
        });
        on_cleanup(move || planned.stop());
        planned
    }

    /// Where the task stands (tracked).
    pub fn state(self) -> Planning<T> {
        self.state.get()
    }

    /// Whether the task runs (tracked).
    pub fn running(self) -> bool {
        self.state.with(|s| matches!(s, Planning::Running))
    }

    /// Shows what is wrong with the request instead of running anything.
    pub fn refuse(self, why: String) {
        self.stop();
        self.state.set(Planning::Done(Err(why)));
    }

    /// Runs `task`, on the pool if the engine has a worker, else at once.
    pub fn run(self, task: Task) {
        self.stop();
        let read = self.read;
        if self.ctx.host.with_value(crate::host::Host::in_worker) {
            let fallback = task.clone();
            let heard = move |heard| {
                let answer = match heard {
                    Heard::Done(_, done) => read(done),
                    Heard::Progress(..) => None,
                    Heard::Lost(why) => {
                        note_in_page(&why);
                        read(fallback.clone().run(&mut |_| {}))
                    }
                };
                if let Some(answer) = answer {
                    self.job.try_set_value(None);
                    self.state.try_set(Planning::Done(answer));
                }
            };
            match pool::submit(vec![task.clone()], heard) {
                Ok(id) => {
                    self.job.set_value(Some(id));
                    return self.state.set(Planning::Running);
                }
                Err(why) => note_in_page(&why),
            }
        }
        let answer =
            read(task.run(&mut |_| {})).unwrap_or_else(|| Err("the task answered another".into()));
        self.state.set(Planning::Done(answer));
    }

    /// Ends a running task and forgets any answer.
    pub fn stop(self) {
        if let Some(Some(id)) = self.job.try_update_value(Option::take) {
            pool::cancel(id);
        }
        self.state.try_set(Planning::Idle);
    }
}

/// Says in the console why a task runs in the page.
pub fn note_in_page(why: &str) {
    web_sys::console::info_1(&format!("Shardplay: planning runs in the page ({why}).").into());
}

/// While the task runs: what runs, in words, and Cancel (test ids
/// `{id}-progress` and `{id}-cancel`).
pub fn running<T: Clone + Send + Sync + 'static>(
    planned: Planned<T>,
    what: &'static str,
    id: &'static str,
) -> impl IntoView + use<T> {
    view! {
        <span class="compare-hint" role="status" data-testid=format!("{id}-progress")>
            {format!("{what} on a worker beside the live run…")}
        </span>
        <button type="button" data-testid=format!("{id}-cancel") on:click=move |_| planned.stop()>
            "Cancel"
        </button>
    }
}
