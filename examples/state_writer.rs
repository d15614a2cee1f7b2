//! Writes reading state in a loop, for the crash-safety tests in
//! `tests/state_kill.rs`: `state_writer STATE_FILE NAME STEPS`.
//!
//! Step `i` (from 0) marks `NAME-r{i}` read, un-reads `NAME-r{i-1}` when
//! `i % 3 == 2`, and stars `NAME-s{i % 5}` when `i` is even (un-stars it
//! otherwise); then it saves and prints `ack {i}` (flushed) once
//! `StateStore::save` has returned `Ok`. A failed save prints `err {i}:
//! {message}` and the loop goes on, the way the reader keeps working.
//! The test replays the same steps to know what the file must hold.

use std::io::Write;
use std::process::ExitCode;

use sorot::state::StateStore;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, name, steps] = args.as_slice() else {
        eprintln!("usage: state_writer STATE_FILE NAME STEPS");
        return ExitCode::from(2);
    };
    let Ok(steps) = steps.parse::<u64>() else {
        eprintln!("state_writer: STEPS must be a number, not {steps:?}");
        return ExitCode::from(2);
    };
    let (mut store, warnings) = StateStore::open(path);
    for w in warnings {
        eprintln!("state_writer: {w}");
    }
    let mut out = std::io::stdout().lock();
    for i in 0..steps {
        store.set_read(&format!("{name}-r{i}"), true);
        if i % 3 == 2 {
            store.set_read(&format!("{name}-r{}", i - 1), false);
        }
        store.set_starred(&format!("{name}-s{}", i % 5), i % 2 == 0);
        let line = match store.save() {
            Ok(()) => format!("ack {i}"),
            Err(e) => format!("err {i}: {e}"),
        };
        // A closed stdout means the test is gone: stop.
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
