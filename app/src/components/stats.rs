//! Headline figure cards and the conservation ledger.

use leptos::prelude::*;

use crate::format;
use crate::snapshot::NodeFigures;
use crate::state::SimCtx;

/// One labelled figure with a machine-readable value for tests.
#[component]
fn Stat(
    testid: &'static str,
    label: &'static str,
    tip: &'static str,
    #[prop(into)] value: Signal<f64>,
    format: fn(f64) -> String,
    #[prop(into)] sub: Signal<String>,
    #[prop(into)] alert: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="stat" class:alert=move || alert.get() title=tip>
            <div class="stat-label">{label}</div>
            <div class="stat-value" data-testid=testid data-value=move || value.get().to_string()>
                {move || {
                    // "1,653 rec/s" -> a big number and a smaller unit.
                    let text = format(value.get());
                    let (number, unit) = text.split_once(' ').unwrap_or((&text, ""));
                    view! {
                        <span class="num">{number.to_string()}</span>
                        <span class="unit">{unit.to_string()}</span>
                    }
                }}
            </div>
            <div class="stat-sub">{move || sub.get()}</div>
        </div>
    }
}

/// The figures people watch: write rate, throttling, read lag, totals, cost.
#[component]
pub fn StatCards() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let stream = Memo::new(move |_| {
        ctx.snapshot.with(|s| match s.first_stream() {
            Some(NodeFigures::Stream {
                incoming,
                incoming_bytes,
                throttled,
                iterator_age_ms,
                throttled_total,
                shards,
                ..
            }) => (
                *incoming,
                *incoming_bytes,
                *throttled,
                *iterator_age_ms,
                *throttled_total,
                shards.len(),
            ),
            _ => (0.0, 0.0, 0.0, 0.0, 0.0, 0),
        })
    });
    let ledger = Memo::new(move |_| ctx.snapshot.with(|s| s.ledger));
    let cost = Memo::new(move |_| ctx.snapshot.with(|s| (s.cost_usd, s.monthly_usd)));
    view! {
        <div class="stats">
            <Stat
                testid="stat-incoming"
                label="Incoming"
                tip="IncomingRecords: records the shards accepted in the last simulated second."
                value=Signal::derive(move || stream.get().0)
                format=format::rate
                sub=Signal::derive(move || {
                    let (_, bytes, _, _, _, shards) = stream.get();
                    format!(
                        "{}/s of {} shard{} capacity",
                        format::bytes(bytes),
                        shards,
                        if shards == 1 { "'s" } else { "s'" },
                    )
                })
                alert=Signal::derive(|| false)
            />
            <Stat
                testid="stat-throttled"
                label="Throttled"
                tip="WriteProvisionedThroughputExceeded: records a shard refused because it was over 1,000 records/s or 1 MiB/s."
                value=Signal::derive(move || stream.get().2)
                format=|v| format!("{}/s", format::count(v))
                sub=Signal::derive(move || format!("writes refused; {} so far", format::count(stream.get().4)))
                alert=Signal::derive(move || stream.get().2 > 0.0)
            />
            <Stat
                testid="stat-iterator-age"
                label="Iterator age"
                tip="GetRecords.IteratorAgeMilliseconds: how old the last record read was. A steady climb means the consumer is falling behind."
                value=Signal::derive(move || stream.get().3)
                format=format::millis
                sub=Signal::derive(|| "age of the last record read".to_string())
                alert=Signal::derive(move || stream.get().3 >= 60_000.0)
            />
            <Stat
                testid="total-produced"
                label="Produced"
                tip="Records the producers generated since the start."
                value=Signal::derive(move || ledger.get().produced as f64)
                format=format::count
                sub=Signal::derive(move || {
                    format!("{} given up after retries", format::count(ledger.get().throttled_dropped as f64))
                })
                alert=Signal::derive(move || ledger.get().throttled_dropped > 0)
            />
            <Stat
                testid="total-delivered"
                label="Delivered"
                tip="Records every consumer has finished processing."
                value=Signal::derive(move || ledger.get().delivered as f64)
                format=format::count
                sub=Signal::derive(move || format!("{} in flight", format::count(ledger.get().in_flight as f64)))
                alert=Signal::derive(|| false)
            />
            <Stat
                testid="total-cost"
                label="Cost"
                tip="Shard-hours and PUT payload units accrued by this run, at us-east-1 prices."
                value=Signal::derive(move || cost.get().0)
                format=format::usd
                sub=Signal::derive(move || format!("so far · ≈ {}/month", format::usd(cost.get().1)))
                alert=Signal::derive(|| false)
            />
        </div>
        <div class="hidden-figures" aria-hidden="true">
            <span data-testid="total-throttled" data-value=move || stream.get().4.to_string()></span>
        </div>
    }
}

/// Where every record is: produced = in flight + delivered + given up + expired.
#[component]
pub fn LedgerBar() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let ledger = Memo::new(move |_| ctx.snapshot.with(|s| s.ledger));
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
            </div>
            <p class="ledger-text">
                {move || {
                    let l = ledger.get();
                    format!(
                        "{} produced = {} delivered + {} in flight + {} given up + {} expired",
                        format::count(l.produced as f64),
                        format::count(l.delivered as f64),
                        format::count(l.in_flight as f64),
                        format::count(l.throttled_dropped as f64),
                        format::count(l.expired as f64),
                    )
                }}
            </p>
        </div>
    }
}
