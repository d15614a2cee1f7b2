//! Dev-set regression: the embedded models must not lose more than one
//! point of PER/ORG/LOC micro F1 against the numbers recorded here (and in
//! the README). Runs when `../shared/data/ner` exists, else says it skipped.

use std::path::PathBuf;

use sorot::commands::eval::evaluate;
use sorot::ner::Lang;

/// PER/ORG/LOC micro F1 of the committed models on the shared dev sets.
const RECORDED: [(Lang, &str, f64); 3] = [
    (Lang::En, "en/conll2003/dev.txt", 93.87),
    (Lang::Id, "id/idner-news-2k/dev.txt", 86.45),
    (Lang::Id, "id/nergrit/dev.txt", 72.50),
];

#[test]
fn ner_dev_regression() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ner");
    if !root.is_dir() {
        println!("ner_dev_regression: skipped, ../shared/data/ner not found");
        return;
    }
    let mut failed = Vec::new();
    for (lang, rel, recorded) in RECORDED {
        let (_, _, report) = evaluate(lang, &root.join(rel)).expect("dev set evaluates");
        let f1 = report.micro_over(&["PER", "ORG", "LOC"]).f1;
        println!("{rel}: PER/ORG/LOC micro F1 {f1:.2} (recorded {recorded:.2})");
        if f1 < recorded - 1.0 {
            failed.push(format!("{rel}: {f1:.2} < {recorded:.2} - 1"));
        }
    }
    assert!(failed.is_empty(), "dev F1 regressed: {failed:?}");
}
