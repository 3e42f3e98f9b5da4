//! MSK Serverless (aws-facts-more 2): no brokers to size; the cluster's
//! throughput is bounded by quotas per partition and per cluster, and a
//! client over a throughput quota is slowed down ("slowdown with throttle
//! duration in response", aws-facts-more 2.1), never refused. Limits that
//! are configuration (partitions, message size) are refused by validation
//! instead, as AWS fails those requests with INVALID_REQUEST.
//!
//! A quota in "MBps" is taken as 10^6 bytes a second, as the provisioned
//! model's broker figures are (AWS does not say MB or MiB).

pub use super::spec::serverless_quotas::*;

/// Shares a quota among demands: each gets its demand capped at `each`,
/// then all are scaled down together when their sum passes `total`
/// (a cluster quota slows every client alike). Integer bytes, never more
/// than asked, never more than the quotas.
pub fn share(demands: &[u64], each: u64, total: u64) -> Vec<u64> {
    let capped: Vec<u64> = demands.iter().map(|&d| d.min(each)).collect();
    let sum: u64 = capped.iter().sum();
    if sum <= total {
        return capped;
    }
    capped.iter().map(|&c| crate::wide::mul_div(c, total, sum)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_caps_each_then_scales_all() {
        assert_eq!(share(&[1, 7, 20], 10, 100), vec![1, 7, 10]);
        // 10 + 10 + 10 = 30 over a total of 15: each gets half.
        assert_eq!(share(&[10, 20, 30], 10, 15), vec![5, 5, 5]);
        assert!(share(&[9, 10, 11], 10, 20).iter().sum::<u64>() <= 20);
    }
}
