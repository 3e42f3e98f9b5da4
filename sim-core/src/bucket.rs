//! Token buckets: the shape of every AWS rate limit in the model.
//!
//! Refilled continuously and evaluated lazily at each event, one second of
//! capacity deep, because AWS tolerates sub-second bursts (DESIGN.md 4).

use crate::time::{SECOND, SimTime};

/// A continuously refilled token bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenBucket {
    tokens: f64,
    capacity: f64,
    per_ms: f64,
    last: SimTime,
}

impl TokenBucket {
    /// A full bucket refilling `per_s` tokens a second, holding one second's worth.
    pub fn per_second(per_s: f64) -> Self {
        TokenBucket { tokens: per_s, capacity: per_s, per_ms: per_s / SECOND as f64, last: 0 }
    }

    /// A full bucket of `capacity` tokens refilling `per_s` a second.
    pub fn with_capacity(capacity: f64, per_s: f64) -> Self {
        TokenBucket { tokens: capacity, capacity, per_ms: per_s / SECOND as f64, last: 0 }
    }

    /// Tokens available at `now` (may be negative after an overdraft).
    pub fn available(&mut self, now: SimTime) -> f64 {
        if now > self.last {
            let refill = (now - self.last) as f64 * self.per_ms;
            self.tokens = (self.tokens + refill).min(self.capacity);
            self.last = now;
        }
        self.tokens
    }

    /// Removes `n` tokens, possibly going below zero; later calls must wait
    /// for the debt to refill.
    pub fn take(&mut self, now: SimTime, n: f64) {
        self.available(now);
        self.tokens -= n;
    }

    /// The bucket's depth (one second of refill).
    pub fn capacity(&self) -> f64 {
        self.capacity
    }
}
