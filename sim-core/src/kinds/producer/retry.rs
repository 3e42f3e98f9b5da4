//! How a producer's refused records come back. Each unit the target
//! refuses (a Kinesis record, an aggregate with KPL aggregation; a
//! SendMessageBatch or PublishBatch call) waits its own backoff, as the
//! many clients a producer node stands for each retry their own, then goes
//! out at the first step of the caller's interval at or after it (a stream
//! producer's next batch; a queue or topic producer's own millisecond). So
//! a refused clump spreads over the jitter window instead of coming back
//! as one clump that competes with itself.

use super::{Producer, RetryBatch, ShardRecords};
use crate::rng::NodeRng;
use crate::time::SimTime;

/// Refused units of one list drawn one by one; more split over the
/// window's steps when it spans at most this many, and in this many parts
/// drawn apart when it spans more.
const SPREAD: u64 = 16;

/// Splits refused records over the batches they retry with. Its buffers
/// are kept between retries: this runs for every throttled attempt.
#[derive(Clone, Debug, Default)]
pub(crate) struct RetrySpread {
    attempts: u32,
    now: SimTime,
    interval: SimTime,
    /// The batches the backoff window reaches, with their chances, when
    /// it reaches at most [`SPREAD`]; empty otherwise. Worked out for a
    /// refusal at `now % interval`: the law depends on the refusal time
    /// only through its place in the interval, so the times are shifted
    /// to `now`'s interval where used.
    law: Vec<(SimTime, f64)>,
    chances: Vec<f64>,
    /// What `law` and `chances` hold: (longest backoff, interval, refusal
    /// time within the interval). Most throttled attempts repeat the last
    /// one's, and then nothing is worked out again.
    law_for: Option<(SimTime, SimTime, SimTime)>,
    parts: Vec<u64>,
    pieces: Vec<(SimTime, ShardRecords)>,
}

impl RetrySpread {
    /// Readies the split of records `p` had refused at `now` after
    /// `attempts` attempts, to go out on steps of `interval` ms. Returns the
    /// step when every backoff ends before the same one: then there is
    /// nothing to draw.
    pub fn start(
        &mut self,
        p: &Producer,
        attempts: u32,
        now: SimTime,
        interval: SimTime,
    ) -> Option<SimTime> {
        let interval = interval.max(1);
        let next_batch = |t: SimTime| t.div_ceil(interval) * interval;
        let (lo, hi) = p.backoff_window(attempts);
        let (first, last) = (next_batch(now + lo), next_batch(now + hi));
        if first == last {
            return Some(last);
        }
        (self.attempts, self.now, self.interval) = (attempts, now, interval);
        self.pieces.clear();
        // The backoff window depends on the attempts only through its
        // longest backoff.
        let law_for = (hi, interval, now % interval);
        if self.law_for != Some(law_for) {
            self.law.clear();
            if (last - first) / interval < SPREAD {
                p.retry_batches(attempts, law_for.2, interval, &mut self.law);
            }
            self.chances.clear();
            self.chances.extend(self.law.iter().map(|&(_, chance)| chance));
            self.law_for = Some(law_for);
        }
        None
    }

    /// Splits one list's refused records, `per` to a unit (a Kinesis
    /// record, a call): a draw per unit up to [`SPREAD`] of them; past
    /// that, one multinomial draw over the window's steps with the
    /// backoff's law, which gives each step what the per-unit draws would,
    /// or [`SPREAD`] parts with a draw each when the window spans more
    /// steps than that.
    pub fn split(&mut self, p: &Producer, s: ShardRecords, per: u64, rng: &mut NodeRng) {
        let (attempts, now, interval) = (self.attempts, self.now, self.interval);
        let next_batch = |t: SimTime| t.div_ceil(interval) * interval;
        let per = per.max(1);
        let kinesis = s.records.div_ceil(per);
        let mut left = s.records;
        let pieces = &mut self.pieces;
        let mut piece = |at: SimTime, n: u64| {
            let records = (n * per).min(left);
            left -= records;
            pieces.push((at, ShardRecords { records, ..s }));
        };
        if kinesis <= SPREAD {
            for _ in 0..kinesis {
                piece(next_batch(now + p.backoff(attempts, rng)), 1);
            }
        } else if !self.law.is_empty() {
            rng.multinomial(kinesis, &self.chances, &mut self.parts);
            // The law's times are for a refusal in the first interval.
            let shift = now - now % interval;
            for (&(at, _), &n) in self.law.iter().zip(&self.parts).filter(|&(_, &n)| n > 0) {
                piece(at + shift, n);
            }
        } else {
            rng.multinomial(kinesis, &[1.0 / SPREAD as f64; SPREAD as usize], &mut self.parts);
            for &n in self.parts.iter().filter(|&&n| n > 0) {
                piece(next_batch(now + p.backoff(attempts, rng)), n);
            }
        }
    }

    /// The pieces split so far, by batch, shard and size, one per each;
    /// the buffer goes back with [`RetrySpread::give_back`].
    pub fn take_pieces(&mut self) -> Vec<(SimTime, ShardRecords)> {
        let mut pieces = std::mem::take(&mut self.pieces);
        pieces.sort_by_key(|&(at, s)| (at, s.shard, s.data_bytes));
        pieces.dedup_by(|later, kept| {
            let same = (later.0, later.1.shard, later.1.data_bytes)
                == (kept.0, kept.1.shard, kept.1.data_bytes);
            if same {
                kept.1.records += later.1.records;
            }
            same
        });
        pieces
    }

    /// Keeps a taken buffer for the next retry.
    pub fn give_back(&mut self, mut pieces: Vec<(SimTime, ShardRecords)>) {
        pieces.clear();
        self.pieces = pieces;
    }

    /// Memory of the buffers, in bytes (see [`crate::memory`]).
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::buffer;
        buffer::<(SimTime, f64)>(self.law.capacity())
            + buffer::<f64>(self.chances.capacity())
            + buffer::<u64>(self.parts.capacity())
            + buffer::<(SimTime, ShardRecords)>(self.pieces.capacity())
    }
}

/// Emptied lists of finished batches kept for the next ones, at most this
/// many of each kind.
const SPARE: usize = 8;

/// A group's emptied batch lists, reused: it cuts a batch every batching
/// interval and a throttled one splits into retries, and allocating their
/// lists each time cost a fifth of a throttled run (more in wasm).
#[derive(Clone, Debug, Default)]
pub(crate) struct SpareLists {
    shards: Vec<Vec<ShardRecords>>,
    members: Vec<Vec<(usize, u64)>>,
}

impl SpareLists {
    /// An empty list of records by shard.
    pub fn shards(&mut self) -> Vec<ShardRecords> {
        self.shards.pop().unwrap_or_default()
    }

    /// An empty list of members' records.
    pub fn members(&mut self) -> Vec<(usize, u64)> {
        self.members.pop().unwrap_or_default()
    }

    /// Keeps a list of records by shard for reuse.
    pub fn keep_shards(&mut self, mut list: Vec<ShardRecords>) {
        if list.capacity() > 0 && self.shards.len() < SPARE {
            list.clear();
            self.shards.push(list);
        }
    }

    /// Keeps a list of members' records for reuse.
    pub fn keep_members(&mut self, mut list: Vec<(usize, u64)>) {
        if list.capacity() > 0 && self.members.len() < SPARE {
            list.clear();
            self.members.push(list);
        }
    }

    /// Keeps a finished batch's lists.
    pub fn recycle(&mut self, batch: RetryBatch) {
        self.keep_shards(batch.per_shard);
        self.keep_members(batch.members);
    }

    /// Memory of the kept lists, in bytes (see [`crate::memory`]).
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::buffer;
        buffer::<Vec<ShardRecords>>(self.shards.capacity())
            + buffer::<Vec<(usize, u64)>>(self.members.capacity())
            + self.shards.iter().map(|l| buffer::<ShardRecords>(l.capacity())).sum::<u64>()
            + self.members.iter().map(|l| buffer::<(usize, u64)>(l.capacity())).sum::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::producer::Target;
    use crate::scenario::{Aggregation, ProducerSpec, Retry};

    fn producer(aggregation: Option<Aggregation>) -> Producer {
        let spec = ProducerSpec {
            retry: Retry { max_attempts: 5, base_backoff_ms: 100, max_backoff_ms: 5_000 },
            aggregation,
            ..Default::default()
        };
        Producer::new(spec, Target::Stream(0), vec![1.0])
    }

    /// 200 records refused at 1,050 ms after a second attempt wait 100 to
    /// 200 ms, so each goes out with the batch at 1,200 ms (backoff up to
    /// 150 ms: chance 0.505) or at 1,300 ms. Independent backoffs split them
    /// binomially, with a standard deviation of about 7 records; 16 clumps
    /// of 12.5 would give 25.
    #[test]
    fn refused_records_split_over_batches_as_independent_backoffs() {
        let p = producer(None);
        let mut spread = RetrySpread::default();
        let mut rng = NodeRng::new(7, "retry spread");
        let (n, chance, runs) = (200_u64, 0.505, 4_000);
        let (mut sum, mut squares) = (0.0, 0.0);
        for _ in 0..runs {
            assert_eq!(spread.start(&p, 2, 1_050, 100), None);
            spread.split(&p, ShardRecords { shard: 3, records: n, data_bytes: 800 }, 1, &mut rng);
            let pieces = spread.take_pieces();
            assert!(pieces.iter().all(|&(at, s)| (at == 1_200 || at == 1_300) && s.shard == 3));
            assert_eq!(pieces.iter().map(|piece| piece.1.records).sum::<u64>(), n);
            let early = pieces.iter().filter(|piece| piece.0 == 1_200).map(|piece| piece.1.records);
            let early = early.sum::<u64>() as f64;
            (sum, squares) = (sum + early, squares + early * early);
            spread.give_back(pieces);
        }
        let mean = sum / runs as f64;
        let sd = (squares / runs as f64 - mean * mean).sqrt();
        let want_sd = (n as f64 * chance * (1.0 - chance)).sqrt();
        assert!((mean - n as f64 * chance).abs() < 5.0 * want_sd / (runs as f64).sqrt(), "{mean}");
        assert!((sd / want_sd - 1.0).abs() < 0.1, "sd {sd} against {want_sd}");
    }

    /// Every backoff after a first attempt (50 to 100 ms) ends by the next
    /// batch when refused on a batch boundary: nothing is drawn.
    #[test]
    fn a_window_within_one_batch_needs_no_draw() {
        let mut spread = RetrySpread::default();
        assert_eq!(spread.start(&producer(None), 1, 2_000, 100), Some(2_100));
    }

    /// With KPL aggregation, whole aggregates wait their backoff: the user
    /// records still add up, in multiples of an aggregate but for one,
    /// over a window of two batches, of nine, and of 26 (in parts).
    #[test]
    fn aggregates_retry_whole() {
        let p = producer(Some(Aggregation { max_bytes: 51_200, max_user_records: 10 }));
        let mut spread = RetrySpread::default();
        let mut rng = NodeRng::new(8, "aggregates");
        for attempts in [2, 5, 7] {
            assert_eq!(spread.start(&p, attempts, 1_050, 100), None);
            spread.split(
                &p,
                ShardRecords { shard: 0, records: 995, data_bytes: 100 },
                10,
                &mut rng,
            );
            let pieces = spread.take_pieces();
            assert_eq!(pieces.iter().map(|piece| piece.1.records).sum::<u64>(), 995);
            let partial = pieces.iter().filter(|piece| piece.1.records % 10 != 0).count();
            assert!(partial <= 1, "{pieces:?}");
            spread.give_back(pieces);
        }
    }
}
