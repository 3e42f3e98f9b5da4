//! An MSK cluster's parameters: one row per path inside its `params` (see
//! [`crate::kinds::params`]).

use crate::kinds::params::{Param, json};
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    // aws-facts-more 2.1, 2.3.
    Param::new("cluster_type", "provisioned: brokers you size and pay by the hour. serverless (MSK Serverless): no brokers; each partition takes 5 MB/s in and 10 MB/s out, the cluster 200 MB/s in and 400 MB/s out; past a quota producers and consumers are slowed down, never refused. Billed by cluster-hour, partition-hour, GB in and out and GB-month stored; at most 2,400 partitions and 8 MiB messages. The broker fields do not apply to it, and are hidden."),
    Param::new("broker_type", "Broker instance type: its hourly price, and (an assumption: AWS gives no figure per Standard size) its throughput, 153.8 MB/s for kafka.m7g.16xlarge scaled by size.").unless("cluster_type", "serverless"),
    // aws-facts-more 1.1: 30 per ZooKeeper cluster, 60 per KRaft cluster.
    Param::new("brokers", "Brokers in the cluster, spread evenly over the Availability Zones (a multiple of them). Partitions' leaders and replicas are placed round-robin over them.").range(1.0, 60.0, "brokers").unless("cluster_type", "serverless"),
    // aws-facts-more 1.1: 2 or 3 AZ subnets.
    Param::new("availability_zones", "Availability Zones (2 or 3); at least one broker in each. Clients and partition leaders are taken as spread evenly over them, so (zones − 1) / zones of client bytes cross a zone, billed at an assumed $0.02 per GB (AWS documents standard data-transfer charges only).").range(2.0, 3.0, "AZs").unless("cluster_type", "serverless"),
    // aws-facts-more 1.3: 1 GiB to 16,384 GiB per broker.
    Param::new("storage_gib_per_broker", "EBS storage per broker, billed as provisioned whether used or not. A full disk takes no more writes (alarm at 85%).").range(1.0, 16_384.0, "GiB").unless("cluster_type", "serverless"),
    // Simulator bound: the assumption's override (aws-facts-more 7).
    Param::new("ingress_mb_per_s_per_broker", "Override of the assumed client ingress a broker takes as leader at replication factor 3. A broker writes three times this (its followers' copies included); past it producers wait (Kafka delays, it does not refuse).").range(0.1, 10_000.0, "MB/s").unless("cluster_type", "serverless"),
    // Simulator bound; aws-facts-more 1.1 recommends up to 4,000 per broker.
    Param::new("partitions", "The topic's partitions: a keyed record goes to murmur2(key) mod partitions; a partition is read by one consumer of the group at most. Partitions can be added, never removed. Serverless: at most 2,400, each billed by the hour and capped at 5 MB/s in.").range(1.0, 10_000.0, "partitions"),
    // aws-facts-more 1.4: 3 by default on 3-AZ clusters; at most the broker count.
    Param::new("replication_factor", "Copies of each partition on distinct brokers (3 by default). Each produced byte is written this many times; acks=all waits for every copy.").range(1.0, 60.0, "replicas").unless("cluster_type", "serverless"),
    // aws-facts-more 1.6: 7 days by default; -1 (unlimited) is not offered.
    Param::new("retention_hours", "retention.ms, in hours: segments whose newest record is older are deleted, read or not (7 days by default; Serverless too, with no upper limit).").range(1.0, 87_600.0, "h"),
    // aws-facts-more 1.4: delivery.timeout.ms 120,000 by default.
    Param::new("delivery_timeout_ms", "delivery.timeout.ms: a record the cluster has not acknowledged by then is lost to the producer (120 s by default).").range(1_000.0, 86_400_000.0, "ms"),
    Param::new("consumer_group", "The consumer group reading the topic: partitions are shared out, one consumer each at most."),
    // Simulator bound.
    Param::new("consumer_group.consumers", "Consumers in the group; those beyond the partition count get no partition and idle.").range(0.0, 10_000.0, "consumers"),
    // Simulator bound: the application's own speed.
    Param::new("consumer_group.records_per_s_per_consumer", "Records one consumer processes per second (your code's speed, not an AWS figure).").range(0.0, 10_000_000.0, "records/s"),
    // aws-facts-more 1.5: Kafka's consumer default, 45 s.
    Param::new("consumer_group.session_timeout_ms", "session.timeout.ms: a consumer that stops sending heartbeats (it crashed) keeps its partitions this long; then the group rebalances and the others take them (45 s by default). Until then nobody reads them.").range(1_000.0, 1_800_000.0, "ms"),
    // aws-facts-more 1.5: Kafka's consumer default, 5 s.
    Param::new("consumer_group.auto_commit_interval_ms", "auto.commit.interval.ms: how often consumers commit their offsets (5 s by default). After a crash, whoever takes its partitions starts from the last commit: the records read since are processed twice (duplicates).").range(1_000.0, 3_600_000.0, "ms"),
    // Simulator bound; an assumption (MODEL.md): AWS documents no figure.
    Param::new("leader_election_s", "After a broker fails, the seconds its partitions take no writes and serve no reads until a follower leads them. An assumption (AWS documents no figure): Kafka first has to notice the broker is gone, then elects new leaders.").range(0.0, 300.0, "s").unless("cluster_type", "serverless"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![
        ("cluster_type", json(crate::scenario::ClusterType::Provisioned)),
        ("ingress_mb_per_s_per_broker", Value::Null),
    ]
}
