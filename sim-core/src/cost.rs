//! Cost accrued from the engine's own events (aws-facts 2.1 to 2.5), never
//! from a separate estimate. The meter counts billable units as integers;
//! prices come from the catalogue (`sim-core/prices/aws-prices.json`, see
//! [`crate::pricing`]) with the scenario's Region, overrides, month length and
//! free-tier choice.

use serde::Serialize;

use crate::kinds::Stream;
use crate::pricing::{OnDemandPricing, PriceBook, Pricing, catalogue};
use crate::scenario::{BrokerType, Scenario};
use crate::time::{DAY, HOUR, SECOND, SimTime};

/// aws-facts 2.1: PUT payload units are 25 KB chunks of a record.
pub const PUT_PAYLOAD_UNIT_BYTES: u64 = 25 * 1024;
/// aws-facts 2.2: on-demand data in is metered per record rounded up to 1 KB
/// (1,024 bytes).
pub const ON_DEMAND_ROUNDING_BYTES: u64 = 1024;
/// aws-facts 2.3: Firehose ingestion is metered per record rounded up to
/// 5 KB (5,120 bytes).
pub const FIREHOSE_ROUNDING_BYTES: u64 = 5 * 1024;
/// aws-facts 2.4: each 64 KB (65,536 bytes) chunk of an SQS payload is one
/// request.
pub const SQS_CHUNK_BYTES: u64 = 64 * 1024;
/// Bytes in a billed GB.
pub const GB: f64 = 1_073_741_824.0;
/// aws-facts 1.4, 2.2: On-demand Advantage bills at least 25 MiB/s of data
/// in and 25 MiB/s of data retrieval, "even when actual usage is lower".
/// AWS does not say over which period usage is compared with it; the
/// simulator compares each hour of the run (MODEL.md, Cost).
pub const ADVANTAGE_MIN_BYTES_PER_S: u64 = 25 * 1_048_576;
/// aws-facts 1.4: the On-demand Advantage commitment lasts at least 24 hours.
pub const ADVANTAGE_MIN_COMMITMENT: SimTime = DAY;

/// PUT payload units of one record with `data_bytes` of data: 25 KB chunks,
/// at least one (aws-facts 2.1: 5 KB is one unit, 45 KB two).
pub fn put_payload_units(data_bytes: u64) -> u64 {
    data_bytes.div_ceil(PUT_PAYLOAD_UNIT_BYTES).max(1)
}

/// Billed on-demand write size of one record: rounded up to the next KiB
/// (aws-facts 2.2: 4.5 KB is billed as 5 KB).
pub fn on_demand_billed_bytes(data_bytes: u64) -> u64 {
    data_bytes.div_ceil(ON_DEMAND_ROUNDING_BYTES).max(1) * ON_DEMAND_ROUNDING_BYTES
}

/// Billed Firehose ingestion of one record: rounded up to the next 5 KB, per
/// record and not per call (aws-facts 2.3: 3 KB -> 5 KB, 12 KB -> 15 KB; a
/// PutRecordBatch of two 1 KB records is 10 KB).
pub fn firehose_billed_bytes(record_bytes: u64) -> u64 {
    record_bytes.div_ceil(FIREHOSE_ROUNDING_BYTES).max(1) * FIREHOSE_ROUNDING_BYTES
}

/// Billed SQS requests of one API call carrying `payload_bytes` in total:
/// one per started 64 KB, at least one (aws-facts 2.4: 256 KB = 4 requests;
/// an empty receive is still one request).
pub fn sqs_billed_requests(payload_bytes: u64) -> u64 {
    payload_bytes.div_ceil(SQS_CHUNK_BYTES).max(1)
}

/// Billed Lambda duration of one invocation in milliseconds: rounded up to
/// the next 1 ms (aws-facts 2.5), at least 1 ms.
pub fn lambda_billed_ms(duration_us: u64) -> u64 {
    duration_us.div_ceil(1000).max(1)
}

/// Which SNS delivery price a notification takes (aws-facts-more 5.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivered {
    /// To SQS or Lambda: no SNS charge.
    Free,
    /// To Firehose: per notification.
    Firehose,
    /// To an HTTP/S endpoint: per notification, after a free allowance.
    Http,
}

/// Lambda processor architecture: a function's parameter, priced apart.
pub use crate::scenario::LambdaArch;

/// Units of the services priced per month (tiers, free tiers): counted from
/// the start of the run, and snapshotted at each month boundary.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MonthlyUnits {
    /// Firehose ingestion, each record rounded up to 5 KB.
    pub firehose_billed_bytes: u64,
    /// Firehose bytes format-converted, in 5 KB increments.
    pub firehose_conversion_bytes: u64,
    /// SQS standard-queue requests (64 KB chunks).
    pub sqs_standard_requests: u64,
    /// SQS FIFO requests (64 KB chunks).
    pub sqs_fifo_requests: u64,
    /// Lambda invocations.
    pub lambda_requests: u64,
    /// Lambda x86 memory (MB) × billed duration (ms).
    pub lambda_x86_mb_ms: u128,
    /// Lambda Arm memory (MB) × billed duration (ms).
    pub lambda_arm_mb_ms: u128,
    /// SNS standard-topic publish requests (64 KB chunks of each call).
    pub sns_requests: u64,
    /// SNS notifications to Firehose (64 KB chunks of each).
    pub sns_firehose_deliveries: u64,
    /// SNS notifications to HTTP/S endpoints (64 KB chunks of each).
    pub sns_http_deliveries: u64,
    /// SNS FIFO-topic publish requests (64 KB chunks).
    pub sns_fifo_requests: u64,
    /// Their payload bytes.
    pub sns_fifo_publish_bytes: u64,
    /// SNS FIFO-topic subscription messages.
    pub sns_fifo_deliveries: u64,
    /// Their payload bytes.
    pub sns_fifo_delivery_bytes: u64,
}

/// Meters of the monthly-priced services.
const METERS: usize = 14;

impl MonthlyUnits {
    /// Units per meter of the catalogue, in the meter's billed unit, used
    /// since `start`.
    fn since(&self, start: &MonthlyUnits) -> [(&'static str, f64); METERS] {
        let gb = |a: u64, b: u64| a.saturating_sub(b) as f64 / GB;
        let n = |a: u64, b: u64| a.saturating_sub(b) as f64;
        // MB-ms to GB-s: / 1,024 MB per GB / 1,000 ms per s (aws-facts 2.5).
        let gbs = |a: u128, b: u128| a.saturating_sub(b) as f64 / 1_024_000.0;
        [
            ("firehose.ingest", gb(self.firehose_billed_bytes, start.firehose_billed_bytes)),
            (
                "firehose.format_conversion",
                gb(self.firehose_conversion_bytes, start.firehose_conversion_bytes),
            ),
            ("sqs.standard", n(self.sqs_standard_requests, start.sqs_standard_requests)),
            ("sqs.fifo", n(self.sqs_fifo_requests, start.sqs_fifo_requests)),
            ("lambda.requests", n(self.lambda_requests, start.lambda_requests)),
            ("lambda.duration.x86", gbs(self.lambda_x86_mb_ms, start.lambda_x86_mb_ms)),
            ("lambda.duration.arm", gbs(self.lambda_arm_mb_ms, start.lambda_arm_mb_ms)),
            ("sns.publish", n(self.sns_requests, start.sns_requests)),
            (
                "sns.firehose_deliveries",
                n(self.sns_firehose_deliveries, start.sns_firehose_deliveries),
            ),
            ("sns.http_deliveries", n(self.sns_http_deliveries, start.sns_http_deliveries)),
            ("sns.fifo.publish", n(self.sns_fifo_requests, start.sns_fifo_requests)),
            ("sns.fifo.publish_gb", gb(self.sns_fifo_publish_bytes, start.sns_fifo_publish_bytes)),
            ("sns.fifo.deliveries", n(self.sns_fifo_deliveries, start.sns_fifo_deliveries)),
            (
                "sns.fifo.delivery_gb",
                gb(self.sns_fifo_delivery_bytes, start.sns_fifo_delivery_bytes),
            ),
        ]
    }
}

/// Billable units accrued so far, and the prices they are billed at. Time is
/// integer milliseconds so accrual in many small steps loses nothing.
#[derive(Clone, Debug, PartialEq)]
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
    /// Open-shard milliseconds of provisioned streams that keep data past
    /// 24 hours (extended retention is billed per shard-hour).
    pub extended_retention_shard_ms: u64,
    /// Byte-milliseconds stored past 7 days in provisioned streams.
    pub long_term_byte_ms: u128,
    /// Byte-milliseconds stored between 24 hours and 7 days on demand.
    pub on_demand_extended_byte_ms: u128,
    /// Byte-milliseconds stored past 7 days on demand.
    pub on_demand_long_term_byte_ms: u128,
    /// On-demand billed bytes in, and bytes retrieved (shared and enhanced
    /// fan-out), in the current hour of the run.
    hour_on_demand: (u64, u64),
    /// Of the hours closed so far, the bytes of data in and of retrieval
    /// below the On-demand Advantage minimum (billed only under Advantage).
    pub advantage_shortfall: (u64, u64),
    /// KPUs running now, billed (orchestration included) and with running
    /// application storage (aws-facts-more 4.8).
    flink_kpus: (u64, u64),
    /// KPU milliseconds of Flink applications, orchestration included.
    pub flink_kpu_ms: u64,
    /// KPU milliseconds that carry running application storage.
    pub flink_storage_kpu_ms: u64,
    /// MSK brokers running of each type that runs any, `(index in
    /// [`BrokerType::ALL`], brokers)`, and GiB of broker storage provisioned
    /// (aws-facts-more 1.9). Only the types running: this is accrued every
    /// time the clock moves, and most runs have no MSK broker at all.
    msk_running: (Vec<(usize, u64)>, u64),
    /// Broker milliseconds by type, as `msk_running`.
    pub msk_broker_ms: Vec<u64>,
    /// Provisioned GiB-milliseconds of broker storage.
    pub msk_storage_gib_ms: u128,
    /// MSK Serverless clusters and their partitions running (aws-facts-more 2.3).
    msk_serverless_running: (u64, u64),
    /// Cluster milliseconds of MSK Serverless clusters.
    pub msk_serverless_cluster_ms: u64,
    /// Partition milliseconds of MSK Serverless clusters.
    pub msk_serverless_partition_ms: u64,
    /// Client bytes of provisioned MSK clusters that cross an Availability
    /// Zone, in sixths of a byte (a half or two thirds of them: exact).
    pub msk_cross_az_sixths: u64,
    /// Bytes MSK Serverless clusters took from producers (data in).
    pub msk_serverless_in_bytes: u64,
    /// Bytes MSK Serverless clusters served to readers (data out).
    pub msk_serverless_out_bytes: u64,
    /// Bytes MSK Serverless topics store now, and the sum being taken this
    /// second.
    msk_serverless_stored: (u64, u64),
    /// Byte-milliseconds of MSK Serverless storage.
    pub msk_serverless_byte_ms: u128,
    /// Firehose, SQS and Lambda units since the start (not yet produced by
    /// the engine; see [`CostMeter::firehose_put`] and friends).
    pub monthly: MonthlyUnits,
    /// [`Self::monthly`] at the start of each month of the run (the first is
    /// zero), so tiers and free tiers restart every month.
    month_starts: Vec<MonthlyUnits>,
    /// Simulated time accrued.
    elapsed_ms: u64,
    /// Milliseconds in the scenario's month.
    month_ms: u64,
    /// The prices.
    prices: PriceBook,
}

impl Default for CostMeter {
    fn default() -> Self {
        CostMeter::new(PriceBook::default())
    }
}

/// One line of a bill.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct CostItem {
    /// AWS service.
    pub service: String,
    /// What is billed.
    pub item: String,
    /// Units consumed.
    pub units: f64,
    /// Name of the unit.
    pub unit: String,
    /// Cost in US dollars.
    pub usd: f64,
    /// The catalogue key of the price (or free tier) applied.
    #[serde(skip)]
    pub key: String,
    /// The price applied, as quoted (US dollars per `per` units).
    #[serde(skip)]
    pub quoted_usd: f64,
    /// How many units the quoted price is for.
    #[serde(skip)]
    pub per: f64,
}

impl CostMeter {
    /// A meter billing at `prices`.
    pub fn new(prices: PriceBook) -> Self {
        CostMeter {
            shard_ms: 0,
            put_payload_units: 0,
            efo_consumer_shard_ms: 0,
            efo_bytes: 0,
            on_demand_stream_ms: 0,
            on_demand_in_bytes: 0,
            on_demand_out_bytes: 0,
            on_demand_efo_bytes: 0,
            extended_retention_shard_ms: 0,
            long_term_byte_ms: 0,
            on_demand_extended_byte_ms: 0,
            on_demand_long_term_byte_ms: 0,
            hour_on_demand: (0, 0),
            advantage_shortfall: (0, 0),
            flink_kpus: (0, 0),
            flink_kpu_ms: 0,
            flink_storage_kpu_ms: 0,
            msk_running: (Vec::new(), 0),
            msk_broker_ms: Vec::new(),
            msk_storage_gib_ms: 0,
            msk_serverless_running: (0, 0),
            msk_serverless_cluster_ms: 0,
            msk_serverless_partition_ms: 0,
            msk_cross_az_sixths: 0,
            msk_serverless_in_bytes: 0,
            msk_serverless_out_bytes: 0,
            msk_serverless_stored: (0, 0),
            msk_serverless_byte_ms: 0,
            monthly: MonthlyUnits::default(),
            month_starts: vec![MonthlyUnits::default()],
            elapsed_ms: 0,
            month_ms: ((prices.month_hours * HOUR as f64) as u64).max(1),
            prices,
        }
    }

    /// A meter billing at a scenario's prices (its `pricing` block).
    pub fn for_scenario(scenario: &Scenario) -> Self {
        CostMeter::new(PriceBook::new(&scenario.pricing))
    }

    /// A meter with the given pricing block.
    pub fn with_pricing(pricing: &Pricing) -> Self {
        CostMeter::new(PriceBook::new(pricing))
    }

    /// The prices this meter bills at.
    pub fn prices(&self) -> &PriceBook {
        &self.prices
    }

    /// The same usage billed with on-demand streams in another billing
    /// mode: a bill is a function of the meters and the prices alone.
    pub fn with_on_demand_pricing(&self, mode: OnDemandPricing) -> CostMeter {
        let mut meter = self.clone();
        meter.prices.on_demand = mode;
        meter
    }

    /// Advances the meter's clock by `dt`, closing hours and months as it
    /// passes their end (tiers and free tiers restart each month).
    pub fn advance(&mut self, dt: SimTime) {
        let month = self.month_ms;
        let hour = self.elapsed_ms / HOUR;
        self.elapsed_ms = self.elapsed_ms.saturating_add(dt);
        let closed = self.elapsed_ms / HOUR - hour;
        if closed > 0 {
            // Each closed hour's use below the Advantage minimum (aws-facts 2.2).
            let floor = ADVANTAGE_MIN_BYTES_PER_S * (HOUR / SECOND);
            let (used_in, used_out) = std::mem::take(&mut self.hour_on_demand);
            let idle = floor * (closed - 1);
            self.advantage_shortfall.0 += floor.saturating_sub(used_in) + idle;
            self.advantage_shortfall.1 += floor.saturating_sub(used_out) + idle;
        }
        while crate::wide::saturating_mul(self.month_starts.len() as u64, month) <= self.elapsed_ms
            && self.month_starts.len() < 1_000
        {
            self.month_starts.push(self.monthly);
        }
    }

    pub(crate) fn accrue(&mut self, dt: SimTime, streams: &[Stream]) {
        self.advance(dt);
        self.flink_kpu_ms += self.flink_kpus.0 * dt;
        self.flink_storage_kpu_ms += self.flink_kpus.1 * dt;
        for &(broker_type, brokers) in &self.msk_running.0 {
            self.msk_broker_ms[broker_type] += brokers * dt;
        }
        self.msk_storage_gib_ms += crate::wide::mul(self.msk_running.1, dt);
        self.msk_serverless_cluster_ms += self.msk_serverless_running.0 * dt;
        self.msk_serverless_partition_ms += self.msk_serverless_running.1 * dt;
        self.msk_serverless_byte_ms += crate::wide::mul(self.msk_serverless_stored.0, dt);
        for s in streams {
            let aged = s.aged_bytes;
            if s.is_on_demand() {
                self.on_demand_stream_ms += dt;
                self.on_demand_extended_byte_ms += crate::wide::mul(aged.extended, dt);
                self.on_demand_long_term_byte_ms += crate::wide::mul(aged.long_term, dt);
            } else {
                // Closed shards (after resharding) are not billed.
                let open = s.open.len() as u64;
                self.shard_ms += open * dt;
                self.efo_consumer_shard_ms += s.efo_readers as u64 * open * dt;
                if s.has_extended_retention() {
                    self.extended_retention_shard_ms += open * dt;
                }
                self.long_term_byte_ms += crate::wide::mul(aged.long_term, dt);
            }
        }
    }

    /// The Flink KPUs running from now on: `billed` with the orchestration
    /// KPUs, `with_storage` those that carry 50 GB of running application
    /// storage each (aws-facts-more 4.8).
    pub(crate) fn set_flink_kpus(&mut self, billed: u64, with_storage: u64) {
        self.flink_kpus = (billed, with_storage);
    }

    /// The MSK clusters running: their brokers by type and their
    /// provisioned storage, billed by time whatever is stored
    /// (aws-facts-more 1.9).
    pub(crate) fn set_msk_clusters(&mut self, clusters: &[crate::kinds::MskCluster]) {
        let mut brokers = vec![0; BrokerType::ALL.len()];
        let mut storage = 0;
        let mut serverless = (0, 0);
        for c in clusters {
            if c.spec.is_serverless() {
                // aws-facts-more 2.3: cluster-hours and partition-hours.
                serverless.0 += 1;
                serverless.1 += c.partitions.len() as u64;
                continue;
            }
            let i = BrokerType::ALL.iter().position(|&t| t == c.spec.broker_type).unwrap_or(0);
            brokers[i] += u64::from(c.spec.brokers);
            storage += u64::from(c.spec.brokers) * u64::from(c.spec.storage_gib_per_broker);
        }
        self.msk_broker_ms.resize(brokers.len(), 0);
        let running = brokers.into_iter().enumerate().filter(|&(_, n)| n > 0).collect();
        self.msk_running = (running, storage);
        self.msk_serverless_running = serverless;
    }

    /// A second of a provisioned MSK cluster's client traffic, bytes
    /// produced and read. Producers write to a partition's leader and
    /// consumers read from it; with clients spread evenly over the
    /// cluster's `zones` and leaders too, (zones − 1) / zones of the bytes
    /// cross a zone. Replication between brokers is free (aws-facts-more
    /// 1.9); client data transfer is billed at the assumed cross-AZ rate.
    pub(crate) fn msk_client_second(&mut self, bytes: u64, zones: u32) {
        let zones = u64::from(zones.max(1));
        self.msk_cross_az_sixths += bytes * 6 / zones * (zones - 1);
    }

    /// A second of an MSK Serverless cluster: bytes written by producers,
    /// bytes read, and what its topic stores at the end of the second
    /// (aws-facts-more 2.3).
    pub(crate) fn msk_serverless_second(&mut self, bytes_in: u64, bytes_out: u64, stored: u64) {
        self.msk_serverless_in_bytes += bytes_in;
        self.msk_serverless_out_bytes += bytes_out;
        self.msk_serverless_stored.1 += stored;
    }

    /// The stored bytes of every Serverless cluster this second become what
    /// is billed by time until the next.
    pub(crate) fn msk_serverless_stored_now(&mut self) {
        self.msk_serverless_stored.0 = std::mem::take(&mut self.msk_serverless_stored.1);
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
        self.hour_on_demand.0 += billed_bytes;
    }

    /// Bytes read from a stream by one consumer.
    pub(crate) fn read(&mut self, on_demand: bool, efo: bool, bytes: u64) {
        match (on_demand, efo) {
            (false, false) => {} // aws-facts 2.1: shared reads are free in provisioned mode.
            (false, true) => self.efo_bytes += bytes,
            (true, false) => self.on_demand_out_bytes += bytes,
            (true, true) => self.on_demand_efo_bytes += bytes,
        }
        if on_demand {
            self.hour_on_demand.1 += bytes;
        }
    }

    /// `records` Firehose records of `record_bytes` each ingested (Direct
    /// PUT or from a stream), format-converted or not (aws-facts 2.3).
    pub fn firehose_put(&mut self, records: u64, record_bytes: u64, converted: bool) {
        self.firehose_ingest(
            crate::wide::saturating_mul(records, firehose_billed_bytes(record_bytes)),
            converted,
        );
    }

    /// Firehose ingestion already rounded per record (see
    /// [`firehose_billed_bytes`]), format-converted or not.
    pub fn firehose_ingest(&mut self, billed: u64, converted: bool) {
        let m = &mut self.monthly;
        m.firehose_billed_bytes = m.firehose_billed_bytes.saturating_add(billed);
        if converted {
            m.firehose_conversion_bytes = m.firehose_conversion_bytes.saturating_add(billed);
        }
    }

    /// One SQS API call carrying `payload_bytes` in all (0 for an empty
    /// receive, which is billed too: aws-facts 2.4).
    pub fn sqs_request(&mut self, fifo: bool, payload_bytes: u64) {
        let n = sqs_billed_requests(payload_bytes);
        let m = &mut self.monthly;
        let count = if fifo { &mut m.sqs_fifo_requests } else { &mut m.sqs_standard_requests };
        *count = count.saturating_add(n);
    }

    /// SNS publishes a topic took: `requests` billed (each 64 KB chunk of a
    /// call, aws-facts-more 5.1, 5.5) carrying `bytes` of payload.
    pub fn sns_publish(&mut self, fifo: bool, requests: u64, bytes: u64) {
        let m = &mut self.monthly;
        if fifo {
            m.sns_fifo_requests = m.sns_fifo_requests.saturating_add(requests);
            m.sns_fifo_publish_bytes = m.sns_fifo_publish_bytes.saturating_add(bytes);
        } else {
            m.sns_requests = m.sns_requests.saturating_add(requests);
        }
    }

    /// `n` SNS notifications of `each` bytes an endpoint of `kind`
    /// accepted (aws-facts-more 5.5): free to SQS and Lambda from a
    /// standard topic, per notification (each 64 KB chunk) to Firehose and
    /// to HTTP/S endpoints; from a FIFO topic per subscription message and
    /// GB.
    pub fn sns_deliveries(&mut self, fifo: bool, kind: Delivered, n: u64, each: u64) {
        let m = &mut self.monthly;
        let chunks = crate::wide::saturating_mul(n, each.div_ceil(SQS_CHUNK_BYTES).max(1));
        match (fifo, kind) {
            (true, _) => {
                m.sns_fifo_deliveries = m.sns_fifo_deliveries.saturating_add(n);
                let bytes = crate::wide::saturating_mul(n, each);
                m.sns_fifo_delivery_bytes = m.sns_fifo_delivery_bytes.saturating_add(bytes);
            }
            (false, Delivered::Firehose) => {
                m.sns_firehose_deliveries = m.sns_firehose_deliveries.saturating_add(chunks);
            }
            (false, Delivered::Http) => {
                m.sns_http_deliveries = m.sns_http_deliveries.saturating_add(chunks);
            }
            (false, Delivered::Free) => {}
        }
    }

    /// SQS requests already counted call by call (see
    /// [`crate::kinds::queue::calls`]).
    pub fn sqs_requests(&mut self, fifo: bool, requests: u64) {
        let m = &mut self.monthly;
        let count = if fifo { &mut m.sqs_fifo_requests } else { &mut m.sqs_standard_requests };
        *count = count.saturating_add(requests);
    }

    /// `calls` SQS API calls carrying `payload_bytes` each (aws-facts 2.4).
    pub fn sqs_calls(&mut self, fifo: bool, calls: u64, payload_bytes: u64) {
        let n = crate::wide::saturating_mul(calls, sqs_billed_requests(payload_bytes));
        let m = &mut self.monthly;
        let count = if fifo { &mut m.sqs_fifo_requests } else { &mut m.sqs_standard_requests };
        *count = count.saturating_add(n);
    }

    /// One Lambda invocation of a function with `memory_mb` that ran
    /// `duration_us` (aws-facts 2.5).
    pub fn lambda_invoke(&mut self, arch: LambdaArch, memory_mb: u32, duration_us: u64) {
        let mb_ms = crate::wide::mul(u64::from(memory_mb), lambda_billed_ms(duration_us));
        let m = &mut self.monthly;
        m.lambda_requests = m.lambda_requests.saturating_add(1);
        let total = match arch {
            LambdaArch::X86 => &mut m.lambda_x86_mb_ms,
            LambdaArch::Arm => &mut m.lambda_arm_mb_ms,
        };
        *total = total.saturating_add(mb_ms);
    }

    /// Kinesis lines, each linear in its units. Under On-demand Advantage
    /// they include the commitment's shortfall so far, and with
    /// `rest_of_commitment` the minimum for the rest of the first 24 hours
    /// (what the bill of the run owes, but not a rate to project).
    fn hourly_lines(&self, rest_of_commitment: bool) -> Vec<CostItem> {
        let hours = |ms: u64| ms as f64 / HOUR as f64;
        let gb = |bytes: u64| bytes as f64 / GB;
        // GB-months over the scenario's month length (aws-facts 2.1, 2.2).
        let gb_months = |byte_ms: u128| byte_ms as f64 / GB / self.month_ms.max(1) as f64;
        // aws-facts 2.2: on-demand units at the account mode's prices.
        let advantage = self.prices.on_demand == OnDemandPricing::Advantage;
        let od = if advantage { "kds.on_demand_advantage" } else { "kds.on_demand" };
        let stored = (self.on_demand_extended_byte_ms, self.on_demand_long_term_byte_ms);
        let mut units: Vec<(String, f64)> = vec![
            (
                "kds.provisioned.extended_retention_shard_hour".into(),
                hours(self.extended_retention_shard_ms),
            ),
            (
                "kds.provisioned.long_term_retention_gb_month".into(),
                gb_months(self.long_term_byte_ms),
            ),
        ];
        if advantage {
            // One price from 24 hours to 365 days.
            units.push((format!("{od}.retention_gb_month"), gb_months(stored.0 + stored.1)));
        } else {
            units.push((format!("{od}.extended_retention_gb_month"), gb_months(stored.0)));
            units.push((format!("{od}.long_term_retention_gb_month"), gb_months(stored.1)));
        }
        units.extend([
            ("kds.provisioned.shard_hour".into(), hours(self.shard_ms)),
            ("kds.provisioned.put_payload_unit".into(), self.put_payload_units as f64),
            ("kds.provisioned.efo_consumer_shard_hour".into(), hours(self.efo_consumer_shard_ms)),
            ("kds.provisioned.efo_gb".into(), gb(self.efo_bytes)),
            (format!("{od}.stream_hour"), hours(self.on_demand_stream_ms)),
            (format!("{od}.gb_in"), gb(self.on_demand_in_bytes)),
            (format!("{od}.gb_out"), gb(self.on_demand_out_bytes)),
            (format!("{od}.efo_gb"), gb(self.on_demand_efo_bytes)),
            ("flink.kpu_hour".into(), hours(self.flink_kpu_ms)),
            // aws-facts-more 4.8: 50 GB per KPU, by the month.
            (
                "flink.running_storage_gb_month".into(),
                (self.flink_storage_kpu_ms * crate::kinds::flink::STORAGE_GB_PER_KPU) as f64
                    / self.month_ms.max(1) as f64,
            ),
        ]);
        // aws-facts-more 1.9: broker-hours by instance type, and provisioned
        // storage by the GB-month (a GiB provisioned billed as a GB).
        for (&t, &ms) in BrokerType::ALL.iter().zip(&self.msk_broker_ms) {
            units.push((t.price_key(), hours(ms)));
        }
        units.push((
            "msk.storage_gb_month".into(),
            self.msk_storage_gib_ms as f64 / self.month_ms.max(1) as f64,
        ));
        units.push(("msk.cross_az_client_gb".into(), self.msk_cross_az_sixths as f64 / 6.0 / GB));
        // aws-facts-more 2.3: MSK Serverless cluster-hours, partition-hours,
        // data in and out by the GB, and stored data by the GB-month.
        units.extend([
            ("msk_serverless.cluster_hour".into(), hours(self.msk_serverless_cluster_ms)),
            ("msk_serverless.partition_hour".into(), hours(self.msk_serverless_partition_ms)),
            ("msk_serverless.gb_in".into(), gb(self.msk_serverless_in_bytes)),
            ("msk_serverless.gb_out".into(), gb(self.msk_serverless_out_bytes)),
            ("msk_serverless.storage_gb_month".into(), gb_months(self.msk_serverless_byte_ms)),
        ]);
        let mut lines: Vec<CostItem> = units
            .into_iter()
            .filter(|&(_, units)| units > 0.0)
            .filter_map(|(key, units)| self.priced(&key, units))
            .collect();
        if advantage {
            let (short_in, short_out) = self.advantage_shortfall(rest_of_commitment);
            for (key, bytes, what) in [
                ("kds.on_demand_advantage.gb_in", short_in, "data in"),
                ("kds.on_demand_advantage.gb_out", short_out, "retrieval"),
            ] {
                if let Some(mut line) = self.priced(key, gb(bytes)).filter(|_| bytes > 0) {
                    line.item = format!("On-demand Advantage minimum, {what}");
                    lines.push(line);
                }
            }
        }
        lines
    }

    /// A line of `units` of an item at its price.
    fn priced(&self, key: &str, units: f64) -> Option<CostItem> {
        let unit_usd = self.prices.get(key)?.unit_usd;
        self.line(key, units, units * unit_usd)
    }

    /// Bytes of data in and of retrieval below the On-demand Advantage
    /// minimum (aws-facts 1.4, 2.2), hour by hour: the closed hours', and
    /// the current hour's so far; with `rest_of_commitment`, the current
    /// hour whole and the hours left of the first 24 as well.
    fn advantage_shortfall(&self, rest_of_commitment: bool) -> (u64, u64) {
        let floor = |ms: u64| ADVANTAGE_MIN_BYTES_PER_S * ms / SECOND;
        let into_hour = self.elapsed_ms % HOUR;
        let hour_start = self.elapsed_ms - into_hour;
        let committed = rest_of_commitment && hour_start < ADVANTAGE_MIN_COMMITMENT;
        let (this_hour, later) = if committed {
            (HOUR, ADVANTAGE_MIN_COMMITMENT.saturating_sub(hour_start + HOUR))
        } else {
            (into_hour, 0)
        };
        let (used_in, used_out) = self.hour_on_demand;
        let short =
            |closed: u64, used: u64| closed + floor(this_hour).saturating_sub(used) + floor(later);
        (short(self.advantage_shortfall.0, used_in), short(self.advantage_shortfall.1, used_out))
    }

    fn line(&self, key: &str, units: f64, usd: f64) -> Option<CostItem> {
        let p = self.prices.get(key)?;
        Some(CostItem {
            service: p.item.service.clone(),
            item: p.item.item.clone(),
            units,
            unit: p.item.unit.clone(),
            usd,
            key: key.to_string(),
            quoted_usd: p.quoted_usd,
            per: p.item.per,
        })
    }

    /// Lines of one month's use of the monthly-priced services: free
    /// allowances first (when the scenario turns them on), then tiers.
    fn month_lines(&self, used: [(&'static str, f64); METERS], out: &mut Vec<CostItem>) {
        let mut free_left: Vec<f64> = catalogue()
            .free_tier
            .iter()
            .map(|f| if self.prices.free_tier { f.units_per_month } else { 0.0 })
            .collect();
        for (meter, units) in used {
            if units <= 0.0 {
                continue;
            }
            let mut free = 0.0;
            for (i, f) in catalogue().free_tier.iter().enumerate() {
                if f.meters.iter().any(|m| m == meter) {
                    let take = free_left[i].min(units - free);
                    if take > 0.0 {
                        free += take;
                        free_left[i] -= take;
                        merge(
                            out,
                            CostItem {
                                service: f.service.clone(),
                                item: f.item.clone(),
                                units: take,
                                unit: f.unit.clone(),
                                usd: 0.0,
                                key: f.key.clone(),
                                quoted_usd: 0.0,
                                per: 1.0,
                            },
                        );
                    }
                }
            }
            for (price, units, usd) in self.prices.charge_month(meter, units, free) {
                if let Some(line) = self.line(&price.item.key, units, usd) {
                    merge(out, line);
                }
            }
        }
    }

    /// The bill so far, by line item; items with no usage are left out.
    pub fn items(&self) -> Vec<CostItem> {
        let mut out = self.hourly_lines(true);
        let mut starts = self.month_starts.iter().peekable();
        while let Some(start) = starts.next() {
            let end = starts.peek().copied().unwrap_or(&self.monthly);
            self.month_lines(end.since(start), &mut out);
        }
        out
    }

    /// Total so far in US dollars.
    pub fn total_usd(&self) -> f64 {
        self.items().iter().map(|i| i.usd).sum()
    }

    /// The monthly projection after `elapsed` of simulated time: the run's
    /// average hourly rate over the scenario's month length (MODEL.md, Cost).
    /// Linear items scale with time; monthly-priced units (tiers, free
    /// tiers) are projected to a month and then priced as one month.
    pub fn monthly_projection_usd(&self, elapsed: SimTime) -> f64 {
        let hours = elapsed as f64 / HOUR as f64;
        if hours <= 0.0 {
            return 0.0;
        }
        let month_hours = self.prices.month_hours;
        // The Advantage minimum is projected as the run paid it hour by hour;
        // the rest of a short run's first 24 hours is no rate.
        let linear: f64 = self.hourly_lines(false).iter().map(|l| l.usd).sum();
        let scale = month_hours / hours;
        let projected = self.monthly.since(&MonthlyUnits::default()).map(|(m, u)| (m, u * scale));
        let mut lines = Vec::new();
        self.month_lines(projected, &mut lines);
        let monthly: f64 = lines.iter().map(|l| l.usd).sum();
        if lines.is_empty() {
            linear / hours * month_hours
        } else {
            linear / hours * month_hours + monthly
        }
    }
}

/// Adds `line` to `out`, summing with an earlier line of the same key.
fn merge(out: &mut Vec<CostItem>, line: CostItem) {
    match out.iter_mut().find(|l| l.key == line.key) {
        Some(l) => {
            l.units += line.units;
            l.usd += line.usd;
        }
        None => out.push(line),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::pricing::OnDemandPricing;

    fn cents(usd: f64) -> f64 {
        (usd * 100.0).round() / 100.0
    }

    fn line<'a>(items: &'a [CostItem], key: &str) -> &'a CostItem {
        items.iter().find(|i| i.key == key).unwrap_or_else(|| panic!("no {key} in {items:?}"))
    }

    #[test]
    fn put_payload_units_follow_the_pricing_page_examples() {
        // aws-facts 2.1 ([KDS-PRICE-PAGE]): "a 5KB record contains one PUT
        // Payload Unit, a 45KB record contains two PUT Payload Units, and a
        // 1MB record contains 40" (1 MB read as 1,000,000 bytes, as the page's
        // 40 implies).
        assert_eq!(put_payload_units(5 * 1024), 1);
        assert_eq!(put_payload_units(45 * 1024), 2);
        assert_eq!(put_payload_units(1_000_000), 40);
        assert_eq!(put_payload_units(1), 1);
        assert_eq!(put_payload_units(25 * 1024), 1);
        assert_eq!(put_payload_units(25 * 1024 + 1), 2);
    }

    #[test]
    fn one_shard_for_a_730_hour_month_costs_10_95() {
        // aws-facts 2.1 ([INFRACOST] kinesis_stream_test.golden): $0.015 per
        // shard-hour; 730 h = $10.95.
        let meter = CostMeter { shard_ms: 730 * HOUR, ..Default::default() };
        assert!((meter.total_usd() - 10.95).abs() < 1e-9);
    }

    #[test]
    fn a_hundred_efo_consumer_shard_hours_cost_1_50() {
        // aws-facts 2.1 ([INFRACOST]): 100 consumer-shard-hours = $1.50.
        let meter = CostMeter { efo_consumer_shard_ms: 100 * HOUR, ..Default::default() };
        assert!((meter.total_usd() - 1.50).abs() < 1e-9);
    }

    #[test]
    fn on_demand_rounds_each_record_up_to_a_kib() {
        // aws-facts 2.2 ([KDS-PRICE-PAGE] key terms): each record is rounded
        // up to the nearest 1 KB (1,024 bytes); 4.5 KB -> 5 KB.
        assert_eq!(on_demand_billed_bytes(4 * 1024 + 512), 5 * 1024);
        assert_eq!(on_demand_billed_bytes(1), 1024);
        let mut meter = CostMeter::default();
        // 1,048,576 records of 100 bytes are billed as 1 GiB in.
        meter.on_demand_in(1_048_576 * on_demand_billed_bytes(100));
        let item = &meter.items()[0];
        assert_eq!((item.item.as_str(), item.units), ("On-demand data in", 1.0));
        assert!((item.usd - 0.08).abs() < 1e-12);
    }

    #[test]
    fn an_on_demand_stream_for_a_730_hour_month_costs_29_20() {
        // aws-facts 2.2 ([INFRACOST]): $0.04 per stream-hour; 730 h = $29.20.
        let meter = CostMeter { on_demand_stream_ms: 730 * HOUR, ..Default::default() };
        assert!((meter.total_usd() - 29.20).abs() < 1e-9);
    }

    fn advantage() -> CostMeter {
        let pricing =
            Pricing { kinesis_on_demand: OnDemandPricing::Advantage, ..Default::default() };
        CostMeter::with_pricing(&pricing)
    }

    /// An hour of on-demand use at `in_mib_s` in and `out_mib_s` out.
    fn hour_of_use(meter: &mut CostMeter, in_mib_s: u64, out_mib_s: u64) {
        meter.on_demand_in(in_mib_s * 1_048_576 * 3_600);
        meter.read(true, false, out_mib_s * 1_048_576 * 3_600);
        meter.on_demand_stream_ms += HOUR;
        meter.advance(HOUR);
    }

    #[test]
    fn aws_facts_2_2_advantage_prices_use_lower_and_without_stream_hours() {
        // aws-facts 2.2: under On-demand Advantage, no stream-hour charge,
        // $0.032 per GB in, $0.016 per GB retrieved; a day above the
        // 25 MiB/s minimum pays for its use only.
        let mut meter = advantage();
        for _ in 0..24 {
            hour_of_use(&mut meter, 100, 50);
        }
        let items = meter.items();
        let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "kds.on_demand_advantage.stream_hour",
                "kds.on_demand_advantage.gb_in",
                "kds.on_demand_advantage.gb_out"
            ]
        );
        let gb_in = 100.0 * 3_600.0 * 24.0 / 1_024.0;
        assert_eq!(line(&items, "kds.on_demand_advantage.stream_hour").usd, 0.0);
        assert!((meter.total_usd() - (gb_in * 0.032 + gb_in / 2.0 * 0.016)).abs() < 1e-9);
        // The same use priced as On-demand Standard, from the same meters.
        let standard = meter.with_on_demand_pricing(OnDemandPricing::Standard);
        let expected = 24.0 * 0.04 + gb_in * 0.08 + gb_in / 2.0 * 0.04;
        assert!((standard.total_usd() - expected).abs() < 1e-9);
    }

    #[test]
    fn aws_facts_2_2_advantage_bills_at_least_25_mib_s_for_24_hours_about_100_dollars_a_day() {
        // aws-facts 1.4, 2.2: the account commits to 25 MiB/s in and 25 MiB/s
        // out for at least 24 hours, billed "even when actual usage is
        // lower": about $100 a day. 25 MiB/s for an hour is 87.890625 GiB.
        let hour = 87.890625 * 0.032 + 87.890625 * 0.016; // $4.21875
        let mut meter = advantage();
        meter.advance(HOUR);
        assert!((meter.total_usd() - 24.0 * hour).abs() < 1e-9, "{}", meter.total_usd());
        assert_eq!(cents(meter.total_usd()), 101.25);
        // The projection bills the minimum every hour of the month.
        assert!((meter.monthly_projection_usd(HOUR) - 730.0 * hour).abs() < 1e-6);
        let names: Vec<String> = meter.items().into_iter().map(|i| i.item).collect();
        assert_eq!(
            names,
            ["On-demand Advantage minimum, data in", "On-demand Advantage minimum, retrieval"]
        );
        // Past 24 hours every hour pays its own minimum.
        meter.advance(47 * HOUR);
        assert!((meter.total_usd() - 48.0 * hour).abs() < 1e-9);
        // Standard has no minimum.
        assert_eq!(meter.with_on_demand_pricing(OnDemandPricing::Standard).total_usd(), 0.0);
    }

    #[test]
    fn aws_facts_2_2_the_advantage_minimum_applies_to_each_hour() {
        // A busy hour does not pay for an idle one: hour 1 at 50 MiB/s, hour
        // 2 idle, then the rest of the 24-hour commitment.
        let mut meter = advantage();
        hour_of_use(&mut meter, 50, 50);
        meter.advance(HOUR);
        let floor_gb = 87.890625;
        let items = meter.items();
        let short = |what: &str| {
            let name = format!("On-demand Advantage minimum, {what}");
            items.iter().find(|i| i.item == name).unwrap().units
        };
        assert!((short("data in") - 23.0 * floor_gb).abs() < 1e-9, "{}", short("data in"));
        assert!((short("retrieval") - 23.0 * floor_gb).abs() < 1e-9);
        assert_eq!(line(&items, "kds.on_demand_advantage.gb_in").units, 2.0 * floor_gb);
    }

    #[test]
    fn shared_reads_are_free_in_provisioned_mode() {
        // aws-facts 2.1: "Getting records from Amazon Kinesis stream is free".
        let mut meter = CostMeter::default();
        meter.read(false, false, 1 << 30);
        assert!(meter.items().is_empty());
        meter.read(false, true, 1 << 30);
        assert!((meter.total_usd() - 0.013).abs() < 1e-12);
    }

    #[test]
    fn firehose_rounds_each_record_up_to_5_kb() {
        // aws-facts 2.3 ([KDF-DG-2023] limits.md, pricing page): 3 KB is
        // billed as 5 KB, 12 KB as 15 KB, and a PutRecordBatch of two 1 KB
        // records as 10 KB (rounding is per record, not per call).
        assert_eq!(firehose_billed_bytes(3 * 1024), 5 * 1024);
        assert_eq!(firehose_billed_bytes(12 * 1024), 15 * 1024);
        let mut meter = CostMeter::default();
        meter.firehose_put(2, 1024, false);
        assert_eq!(meter.monthly.firehose_billed_bytes, 10 * 1024);
        // 1 GiB of 5 KB-rounded records at $0.029 per GB, the first tier.
        let mut meter = CostMeter::default();
        meter.firehose_put(209_716, 4_000, true); // 209,716 x 5,120 B ≈ 1.00000 GiB
        let items = meter.items();
        let ingest = line(&items, "firehose.ingest.tier1");
        assert!((ingest.units - 209_716.0 * 5_120.0 / GB).abs() < 1e-12);
        assert!((ingest.usd - ingest.units * 0.029).abs() < 1e-12);
        // Format conversion bills the same 5 KB-rounded GB (aws-facts 2.3).
        assert_eq!(line(&items, "firehose.format_conversion").units, ingest.units);
    }

    #[test]
    fn sqs_bills_each_64_kb_chunk_as_a_request() {
        // aws-facts 2.4 (SQS pricing page): a 256 KB payload is 4 requests;
        // an empty receive is billed as one.
        assert_eq!(sqs_billed_requests(256 * 1024), 4);
        assert_eq!(sqs_billed_requests(64 * 1024), 1);
        assert_eq!(sqs_billed_requests(64 * 1024 + 1), 2);
        assert_eq!(sqs_billed_requests(0), 1);
        // 2 million standard requests at $0.40 per million, and FIFO at $0.50.
        let mut meter = CostMeter::default();
        for _ in 0..500_000 {
            meter.sqs_request(false, 256 * 1024);
        }
        meter.sqs_request(true, 100);
        let items = meter.items();
        assert_eq!(line(&items, "sqs.standard.tier1").units, 2_000_000.0);
        assert_eq!(cents(line(&items, "sqs.standard.tier1").usd), 0.80);
        assert!((line(&items, "sqs.fifo.tier1").usd - 0.0000005).abs() < 1e-15);
    }

    #[test]
    fn sqs_free_tier_is_the_first_million_requests_a_month() {
        // aws-facts 2.4: the first 1 million requests per month are free.
        let pricing = Pricing { free_tier: true, ..Default::default() };
        let mut meter = CostMeter::with_pricing(&pricing);
        for _ in 0..1_500_000 {
            meter.sqs_request(false, 1_000);
        }
        let items = meter.items();
        assert_eq!(line(&items, "sqs.free_requests").units, 1_000_000.0);
        assert_eq!(line(&items, "sqs.standard.tier1").units, 500_000.0);
        assert_eq!(cents(meter.total_usd()), 0.20);
    }

    #[test]
    fn lambda_duration_is_rounded_up_to_a_millisecond() {
        // aws-facts 2.5 ([LAM-PRICE-PAGE]): duration rounded up to the
        // nearest 1 ms; GB-s = MB / 1,024 x s.
        assert_eq!(lambda_billed_ms(1), 1);
        assert_eq!(lambda_billed_ms(1_000), 1);
        assert_eq!(lambda_billed_ms(1_001), 2);
        assert_eq!(lambda_billed_ms(199_999), 200);
        let mut meter = CostMeter::default();
        meter.lambda_invoke(LambdaArch::X86, 1024, 999_001); // 999.001 ms -> 1 s
        meter.lambda_invoke(LambdaArch::Arm, 512, 2_000_000); // 2 s at 0.5 GB
        let items = meter.items();
        assert_eq!(line(&items, "lambda.duration.x86.tier1").units, 1.0);
        assert_eq!(line(&items, "lambda.duration.arm.tier1").units, 1.0);
        assert_eq!(line(&items, "lambda.requests").units, 2.0);
        assert_eq!(line(&items, "lambda.duration.arm.tier1").usd, 0.0000133334);
    }

    /// [LAM-PRICE-PAGE] (aws.amazon.com/lambda/pricing, example 1; aws-facts
    /// 2.5): 512 MB, 3 million invocations of 1 s "in one month", free tier
    /// deducted (400,000 GB-s and 1M requests). The page prices GB-s at the
    /// rounded $0.00001667: compute $18.34 + requests $0.40 = $18.74. The
    /// month length does not enter (a monthly count is given).
    fn lambda_example(memory_mb: u32, invocations: u64, duration_us: u64, gbs: f64) -> CostMeter {
        let pricing = Pricing {
            free_tier: true,
            overrides: BTreeMap::from([("lambda.duration.x86.tier1".into(), gbs)]),
            ..Default::default()
        };
        let mut meter = CostMeter::with_pricing(&pricing);
        for _ in 0..invocations {
            meter.lambda_invoke(LambdaArch::X86, memory_mb, duration_us);
        }
        meter
    }

    #[test]
    fn lambda_pricing_page_example_1_to_the_cent() {
        let meter = lambda_example(512, 3_000_000, 1_000_000, 0.00001667);
        let items = meter.items();
        assert_eq!(line(&items, "lambda.free_gb_seconds").units, 400_000.0);
        assert_eq!(line(&items, "lambda.duration.x86.tier1").units, 1_100_000.0);
        assert_eq!(cents(line(&items, "lambda.duration.x86.tier1").usd), 18.34);
        assert_eq!(cents(line(&items, "lambda.requests").usd), 0.40);
        assert_eq!(cents(meter.total_usd()), 18.74);
        // At the catalogue's unrounded $0.0000166667 the same month is $18.73.
        let catalogue = lambda_example(512, 3_000_000, 1_000_000, 0.0000166667);
        assert_eq!(cents(catalogue.total_usd()), 18.73);
    }

    #[test]
    fn lambda_pricing_page_example_2_to_the_cent() {
        // [LAM-PRICE-PAGE] example 2 (aws-facts 2.5): 128 MB, 30 million
        // invocations of 200 ms in one month, free tier deducted: 750,000 GB-s
        // - 400,000 = 350,000 x $0.00001667 = $5.83; 29M requests x $0.20/M =
        // $5.80; total $11.63.
        let meter = lambda_example(128, 30_000_000, 200_000, 0.00001667);
        let items = meter.items();
        assert_eq!(line(&items, "lambda.duration.x86.tier1").units, 350_000.0);
        assert_eq!(cents(line(&items, "lambda.duration.x86.tier1").usd), 5.83);
        assert_eq!(cents(line(&items, "lambda.requests").usd), 5.80);
        assert_eq!(cents(meter.total_usd()), 11.63);
    }

    #[test]
    fn monthly_tiers_and_free_tiers_restart_each_month() {
        // Two months of 1M Lambda requests with the free tier: both free.
        let pricing = Pricing { free_tier: true, ..Default::default() };
        let mut meter = CostMeter::with_pricing(&pricing);
        for month in 0..2 {
            for _ in 0..1_000_000 {
                meter.lambda_invoke(LambdaArch::Arm, 128, 1_000);
            }
            assert_eq!(meter.total_usd(), 0.0, "month {month}");
            meter.advance(730 * HOUR);
        }
        meter.lambda_invoke(LambdaArch::Arm, 128, 1_000);
        assert_eq!(meter.total_usd(), 0.0, "third month's first request");
    }

    #[test]
    fn the_projection_is_the_average_hourly_rate_over_the_chosen_month() {
        let meter = CostMeter { shard_ms: 2 * HOUR, ..Default::default() };
        // Two shard-hours in one hour: $0.03/h x 730 h.
        assert!((meter.monthly_projection_usd(HOUR) - 21.9).abs() < 1e-9);
        let pricing = Pricing { month_hours: 720.0, ..Default::default() };
        let meter = CostMeter { shard_ms: 2 * HOUR, ..CostMeter::with_pricing(&pricing) };
        assert!((meter.monthly_projection_usd(HOUR) - 21.6).abs() < 1e-9);
        assert_eq!(meter.monthly_projection_usd(0), 0.0);
    }

    #[test]
    fn the_projection_prices_a_projected_month_through_the_free_tier() {
        // 100,000 Lambda requests in one hour project to 73M a month; with
        // the free tier 72M are billed at $0.20 per million.
        let pricing = Pricing { free_tier: true, ..Default::default() };
        let mut meter = CostMeter::with_pricing(&pricing);
        for _ in 0..100_000 {
            meter.lambda_invoke(LambdaArch::X86, 128, 1);
        }
        meter.advance(HOUR);
        let requests = 72.0 * 0.20;
        let gbs = (73_000_000.0 * 0.125 * 0.001 - 400_000.0f64).max(0.0) * 0.0000166667;
        assert!((meter.monthly_projection_usd(HOUR) - (requests + gbs)).abs() < 1e-9);
    }
}
