//! End-to-end: the release binary in a detached tmux session of fixed size,
//! driven with `send-keys` and checked with `capture-pane`. Each test uses
//! its own tmux socket and its own XDG directories, and waits by polling
//! the screen, never by sleeping a fixed time. Skips (saying so) without tmux.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sorot");
const WAIT: Duration = Duration::from_secs(15);

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

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

/// Single-quotes `s` for the shell tmux runs the command with.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// One tmux server (own socket) with the reader running in it.
struct Session {
    socket: String,
    /// XDG data/config/cache directories, shared by restarts in one test.
    home: tempfile::TempDir,
}

impl Session {
    fn new(name: &str) -> Self {
        Session {
            socket: format!("sorot-e2e-{name}-{}", std::process::id()),
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Starts the reader on `paths` in a 100x30 session.
    fn start(&self, paths: &[PathBuf]) {
        let home = self.home.path();
        let mut cmd = String::from("env");
        for (var, sub) in [
            ("XDG_DATA_HOME", "data"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            let dir = home.join(sub);
            std::fs::create_dir_all(&dir).expect("xdg dir");
            cmd.push_str(&format!(" {var}={}", sh_quote(&dir.display().to_string())));
        }
        cmd.push_str(&format!(" HOME={}", sh_quote(&home.display().to_string())));
        cmd.push(' ');
        cmd.push_str(&sh_quote(BIN));
        for p in paths {
            cmd.push(' ');
            cmd.push_str(&sh_quote(&p.display().to_string()));
        }
        let args = [
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "-s",
            "main",
            &cmd,
        ];
        // On a restart the previous server may still be shutting down on
        // this socket, and a new-session sent to it fails: try again.
        let start = Instant::now();
        let mut out = self.tmux(&args);
        while !out.status.success()
            && String::from_utf8_lossy(&out.stderr).contains("server exited unexpectedly")
            && start.elapsed() < WAIT
        {
            std::thread::sleep(Duration::from_millis(50));
            out = self.tmux(&args);
        }
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", "main"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until `pred` holds; panics with the last screen if
    /// it never does.
    fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > WAIT {
                panic!("timed out waiting for {what}; screen was:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(out.status.success(), "send-keys {keys:?}");
    }

    /// Literal text (no key-name lookup).
    fn type_text(&self, text: &str) {
        let out = self.tmux(&["send-keys", "-t", "main", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text:?}");
    }

    /// Waits until the reader has exited (the session is gone).
    fn wait_exit(&self) {
        let start = Instant::now();
        while self.tmux(&["has-session", "-t", "main"]).status.success() {
            if start.elapsed() > WAIT {
                panic!("reader did not quit; screen was:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

macro_rules! require_tmux {
    ($name:literal) => {
        if !tmux_available() {
            eprintln!("skipping {}: tmux is not installed", $name);
            return;
        }
    };
}

#[test]
fn e2e_list_open_search_quit() {
    require_tmux!("e2e_list_open_search_quit");
    let s = Session::new("basic");
    s.start(&fixtures());
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
    s.start(&fixtures());
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
    s.start(&fixtures());
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

    s.start(&fixtures());
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

    s.start(&fixtures());
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
    s.start(&paths);
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
    s.start(&[]);
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
    s.start(&fixtures());
    s.wait_for("3 articles");
    s.keys(&["Enter"]);
    s.wait_for("· reader");
    let resize = |w: &str, h: &str| {
        let out = s.tmux(&["resize-window", "-t", "main", "-x", w, "-y", h]);
        assert!(
            out.status.success(),
            "resize-window: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    resize("30", "8");
    s.wait_for("terminal too small");
    // Narrow: only the focused pane (the reader) is shown, rewrapped.
    resize("50", "20");
    let screen = s.wait_until("narrow reader", |sc| {
        sc.contains("· reader") && !sc.contains("too small")
    });
    assert!(
        !screen.contains("Articles 3/3"),
        "list hidden at 50 columns:\n{screen}"
    );
    assert!(screen.lines().all(|l| l.chars().count() <= 50), "{screen}");
    resize("100", "30");
    s.wait_for("Articles 3/3");
    s.keys(&["q"]);
    s.wait_exit();
}
