//! `sorot annotate --format ansi` run as a binary: plain `[mention|LABEL]`
//! brackets when stdout is not a terminal or `NO_COLOR` is set, the reader's
//! own theme styles as SGR sequences with `--color always`.

use std::process::Command;

use sorot::article::{Article, LoadEvent, LoadOptions};
use sorot::commands::annotate::annotate as recognise;
use sorot::ner::Label;
use sorot::ui::theme::{Theme, sgr};

const BIN: &str = env!("CARGO_BIN_EXE_sorot");

fn fixture() -> String {
    format!(
        "{}/tests/fixtures/entities-id.txt",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The fixture as the binary loads it, and the first body mention of a
/// person and of an organisation as the same embedded model finds them (so
/// a retrained model does not break the test, while a wrong style does).
fn expected() -> (String, String) {
    let mut articles: Vec<Article> = Vec::new();
    sorot::article::load_paths(&[fixture().into()], &LoadOptions::default(), &mut |ev| {
        if let LoadEvent::Article(a) = ev {
            articles.push(a);
        }
    });
    let a = &articles[0];
    let ann = recognise(a);
    let first = |label| {
        ann.body
            .iter()
            .find(|s| s.label == label)
            .map(|s| a.body[s.range()].to_owned())
            .unwrap_or_else(|| panic!("the fixture has no {label:?} for the model"))
    };
    (first(Label::Per), first(Label::Org))
}

fn annotate(args: &[&str], no_color: Option<&str>) -> String {
    let mut cmd = Command::new(BIN);
    cmd.args(["annotate", "--format", "ansi"])
        .args(args)
        .arg(fixture());
    match no_color {
        Some(v) => cmd.env("NO_COLOR", v),
        None => cmd.env_remove("NO_COLOR"),
    };
    let out = cmd.output().expect("binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn piped_output_is_plain_brackets_with_labels() {
    let (per, org) = expected();
    let out = annotate(&[], None);
    assert!(!out.contains('\x1b'), "{out}");
    assert!(out.contains(&format!("[{per}|PER]")), "{out}");
    assert!(out.contains(&format!("[{org}|ORG]")), "{out}");
    // The text between entities is untouched.
    assert!(out.contains("dikabarkan mengundurkan diri"), "{out}");
    assert_eq!(out, annotate(&["--color", "never"], None));
    assert_eq!(out, annotate(&["--color", "auto"], Some("1")));
}

#[test]
fn color_always_uses_the_reader_theme_even_with_no_color() {
    let t = Theme::default();
    let (per, org) = expected();
    for no_color in [None, Some("1")] {
        let out = annotate(&["--color", "always"], no_color);
        assert!(
            out.contains(&format!("{}{per}\x1b[0m", sgr(t.entity_per))),
            "{out:?}"
        );
        assert!(
            out.contains(&format!("{}{org}\x1b[0m", sgr(t.entity_org))),
            "{out:?}"
        );
        assert!(!out.contains("|PER]"), "{out:?}");
    }
}
