//! A library written by an attacker: good articles mixed with escape
//! sequences in every field, C1 and bidi controls, broken and absurd JSON,
//! odd encodings, binary junk, huge and special files and bad links.
//! `sorot list` must load every good article, name every bad file with a
//! reason and finish promptly; the reader (driven in tmux) must open every
//! article without any injected sequence reaching the terminal.

#[path = "common/tmux.rs"]
mod tmux;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every payload a hostile article carries. None may have any effect.
const CLEAR: &str = "\x1b[2J\x1b[H";
const TITLE0: &str = "\x1b]0;PWNED0\x07";
const TITLE2: &str = "\x1b]2;PWNED2\x1b\\";
const CLIPBOARD: &str = "\x1b]52;c;UFdORURDTElQ\x07"; // base64("PWNEDCLIP")
const LINK: &str = "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\";
const ALT_ON: &str = "\x1b[?1049h";
const ALT_OFF: &str = "\x1b[?1049l";
const C1_CSI: &str = "\u{9b}2J\u{9b}?1049l";
const C1_OSC: &str = "\u{9d}2;PWNED9D\u{9c}";
const BIDI: &str = "\u{202e}\u{2066}\u{202d}";

/// All payloads run together, then BEL.
fn payload() -> String {
    [
        CLEAR, TITLE0, TITLE2, CLIPBOARD, LINK, ALT_ON, ALT_OFF, C1_CSI, C1_OSC, BIDI, "\x07",
    ]
    .concat()
}

/// [`payload`] plus NUL, for JSON (where it is escaped as `\u0000`): a raw
/// NUL byte makes a text file binary, which `nul.txt` covers.
fn payload_nul() -> String {
    payload() + "\0"
}

/// Text that must never appear on screen or in a title or buffer.
const DEBRIS: &[&str] = &[
    "PWNED",
    "UFdORURDTElQ",
    "evil.example",
    "[2J",
    "?1049",
    "52;c",
];

/// A good article: a unique title marker (`Good01`...) and a body marker
/// (`Mark01`...) that is only in the body, so the screen shows which one is
/// open.
struct Good {
    marker: String,
    body_marker: String,
}

struct Corpus {
    _dir: tempfile::TempDir,
    root: PathBuf,
    good: Vec<Good>,
    /// File names (relative to `root`) that must be reported as problems.
    bad: Vec<String>,
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn build_corpus() -> Corpus {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("library");
    fs::create_dir(&root).unwrap();
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let next = |good: &mut Vec<Good>| {
        let n = good.len() + 1;
        let g = Good {
            marker: format!("Good{n:02}"),
            body_marker: format!("Mark{n:02}"),
        };
        let m = (g.marker.clone(), g.body_marker.clone());
        good.push(g);
        m
    };
    let p = payload();
    let write = |name: &str, bytes: &[u8]| fs::write(root.join(name), bytes).unwrap();

    // Plain, well-formed articles in every format.
    let (t, b) = next(&mut good);
    write(
        "plain.txt",
        format!("{t} Harbour expansion in Surabaya\n\n{b} Three shipping lines said on Tuesday they would add routes.\n").as_bytes(),
    );
    let (t, b) = next(&mut good);
    write(
        "front.md",
        format!("---\ntitle: {t} Kopi Gayo\nauthor: Sari\ndate: 2025-02-11\n---\n\n{b} Petani kopi di Takengon.\n").as_bytes(),
    );
    let (t, b) = next(&mut good);
    write(
        "one.json",
        format!("{{\"title\": \"{t} Rail link\", \"body\": \"{b} The line opens in May.\", \"lang\": \"en\"}}").as_bytes(),
    );

    // Escape sequences in every field, in every format.
    let (t, b) = next(&mut good);
    write(
        "escapes.txt",
        format!("{p}{t} Escaped{p} text title{p}\n\n{p}{b} body{p} with{p} payloads{p}\n{p}\n")
            .as_bytes(),
    );
    let (t, b) = next(&mut good);
    write(
        "escapes.md",
        format!(
            "---\ntitle: {t} Escaped{p} markdown\nauthor: A{p}uthor\nsource: S{p}ource\ndate: 2025-01-0{p}2\nurl: https://x.example/{p}md\nlang: e{p}n\n---\n\n# Heading{p}\n\n{b} body {p}*em{p}* [link{p}](https://md.example/{p})\n"
        )
        .as_bytes(),
    );
    let (t, b) = next(&mut good);
    let pn = payload_nul();
    let field = |s: &str| json_str(&format!("{pn}{s}{pn}"));
    write(
        "escapes.json",
        format!(
            "{{\"title\": {}, \"author\": {}, \"source\": {}, \"published\": {}, \"url\": {}, \"lang\": {}, \"body\": [{}, {}]}}",
            field(&format!("{t} Escaped json")),
            field("Author"),
            field("Source"),
            field("2025-03-01"),
            field("https://x.example/json"),
            field("en"),
            field(&format!("{b} first")),
            field("second"),
        )
        .as_bytes(),
    );
    // A file name carrying escapes, used as the fallback title.
    let (t, b) = next(&mut good);
    write(
        &format!("{t}\x1b]2;PWNEDNAME\x07name\u{202e}.json"),
        format!("{{\"body\": \"{b} no title here\"}}").as_bytes(),
    );
    // C1 controls (8-bit CSI / OSC as UTF-8) and bidi overrides.
    let (t, b) = next(&mut good);
    write(
        "c1_bidi.txt",
        format!("{t} C1{C1_CSI} and bidi{BIDI} title\n\n{b} fdp.exe{BIDI}txt {C1_OSC} \u{85}\u{9b}31m red\n").as_bytes(),
    );

    // JSON lines with bad lines between good ones.
    let (t1, b1) = next(&mut good);
    let (t2, b2) = next(&mut good);
    write(
        "mixed.jsonl",
        format!(
            "{{\"title\": \"{t1} first line\", \"body\": \"{b1} ok\"}}\n{{\"title\": \"trunc\n[1, 2]\n\"string\"\n{{\"title\": \"{t2} fourth line\", \"body\": \"{b2} ok\"}}\nnot json at all\n"
        )
        .as_bytes(),
    );
    // An array with non-objects around a good object.
    let (t, b) = next(&mut good);
    write(
        "array.json",
        format!(
            "[1, \"two\", null, true, [], {{\"title\": \"{t} array item\", \"body\": \"{b} ok\"}}]"
        )
        .as_bytes(),
    );

    // Encodings: Latin-1 bytes, UTF-16 with a BOM, a UTF-8 BOM.
    let (t, b) = next(&mut good);
    let mut latin1 = format!("{t} Caf").into_bytes();
    latin1.extend_from_slice(b"\xe9 in M\xfcnchen\n\n");
    latin1.extend_from_slice(format!("{b} Stra").as_bytes());
    latin1.extend_from_slice(b"\xdfe");
    latin1.extend_from_slice(b" \xe0 la carte\n");
    write("latin1.txt", &latin1);
    let (t, b) = next(&mut good);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in format!("{t} UTF-16 title\r\n\r\n{b} body in UTF-16 \u{1F44D}\r\n").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write("utf16.txt", &utf16);
    let (t, b) = next(&mut good);
    write(
        "bom.md",
        format!("\u{feff}# {t} BOM heading\n\n{b} body after a byte-order mark\n").as_bytes(),
    );

    // Wide and combining characters.
    let (t, b) = next(&mut good);
    write(
        "wide.txt",
        format!("{t} 字节跳动 e\u{301}\u{301}\u{301} 👍🏽\n\n{b} 中文全角文字と日本語 ｗｉｄｅ Z\u{335}\u{31b}\u{358}a\u{300}\u{301}\n").as_bytes(),
    );
    // One line of 400,000 words.
    let (t, b) = next(&mut good);
    let mut long = format!("{t} Long line\n\n{b} ");
    for i in 0..400_000 {
        long.push_str(["kata ", "word ", "Jakarta ", "x "][i % 4]);
    }
    long.push('\n');
    write("longline.txt", long.as_bytes());

    // Bad files.
    write(
        "truncated.json",
        b"{\"title\": \"cut off\", \"body\": \"in the mid",
    );
    bad.push("truncated.json".into());
    write(
        "wrongtype.json",
        b"{\"title\": 42, \"body\": {\"not\": \"text\"}}",
    );
    bad.push("wrongtype.json".into());
    write("nonobjects.json", b"[1, \"two\", null, [3]]");
    bad.push("nonobjects.json".into());
    write("scalar.json", b"\"just a string\"");
    bad.push("scalar.json".into());
    let mut deep = "[".repeat(100_000);
    deep.push_str(&"]".repeat(100_000));
    write("deep.json", deep.as_bytes());
    bad.push("deep.json".into());
    let mut deep_obj = "{\"a\":".repeat(100_000);
    deep_obj.push_str(&"}".repeat(100_000));
    write("deep_obj.jsonl", deep_obj.as_bytes());
    bad.push("deep_obj.jsonl".into());
    for name in ["empty.txt", "empty.json", "empty.md", "empty.jsonl"] {
        write(name, b"");
        bad.push(name.into());
    }
    write("blank.txt", b"\n \n\t\n");
    bad.push("blank.txt".into());
    write("nul.txt", b"Title\n\nbody with a raw \0 byte\n");
    bad.push("nul.txt".into());
    // Random binary (a fixed-seed xorshift, so failures reproduce).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let binary: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    write("random.json", &binary);
    bad.push("random.json".into());
    // 300 MB, sparse: no real disk use, above the default size limit.
    fs::File::create(root.join("huge.txt"))
        .unwrap()
        .set_len(300 * 1024 * 1024)
        .unwrap();
    bad.push("huge.txt".into());
    // A FIFO nobody writes to: opening it would block forever.
    let mk = Command::new("mkfifo").arg(root.join("pipe.txt")).status();
    assert!(mk.is_ok_and(|s| s.success()), "mkfifo failed");
    bad.push("pipe.txt".into());
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(root.join("no-such-file.txt"), root.join("dangling.txt")).unwrap();
        bad.push("dangling.txt".into());
        // A link back to the enclosing directory, and two links in a ring.
        symlink(&root, root.join("loop")).unwrap();
        bad.push("loop".into());
        symlink(root.join("ring_b.txt"), root.join("ring_a.txt")).unwrap();
        symlink(root.join("ring_a.txt"), root.join("ring_b.txt")).unwrap();
        bad.push("ring_a.txt".into());
        bad.push("ring_b.txt".into());
    }
    Corpus {
        _dir: dir,
        root,
        good,
        bad,
    }
}

/// Runs the binary with `args`, failing the test if it takes longer than
/// `limit` (a hang on the FIFO, say). Returns (status, stdout, stderr).
fn run_with_timeout(args: &[&str], limit: Duration) -> (std::process::ExitStatus, String, String) {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(tmux::BIN)
        .args(args)
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    // Read both pipes on threads so a full pipe cannot stall the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).unwrap();
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).unwrap();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sorot {args:?} did not finish within {limit:?} (hung?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = String::from_utf8(out_t.join().unwrap()).expect("stdout is UTF-8");
    let err = String::from_utf8(err_t.join().unwrap()).expect("stderr is UTF-8");
    (status, out, err)
}

fn assert_no_control(what: &str, s: &str) {
    for c in s.chars() {
        assert!(
            !(c.is_control() && c != '\n' && c != '\t'),
            "{what} contains control {c:?}:\n{s}"
        );
        assert!(
            !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'),
            "{what} contains bidi control {c:?}:\n{s}"
        );
    }
    for d in DEBRIS {
        assert!(!s.contains(d), "{what} contains payload debris {d:?}:\n{s}");
    }
}

#[test]
fn list_loads_every_good_article_and_names_every_bad_file() {
    let c = build_corpus();
    let root = c.root.display().to_string();
    let started = Instant::now();
    let (status, out, err) = run_with_timeout(
        &["list", "--format", "jsonl", &root],
        Duration::from_secs(60),
    );
    let took = started.elapsed();
    assert!(status.success(), "exit {status:?}\n{err}");
    assert_no_control("list output", &out);
    assert_no_control("list problems", &err);

    let titles: Vec<String> = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("jsonl line");
            v["title"].as_str().expect("title").to_owned()
        })
        .collect();
    for g in &c.good {
        let n = titles.iter().filter(|t| t.contains(&g.marker)).count();
        assert_eq!(n, 1, "{} loaded {n} times; titles: {titles:#?}", g.marker);
    }
    assert_eq!(
        titles.len(),
        c.good.len(),
        "unexpected articles: {titles:#?}"
    );

    // Every bad file is named, with a reason after the path.
    let problem_lines: Vec<&str> = err.lines().filter(|l| l.starts_with("sorot: ")).collect();
    for name in &c.bad {
        let path = c.root.join(name).display().to_string();
        let line = problem_lines
            .iter()
            .find(|l| l.starts_with(&format!("sorot: {path}: ")))
            .unwrap_or_else(|| panic!("{name} not reported; stderr:\n{err}"));
        let reason = &line[format!("sorot: {path}: ").len()..];
        assert!(reason.len() > 5, "{name}: no real reason: {line}");
    }
    // The specific reasons that matter for safety.
    let reason_of = |name: &str| {
        let path = c.root.join(name).display().to_string();
        problem_lines
            .iter()
            .find(|l| l.starts_with(&format!("sorot: {path}: ")))
            .map(|l| l.to_string())
            .unwrap_or_default()
    };
    assert!(
        reason_of("pipe.txt").contains("not a regular file"),
        "{}",
        reason_of("pipe.txt")
    );
    assert!(
        reason_of("huge.txt").contains("size limit"),
        "{}",
        reason_of("huge.txt")
    );
    assert!(
        reason_of("dangling.txt").contains("dangling"),
        "{}",
        reason_of("dangling.txt")
    );
    assert!(reason_of("loop").contains("loop"), "{}", reason_of("loop"));
    assert!(
        reason_of("empty.json").contains("empty"),
        "{}",
        reason_of("empty.json")
    );
    // Partly bad files report their bad parts too.
    for (name, at) in [
        ("mixed.jsonl", "line 2"),
        ("mixed.jsonl", "line 6"),
        ("array.json", "item 1"),
    ] {
        let path = c.root.join(name).display().to_string();
        assert!(
            problem_lines
                .iter()
                .any(|l| l.starts_with(&format!("sorot: {path}: {at}"))),
            "{name} {at} not reported:\n{err}"
        );
    }
    assert!(took < Duration::from_secs(30), "list took {took:?}");
    eprintln!(
        "hostile corpus: {} good, {} bad files, `sorot list` took {took:.2?}",
        c.good.len(),
        c.bad.len()
    );
}

#[test]
fn reader_shows_hostile_articles_without_any_terminal_effect() {
    require_tmux!("reader_shows_hostile_articles_without_any_terminal_effect");
    let c = build_corpus();
    let s = tmux::Session::new("hostile");
    s.start_idle(120, 40);
    // OSC 52 would reach tmux's buffers if it got through; make sure it can.
    s.tmux_ok(&["set-option", "-g", "set-clipboard", "on"]);
    s.tmux_ok(&["set-buffer", "-b", "sentinel", "SENTINEL-BUFFER"]);
    let cmd = format!(
        "printf '\\033]2;SENTINEL\\033\\\\'; exec {}",
        tmux::command_line(s.home.path(), &[c.root.display().to_string()])
    );
    s.respawn(&cmd);
    let first = s.wait_for(&format!("{} articles", c.good.len()));
    // The title escape from printf worked, so tmux honours OSC 2 here: the
    // checks below would see an injected one.
    assert_eq!(
        s.format("#{pane_title}"),
        "SENTINEL",
        "pane title was not set"
    );
    assert_eq!(
        s.format("#{alternate_on}"),
        "1",
        "reader not on the alternate screen"
    );
    assert!(
        first.contains("problem"),
        "problems not mentioned:\n{first}"
    );

    let check = |when: &str| {
        let screen = s.screen();
        assert!(s.alive(), "reader died {when}:\n{screen}");
        assert_eq!(
            s.format("#{pane_title}"),
            "SENTINEL",
            "title changed {when}"
        );
        assert_eq!(
            s.format("#{alternate_on}"),
            "1",
            "left the alternate screen {when}"
        );
        assert_eq!(s.buffers(), ["sentinel"], "paste buffers changed {when}");
        assert_eq!(
            s.tmux_ok(&["show-buffer", "-b", "sentinel"]),
            "SENTINEL-BUFFER",
            "buffer changed {when}"
        );
        let raw = s.screen_with_escapes();
        assert!(
            !raw.contains("\x1b]"),
            "an OSC reached the screen {when}:\n{raw:?}"
        );
        assert!(!raw.contains('\x07'), "BEL reached the screen {when}");
        assert_no_control_on_screen(when, &screen);
        // Not cleared: the list is still there.
        assert!(screen.contains("Articles"), "list gone {when}:\n{screen}");
        screen
    };
    check("after loading");

    let mut seen = std::collections::BTreeSet::new();
    let markers_on = |screen: &str| -> Vec<String> {
        c.good
            .iter()
            .filter(|g| screen.contains(&g.body_marker))
            .map(|g| g.body_marker.clone())
            .collect()
    };
    for i in 0..c.good.len() {
        if i > 0 {
            s.keys(&["Escape"]);
            s.wait_for("· list");
            s.keys(&["j"]);
        }
        // The reader pane still shows the last article until the next one
        // is drawn: wait for a marker that was not on screen before.
        let before = markers_on(&s.screen());
        s.keys(&["Enter"]);
        s.wait_until("the next article's body", |sc| {
            sc.contains("· reader") && markers_on(sc).iter().any(|m| !before.contains(m))
        });
        let screen = check(&format!("after opening article {}", i + 1));
        seen.extend(markers_on(&screen));
    }
    let missing: Vec<&str> = c
        .good
        .iter()
        .map(|g| g.body_marker.as_str())
        .filter(|m| !seen.contains(*m))
        .collect();
    assert!(missing.is_empty(), "articles never shown: {missing:?}");

    // The problems overlay lists the bad files, and is safe too.
    s.keys(&["Escape"]);
    s.wait_for("· list");
    s.keys(&["!"]);
    s.wait_for("Problems (");
    let mut unseen: Vec<&String> = c.bad.iter().collect();
    for _ in 0..200 {
        let screen = check("with the problems overlay");
        unseen.retain(|name| {
            !screen.lines().any(|l| {
                l.trim_end_matches([' ', '│'])
                    .ends_with(&format!("library/{name}"))
            })
        });
        if unseen.is_empty() {
            break;
        }
        s.keys(&["j"]);
    }
    assert!(unseen.is_empty(), "not in the problems overlay: {unseen:?}");
    // Separate sends: ESC directly followed by `q` would read as Alt-q.
    s.keys(&["Escape"]);
    s.wait_until("the overlay to close", |sc| !sc.contains("Problems ("));
    s.keys(&["q"]);
    s.wait_exit();
}

fn assert_no_control_on_screen(when: &str, screen: &str) {
    for d in DEBRIS {
        assert!(
            !screen.contains(d),
            "payload debris {d:?} on screen {when}:\n{screen}"
        );
    }
}
