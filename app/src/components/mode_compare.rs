//! "Compare capacity modes": on request, the scenario run headless with
//! every stream provisioned and on demand (up to one simulated hour each),
//! priced as provisioned, On-demand Standard and On-demand Advantage
//! (`plan::compare_modes`), as a task on a planning worker (`planned`).

use leptos::prelude::*;

use super::planned::{Planned, Planning, running};
use crate::format;
use crate::plan::{Task, TaskDone};
use crate::state::SimCtx;

/// Longest simulated run a comparison makes in the browser (each mode or
/// service).
pub(super) const COMPARE_CAP_S: u64 = 3_600;

/// Whether the running pipeline has a Kinesis data stream: the comparisons
/// of capacity modes and with Amazon MSK are about one.
pub(super) fn has_kinesis_stream(ctx: SimCtx) -> Memo<bool> {
    Memo::new(move |_| {
        ctx.structure.track();
        ctx.generation.track();
        ctx.revision.track();
        ctx.scenario.with_value(|v| {
            v.scenario().nodes.iter().any(|n| n.spec.kind() == sim_core::NodeKind::KinesisStream)
        })
    })
}

/// A comparison that does not apply to this pipeline: its button disabled,
/// and why in one line.
pub(super) fn not_applicable(
    testid: &'static str,
    label: &'static str,
    why: &'static str,
) -> AnyView {
    view! {
        <button type="button" data-testid=testid disabled=true title=why>
            {label}
        </button>
        <span class="compare-hint" data-testid="compare-not-applicable">
            {why}
        </span>
    }
    .into_any()
}

/// The three bills side by side, and which is cheapest.
#[component]
pub fn ModeCompare() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let has_stream = has_kinesis_stream(ctx);
    let planned = Planned::new(ctx, |done| match done {
        TaskDone::ComparedModes(answer) => Some(answer),
        _ => None,
    });
    let compare = move |_| {
        let scenario = Box::new(ctx.scenario.with_value(|v| v.scenario().clone()));
        let duration_s = scenario.duration_s.min(COMPARE_CAP_S);
        planned.run(Task::CompareModes { scenario, duration_s });
    };
    let applies = move || {
        if has_stream.get() {
            return None;
        }
        Some(not_applicable(
            "compare-modes",
            "Compare capacity modes",
            "This pipeline has no Kinesis data stream, so it has no capacity mode to compare (provisioned or on demand).",
        ))
    };
    let compare_view = move || {
        view! {
            <button
                type="button"
                data-testid="compare-modes"
                title="Runs this scenario twice without animation, once with every stream provisioned and once on demand (up to one simulated hour each), and prices it as provisioned, On-demand Standard and On-demand Advantage (no stream-hours, lower per-GB prices, but at least 25 MiB/s in and out billed for 24 hours) from the catalogue."
                disabled=move || planned.running()
                on:click=compare
            >
                "Compare capacity modes"
            </button>
            {move || match planned.state() {
                Planning::Idle => {
                    view! {
                        <span class="compare-hint">
                            "Provisioned, On-demand Standard and Advantage for the same traffic"
                        </span>
                    }
                        .into_any()
                }
                Planning::Running => {
                    running(planned, "Running both capacity modes", "compare-modes").into_any()
                }
                Planning::Done(Err(why)) => {
                    view! { <span class="compare-error" role="alert">{why}</span> }.into_any()
                }
                Planning::Done(Ok(c)) => {
                    view! {
                        <table class="compare-table">
                            <caption>{c.caption.clone()}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Mode"</th>
                                    <th scope="col">"Shards"</th>
                                    <th scope="col">"Run"</th>
                                    <th scope="col">"Per month"</th>
                                    <th scope="col">"Write attempts refused"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {c
                                    .rows
                                    .iter()
                                    .map(|r| {
                                        view! {
                                            <tr data-mode=r.mode.clone()>
                                                <th scope="row">
                                                    {r.title.clone()}
                                                    {r.title.starts_with("On-demand Advantage").then_some("*")}
                                                </th>
                                                <td>{r.shards.clone()}</td>
                                                <td>{format::usd(r.run_usd)}</td>
                                                <td
                                                    data-testid=format!("compare-monthly-{}", r.mode)
                                                    data-value=r.monthly_usd.to_string()
                                                >
                                                    {format::usd(r.monthly_usd)}
                                                </td>
                                                <td>{format::count(r.throttled as f64)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect::<Vec<_>>()}
                            </tbody>
                        </table>
                        <p class="compare-verdict">{c.verdict.clone()}</p>
                        <p class="compare-footnote" data-testid="advantage-footnote">
                            "* On-demand Advantage bills at least 25 MiB/s in and 25 MiB/s out for 24 hours however short the run, so on a short or light run that minimum is most of its bill."
                        </p>
                    }
                        .into_any()
                }
            }}
        }
    };
    view! {
        <div class="compare" data-testid="mode-compare">
            {move || applies().unwrap_or_else(|| compare_view().into_any())}
        </div>
    }
}
