//! "How sure? Run N seeds": the scenario replicated with N seeds derived
//! from its own, each headline figure shown as its mean with a 95%
//! confidence interval and every seed's value as a dot, so a difference
//! can be told from noise (MODEL.md, Replications). The seeds run as tasks
//! on the planning pool (`pool`) beside the live run; where the engine has
//! no worker, or a planner fails, they run in the page instead, a few
//! simulated seconds per frame (sim-core's [`ReplicationJob`]). Either way
//! the figures are combined in seed order: the same table.

use leptos::prelude::*;
use sim_core::budget::Budget;
use sim_core::replicate::{
    Figures, Gathered, Interval, JobState, MAX_REPLICATIONS, ReplicationJob, Replications, seeds,
};
use sim_core::time::{SECOND, SimTime};

use super::planned::note_in_page;
use crate::format;
use crate::plan::{Task, TaskDone};
use crate::pool::{self, Heard, JobId};
use crate::sim_loop::now_ms;
use crate::state::SimCtx;

/// Simulated time a replication advances between two looks at the clock.
const SLICE: SimTime = 5 * SECOND;
/// Wall time the replications may take of each frame: the live run keeps
/// its own 8 ms, and the frame its 16.7 ms.
const FRAME_SHARE_MS: f64 = 6.0;
/// Replications the form starts with.
const DEFAULT_SEEDS: u32 = 10;

/// Where the replications stand.
#[derive(Clone, Debug, Default)]
enum Progress {
    #[default]
    Idle,
    Running {
        done: u32,
        of: u32,
        share: f64,
        /// Where they run, in words.
        place: String,
    },
    Done(Box<Outcome>),
    Failed(String),
}

/// Where the seeds run.
enum Runner {
    /// On the planning pool: the job, and what its tasks answered so far.
    Pool(JobId, Gathered),
    /// In the page, between frames.
    Page(Box<ReplicationJob>),
}

impl Runner {
    fn place(&self) -> String {
        match self {
            Runner::Pool(_, gathered) => match pool::size().min(gathered.seeds().len()) {
                1 => "on a worker beside the live run".into(),
                n => format!("on {n} workers beside the live run"),
            },
            Runner::Page(_) => "in the page, between frames".into(),
        }
    }
}

/// The panel's state: what it shows, and what runs.
#[derive(Clone, Copy)]
struct Panel {
    ctx: SimCtx,
    progress: RwSignal<Progress>,
    runner: StoredValue<Option<Runner>>,
    /// Counts stops, so a frame loop of a stopped run ends.
    run: StoredValue<u64>,
    /// Where the last replications ran: `pool` or `page` (for the tests).
    ran: RwSignal<&'static str>,
}

/// What the table shows: one line per figure.
#[derive(Clone, Debug)]
struct Outcome {
    n: u32,
    lines: Vec<Line>,
}

/// A figure over the seeds, in words and as values for the dot plot.
#[derive(Clone, Debug)]
struct Line {
    key: String,
    label: String,
    interval: Interval,
    values: Vec<f64>,
    show: fn(f64) -> String,
}

/// A figure of each measuring node, by node id.
type PerNode = fn(&Figures) -> &std::collections::BTreeMap<String, f64>;

/// The replications' figures, labelled for people (nodes by their names).
fn outcome(r: &Replications, runs: &[Figures], nodes: &[sim_core::scenario::Node]) -> Outcome {
    let each = |f: &dyn Fn(&Figures) -> f64| runs.iter().map(f).collect::<Vec<_>>();
    let mut lines = vec![
        Line {
            key: "throttled".into(),
            label: "Write attempts refused".into(),
            interval: r.throttled_pct,
            values: each(&|f| f.throttled_pct),
            show: |v| format!("{v:.2}%"),
        },
        Line {
            key: "lost".into(),
            label: "Records lost".into(),
            interval: r.lost_records,
            values: each(&|f| f.lost_records),
            show: format::count,
        },
        Line {
            key: "monthly".into(),
            label: "Cost per month".into(),
            interval: r.monthly_usd,
            values: each(&|f| f.monthly_usd),
            show: format::usd,
        },
    ];
    let per_node: [(&str, &str, PerNode); 2] = [
        ("latency", "p99 latency", |f| &f.latency_p99_ms),
        ("end-to-end", "p99 end to end", |f| &f.end_to_end_p99_ms),
    ];
    for ((key, what, of), intervals) in
        per_node.into_iter().zip([&r.latency_p99_ms, &r.end_to_end_p99_ms])
    {
        for (id, interval) in intervals {
            let name = nodes.iter().find(|n| &n.id == id).map_or(id.as_str(), |n| n.label());
            lines.push(Line {
                key: format!("{key}-{id}"),
                label: format!("{what}, {name}"),
                interval: *interval,
                values: each(&|f| of(f).get(id).copied().unwrap_or(f64::NAN)),
                show: format::millis,
            });
        }
    }
    Outcome { n: r.n, lines }
}

/// Reads the seed count off the form: 2 to [`MAX_REPLICATIONS`].
fn seed_count(text: &str) -> Result<u32, String> {
    text.trim().parse::<u32>().ok().filter(|n| (2..=MAX_REPLICATIONS).contains(n)).ok_or_else(
        || format!("Seeds: {} is out of range; allowed 2 to {MAX_REPLICATIONS}", text.trim()),
    )
}

/// The "How sure?" panel under the headline figures.
#[component]
pub fn ReplicationsPanel() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let count = RwSignal::new(DEFAULT_SEEDS.to_string());
    let progress = RwSignal::new(Progress::Idle);
    let panel = Panel {
        ctx,
        progress,
        runner: StoredValue::new(None),
        run: StoredValue::new(0),
        ran: RwSignal::new(""),
    };
    // Replications describe the scenario they ran; an edit stops and drops them.
    Effect::new(move |_| {
        ctx.revision.track();
        panel.stop();
    });
    on_cleanup(move || panel.stop());
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match seed_count(&count.get_untracked()) {
            Ok(n) => panel.begin(n),
            Err(why) => progress.set(Progress::Failed(why)),
        }
    };
    let cancel = move |_| panel.stop();
    let running = move || matches!(progress.get(), Progress::Running { .. });
    view! {
        <form class="compare replications" data-testid="replications" data-runner=move || panel.ran.get()
            novalidate on:submit=start>
            <button type="submit" data-testid="replications-start" disabled=running
                title="Runs this scenario again with other seeds (the first is its own), on workers beside the live run (one per processor, up to four), and shows each headline figure as a mean with its 95% confidence interval (Student's t): a difference smaller than the interval may be noise.">
                "How sure? Run seeds"
            </button>
            <label>
                "Seeds "
                <input
                    type="number"
                    min="2"
                    max=MAX_REPLICATIONS
                    data-testid="replications-count"
                    prop:value=move || count.get()
                    on:input=move |ev| count.set(event_target_value(&ev))
                />
            </label>
            {move || match progress.get() {
                Progress::Idle => {
                    view! {
                        <span class="compare-hint">
                            "Each headline figure over several seeds, with its 95% interval"
                        </span>
                    }
                        .into_any()
                }
                Progress::Running { done, of, share, place } => {
                    view! {
                        <span class="compare-hint" role="status" data-testid="replications-progress">
                            {format!("{done} of {of} seeds done ({:.0}%), {place}", share * 100.0)}
                        </span>
                        <button type="button" data-testid="replications-cancel" on:click=cancel>
                            "Cancel"
                        </button>
                    }
                        .into_any()
                }
                Progress::Failed(why) => {
                    view! { <span class="compare-error" role="alert">{why}</span> }.into_any()
                }
                Progress::Done(o) => outcome_table(&o).into_any(),
            }}
        </form>
    }
}

impl Panel {
    /// Starts `n` replications of the scenario: on the pool when the
    /// engine runs in a worker (so workers start here), else in the page.
    fn begin(self, n: u32) {
        self.stop();
        let valid = self.ctx.scenario.get_value();
        let seeds = seeds(valid.scenario().seed, n);
        if self.ctx.host.with_value(crate::host::Host::in_worker) {
            let scenario = valid.scenario();
            let tasks = seeds
                .iter()
                .map(|&seed| Task::Replicate { scenario: Box::new(scenario.clone()), seed })
                .collect();
            match pool::submit(tasks, move |heard| self.hear(heard)) {
                Ok(job) => {
                    self.runner.set_value(Some(Runner::Pool(job, Gathered::new(seeds))));
                    self.ran.set("pool");
                    return self.show(JobState::Running { done: 0, of: n, share: 0.0 });
                }
                Err(why) => note_in_page(&why),
            }
        }
        self.in_page(n);
    }

    /// Runs `n` replications in the page, from the first seed.
    fn in_page(self, n: u32) {
        match self.ctx.scenario.with_value(|v| ReplicationJob::new(v, n, Budget::BROWSER)) {
            Ok(job) => {
                self.runner.set_value(Some(Runner::Page(Box::new(job))));
                self.ran.set("page");
                self.show(JobState::Running { done: 0, of: n, share: 0.0 });
                let run = self.run.get_value();
                self.pump(run);
            }
            Err(why) => self.show(JobState::Failed(why)),
        }
    }

    /// Stops whatever runs, and shows nothing.
    fn stop(self) {
        if let Some(Some(Runner::Pool(job, ..))) = self.runner.try_update_value(Option::take) {
            pool::cancel(job);
        }
        self.run.try_update_value(|run| *run += 1);
        self.progress.try_set(Progress::Idle);
    }

    /// An answer from the pool. A lost job runs again in the page.
    fn hear(self, heard: Heard) {
        let mut lost = None;
        let state = self.runner.try_update_value(|runner| match (runner.as_mut()?, heard) {
            (Runner::Pool(_, gathered), Heard::Done(i, TaskDone::Replicated(Ok(figures)))) => {
                Some(gathered.put(i, figures))
            }
            (Runner::Pool(..), Heard::Done(_, TaskDone::Replicated(Err(why)))) => {
                Some(JobState::Failed(why))
            }
            (Runner::Pool(_, gathered), Heard::Lost(why)) => {
                lost = Some((why, gathered.seeds().len() as u32));
                None
            }
            // Not a replication's answer (nor one of the page's own runs).
            (Runner::Pool(..), Heard::Progress(..))
            | (
                Runner::Pool(..),
                Heard::Done(
                    _,
                    TaskDone::ComparedServices(_)
                    | TaskDone::ComparedModes(_)
                    | TaskDone::Autosized(_),
                ),
            )
            | (Runner::Page(_), _) => None,
        });
        if let Some((why, n)) = lost {
            note_in_page(&why);
            self.in_page(n);
        } else if let Some(Some(state)) = state {
            self.show(state);
        }
    }

    /// Runs the page's replications for a share of this frame, shows where
    /// they stand, and comes back next frame until they end or run `run`
    /// is stopped.
    fn pump(self, run: u64) {
        if self.run.try_get_value() != Some(run) {
            return;
        }
        let start = now_ms();
        let state = self.runner.try_update_value(|runner| {
            let Some(Runner::Page(job)) = runner.as_mut() else { return None };
            loop {
                let state = job.step(SLICE);
                if !matches!(state, JobState::Running { .. }) || now_ms() - start > FRAME_SHARE_MS {
                    return Some(state);
                }
            }
        });
        let Some(Some(state)) = state else { return };
        let running = matches!(state, JobState::Running { .. });
        self.show(state);
        if running {
            request_animation_frame(move || self.pump(run));
        }
    }

    /// Shows `state`; once the replications end, whatever ran them stops.
    fn show(self, state: JobState) {
        let shown = match state {
            JobState::Running { done, of, share } => {
                let place = self.runner.try_with_value(|r| r.as_ref().map(Runner::place));
                Progress::Running { done, of, share, place: place.flatten().unwrap_or_default() }
            }
            JobState::Done(r, runs) => Progress::Done(Box::new(
                self.ctx.scenario.with_value(|v| outcome(&r, &runs, &v.scenario().nodes)),
            )),
            JobState::Failed(why) => Progress::Failed(why),
        };
        if !matches!(shown, Progress::Running { .. })
            && let Some(Some(Runner::Pool(job, ..))) = self.runner.try_update_value(Option::take)
        {
            pool::cancel(job);
        }
        self.progress.try_set(shown);
    }
}

/// Each figure: mean ± half the interval, the interval, the standard
/// deviation, and a dot per seed on the interval's scale.
fn outcome_table(o: &Outcome) -> impl IntoView + use<> {
    let rows = o
        .lines
        .iter()
        .map(|l| {
            let show = l.show;
            let i = l.interval;
            view! {
                <tr>
                    <th scope="row">{l.label.clone()}</th>
                    <td data-testid=format!("replication-mean-{}", l.key) data-value=i.mean.to_string()>
                        {format!("{} ± {}", show(i.mean), show(i.half_width))}
                    </td>
                    <td class="wide-only" data-testid=format!("replication-interval-{}", l.key)
                        data-low=i.low.to_string() data-high=i.high.to_string()>
                        {format!("{} to {}", show(i.low), show(i.high))}
                    </td>
                    <td class="wide-only">{show(i.sd)}</td>
                    <td>{dot_plot(&l.values, i)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <p class="compare-caption" data-testid="replications-caption">
            {format!(
                "{} seeds, the first the scenario's own: mean ± half the 95% confidence interval (Student's t)",
                o.n,
            )}
        </p>
        <div class="compare-scroll">
            <table class="compare-table" data-testid="replications-table">
                <thead>
                    <tr>
                        <th scope="col">"Figure"</th>
                        <th scope="col">"Mean ± 95%"</th>
                        <th scope="col" class="wide-only">"Interval"</th>
                        <th scope="col" class="wide-only">"Std dev"</th>
                        <th scope="col">"Each seed"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Width of a dot plot, in SVG units.
const PLOT_W: f64 = 120.0;

/// Every seed's value as a dot, the interval as a band and the mean as a
/// tick, on a scale from the smallest to the largest of them.
fn dot_plot(values: &[f64], i: Interval) -> impl IntoView + use<> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let lo = finite.iter().copied().fold(i.low, f64::min);
    let hi = finite.iter().copied().fold(i.high, f64::max);
    let x = move |v: f64| {
        if hi > lo { 4.0 + (v - lo) / (hi - lo) * (PLOT_W - 8.0) } else { PLOT_W / 2.0 }
    };
    let dots = finite
        .iter()
        .map(|&v| view! { <circle cx=x(v) cy="8" r="2.5" class="seed-dot" /> })
        .collect::<Vec<_>>();
    view! {
        <svg class="dot-plot" viewBox=format!("0 0 {PLOT_W} 16") width=PLOT_W height="16" aria-hidden="true">
            <rect x=x(i.low) y="3" width=(x(i.high) - x(i.low)).max(1.0) height="10" class="ci-band" />
            {dots}
            <line x1=x(i.mean) x2=x(i.mean) y1="1" y2="15" class="ci-mean" />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_count_is_two_to_the_maximum() {
        assert_eq!(seed_count(" 10 "), Ok(10));
        let m = seed_count("1").unwrap_err();
        assert_eq!(m, format!("Seeds: 1 is out of range; allowed 2 to {MAX_REPLICATIONS}"));
        assert!(seed_count("many").is_err());
        assert!(seed_count(&(MAX_REPLICATIONS + 1).to_string()).is_err());
    }

    #[test]
    fn the_table_names_nodes_and_keeps_every_seed() {
        let mut scenario = sim_core::parse_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        scenario.duration_s = 60;
        let valid = sim_core::validate(&scenario).unwrap();
        let mut job = ReplicationJob::new(&valid, 3, Budget::BROWSER).unwrap();
        let (r, runs) = loop {
            match job.step(20 * SECOND) {
                JobState::Done(r, runs) => break (r, runs),
                JobState::Failed(why) => panic!("{why}"),
                JobState::Running { .. } => {}
            }
        };
        let o = outcome(&r, &runs, &scenario.nodes);
        assert_eq!(o.n, 3);
        assert_eq!(
            o.lines[..3].iter().map(|l| l.label.as_str()).collect::<Vec<_>>(),
            ["Write attempts refused", "Records lost", "Cost per month"]
        );
        assert!(o.lines.iter().all(|l| l.values.len() == 3));
        // Latency lines, one hop and end to end, name the node as its card
        // does, never by id alone.
        let mut kinds = Vec::new();
        for l in &o.lines[3..] {
            let (what, id) = match l.key.strip_prefix("latency-") {
                Some(id) => ("p99 latency", id),
                None => ("p99 end to end", l.key.strip_prefix("end-to-end-").unwrap()),
            };
            let node = scenario.nodes.iter().find(|n| n.id == id).unwrap();
            assert_eq!(l.label, format!("{what}, {}", node.label()));
            kinds.push(what);
        }
        assert!(kinds.contains(&"p99 latency") && kinds.contains(&"p99 end to end"), "{kinds:?}");
    }
}
