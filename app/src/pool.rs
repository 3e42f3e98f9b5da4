//! A small pool of planning workers: the engine's worker script started
//! again (`host::spawn_worker`), each running one [`Task`] at a time to its
//! end, so planning (the seeds of "How sure?", auto-size, the comparisons)
//! uses the machine's other cores while the live run keeps its own worker
//! and the page keeps its frames.
//!
//! A job is a list of tasks and a listener. A free worker goes to the job
//! with the fewest tasks running. Each answer reaches the listener with the
//! task's index, in whatever order the workers finish, and the caller
//! combines them by index (sim-core's `Gathered`), so the result never
//! depends on the order. Workers start when a job needs them,
//! up to [`size`], and all end when no job is left (each holds its own
//! copy of the wasm's memory). A task cannot be interrupted: cancelling a
//! job ends the workers running its tasks at once. A worker that fails
//! loses its job ([`Heard::Lost`]); the caller runs the work in the page.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use crate::host::{Spawned, spawn_worker};
use crate::plan::{Task, TaskDone};
use crate::worker::{ToPage, ToWorker};

/// The most planning workers, whatever the machine: past four, a browser
/// tab's memory grows faster than the work shrinks.
pub const MAX_WORKERS: usize = 4;

/// A submitted job's number.
pub type JobId = u64;

/// What a job's listener hears.
#[derive(Debug)]
pub enum Heard {
    /// The task with this index answered.
    Done(usize, TaskDone),
    /// Where the task with this index stands, in words.
    Progress(usize, String),
    /// A worker failed (why): the job is over, unfinished.
    Lost(String),
}

type Listener = Rc<dyn Fn(Heard)>;

struct Job {
    id: JobId,
    /// Tasks not yet sent, with their indexes.
    pending: VecDeque<(usize, Task)>,
    /// Tasks sent and not yet answered.
    running: usize,
    listener: Listener,
}

/// A task a worker is running.
#[derive(Clone, Copy)]
struct Busy {
    job: JobId,
    index: usize,
    task: u64,
}

struct Slot {
    number: u64,
    spawned: Spawned,
    /// The worker said it hears messages.
    listening: bool,
    busy: Option<Busy>,
}

#[derive(Default)]
struct Pool {
    jobs: Vec<Job>,
    slots: Vec<Slot>,
    last_job: u64,
    last_slot: u64,
    last_task: u64,
    /// Why workers cannot plan here, once one failed before it ran a task.
    broken: Option<String>,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

/// Listener calls are made after the pool is released: a listener may
/// submit or cancel.
type Calls = Vec<(Listener, Heard)>;

fn call(calls: Calls) {
    for (listener, heard) in calls {
        listener(heard);
    }
}

/// How many workers a job may use: the browser's count of logical
/// processors, 1 to [`MAX_WORKERS`].
pub fn size() -> usize {
    let n = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (n as usize).clamp(1, MAX_WORKERS)
}

/// Runs `tasks` on the pool; `listener` hears each answer, with the task's
/// index, or that the job was lost. `Err` (why) when no worker can start:
/// the caller runs the tasks itself.
pub fn submit(tasks: Vec<Task>, listener: impl Fn(Heard) + 'static) -> Result<JobId, String> {
    if crate::recovery::debug_flag("no-worker") {
        return Err("?debug=no-worker".into());
    }
    let id = POOL.with_borrow_mut(|pool| {
        if let Some(why) = &pool.broken {
            return Err(why.clone());
        }
        pool.last_job += 1;
        pool.jobs.push(Job {
            id: pool.last_job,
            pending: tasks.into_iter().enumerate().collect(),
            running: 0,
            listener: Rc::new(listener),
        });
        Ok(pool.last_job)
    })?;
    POOL.with_borrow_mut(|pool| match dispatch(pool) {
        Err(why) if pool.slots.is_empty() => {
            pool.jobs.retain(|j| j.id != id);
            Err(why)
        }
        _ => Ok(id),
    })
}

/// Ends job `id`: its unsent tasks are dropped and the workers running
/// its tasks end at once (nothing more is heard of it).
pub fn cancel(id: JobId) {
    POOL.with_borrow_mut(|pool| {
        pool.jobs.retain(|j| j.id != id);
        pool.slots.retain(|s| s.busy.is_none_or(|b| b.job != id));
        let _ = dispatch(pool);
    });
}

/// Sends pending tasks to idle workers and starts workers for the rest,
/// up to [`size`]; ends every worker when no job is left.
fn dispatch(pool: &mut Pool) -> Result<(), String> {
    if pool.jobs.is_empty() {
        pool.slots.clear();
        return Ok(());
    }
    for slot in pool.slots.iter_mut().filter(|s| s.listening && s.busy.is_none()) {
        // The job with the fewest tasks running goes first (the oldest of
        // equals), so a comparison is not queued behind a hundred seeds.
        let waiting = pool.jobs.iter_mut().filter(|j| !j.pending.is_empty());
        let Some(job) = waiting.min_by_key(|j| j.running) else { break };
        let Some((index, task)) = job.pending.pop_front() else { break };
        job.running += 1;
        pool.last_task += 1;
        slot.busy = Some(Busy { job: job.id, index, task: pool.last_task });
        slot.spawned.post(&ToWorker::Plan { id: pool.last_task, task });
    }
    // Tasks left once the workers still starting take theirs.
    let pending: usize = pool.jobs.iter().map(|j| j.pending.len()).sum();
    let starting = pool.slots.iter().filter(|s| !s.listening).count();
    let wanted = pending.saturating_sub(starting).min(size().saturating_sub(pool.slots.len()));
    for _ in 0..wanted {
        pool.last_slot += 1;
        let number = pool.last_slot;
        let spawned = spawn_worker(
            move |message| heard(number, message),
            move |why| lost(number, format!("a planning worker failed: {why}")),
        )?;
        pool.slots.push(Slot { number, spawned, listening: false, busy: None });
    }
    Ok(())
}

/// A message from worker `number`.
fn heard(number: u64, message: ToPage) {
    let message = match message {
        ToPage::Failed(why) | ToPage::Panicked(why) => {
            return lost(number, format!("a planning worker failed: {why}"));
        }
        other => other,
    };
    let calls = POOL.with_borrow_mut(|pool| {
        let mut calls = Calls::new();
        let Some(slot) = pool.slots.iter_mut().find(|s| s.number == number) else { return calls };
        match message {
            ToPage::Listening => slot.listening = true,
            ToPage::Planned { id, done } => {
                let Some(busy) = slot.busy.filter(|b| b.task == id) else { return calls };
                slot.busy = None;
                if let Some(at) = pool.jobs.iter().position(|j| j.id == busy.job) {
                    let job = &mut pool.jobs[at];
                    job.running -= 1;
                    calls.push((job.listener.clone(), Heard::Done(busy.index, done)));
                    if job.pending.is_empty() && job.running == 0 {
                        pool.jobs.remove(at);
                    }
                }
            }
            ToPage::Progress { id, note } => {
                let Some(busy) = slot.busy.filter(|b| b.task == id) else { return calls };
                if let Some(job) = pool.jobs.iter().find(|j| j.id == busy.job) {
                    calls.push((job.listener.clone(), Heard::Progress(busy.index, note)));
                }
                return calls;
            }
            ToPage::Ready
            | ToPage::Outs { .. }
            | ToPage::Slices { .. }
            | ToPage::Failed(_)
            | ToPage::Panicked(_) => {}
        }
        if let Err(why) = dispatch(pool) {
            fail_all(pool, &why, &mut calls);
        }
        calls
    });
    call(calls);
}

/// Worker `number` failed (an error event).
fn lost(number: u64, why: String) {
    let mut calls = Calls::new();
    lose(number, why, &mut calls);
    call(calls);
}

/// Ends worker `number` and the job it was running. A worker that fails
/// while it loads means workers cannot plan here at all: every job is
/// lost, and later ones run in the page.
fn lose(number: u64, why: String, calls: &mut Calls) {
    POOL.with_borrow_mut(|pool| {
        let Some(at) = pool.slots.iter().position(|s| s.number == number) else { return };
        let slot = pool.slots.remove(at);
        if !slot.listening {
            pool.broken = Some(why.clone());
            return fail_all(pool, &why, calls);
        }
        if let Some(busy) = slot.busy
            && let Some(at) = pool.jobs.iter().position(|j| j.id == busy.job)
        {
            let job = pool.jobs.remove(at);
            pool.slots.retain(|s| s.busy.is_none_or(|b| b.job != job.id));
            calls.push((job.listener, Heard::Lost(why)));
        }
        if let Err(why) = dispatch(pool) {
            fail_all(pool, &why, calls);
        }
    });
}

/// Every job is lost (why), and every worker ends.
fn fail_all(pool: &mut Pool, why: &str, calls: &mut Calls) {
    for job in pool.jobs.drain(..) {
        calls.push((job.listener, Heard::Lost(why.to_string())));
    }
    pool.slots.clear();
}
