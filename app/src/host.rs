//! Where the engine runs, seen from the page: in a dedicated Web Worker
//! (`worker`, loaded from `public/engine-worker.js` with the page's own
//! glue and wasm) or, when no worker starts, in the page itself, ticked by
//! the frame loop (`sim_loop`). Either way the page sends [`Command`]s and
//! renders the [`Out`]s that come back, through `SimCtx::send` and
//! `SimCtx::receive`: the same code and the same numbers.
//!
//! The worker is asked for first. Until it says it is listening, commands
//! wait in a queue; until its engine is built, they are also kept, so that
//! if it fails (the constructor throws, it reports an error, or it is not
//! up within [`STARTUP_MS`]) the page builds its own engine from the same
//! scenario and replays them. `?debug=no-worker` forces the page host.

use leptos::prelude::{SetValue, UpdateValue, WithValue};
use sim_core::ValidScenario;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::engine::{Budgets, Command, Engine, Out};
use crate::state::SimCtx;
use crate::worker::{ToPage, ToWorker, encode, from_js};

/// How long the worker may take to start before the page hosts the engine.
pub const STARTUP_MS: f64 = 5_000.0;

/// The engine's host.
pub enum Host {
    /// Before `start` (only while `SimCtx` is built).
    Unstarted,
    /// A worker is starting.
    Starting(Box<Starting>),
    /// The engine runs in the worker.
    Worker(Link),
    /// The engine runs in the page.
    Page(Box<Engine>),
}

/// A worker that has not built its engine yet.
pub struct Starting {
    link: Link,
    /// The scenario it starts with.
    initial: ValidScenario,
    /// Everything sent since, in order (replayed by a page host on failure).
    sent: Vec<ToWorker>,
    /// The worker hears messages (it said [`ToPage::Listening`]).
    listening: bool,
    /// When it was created (`performance.now()`).
    since: f64,
    /// Commands sent so far.
    commands: u64,
}

/// A worker on `public/engine-worker.js` and the page's listeners to it
/// (kept as long as the worker).
pub struct Spawned {
    /// The worker.
    pub worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// Dropping a worker's handle ends the worker (and nothing more is heard
/// from it).
impl Drop for Spawned {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

impl Spawned {
    /// Posts `message` to the worker (as JSON text: see `worker`).
    pub fn post(&self, message: &ToWorker) {
        let _ = self.worker.post_message(&JsValue::from_str(&encode(message)));
    }
}

/// The page's end of the channel to the engine worker.
pub struct Link {
    spawned: Spawned,
    /// The last hold sent.
    hold: bool,
    /// Commands sent so far.
    commands: u64,
    /// The worker's last reported 95th percentile of its slices' time.
    slice_p95_ms: f64,
}

impl Host {
    /// Commands sent so far (a worker counts the same ones as it handles them).
    pub fn sent(&self) -> u64 {
        match self {
            Host::Starting(s) => s.commands,
            Host::Worker(link) => link.commands,
            Host::Unstarted | Host::Page(_) => 0,
        }
    }
}

impl Link {
    fn post(&self, message: &ToWorker) {
        self.spawned.post(message);
    }
}

impl Host {
    /// Sends `command` to the engine; an engine in the page answers at once.
    pub fn send(&mut self, command: Command) -> Vec<Out> {
        let mut out = Vec::new();
        match self {
            Host::Unstarted => {}
            Host::Starting(starting) => {
                starting.commands += 1;
                starting.post(ToWorker::Command(command));
            }
            Host::Worker(link) => {
                link.commands += 1;
                link.post(&ToWorker::Command(command));
            }
            Host::Page(engine) => engine.handle(command, &mut out),
        }
        out
    }

    /// Advances an engine in the page by `dt` of wall time within a
    /// frame's budget (a worker runs by itself).
    pub fn tick(&mut self, dt: f64) -> Vec<Out> {
        let mut out = Vec::new();
        if let Host::Page(engine) = self {
            engine.tick(&crate::sim_loop::now_ms, dt, Budgets::PAGE, &mut out);
        }
        out
    }

    /// Tells a worker to hold still (or go on) when that changes; a page
    /// host holds still by itself (no frames, or the frame loop skips it).
    pub fn hold(&mut self, hold: bool) {
        match self {
            Host::Starting(starting) if starting.link.hold != hold => {
                starting.link.hold = hold;
                starting.post(ToWorker::Hold(hold));
            }
            Host::Worker(link) if link.hold != hold => {
                link.hold = hold;
                link.post(&ToWorker::Hold(hold));
            }
            _ => {}
        }
    }

    /// Whether a worker has been starting for longer than [`STARTUP_MS`].
    pub fn overdue(&self, now: f64) -> bool {
        matches!(self, Host::Starting(s) if now - s.since > STARTUP_MS)
    }

    /// Whether the engine runs in a worker (or is about to).
    pub fn in_worker(&self) -> bool {
        matches!(self, Host::Starting(_) | Host::Worker(_))
    }

    /// The worker's slice time (95th percentile), if the engine runs there.
    pub fn slice_p95_ms(&self) -> Option<f64> {
        match self {
            Host::Worker(link) => Some(link.slice_p95_ms),
            _ => None,
        }
    }
}

impl Starting {
    fn post(&mut self, message: ToWorker) {
        if self.listening {
            self.link.post(&message);
        }
        self.sent.push(message);
    }
}

/// Starts the engine for `ctx` on `valid`: in a worker if one starts.
pub fn start(ctx: SimCtx, valid: ValidScenario) {
    match spawn(ctx) {
        Ok(link) => {
            let since = crate::sim_loop::now_ms();
            let starting = Starting {
                link,
                initial: valid,
                sent: Vec::new(),
                listening: false,
                since,
                commands: 0,
            };
            ctx.host.set_value(Host::Starting(Box::new(starting)));
        }
        Err(why) => in_page(ctx, valid, Vec::new(), &why),
    }
}

/// The engine in the page, on `valid`, after the messages in `replay`.
fn in_page(ctx: SimCtx, valid: ValidScenario, replay: Vec<ToWorker>, why: &str) {
    web_sys::console::info_1(
        &format!("Shardplay: the simulation runs in the page ({why}).").into(),
    );
    let mut engine = Engine::new(valid);
    let mut out = vec![Out::View(Box::new(engine.capture()))];
    for message in replay {
        match message {
            ToWorker::Command(command) => engine.handle(command, &mut out),
            ToWorker::Start(_) | ToWorker::Hold(_) | ToWorker::Plan { .. } => {}
        }
    }
    ctx.host.set_value(Host::Page(Box::new(engine)));
    ctx.receive(out);
}

/// The page hosts the engine instead of a worker that did not start (no
/// effect once the worker runs it).
pub fn fall_back(ctx: SimCtx, why: &str) {
    let starting =
        ctx.host.try_update_value(|host| match std::mem::replace(host, Host::Unstarted) {
            Host::Starting(starting) => Some(starting),
            other => {
                *host = other;
                None
            }
        });
    if let Some(Some(starting)) = starting {
        let Starting { link, initial, sent, .. } = *starting;
        drop(link); // ends the worker
        in_page(ctx, initial, sent, why);
    }
}

/// The engine's worker for `ctx`, or why none can start.
fn spawn(ctx: SimCtx) -> Result<Link, String> {
    if crate::recovery::debug_flag("no-worker") {
        return Err("?debug=no-worker".into());
    }
    let spawned = spawn_worker(
        move |message| hear(ctx, message),
        move |text| failed(ctx, &format!("the engine worker failed: {text}")),
    )?;
    Ok(Link { spawned, hold: false, commands: 0, slice_p95_ms: 0.0 })
}

/// A worker on `public/engine-worker.js`, told the page's glue and wasm
/// (the HTTP cache serves them again), calling `hear` with each message it
/// posts and `fail` with what went wrong when it fails; or why none can
/// start. The engine's host and the planning pool (`pool`) both start
/// theirs here.
pub fn spawn_worker(
    mut hear: impl FnMut(ToPage) + 'static,
    mut fail: impl FnMut(String) + 'static,
) -> Result<Spawned, String> {
    let document = leptos::prelude::document();
    let tag = document
        .query_selector("script[data-wasm]")
        .ok()
        .flatten()
        .ok_or("no script names the wasm")?;
    let base = document.base_uri().ok().flatten().ok_or("no base address")?;
    let absolute = |relative: &str| {
        web_sys::Url::new_with_base(relative, &base).map(|u| u.href()).map_err(|_| "a bad address")
    };
    let js = absolute(&tag.get_attribute("data-js").ok_or("no glue named")?)?;
    let wasm = absolute(&tag.get_attribute("data-wasm").ok_or("no wasm named")?)?;
    let script = absolute("public/engine-worker.js")?;
    let url = format!(
        "{script}?js={}&wasm={}",
        js_sys::encode_uri_component(&js),
        js_sys::encode_uri_component(&wasm)
    );
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(&url, &options)
        .map_err(|e| format!("the worker did not start: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(message) = from_js(event.data()) {
            hear(message);
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let text = event
            .dyn_ref::<web_sys::ErrorEvent>()
            .map_or_else(|| "an error".to_string(), web_sys::ErrorEvent::message);
        fail(text);
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The worker's first message: the module the page compiled (public/boot.js), so it
    // neither fetches nor compiles the wasm again; without one it loads it by address.
    let module = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("shardplayWasm"))
        .unwrap_or(JsValue::UNDEFINED);
    let first = js_sys::Object::new();
    js_sys::Reflect::set(&first, &JsValue::from_str("module"), &module)
        .map_err(|_| "the wasm module could not be handed over")?;
    worker
        .post_message(&first)
        .map_err(|e| format!("the worker did not take the wasm module: {e:?}"))?;
    Ok(Spawned { worker, _on_message: on_message, _on_error: on_error })
}

/// The worker failed: before its engine ran, the page takes over; after,
/// the run is lost, as after a panic in the page (the recovery banner).
fn failed(ctx: SimCtx, why: &str) {
    if ctx.host.with_value(|h| matches!(h, Host::Starting(_))) {
        fall_back(ctx, why);
    } else if ctx.host.with_value(|h| matches!(h, Host::Worker(_))) {
        web_sys::console::error_1(&why.into());
        crate::recovery::show_banner();
    }
}

/// Handles one message from the worker.
fn hear(ctx: SimCtx, message: ToPage) {
    match message {
        ToPage::Listening => ctx.host.update_value(|host| {
            if let Host::Starting(starting) = host {
                starting.listening = true;
                let scenario = Box::new(starting.initial.scenario().clone());
                starting.link.post(&ToWorker::Start(scenario));
                for message in &starting.sent {
                    starting.link.post(message);
                }
            }
        }),
        ToPage::Ready => ctx.host.update_value(|host| {
            if let Host::Starting(_) = host
                && let Host::Starting(starting) = std::mem::replace(host, Host::Unstarted)
            {
                let mut link = starting.link;
                link.commands = starting.commands;
                *host = Host::Worker(link);
            }
        }),
        ToPage::Failed(why) => failed(ctx, &why),
        ToPage::Outs { handled, outs } => ctx.receive_late(handled, outs),
        ToPage::Slices { p95_ms } => ctx.host.update_value(|host| {
            if let Host::Worker(link) = host {
                link.slice_p95_ms = p95_ms;
            }
        }),
        ToPage::Panicked(why) => failed(ctx, &format!("the engine worker panicked: {why}")),
        // The engine's worker is never sent a task.
        ToPage::Planned { .. } | ToPage::Progress { .. } => {}
    }
}
