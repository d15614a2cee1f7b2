//! The committed models are what the README's training commands produce:
//! each `train` command of the README's training block is run (with the
//! built binary, writing to a temporary file instead of `assets/models/`)
//! and its output must be byte-identical to the committed model. Catches a
//! code change that silently alters training. Runs when `../shared/data/ner`
//! exists, else says it skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The README's `train` commands, each as its arguments after `--`
/// (backslash-continued lines joined).
fn readme_train_commands(readme: &str) -> Vec<Vec<String>> {
    let joined = readme.replace("\\\n", " ");
    joined
        .lines()
        .filter_map(|l| l.trim().strip_prefix("cargo run --release -- train "))
        .map(|rest| {
            std::iter::once("train".to_owned())
                .chain(rest.split_whitespace().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[test]
fn committed_models_reproduce_from_the_readme_commands() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if !root.join("../shared/data/ner").is_dir() {
        println!(
            "committed_models_reproduce_from_the_readme_commands: skipped, ../shared/data/ner not found"
        );
        return;
    }
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let commands = readme_train_commands(&readme);
    assert_eq!(commands.len(), 2, "one command per model: {commands:?}");
    let tmp = tempfile::tempdir().expect("temp dir");
    // Both at once: each is single-threaded for most of its run.
    let runs: Vec<(PathBuf, PathBuf, std::process::Child)> = commands
        .into_iter()
        .map(|mut args| {
            let at = args.iter().position(|a| a == "--out").expect("--out") + 1;
            let committed = root.join(&args[at]);
            let out = tmp
                .path()
                .join(Path::new(&args[at]).file_name().expect("name"));
            args[at] = out.display().to_string();
            let child = Command::new(env!("CARGO_BIN_EXE_sorot"))
                .args(&args)
                .current_dir(&root)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("sorot train starts");
            (committed, out, child)
        })
        .collect();
    for (committed, out, child) in runs {
        let done = child.wait_with_output().expect("sorot train runs");
        assert!(
            done.status.success(),
            "training {} failed: {}",
            committed.display(),
            String::from_utf8_lossy(&done.stderr)
        );
        let want = std::fs::read(&committed).expect("committed model");
        let got = std::fs::read(&out).expect("trained model");
        assert!(
            want == got,
            "{} is not what its README command produces ({} bytes committed, {} trained): \
             retrain with the README command and commit the result",
            committed.display(),
            want.len(),
            got.len()
        );
    }
}

#[test]
fn the_readme_commands_are_found() {
    let cmds = readme_train_commands(
        "```sh\ncargo run --release -- train --lang en \\\n  --train a.txt \\\n  --out m.bin\n```\n",
    );
    assert_eq!(
        cmds,
        vec![vec![
            "train", "--lang", "en", "--train", "a.txt", "--out", "m.bin"
        ]]
    );
}
