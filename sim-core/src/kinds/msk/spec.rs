//! An Amazon MSK provisioned cluster's spec: its part of the scenario
//! document (data, read by validation and the engine; see
//! [`crate::scenario`]).

use serde::{Deserialize, Serialize};

/// An Amazon MSK provisioned cluster with Standard brokers, one topic and
/// one consumer group reading it (aws-facts-more 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MskSpec {
    /// Provisioned (brokers you size) or Serverless (no brokers: per-partition
    /// and per-cluster quotas, aws-facts-more 2). Left out of a document
    /// when provisioned, so provisioned clusters read and write as before.
    #[serde(skip_serializing_if = "ClusterType::is_provisioned")]
    pub cluster_type: ClusterType,
    /// The broker instance type (aws-facts-more 1.1); not used by a
    /// Serverless cluster.
    pub broker_type: BrokerType,
    /// Brokers in the cluster: at least one per Availability Zone, spread
    /// evenly (aws-facts-more 1.1).
    pub brokers: u32,
    /// Availability Zones the brokers spread over: 2 or 3 (aws-facts-more 1.1).
    pub availability_zones: u32,
    /// EBS storage per broker, in GiB (aws-facts-more 1.3: 1 to 16,384).
    pub storage_gib_per_broker: u32,
    /// Client bytes a broker takes per second as partition leader, in MB/s,
    /// at replication factor 3; absent, the broker type's assumed figure
    /// (AWS documents no figure per Standard size: aws-facts-more 1.1, 7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_mb_per_s_per_broker: Option<f64>,
    /// The topic's partitions (aws-facts-more 1.5).
    pub partitions: u32,
    /// The topic's replication factor (aws-facts-more 1.4: MSK's default
    /// is 3 for 3-AZ clusters).
    pub replication_factor: u32,
    /// The topic's `retention.ms`, in hours (aws-facts-more 1.6: 7 days by
    /// default).
    pub retention_hours: u32,
    /// The producers' `delivery.timeout.ms` (aws-facts-more 1.4: 120,000):
    /// a record not acknowledged by then is lost.
    pub delivery_timeout_ms: u64,
    /// The consumer group reading the topic.
    pub consumer_group: ConsumerGroup,
    /// Seconds a failed broker's partitions take no writes and serve no
    /// reads before a follower leads them. An assumption: AWS documents no
    /// figure (MODEL.md). Left out of a document at its default.
    #[serde(skip_serializing_if = "is_default_election")]
    pub leader_election_s: u32,
}

/// The assumed leader-election pause after a broker failure, in seconds
/// (no AWS or Kafka figure in aws-facts-more; MODEL.md).
pub const DEFAULT_LEADER_ELECTION_S: u32 = 10;

fn is_default_election(s: &u32) -> bool {
    *s == DEFAULT_LEADER_ELECTION_S
}

/// aws-facts-more 1.5: Kafka's consumer `session.timeout.ms` default, 45 s.
pub const DEFAULT_SESSION_TIMEOUT_MS: u64 = 45_000;

/// aws-facts-more 1.5: Kafka's consumer `auto.commit.interval.ms` default, 5 s.
pub const DEFAULT_AUTO_COMMIT_INTERVAL_MS: u64 = 5_000;

fn is_default_session(ms: &u64) -> bool {
    *ms == DEFAULT_SESSION_TIMEOUT_MS
}

fn is_default_commit(ms: &u64) -> bool {
    *ms == DEFAULT_AUTO_COMMIT_INTERVAL_MS
}

/// A Kafka consumer group: each partition is read by one consumer of the
/// group at most (aws-facts-more 1.5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsumerGroup {
    /// Consumer instances in the group (0: nobody reads).
    pub consumers: u32,
    /// Records one consumer processes per second: the application's own
    /// speed, not an AWS figure.
    pub records_per_s_per_consumer: f64,
    /// `session.timeout.ms`: how long a consumer that stopped sending
    /// heartbeats keeps its partitions before the group rebalances
    /// (aws-facts-more 1.5: 45 s by default). Left out at its default.
    #[serde(skip_serializing_if = "is_default_session")]
    pub session_timeout_ms: u64,
    /// `auto.commit.interval.ms`: how often consumers commit their offsets
    /// (aws-facts-more 1.5: 5 s by default); a crashed consumer's successor
    /// re-processes what it read since. Left out at its default.
    #[serde(skip_serializing_if = "is_default_commit")]
    pub auto_commit_interval_ms: u64,
}

impl Default for ConsumerGroup {
    fn default() -> Self {
        ConsumerGroup {
            consumers: 3,
            records_per_s_per_consumer: 1_000.0,
            session_timeout_ms: DEFAULT_SESSION_TIMEOUT_MS,
            auto_commit_interval_ms: DEFAULT_AUTO_COMMIT_INTERVAL_MS,
        }
    }
}

impl Default for MskSpec {
    fn default() -> Self {
        MskSpec {
            cluster_type: ClusterType::Provisioned,
            broker_type: BrokerType::M5Large,
            brokers: 3,
            availability_zones: 3,
            storage_gib_per_broker: 100,
            ingress_mb_per_s_per_broker: None,
            partitions: 6,
            replication_factor: 3,
            retention_hours: 168,
            delivery_timeout_ms: 120_000,
            consumer_group: ConsumerGroup::default(),
            leader_election_s: DEFAULT_LEADER_ELECTION_S,
        }
    }
}

/// How an MSK cluster's capacity is had.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterType {
    /// Brokers of an instance type, with EBS storage (aws-facts-more 1).
    #[default]
    Provisioned,
    /// MSK Serverless: no brokers to size; throughput, partitions and
    /// message size bounded by the quotas of aws-facts-more 2.1.
    Serverless,
}

impl ClusterType {
    /// Whether it is the provisioned type (the default).
    pub fn is_provisioned(&self) -> bool {
        *self == ClusterType::Provisioned
    }

    /// The name a document uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterType::Provisioned => "provisioned",
            ClusterType::Serverless => "serverless",
        }
    }
}

/// Standard broker instance types (aws-facts-more 1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BrokerType {
    /// `kafka.t3.small`.
    #[serde(rename = "kafka.t3.small")]
    T3Small,
    /// `kafka.m5.large`.
    #[serde(rename = "kafka.m5.large")]
    M5Large,
    /// `kafka.m5.xlarge`.
    #[serde(rename = "kafka.m5.xlarge")]
    M5Xlarge,
    /// `kafka.m5.2xlarge`.
    #[serde(rename = "kafka.m5.2xlarge")]
    M5X2,
    /// `kafka.m5.4xlarge`.
    #[serde(rename = "kafka.m5.4xlarge")]
    M5X4,
    /// `kafka.m5.8xlarge`.
    #[serde(rename = "kafka.m5.8xlarge")]
    M5X8,
    /// `kafka.m5.12xlarge`.
    #[serde(rename = "kafka.m5.12xlarge")]
    M5X12,
    /// `kafka.m5.16xlarge`.
    #[serde(rename = "kafka.m5.16xlarge")]
    M5X16,
    /// `kafka.m5.24xlarge`.
    #[serde(rename = "kafka.m5.24xlarge")]
    M5X24,
    /// `kafka.m7g.large`.
    #[serde(rename = "kafka.m7g.large")]
    M7gLarge,
    /// `kafka.m7g.xlarge`.
    #[serde(rename = "kafka.m7g.xlarge")]
    M7gXlarge,
    /// `kafka.m7g.2xlarge`.
    #[serde(rename = "kafka.m7g.2xlarge")]
    M7gX2,
    /// `kafka.m7g.4xlarge`.
    #[serde(rename = "kafka.m7g.4xlarge")]
    M7gX4,
    /// `kafka.m7g.8xlarge`.
    #[serde(rename = "kafka.m7g.8xlarge")]
    M7gX8,
    /// `kafka.m7g.12xlarge`.
    #[serde(rename = "kafka.m7g.12xlarge")]
    M7gX12,
    /// `kafka.m7g.16xlarge`.
    #[serde(rename = "kafka.m7g.16xlarge")]
    M7gX16,
}

/// aws-facts-more 1.1: "153.8 MBps on the equivalent Standard broker"
/// (kafka.m7g.16xlarge), the only per-broker figure AWS gives.
pub const M7G_16XLARGE_MB_PER_S: f64 = 153.8;

impl BrokerType {
    /// Every type, in the order of the price catalogue.
    pub const ALL: [BrokerType; 16] = [
        BrokerType::T3Small,
        BrokerType::M5Large,
        BrokerType::M5Xlarge,
        BrokerType::M5X2,
        BrokerType::M5X4,
        BrokerType::M5X8,
        BrokerType::M5X12,
        BrokerType::M5X16,
        BrokerType::M5X24,
        BrokerType::M7gLarge,
        BrokerType::M7gXlarge,
        BrokerType::M7gX2,
        BrokerType::M7gX4,
        BrokerType::M7gX8,
        BrokerType::M7gX12,
        BrokerType::M7gX16,
    ];

    /// The name AWS gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            BrokerType::T3Small => "kafka.t3.small",
            BrokerType::M5Large => "kafka.m5.large",
            BrokerType::M5Xlarge => "kafka.m5.xlarge",
            BrokerType::M5X2 => "kafka.m5.2xlarge",
            BrokerType::M5X4 => "kafka.m5.4xlarge",
            BrokerType::M5X8 => "kafka.m5.8xlarge",
            BrokerType::M5X12 => "kafka.m5.12xlarge",
            BrokerType::M5X16 => "kafka.m5.16xlarge",
            BrokerType::M5X24 => "kafka.m5.24xlarge",
            BrokerType::M7gLarge => "kafka.m7g.large",
            BrokerType::M7gXlarge => "kafka.m7g.xlarge",
            BrokerType::M7gX2 => "kafka.m7g.2xlarge",
            BrokerType::M7gX4 => "kafka.m7g.4xlarge",
            BrokerType::M7gX8 => "kafka.m7g.8xlarge",
            BrokerType::M7gX12 => "kafka.m7g.12xlarge",
            BrokerType::M7gX16 => "kafka.m7g.16xlarge",
        }
    }

    /// Its size in xlarge units (large is half an xlarge, 16xlarge 16; a
    /// t3.small is taken as half a large).
    pub fn xlarge_units(self) -> f64 {
        match self {
            BrokerType::T3Small => 0.25,
            BrokerType::M5Large | BrokerType::M7gLarge => 0.5,
            BrokerType::M5Xlarge | BrokerType::M7gXlarge => 1.0,
            BrokerType::M5X2 | BrokerType::M7gX2 => 2.0,
            BrokerType::M5X4 | BrokerType::M7gX4 => 4.0,
            BrokerType::M5X8 | BrokerType::M7gX8 => 8.0,
            BrokerType::M5X12 | BrokerType::M7gX12 => 12.0,
            BrokerType::M5X16 | BrokerType::M7gX16 => 16.0,
            BrokerType::M5X24 => 24.0,
        }
    }

    /// The assumed client ingress a broker of this type takes, in MB/s:
    /// AWS's one Standard figure (153.8 MBps for m7g.16xlarge,
    /// aws-facts-more 1.1) scaled linearly by size, as the Express table
    /// of the same page scales (aws-facts-more 1.2); m5 as m7g. An
    /// assumption (aws-facts-more 7): override it per cluster.
    pub fn assumed_ingress_mb_per_s(self) -> f64 {
        M7G_16XLARGE_MB_PER_S * self.xlarge_units() / 16.0
    }

    /// Its price catalogue key (aws-facts-more 1.9).
    pub fn price_key(self) -> String {
        format!("msk.broker_hour.{}", self.as_str())
    }
}

impl MskSpec {
    /// Whether it is an MSK Serverless cluster.
    pub fn is_serverless(&self) -> bool {
        self.cluster_type == ClusterType::Serverless
    }

    /// The client ingress a broker takes as leader, in MB/s.
    pub fn ingress_mb_per_s(&self) -> f64 {
        self.ingress_mb_per_s_per_broker
            .unwrap_or_else(|| self.broker_type.assumed_ingress_mb_per_s())
    }

    /// Bytes a broker writes per second, replicas included: the ingress
    /// figure is at replication factor 3 (MSK's default, aws-facts-more
    /// 1.4), when each broker also writes two followers' copies.
    pub fn broker_write_bytes_per_s(&self) -> u64 {
        (self.ingress_mb_per_s() * 1e6 * f64::from(DEFAULT_REPLICATION)) as u64
    }
}

/// aws-facts-more 1.4: `default.replication.factor` 3 on 3-AZ clusters.
pub const DEFAULT_REPLICATION: u32 = 3;

/// MSK Serverless's quotas (aws-facts-more 2.1), here with the data so
/// validation reads them; the engine applies them (`serverless.rs`). A
/// quota in "MBps" is taken as 10^6 bytes a second.
pub mod serverless_quotas {
    /// aws-facts-more 2.1: max ingress per partition, 5 MBps.
    pub const PARTITION_INGRESS_BYTES_PER_S: u64 = 5_000_000;
    /// aws-facts-more 2.1: max egress per partition, 10 MBps.
    pub const PARTITION_EGRESS_BYTES_PER_S: u64 = 10_000_000;
    /// aws-facts-more 2.1: max ingress per cluster, 200 MBps.
    pub const CLUSTER_INGRESS_BYTES_PER_S: u64 = 200_000_000;
    /// aws-facts-more 2.1: max egress per cluster, 400 MBps.
    pub const CLUSTER_EGRESS_BYTES_PER_S: u64 = 400_000_000;
    /// aws-facts-more 2.1: max partitions (leaders) per cluster, 2,400 for
    /// non-compacted topics (the simulator's topics are not compacted).
    pub const MAX_PARTITIONS: u32 = 2_400;
    /// aws-facts-more 2.1, 2.2: max message size 8 MiB (`max.message.bytes`
    /// at most 8,388,608).
    pub const MAX_MESSAGE_BYTES: u64 = 8_388_608;
}
