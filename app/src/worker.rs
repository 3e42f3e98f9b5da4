//! The engine's Web Worker: the same wasm as the page, started by
//! `public/engine-worker.js`, where `main` finds itself in a worker and
//! calls [`start`] instead of mounting the page. It owns the [`Engine`],
//! handles the page's [`ToWorker`] messages and runs the engine in slices
//! of [`Budgets::WORKER`], posting the [`Out`]s as [`ToPage`] messages.
//! The planning pool's workers (`pool`) are the same script, sent
//! [`ToWorker::Plan`] tasks instead of an engine.
//!
//! To the worker, messages are serde JSON strings: one string crosses the
//! channel as a single copy, and the scenario's JSON code is in the binary
//! anyway; `serde_json`'s `float_roundtrip` feature makes every number
//! parse back to the same bits, so a scenario posted here runs exactly as
//! it would in the page. To the page, messages are JS values
//! (`serde-wasm-bindgen`): views hold infinities and NaN (a gauge without a
//! red threshold), which JSON writes as `null` and cannot read back.

use std::cell::RefCell;
use std::collections::VecDeque;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Serialize};
use sim_core::{Scenario, validate};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, MessagePort};

use crate::engine::{Budgets, Command, Engine, Out};
use crate::plan::{Task, TaskDone};
use crate::sim_loop::percentile;

/// A message from the page to the engine worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Builds the engine for this scenario (validated here again), playing
    /// from time zero; answered with [`ToPage::Ready`] or [`ToPage::Failed`].
    Start(#[serde(deserialize_with = "read_scenario")] Box<Scenario>),
    /// A command for the engine.
    Command(Command),
    /// Nobody can see the run (a hidden tab, an embed scrolled away): hold
    /// still while `true`, and resume without a jump.
    Hold(bool),
    /// A planning worker (`pool`) runs this task to its end and answers
    /// with [`ToPage::Planned`] and the same id.
    Plan {
        /// The pool's number for the task.
        id: u64,
        /// The work.
        task: Task,
    },
}

/// A message from the engine worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToPage {
    /// The worker's wasm is running and hears messages from now on.
    Listening,
    /// The engine is built; the page talks to the worker from now on.
    Ready,
    /// The worker cannot host the engine (why): the page hosts it instead.
    Failed(String),
    /// What the engine answered or published, after handling this many
    /// commands (the page drops a notice older than one it showed itself
    /// since, as it would have been overwritten in the page).
    Outs {
        /// Commands handled so far.
        handled: u64,
        /// The outs, in order.
        outs: Vec<Out>,
    },
    /// The 95th percentile of the wall time of the worker's recent slices.
    Slices {
        /// Milliseconds.
        p95_ms: f64,
    },
    /// The engine panicked (the message); the worker is dead.
    Panicked(String),
    /// Where planning task `id` stands, in words (a long one says so as it
    /// goes).
    Progress {
        /// The task's number.
        id: u64,
        /// Its progress.
        note: String,
    },
    /// A planning worker's answer to [`ToWorker::Plan`] `id`.
    Planned {
        /// The task's number.
        id: u64,
        /// Its answer.
        done: TaskDone,
    },
}

/// A scenario in a message, read by sim-core's one scenario reader
/// ([`validate::read_scenario`]) rather than by serde's derive: each derive
/// entry point compiles every scenario type's reader once more into the
/// download (about 80 KB of wasm for this one).
pub fn read_scenario<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Box<Scenario>, D::Error> {
    scenario_from_value(serde_json::Value::deserialize(d)?).map(Box::new).map_err(D::Error::custom)
}

/// The scenario in a JSON value, or what is wrong with it.
pub fn scenario_from_value(value: serde_json::Value) -> Result<Scenario, String> {
    validate::read_scenario(&value)
        .map_err(|issues| issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
}

/// `message` as the JSON text posted across the channel.
pub fn encode<T: Serialize>(message: &T) -> String {
    serde_json::to_string(message).unwrap_or_default()
}

/// The message in `text`, if it is one.
pub fn decode<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

/// `message` as the JS value posted to the page (64-bit integers as
/// BigInts, so none is refused for being past 2^53).
pub fn to_js(message: &ToPage) -> Option<JsValue> {
    let serializer =
        serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
    message.serialize(&serializer).ok()
}

/// A message from the worker, read on the page.
pub fn from_js(value: JsValue) -> Option<ToPage> {
    serde_wasm_bindgen::from_value(value).ok()
}

/// Wall-clock milliseconds one slice accounts for at most, as a page frame.
const MAX_TICK_MS: f64 = 250.0;
/// The loop's period while the engine keeps up: about a display frame.
const PERIOD_MS: f64 = 16.0;
/// Wall-clock milliseconds between slice statistics.
const STATS_EVERY_MS: f64 = 500.0;
/// Slices kept for the statistics.
const STATS_SLICES: usize = 240;

struct Runner {
    scope: DedicatedWorkerGlobalScope,
    engine: Option<Engine>,
    /// Commands handled so far.
    handled: u64,
    hold: bool,
    /// A slice is due (by timer or by the channel); never two at once.
    scheduled: bool,
    last: Option<f64>,
    slices: VecDeque<f64>,
    last_stats: f64,
    /// Posting to this port runs the next slice as soon as the worker is
    /// free, without setTimeout's 4 ms clamp on nested timers.
    port: MessagePort,
    slice: js_sys::Function,
}

thread_local! {
    static RUNNER: RefCell<Option<Runner>> = const { RefCell::new(None) };
}

/// Whether this wasm instance runs in a dedicated worker (not a page).
pub fn in_worker() -> bool {
    js_sys::global().is_instance_of::<DedicatedWorkerGlobalScope>()
}

fn now() -> f64 {
    js_sys::global()
        .unchecked_into::<web_sys::WorkerGlobalScope>()
        .performance()
        .map_or(0.0, |p| p.now())
}

fn post(message: &ToPage) {
    let scope = js_sys::global().unchecked_into::<DedicatedWorkerGlobalScope>();
    if let Some(value) = to_js(message) {
        let _ = scope.post_message(&value);
    }
}

/// Starts the engine worker: listens to the page and says so.
pub fn start() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else { return };
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&ToPage::Panicked(info.to_string()));
    }));
    let Ok(channel) = MessageChannel::new() else {
        post(&ToPage::Failed("no MessageChannel in the worker".into()));
        return;
    };
    // Both closures live as long as the worker.
    let slice = Closure::<dyn FnMut()>::new(run_slice);
    let slice_fn: js_sys::Function = slice.as_ref().unchecked_ref::<js_sys::Function>().clone();
    slice.forget();
    channel.port1().set_onmessage(Some(&slice_fn));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        if let Some(message) = event.data().as_string().and_then(|t| decode(&t)) {
            receive(message);
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    RUNNER.set(Some(Runner {
        scope,
        engine: None,
        handled: 0,
        hold: false,
        scheduled: false,
        last: None,
        slices: VecDeque::new(),
        last_stats: 0.0,
        port: channel.port2(),
        slice: slice_fn,
    }));
    post(&ToPage::Listening);
}

fn handled() -> u64 {
    RUNNER.with_borrow(|runner| runner.as_ref().map_or(0, |r| r.handled))
}

fn receive(message: ToWorker) {
    let mut out = Vec::new();
    let reply = RUNNER.with_borrow_mut(|runner| {
        let runner = runner.as_mut()?;
        match message {
            ToWorker::Start(scenario) => match validate(&scenario) {
                Ok(valid) => {
                    let mut engine = Engine::new(valid);
                    out.push(Out::View(Box::new(engine.capture())));
                    runner.engine = Some(engine);
                    Some(ToPage::Ready)
                }
                Err(issues) => {
                    let text = sim_core::plain::issues_in_words(&issues, &scenario).join("; ");
                    Some(ToPage::Failed(format!("the scenario does not validate here: {text}")))
                }
            },
            ToWorker::Command(command) => {
                runner.handled += 1;
                if let Some(engine) = runner.engine.as_mut() {
                    engine.handle(command, &mut out);
                }
                None
            }
            ToWorker::Hold(hold) => {
                runner.hold = hold;
                None
            }
            // A planner runs one task at a time, to its end: the pool sends
            // the next when this one is answered, and stops it by ending
            // the worker.
            ToWorker::Plan { id, task } => {
                let done = task.run(&mut |note| post(&ToPage::Progress { id, note }));
                Some(ToPage::Planned { id, done })
            }
        }
    });
    if let Some(reply) = reply {
        post(&reply);
    }
    if !out.is_empty() {
        post(&ToPage::Outs { handled: handled(), outs: out });
    }
    RUNNER.with_borrow_mut(|runner| {
        if let Some(runner) = runner.as_mut() {
            wake(runner);
        }
    });
}

/// Schedules a slice at once if the engine runs and none is due.
fn wake(runner: &mut Runner) {
    let runs = runner.engine.as_ref().is_some_and(Engine::running);
    if runs && !runner.hold && !runner.scheduled {
        schedule(runner, 0.0);
    }
}

fn schedule(runner: &mut Runner, delay_ms: f64) {
    runner.scheduled = true;
    if delay_ms < 1.0 {
        let _ = runner.port.post_message(&JsValue::NULL);
    } else {
        let _ = runner
            .scope
            .set_timeout_with_callback_and_timeout_and_arguments_0(&runner.slice, delay_ms as i32);
    }
}

/// One slice: the engine advances by the wall time since the last one,
/// within [`Budgets::WORKER`]; then the next is scheduled, at once if the
/// engine used its whole budget (a jump, or a speed it cannot keep up).
fn run_slice() {
    let mut out = Vec::new();
    let mut stats = None;
    RUNNER.with_borrow_mut(|runner| {
        let Some(runner) = runner.as_mut() else { return };
        runner.scheduled = false;
        let Some(engine) = runner.engine.as_mut() else { return };
        if runner.hold || !engine.running() {
            runner.last = None;
            return;
        }
        let start = now();
        let dt = runner.last.map_or(0.0, |last| (start - last).clamp(0.0, MAX_TICK_MS));
        runner.last = Some(start);
        engine.tick(&now, dt, Budgets::WORKER, &mut out);
        let spent = now() - start;
        let busy = engine.jumping() || spent >= Budgets::WORKER.play_ms;
        let runs = engine.running();
        if runner.slices.len() == STATS_SLICES {
            runner.slices.pop_front();
        }
        runner.slices.push_back(spent);
        if start - runner.last_stats >= STATS_EVERY_MS {
            runner.last_stats = start;
            stats = Some(percentile(runner.slices.iter().copied().collect(), 0.95));
        }
        if runs {
            schedule(runner, if busy { 0.0 } else { PERIOD_MS - spent });
        } else {
            runner.last = None;
        }
    });
    if !out.is_empty() {
        post(&ToPage::Outs { handled: handled(), outs: out });
    }
    if let Some(p95_ms) = stats {
        post(&ToPage::Slices { p95_ms });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Jump, View};

    #[test]
    fn every_bundled_scenario_crosses_the_channel_unchanged() {
        for (name, json) in sim_core::BUNDLED_SCENARIOS {
            let valid = sim_core::load_scenario(json).unwrap();
            let message = ToWorker::Start(Box::new(valid.scenario().clone()));
            assert_eq!(decode::<ToWorker>(&encode(&message)), Some(message), "{name}");
        }
    }

    #[test]
    fn awkward_numbers_cross_the_channel_to_the_bit() {
        let rate = 0.1 + 0.2; // 0.30000000000000004: seventeen significant digits
        for x in [rate, 1.0 / 3.0, 2.0f64.sqrt() * 1e-7, 123_456.789_012_345_67, f64::MIN_POSITIVE]
        {
            assert_eq!(decode::<f64>(&encode(&x)).map(f64::to_bits), Some(x.to_bits()), "{x}");
        }
        let valid = sim_core::load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        let mut json = serde_json::to_value(valid.scenario()).unwrap();
        json["nodes"][0]["params"]["records_per_s"] = serde_json::json!(1_000.0 * rate);
        let scenario: Scenario = serde_json::from_value(json).unwrap();
        let message = ToWorker::Start(Box::new(scenario));
        assert_eq!(decode::<ToWorker>(&encode(&message)), Some(message));
    }

    #[test]
    fn an_engine_across_the_channel_gives_the_numbers_of_one_in_the_page() {
        let valid = sim_core::load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        let (mut page, mut far) = (Engine::new(valid.clone()), None::<Engine>);
        let commands = [
            ToWorker::Start(Box::new(valid.scenario().clone())),
            ToWorker::Command(Command::Pause),
            ToWorker::Command(Command::Step(30_000)),
            ToWorker::Command(Command::JumpTo {
                to: 120_000,
                scenario: Box::new(valid.scenario().clone()),
            }),
        ];
        let mut seen = Vec::new();
        for message in commands {
            // The far side hears only what crossed the channel.
            match decode::<ToWorker>(&encode(&message)).unwrap() {
                ToWorker::Start(s) => far = Some(Engine::new(validate(&s).unwrap())),
                ToWorker::Command(c) => far.as_mut().unwrap().handle(c, &mut seen),
                ToWorker::Hold(_) | ToWorker::Plan { .. } => {}
            }
            if let ToWorker::Command(c) = message {
                page.handle(c, &mut Vec::new());
            }
        }
        assert!(seen.contains(&Out::Jumping(Jump { from: 30_000, to: 120_000 })));
        let far = far.as_mut().unwrap();
        let mut out = Vec::new();
        while far.jumping() {
            far.tick(&|| 0.0, 16.0, Budgets::WORKER, &mut out);
            page.tick(&|| 0.0, 16.0, Budgets::PAGE, &mut Vec::new());
        }
        // (How the outs cross back to the page is tested in the browser:
        // tests/web.rs.)
        let view = out.iter().rev().find_map(|o| if let Out::View(v) = o { Some(v) } else { None });
        let view: &View = view.unwrap();
        assert_eq!(view.frame.now_ms, 120_000);
        assert_eq!(*view, page.capture());
    }
}
