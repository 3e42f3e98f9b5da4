//! How SQS calls carry messages (aws-facts 4.1) and what each bills
//! (aws-facts 2.4): a SendMessageBatch or ReceiveMessage call carries up to
//! 10 messages, a SendMessageBatch at most the queue's `MaximumMessageSize`
//! in all, and every call is one request plus one more for each further
//! 64 KB of its payload. Calls are counted whole: a queue takes a call or
//! throttles it, and the meter bills the calls taken, by their own payload.

use crate::cost::{SQS_CHUNK_BYTES, sqs_billed_requests};
use crate::kinds::producer::Producer;
use crate::kinds::queue::MAX_BATCH_MESSAGES;
use crate::rng::NodeRng;

/// Where the sizes of a send's messages come from.
#[derive(Clone, Copy, Debug)]
pub enum Sizes<'a> {
    /// Every message has this many bytes.
    Each(u64),
    /// Drawn from a producer's record size distribution.
    Drawn(&'a Producer),
}

/// One send's SendMessageBatch calls, in the order the sender makes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendCalls {
    /// Messages of one size, `per_call` to a call (the last call the rest).
    Even {
        /// Messages in all.
        messages: u64,
        /// Messages per call: 10, or fewer when 10 exceed the size cap.
        per_call: u64,
        /// Bytes of each message.
        bytes: u64,
    },
    /// Varied sizes of which 10 can never reach 64 KiB nor the size cap:
    /// 10 to a call, one request each, and sizes drawn only for the
    /// messages a queue takes.
    Light {
        /// Messages in all.
        messages: u64,
    },
    /// Varied sizes drawn one by one and packed in order, a call closing
    /// at 10 messages or before the one that would pass the size cap:
    /// `(messages, payload bytes)` per call.
    Packed(Vec<(u64, u64)>),
}

/// What the calls a queue took of a send carried and bill.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Taken {
    /// Messages.
    pub messages: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Billed requests: each call's 64 KB chunks.
    pub requests: u64,
}

impl SendCalls {
    /// Packs `messages` into calls of at most `cap` bytes each.
    pub fn plan(messages: u64, sizes: Sizes<'_>, cap: u64, rng: &mut NodeRng) -> Self {
        match sizes {
            Sizes::Each(bytes) => {
                let bytes = bytes.max(1);
                let per_call = MAX_BATCH_MESSAGES.min(cap / bytes).max(1);
                SendCalls::Even { messages, per_call, bytes }
            }
            Sizes::Drawn(p) => {
                let largest = u64::from(p.spec.record_size.max_bytes());
                if MAX_BATCH_MESSAGES * largest <= cap.min(SQS_CHUNK_BYTES) {
                    return SendCalls::Light { messages };
                }
                let mut calls: Vec<(u64, u64)> = Vec::new();
                let (mut n, mut payload) = (0, 0);
                for _ in 0..messages {
                    let size = p.draw_data_bytes(1, rng);
                    if n == MAX_BATCH_MESSAGES || (n > 0 && payload + size > cap) {
                        calls.push((n, payload));
                        (n, payload) = (0, 0);
                    }
                    n += 1;
                    payload += size;
                }
                if n > 0 {
                    calls.push((n, payload));
                }
                SendCalls::Packed(calls)
            }
        }
    }

    /// How many calls.
    pub fn calls(&self) -> u64 {
        match self {
            SendCalls::Even { messages, per_call, .. } => messages.div_ceil(*per_call),
            SendCalls::Light { messages } => messages.div_ceil(MAX_BATCH_MESSAGES),
            SendCalls::Packed(calls) => calls.len() as u64,
        }
    }

    /// The first `calls` calls: what they carry and bill (sizes of `Light`
    /// messages are drawn here, for those taken only).
    pub fn take(&self, calls: u64, sizes: Sizes<'_>, rng: &mut NodeRng) -> Taken {
        let calls = calls.min(self.calls());
        match *self {
            SendCalls::Even { messages, per_call, bytes } => {
                let full = calls.min(messages / per_call);
                let rest = if calls > full { messages - full * per_call } else { 0 };
                let requests = full * sqs_billed_requests(per_call * bytes)
                    + if rest > 0 { sqs_billed_requests(rest * bytes) } else { 0 };
                let messages = full * per_call + rest;
                Taken { messages, bytes: messages * bytes, requests }
            }
            SendCalls::Light { messages } => {
                let messages = messages.min(calls * MAX_BATCH_MESSAGES);
                let each = match sizes {
                    Sizes::Each(bytes) => bytes,
                    Sizes::Drawn(p) if messages > 0 => p.draw_data_bytes(messages, rng),
                    Sizes::Drawn(_) => 0,
                };
                Taken { messages, bytes: messages * each, requests: calls }
            }
            SendCalls::Packed(ref packed) => {
                packed.iter().take(calls as usize).fold(Taken::default(), |t, &(n, payload)| {
                    Taken {
                        messages: t.messages + n,
                        bytes: t.bytes + payload,
                        requests: t.requests + sqs_billed_requests(payload),
                    }
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Target;
    use crate::scenario::{ProducerSpec, RecordSize};

    fn producer(record_size: RecordSize) -> Producer {
        Producer::new(ProducerSpec { record_size, ..Default::default() }, Target::Queue(0), vec![])
    }

    #[test]
    fn aws_facts_2_4_calls_of_one_size_bill_each_64_kb_of_their_payload() {
        let mut rng = NodeRng::new(1, "calls");
        // 25 messages of 20 KiB: two calls of 10 (200 KiB: 4 requests
        // each) and one of 5 (100 KiB: 2 requests).
        let calls = SendCalls::plan(25, Sizes::Each(20 * 1024), 1 << 20, &mut rng);
        assert_eq!(calls.calls(), 3);
        let all = calls.take(3, Sizes::Each(20 * 1024), &mut rng);
        assert_eq!((all.messages, all.requests), (25, 4 + 4 + 2));
        let first = calls.take(1, Sizes::Each(20 * 1024), &mut rng);
        assert_eq!((first.messages, first.bytes, first.requests), (10, 200 * 1024, 4));
        // aws-facts 4.1: 256 KiB a call (classic) holds 2 messages of 100 KiB.
        let capped = SendCalls::plan(5, Sizes::Each(100 * 1024), 256 * 1024, &mut rng);
        assert_eq!(capped.calls(), 3);
    }

    #[test]
    fn aws_facts_2_4_varied_sizes_are_billed_call_by_call() {
        // Log-normal sizes: each call's payload is the sum of its messages',
        // packed under the 1 MiB cap, so requests follow the calls' own
        // payloads, not the average message's.
        let p = producer(RecordSize::LogNormal { median_bytes: 40_000.0, sigma: 1.0 });
        let mut rng = NodeRng::new(2, "calls");
        let calls = SendCalls::plan(10_000, Sizes::Drawn(&p), 1 << 20, &mut rng);
        let SendCalls::Packed(packed) = &calls else { panic!("{calls:?}") };
        assert_eq!(packed.iter().map(|c| c.0).sum::<u64>(), 10_000);
        assert!(packed.iter().all(|&(n, b)| n <= 10 && (b <= 1 << 20 || n == 1)));
        assert!(calls.calls() > 1_000, "some calls close early at the cap");
        let taken = calls.take(calls.calls(), Sizes::Drawn(&p), &mut rng);
        let by_call: u64 = packed.iter().map(|c| c.1.div_ceil(SQS_CHUNK_BYTES)).sum();
        assert_eq!(taken.requests, by_call);
        // Small varied messages never pass 64 KiB a call: one request each,
        // no sizes drawn but for the messages taken.
        let small = producer(RecordSize::Uniform { min_bytes: 100, max_bytes: 6_000 });
        let calls = SendCalls::plan(95, Sizes::Drawn(&small), 1 << 20, &mut rng);
        assert_eq!(calls, SendCalls::Light { messages: 95 });
        let taken = calls.take(4, Sizes::Drawn(&small), &mut rng);
        assert_eq!((taken.messages, taken.requests), (40, 4));
        assert!((100 * 40..=6_000 * 40).contains(&taken.bytes));
    }
}
