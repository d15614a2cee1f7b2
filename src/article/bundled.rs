//! The sample articles embedded in the binary, so `cargo install` gives a
//! working reader anywhere. They are parsed by the same code as files on
//! disk; their paths read `bundled:NAME`.

use std::path::PathBuf;

use super::{Article, LoadEvent, parse_bytes};

/// The embedded files, in the order they are shown.
const SAMPLES: &[(&str, &[u8])] = &[
    (
        "en-port-expansion.txt",
        include_bytes!("../../assets/samples/en-port-expansion.txt"),
    ),
    (
        "en-chip-startup.txt",
        include_bytes!("../../assets/samples/en-chip-startup.txt"),
    ),
    (
        "en-climate-summit.md",
        include_bytes!("../../assets/samples/en-climate-summit.md"),
    ),
    (
        "en-election-brief.json",
        include_bytes!("../../assets/samples/en-election-brief.json"),
    ),
    (
        "id-banjir-semarang.txt",
        include_bytes!("../../assets/samples/id-banjir-semarang.txt"),
    ),
    (
        "id-startup-pangan.txt",
        include_bytes!("../../assets/samples/id-startup-pangan.txt"),
    ),
    (
        "id-riset-vaksin.md",
        include_bytes!("../../assets/samples/id-riset-vaksin.md"),
    ),
    (
        "id-pelabuhan-baru.json",
        include_bytes!("../../assets/samples/id-pelabuhan-baru.json"),
    ),
    (
        "feed-mixed.jsonl",
        include_bytes!("../../assets/samples/feed-mixed.jsonl"),
    ),
];

/// The sample articles embedded in the binary, shown when no path is given.
///
/// Plain-text samples cannot say their language, so the `en-` / `id-`
/// prefix of the sample's file name supplies `lang` when the file has none.
pub fn bundled() -> Vec<Article> {
    let mut out = Vec::new();
    for &(name, bytes) in SAMPLES {
        let path = PathBuf::from(format!("bundled:{name}"));
        let lang = name
            .split_once('-')
            .map(|(p, _)| p)
            .filter(|p| matches!(*p, "en" | "id"));
        for ev in parse_bytes(&path, bytes.to_vec()) {
            // The samples are ours and tested to load cleanly; a problem here
            // would be a bug caught by the tests below, not a user's concern.
            if let LoadEvent::Article(mut a) = ev {
                if a.lang.is_none() {
                    a.lang = lang.map(str::to_owned);
                }
                out.push(a);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_loads_cleanly() {
        for &(name, bytes) in SAMPLES {
            let evs = parse_bytes(&PathBuf::from(name), bytes.to_vec());
            for ev in &evs {
                match ev {
                    LoadEvent::Article(a) => {
                        assert!(a.notes.is_empty(), "{name}: {:?}", a.notes);
                        assert!(!a.body.is_empty(), "{name}: empty body");
                    }
                    LoadEvent::Problem(p) => panic!("{name}: {p}"),
                }
            }
        }
    }

    #[test]
    fn at_least_ten_articles_in_both_languages() {
        let all = bundled();
        assert!(all.len() >= 10, "{}", all.len());
        for lang in ["en", "id"] {
            let n = all
                .iter()
                .filter(|a| a.lang.as_deref() == Some(lang))
                .count();
            assert!(n >= 5, "{lang}: {n}");
        }
        assert!(
            all.iter()
                .all(|a| a.path.to_string_lossy().starts_with("bundled:"))
        );
        let mut ids: Vec<&str> = all.iter().map(|a| a.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "identities are unique");
    }
}
