//! End-to-end: the release binary in a detached tmux session of fixed size,
//! driven with `send-keys` and checked with `capture-pane` (the shared
//! driver in `tests/common/tmux.rs`). Each test uses its own tmux socket and
//! its own XDG directories, and waits by polling the screen, never by
//! sleeping a fixed time. Skips (saying so) without tmux.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[path = "common/tmux.rs"]
mod tmux;

use tmux::{BIN, Session};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/tui exists")
        .map(|e| e.expect("readable fixture dir").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn e2e_list_open_search_quit() {
    require_tmux!("e2e_list_open_search_quit");
    let s = Session::new("basic");
    s.start_paths(&fixtures());
    let screen = s.wait_for("3 articles");
    assert!(screen.contains("3 unread"), "{screen}");
    assert!(screen.contains("Festival Kopi Nusantara"), "{screen}");
    assert!(screen.contains("Rail link between Bandung"), "{screen}");

    // Open the second article (list is in date order, undated: load order).
    s.keys(&["j", "Enter"]);
    let screen = s.wait_for("Kepala Dinas Kelautan");
    assert!(screen.contains("2 unread"), "opening marks read:\n{screen}");
    assert!(screen.contains("· reader"), "{screen}");

    // Find in the article, then jump to the next match.
    s.keys(&["/"]);
    s.type_text("jakarta");
    s.wait_for("match 1 of 2");
    s.keys(&["Enter", "n"]);
    s.wait_for("match 2 of 2");

    // Back to the list and filter it incrementally, diacritics folded.
    s.keys(&["Escape"]);
    s.wait_for("· list");
    s.keys(&["/"]);
    s.type_text("CIREBON");
    let screen = s.wait_for("Articles 1/3");
    assert!(screen.contains("Rail link"), "{screen}");
    assert!(!screen.contains("Festival Kopi"), "{screen}");
    s.keys(&["Escape"]);
    s.wait_for("Articles 3/3");

    // Help comes from the key map.
    s.keys(&["?"]);
    s.wait_for("switch pane");
    s.keys(&["Escape"]);
    s.wait_until("help closed", |sc| !sc.contains("switch pane"));

    s.keys(&["q"]);
    s.wait_exit();
}

#[test]
fn e2e_ctrl_c_quits_even_while_typing_a_search() {
    require_tmux!("e2e_ctrl_c_quits_even_while_typing_a_search");
    let s = Session::new("ctrlc");
    s.start_paths(&fixtures());
    s.wait_for("3 articles");
    s.keys(&["/"]);
    s.type_text("q");
    s.wait_for("filter /q");
    s.keys(&["C-c"]);
    s.wait_exit();
}

#[test]
fn e2e_not_a_terminal_is_a_clear_error() {
    // No tmux needed: stdout is a pipe here.
    let out = Command::new(BIN)
        .args(fixtures())
        .stdin(Stdio::null())
        .output()
        .expect("binary runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not") && err.contains("sorot list"), "{err}");
}

#[test]
fn e2e_read_and_starred_state_survive_a_restart() {
    require_tmux!("e2e_read_and_starred_state_survive_a_restart");
    let s = Session::new("persist");
    s.start_paths(&fixtures());
    let screen = s.wait_for("3 articles");
    assert!(
        screen.contains("3 unread"),
        "fresh XDG dirs start unread:\n{screen}"
    );
    // Open the first article (marks it read), star it, back, quit.
    s.keys(&["Enter"]);
    s.wait_for("2 unread");
    s.keys(&["s", "Escape"]);
    s.wait_for("★");
    s.keys(&["q"]);
    s.wait_exit();
    let state = s.home.path().join("data/sorot/state.json");
    assert!(
        state.is_file(),
        "state saved under XDG_DATA_HOME: {}",
        state.display()
    );

    s.restart_paths(&fixtures());
    let screen = s.wait_for("3 articles");
    assert!(
        screen.contains("2 unread"),
        "read state restored:\n{screen}"
    );
    assert!(screen.contains("★"), "star restored:\n{screen}");
    // Un-star and mark unread again; that must persist too.
    s.keys(&["s", "u"]);
    s.wait_until("star and read cleared", |sc| {
        sc.contains("3 unread") && !sc.contains("★")
    });
    s.keys(&["q"]);
    s.wait_exit();

    s.restart_paths(&fixtures());
    let screen = s.wait_for("3 articles");
    assert!(
        screen.contains("3 unread") && !screen.contains("★"),
        "{screen}"
    );
    s.keys(&["q"]);
    s.wait_exit();
}

#[test]
fn e2e_problems_view_lists_bad_files() {
    require_tmux!("e2e_problems_view_lists_bad_files");
    let s = Session::new("problems");
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"title\": \"x\",\n  \"body\": }").expect("write fixture");
    let mut paths = fixtures();
    paths.push(bad);
    s.start_paths(&paths);
    let screen = s.wait_for("1 problem");
    assert!(screen.contains("3 articles"), "{screen}");
    s.keys(&["!"]);
    let screen = s.wait_for("broken.json");
    assert!(
        screen.contains("line 2"),
        "reason with a position:\n{screen}"
    );
    // Escape and a key sent together read as Alt+key, as in a real terminal.
    s.keys(&["Escape"]);
    s.wait_until("problems view closed", |sc| !sc.contains("Problems ("));
    s.keys(&["q"]);
    s.wait_exit();
}

#[test]
fn e2e_no_path_opens_the_bundled_samples() {
    require_tmux!("e2e_no_path_opens_the_bundled_samples");
    let s = Session::new("bundled");
    s.start_paths(&[]);
    let screen = s.wait_until("bundled articles listed", |sc| {
        sc.contains(" articles · ") && !sc.contains(" 0 articles")
    });
    assert!(
        !screen.contains("problem"),
        "bundled samples load cleanly:\n{screen}"
    );
    s.keys(&["Enter"]);
    s.wait_for("· reader");
    s.keys(&["q"]);
    s.wait_exit();
}

#[test]
fn e2e_resizing_reflows_and_too_small_recovers() {
    require_tmux!("e2e_resizing_reflows_and_too_small_recovers");
    let s = Session::new("resize");
    s.start_paths(&fixtures());
    s.wait_for("3 articles");
    s.keys(&["Enter"]);
    s.wait_for("· reader");
    let resize = |w: u16, h: u16| s.resize(w, h);
    resize(30, 8);
    s.wait_for("terminal too small");
    // Narrow: only the focused pane (the reader) is shown, rewrapped.
    resize(50, 20);
    let screen = s.wait_until("narrow reader", |sc| {
        sc.contains("· reader") && !sc.contains("too small")
    });
    assert!(
        !screen.contains("Articles 3/3"),
        "list hidden at 50 columns:\n{screen}"
    );
    assert!(screen.lines().all(|l| l.chars().count() <= 50), "{screen}");
    resize(100, 30);
    s.wait_for("Articles 3/3");
    s.keys(&["q"]);
    s.wait_exit();
}
