//! Cost accrued from the engine's own events (aws-facts 2.1), never from a
//! separate estimate.

use serde::Serialize;

use crate::nodes::Stream;
use crate::time::{HOUR, SimTime};

/// aws-facts 2.1: $0.015 per shard-hour, us-east-1.
pub const SHARD_HOUR_USD: f64 = 0.015;
/// aws-facts 2.1: $0.014 per million PUT payload units, us-east-1.
pub const PUT_PAYLOAD_UNIT_USD: f64 = 0.014 / 1_000_000.0;
/// aws-facts 2.1: PUT payload units are 25 KB chunks of a record.
pub const PUT_PAYLOAD_UNIT_BYTES: u64 = 25 * 1024;

/// PUT payload units of one record with `data_bytes` of data: 25 KB chunks,
/// at least one (aws-facts 2.1: 5 KB is one unit, 45 KB two).
pub fn put_payload_units(data_bytes: u64) -> u64 {
    data_bytes.div_ceil(PUT_PAYLOAD_UNIT_BYTES).max(1)
}

/// Billable units accrued so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CostMeter {
    /// Shard-milliseconds of provisioned streams (integer, so accrual in
    /// many small steps loses nothing).
    pub shard_ms: u64,
    /// PUT payload units of accepted records.
    pub put_payload_units: u64,
}

/// One line of a bill.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostItem {
    /// AWS service.
    pub service: &'static str,
    /// What is billed.
    pub item: &'static str,
    /// Units consumed.
    pub units: f64,
    /// Name of the unit.
    pub unit: &'static str,
    /// Cost in US dollars.
    pub usd: f64,
}

impl CostMeter {
    pub(crate) fn accrue(&mut self, dt: SimTime, streams: &[Stream]) {
        let shards: usize = streams.iter().map(|s| s.shards.len()).sum();
        self.shard_ms += shards as u64 * dt;
    }

    /// Adds PUT payload units the producer computed for accepted records
    /// (per record, or per aggregated record when the producer aggregates).
    pub(crate) fn put_units(&mut self, units: u64) {
        self.put_payload_units += units;
    }

    /// The bill so far, by line item.
    pub fn items(&self) -> Vec<CostItem> {
        let shard_hours = self.shard_ms as f64 / HOUR as f64;
        vec![
            CostItem {
                service: "Kinesis Data Streams",
                item: "Shard hours",
                units: shard_hours,
                unit: "shard-hour",
                usd: shard_hours * SHARD_HOUR_USD,
            },
            CostItem {
                service: "Kinesis Data Streams",
                item: "PUT payload units",
                units: self.put_payload_units as f64,
                unit: "25 KB unit",
                usd: self.put_payload_units as f64 * PUT_PAYLOAD_UNIT_USD,
            },
        ]
    }

    /// Total so far in US dollars.
    pub fn total_usd(&self) -> f64 {
        self.items().iter().map(|i| i.usd).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_payload_units_follow_the_pricing_page_examples() {
        // aws-facts 2.1: "a 5KB record contains one PUT Payload Unit, a 45KB
        // record contains two PUT Payload Units, and a 1MB record contains 40".
        assert_eq!(put_payload_units(5 * 1024), 1);
        assert_eq!(put_payload_units(45 * 1024), 2);
        assert_eq!(put_payload_units(1_000_000), 40);
        assert_eq!(put_payload_units(1), 1);
    }

    #[test]
    fn one_shard_for_a_730_hour_month_costs_10_95() {
        // aws-facts 2.1: $0.015 per shard-hour; 730 h = $10.95.
        let meter = CostMeter { shard_ms: 730 * HOUR, put_payload_units: 0 };
        assert!((meter.total_usd() - 10.95).abs() < 1e-9);
    }
}
