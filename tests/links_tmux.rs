//! The reader's outward keys, driven in tmux: `o` starts `$BROWSER` with
//! the URL as exactly one argument (no shell), `L` + Enter opens a numbered
//! link, `x` writes an HTML export into the current directory, and `y`
//! copies with OSC 52 only when enabled.

#[path = "common/tmux.rs"]
mod tmux;

use std::path::Path;
use std::time::{Duration, Instant};

use tmux::{Session, command_line, sh_quote};

/// A URL full of characters a shell would act on.
const URL: &str = "https://news.example/a?x=1&y=$(touch${IFS}pwned);z=`id`|w'q\"";

/// A Markdown article with that URL and two links.
fn library(dir: &Path) -> std::path::PathBuf {
    let md = format!(
        "---\ntitle: Li Lei visits London\nurl: {URL}\n---\n\nLi Lei met [officials](https://gov.example/x;y) and [press](https://press.example/p?q=1&r=2) in London.\n"
    );
    let path = dir.join("a.md");
    std::fs::write(&path, md).unwrap();
    path
}

/// A `$BROWSER` that records its arguments, NUL-terminated, one file per call.
fn recorder(dir: &Path) -> std::path::PathBuf {
    let script = dir.join("browser.sh");
    let log = dir.join("calls");
    std::fs::create_dir_all(&log).unwrap();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nf={}/call-$$\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> \"$f.tmp\"; done\nmv \"$f.tmp\" \"$f\"\n",
            sh_quote(&log.display().to_string())
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// Waits for `n` recorded calls; returns each call's arguments.
fn calls(dir: &Path, n: usize) -> Vec<Vec<String>> {
    let start = Instant::now();
    loop {
        let mut files: Vec<_> = std::fs::read_dir(dir.join("calls"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| !p.to_string_lossy().ends_with(".tmp"))
            .collect();
        if files.len() >= n {
            files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            return files
                .iter()
                .map(|f| {
                    let bytes = std::fs::read(f).unwrap();
                    bytes
                        .split(|&b| b == 0)
                        .filter(|s| !s.is_empty())
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect()
                })
                .collect();
        }
        assert!(
            start.elapsed() < tmux::WAIT,
            "browser was called {} times, expected {n}",
            files.len()
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}

fn start(s: &Session, cwd: &Path, env: &str, args: &[String]) {
    s.start_idle(110, 30);
    s.respawn(&format!(
        "cd {} && env {env} {}",
        sh_quote(&cwd.display().to_string()),
        command_line(s.home.path(), args)
    ));
}

#[test]
fn o_and_link_list_start_the_browser_with_one_argument() {
    require_tmux!("o_and_link_list_start_the_browser_with_one_argument");
    let dir = tempfile::tempdir().unwrap();
    let file = library(dir.path());
    let browser = recorder(dir.path());
    let s = Session::new("links-open");
    start(
        &s,
        dir.path(),
        &format!("BROWSER={}", sh_quote(&browser.display().to_string())),
        &[file.display().to_string()],
    );
    s.wait_for("1 article");
    s.keys(&["Enter"]);
    // The body shows the numbers, and the list of links ends the article.
    let screen = s.wait_for("officials [1]");
    assert!(screen.contains("press [2]"), "{screen}");
    assert!(screen.contains("[1] https://gov.example/x;y"), "{screen}");
    s.keys(&["o"]);
    let got = calls(dir.path(), 1);
    assert_eq!(got, [vec![URL.to_owned()]], "exactly one argument, the URL");
    // Nothing was run by a shell.
    assert!(!dir.path().join("pwned").exists());

    s.keys(&["L"]);
    s.wait_for("Links (2)");
    s.keys(&["j", "Enter"]);
    let got = calls(dir.path(), 2);
    assert_eq!(got[1], ["https://press.example/p?q=1&r=2"]);
    s.wait_until("list closed", |sc| !sc.contains("Links (2)"));
    assert!(s.alive());
    s.keys(&["q"]);
    s.wait_exit();
}

#[test]
fn x_exports_the_open_article_into_the_current_directory() {
    require_tmux!("x_exports_the_open_article_into_the_current_directory");
    let dir = tempfile::tempdir().unwrap();
    let file = library(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let s = Session::new("links-export");
    start(&s, &out, "", &[file.display().to_string()]);
    s.wait_for("1 article");
    s.keys(&["Enter", "x"]);
    let screen = s.wait_for("exported to");
    assert!(
        screen.contains("sorot-li-lei-visits-london.html"),
        "{screen}"
    );
    let page = std::fs::read_to_string(out.join("sorot-li-lei-visits-london.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<mark class=\"per\""), "entities marked");
    assert!(page.contains("href=\"https://press.example/p?q=1&amp;r=2\""));
    // A second export does not overwrite the first.
    s.keys(&["x"]);
    s.wait_for("sorot-li-lei-visits-london-2.html");
    s.keys(&["q"]);
    s.wait_exit();
}

#[test]
fn y_copies_with_osc52_only_when_enabled() {
    require_tmux!("y_copies_with_osc52_only_when_enabled");
    let dir = tempfile::tempdir().unwrap();
    let file = library(dir.path());
    for enabled in [false, true] {
        let s = Session::new("links-copy");
        let env = if enabled {
            "SOROT_OSC52=1"
        } else {
            "SOROT_OSC52="
        };
        start(&s, dir.path(), env, &[file.display().to_string()]);
        s.tmux_ok(&["set-option", "-s", "set-clipboard", "on"]);
        s.wait_for("1 article");
        s.keys(&["Enter", "y"]);
        if enabled {
            s.wait_for("URL copied");
            let start = Instant::now();
            while s.buffers().is_empty() {
                assert!(start.elapsed() < tmux::WAIT, "no paste buffer");
                std::thread::sleep(Duration::from_millis(40));
            }
            let text = s.tmux_ok(&["show-buffer"]);
            assert_eq!(text, URL);
        } else {
            s.wait_for("copying is off");
            assert!(s.buffers().is_empty());
        }
        s.keys(&["q"]);
        s.wait_exit();
    }
}
