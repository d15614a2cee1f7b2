//! End-to-end: the reader started in tmux with `--config FILE` that
//! rebinds keys; the new keys work, the old ones no longer do, and the
//! status bar shows the user's keys. Skips (saying so) without tmux.

#[path = "common/tmux.rs"]
mod tmux;

use std::path::Path;

fn fixtures() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tui")
        .display()
        .to_string()
}

#[test]
fn e2e_config_rebinds_keys() {
    require_tmux!("e2e_config_rebinds_keys");
    let s = tmux::Session::new("config-keys");
    let config = s.home.path().join("my-config.toml");
    std::fs::write(
        &config,
        "sort = \"title\"\n\
         [keys.list]\n\
         select-next = \"n\"\n\
         [keys.global]\n\
         quit = [\"ctrl-q\", \"ctrl-c\"]\n",
    )
    .unwrap();
    s.start(
        &[
            "--config".to_owned(),
            config.display().to_string(),
            fixtures(),
        ],
        100,
        30,
    );
    // Titles sorted: Festival..., Pasar..., Rail...; the status bar hints
    // show the rebound quit key.
    let screen = s.wait_for("Rail link between");
    assert!(screen.contains("Ctrl-q quit"), "{screen}");
    assert!(!screen.contains("  q quit"), "{screen}");
    // `j` no longer moves the list; `n` does.
    s.keys(&["j", "Enter"]);
    s.wait_for("Ribuan pengunjung memadati");
    // (`h`, not Escape: tmux would read Escape then `n` as Alt-n.)
    s.keys(&["h", "n", "Enter"]);
    s.wait_for("Pasar ikan di Muara Angke");
    // `q` is free now: it does nothing; Ctrl-q quits.
    s.keys(&["h", "q", "n", "Enter"]);
    s.wait_for("Ministry of Transportation");
    assert!(s.alive(), "q quit although it was rebound");
    s.keys(&["C-q"]);
    s.wait_exit();
}

#[test]
fn e2e_bad_config_still_starts_and_says_why() {
    require_tmux!("e2e_bad_config_still_starts_and_says_why");
    let s = tmux::Session::new("config-bad");
    let config = s.home.path().join("bad.toml");
    std::fs::write(
        &config,
        "theme = \"purple\"\n[keys.list]\nselect-next = \"k\"\n",
    )
    .unwrap();
    s.start(
        &[
            "--config".to_owned(),
            config.display().to_string(),
            fixtures(),
        ],
        100,
        30,
    );
    s.wait_for("Rail link between");
    s.keys(&["!"]);
    let screen = s.wait_for("bad.toml");
    assert!(screen.contains("`theme`"), "{screen}");
    s.keys(&["!"]);
    s.wait_until("problems closed", |scr| !scr.contains("bad.toml"));
    s.keys(&["q"]);
    s.wait_exit();
}
