//! Headline figure cards and the conservation ledger.

use leptos::prelude::*;

use crate::editor::Editor;
use crate::format;
use crate::state::SimCtx;
use sim_core::NodeKind;
use sim_core::view::{AgeThresholds, Figure, Health, NodeFigures};

/// One labelled figure with a machine-readable value for tests. Its value
/// is a button: click, tap or Enter opens the figure's explanation.
#[component]
fn Stat(
    testid: &'static str,
    label: &'static str,
    tip: &'static str,
    #[prop(into)] value: Signal<f64>,
    format: fn(f64) -> String,
    #[prop(into)] sub: Signal<String>,
    #[prop(into)] alert: Signal<bool>,
    /// The figure this stat explains, and which one is open.
    figure: Figure,
    open: RwSignal<Option<Figure>>,
) -> impl IntoView {
    let expanded = move || open.get() == Some(figure);
    view! {
        <div class="stat" class:alert=move || alert.get() class:explained=expanded title=tip>
            <div class="stat-label">{label}</div>
            <button
                type="button"
                class="stat-value"
                data-testid=testid
                data-value=move || value.get().to_string()
                aria-expanded=move || expanded().to_string()
                aria-controls="figure-explanation"
                aria-label=move || format!("{label}: {}. Explain this number", format(value.get()))
                on:click=move |_| open.update(|o| *o = if *o == Some(figure) { None } else { Some(figure) })
            >
                {move || {
                    // "1,653 rec/s" -> a big number and a smaller unit.
                    let text = format(value.get());
                    let (number, unit) = text.split_once(' ').unwrap_or((&text, ""));
                    view! {
                        // The space keeps the visible text inside the accessible name.
                        <span class="num">{number.to_string()}</span>
                        {" "}
                        <span class="unit">{unit.to_string()}</span>
                    }
                }}
            </button>
            <div class="stat-sub">{move || sub.get()}</div>
        </div>
    }
}

/// The open figure's explanation: the arithmetic from the live run, what
/// the figure counts, and the AWS page.
#[component]
fn FigureExplanation(open: RwSignal<Option<Figure>>) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let explanation = Memo::new(move |_| {
        let figure = open.get()?;
        ctx.live
            .snapshot
            .with(|s| s.frame.explain(figure))
            .map(|e| (e.title, e.arithmetic(6), e.meaning.clone(), e.source))
    });
    move || {
        explanation.get().map(|(title, arithmetic, meaning, source)| {
            view! {
                <section
                    id="figure-explanation"
                    class="figure-explanation"
                    data-testid="figure-explanation"
                    aria-live="polite"
                    aria-label=format!("How {title} is made")
                >
                    <h3>{format!("{title}, explained")}</h3>
                    <p class="arithmetic" data-testid="explanation-arithmetic">{arithmetic}</p>
                    <p>{meaning}</p>
                    <p>
                        <a href=source target="_blank" rel="noopener">"The AWS page"</a>
                        " · "
                        <button type="button" class="link-button" on:click=move |_| open.set(None)>
                            "Close"
                        </button>
                    </p>
                </section>
            }
        })
    }
}

/// The figures people watch: write rate, refusals, read lag, totals, cost.
/// Records and attempts are kept apart: a refused attempt may be a retry.
#[component]
pub fn StatCards() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let open = RwSignal::new(None::<Figure>);
    let stream = Memo::new(move |_| {
        ctx.live.snapshot.with(|s| match s.frame.first_stream() {
            Some(NodeFigures::Stream {
                incoming,
                incoming_bytes,
                throttled,
                iterator_age_ms,
                throttled_total,
                retention_ms,
                shards,
                ..
            }) => (
                *incoming,
                *incoming_bytes,
                *throttled,
                *iterator_age_ms,
                *throttled_total,
                shards.len(),
                *retention_ms,
            ),
            _ => (0.0, 0.0, 0.0, 0.0, 0.0, 0, f64::INFINITY),
        })
    });
    // The first three cards are a Kinesis stream's CloudWatch figures: a
    // pipeline without one (a topic's fan-out, a queue, a cluster) would
    // show them as zeros while its records flow, so they are left out.
    // (The canvas's document decides, so they do not come and go while an
    // edit is a draft that does not run.)
    let editor = expect_context::<Editor>();
    let has_stream = Memo::new(move |_| {
        editor.doc.with(|d| d.nodes.iter().any(|n| n.spec.kind() == NodeKind::KinesisStream))
    });
    let given_up = Memo::new(move |_| ctx.live.snapshot.with(|s| s.frame.headline.given_up()));
    let ledger = Memo::new(move |_| ctx.live.snapshot.with(|s| s.frame.ledger));
    let cost =
        Memo::new(move |_| ctx.live.snapshot.with(|s| (s.frame.cost_usd, s.frame.monthly_usd)));
    view! {
        <div class="stats">
            {move || has_stream.get().then(|| view! {
                <Stat
                    testid="stat-incoming"
                    label="Incoming"
                    tip="IncomingRecords: records the shards accepted in the last simulated second."
                    value=Signal::derive(move || stream.get().0)
                    format=format::rate
                    sub=Signal::derive(move || {
                        let (_, bytes, _, _, _, shards, _) = stream.get();
                        // No stream running (none in the pipeline, or not
                        // started): no shards to name.
                        match shards {
                            0 => format!("{}/s", format::bytes(bytes)),
                            1 => format!("{}/s into 1 shard", format::bytes(bytes)),
                            n => format!("{}/s into {n} shards", format::bytes(bytes)),
                        }
                    })
                    alert=Signal::derive(|| false)
                    figure=Figure::Incoming
                    open=open
                />
                <Stat
                    testid="stat-throttled"
                    label="Refused attempts"
                    tip="WriteProvisionedThroughputExceeded: write attempts a shard refused because it was over 1,000 records/s or 1 MiB/s, retries included."
                    value=Signal::derive(move || stream.get().2)
                    format=|v| format!("{} attempts/s", format::count(v))
                    sub=Signal::derive(move || {
                        format!("retries included; {} records/s given up", format::count(given_up.get()))
                    })
                    alert=Signal::derive(move || stream.get().2 > 0.0)
                    figure=Figure::Refused
                    open=open
                />
                <Stat
                    testid="stat-iterator-age"
                    label="Iterator age"
                    tip="GetRecords.IteratorAgeMilliseconds: how old the last record read was. A steady climb means a reader is falling behind."
                    value=Signal::derive(move || stream.get().3)
                    format=format::millis
                    sub=Signal::derive(|| "age of the last record read".to_string())
                    alert=Signal::derive(move || {
                        let (.., age, _, _, retention) = stream.get();
                        AgeThresholds::reader(retention).health(age) == Health::Failing
                    })
                    figure=Figure::IteratorAge
                    open=open
                />
            })}
            <Stat
                testid="total-produced"
                label="Produced"
                tip="Records the producers generated since the start."
                value=Signal::derive(move || ledger.get().produced as f64)
                format=|v| format!("{} records", format::count(v))
                sub=Signal::derive(move || {
                    format!("{} records given up after retries", format::count(ledger.get().throttled_dropped as f64))
                })
                alert=Signal::derive(move || ledger.get().throttled_dropped > 0)
                figure=Figure::Produced
                open=open
            />
            <Stat
                testid="total-delivered"
                label="Delivered"
                tip="Records every consumer has finished processing."
                value=Signal::derive(move || ledger.get().delivered as f64)
                format=|v| format!("{} records", format::count(v))
                sub=Signal::derive(move || format!("{} records in flight", format::count(ledger.get().in_flight as f64)))
                alert=Signal::derive(|| false)
                figure=Figure::Delivered
                open=open
            />
            <Stat
                testid="total-cost"
                label="Cost"
                tip="Billable units accrued by this run (shard-hours, PUT payload units, on-demand GB, enhanced fan-out), priced from the catalogue (us-east-1). The monthly figure is the run's average hourly rate over a 730-hour month."
                value=Signal::derive(move || cost.get().0)
                format=format::usd
                sub=Signal::derive(move || format!("so far · ≈ {}/month", format::usd(cost.get().1)))
                alert=Signal::derive(|| false)
                figure=Figure::Cost
                open=open
            />
        </div>
        <FigureExplanation open=open />
        <div class="hidden-figures" aria-hidden="true">
            <span data-testid="total-throttled" data-value=move || stream.get().4.to_string()></span>
        </div>
    }
}

/// Where every record is: produced = in flight + delivered + given up + expired.
#[component]
pub fn LedgerBar() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let ledger = Memo::new(move |_| ctx.live.snapshot.with(|s| s.frame.ledger));
    let part = move |value: fn(&sim_core::Ledger) -> u64| {
        move || {
            let l = ledger.get();
            let share = if l.produced > 0 { value(&l) as f64 / l.produced as f64 } else { 0.0 };
            format!("flex-grow: {share:.6}")
        }
    };
    view! {
        <div class="ledger" data-testid="ledger" title="Conservation ledger: every record produced is in exactly one of these states">
            <div class="ledger-bar" aria-hidden="true">
                <span class="seg delivered" style=part(|l| l.delivered)></span>
                <span class="seg in-flight" style=part(|l| l.in_flight)></span>
                <span class="seg dropped" style=part(|l| l.throttled_dropped)></span>
                <span class="seg expired" style=part(|l| l.expired)></span>
                <span class="seg in-flight" style=part(|l| l.buffered)></span>
                <span class="seg delivered" style=part(|l| l.backed_up)></span>
                <span class="seg dropped" style=part(|l| l.lost + l.failed + l.dead_lettered)></span>
            </div>
            <p class="ledger-text">
                {move || {
                    let l = ledger.get();
                    let mut text = format!(
                        "{} produced = {} delivered + {} in flight + {} given up + {} expired",
                        format::count(l.produced as f64),
                        format::count(l.delivered as f64),
                        format::count(l.in_flight as f64),
                        format::count(l.throttled_dropped as f64),
                        format::count(l.expired as f64),
                    );
                    // Terms of pipelines with delivery streams, queues and
                    // transformations, shown once they are not zero.
                    for (n, what) in [
                        (l.buffered, "buffered in Firehose"),
                        (l.backed_up, "backed up to S3"),
                        (l.lost, "lost after retries"),
                        (l.dead_lettered, "dead-lettered"),
                        (l.failed, "failed processing"),
                    ] {
                        if n > 0 {
                            text.push_str(&format!(" + {} {what}", format::count(n as f64)));
                        }
                    }
                    text
                }}
            </p>
        </div>
    }
}

/// Units with the precision small, fractional amounts need (0.0217 shard-hours).
fn units(v: f64) -> String {
    if v.fract() != 0.0 && v.abs() < 100.0 { format!("{v:.3}") } else { format::count(v) }
}

/// The cost meter: every line item so far, its rate per hour and its share
/// of the monthly projection (the same units the summary and CLI report).
#[component]
pub fn CostBreakdown() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let items = Memo::new(move |_| {
        ctx.live.snapshot.with(|s| (s.frame.cost_items.clone(), s.frame.now_ms))
    });
    let rows = move || {
        let (items, now_ms) = items.get();
        let hours = now_ms as f64 / 3_600_000.0;
        items
            .into_iter()
            .map(|i| {
                let per_hour = if hours > 0.0 { i.usd / hours } else { 0.0 };
                view! {
                    <tr>
                        <td>{i.item.clone()}</td>
                        <td class="num">{format!("{} {}", units(i.units), i.unit)}</td>
                        <td class="num">{format::usd(i.usd)}</td>
                        <td class="num">{format!("{}/h", format::usd(per_hour))}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <details class="cost-breakdown" data-testid="cost-breakdown">
            <summary>"Cost by line item"</summary>
            <table>
                <thead>
                    <tr>
                        <th>"Item"</th>
                        <th class="num">"Units"</th>
                        <th class="num">"So far"</th>
                        <th class="num">"Rate"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
