//! Lambda in the engine: invocations within the account's concurrency and
//! the scaling rate (aws-facts 5.3), and the event source mapping on a
//! queue (aws-facts 5.2): long-polling batches that start at 5 and grow by
//! 300 a minute, batching windows, partial batch responses, and failed or
//! throttled batches that come back after the visibility timeout.

pub(crate) use crate::kinds::lambda::QUEUE_ESM_START_BATCHES;
use crate::kinds::lambda::{ESM_WAIT_TIME_S, PollerState, QUEUE_ESM_ADDED_PER_S};
use crate::kinds::queue::Outcome;
use crate::metrics;
use crate::time::{SECOND, SimTime};

use crate::engine::{Action, Simulation};

/// Pause of a queue event source's batch after its invocation was
/// throttled, before it receives again (not an aws-facts value; MODEL.md).
const THROTTLED_BATCH_PAUSE_MS: SimTime = 1_000;

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
        let node = self.function_nodes[func] as u32;
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
            let me = (self.function_nodes[func] as u32, poller as u32);
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
            let peak = std::mem::replace(&mut f.peak, f.running);
            let node = self.function_nodes[func];
            self.metrics[node].sample(metrics::lambda::CONCURRENT_EXECUTIONS, f64::from(peak));
        }
    }
}
