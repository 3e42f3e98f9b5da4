//! An MSK cluster's validation: the rules of its parameters beyond their
//! ranges, and a scheduled fault against its parameters. Called by
//! `validate/mod.rs`.

use crate::kinds::msk::spec::serverless_quotas::MAX_PARTITIONS;
use crate::kinds::params::param_range;
use crate::scenario::{Fault, MskSpec, NodeKind, ProducerSpec, ReadMode};
use crate::units::format_number;
use crate::validate::{CheckKind, Checker, Wiring};

/// An MSK cluster's rules beyond ranges.
pub(crate) fn check_params(check: &mut Checker<'_>, path: &str, m: &MskSpec) {
    if m.is_serverless() {
        // aws-facts-more 2.1: at most 2,400 partitions (leaders) per
        // Serverless cluster for non-compacted topics; more fail with
        // INVALID_REQUEST. Its brokers are AWS's: their fields do not apply.
        let most = MAX_PARTITIONS;
        if m.partitions > most {
            check.push(
                format!("{path}.partitions"),
                format!(
                    "{} is out of range for MSK Serverless; allowed 1 to {} partitions per cluster",
                    format_number(f64::from(m.partitions)),
                    format_number(f64::from(most))
                ),
            );
        }
        return;
    }

    // aws-facts-more 1.1: brokers spread evenly over the AZs, one each at least.
    if m.availability_zones > 0 && !m.brokers.is_multiple_of(m.availability_zones) {
        check.push(
            format!("{path}.brokers"),
            format!(
                "{} brokers do not spread evenly over {} Availability Zones; use a multiple of {}",
                m.brokers, m.availability_zones, m.availability_zones
            ),
        );
    }

    // aws-facts-more 1.4: each replica on a distinct broker.
    if m.replication_factor > m.brokers {
        check.push(
            format!("{path}.replication_factor"),
            format!(
                "{} is out of range; allowed 1 to {} (the broker count: each replica on its own \
                 broker)",
                m.replication_factor, m.brokers
            ),
        );
    }
}

/// A scheduled MSK fault against its cluster's parameters, as the engine
/// would refuse it (aws-facts-more 1.1, 1.5). The schedule is checked
/// against the cluster as configured: an earlier scheduled change (more
/// partitions, say) is not taken into account, so ask for each from the
/// configured values up.
pub(crate) fn check_fault(
    check: &mut Checker<'_>,
    path: &str,
    id: &str,
    fault: &Fault,
    m: &MskSpec,
) {
    let brokers_only = matches!(fault, Fault::BrokerFailure { .. } | Fault::AddBrokers { .. });
    if brokers_only && m.is_serverless() {
        check.push(
            format!("{path}.op.kind"),
            format!(
                "{id:?} is an MSK Serverless cluster: its brokers are AWS's, none to fail or add"
            ),
        );
        return;
    }
    match *fault {
        Fault::BrokerFailure { broker, .. } if broker >= m.brokers => check.push(
            format!("{path}.op.broker"),
            format!(
                "{broker} is out of range; {id:?} has brokers 0 to {}",
                m.brokers.saturating_sub(1)
            ),
        ),
        Fault::AddPartitions { partitions } if partitions <= m.partitions => check.push(
            format!("{path}.op.partitions"),
            format!(
                "{partitions} is not more than the topic's {} partitions; Kafka only adds \
                 partitions",
                m.partitions
            ),
        ),
        Fault::AddPartitions { partitions } => {
            let most = if m.is_serverless() {
                MAX_PARTITIONS
            } else {
                param_range(NodeKind::MskCluster, "partitions").map_or(u32::MAX, |r| r.max as u32)
            };
            check.range(
                &format!("{path}.op.partitions"),
                f64::from(partitions),
                1.0,
                f64::from(most),
                "partitions",
            );
        }
        Fault::AddBrokers { brokers } if brokers <= m.brokers => check.push(
            format!("{path}.op.brokers"),
            format!("{brokers} is not more than the cluster's {} brokers", m.brokers),
        ),
        Fault::AddBrokers { brokers }
            if m.availability_zones > 0 && !brokers.is_multiple_of(m.availability_zones) =>
        {
            check.push(
                format!("{path}.op.brokers"),
                format!(
                    "{brokers} brokers do not spread evenly over {} Availability Zones; use a \
                     multiple of {}",
                    m.availability_zones, m.availability_zones
                ),
            )
        }
        Fault::AddBrokers { brokers } => {
            check.param_at(
                NodeKind::MskCluster,
                &format!("{path}.op.brokers"),
                "brokers",
                f64::from(brokers),
            );
        }
        Fault::CrashConsumer { consumer } if consumer >= m.consumer_group.consumers => check.push(
            format!("{path}.op.consumer"),
            format!(
                "{consumer} is out of range; {id:?} has {} consumers",
                m.consumer_group.consumers
            ),
        ),
        _ => {}
    }
}

impl CheckKind for MskSpec {
    fn check_params(&self, check: &mut Checker<'_>, path: &str) {
        check_params(check, path, self);
    }

    fn check_wiring(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn unwired(&self, _: &str) -> Option<String> {
        None
    }

    fn check_fault(&self, check: &mut Checker<'_>, path: &str, id: &str, fault: &Fault) {
        check_fault(check, path, id, fault, self);
    }

    fn check_wired_settings(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn stream_read_mode(&self) -> Option<ReadMode> {
        None
    }

    fn check_producer_records(&self, _: &mut Checker<'_>, _: usize, _: &ProducerSpec, _: &str) {}
}
