//! A Kinesis data stream's parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::{Param, json};
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    Param::new("capacity", "Provisioned: you choose the shards. On-demand: AWS adds them as traffic grows, billed per GB."),
    // aws-facts 1.6: UpdateShardCount caps a stream at 10,000 shards by default.
    Param::new("capacity.shards", "Each shard takes 1 MiB/s or 1,000 records/s of writes and serves 2 MiB/s of reads.").range(1.0, 10_000.0, "shards"),
    // aws-facts 1.4: on-demand splits a hot shard "within 15 minutes".
    Param::new("capacity.scale_up_delay_s", "How long a shard must take over 500 KB/s before on-demand splits it, at once into as many shards as its writes need (AWS: within 15 minutes; the exact rule is the simulator's assumption).").range(60.0, 900.0, "s"),
    // aws-facts 1.1: MaxRecordSizeInKiB is 1,024 (the default) to 10,240.
    Param::new("max_record_size_kib", "MaxRecordSizeInKiB: the largest data blob the stream takes (1,024 by default, up to 10,240). A record larger than a second of a shard's 1 MiB/s is taken as a burst when the shard has capacity left and repaid at 1 MiB/s (the simulator's reading of AWS's \"tank that refills at a steady rate\"); keep large records rare.").range(1_024.0, 10_240.0, "KiB"),
    // aws-facts 1.6: UpdateShardCount targets at most 10,000 shards.
    Param::unexplained("target").range(1.0, 10_000.0, "shards"),
    // aws-facts 1.4: warm throughput up to 10 GiB/s.
    Param::new("capacity.warm_throughput_mib_s", "On-demand Advantage only: write throughput the stream takes at once from the start (1 MiB/s per shard, up to 10 GiB/s, no extra fee); it still scales beyond.").range(1.0, 10_240.0, "MiB/s"),
    // aws-facts 1.3: retention is 24 to 8,760 hours.
    Param::new("retention_h", "How long records stay readable (24 h included; longer is billed per shard-hour). \
             Older records are kept in coarser buckets (minutes, hours, days), read and \
             expired as if spread evenly within each.").range(24.0, 8_760.0, "h"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![("max_record_size_kib", json(crate::scenario::DEFAULT_MAX_RECORD_SIZE_KIB))]
}
