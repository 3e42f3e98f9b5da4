use super::*;

fn queue(queue_type: QueueType) -> Queue {
    Queue::new(
        QueueSpec { queue_type, max_receive_count: 2, ..Default::default() },
        Some(NodeIndex::new(9)),
    )
}

fn received(q: &Queue, key: ReceiptKey) -> u64 {
    q.receipt(key).unwrap().messages.iter().map(|(m, _)| m.count).sum()
}

/// The ledger count walked cohort by cohort, against the running one.
fn walked(q: &Queue) -> u64 {
    let counted = |m: &Messages| if m.counted { m.count } else { 0 };
    let receipts = q.in_flight.values().chain(q.stale.values());
    q.visible.values().flat_map(|l| &l.cohorts).map(counted).sum::<u64>()
        + q.delayed.iter().map(counted).sum::<u64>()
        + receipts.flat_map(|e| e.messages.iter()).map(|(m, _)| counted(m)).sum::<u64>()
}

#[test]
fn aws_facts_4_1_a_receive_returns_at_most_what_was_asked() {
    let mut q = queue(QueueType::Standard);
    q.send(0, Messages::new(25, 100, 0, 0));
    let key = q.receive(0, MAX_BATCH_MESSAGES, 30_000).unwrap();
    assert_eq!(received(&q, key), 10);
    assert_eq!((q.visible_count, q.in_flight_count), (15, 10));
}

#[test]
fn aws_facts_4_1_receives_stop_at_the_in_flight_limit() {
    let mut q = queue(QueueType::Standard);
    q.send(0, Messages::new(STANDARD_IN_FLIGHT_LIMIT + 5, 100, 0, 0));
    let key = q.receive(0, STANDARD_IN_FLIGHT_LIMIT - 3, 30_000).unwrap();
    assert_eq!(received(&q, key), STANDARD_IN_FLIGHT_LIMIT - 3);
    let key = q.receive(0, 10, 30_000).unwrap();
    assert_eq!(received(&q, key), 3);
    assert_eq!(q.receive(0, 10, 30_000), None);
    let mut fifo = queue(QueueType::Fifo);
    for g in 0..30_000 {
        fifo.send(0, Messages::new(1, 100, 0, g));
    }
    while fifo.receive(0, 10, 30_000).is_some() {}
    assert_eq!(fifo.in_flight_count, FIFO_IN_FLIGHT_LIMIT);
}

#[test]
fn aws_facts_4_2_fifo_keeps_order_and_one_batch_in_flight_per_group() {
    let mut q = queue(QueueType::Fifo);
    q.send(0, Messages::new(8, 100, 0, 1));
    q.send(5, Messages::new(8, 100, 5, 1));
    q.send(10, Messages::new(4, 100, 10, 2));
    // Group 1 is older; its first 10 messages come in order.
    let first = q.receive(20, 10, 30_000).unwrap();
    let batch = &q.receipt(first).unwrap().messages;
    assert!(batch.iter().all(|(m, _)| m.group == 1));
    assert_eq!(batch.iter().map(|(m, _)| m.count).sum::<u64>(), 10);
    assert_eq!(batch[0].0.sent_at, 0);
    // Group 1 is locked while in flight: the next receive gets group 2.
    let second = q.receive(20, 10, 30_000).unwrap();
    assert!(q.receipt(second).unwrap().messages.iter().all(|(m, _)| m.group == 2));
    assert_eq!(q.receive(20, 10, 30_000), None);
    // A failed batch goes back to the front of its group.
    q.decide(first, |_| Outcome::Keep);
    q.finish(30, first);
    assert_eq!(q.receive(40, 10, 30_000), None, "still hidden");
    q.release_due(30_000);
    let again = q.receive(30_001, 10, 60_000).unwrap();
    let batch = &q.receipt(again).unwrap().messages;
    assert_eq!(batch[0].0.sent_at, 0);
    assert_eq!(batch[0].0.receives, 2);
    assert_eq!(batch.iter().map(|(m, _)| m.count).sum::<u64>(), 10);
    assert!(batch.iter().all(|(m, _)| m.receives == 2), "the 6 left behind wait their turn");
}

#[test]
fn aws_facts_4_3_messages_received_max_receive_count_times_move_to_the_dead_letter_queue() {
    let mut q = queue(QueueType::Standard);
    q.send(0, Messages::new(3, 100, 0, 0));
    for round in 1..=2u64 {
        let t = (round - 1) * 30_000;
        let key = q.receive(t, 10, t + 30_000).unwrap();
        q.decide(key, |_| Outcome::Keep);
        q.finish(t + 1, key);
        let out = q.release_due(t + 30_000);
        if round == 1 {
            assert_eq!((out.visible, out.dead_letters.len()), (3, 0));
        } else {
            // Received twice (maxReceiveCount 2) without a delete.
            assert_eq!(out.dead_letters.len(), 1);
            assert_eq!(out.dead_letters[0].count, 3);
            assert_eq!(out.dead_letters[0].sent_at, 0, "retention keeps counting");
        }
    }
    assert_eq!((q.dead_lettered, q.ledger_in_queue()), (3, 0));
}

#[test]
fn aws_facts_4_visibility_ending_during_processing_leaves_a_copy_not_counted_twice() {
    let mut q = queue(QueueType::Standard);
    q.send(0, Messages::new(4, 100, 0, 0));
    let key = q.receive(0, 10, 30_000).unwrap();
    q.release_due(30_000);
    assert!(!q.is_live(key));
    assert_eq!((q.visible_count, q.in_flight_count, q.ledger_in_queue()), (4, 0, 4));
    let copy = q.receive(30_000, 10, 60_000).unwrap();
    let first = q.finish(45_000, key);
    assert_eq!((first.delivered, first.duplicates), (4, 0));
    let second = q.finish(50_000, copy);
    assert_eq!((second.delivered, second.duplicates), (0, 4));
    assert_eq!((q.delivered, q.duplicates, q.ledger_in_queue()), (4, 4, 0));
    assert_eq!(walked(&q), 0);
}

#[test]
fn aws_facts_4_1_retention_expires_each_second_exactly_what_was_sent_that_long_ago() {
    // 60 s retention; 7 messages every 100 ms. At each tick the queue holds
    // exactly the last 60 s of sends and has expired everything older.
    let mut q = Queue::new(QueueSpec { retention_s: 60, ..Default::default() }, None);
    let mut sent = 0;
    for t in (100..=300_000).step_by(100) {
        q.send(t, Messages::new(7, 100, t, 0));
        sent += 7;
        if t % 1_000 == 0 {
            q.expire(t);
            let kept = 7 * 600.min(t / 100);
            assert_eq!(q.visible_count, kept, "at {t} ms");
            assert_eq!(q.expired, sent - kept);
            assert!(q.oldest_age(t) < 60_000, "at {t}: {}", q.oldest_age(t));
        }
    }

    // One cohort per second of sends, not one per send.
    assert_eq!(q.cohorts(), 60);
    assert_eq!(walked(&q), q.ledger_in_queue());
}

#[test]
fn a_backlog_of_many_sparse_groups_is_filed_in_coarser_windows_and_still_balances() {
    // More cohorts than the budget (one message per group per second): the
    // queue files them in wider windows, keeps every message, the oldest
    // message's age exactly, and expires by interpolation inside cohorts.
    let spec = QueueSpec { queue_type: QueueType::Fifo, retention_s: 3_600, ..Default::default() };
    let mut q = Queue::new(spec, None);
    q.max_cohorts = 4_096;
    let groups = 60u32;
    let seconds = (q.max_cohorts as u64 / u64::from(groups)) * 2;
    for s in 1..=seconds {
        for g in 0..groups {
            q.send(s * 1_000, Messages::new(1, 100, s * 1_000, g));
        }
    }
    let sent = seconds * u64::from(groups);
    assert_eq!(q.visible_count, sent);
    assert!(q.cohorts() <= q.max_cohorts, "{}", q.cohorts());
    assert!(q.window_ms > SECOND);
    let now = seconds * 1_000;
    assert_eq!(q.oldest_age(now), now - 1_000);
    // An hour later, half past the first send, about half the messages
    // sent in the first window have expired, none sent after it.
    q.expire(3_600_000 + 1_000 + q.window_ms / 2);
    assert!(q.expired > 0 && q.expired < q.window_ms / 1_000 * u64::from(groups), "{}", q.expired);
    assert_eq!(q.visible_count + q.expired, sent);
    assert_eq!(walked(&q), q.ledger_in_queue());
}

#[test]
fn oldest_age_counts_in_flight_messages_and_not_delayed_ones() {
    let mut q = Queue::new(QueueSpec { delay_s: 10, ..Default::default() }, None);
    q.send(1_000, Messages::new(3, 100, 1_000, 0));
    assert_eq!(q.oldest_age(5_000), 0, "delayed messages are not in the age");
    q.release_due(11_000);
    assert_eq!(q.oldest_age(12_000), 11_000);
    let key = q.receive(12_000, 10, 42_000).unwrap();
    assert_eq!(q.oldest_age(13_000), 12_000, "in flight still counts");
    q.finish(14_000, key);
    assert_eq!(q.oldest_age(15_000), 0);
}

#[test]
fn aws_facts_4_2_fifo_calls_are_counted_per_second_of_the_clock() {
    let fifo = QueueSpec { queue_type: QueueType::Fifo, ..Default::default() };
    let mut q = Queue::new(fifo.clone(), None);
    assert_eq!(q.partition_send_room(0, 0), 300);
    q.spend_sends(10, 0, 300);
    assert_eq!((q.partition_send_room(999, 0), q.queue_send_room(999)), (0, 0));
    assert_eq!(q.partition_send_room(1_000, 0), 300, "a new second");
    let receives = (0..400).filter(|_| q.admit_receive(2_500)).count();
    assert_eq!(receives, 300);
    assert_eq!(q.next_receive_at(2_600), 3_000);
    // High-throughput mode: 300 per partition, 70,000 for the queue.
    let mut high = Queue::new(QueueSpec { high_throughput: true, ..fifo }, None);
    assert_eq!(HIGH_THROUGHPUT_PARTITIONS, 234);
    high.spend_sends(0, 7, 300);
    assert_eq!(high.partition_send_room(0, 7), 0);
    assert_eq!(high.partition_send_room(0, 8), 300);
    assert_eq!(high.queue_send_room(0), 69_700);
    // A standard queue has no limit.
    let mut standard = Queue::new(QueueSpec::default(), None);
    assert_eq!(standard.partition_send_room(0, 0), u64::MAX);
}

#[test]
fn aws_facts_4_2_message_groups_hash_onto_partitions_in_high_throughput_mode() {
    let high = Queue::new(
        QueueSpec { queue_type: QueueType::Fifo, high_throughput: true, ..Default::default() },
        None,
    );
    let groups = message_groups(&KeyDistribution::Uniform { count: 10_000 });
    let mut used = BTreeSet::new();
    for g in &groups {
        let p = high.partition_of(g.hash);
        assert!(p < HIGH_THROUGHPUT_PARTITIONS);
        used.insert(p);
        assert_eq!(p, high.partition_of(hash_key(&key_name(g.id))), "the group id's MD5");
    }
    assert_eq!(used.len(), HIGH_THROUGHPUT_PARTITIONS as usize, "10,000 groups reach them all");
    let standard =
        Queue::new(QueueSpec { queue_type: QueueType::Fifo, ..Default::default() }, None);
    assert!(groups.iter().all(|g| standard.partition_of(g.hash) == 0));
    // A hot key is a group of its own with its share.
    let hot = message_groups(&KeyDistribution::HotKey { count: 9, hot_share: 0.5 });
    assert_eq!(hot[0].id, HOT_GROUP);
    assert!((hot[0].share - 0.5).abs() < 1e-12);
    assert!((hot.iter().map(|g| g.share).sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn spreads_draw_counts_that_add_up_whatever_their_size() {
    let spread = Spread::new((0..1_000).map(|i| (i, 1.0)));
    let mut rng = NodeRng::new(1, "spread");
    let mut out = Counts::new();
    for n in [0, 1, 7, 999, 1_000, 50_000] {
        spread.draw(n, &mut rng, &mut out);
        assert_eq!(out.iter().map(|c| c.1).sum::<u64>(), n);
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0), "sorted, one entry per id");
    }
}

#[test]
fn a_group_without_visible_messages_keeps_no_state() {
    // 10,000 FIFO groups with one message each: once received and deleted,
    // or expired, nothing of them is left, so sparse groups cost no memory.
    let spec = QueueSpec { queue_type: QueueType::Fifo, retention_s: 60, ..Default::default() };
    let mut q = Queue::new(spec, None);
    for g in 0..10_000 {
        q.send(1_000, Messages::new(1, 100, 1_000, g));
    }
    assert_eq!((q.visible.len(), q.heads.len(), q.ready.len()), (10_000, 10_000, 10_000));
    // Half are received and deleted, 10 a receive.
    for _ in 0..500 {
        let key = q.receive(2_000, 10, 32_000).expect("visible messages");
        q.finish(3_000, key);
    }
    assert_eq!((q.visible.len(), q.heads.len(), q.ready.len()), (5_000, 5_000, 5_000));
    assert!(q.locked.is_empty());
    // The rest expire.
    assert_eq!(q.expire(61_000), 5_000);
    assert_eq!((q.visible.len(), q.heads.len(), q.ready.len()), (0, 0, 0));
    assert_eq!((q.cohorts(), q.visible_count, q.ledger_in_queue()), (0, 0, 0));
}
