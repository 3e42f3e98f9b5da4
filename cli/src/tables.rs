//! Text tables for people: the cost comparison, and the sweep's table,
//! which is written a row at a time as points finish. Numbers go through
//! sim-core's `units`, as in the app.

use std::fmt::Write as _;

use sim_core::compare::{ModeBill, SERVICE_FIGURES};
use sim_core::replicate::{Interval, Replications};
use sim_core::sweep::SweepPoint;
use sim_core::time::format_clock;
use sim_core::units::{quantity, seconds, usd};
use sim_core::view::{FrameView, Health};
use sim_core::{ModeComparison, Scenario};

use crate::output::one_line;

/// Every node's health at the end of a run, with its word (and, when not
/// healthy, the rule's threshold and basis), its two headline lines and
/// what it lost, as the app's cards show them; then the latest journal
/// entries.
pub fn health_table(scenario: &Scenario, frame: &FrameView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} at {}\n", one_line(&scenario.name), format_clock(frame.now_ms));
    let names: Vec<String> = scenario.nodes.iter().map(|n| one_line(n.label()).into()).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    for (name, node) in names.iter().zip(&frame.nodes) {
        let (figure, context) = node.figures.headline();
        let _ = writeln!(out, "{name:<width$}  {:<24}  {figure} · {context}", node.rule.word);
        if node.health != Health::Ok {
            // The threshold and its basis, as the card shows them on hover.
            let _ = writeln!(out, "{:<width$}  {:<24}  why: {}", "", "", node.rule.when);
            let _ = writeln!(out, "{:<width$}  {:<24}  basis: {}", "", "", node.rule.basis);
        }
        for (_, what, _, n) in node.tally.badges() {
            let _ =
                writeln!(out, "{:<width$}  {:<24}  {} {what} since the start", "", "", quantity(n));
        }
    }
    if !frame.journal.is_empty() {
        let _ = writeln!(out, "\nLatest events:");
        for e in frame.journal.iter().rev() {
            let mark = if e.refused { "refused: " } else { "" };
            let _ =
                writeln!(out, "  {} {}: {mark}{}", format_clock(e.t), one_line(&e.node), e.text);
        }
    }
    out
}

/// The comparison of capacity modes as a readable table.
pub fn cost_table(c: &ModeComparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — seed {}, {} simulated, {}, {}-hour month",
        one_line(&c.scenario),
        c.seed,
        seconds(c.duration_s),
        c.region,
        quantity(c.month_hours)
    );
    let _ = writeln!(out);
    let title = |m: &ModeBill| {
        if m.as_given { format!("{} (as given)", m.title()) } else { m.title().to_string() }
    };
    let streams = |m: &ModeBill| {
        m.streams
            .iter()
            .map(|(id, s)| {
                if s.shards_at_start == s.shards_at_end {
                    format!("{id}: {} shards", s.shards_at_start)
                } else {
                    format!("{id}: {}→{} shards", s.shards_at_start, s.shards_at_end)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let count = |n: u64| quantity(n as f64);
    let rows: Vec<(&str, Vec<String>)> = vec![
        ("", c.modes.iter().map(title).collect()),
        ("streams", c.modes.iter().map(streams).collect()),
        ("cost of the run", c.modes.iter().map(|m| usd(m.total_usd)).collect()),
        ("monthly projection", c.modes.iter().map(|m| usd(m.monthly_projection_usd)).collect()),
        // Attempts, retries included; records given up are the next row.
        ("attempts refused", c.modes.iter().map(|m| count(m.write_throttled)).collect()),
        ("records given up", c.modes.iter().map(|m| count(m.ledger.throttled_dropped)).collect()),
        ("records delivered", c.modes.iter().map(|m| count(m.ledger.delivered)).collect()),
    ];
    let width = |col: usize| rows.iter().map(|r| r.1[col].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..c.modes.len()).map(width).collect();
    for (label, cells) in &rows {
        let _ = write!(out, "{label:<20}");
        for (cell, w) in cells.iter().zip(&widths) {
            let _ = write!(out, "  {cell:>w$}");
        }
        let _ = writeln!(out);
    }
    let (cheapest, next) = c.cheapest_two();
    let _ = write!(
        out,
        "\n{} is cheapest, {} a month less than {}",
        cheapest.title(),
        usd(c.monthly_saving_usd),
        next.title()
    );
    if cheapest.write_throttled > next.write_throttled {
        let _ = writeln!(
            out,
            ", but it refused {} write attempts (retries included) against {}.",
            quantity(cheapest.write_throttled as f64),
            quantity(next.write_throttled as f64)
        );
    } else {
        let _ = writeln!(out, ".");
    }
    for m in &c.modes {
        let _ = writeln!(out, "\n{} line items:", title(m));
        for i in &m.items {
            let _ = writeln!(
                out,
                "  {:<40} {:>16} {:<20} {:>10}",
                i.item,
                quantity(i.units),
                i.unit,
                usd(i.usd)
            );
        }
    }
    for note in &c.notes {
        let _ = writeln!(out, "\nNote: {note}");
    }
    out
}

/// The sweep's columns after the parameter's, as in the CSV.
pub const SWEEP_COLUMNS: [&str; 13] = [
    "write_throttled",
    "read_throttled",
    "iterator_age_p99_ms",
    "max_behind_ms",
    "oldest_message_age_s",
    "data_freshness_s",
    "latency_p99_ms",
    "end_to_end_p99_ms",
    "lost_records",
    "shards",
    "monthly_usd",
    "meets_objectives",
    "why_not",
];

/// The figures of a point in column order, up to the cost.
pub fn sweep_figures(p: &SweepPoint) -> [f64; 10] {
    [
        p.write_throttled,
        p.read_throttled,
        p.iterator_age_p99_ms,
        p.max_behind_ms,
        p.oldest_message_age_s,
        p.data_freshness_s,
        p.latency_p99_ms,
        p.end_to_end_p99_ms,
        p.lost_records as f64,
        p.shards as f64,
    ]
}

/// The sweep's table for people, written as points finish: its column
/// widths are fixed by the header and the values, known before any run.
pub struct SweepTable {
    widths: Vec<usize>,
    replicated: bool,
}

/// The columns a sweep with replications adds before `meets_objectives`:
/// mean ± half the 95% interval.
pub const SWEEP_INTERVAL_COLUMNS: [&str; 3] =
    ["throttled_pct_95ci", "lost_records_95ci", "monthly_usd_95ci"];

/// The same in the CSV, after `why_not`: mean, low and high of each.
pub const SWEEP_INTERVAL_CSV: [&str; 9] = [
    "throttled_pct_mean",
    "throttled_pct_low",
    "throttled_pct_high",
    "lost_records_mean",
    "lost_records_low",
    "lost_records_high",
    "monthly_usd_mean",
    "monthly_usd_low",
    "monthly_usd_high",
];

/// The intervals of a point's replications, as the CSV's plain numbers.
pub fn interval_cells(r: &Replications) -> [f64; 9] {
    let [a, b, c] = [r.throttled_pct, r.lost_records, r.monthly_usd];
    [a.mean, a.low, a.high, b.mean, b.low, b.high, c.mean, c.low, c.high]
}

impl SweepTable {
    pub fn new(param: &str, values: &[f64], replicated: bool) -> SweepTable {
        let first = values.iter().map(|v| v.to_string().len()).chain([param.len()]).max();
        let widths = first
            .into_iter()
            .chain(Self::columns(replicated).iter().map(|c| c.len()))
            .collect::<Vec<_>>();
        SweepTable { widths, replicated }
    }

    fn columns(replicated: bool) -> Vec<&'static str> {
        let (figures, verdict) = SWEEP_COLUMNS.split_at(SWEEP_COLUMNS.len() - 2);
        let intervals: &[&str] = if replicated { &SWEEP_INTERVAL_COLUMNS } else { &[] };
        [figures, intervals, verdict].concat()
    }

    pub fn header(&self, param: &str) -> String {
        let columns = Self::columns(self.replicated).into_iter().map(String::from);
        self.line(std::iter::once(param.to_string()).chain(columns))
    }

    pub fn row(
        &self,
        p: &SweepPoint,
        replications: Option<&Replications>,
        misses: &[String],
    ) -> String {
        let intervals = replications.into_iter().flat_map(|r| {
            let ci =
                |i: Interval, f: fn(f64) -> String| format!("{} ± {}", f(i.mean), f(i.half_width));
            [
                ci(r.throttled_pct, |x| format!("{x:.2}%")),
                ci(r.lost_records, |x| quantity(x.round())),
                ci(r.monthly_usd, usd),
            ]
        });
        let cells = std::iter::once(p.value.to_string())
            .chain(sweep_figures(p).map(quantity))
            .chain([usd(p.monthly_usd)])
            .chain(intervals)
            .chain([misses.is_empty().to_string(), misses.join("; ")]);
        self.line(cells)
    }

    /// Cells right-aligned to their column, the reasons (last) read left
    /// to right.
    fn line(&self, cells: impl Iterator<Item = String>) -> String {
        let cells: Vec<String> = cells.collect();
        let last = cells.len().saturating_sub(1);
        let mut line = cells
            .iter()
            .zip(&self.widths)
            .enumerate()
            .map(|(i, (cell, w))| if i == last { cell.clone() } else { format!("{cell:>w$}") })
            .collect::<Vec<_>>()
            .join("  ");
        line.truncate(line.trim_end().len());
        line.push('\n');
        line
    }
}

/// The sweep's last line: the cheapest value that met every objective.
pub fn sweep_verdict(param: &str, best: Option<&SweepPoint>) -> String {
    match best {
        Some(p) => format!(
            "cheapest meeting every objective: {param} = {} at {} a month\n",
            p.value,
            usd(p.monthly_usd)
        ),
        None => "no value met every objective\n".into(),
    }
}

/// What `cost --replications N` adds under the bill: each mode's monthly
/// projection as mean ± half its 95% interval, and whether the cheapest
/// mode is cheaper than the next with 95% confidence.
pub fn replicated_cost_lines(r: &sim_core::replicate::ReplicatedModes) -> String {
    let title = sim_core::compare::mode_title;
    let ci = |i: Interval| format!("{} ± {}", usd(i.mean), usd(i.half_width));
    let mut out = format!("\nOver {} seeds (mean ± 95% interval), a month:\n", r.n);
    for m in &r.modes {
        let _ = writeln!(out, "  {:<20}  {}", title(m.mode), ci(m.monthly_projection_usd));
    }
    let saving = r.monthly_saving_usd;
    let verdict = if r.cheaper_at_95 {
        "cheaper with 95% confidence"
    } else {
        "not cheaper with 95% confidence: the seeds disagree or the bills are too close"
    };
    let _ = writeln!(
        out,
        "{} saves {} a month against {}, seed by seed: {verdict}.",
        title(r.cheaper),
        ci(saving),
        title(r.than)
    );
    out
}

/// The Kinesis vs MSK comparison: one column per service, then the
/// classic comparison points.
pub fn service_table(c: &sim_core::ServiceComparison) -> String {
    service_figures(c) + &service_points(c)
}

/// What `compare --replications N` prints: the first seed's table, then
/// each measured figure over the seeds, then the classic points.
pub fn replicated_service_table(b: &sim_core::replicate::ReplicatedServiceComparison) -> String {
    service_figures(b.comparison)
        + &service_intervals(&b.replications)
        + &service_points(b.comparison)
}

/// The title line and one column per service.
fn service_figures(c: &sim_core::ServiceComparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — seed {}, {} simulated, {}-hour month",
        one_line(&c.scenario),
        c.seed,
        seconds(c.duration_s),
        quantity(c.month_hours)
    );
    let _ = writeln!(out);
    let mut rows: Vec<(&str, Vec<String>)> =
        vec![("", c.rows.iter().map(|s| s.service.title().into()).collect())];
    rows.extend(
        SERVICE_FIGURES.iter().map(|f| (f.label, c.rows.iter().map(|s| (f.show)(s)).collect())),
    );
    out + &service_columns(&rows)
}

/// Rows of cells under a 26-character label, each column right-aligned
/// to its widest cell.
fn service_columns(rows: &[(&str, Vec<String>)]) -> String {
    let mut out = String::new();
    let columns = rows.first().map_or(0, |r| r.1.len());
    let width = |i: usize| rows.iter().map(|r| r.1[i].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns).map(width).collect();
    for (label, cells) in rows {
        let _ = write!(out, "{label:<26}");
        for (cell, w) in cells.iter().zip(&widths) {
            let _ = write!(out, "  {cell:>w$}");
        }
        let _ = writeln!(out);
    }
    out
}

/// Each measured figure over the replications, one column per service:
/// `mean ± half the 95% interval, sd standard deviation`.
fn service_intervals(r: &sim_core::replicate::ReplicatedServices) -> String {
    use sim_core::replicate::ServiceInterval;
    use sim_core::units::{bytes, millis};
    let out = format!(
        "\nOver {} seeds: mean ± half the 95% confidence interval (Student's t), sd the \
         standard deviation\n",
        r.n
    );
    // Each figure's spread is written in its mean's unit and precision.
    let cell = |i: Interval, f: &dyn Fn(f64, f64) -> String| {
        format!("{} ± {}, sd {}", f(i.mean, i.mean), f(i.half_width, i.mean), f(i.sd, i.mean))
    };
    let col = |of: fn(&ServiceInterval) -> Interval, f: &dyn Fn(f64, f64) -> String| {
        r.rows.iter().map(|s| cell(of(s), f)).collect::<Vec<_>>()
    };
    let per_s = |v: f64, _| format!("{}/s", bytes(v));
    let pct = |v: f64, _| format!("{:.1}%", v * 100.0);
    let count = |v: f64, _| quantity((v * 10.0).round() / 10.0);
    let records = |v: f64, _| format!("{}/s", quantity((v * 10.0).round() / 10.0));
    let ms = |v: f64, _| millis(v);
    // Cents, or four decimals when the mean is under a dollar (as `usd`).
    let dollars = |v: f64, mean: f64| {
        let fine = mean != 0.0 && (mean.abs() * 100.0).round() < 100.0;
        if v == mean || v.abs() >= 1.0 {
            usd(v)
        } else {
            format!("${:.*}", if fine { 4 } else { 2 }, v)
        }
    };
    let rows: Vec<(&str, Vec<String>)> = vec![
        ("", r.rows.iter().map(|s| s.service.title().into()).collect()),
        ("traffic in", col(|s| s.incoming_bytes_per_s, &per_s)),
        ("records in", col(|s| s.incoming_records_per_s, &records)),
        ("headroom", col(|s| s.headroom, &pct)),
        ("busiest shard/broker/quota", col(|s| s.busiest_unit_load, &pct)),
        ("writes refused", col(|s| s.refused_writes, &count)),
        ("longest producer wait", col(|s| s.producer_wait_max_ms, &ms)),
        ("worst consumer lag", col(|s| s.lag_max_ms, &ms)),
        ("records lost", col(|s| s.lost_records, &count)),
        ("cost of the run", col(|s| s.run_usd, &dollars)),
        ("monthly projection", col(|s| s.monthly_usd, &dollars)),
    ];
    out + &service_columns(&rows)
}

/// The classic comparison points and the notes.
fn service_points(c: &sim_core::ServiceComparison) -> String {
    let mut out = String::new();
    let _ = writeln!(out);
    for p in &c.points {
        let _ = writeln!(
            out,
            "{}: Kinesis {}; MSK {}; MSK Serverless {} ({})",
            p.point, p.kinesis, p.msk, p.msk_serverless, p.facts
        );
    }
    for note in &c.notes {
        let _ = writeln!(out, "Note: {}", one_line(note));
    }
    out
}
