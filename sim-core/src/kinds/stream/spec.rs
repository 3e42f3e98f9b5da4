//! A Kinesis data stream's spec: its part of the scenario document (data, read by
//! validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

/// A Kinesis Data Stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StreamSpec {
    /// Capacity mode.
    pub capacity: Capacity,
    /// Retention period in hours (aws-facts 1.3: 24 to 8,760).
    pub retention_h: u32,
    /// The largest data blob the stream accepts, in KiB (aws-facts 1.1:
    /// `MaxRecordSizeInKiB`, 1,024 by default, up to 10,240).
    #[serde(skip_serializing_if = "is_default_record_size")]
    pub max_record_size_kib: u32,
}

/// aws-facts 1.1: streams accept 1 MiB records unless raised.
pub const DEFAULT_MAX_RECORD_SIZE_KIB: u32 = 1_024;

fn is_default_record_size(kib: &u32) -> bool {
    *kib == DEFAULT_MAX_RECORD_SIZE_KIB
}

impl StreamSpec {
    /// The largest data blob a record may have, in bytes.
    pub fn max_record_bytes(&self) -> u64 {
        u64::from(self.max_record_size_kib) * 1_024
    }
}

impl Default for StreamSpec {
    fn default() -> Self {
        StreamSpec {
            capacity: Capacity::Provisioned { shards: 2 },
            retention_h: 24,
            max_record_size_kib: DEFAULT_MAX_RECORD_SIZE_KIB,
        }
    }
}

/// Capacity mode of a stream (aws-facts 1.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum Capacity {
    /// A fixed number of shards, each with its own limits.
    Provisioned {
        /// Number of open shards at the start.
        shards: u32,
    },
    /// AWS adds shards as traffic grows; billed per stream-hour and per GB.
    OnDemand {
        /// How long a shard must take more than 500 KB/s before AWS splits
        /// it ("within 15 minutes", aws-facts 1.4).
        #[serde(default = "default_scale_up_delay_s")]
        scale_up_delay_s: u64,
        /// Write throughput the stream takes at once from the start, up to
        /// 10 GiB/s (On-demand Advantage's warm throughput, aws-facts 1.4).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warm_throughput_mib_s: Option<u32>,
    },
}

impl Capacity {
    /// Whether AWS manages the shards (on-demand mode).
    pub fn is_on_demand(&self) -> bool {
        matches!(self, Capacity::OnDemand { .. })
    }

    /// On demand with AWS's defaults: splits after 15 minutes, no warm
    /// throughput.
    pub fn on_demand() -> Self {
        Capacity::OnDemand {
            scale_up_delay_s: default_scale_up_delay_s(),
            warm_throughput_mib_s: None,
        }
    }
}

fn default_scale_up_delay_s() -> u64 {
    900
}
