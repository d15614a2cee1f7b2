//! Recogniser throughput (tokenise + tag, one core) over the shared dev-set
//! text, and model load time. Without `../shared/data/ner`, the golden
//! sentences stand in for the dev text.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sorot::ner::model::{Model, embedded_bytes};
use sorot::ner::{Lang, conll, recognize};

/// Dev-set documents rebuilt as plain text: one line per sentence, tokens
/// joined by spaces (what the tokeniser then splits again).
fn dev_texts(rel: &str) -> Option<Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/ner")
        .join(rel);
    let corpus = conll::read_file(&path).ok()?;
    let mut docs = Vec::new();
    for d in &corpus.documents {
        let mut text = String::new();
        for s in &d.sentences {
            text.push_str(&s.tokens.join(" "));
            text.push('\n');
        }
        docs.push(text);
    }
    Some(docs)
}

fn fallback() -> Vec<String> {
    let json = include_str!("../tests/fixtures/ner_golden.json");
    let v: serde_json::Value = serde_json::from_str(json).expect("golden fixture");
    let text: Vec<String> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["text"].as_str().unwrap_or("").to_owned())
        .collect();
    vec![text.join("\n")]
}

fn bench(c: &mut Criterion) {
    for (lang, rel) in [
        (Lang::En, "en/conll2003/dev.txt"),
        (Lang::Id, "id/idner-news-2k/dev.txt"),
    ] {
        let docs = dev_texts(rel).unwrap_or_else(|| {
            eprintln!("ner bench: {rel} not found, using the golden sentences");
            fallback()
        });
        let tokens: usize = docs
            .iter()
            .map(|d| sorot::ner::token::tokenize(d).len())
            .sum();
        recognize("warm up", lang);
        let mut g = c.benchmark_group(format!("recognize_{}", lang.code()));
        g.throughput(Throughput::Elements(tokens as u64));
        g.sample_size(10);
        g.bench_function("tokenise+tag", |b| {
            b.iter(|| {
                for d in &docs {
                    black_box(recognize(black_box(d), lang));
                }
            })
        });
        g.bench_function("tokenise_only", |b| {
            b.iter(|| {
                for d in &docs {
                    black_box(sorot::ner::token::tokenize(black_box(d)));
                }
            })
        });
        g.finish();
        c.bench_function(&format!("model_load_{}", lang.code()), |b| {
            b.iter(|| black_box(Model::from_bytes(black_box(embedded_bytes(lang))).is_ok()))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
