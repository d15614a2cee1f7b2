//! Recogniser throughput in CPU time, for a machine shared with other work
//! where wall-clock benchmarks (`cargo bench --bench ner`) are unreliable:
//! tokenises and tags the shared dev-set text `ROUNDS` times on one thread and
//! divides the token count by the thread's CPU time (from
//! `/proc/thread-self/schedstat`), next to the wall time.
//!
//! ```text
//! cargo run --release --example ner_speed -- [ROUNDS]
//! ```

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use sorot::ner::{Lang, conll, recognize, token};

/// Nanoseconds this thread has spent on a CPU (Linux), if readable.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ner");
    for (lang, rel) in [
        (Lang::En, "en/conll2003/dev.txt"),
        (Lang::Id, "id/idner-news-2k/dev.txt"),
    ] {
        let corpus = match conll::read_file(&root.join(rel)) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("ner_speed: skipped {rel}: {e}");
                continue;
            }
        };
        // Same text as the criterion benchmark: a sentence per line.
        let docs: Vec<String> = corpus
            .documents
            .iter()
            .map(|d| {
                let mut t = String::new();
                for s in &d.sentences {
                    t.push_str(&s.tokens.join(" "));
                    t.push('\n');
                }
                t
            })
            .collect();
        let tokens: usize = docs.iter().map(|d| token::tokenize(d).len()).sum();
        recognize("warm up", lang);
        let (c0, w0) = (thread_cpu_ns(), Instant::now());
        let mut spans = 0usize;
        for _ in 0..rounds {
            for d in &docs {
                spans += black_box(recognize(black_box(d), lang)).len();
            }
        }
        let wall = w0.elapsed().as_secs_f64();
        let total = (tokens * rounds) as f64;
        let cpu = match (c0, thread_cpu_ns()) {
            (Some(a), Some(b)) => format!(
                "{:.0} tokens/s CPU ({:.3} s)",
                total / ((b - a) as f64 / 1e9),
                (b - a) as f64 / 1e9
            ),
            _ => "CPU time unavailable".to_owned(),
        };
        println!(
            "{}: {tokens} tokens x {rounds}: {cpu}, {:.0} tokens/s wall ({wall:.3} s), {} spans",
            lang.code(),
            total / wall,
            spans / rounds
        );
    }
}
