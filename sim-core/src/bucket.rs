//! Token buckets: the shape of every AWS rate limit in the model.
//!
//! Refilled continuously and evaluated lazily at each event, one second of
//! capacity deep, because AWS tolerates sub-second bursts (DESIGN.md 4).
//!
//! Tokens are counted in millionths, as integers: every AWS limit is a whole
//! (or thousandths) number per second, so a millisecond's refill is a whole
//! number of millionths and refills never round. The shards' write path
//! checks two buckets for every shard of every batch, so it asks in whole
//! tokens ([`Tokens::whole`], [`Tokens::take_whole`]) and never converts
//! to floating point.
//!
//! A bucket's state ([`Tokens`], 16 bytes) is kept apart from its depth and
//! rate ([`Rate`]) so that the thousands of shards, whose limits are the
//! same constants, hold only the state: a shard's four limits fit one cache
//! line, and a write or a read touches that line instead of two or three.

use crate::time::{SECOND, SimTime};

/// Millionths of a token per token.
const SCALE: i64 = 1_000_000;

/// `n` tokens in millionths, rounded; saturates far beyond any AWS limit.
fn scaled(n: f64) -> i64 {
    libm::round(n * SCALE as f64) as i64
}

/// A bucket's depth and refill rate: shared by every bucket of one limit
/// (each shard's 1 MiB/s, say), so per-bucket state stays small.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Depth, in millionths.
    capacity: i64,
    /// Refill per millisecond, in millionths.
    per_ms: i64,
}

impl Rate {
    /// `per_s` tokens a second, one second deep.
    pub fn per_second(per_s: f64) -> Self {
        Self::with_capacity(per_s, per_s)
    }

    /// `per_s` whole tokens a second, one second deep; usable in constants.
    pub const fn whole_per_second(per_s: i64) -> Self {
        Rate { capacity: per_s * SCALE, per_ms: per_s * (SCALE / SECOND as i64) }
    }

    /// `capacity` tokens deep, refilling `per_s` a second.
    pub fn with_capacity(capacity: f64, per_s: f64) -> Self {
        Rate { capacity: scaled(capacity), per_ms: scaled(per_s / SECOND as f64) }
    }

    /// The depth in tokens (one second of refill for most limits).
    pub fn capacity(&self) -> f64 {
        self.capacity as f64 / SCALE as f64
    }
}

/// The state of a bucket whose [`Rate`] its owner knows: 16 bytes, so a
/// shard's four limits share one cache line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tokens {
    /// Tokens now, in millionths (negative after an overdraft).
    micros: i64,
    /// When they were counted.
    last: SimTime,
}

impl Tokens {
    /// A full bucket of `rate`.
    pub const fn full(rate: &Rate) -> Self {
        Tokens { micros: rate.capacity, last: 0 }
    }

    fn refill(&mut self, rate: &Rate, now: SimTime) {
        if now > self.last {
            let elapsed = i64::try_from(now - self.last).unwrap_or(i64::MAX);
            let refill = crate::wide::saturating_mul_i64(elapsed, rate.per_ms);
            self.micros = self.micros.saturating_add(refill).min(rate.capacity);
            self.last = now;
        }
    }

    /// Tokens available at `now` (may be negative after an overdraft).
    pub fn available(&mut self, rate: &Rate, now: SimTime) -> f64 {
        self.refill(rate, now);
        self.micros as f64 / SCALE as f64
    }

    /// Whole tokens available at `now`; 0 while in debt.
    pub fn whole(&mut self, rate: &Rate, now: SimTime) -> u64 {
        self.refill(rate, now);
        (self.micros.max(0) / SCALE) as u64
    }

    /// Removes `n` tokens, possibly going below zero; later calls must wait
    /// for the debt to refill.
    pub fn take(&mut self, rate: &Rate, now: SimTime, n: f64) {
        self.refill(rate, now);
        self.micros = self.micros.saturating_sub(scaled(n));
    }

    /// Removes `n` whole tokens that [`Tokens::whole`] just found there (at
    /// the same time, so nothing to refill and no debt to guard against):
    /// the write path's take, a subtraction.
    pub fn spend(&mut self, n: u64) {
        debug_assert!(n <= (self.micros.max(0) / SCALE) as u64, "spent more than was there");
        self.micros -= n as i64 * SCALE;
    }

    /// Removes `n` whole tokens, as [`Tokens::take`].
    pub fn take_whole(&mut self, rate: &Rate, now: SimTime, n: u64) {
        self.refill(rate, now);
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        self.micros = self.micros.saturating_sub(crate::wide::saturating_mul_i64(n, SCALE));
    }
}

/// A continuously refilled token bucket that carries its own rate.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenBucket {
    tokens: Tokens,
    rate: Rate,
}

impl TokenBucket {
    /// A full bucket refilling `per_s` tokens a second, holding one second's worth.
    pub fn per_second(per_s: f64) -> Self {
        Self::new(Rate::per_second(per_s))
    }

    /// A full bucket of `capacity` tokens refilling `per_s` a second.
    pub fn with_capacity(capacity: f64, per_s: f64) -> Self {
        Self::new(Rate::with_capacity(capacity, per_s))
    }

    fn new(rate: Rate) -> Self {
        TokenBucket { tokens: Tokens::full(&rate), rate }
    }

    /// Tokens available at `now` (may be negative after an overdraft).
    pub fn available(&mut self, now: SimTime) -> f64 {
        self.tokens.available(&self.rate, now)
    }

    /// Whole tokens available at `now`; 0 while in debt.
    pub fn whole(&mut self, now: SimTime) -> u64 {
        self.tokens.whole(&self.rate, now)
    }

    /// Removes `n` tokens, possibly going below zero.
    pub fn take(&mut self, now: SimTime, n: f64) {
        self.tokens.take(&self.rate, now, n)
    }

    /// Removes `n` whole tokens, as [`TokenBucket::take`].
    pub fn take_whole(&mut self, now: SimTime, n: u64) {
        self.tokens.take_whole(&self.rate, now, n)
    }

    /// The bucket's depth (one second of refill).
    pub fn capacity(&self) -> f64 {
        self.rate.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::TokenBucket;

    #[test]
    fn a_bucket_starts_full_refills_continuously_and_caps_at_its_depth() {
        // aws-facts 1.1: 1 MiB/s per shard, one second deep.
        let mut b = TokenBucket::per_second(1_048_576.0);
        assert_eq!(b.whole(0), 1_048_576);
        b.take_whole(0, 1_048_576);
        assert_eq!(b.whole(0), 0);
        // 1,048.576 bytes a millisecond: no rounding drift over a second.
        assert_eq!(b.available(1), 1_048.576);
        assert_eq!(b.whole(999), 1_047_527);
        assert_eq!(b.whole(1_000), 1_048_576);
        assert_eq!(b.whole(60_000), 1_048_576, "never above its depth");
    }

    #[test]
    fn an_overdraft_is_paid_back_before_tokens_are_available_again() {
        let mut b = TokenBucket::per_second(5.0);
        b.take(0, 7.0);
        assert_eq!(b.available(0), -2.0);
        assert_eq!(b.whole(0), 0);
        assert_eq!(b.available(400), 0.0);
        assert_eq!(b.whole(600), 1);
        assert_eq!(b.capacity(), 5.0);
    }

    #[test]
    fn fractional_rates_and_takes_keep_millionths() {
        let mut b = TokenBucket::with_capacity(1.5, 0.25);
        b.take(0, 0.1);
        assert_eq!(b.available(0), 1.4);
        assert_eq!(b.available(400), 1.5);
        b.take(400, 1.5);
        assert_eq!(b.available(2_400), 0.5);
    }

    #[test]
    fn years_of_idle_time_do_not_overflow() {
        let mut b = TokenBucket::per_second(10_485_760.0);
        b.take_whole(0, u64::MAX);
        assert_eq!(b.whole(u64::MAX), 10_485_760);
    }
}
