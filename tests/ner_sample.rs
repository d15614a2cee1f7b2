//! The shared Indonesian sample article: every person and organisation it
//! names is found with the right type (a generalisation check: none of these
//! names is special-cased anywhere). Skips when `../shared/samples` is absent.

use std::path::PathBuf;

use sorot::ner::{self, Label, Lang};

/// How many of the 17 names may be missed before the test fails.
const SAMPLE_MAX_MISSING: usize = 2;

#[test]
fn ner_sample_bytedance() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/bytedance-li-lei-id.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!(
            "ner_sample_bytedance: skipped, {} not found",
            path.display()
        );
        return;
    };
    let spans = ner::recognize(&text, Lang::Id);
    let found: Vec<(&str, Label)> = spans
        .iter()
        .map(|s| (&text[s.start()..s.end()], s.label))
        .collect();
    for (t, l) in &found {
        println!("{:4} {t}", l.as_str());
    }
    let people = [
        "Li Lei",
        "Ma Weiying",
        "Wei Xiushen",
        "Zhang Tong",
        "Wu Enda",
        "Li Feifei",
        "Zhang Yiming",
    ];
    let orgs = [
        "ByteDance",
        "ByteDance AI Labs",
        "UCSB",
        "Baidu",
        "Baidu Research",
        "Tencent AI Lab",
        "Google",
        "CloudWalk",
        "Megvii",
        "Tsinghua",
    ];
    let mut missing = Vec::new();
    for p in people {
        if !found.contains(&(p, Label::Per)) {
            missing.push(format!("PER {p}"));
        }
    }
    for o in orgs {
        // A longer organisation naming it ("Megvii Nanjing", "Lembaga ...
        // Universitas Tsinghua") counts: the name is inside an ORG mention.
        let inside = |t: &str| {
            let words: Vec<&str> = t.split_whitespace().collect();
            let want: Vec<&str> = o.split_whitespace().collect();
            words.windows(want.len()).any(|w| w == want.as_slice())
        };
        if !found.iter().any(|(t, l)| *l == Label::Org && inside(t)) {
            missing.push(format!("ORG {o}"));
        }
    }
    println!("missing: {missing:?}");
    let total = people.len() + orgs.len();
    println!("sample: {} of {total} found", total - missing.len());
    assert!(
        missing.len() <= SAMPLE_MAX_MISSING,
        "missing entities: {missing:?}"
    );
}
