//! The headline figures above the canvas, and "explain this number": each
//! figure with the arithmetic behind it, built from the run's own terms (a
//! shard's records, a producer's records given up, a bill's line items), so
//! a test can check that the terms add up to the figure shown.
//!
//! Records and attempts are kept apart everywhere: a stream's "refused"
//! figure counts write attempts (`WriteProvisionedThroughputExceeded`,
//! retries included), "given up" counts records lost for good.

use super::{FrameView, NodeFigures};
use crate::engine::Simulation;
use crate::ledger::Ledger;
use crate::metrics::producer;
use crate::scenario::{NodeIndex, NodeKind};
use crate::units;

/// The first stream's figures for the last closed second, and what the
/// producers writing to it gave up: the headline cards.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Headline {
    /// Node index of the stream the headline is about.
    pub stream: Option<NodeIndex>,
    /// Each shard with traffic in the last second: (shard id, Kinesis
    /// records accepted, write attempts refused). Closed shards count
    /// while they still took writes.
    pub shards: Vec<(usize, u64, u64)>,
    /// Each producer writing to the stream: (display name, records given up
    /// in the last second).
    pub producers: Vec<(String, f64)>,
}

impl Headline {
    /// Reads the headline off a simulation: the first stream, its shards
    /// and the producers wired to it.
    pub fn capture(sim: &Simulation) -> Self {
        let scenario = sim.scenario();
        let Some(node) = sim.slots().position(|s| s.kind == NodeKind::KinesisStream) else {
            return Headline::default();
        };
        let shards = sim.stream(node).map_or_else(Vec::new, |s| {
            s.shards
                .iter()
                .enumerate()
                .map(|(id, shard)| {
                    let second = &shard.last_second;
                    (id, second.in_kinesis_records, second.throttled)
                })
                .filter(|&(id, records, refused)| {
                    records > 0 || refused > 0 || s.open.contains(&id)
                })
                .collect()
        });
        let id = &scenario.node(node).id;
        let producers = scenario
            .links
            .iter()
            .filter(|l| &l.to == id)
            .filter_map(|l| scenario.index_of(&l.from))
            .filter(|&p| sim.slots()[p].kind == NodeKind::Producer)
            .map(|p| {
                let given_up = sim.metrics(p).last_second(producer::USER_RECORD_EXPIRED);
                (scenario.node(p).label().to_string(), given_up)
            })
            .collect();
        Headline { stream: Some(node), shards, producers }
    }

    /// Records per second the producers gave up after their last retry.
    pub fn given_up(&self) -> f64 {
        self.producers.iter().map(|p| p.1).sum()
    }
}

/// A headline figure that can be explained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Records the stream accepted per second.
    Incoming,
    /// Write attempts refused per second, retries included.
    Refused,
    /// Records given up per second by the producers.
    GivenUp,
    /// The stream's iterator age.
    IteratorAge,
    /// Records produced since the start, by where they are now.
    Produced,
    /// Records delivered since the start: what was produced less what is
    /// anywhere else.
    Delivered,
    /// The bill so far, by line item.
    Cost,
}

impl Figure {
    /// Every figure, in the order the headline shows them.
    pub const ALL: [Figure; 7] = [
        Figure::Incoming,
        Figure::Refused,
        Figure::GivenUp,
        Figure::IteratorAge,
        Figure::Produced,
        Figure::Delivered,
        Figure::Cost,
    ];
}

/// How an explanation's terms make its figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    /// The figure is the terms' sum.
    Sum,
    /// The figure is the largest term.
    Max,
}

/// One term of an explanation: a named figure of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// What it is, in people's words ("shard 1", "Web clicks").
    pub label: String,
    /// Its value, in the figure's unit.
    pub value: f64,
}

/// A figure with the arithmetic behind it.
#[derive(Clone, Debug)]
pub struct Explanation {
    /// The figure's name, as the headline labels it.
    pub title: &'static str,
    /// The figure as shown.
    pub value: f64,
    /// How the terms make it.
    pub combine: Combine,
    /// The terms, from the run.
    pub terms: Vec<Term>,
    /// Formats a value in the figure's unit.
    pub format: fn(f64) -> String,
    /// What the figure counts and what it is compared with, in words.
    pub meaning: String,
    /// The AWS page that defines it.
    pub source: &'static str,
}

impl Explanation {
    /// The terms combined: equal to [`Self::value`] (a test holds it).
    pub fn combined(&self) -> f64 {
        let values = self.terms.iter().map(|t| t.value);
        match self.combine {
            Combine::Sum => values.sum(),
            Combine::Max => values.fold(0.0, f64::max),
        }
    }

    /// The arithmetic in one line: "1,300 rec/s = 600 (shard 1) + 700
    /// (shard 2)", the terms that are not zero (at most `shown`, then how
    /// many more).
    pub fn arithmetic(&self, shown: usize) -> String {
        let nonzero: Vec<&Term> = self.terms.iter().filter(|t| t.value != 0.0).collect();
        if nonzero.is_empty() {
            return format!("{} (nothing this second)", (self.format)(self.value));
        }
        let term = |t: &Term| format!("{} ({})", (self.format)(t.value.abs()), t.label);
        let mut text = format!("{} = ", (self.format)(self.value));
        for (i, t) in nonzero.iter().take(shown).enumerate() {
            match self.combine {
                Combine::Max if i > 0 => text.push_str(", "),
                Combine::Max => text.push_str("the largest of "),
                Combine::Sum if t.value < 0.0 => text.push_str(if i > 0 { " − " } else { "−" }),
                Combine::Sum if i > 0 => text.push_str(" + "),
                Combine::Sum => {}
            }
            text.push_str(&term(t));
        }
        if nonzero.len() > shown {
            text.push_str(&format!(" and {} more", nonzero.len() - shown));
        }
        text
    }
}

const KDS_MONITORING: &str =
    "https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html";
const PUT_RECORDS: &str =
    "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html";
const KDS_PRICING: &str = "https://aws.amazon.com/kinesis/data-streams/pricing/";

fn records_per_s(v: f64) -> String {
    units::rate(v)
}

fn attempts_per_s(v: f64) -> String {
    format!("{} attempts/s", units::count(v))
}

fn records(v: f64) -> String {
    format!("{} records", units::count(v))
}

impl FrameView {
    /// Figure `figure` of the headline with the arithmetic behind it, from
    /// this instant of the run; `None` where the pipeline has no stream
    /// (the stream's figures).
    pub fn explain(&self, figure: Figure) -> Option<Explanation> {
        let h = &self.headline;
        let stream = h.stream.and_then(|i| self.figures(i));
        let shard_terms = |pick: fn(&(usize, u64, u64)) -> u64| {
            h.shards
                .iter()
                .map(|s| Term { label: format!("shard {}", s.0), value: pick(s) as f64 })
                .collect()
        };
        Some(match figure {
            Figure::Incoming => {
                let Some(NodeFigures::Stream { incoming, .. }) = stream else { return None };
                Explanation {
                    title: "Incoming",
                    value: *incoming,
                    combine: Combine::Sum,
                    terms: shard_terms(|s| s.1),
                    format: records_per_s,
                    meaning: "IncomingRecords: Kinesis records the shards accepted in the last second (a KPL-aggregated record counts once). Each shard takes at most 1,000 records/s and 1 MiB/s.".into(),
                    source: KDS_MONITORING,
                }
            }
            Figure::Refused => {
                let Some(NodeFigures::Stream { throttled, .. }) = stream else { return None };
                Explanation {
                    title: "Refused attempts",
                    value: *throttled,
                    combine: Combine::Sum,
                    terms: shard_terms(|s| s.2),
                    format: attempts_per_s,
                    meaning: format!(
                        "WriteProvisionedThroughputExceeded counts write attempts a shard refused, retries included: one record refused three times counts three. Records lost for good are fewer: {} records/s given up after the last retry.",
                        units::count(h.given_up())
                    ),
                    source: KDS_MONITORING,
                }
            }
            Figure::GivenUp => Explanation {
                title: "Given up",
                value: h.given_up(),
                combine: Combine::Sum,
                terms: h
                    .producers
                    .iter()
                    .map(|(name, v)| Term { label: name.clone(), value: *v })
                    .collect(),
                format: records_per_s,
                meaning: "Records a producer stopped retrying in the last second: lost for good, unlike refused attempts, which are retried.".into(),
                source: PUT_RECORDS,
            },
            Figure::IteratorAge => {
                let Some(NodeFigures::Stream { iterator_age_ms, retention_ms, .. }) = stream
                else {
                    return None;
                };
                Explanation {
                    title: "Iterator age",
                    value: *iterator_age_ms,
                    combine: Combine::Max,
                    terms: vec![Term {
                        label: "the oldest record read in the last second".into(),
                        value: *iterator_age_ms,
                    }],
                    format: units::millis,
                    meaning: format!(
                        "GetRecords.IteratorAgeMilliseconds: how old the records readers got were. AWS recommends an alarm at half the retention period ({} here): records older may expire unread.",
                        units::millis(retention_ms * super::NEAR_EXPIRY_SHARE)
                    ),
                    source: KDS_MONITORING,
                }
            }
            Figure::Produced => {
                let l = &self.ledger;
                let delivered = Term { label: "delivered".into(), value: l.delivered as f64 };
                Explanation {
                    title: "Produced",
                    value: l.produced as f64,
                    combine: Combine::Sum,
                    terms: std::iter::once(delivered).chain(not_delivered(l, 1.0)).collect(),
                    format: records,
                    meaning: "Every record the producers generated is in exactly one place: the conservation ledger.".into(),
                    source: PUT_RECORDS,
                }
            }
            Figure::Delivered => {
                let l = &self.ledger;
                let produced = Term { label: "produced".into(), value: l.produced as f64 };
                Explanation {
                    title: "Delivered",
                    value: l.delivered as f64,
                    combine: Combine::Sum,
                    terms: std::iter::once(produced).chain(not_delivered(l, -1.0)).collect(),
                    format: records,
                    meaning: "Records every reader of their stream has processed (or a destination has acknowledged): what was produced, less what is still anywhere else.".into(),
                    source: KDS_MONITORING,
                }
            }
            Figure::Cost => Explanation {
                title: "Cost",
                value: self.cost_usd,
                combine: Combine::Sum,
                terms: self
                    .cost_items
                    .iter()
                    .map(|i| Term { label: format!("{}: {}", i.service, i.item), value: i.usd })
                    .collect(),
                format: units::usd,
                meaning: format!(
                    "Billable units of this run so far, priced from the catalogue (us-east-1); at this run's rate, about {} a month.",
                    units::usd(self.monthly_usd)
                ),
                source: KDS_PRICING,
            },
        })
    }
}

/// Where the ledger's records are other than delivered, each term signed by
/// `sign` (+1 to build up "produced", -1 to take away from it).
fn not_delivered(l: &Ledger, sign: f64) -> impl Iterator<Item = Term> {
    [
        ("in flight", l.in_flight),
        ("given up", l.throttled_dropped),
        ("expired", l.expired),
        ("dead-lettered", l.dead_lettered),
        ("failed processing", l.failed),
        ("buffered in Firehose", l.buffered),
        ("backed up to S3", l.backed_up),
        ("lost after retries", l.lost),
    ]
    .into_iter()
    .map(move |(label, v)| Term { label: label.into(), value: sign * v as f64 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_scenario;

    #[test]
    fn every_explanation_adds_up_to_the_figure_shown_in_every_bundled_scenario() {
        for (file, json) in crate::BUNDLED_SCENARIOS {
            let valid = load_scenario(json).unwrap();
            let mut sim = Simulation::new(&valid, 1);
            for seconds in [5, 47] {
                sim.run_until(seconds * 1_000);
                let frame = FrameView::capture(&sim);
                for figure in Figure::ALL {
                    let Some(e) = frame.explain(figure) else { continue };
                    let tolerance = 1e-9 * e.value.abs().max(1.0);
                    assert!(
                        (e.combined() - e.value).abs() <= tolerance,
                        "{file} at {seconds} s, {}: {}",
                        e.title,
                        e.arithmetic(usize::MAX)
                    );
                }
            }
        }
    }

    #[test]
    fn refused_attempts_count_retries_and_outnumber_records_given_up() {
        // The default scenario's hot key: the figure that puzzled people
        // ("Throttled 11.1k/s" from 5,000 records/s) counts attempts.
        let valid = load_scenario(crate::DEFAULT_SCENARIO).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(60_000);
        let frame = FrameView::capture(&sim);
        let refused = frame.explain(Figure::Refused).unwrap();
        let given_up = frame.explain(Figure::GivenUp).unwrap();
        assert!(refused.value > given_up.value && given_up.value > 0.0);
        assert!(refused.meaning.contains("retries included"), "{}", refused.meaning);
        assert!(refused.arithmetic(8).contains("attempts/s ("), "{}", refused.arithmetic(8));
        // The terms are the run's shards, named as the shard strip names them.
        assert!(refused.terms.iter().all(|t| t.label.starts_with("shard ")));
        assert_eq!(given_up.terms[0].label, valid.scenario().node(NodeIndex::new(0)).label());
    }

    #[test]
    fn the_arithmetic_reads_as_a_sum_with_named_terms() {
        let e = Explanation {
            title: "Delivered",
            value: 7.0,
            combine: Combine::Sum,
            terms: vec![
                Term { label: "produced".into(), value: 10.0 },
                Term { label: "in flight".into(), value: -3.0 },
                Term { label: "expired".into(), value: 0.0 },
            ],
            format: records,
            meaning: String::new(),
            source: "",
        };
        assert_eq!(e.arithmetic(8), "7 records = 10 records (produced) − 3 records (in flight)");
        assert_eq!(e.combined(), 7.0);
        assert_eq!(e.arithmetic(1), "7 records = 10 records (produced) and 1 more");
    }
}
