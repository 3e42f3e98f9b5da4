//! The price catalogue (`sim-core/prices/aws-prices.json`, compiled in) and
//! a scenario's resolved prices.
//!
//! Every price in the catalogue carries its unit, its source tag and the
//! `aws-facts.md` section it comes from (section 2), with a confidence note
//! where aws-facts flags it. The catalogue is us-east-1 only: aws-facts gives
//! no other Region's prices, so other Regions are priced through overrides.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The catalogue as shipped, JSON.
pub const CATALOGUE_JSON: &str = include_str!("../prices/aws-prices.json");

/// Hours in AWS's pricing month, the default month length.
pub const DEFAULT_MONTH_HOURS: f64 = 730.0;

/// The whole price catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Version of the catalogue (date and revision).
    pub version: String,
    /// Currency of every price.
    pub currency: String,
    /// The Region every `usd` is for.
    pub default_region: String,
    /// Which Regions have prices, and why not more.
    pub regions_note: String,
    /// Source tags used by the items, with their title and date.
    pub sources: BTreeMap<String, Source>,
    /// Prices.
    pub items: Vec<PriceItem>,
    /// The metering rules (rounding and chunk sizes), as data; the code's
    /// constants in [`crate::cost`] are tested against them.
    pub metering: Vec<MeteringRule>,
    /// Monthly free allowances.
    pub free_tier: Vec<FreeTier>,
}

/// A metering rule: how usage is rounded before it is priced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeteringRule {
    /// Stable key.
    pub key: String,
    /// The chunk or rounding step.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// The aws-facts section.
    pub facts: String,
    /// Source tags.
    pub source: String,
    /// How sure the source is.
    pub confidence: String,
    /// What the rule says.
    pub note: String,
}

/// A source of prices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// What it is.
    pub title: String,
    /// Its date or version.
    pub date: String,
}

/// One price: `usd` per `per` units of `unit`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceItem {
    /// Stable key, used by overrides (`kds.provisioned.shard_hour`).
    pub key: String,
    /// AWS service.
    pub service: String,
    /// What is billed, as a bill line says it.
    pub item: String,
    /// The unit counted.
    pub unit: String,
    /// Price in US dollars for `per` units, as AWS quotes it.
    pub usd: f64,
    /// How many units `usd` buys (1, or 1,000,000 for "per million").
    pub per: f64,
    /// The aws-facts section.
    pub facts: String,
    /// Source tags (keys of [`Catalogue::sources`]).
    pub source: String,
    /// How sure the source is (aws-facts' wording).
    pub confidence: String,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// For a volume tier: which meter and which monthly units it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// Prices in other Regions, per `per` units (none today).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub regions: BTreeMap<String, f64>,
}

/// A volume tier of a meter, in units per month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// The meter the tier belongs to (`lambda.duration.x86`).
    pub meter: String,
    /// First unit of the month in this tier.
    pub from: f64,
    /// End of the tier; open when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<f64>,
}

/// A monthly free allowance shared by one or more meters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreeTier {
    /// Stable key.
    pub key: String,
    /// AWS service.
    pub service: String,
    /// What is free, as a bill line says it.
    pub item: String,
    /// The unit counted.
    pub unit: String,
    /// Free units per month.
    pub units_per_month: f64,
    /// Meters that draw on it, in the order they use it up.
    pub meters: Vec<String>,
    /// The aws-facts section.
    pub facts: String,
    /// Source tags.
    pub source: String,
    /// How sure the source is.
    pub confidence: String,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl PriceItem {
    /// The meter this item prices: its tier's meter, or its own key.
    pub fn meter(&self) -> &str {
        self.tier.as_ref().map_or(&self.key, |t| &t.meter)
    }
}

/// Parses and checks a catalogue: every price finite and not negative,
/// `per` positive, every item with a known source and an aws-facts section,
/// keys unique, tiers of a meter contiguous from 0.
pub fn load_catalogue(json: &str) -> Result<Catalogue, Vec<String>> {
    let catalogue: Catalogue =
        serde_json::from_str(json).map_err(|e| vec![format!("catalogue: {e}")])?;
    let mut problems = Vec::new();
    let mut keys = BTreeMap::new();
    for item in &catalogue.items {
        let k = &item.key;
        if keys.insert(k.clone(), ()).is_some() {
            problems.push(format!("{k}: duplicate key"));
        }
        let prices = std::iter::once(item.usd).chain(item.regions.values().copied());
        for usd in prices {
            if !usd.is_finite() || usd < 0.0 {
                problems.push(format!("{k}: price {usd} is negative or not a number"));
            }
        }
        if !item.per.is_finite() || item.per <= 0.0 {
            problems.push(format!("{k}: per {} must be positive", item.per));
        }
        check_source(&catalogue, k, &item.source, &item.facts, &mut problems);
        if item.unit.is_empty() || item.item.is_empty() || item.service.is_empty() {
            problems.push(format!("{k}: service, item and unit must be named"));
        }
    }
    // Tiers: contiguous from 0, the last open.
    let mut meters: BTreeMap<&str, Vec<&Tier>> = BTreeMap::new();
    for item in &catalogue.items {
        if let Some(t) = &item.tier {
            meters.entry(&t.meter).or_default().push(t);
        }
    }
    for (meter, tiers) in &meters {
        let mut next = Some(0.0);
        for t in tiers {
            if Some(t.from) != next {
                problems.push(format!("{meter}: tiers are not contiguous from 0 at {}", t.from));
            }
            next = t.to;
        }
        if next.is_some() {
            problems.push(format!("{meter}: the last tier must be open-ended"));
        }
    }
    for rule in &catalogue.metering {
        if !rule.value.is_finite() || rule.value <= 0.0 {
            problems.push(format!("{}: metering step must be positive", rule.key));
        }
        check_source(&catalogue, &rule.key, &rule.source, &rule.facts, &mut problems);
    }
    for free in &catalogue.free_tier {
        let k = &free.key;
        if !free.units_per_month.is_finite() || free.units_per_month < 0.0 {
            problems.push(format!("{k}: free units must not be negative"));
        }
        check_source(&catalogue, k, &free.source, &free.facts, &mut problems);
        for m in &free.meters {
            if !catalogue.items.iter().any(|i| i.meter() == m) {
                problems.push(format!("{k}: no price item meters {m}"));
            }
        }
    }
    if problems.is_empty() { Ok(catalogue) } else { Err(problems) }
}

fn check_source(c: &Catalogue, key: &str, source: &str, facts: &str, problems: &mut Vec<String>) {
    let tags: Vec<&str> = source.split_whitespace().collect();
    if tags.is_empty() {
        problems.push(format!("{key}: no source"));
    }
    for tag in tags {
        if !c.sources.contains_key(tag) {
            problems.push(format!("{key}: source {tag} is not listed in `sources`"));
        }
    }
    if facts.is_empty() {
        problems.push(format!("{key}: no aws-facts section"));
    }
}

/// The catalogue compiled into this build (checked by a test, so it loads).
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        load_catalogue(CATALOGUE_JSON).unwrap_or_else(|problems| {
            // Unreachable for the shipped file (a unit test loads it); an
            // empty catalogue prices everything at zero rather than panic.
            debug_assert!(false, "{problems:?}");
            Catalogue {
                version: String::new(),
                currency: "USD".into(),
                default_region: "us-east-1".into(),
                regions_note: String::new(),
                sources: BTreeMap::new(),
                items: Vec::new(),
                metering: Vec::new(),
                free_tier: Vec::new(),
            }
        })
    })
}

/// Regions the catalogue has prices for: the default and any listed per item.
pub fn regions() -> Vec<String> {
    let c = catalogue();
    let mut out = vec![c.default_region.clone()];
    for item in &c.items {
        for r in item.regions.keys() {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
    }
    out
}

/// A scenario's pricing choices (the optional `pricing` block).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pricing {
    /// AWS Region whose prices apply (the catalogue has us-east-1 only).
    pub region: String,
    /// Hours in a month for the monthly projection and monthly tiers.
    pub month_hours: f64,
    /// Whether the monthly free tier (SQS, Lambda) is deducted.
    pub free_tier: bool,
    /// Prices replacing the catalogue's, by item key, in the item's quoted
    /// unit (`usd` per `per` units).
    pub overrides: BTreeMap<String, f64>,
    /// The account's billing mode for on-demand streams (aws-facts 1.4).
    #[serde(skip_serializing_if = "OnDemandPricing::is_standard")]
    pub kinesis_on_demand: OnDemandPricing,
}

/// How an account pays for its on-demand streams (aws-facts 1.4, 2.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDemandPricing {
    /// On-demand Standard: per stream-hour and per GB.
    #[default]
    Standard,
    /// On-demand Advantage, an account-level mode: no stream-hours, lower
    /// per-GB prices, at least 25 MiB/s of data in and of retrieval billed
    /// for at least 24 hours; warm throughput and 50 enhanced fan-out
    /// consumers per stream.
    Advantage,
}

impl OnDemandPricing {
    /// Whether this is the default, On-demand Standard.
    pub fn is_standard(&self) -> bool {
        *self == OnDemandPricing::Standard
    }
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing {
            region: "us-east-1".into(),
            month_hours: DEFAULT_MONTH_HOURS,
            free_tier: false,
            overrides: BTreeMap::new(),
            kinesis_on_demand: OnDemandPricing::Standard,
        }
    }
}

impl Pricing {
    /// Whether this is the default (so scenario files leave it out).
    pub fn is_default(&self) -> bool {
        *self == Pricing::default()
    }
}

/// One resolved price.
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    /// The catalogue item.
    pub item: &'static PriceItem,
    /// US dollars per single unit, after Region and overrides.
    pub unit_usd: f64,
    /// The quoted price (per `item.per` units), after Region and overrides.
    pub quoted_usd: f64,
}

/// The prices one scenario pays: the catalogue in its Region with its
/// overrides, its month length and its free-tier choice.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceBook {
    prices: BTreeMap<&'static str, Price>,
    /// Hours in a month.
    pub month_hours: f64,
    /// Whether free tiers apply.
    pub free_tier: bool,
    /// How on-demand streams are billed.
    pub on_demand: OnDemandPricing,
}

impl Default for PriceBook {
    fn default() -> Self {
        PriceBook::new(&Pricing::default())
    }
}

impl PriceBook {
    /// Resolves a pricing block. Unknown override keys, Regions without
    /// prices and out-of-range values are reported by validation; here they
    /// fall back to the catalogue, so this never fails.
    pub fn new(pricing: &Pricing) -> Self {
        let prices = catalogue()
            .items
            .iter()
            .map(|item| {
                let regional = item.regions.get(&pricing.region).copied().unwrap_or(item.usd);
                let quoted = pricing
                    .overrides
                    .get(&item.key)
                    .copied()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .unwrap_or(regional);
                (item.key.as_str(), Price { item, unit_usd: quoted / item.per, quoted_usd: quoted })
            })
            .collect();
        let month_hours = if pricing.month_hours.is_finite() && pricing.month_hours > 0.0 {
            pricing.month_hours
        } else {
            DEFAULT_MONTH_HOURS
        };
        PriceBook {
            prices,
            month_hours,
            free_tier: pricing.free_tier,
            on_demand: pricing.kinesis_on_demand,
        }
    }

    /// The price of an item, if the catalogue has it.
    pub fn get(&self, key: &str) -> Option<&Price> {
        self.prices.get(key)
    }

    /// Charges `units` of a meter used within one month (the month's first
    /// units): the free allowance `free` first, then each volume tier in
    /// turn. Returns `(price, units, usd)` per tier used; a meter without
    /// tiers is one line at its item's price.
    pub fn charge_month(&self, meter: &str, units: f64, free: f64) -> Vec<(&Price, f64, f64)> {
        let mut out = Vec::new();
        let billable = (units - free.max(0.0)).max(0.0);
        let start = units - billable; // units covered by the free tier
        for price in self.prices.values().filter(|p| p.item.meter() == meter) {
            let (from, to) = match &price.item.tier {
                Some(t) => (t.from, t.to.unwrap_or(f64::INFINITY)),
                None => (0.0, f64::INFINITY),
            };
            let used = (units.min(to) - start.max(from)).max(0.0);
            if used > 0.0 {
                out.push((price, used, used * price.unit_usd));
            }
        }
        out.sort_by(|a, b| {
            let from = |p: &Price| p.item.tier.as_ref().map_or(0.0, |t| t.from);
            from(a.0).total_cmp(&from(b.0))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_loads_and_every_price_has_a_source() {
        let c = load_catalogue(CATALOGUE_JSON).expect("the shipped catalogue is valid");
        assert!(c.items.len() > 30);
        for item in &c.items {
            assert!(item.usd >= 0.0 && !item.source.is_empty() && !item.facts.is_empty());
        }
        assert_eq!(regions(), vec!["us-east-1".to_string()]);
    }

    #[test]
    fn the_loader_refuses_negative_prices_and_missing_sources() {
        let mut c: serde_json::Value = serde_json::from_str(CATALOGUE_JSON).unwrap();
        c["items"][0]["usd"] = serde_json::json!(-1.0);
        c["items"][1]["source"] = serde_json::json!("");
        c["items"][2]["source"] = serde_json::json!("[NOWHERE]");
        c["items"][3]["per"] = serde_json::json!(0);
        let problems = load_catalogue(&c.to_string()).unwrap_err();
        let text = problems.join("\n");
        assert!(text.contains("kds.provisioned.shard_hour: price -1"), "{text}");
        assert!(text.contains("kds.provisioned.put_payload_unit: no source"), "{text}");
        assert!(text.contains("[NOWHERE] is not listed"), "{text}");
        assert!(text.contains("per 0 must be positive"), "{text}");
    }

    #[test]
    fn catalogue_prices_are_the_literal_aws_figures() {
        // aws-facts 2.1 and 2.2: parsed JSON gives exactly the f64 of the
        // decimal price, so bills match the constants they replace.
        let book = PriceBook::default();
        let unit = |k: &str| book.get(k).unwrap().unit_usd;
        assert_eq!(unit("kds.provisioned.shard_hour"), 0.015);
        assert_eq!(unit("kds.provisioned.put_payload_unit"), 0.014 / 1_000_000.0);
        assert_eq!(unit("kds.on_demand.stream_hour"), 0.04);
        assert_eq!(unit("lambda.duration.x86.tier1"), 0.0000166667);
    }

    #[test]
    fn the_code_meters_by_the_catalogue_rules() {
        // aws-facts 2.1 to 2.5: the rounding steps the code uses are the ones
        // the catalogue documents.
        use crate::cost::*;
        let rule = |k: &str| catalogue().metering.iter().find(|r| r.key == k).unwrap().value;
        assert_eq!(rule("kds.put_payload_unit_bytes"), PUT_PAYLOAD_UNIT_BYTES as f64);
        assert_eq!(rule("kds.on_demand_rounding_bytes"), ON_DEMAND_ROUNDING_BYTES as f64);
        assert_eq!(rule("firehose.rounding_bytes"), FIREHOSE_ROUNDING_BYTES as f64);
        assert_eq!(rule("sqs.chunk_bytes"), SQS_CHUNK_BYTES as f64);
        assert_eq!(rule("lambda.duration_rounding_ms"), lambda_billed_ms(1) as f64);
        assert_eq!(
            rule("kds.on_demand_advantage.min_bytes_per_s"),
            ADVANTAGE_MIN_BYTES_PER_S as f64
        );
        let hours = rule("kds.on_demand_advantage.min_commitment_h");
        assert_eq!(hours * crate::time::HOUR as f64, ADVANTAGE_MIN_COMMITMENT as f64);
    }

    #[test]
    fn overrides_replace_the_quoted_price() {
        let pricing = Pricing {
            overrides: BTreeMap::from([("kds.provisioned.put_payload_unit".into(), 0.02)]),
            ..Default::default()
        };
        let book = PriceBook::new(&pricing);
        let p = book.get("kds.provisioned.put_payload_unit").unwrap();
        assert_eq!((p.quoted_usd, p.unit_usd), (0.02, 0.02 / 1_000_000.0));
    }

    #[test]
    fn tiers_and_free_allowances_split_a_month() {
        // aws-facts 2.3: Firehose ingestion 0.029 for the first 512,000 GB,
        // then 0.025.
        let book = PriceBook::default();
        let lines = book.charge_month("firehose.ingest", 600_000.0, 0.0);
        let parts: Vec<(&str, f64)> = lines.iter().map(|l| (l.0.item.key.as_str(), l.1)).collect();
        assert_eq!(
            parts,
            [("firehose.ingest.tier1", 512_000.0), ("firehose.ingest.tier2", 88_000.0)]
        );
        // A free allowance is used before the first tier.
        let lines = book.charge_month("lambda.requests", 3_000_000.0, 1_000_000.0);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].1, 2_000_000.0);
        assert!(book.charge_month("lambda.requests", 5.0, 10.0).is_empty());
    }
}
