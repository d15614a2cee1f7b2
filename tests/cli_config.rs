//! The `config`, `completions` and `man` subcommands and `--config`, run as
//! the real binary with private XDG directories.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sorot");
const SUBCOMMANDS: [&str; 9] = [
    "fetch",
    "list",
    "annotate",
    "train",
    "eval",
    "config",
    "completions",
    "man",
    "help",
];

fn sorot(home: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("HOME", home)
        .output()
        .expect("sorot runs")
}

#[test]
fn completions_mention_every_subcommand() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = sorot(home.path(), &["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        for sub in SUBCOMMANDS {
            assert!(text.contains(sub), "{shell} completions lack {sub}");
        }
        assert!(
            text.contains("--config") || text.contains("-l config"),
            "{shell} completions lack --config"
        );
    }
    let out = sorot(home.path(), &["completions", "powershell"]);
    assert!(!out.status.success());
}

#[test]
fn man_page_is_roff_and_lists_the_subcommands() {
    let home = tempfile::tempdir().unwrap();
    let out = sorot(home.path(), &["man"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH sorot"),
        "{}",
        &text[..200.min(text.len())]
    );
    assert!(text.contains(".TH sorot"));
    for sub in SUBCOMMANDS {
        assert!(text.contains(sub), "man page lacks {sub}");
    }
}

#[test]
fn default_config_is_printed_and_reads_back_without_problems() {
    let home = tempfile::tempdir().unwrap();
    let out = sorot(home.path(), &["config", "--default"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("theme = \"auto\"") && text.contains("[keys.list]"));
    let file = home.path().join("mine.toml");
    std::fs::write(&file, &text).unwrap();
    let out = sorot(home.path(), &["config", "--config", file.to_str().unwrap()]);
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains(&format!("config: {}", file.display())),
        "{report}"
    );
}

#[test]
fn bad_config_is_reported_and_list_still_runs() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/sorot");
    std::fs::create_dir_all(&dir).unwrap();
    let articles = home.path().join("news");
    std::fs::create_dir_all(&articles).unwrap();
    std::fs::write(articles.join("a.txt"), "Hello world\n\nBody text.").unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "paths = [{:?}]\nsort = \"newest\"\n",
            articles.display().to_string()
        ),
    )
    .unwrap();
    let out = sorot(home.path(), &["config"]);
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(!out.status.success());
    assert!(
        report.contains("config.toml:2: `sort`: \"newest\" is not accepted"),
        "{report}"
    );
    // `list` with no paths reads the config's paths and warns about `sort`.
    let out = sorot(home.path(), &["list"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("Hello world"), "{stdout}");
    assert!(
        stderr.contains("warning:") && stderr.contains("`sort`"),
        "{stderr}"
    );
}

#[test]
fn user_lists_apply_to_annotate() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/sorot");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("entities.toml"),
        "never = [\"Jakarta\"]\n[[always]]\nname = \"Zorblax\"\ntype = \"ORG\"\n",
    )
    .unwrap();
    let article = home.path().join("a.txt");
    std::fs::write(
        &article,
        "Zorblax opens in Jakarta\n\nThe firm Zorblax said on Monday in Jakarta that it would hire.",
    )
    .unwrap();
    let out = sorot(
        home.path(),
        &["annotate", "--format", "conll", article.to_str().unwrap()],
    );
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("Zorblax") && l.ends_with("B-ORG")),
        "{text}"
    );
    assert!(
        text.lines()
            .filter(|l| l.starts_with("Jakarta"))
            .all(|l| l.ends_with('O')),
        "{text}"
    );
}
