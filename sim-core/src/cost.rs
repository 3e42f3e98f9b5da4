//! Cost accrued from the engine's own events (aws-facts 2.1, 2.2), never
//! from a separate estimate. Prices are us-east-1.

use serde::Serialize;

use crate::nodes::Stream;
use crate::time::{HOUR, SimTime};

/// aws-facts 2.1: $0.015 per shard-hour.
pub const SHARD_HOUR_USD: f64 = 0.015;
/// aws-facts 2.1: $0.014 per million PUT payload units.
pub const PUT_PAYLOAD_UNIT_USD: f64 = 0.014 / 1_000_000.0;
/// aws-facts 2.1: PUT payload units are 25 KB chunks of a record.
pub const PUT_PAYLOAD_UNIT_BYTES: u64 = 25 * 1024;
/// aws-facts 2.1: $0.015 per enhanced fan-out consumer-shard-hour.
pub const EFO_CONSUMER_SHARD_HOUR_USD: f64 = 0.015;
/// aws-facts 2.1: $0.013 per GB retrieved by enhanced fan-out (provisioned).
pub const EFO_GB_USD: f64 = 0.013;
/// aws-facts 2.2: $0.04 per on-demand stream-hour.
pub const ON_DEMAND_STREAM_HOUR_USD: f64 = 0.04;
/// aws-facts 2.2: $0.08 per GB written on demand, each record rounded up to 1 KB.
pub const ON_DEMAND_GB_IN_USD: f64 = 0.08;
/// aws-facts 2.2: $0.04 per GB read on demand (shared throughput).
pub const ON_DEMAND_GB_OUT_USD: f64 = 0.04;
/// aws-facts 2.2: $0.05 per GB read on demand by enhanced fan-out.
pub const ON_DEMAND_EFO_GB_USD: f64 = 0.05;
/// Bytes in a billed GB.
pub const GB: f64 = 1_073_741_824.0;

/// PUT payload units of one record with `data_bytes` of data: 25 KB chunks,
/// at least one (aws-facts 2.1: 5 KB is one unit, 45 KB two).
pub fn put_payload_units(data_bytes: u64) -> u64 {
    data_bytes.div_ceil(PUT_PAYLOAD_UNIT_BYTES).max(1)
}

/// Billed on-demand write size of one record: rounded up to the next KiB
/// (aws-facts 2.2: 4.5 KB is billed as 5 KB).
pub fn on_demand_billed_bytes(data_bytes: u64) -> u64 {
    data_bytes.div_ceil(1024).max(1) * 1024
}

/// Billable units accrued so far. Time is integer milliseconds so accrual
/// in many small steps loses nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CostMeter {
    /// Open-shard milliseconds of provisioned streams.
    pub shard_ms: u64,
    /// PUT payload units of records accepted by provisioned streams.
    pub put_payload_units: u64,
    /// Enhanced fan-out consumer × open-shard milliseconds (provisioned).
    pub efo_consumer_shard_ms: u64,
    /// Bytes pushed to enhanced fan-out consumers of provisioned streams.
    pub efo_bytes: u64,
    /// Milliseconds of on-demand streams.
    pub on_demand_stream_ms: u64,
    /// Billed bytes written to on-demand streams (per-record KiB rounding).
    pub on_demand_in_bytes: u64,
    /// Bytes read from on-demand streams by shared-throughput consumers.
    pub on_demand_out_bytes: u64,
    /// Bytes pushed to enhanced fan-out consumers of on-demand streams.
    pub on_demand_efo_bytes: u64,
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
        for s in streams {
            if s.is_on_demand() {
                self.on_demand_stream_ms += dt;
            } else {
                // Closed shards (after resharding) are not billed.
                let open = s.open.len() as u64;
                self.shard_ms += open * dt;
                self.efo_consumer_shard_ms += s.efo_readers as u64 * open * dt;
            }
        }
    }

    /// Adds PUT payload units the producer computed for records a
    /// provisioned stream accepted (per record, or per aggregated record
    /// when the producer aggregates).
    pub(crate) fn put_units(&mut self, units: u64) {
        self.put_payload_units += units;
    }

    /// Billed bytes written to an on-demand stream (see
    /// [`on_demand_billed_bytes`]).
    pub(crate) fn on_demand_in(&mut self, billed_bytes: u64) {
        self.on_demand_in_bytes += billed_bytes;
    }

    /// Bytes read from a stream by one consumer.
    pub(crate) fn read(&mut self, on_demand: bool, efo: bool, bytes: u64) {
        match (on_demand, efo) {
            (false, false) => {} // aws-facts 2.1: shared reads are free in provisioned mode.
            (false, true) => self.efo_bytes += bytes,
            (true, false) => self.on_demand_out_bytes += bytes,
            (true, true) => self.on_demand_efo_bytes += bytes,
        }
    }

    /// The bill so far, by line item; items with no usage are left out.
    pub fn items(&self) -> Vec<CostItem> {
        let hours = |ms: u64| ms as f64 / HOUR as f64;
        let gb = |bytes: u64| bytes as f64 / GB;
        let kds = "Kinesis Data Streams";
        let lines = [
            ("Shard hours", hours(self.shard_ms), "shard-hour", SHARD_HOUR_USD),
            (
                "PUT payload units",
                self.put_payload_units as f64,
                "25 KB unit",
                PUT_PAYLOAD_UNIT_USD,
            ),
            (
                "Enhanced fan-out consumer-shard hours",
                hours(self.efo_consumer_shard_ms),
                "consumer-shard-hour",
                EFO_CONSUMER_SHARD_HOUR_USD,
            ),
            ("Enhanced fan-out data retrieval", gb(self.efo_bytes), "GB", EFO_GB_USD),
            (
                "On-demand stream hours",
                hours(self.on_demand_stream_ms),
                "stream-hour",
                ON_DEMAND_STREAM_HOUR_USD,
            ),
            ("On-demand data in", gb(self.on_demand_in_bytes), "GB", ON_DEMAND_GB_IN_USD),
            ("On-demand data retrieval", gb(self.on_demand_out_bytes), "GB", ON_DEMAND_GB_OUT_USD),
            (
                "On-demand enhanced fan-out retrieval",
                gb(self.on_demand_efo_bytes),
                "GB",
                ON_DEMAND_EFO_GB_USD,
            ),
        ];
        lines
            .into_iter()
            .filter(|&(_, units, _, _)| units > 0.0)
            .map(|(item, units, unit, price)| CostItem {
                service: kds,
                item,
                units,
                unit,
                usd: units * price,
            })
            .collect()
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
        let meter = CostMeter { shard_ms: 730 * HOUR, ..Default::default() };
        assert!((meter.total_usd() - 10.95).abs() < 1e-9);
    }

    #[test]
    fn on_demand_rounds_each_record_up_to_a_kib() {
        // aws-facts 2.2: each record is rounded up to the nearest 1 KB; 4.5 KB -> 5 KB.
        assert_eq!(on_demand_billed_bytes(4 * 1024 + 512), 5 * 1024);
        assert_eq!(on_demand_billed_bytes(1), 1024);
        let mut meter = CostMeter::default();
        // 1,048,576 records of 100 bytes are billed as 1 GiB in.
        meter.on_demand_in(1_048_576 * on_demand_billed_bytes(100));
        let item = &meter.items()[0];
        assert_eq!((item.item, item.units), ("On-demand data in", 1.0));
        assert!((item.usd - 0.08).abs() < 1e-12);
    }

    #[test]
    fn an_on_demand_stream_for_a_730_hour_month_costs_29_20() {
        // aws-facts 2.2: $0.04 per stream-hour; 730 h = $29.20.
        let meter = CostMeter { on_demand_stream_ms: 730 * HOUR, ..Default::default() };
        assert!((meter.total_usd() - 29.20).abs() < 1e-9);
    }

    #[test]
    fn shared_reads_are_free_in_provisioned_mode() {
        let mut meter = CostMeter::default();
        meter.read(false, false, 1 << 30);
        assert!(meter.items().is_empty());
        meter.read(false, true, 1 << 30);
        assert!((meter.total_usd() - 0.013).abs() < 1e-12);
    }
}
