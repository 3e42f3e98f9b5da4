//! Resharding a provisioned stream (aws-facts 1.6): SplitShard, MergeShards
//! and UpdateShardCount. Parents close (no more writes, still readable until
//! retention) and children open; the open shards always cover the whole
//! hash-key space exactly once.

use crate::routing::{HashRange, even_ranges};
use crate::time::{DAY, SimTime};
use crate::units::format_number;

use super::{ON_DEMAND_MAX_SHARDS, Shard, Stream};

/// aws-facts 1.6: UpdateShardCount may run at most ten times per rolling 24 hours.
pub const SHARD_COUNT_UPDATES_PER_DAY: usize = 10;
/// aws-facts 1.6: UpdateShardCount cannot go above 10,000 shards per stream by default.
pub const MAX_SHARDS_PER_STREAM: u32 = 10_000;

impl Stream {
    fn open_shard(&self, shard: usize) -> Result<&Shard, String> {
        match self.shards.get(shard) {
            None => {
                Err(format!("shard {shard} does not exist (the stream has {})", self.shards.len()))
            }
            Some(s) if !s.is_open() => {
                Err(format!("shard {shard} is closed: only open shards can be resharded"))
            }
            Some(s) => Ok(s),
        }
    }

    /// Closes the shards in `parents` and opens `children`, keeping `open`
    /// sorted by hash range. Returns the new shards' indices.
    fn replace(
        &mut self,
        now: SimTime,
        parents: &[usize],
        children: Vec<(HashRange, Vec<usize>)>,
    ) -> Vec<usize> {
        for &p in parents {
            self.shards[p].closed_at = Some(now);
        }
        let first_new = self.shards.len();
        self.shards.extend(children.into_iter().map(|(range, parents)| Shard::new(range, parents)));
        self.open.retain(|i| !parents.contains(i));
        self.open.extend(first_new..self.shards.len());
        let shards = &self.shards;
        self.open.sort_by_key(|&i| shards[i].range.start);
        (first_new..self.shards.len()).collect()
    }

    /// SplitShard: `shard` becomes two children split at `new_start` (the
    /// first hash key of the upper child), or at the middle of its range.
    pub fn split(
        &mut self,
        now: SimTime,
        shard: usize,
        new_start: Option<u128>,
    ) -> Result<Vec<usize>, String> {
        let range = self.open_shard(shard)?.range;
        let at = new_start.unwrap_or(range.start + (range.end - range.start) / 2 + 1);
        if at <= range.start || at > range.end {
            return Err(format!(
                "the new starting hash key {at} must be above {} and at most {}, inside shard {shard}'s range",
                range.start, range.end
            ));
        }
        let low = HashRange { start: range.start, end: at - 1 };
        let high = HashRange { start: at, end: range.end };
        Ok(self.replace(now, &[shard], vec![(low, vec![shard]), (high, vec![shard])]))
    }

    /// On-demand scaling (aws-facts 1.4): `shard` becomes `pieces` children
    /// with even hash ranges (a power of two: each halving is an even
    /// SplitShard, whose intermediate shards are not shown), as many as the
    /// per-stream maximum leaves room for.
    pub fn split_evenly(
        &mut self,
        now: SimTime,
        shard: usize,
        pieces: u32,
    ) -> Result<Vec<usize>, String> {
        let range = self.open_shard(shard)?.range;
        let room = ON_DEMAND_MAX_SHARDS.saturating_sub(self.open.len()) + 1;
        let most = if room.is_power_of_two() { room } else { room.next_power_of_two() / 2 };
        let mut pieces = (pieces as usize).min(most);
        // Every child keeps at least one hash key.
        while pieces > 1 && range.end - range.start < pieces as u128 - 1 {
            pieces /= 2;
        }
        if range.end == range.start {
            return Err(format!("shard {shard} owns a single hash key and cannot be split"));
        }
        if pieces < 2 {
            return Err(format!(
                "the stream already has {} shards, the most an on-demand stream has (10 GiB/s of writes)",
                format_number(ON_DEMAND_MAX_SHARDS as f64)
            ));
        }
        let mut children = vec![range];
        while children.len() < pieces {
            children = children
                .into_iter()
                .flat_map(|r| {
                    // Even SplitShard: the upper child starts past the middle.
                    let at = r.start + (r.end - r.start) / 2 + 1;
                    [HashRange { start: r.start, end: at - 1 }, HashRange { start: at, end: r.end }]
                })
                .collect();
        }
        let children = children.into_iter().map(|r| (r, vec![shard])).collect();
        Ok(self.replace(now, &[shard], children))
    }

    /// MergeShards: two open shards whose ranges touch become one child.
    pub fn merge(&mut self, now: SimTime, a: usize, b: usize) -> Result<usize, String> {
        let (ra, rb) = (self.open_shard(a)?.range, self.open_shard(b)?.range);
        if a == b {
            return Err("a shard cannot be merged with itself".into());
        }
        let (low, high) = if ra.start < rb.start { (ra, rb) } else { (rb, ra) };
        if low.end.checked_add(1) != Some(high.start) {
            return Err(format!(
                "shards {a} and {b} are not adjacent: their hash-key ranges must touch to merge"
            ));
        }
        let merged = HashRange { start: low.start, end: high.end };
        Ok(self.replace(now, &[a, b], vec![(merged, vec![a, b])])[0])
    }

    /// UpdateShardCount with uniform scaling: the open shards close and
    /// `target` shards with even ranges open, each a child of the shards
    /// whose ranges it overlaps.
    pub fn update_shard_count(&mut self, now: SimTime, target: u32) -> Result<Vec<usize>, String> {
        let current = self.open.len() as u32;
        while self.shard_count_updates.front().is_some_and(|&t| t + DAY <= now) {
            self.shard_count_updates.pop_front();
        }
        if self.shard_count_updates.len() >= SHARD_COUNT_UPDATES_PER_DAY {
            return Err(format!(
                "UpdateShardCount already ran {SHARD_COUNT_UPDATES_PER_DAY} times in the last 24 hours, the most AWS allows"
            ));
        }
        if target == current {
            return Err(format!("the stream already has {current} open shards"));
        }
        if target > current.saturating_mul(2) {
            return Err(format!(
                "{target} shards is more than double the current {current}; one UpdateShardCount can at most double"
            ));
        }
        if target < current.div_ceil(2) {
            return Err(format!(
                "{target} shards is less than half the current {current}; one UpdateShardCount can at most halve"
            ));
        }
        if target > MAX_SHARDS_PER_STREAM {
            return Err(format!(
                "{} shards is above the {} per-stream limit",
                format_number(f64::from(target)),
                format_number(f64::from(MAX_SHARDS_PER_STREAM))
            ));
        }
        let old = self.open.clone();
        let children = even_ranges(target)
            .into_iter()
            .map(|r| {
                let parents = old
                    .iter()
                    .copied()
                    .filter(|&p| {
                        let pr = self.shards[p].range;
                        pr.start <= r.end && r.start <= pr.end
                    })
                    .collect();
                (r, parents)
            })
            .collect();
        self.shard_count_updates.push_back(now);
        Ok(self.replace(now, &old, children))
    }

    /// Routes `count` records that were meant for `shard` (now possibly
    /// closed) to open shards: unchanged if it is open, otherwise spread over
    /// the open shards overlapping its range in proportion to `shares` (one
    /// per open shard). Deterministic largest-remainder rounding.
    pub fn reroute(&self, shard: usize, count: u64, shares: &[f64], out: &mut Vec<(usize, u64)>) {
        if self.shards[shard].is_open() {
            out.push((shard, count));
            return;
        }
        let range = self.shards[shard].range;
        let targets: Vec<(usize, f64)> = self
            .open
            .iter()
            .enumerate()
            .filter(|&(_, &i)| {
                let r = self.shards[i].range;
                r.start <= range.end && range.start <= r.end
            })
            .map(|(pos, &i)| (i, shares.get(pos).copied().unwrap_or(0.0)))
            .collect();
        let total: f64 = targets.iter().map(|t| t.1).sum();
        let weights: Vec<f64> = if total > 0.0 {
            targets.iter().map(|t| t.1 / total).collect()
        } else {
            vec![1.0 / targets.len() as f64; targets.len()]
        };
        let mut given = 0;
        let start = out.len();
        for (&(i, _), w) in targets.iter().zip(&weights) {
            let n = (count as f64 * w).floor() as u64;
            given += n;
            out.push((i, n));
        }
        // Hand out the remainder one by one, first shards first.
        let mut k = 0;
        while given < count && !targets.is_empty() {
            out[start + k % targets.len()].1 += 1;
            given += 1;
            k += 1;
        }
        out.retain(|&(_, n)| n > 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::stream::ScaleOut;
    use crate::scenario::{Capacity, StreamSpec};

    fn stream(shards: u32) -> Stream {
        Stream::new(&StreamSpec {
            capacity: Capacity::Provisioned { shards },
            ..Default::default()
        })
    }

    fn assert_covers_once(s: &Stream) {
        let ranges = s.open_ranges();
        assert_eq!(ranges[0].start, 0);
        assert_eq!(ranges.last().unwrap().end, u128::MAX);
        for w in ranges.windows(2) {
            assert_eq!(w[0].end + 1, w[1].start);
        }
    }

    #[test]
    fn split_closes_the_parent_and_opens_two_children() {
        // aws-facts 1.6: SplitShard makes one parent into two children; an
        // even split uses the middle of the range.
        let mut s = stream(2);
        let children = s.split(1_000, 0, None).unwrap();
        assert_eq!(children, vec![2, 3]);
        assert!(!s.shards[0].is_open());
        assert_eq!(s.shards[2].parents, vec![0]);
        assert_eq!(s.open, vec![2, 3, 1]);
        assert_covers_once(&s);
    }

    #[test]
    fn split_refuses_a_key_outside_the_range() {
        let mut s = stream(2);
        let end = s.shards[0].range.end;
        assert!(s.split(0, 0, Some(end + 1)).unwrap_err().contains("inside shard 0's range"));
        assert!(s.split(0, 0, Some(0)).is_err());
        assert!(s.split(0, 7, None).unwrap_err().contains("does not exist"));
    }

    #[test]
    fn merge_requires_adjacent_open_shards() {
        // aws-facts 1.6: MergeShards takes two adjacent shards.
        let mut s = stream(3);
        assert!(s.merge(0, 0, 2).unwrap_err().contains("not adjacent"));
        let child = s.merge(0, 1, 0).unwrap();
        assert_eq!(s.shards[child].parents, vec![1, 0]);
        assert_eq!(s.open.len(), 2);
        assert_covers_once(&s);
        assert!(s.merge(0, 0, 2).unwrap_err().contains("closed"));
    }

    #[test]
    fn update_shard_count_obeys_its_limits() {
        // aws-facts 1.6: at most double, at least half, ten times per rolling 24 h.
        let mut s = stream(4);
        assert!(s.update_shard_count(0, 9).unwrap_err().contains("more than double"));
        assert!(s.update_shard_count(0, 1).unwrap_err().contains("less than half"));
        let mut t = 0;
        let mut n = 4;
        for _ in 0..SHARD_COUNT_UPDATES_PER_DAY {
            n = if n == 4 { 5 } else { 4 };
            s.update_shard_count(t, n).unwrap();
            assert_covers_once(&s);
            t += 1_000;
        }
        assert!(s.update_shard_count(t, 6).unwrap_err().contains("10 times in the last 24 hours"));
        // A day after the first call, one more is allowed.
        assert!(s.update_shard_count(DAY, 6).is_ok());
    }

    #[test]
    fn update_shard_count_links_children_to_overlapping_parents() {
        let mut s = stream(2);
        let children = s.update_shard_count(0, 3).unwrap();
        assert_eq!(s.shards[children[0]].parents, vec![0]);
        assert_eq!(s.shards[children[1]].parents, vec![0, 1]);
        assert_eq!(s.shards[children[2]].parents, vec![1]);
    }

    fn on_demand() -> Stream {
        Stream::new(&StreamSpec { capacity: Capacity::on_demand(), ..Default::default() })
    }

    #[test]
    fn aws_facts_1_4_a_hot_shard_splits_at_once_into_enough_even_children() {
        // aws-facts 1.4: shards above 500 KB/s split within 15 minutes into
        // even ranges. 1.3 MiB/s attempted needs 3 children of 500 KB/s at
        // most; as even halvings, 4.
        let mut s = on_demand();
        let hot = crate::kinds::stream::ShardSecond {
            in_bytes: 1_048_576,
            throttled_bytes: 314_573,
            ..Default::default()
        };
        let mut due = Vec::new();
        for t in 1..=900 {
            s.shards[1].last_second = hot;
            due = s.on_demand_splits(t * 1_000);
            if t < 900 {
                assert!(due.is_empty(), "split before 15 minutes, at {t} s");
            }
        }
        let rate = (1_048_576 + 314_573) as u64;
        assert_eq!(due, vec![ScaleOut { shard: 1, pieces: 4, bytes_per_s: rate }]);
        let parent = s.shards[1].range;
        let children = s.split_evenly(900_000, 1, 4).unwrap();
        assert_eq!(children, vec![4, 5, 6, 7]);
        assert_covers_once(&s);
        let widths: Vec<u128> =
            children.iter().map(|&c| s.shards[c].range.end - s.shards[c].range.start).collect();
        assert!(widths.iter().max().unwrap() - widths.iter().min().unwrap() <= 1, "{widths:?}");
        assert_eq!(s.shards[4].range.start, parent.start);
        assert_eq!(s.shards[7].range.end, parent.end);
        assert!(children.iter().all(|&c| s.shards[c].parents == vec![1]));
    }

    #[test]
    fn aws_facts_1_4_on_demand_capacity_never_exceeds_10_gib_per_second() {
        // aws-facts 1.4 (current, us-east-1): at most 10 GB/s of writes per
        // on-demand stream: 10,240 shards of 1 MiB/s.
        let mut s = on_demand();
        let mut last = Ok(Vec::new());
        for _ in 0..20 {
            let hottest = s.open[0];
            last = s.split_evenly(0, hottest, 4_096);
            assert!(s.open.len() <= ON_DEMAND_MAX_SHARDS);
            assert!(s.write_capacity_bytes_per_s() <= 10 * 1_073_741_824);
            assert_covers_once(&s);
        }
        assert_eq!(s.open.len(), ON_DEMAND_MAX_SHARDS);
        assert!(last.unwrap_err().contains("10 GiB/s"));
    }

    #[test]
    fn records_for_a_closed_shard_go_to_its_children() {
        let mut s = stream(2);
        s.split(0, 0, None).unwrap();
        let mut out = Vec::new();
        s.reroute(0, 11, &[0.25, 0.25, 0.5], &mut out);
        assert_eq!(out, vec![(2, 6), (3, 5)]);
        out.clear();
        s.reroute(1, 4, &[0.25, 0.25, 0.5], &mut out);
        assert_eq!(out, vec![(1, 4)]);
    }
}
