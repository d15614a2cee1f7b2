//! Shared driver for the tests that run the release binary inside tmux: a
//! private tmux server (own `-L` socket, no config file) per session, its
//! own XDG directories, keys with `send-keys`, and the screen, pane title,
//! paste buffers and alternate-screen flag read back from tmux. Waiting is
//! always by polling the screen, never by sleeping a fixed time.
//!
//! Include it with `#[path = "common/tmux.rs"] mod tmux;`. Not every test
//! file uses every helper, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_sorot");
/// How long any wait may take before the test fails (generous: the machine
/// is shared and builds run beside the tests).
pub const WAIT: Duration = Duration::from_secs(20);

/// True when a working `tmux` is on the PATH.
pub fn available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Returns early from a test, saying so, when tmux is missing.
#[macro_export]
macro_rules! require_tmux {
    ($name:expr) => {
        if !tmux::available() {
            eprintln!("skipping {}: tmux is not installed", $name);
            return;
        }
    };
}

/// Single-quotes `s` for the shell tmux runs commands with.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The folder of the session's home the binary gets as `$XDG_CONFIG_HOME`.
const CONFIG_SUBDIR: &str = "config";

/// A shell command line running the binary with `args`, in `home`'s XDG
/// directories.
pub fn command_line(home: &Path, args: &[String]) -> String {
    let mut cmd = String::from("env");
    for (var, sub) in [
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", CONFIG_SUBDIR),
        ("XDG_CACHE_HOME", "cache"),
    ] {
        let dir = home.join(sub);
        std::fs::create_dir_all(&dir).expect("xdg dir");
        cmd.push_str(&format!(" {var}={}", sh_quote(&dir.display().to_string())));
    }
    cmd.push_str(&format!(" HOME={}", sh_quote(&home.display().to_string())));
    cmd.push(' ');
    cmd.push_str(&sh_quote(BIN));
    for a in args {
        cmd.push(' ');
        cmd.push_str(&sh_quote(a));
    }
    cmd
}

fn path_args(paths: &[PathBuf]) -> Vec<String> {
    paths.iter().map(|p| p.display().to_string()).collect()
}

/// One private tmux server with one window, `main`.
pub struct Session {
    pub socket: String,
    /// XDG data/config/cache directories (and `HOME`) for the binary.
    pub home: tempfile::TempDir,
}

impl Session {
    /// A session name unique to this process and call.
    pub fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        Session {
            socket: format!(
                "sorot-t-{name}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ),
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Runs a tmux command against this server.
    pub fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Runs a tmux command and fails the test if it fails.
    pub fn tmux_ok(&self, args: &[&str]) -> String {
        let out = self.tmux(args);
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts an idle `w`x`h` session (the pane runs `cat`), so options,
    /// buffers and titles can be set before the binary starts.
    pub fn start_idle(&self, w: u16, h: u16) {
        self.tmux_ok(&[
            "new-session",
            "-d",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            "-s",
            "main",
            "cat",
        ]);
        // Keep the window at the size asked for, whatever clients attach.
        self.tmux_ok(&["set-option", "-t", "main", "window-size", "manual"]);
        // A pane whose program exits stays, so a crash can be read back.
        self.tmux_ok(&["set-option", "-t", "main", "remain-on-exit", "on"]);
    }

    /// Replaces the pane's program with `shell_cmd` (run by `sh -c`).
    pub fn respawn(&self, shell_cmd: &str) {
        self.tmux_ok(&["respawn-pane", "-k", "-t", "main", shell_cmd]);
    }

    /// Starts the binary on `args` in a fresh `w`x`h` session.
    pub fn start(&self, args: &[String], w: u16, h: u16) {
        self.start_idle(w, h);
        self.respawn(&command_line(self.home.path(), args));
    }

    /// Starts the binary with `paths` (as arguments) in a 100x30 session.
    pub fn start_paths(&self, paths: &[PathBuf]) {
        self.start(&path_args(paths), 100, 30);
    }

    /// Runs the binary with `paths` again in the same session (after it
    /// exited; its dead pane is kept), with the same XDG directories.
    pub fn restart_paths(&self, paths: &[PathBuf]) {
        self.respawn(&command_line(self.home.path(), &path_args(paths)));
    }

    /// The directory the binary sees as `$XDG_CONFIG_HOME` (created on
    /// first use, like the others).
    pub fn config_home(&self) -> PathBuf {
        let dir = self.home.path().join(CONFIG_SUBDIR);
        std::fs::create_dir_all(&dir).expect("config dir");
        dir
    }

    /// The visible screen as plain text.
    pub fn screen(&self) -> String {
        self.tmux_ok(&["capture-pane", "-p", "-t", "main"])
    }

    /// The visible screen with its attributes as escape sequences (`-e`):
    /// anything a program managed to put on screen beyond text and colours
    /// (hyperlinks, for one) shows up here.
    pub fn screen_with_escapes(&self) -> String {
        self.tmux_ok(&["capture-pane", "-e", "-p", "-t", "main"])
    }

    /// A `#{format}` of the pane (`pane_title`, `alternate_on`, ...).
    pub fn format(&self, fmt: &str) -> String {
        self.tmux_ok(&["display-message", "-p", "-t", "main", fmt])
            .trim_end_matches('\n')
            .to_owned()
    }

    /// The names of all paste buffers.
    pub fn buffers(&self) -> Vec<String> {
        self.tmux_ok(&["list-buffers", "-F", "#{buffer_name}"])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// True while the pane's program runs.
    pub fn alive(&self) -> bool {
        self.format("#{pane_dead}") == "0"
    }

    /// Polls the screen until `pred` holds; panics with the last screen if
    /// it never does.
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
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

    /// Waits until the screen contains `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Sends tmux key names (`Enter`, `Escape`, `C-c`, `j`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        self.tmux_ok(&args);
    }

    /// A left click on the cell at column `x`, row `y` (0-based), sent as
    /// the SGR mouse sequences a terminal sends (press, then release).
    pub fn click(&self, x: u16, y: u16) {
        let (col, row) = (x + 1, y + 1);
        self.type_text(&format!("\x1b[<0;{col};{row}M\x1b[<0;{col};{row}m"));
    }

    /// Sends literal text (no key-name lookup).
    pub fn type_text(&self, text: &str) {
        self.tmux_ok(&["send-keys", "-t", "main", "-l", text]);
    }

    /// Resizes the window (the pane follows).
    pub fn resize(&self, w: u16, h: u16) {
        self.tmux_ok(&[
            "resize-window",
            "-t",
            "main",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
    }

    /// Waits until the pane's program has exited.
    pub fn wait_exit(&self) {
        let start = Instant::now();
        while self.alive() {
            if start.elapsed() > WAIT {
                panic!("program did not exit; screen was:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// The dead pane's exit status, once tmux knows it. tmux (3.3a seen here)
    /// can mark a pane dead before it has reaped the process, and then
    /// reports an empty status for a while: poll, and give `None` if it never
    /// arrives, so callers check the status whenever tmux reports one.
    pub fn exit_status(&self) -> Option<String> {
        let start = Instant::now();
        loop {
            let status = self.format("#{pane_dead_status}");
            if !status.is_empty() {
                return Some(status);
            }
            if start.elapsed() > WAIT {
                return None;
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
