//! Any sequence of runtime commands against running simulations: each is
//! applied or refused with a reason, and the ledger balances after every
//! step. Bytes are read as (opcode, arguments, time step) records.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::scenario::{Fault, StreamOp};
use sim_core::{BUNDLED_SCENARIOS, Command, Simulation, load_scenario};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, mut rest)) = data.split_first() else { return };
    let (_, json) = BUNDLED_SCENARIOS[usize::from(pick) % BUNDLED_SCENARIOS.len()];
    let valid = load_scenario(json).expect("bundled scenarios are valid");
    let mut sim = Simulation::new(&valid, u64::from(pick));
    let nodes = valid.scenario().nodes.len();
    while let Some((chunk, tail)) = rest.split_first_chunk::<12>() {
        rest = tail;
        let node = sim_core::NodeIndex::new(usize::from(chunk[1]) % (nodes + 1));
        let a = usize::from(u16::from_le_bytes([chunk[2], chunk[3]]));
        let b = usize::from(u16::from_le_bytes([chunk[4], chunk[5]]));
        let value = u32::from_le_bytes([chunk[6], chunk[7], chunk[8], chunk[9]]);
        let command = match chunk[0] % 14 {
            0 => Command::SetProducerRate { node, records_per_s: f64::from(value) / 7.0 - 1_000.0 },
            1 => Command::SetProducerRate { node, records_per_s: f64::from_bits(u64::from(value) << 32) },
            2 => Command::Reshard {
                node,
                op: StreamOp::SplitShard {
                    shard: a,
                    new_starting_hash_key: (value % 3 != 0).then(|| (u128::from(value) << 96).to_string()),
                },
            },
            3 => Command::Reshard { node, op: StreamOp::MergeShards { shard: a, adjacent_shard: b } },
            4 => Command::Fault { node, fault: Fault::DestinationDown { for_s: u64::from(value) } },
            5 => Command::Fault { node, fault: Fault::SetErrorRate { error_rate: f64::from(value) / 1e9 } },
            6 => Command::Fault { node, fault: Fault::CrashWorker { worker: value % 8 } },
            8 => Command::Fault { node, fault: Fault::RestartWorker { worker: value % 8 } },
            9 if value % 2 == 0 => {
                Command::Fault { node, fault: Fault::SetFunctionErrorRate { error_rate: f64::from(value) / 1e9 } }
            }
            7 => Command::Fault {
                node,
                fault: Fault::TrafficSpike { multiplier: f64::from(value % 2_000) / 100.0, for_s: u64::from(value) },
            },
            10 => Command::Fault {
                node,
                fault: Fault::BrokerFailure { broker: value % 8, for_s: u64::from(value >> 8) % 1_000 },
            },
            11 => Command::Fault { node, fault: Fault::AddPartitions { partitions: value % 64 } },
            12 => Command::Fault { node, fault: Fault::AddBrokers { brokers: value % 64 } },
            13 => Command::Fault { node, fault: Fault::CrashConsumer { consumer: value % 8 } },
            _ => Command::Reshard { node, op: StreamOp::UpdateShardCount { target: value % 40 } },
        };
        let _ = sim.apply(command);
        let step = u64::from(u16::from_le_bytes([chunk[10], chunk[11]])) % 20_000;
        sim.run_until(sim.now() + step);
        assert!(sim.ledger().balances(), "{:?}", sim.ledger());
    }
});
