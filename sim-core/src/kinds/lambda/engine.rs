//! Lambda in the engine: invocations within the account's concurrency and
//! the scaling rate (aws-facts 5.3), and the event source mapping on a
//! queue (aws-facts 5.2): long-polling batches that start at 5 and grow by
//! 300 a minute, batching windows, partial batch responses, and failed or
//! throttled batches that come back after the visibility timeout.

use crate::engine::{Action, EngineKind, Simulation};
pub(crate) use crate::kinds::lambda::QUEUE_ESM_START_BATCHES;
use crate::kinds::lambda::{ESM_WAIT_TIME_S, PollerState, QUEUE_ESM_ADDED_PER_S};
use crate::kinds::queue::Outcome;
use crate::kinds::{Batch, Target};
use crate::metrics;
use crate::metrics::Latencies;
use crate::scenario::{LambdaSpec, NodeIndex};
use crate::time::{SECOND, SimTime};

/// Pause of a queue event source's batch after its invocation was
/// throttled, before it receives again (not an aws-facts value; MODEL.md).
const THROTTLED_BATCH_PAUSE_MS: SimTime = 1_000;

/// An asynchronous invocation's end that failed: its event is not
/// processed (`Action::AsyncDone`'s `queued`).
pub(crate) const ASYNC_FAILED: u32 = u32::MAX;

impl Simulation {
    /// Concurrency left in the account's unreserved pool (aws-facts 5.3):
    /// the account's limit less every reservation and what functions
    /// without a reservation run now.
    pub(crate) fn unreserved_free(&self) -> u32 {
        let account = self.functions.first().map_or(0, |f| f.spec.account_concurrency);
        let reserved: u32 = self.functions.iter().filter_map(|f| f.spec.reserved_concurrency).sum();
        let running: u32 = self
            .functions
            .iter()
            .filter(|f| f.spec.reserved_concurrency.is_none())
            .map(|f| f.running)
            .sum();
        account.saturating_sub(reserved).saturating_sub(running)
    }

    /// Adds `n` concurrent batches to a queue event source; they start
    /// receiving at once.
    pub(crate) fn add_pollers(&mut self, func: usize, n: u32) {
        for _ in 0..n {
            let poller = self.functions[func].pollers.len();
            self.functions[func].pollers.push(Default::default());
            self.schedule(
                self.now,
                Action::EsmReceive { func: func as u32, poller: poller as u32 },
            );
        }
    }

    /// A batch of a queue event source receives: it invokes when full (or
    /// without a batching window), keeps filling within the window, or
    /// long-polls when the queue is empty.
    pub(crate) fn esm_receive(&mut self, func: usize, poller: usize) {
        let Some(queue) = self.queue_at(self.functions[func].source) else { return };
        // aws-facts 4.2: a FIFO queue's receive limit applies to Lambda too.
        let retry = Action::EsmReceive { func: func as u32, poller: poller as u32 };
        if self.receive_throttled(queue, retry) {
            return;
        }
        self.esm_takes(func, poller);
        if self.esm_ready(func, poller) {
            return self.esm_invoke(func, poller);
        }
        self.esm_wait(func, poller, queue);
    }

    /// Whether a batch should be invoked now: full, or something received
    /// and no (more) window to wait.
    fn esm_ready(&self, func: usize, poller: usize) -> bool {
        let f = &self.functions[func];
        let p = &f.pollers[poller];
        let batch = u64::from(f.spec.event_source.batch_size.unwrap_or(10));
        let window_over = p.window_ends.is_some_and(|t| t <= self.now);
        p.messages >= batch
            || (p.messages > 0 && (f.spec.event_source.batching_window_s == 0 || window_over))
    }

    /// Waits in the queue's line: a long poll while the batch is empty, the
    /// batching window once it holds something.
    fn esm_wait(&mut self, func: usize, poller: usize, queue: usize) {
        let node = self.function_nodes[func].get() as u32;
        let window_ms =
            SimTime::from(self.functions[func].spec.event_source.batching_window_s) * SECOND;
        let p = &mut self.functions[func].pollers[poller];
        p.state = PollerState::Waiting;
        self.queue_waiters[queue].push_back((node, poller as u32));
        if p.messages == 0 {
            p.token = p.token.wrapping_add(1);
            let token = p.token;
            let at = self.now + ESM_WAIT_TIME_S * SECOND;
            self.schedule(at, Action::PollTimeout { node, poller: poller as u32, token });
        } else if p.window_ends.is_none() {
            p.token = p.token.wrapping_add(1);
            let (token, at) = (p.token, self.now + window_ms);
            p.window_ends = Some(at);
            let action = Action::EsmWindowEnd { func: func as u32, poller: poller as u32, token };
            self.schedule(at, action);
        }
    }

    /// One ReceiveMessage for the rest of the batch; whether it got any.
    fn esm_takes(&mut self, func: usize, poller: usize) -> bool {
        let f = &self.functions[func];
        let Some(queue) = self.queue_at(f.source) else { return false };
        let batch = u64::from(f.spec.event_source.batch_size.unwrap_or(10));
        let want = batch.saturating_sub(f.pollers[poller].messages);
        let hidden_for = f.visibility_ms(self.queues[queue].spec.visibility_timeout_s);
        // aws-facts 4.1: 10 messages a call; a larger batch takes more calls.
        let Some((key, count)) = self.receive_from(queue, want, hidden_for) else {
            return false;
        };
        let p = &mut self.functions[func].pollers[poller];
        p.receipts.push(key);
        p.messages += count;
        self.schedule_queue_wake(queue);
        true
    }

    /// A waiting batch is offered messages (see `serve_waiting`). Returns
    /// whether it took any.
    pub(crate) fn esm_offered(&mut self, func: usize, poller: usize) -> bool {
        let Some(queue) = self.queue_at(self.functions[func].source) else { return false };
        if !self.esm_takes(func, poller) {
            return false;
        }
        if self.esm_ready(func, poller) {
            self.esm_invoke(func, poller);
        } else {
            self.esm_wait(func, poller, queue);
        }
        true
    }

    /// The batching window ended: invoke with what was gathered.
    pub(crate) fn esm_window_end(&mut self, func: usize, poller: usize, token: u32) {
        let p = &self.functions[func].pollers[poller];
        if p.state != PollerState::Waiting || p.token != token {
            return;
        }
        self.leave_line(func, poller);
        self.esm_invoke(func, poller);
    }

    /// A long poll with nothing received ended: an empty receive, then
    /// another.
    pub(crate) fn esm_poll_timeout(&mut self, func: usize, poller: usize, token: u32) {
        let p = &self.functions[func].pollers[poller];
        if p.state != PollerState::Waiting || p.token != token || p.messages > 0 {
            return;
        }
        self.leave_line(func, poller);
        if let Some(queue) = self.queue_at(self.functions[func].source) {
            self.empty_receive(queue);
        }
        self.esm_receive(func, poller);
    }

    fn leave_line(&mut self, func: usize, poller: usize) {
        if let Some(queue) = self.queue_at(self.functions[func].source) {
            let me = (self.function_nodes[func].get() as u32, poller as u32);
            self.queue_waiters[queue].retain(|&w| w != me);
        }
    }

    /// Invokes the function with a batch. A throttled invocation (no
    /// concurrency or scaling headroom, aws-facts 5.3) leaves the batch
    /// hidden until the visibility timeout ends, when it comes back and
    /// counts as a receive (aws-facts 5.3, ESM throttling).
    fn esm_invoke(&mut self, func: usize, poller: usize) {
        let node = self.function_nodes[func];
        let Some(queue) = self.queue_at(self.functions[func].source) else { return };
        let pool_free = self.unreserved_free();
        let f = &mut self.functions[func];
        f.pollers[poller].state = PollerState::Invoking;
        f.pollers[poller].window_ends = None;
        let receipts = f.pollers[poller].receipts.clone();
        if f.start(self.now, pool_free).is_none() {
            self.metrics[node].add(metrics::lambda::THROTTLES, 1.0);
            for &key in &receipts {
                self.queues[queue].decide(key, |_| Outcome::Keep);
                self.queues[queue].finish(self.now, key);
            }
            let p = &mut self.functions[func].pollers[poller];
            p.receipts.clear();
            p.messages = 0;
            p.state = PollerState::Ready;
            let action = Action::EsmReceive { func: func as u32, poller: poller as u32 };
            self.schedule(self.now + THROTTLED_BATCH_PAUSE_MS, action);
            return;
        }
        let f = &self.functions[func];
        let run = f.run(f.pollers[poller].messages, &mut self.rngs[node]);
        let (rate, partial) = (f.spec.poison_rate, f.spec.event_source.report_batch_item_failures);
        let (arch, memory) = (f.spec.arch, f.spec.memory_mb);
        self.cost.lambda_invoke(arch, memory, run.billed_us);
        let m = &mut self.metrics[node];
        m.add(metrics::lambda::INVOCATIONS, 1.0);
        m.sample(metrics::lambda::DURATION, run.duration as f64);
        // Poison records are drawn on their first processing and stay
        // poison; a batch holding one fails unless the function reports
        // partial batch failures.
        let rng = &mut self.rngs[node];
        let mut poisoned = false;
        for &key in &receipts {
            if rate > 0.0 {
                self.queues[queue].split_poison(key, |m| rng.binomial(m.count, rate));
            }
            let messages = self.queues[queue].receipt(key).map_or(&[][..], |e| &e.messages);
            poisoned |= messages.iter().any(|(m, _)| m.poison);
        }
        let whole_batch_fails = run.failed || (poisoned && !partial);
        if whole_batch_fails {
            self.metrics[node].add(metrics::lambda::ERRORS, 1.0);
        }
        for &key in &receipts {
            self.queues[queue].decide(key, |m| {
                if whole_batch_fails || m.poison { Outcome::Keep } else { Outcome::Delete }
            });
        }
        let action = Action::InvocationDone { func: func as u32, poller: poller as u32 };
        self.schedule(self.now + run.duration, action);
    }

    /// An invocation ended: what succeeded is deleted (DeleteMessageBatch),
    /// the rest stays hidden until its visibility timeout ends; the batch
    /// receives again.
    pub(crate) fn invocation_done(&mut self, func: usize, poller: usize) {
        let node = self.function_nodes[func];
        self.functions[func].end();
        let Some(queue) = self.queue_at(self.functions[func].source) else { return };
        let receipts = std::mem::take(&mut self.functions[func].pollers[poller].receipts);
        let (mut processed, mut duplicates) = (0, 0);
        for key in receipts {
            let done = self.queues[queue].finish(self.now, key);
            processed += done.processed;
            duplicates += done.duplicates;
        }
        let fifo = self.queues[queue].is_fifo();
        let qm = &mut self.metrics[self.queue_nodes[queue]];
        qm.add(metrics::queue::DELETED, processed as f64);
        qm.add(metrics::queue::DUPLICATES, duplicates as f64);
        if processed > 0 {
            self.cost.sqs_calls(fifo, processed.div_ceil(10), 0);
        }
        self.metrics[node].add(metrics::lambda::RECORDS_PROCESSED, processed as f64);
        let p = &mut self.functions[func].pollers[poller];
        p.messages = 0;
        p.state = PollerState::Ready;
        self.after_queue_change(queue);
        self.esm_receive(func, poller);
    }

    /// Once a second: a queue event source with messages waiting adds up to
    /// 5 batches (300 a minute, aws-facts 5.2) up to its maximum; the
    /// concurrency gauge.
    pub(crate) fn lambda_second(&mut self) {
        for func in 0..self.functions.len() {
            let f = &self.functions[func];
            if let Some(queue) = self.queue_at(f.source) {
                let have = f.pollers.len() as u32;
                let room = f.max_batches().saturating_sub(have);
                if self.queues[queue].visible_count > 0 {
                    self.add_pollers(func, QUEUE_ESM_ADDED_PER_S.min(room));
                }
            }
            let f = &mut self.functions[func];
            // aws-facts 5.4: throttled and failed events come back on time.
            let func_events = !f.events.waiting.is_empty();
            if func_events {
                self.lambda_async_dispatch(func);
            }
            let f = &mut self.functions[func];
            if let Some(at) = f.events.oldest() {
                let age = self.now.saturating_sub(at) as f64;
                let node = self.function_nodes[func];
                self.metrics[node].sample(metrics::lambda::OLDEST_UNREAD_AGE, age);
            }
            let f = &mut self.functions[func];
            let peak = std::mem::replace(&mut f.peak, f.running);
            let node = self.function_nodes[func];
            self.metrics[node].sample(metrics::lambda::CONCURRENT_EXECUTIONS, f64::from(peak));
        }
    }
}

/// Asynchronous invocation: the events SNS hands a function (aws-facts-more
/// 5.2: SNS invokes a subscribed function asynchronously) wait in the
/// function's event queue; each is one invocation (aws-facts 5.4).
impl Simulation {
    /// SNS hands `count` events of `bytes` in all (born at their producer
    /// on average at `born_ms`) to function `func`'s event queue, which
    /// accepts them all (Lambda answers an asynchronous Invoke once the
    /// event is queued); they are tried at once.
    pub(crate) fn lambda_async_take(
        &mut self,
        func: usize,
        count: u64,
        bytes: u64,
        born_ms: SimTime,
    ) {
        let now = self.now;
        let q = &mut self.functions[func].events;
        q.received += count;
        q.push(crate::kinds::lambda::Events {
            count,
            bytes,
            queued_at: now,
            queued_mean: now,
            born_ms,
            due: now,
            throttles: 0,
            retries: 0,
        });
        self.lambda_async_dispatch(func);
    }

    /// Tries the events due: each starts an invocation while the function
    /// has concurrency (aws-facts 5.3); the rest are throttled and return
    /// to the queue with the backoff (aws-facts 5.4). An event past the
    /// maximum event age is given up. A failed invocation's event is
    /// retried 1 and then 2 minutes after it ends, up to
    /// `MaximumRetryAttempts`; its next step is drawn when it starts.
    pub(crate) fn lambda_async_dispatch(&mut self, func: usize) {
        use crate::kinds::lambda::{ASYNC_ERROR_WAIT_MS, Events, throttle_backoff_ms};
        let node = self.function_nodes[func];
        let due = self.functions[func].events.take_due(self.now);
        let config = self.functions[func].spec.async_invoke;
        let max_age = SimTime::from(config.maximum_event_age_s) * SECOND;
        for e in due {
            if self.now.saturating_sub(e.queued_at) > max_age {
                self.lambda_async_give_up(func, e.count, e.bytes);
                continue;
            }
            let each = (e.bytes / e.count).max(1);
            let mut left = e.count;
            while left > 0 {
                let pool_free = self.unreserved_free();
                if self.functions[func].start(self.now, pool_free).is_none() {
                    break;
                }
                left -= 1;
                let f = &self.functions[func];
                let run = f.run(1, &mut self.rngs[node]);
                self.cost.lambda_invoke(f.spec.arch, f.spec.memory_mb, run.billed_us);
                let m = &mut self.metrics[node];
                m.add(metrics::lambda::INVOCATIONS, 1.0);
                m.sample(metrics::lambda::DURATION, run.duration as f64);
                let ends = self.now + run.duration;
                if !run.failed {
                    self.functions[func].events.running += 1;
                } else {
                    self.metrics[node].add(metrics::lambda::ERRORS, 1.0);
                    if e.retries < config.maximum_retry_attempts {
                        let wait = ASYNC_ERROR_WAIT_MS[(e.retries as usize).min(1)];
                        let at = (ends + wait).div_ceil(SECOND) * SECOND;
                        let retry =
                            Events { count: 1, bytes: each, due: at, retries: e.retries + 1, ..e };
                        self.functions[func].events.push(retry);
                    } else {
                        self.lambda_async_give_up(func, 1, each);
                    }
                }
                // What a success's latency needs, carried by its event (in
                // 32 bits: the queue gives an event up after 6 hours at
                // most; longer upstream waits saturate at 49 days, short of
                // the failure mark).
                let waited =
                    |ms: SimTime| u32::try_from(ms).unwrap_or(u32::MAX).min(ASYNC_FAILED - 1);
                let (queued, upstream) = if run.failed {
                    (ASYNC_FAILED, 0)
                } else {
                    (waited(ends - e.queued_mean), waited(e.queued_mean.saturating_sub(e.born_ms)))
                };
                self.schedule(ends, Action::AsyncDone { func: func as u32, queued, upstream });
            }
            if left > 0 {
                self.metrics[node].add(metrics::lambda::THROTTLES, left as f64);
                let throttles = e.throttles + 1;
                let at = (self.now + throttle_backoff_ms(throttles)).div_ceil(SECOND) * SECOND;
                let bytes = each * left;
                let back = Events { count: left, bytes, due: at, throttles, ..e };
                self.functions[func].events.push(back);
            }
        }
    }

    /// An asynchronous invocation ended: its concurrency is free, and a
    /// successful one's event is processed, `queued` ms after it was
    /// queued and `upstream` ms after that since it was born
    /// ([`ASYNC_FAILED`] for a failure).
    pub(crate) fn lambda_async_done(&mut self, func: usize, queued: u32, upstream: u32) {
        let node = self.function_nodes[func];
        let measuring = self.measuring();
        let now = self.now;
        let f = &mut self.functions[func];
        f.end();
        if queued != ASYNC_FAILED {
            f.events.running -= 1;
            f.events.processed += 1;
            if measuring {
                let arrived = now.saturating_sub(SimTime::from(queued));
                let born = arrived.saturating_sub(SimTime::from(upstream));
                f.latency.record(now, arrived, arrived, born, 1);
            }
            self.metrics[node].add(metrics::lambda::RECORDS_PROCESSED, 1.0);
        }
    }

    /// Events given up (retries spent or too old, aws-facts 5.4): to the
    /// on-failure destination, a queue, if wired, or dropped.
    fn lambda_async_give_up(&mut self, func: usize, count: u64, bytes: u64) {
        let f = &mut self.functions[func];
        match f.on_failure {
            Some(to) => {
                f.events.to_destination += count;
                // The failure's record is made here (MODEL.md, Latency).
                let batch = Batch::arriving(count, bytes, self.now, self.now);
                self.deliver(self.function_nodes[func], to, batch);
            }
            None => f.events.dropped += count,
        }
    }
}

/// Lambda's event source mapping on an MSK topic (aws-facts-more 3): each
/// partition is read in order, one batch at a time, its offset committed
/// after the batch succeeds; the batches running at once are capped by the
/// pollers and never exceed the partitions.
impl Simulation {
    /// Once a second, after the clusters' second: scaling, then batches.
    pub(crate) fn kafka_second(&mut self) {
        use crate::kinds::lambda::KAFKA_SCALING_EVALUATION_MS;
        for func in 0..self.functions.len() {
            let Some(c) = self.functions[func].kafka.cluster else { continue };
            let lag = self.kafka_lag(func, c);
            let now = self.now;
            let partitions = self.msks[c].partitions.len() as u32;
            let f = &mut self.functions[func];
            if let Some((at, to)) = f.kafka.scaling_to
                && at <= now
            {
                f.kafka.pollers = to;
                f.kafka.scaling_to = None;
            }
            if now.is_multiple_of(KAFKA_SCALING_EVALUATION_MS) {
                // aws-facts-more 3: every minute Lambda looks at the offset
                // lag and adds or removes pollers; a throttled function gets
                // fewer. How many is not documented: double while the lag
                // grows, one fewer once it is gone or after throttles
                // (MODEL.md), in effect a minute later.
                let (lo, hi) = match f.spec.event_source.provisioned_pollers {
                    Some(p) => (p.minimum_pollers.max(1), p.maximum_pollers.max(1)),
                    None => (1, partitions.max(1)),
                };
                let have = f.kafka.pollers;
                let to = if f.kafka.throttled > 0 || lag == 0 {
                    have.saturating_sub(1)
                } else if lag > f.kafka.last_lag {
                    have.saturating_mul(2)
                } else {
                    have
                };
                let to = to.clamp(lo, hi.max(lo));
                if to != have {
                    f.kafka.scaling_to = Some((now + KAFKA_SCALING_EVALUATION_MS, to));
                }
                f.kafka.throttled = 0;
                f.kafka.last_lag = lag;
            }
            self.kafka_fill(func, 0);
            // The age of the oldest record it has not committed.
            let reader = self.functions[func].kafka.reader;
            let oldest = self.msks[c]
                .partitions
                .iter()
                .filter_map(|p| {
                    let from = p.esm[reader];
                    p.log.iter().find(|s| s.first + s.records > from).map(|s| s.at)
                })
                .min();
            let age = oldest.map_or(0.0, |at| self.now.saturating_sub(at) as f64);
            let node = self.function_nodes[func];
            self.metrics[node].sample(metrics::lambda::OLDEST_UNREAD_AGE, age);
        }
    }

    /// The event source's offset lag on cluster `c`: records written and
    /// not yet committed by it (aws-facts-more 3, `OffsetLag`).
    pub(crate) fn kafka_lag(&self, func: usize, c: usize) -> u64 {
        let reader = self.functions[func].kafka.reader;
        self.msks[c].partitions.iter().map(|p| p.end_offset - p.esm[reader]).sum()
    }

    /// A batching window of `partition` ended.
    pub(crate) fn kafka_poll(&mut self, func: usize, partition: usize) {
        self.kafka_fill(func, partition);
    }

    /// Sends the batches that are ready, from partition `first` round the
    /// topic, while the pollers have room.
    fn kafka_fill(&mut self, func: usize, first: usize) {
        let Some(c) = self.functions[func].kafka.cluster else { return };
        let n = self.functions[func].kafka.partitions.len();
        for k in 0..n {
            let p = (first + k) % n;
            let f = &self.functions[func];
            let cap = f.kafka_concurrency(f.kafka.pollers, n as u32);
            if f.kafka.busy() >= cap {
                return;
            }
            let state = f.kafka.partitions[p];
            if state.in_flight.is_some() || self.now < state.not_before {
                continue;
            }
            // A partition without a leader serves no fetch (aws-facts-more 1.4).
            if self.msks[c].leader(p, self.now).is_none() {
                continue;
            }
            let part = &self.msks[c].partitions[p];
            let offset = part.esm[f.kafka.reader];
            let waiting = part.end_offset - offset;
            if waiting == 0 {
                continue;
            }
            // aws-facts-more 3: a batch goes when full or when the window,
            // started by its first record, ends.
            let window = f.kafka_window();
            let since = state.gathering_since.unwrap_or(self.now);
            if waiting < f.kafka_batch() && self.now < since + window {
                if state.gathering_since.is_none() {
                    self.functions[func].kafka.partitions[p].gathering_since = Some(self.now);
                    let action = Action::KafkaPoll { func: func as u32, partition: p as u32 };
                    self.schedule(self.now + window, action);
                }
                continue;
            }
            self.kafka_invoke(func, c, p);
        }
    }

    /// Invokes the function with partition `p`'s next batch: up to the
    /// batch size within the 6 MB payload (aws-facts-more 3). A throttle
    /// leaves the batch for the next second and counts toward fewer
    /// pollers.
    fn kafka_invoke(&mut self, func: usize, c: usize, p: usize) {
        use crate::kinds::lambda::BATCH_RECORD_BYTES;
        let node = self.function_nodes[func];
        let pool_free = self.unreserved_free();
        if self.functions[func].start(self.now, pool_free).is_none() {
            self.metrics[node].add(metrics::lambda::THROTTLES, 1.0);
            let f = &mut self.functions[func];
            f.kafka.throttled += 1;
            f.kafka.partitions[p].not_before = self.now + SECOND;
            return;
        }
        let f = &self.functions[func];
        let part = &self.msks[c].partitions[p];
        let offset = part.esm[f.kafka.reader];
        let mut records = (part.end_offset - offset).min(f.kafka_batch());
        let mut bytes = part.bytes_between(offset, offset + records);
        if bytes > BATCH_RECORD_BYTES && records > 1 {
            let fit = (records as f64 * BATCH_RECORD_BYTES as f64 / bytes as f64) as u64;
            records = fit.max(1);
            bytes = part.bytes_between(offset, offset + records);
        }
        let run = f.run(records, &mut self.rngs[node]);
        self.cost.lambda_invoke(f.spec.arch, f.spec.memory_mb, run.billed_us);
        // aws-facts-more 1.7: what consumers fetch is the brokers' bytes out.
        let cluster = self.msk_nodes[c];
        self.metrics[cluster].add(crate::kinds::msk::metrics::BYTES_OUT, bytes as f64);
        let m = &mut self.metrics[node];
        m.add(metrics::lambda::INVOCATIONS, 1.0);
        m.sample(metrics::lambda::DURATION, run.duration as f64);
        let state = &mut self.functions[func].kafka.partitions[p];
        state.in_flight = Some((offset, records, bytes));
        state.failing = run.failed;
        state.gathering_since = None;
        let action = Action::KafkaDone { func: func as u32, partition: p as u32 };
        self.schedule(self.now + run.duration, action);
    }

    /// A batch of partition `p` ended. Success commits its offset; a
    /// failure retries the batch whole (aws-facts-more 3) until
    /// `MaximumRetryAttempts` or `MaximumRecordAgeInSeconds` gives it up
    /// (-1: until retention deletes it), the on-failure queue getting one
    /// record about it. Then the next batches go.
    pub(crate) fn kafka_done(&mut self, func: usize, p: usize) {
        let node = self.function_nodes[func];
        let f = &mut self.functions[func];
        f.end();
        let Some(c) = f.kafka.cluster else { return };
        let reader = f.kafka.reader;
        let state = &mut f.kafka.partitions[p];
        let Some((start, records, _)) = state.in_flight.take() else { return };
        let (failing, attempts) = (state.failing, state.attempts + 1);
        let max_retries = f.spec.event_source.maximum_retry_attempts;
        let part = &self.msks[c].partitions[p];
        let arrived =
            part.log.iter().find(|s| s.first + s.records > start).map_or(self.now, |s| s.at);
        let too_old = f.too_old(self.now.saturating_sub(arrived));
        let give_up = failing && ((max_retries >= 0 && attempts > max_retries as u32) || too_old);
        if failing {
            self.metrics[node].add(metrics::lambda::ERRORS, 1.0);
        }
        let group = self.msks[c].group_reads();
        let f = &mut self.functions[func];
        let state = &mut f.kafka.partitions[p];
        if failing && !give_up {
            state.attempts = attempts;
        } else {
            state.attempts = 0;
            let cluster = &mut self.msks[c];
            // An MSK Serverless cluster bills the bytes read (aws-facts-more 2.3).
            if cluster.spec.is_serverless() {
                let part = &cluster.partitions[p];
                let before = part.esm[reader];
                cluster.esm_bytes_out += part.bytes_between(before, before.max(start + records));
            }
            let part = &mut cluster.partitions[p];
            // Retention may have moved the offset past the batch already.
            let before = part.esm[reader];
            part.esm[reader] = before.max(start + records);
            let moved = part.esm[reader] - before;
            if !group {
                part.read_last_second += moved;
            }
            if give_up {
                f.discarded += moved;
                if let Some(to) = f.on_failure {
                    let now = self.now;
                    self.deliver(node, to, Batch::arriving(1, 1_024, now, now));
                }
            } else {
                self.metrics[node].add(metrics::lambda::RECORDS_PROCESSED, moved as f64);
            }
        }
        self.kafka_fill(func, p);
    }
}

impl EngineKind for LambdaSpec {
    fn accept(_: &mut Simulation, _: usize, _: NodeIndex, _: Batch) -> u64 {
        0
    }

    fn offered(sim: &mut Simulation, slot: usize, poller: usize) -> bool {
        sim.esm_offered(slot, poller)
    }

    fn producer_target(_: usize) -> Option<Target> {
        None
    }

    // A function measures its stream source's reads, or its SNS events; on
    // a queue its queue measures (MSK: none).
    fn latency(sim: &Simulation, node: NodeIndex, slot: usize) -> Option<&Latencies> {
        sim.reader_latency(node).or_else(|| {
            let function = &sim.functions[slot];
            sim.topic_at(function.source).is_some().then_some(&function.latency)
        })
    }
}
