//! `sorot annotate --format html`: the page is well-formed (parsed back
//! with html5ever's tokenizer, tags balanced), hostile article text is
//! escaped, and headless Chromium renders it to a PNG without errors.

use std::cell::RefCell;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

const SOROT: &str = env!("CARGO_BIN_EXE_sorot");

/// What parsing the page back found.
#[derive(Default, Debug)]
struct Parsed {
    /// Start tags in order, with their attributes.
    starts: Vec<(String, Vec<(String, String)>)>,
    /// Unbalanced or mismatched end tags, and tokenizer errors.
    errors: Vec<String>,
    /// Open elements (non-void).
    stack: Vec<String>,
    /// All text outside `<style>`, character references decoded.
    text: String,
    in_style: bool,
}

#[derive(Default)]
struct Sink(RefCell<Parsed>);

const VOID: &[&str] = &["meta", "br", "hr", "img", "input", "link"];

impl TokenSink for Sink {
    type Handle = ();
    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let mut p = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                match tag.kind {
                    TagKind::StartTag => {
                        let attrs = tag
                            .attrs
                            .iter()
                            .map(|a| (a.name.local.to_string(), a.value.to_string()))
                            .collect();
                        p.starts.push((name.clone(), attrs));
                        if !VOID.contains(&name.as_str()) {
                            p.stack.push(name.clone());
                        }
                        if name == "style" {
                            p.in_style = true;
                            return TokenSinkResult::RawData(RawKind::Rawtext);
                        }
                    }
                    TagKind::EndTag => {
                        if name == "style" {
                            p.in_style = false;
                        }
                        match p.stack.pop() {
                            Some(open) if open == name => {}
                            other => p
                                .errors
                                .push(format!("line {line}: </{name}> closes {other:?}")),
                        }
                    }
                }
            }
            Token::CharacterTokens(t) => {
                if !p.in_style {
                    p.text.push_str(&t);
                }
            }
            Token::ParseError(e) => p.errors.push(format!("line {line}: {e}")),
            Token::NullCharacterToken => p.errors.push(format!("line {line}: NUL")),
            Token::CommentToken(_) | Token::DoctypeToken(_) | Token::EOFToken => {}
        }
        TokenSinkResult::Continue
    }
}

fn parse(html: &str) -> Parsed {
    let tok = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    while !input.is_empty() {
        let _ = tok.feed(&input);
    }
    tok.end();
    tok.sink.0.into_inner()
}

/// Checks the structure every export must have; returns the parse.
fn check_well_formed(html: &str) -> Parsed {
    assert!(html.starts_with("<!DOCTYPE html>"), "no doctype");
    let p = parse(html);
    assert!(p.errors.is_empty(), "parse errors: {:?}", p.errors);
    assert!(p.stack.is_empty(), "unclosed elements: {:?}", p.stack);
    const ALLOWED: &[&str] = &[
        "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "ul",
        "ol", "li", "mark", "main", "article", "table", "thead", "tbody", "tr", "th", "td", "time",
        "a",
    ];
    for (name, attrs) in &p.starts {
        assert!(ALLOWED.contains(&name.as_str()), "unexpected <{name}>");
        for (k, v) in attrs {
            assert!(!k.starts_with("on"), "event handler {k}={v:?} on <{name}>");
            if k == "href" {
                assert!(
                    v.starts_with("https://")
                        || v.starts_with("http://")
                        || v.starts_with("mailto:"),
                    "href {v:?}"
                );
            }
        }
    }
    // Self-contained: nothing is loaded from anywhere.
    for (name, attrs) in &p.starts {
        assert!(
            !attrs.iter().any(|(k, _)| k == "src" || k == "srcset"),
            "<{name}> loads something"
        );
    }
    let css = html
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    assert!(!css.contains("@import") && !css.contains("url("));
    p
}

fn annotate_html(args: &[&str]) -> (String, String, bool) {
    let out = Command::new(SOROT)
        .args(["annotate", "--format", "html"])
        .args(args)
        .output()
        .expect("running sorot");
    (
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn hostile_text_is_escaped_and_page_stays_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let txt = write(
        dir.path(),
        "evil.txt",
        "<script>alert('t')</script> Li Lei\n\
         Mr Li Lei met Google in London. \"><img src=x onerror=alert(1)> & ' \" done\n\
         bell\u{7} escape\u{1b}[31mred\u{1b}[0m del\u{7f} c1\u{9b}2J rlo\u{202e}x </mark></p></body>\n"
            .as_bytes(),
    );
    let md = write(
        dir.path(),
        "links.md",
        b"# Links\n\nSee [the report](https://example.org/r?a=1&b=\"2\") and [bad](javascript:alert(1)).\n",
    );
    let (html, stderr, ok) = annotate_html(&[&txt, &md]);
    assert!(ok, "{stderr}");
    let p = check_well_formed(&html);
    // The hostile markup survives only as text.
    assert!(p.text.contains("<script>alert('t')</script>"), "{}", p.text);
    assert!(
        p.text
            .contains("\"><img src=x onerror=alert(1)> & ' \" done")
    );
    assert!(p.text.contains("</mark></p></body>"));
    assert!(!p.starts.iter().any(|(n, _)| n == "script" || n == "img"));
    assert_eq!(p.starts.iter().filter(|(n, _)| n == "article").count(), 2);
    // No control or bidi character reaches the page.
    for c in html.chars() {
        assert!(
            !(c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c)),
            "control char {c:?} in output"
        );
    }
    // The text around removed controls survives.
    assert!(p.text.contains("bell") && p.text.contains("red") && p.text.contains("rlox"));
    // The link is kept, escaped in its attribute; the javascript: one is not.
    assert!(html.contains("href=\"https://example.org/r?a=1&amp;b=&quot;2&quot;\""));
    assert!(!html.contains("javascript:alert(1)\""));
    assert!(p.text.contains("the report [1]"));
}

#[test]
fn entities_legend_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "a.json",
        br#"{"title": "Li Lei visits London", "lang": "en",
             "body": ["Li Lei arrived in London on Monday.", "Later Li Lei left London for Paris with Google staff."]}"#,
    );
    let (html, stderr, ok) = annotate_html(&[&f]);
    assert!(ok, "{stderr}");
    let p = check_well_formed(&html);
    let marks: Vec<&str> = p
        .starts
        .iter()
        .filter(|(n, _)| n == "mark")
        .filter_map(|(_, a)| {
            a.iter()
                .find(|(k, _)| k == "class")
                .map(|(_, v)| v.as_str())
        })
        .collect();
    // The legend has one mark per label, in order.
    assert_eq!(&marks[..4], ["per", "org", "loc", "misc"]);
    assert!(marks[4..].contains(&"per"), "{marks:?}");
    assert!(marks[4..].contains(&"loc"), "{marks:?}");
    // The entity table counts the recogniser's mentions across title and
    // body, as `--format jsonl` lists them.
    let jsonl = Command::new(SOROT)
        .args(["annotate", "--format", "jsonl", &f])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&jsonl.stdout).unwrap();
    let london = v["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["label"] == "LOC" && e["text"] == "London")
        .count();
    assert!(london >= 2, "{v}");
    let row = html
        .lines()
        .find(|l| l.starts_with("<tr><td><mark class=\"loc\">London</mark>"))
        .unwrap_or_else(|| panic!("no London row in\n{html}"));
    assert!(
        row.ends_with(&format!("<td class=\"n\">{london}</td></tr>")),
        "{row}"
    );
    let css = html.split("<style>").nth(1).unwrap();
    for class in ["mark.per", "mark.org", "mark.loc", "mark.misc"] {
        assert!(css.contains(class), "no colour for {class}");
    }
}

#[test]
fn out_writes_the_file_and_nothing_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page.html");
    let (stdout, stderr, ok) = annotate_html(&["--out", out.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert!(stdout.is_empty());
    let html = std::fs::read_to_string(&out).unwrap();
    let p = check_well_formed(&html);
    assert!(p.starts.iter().filter(|(n, _)| n == "article").count() >= 2);
    // An unwritable --out names the file.
    let bad = dir.path().join("missing/dir/x.html");
    let (_, stderr, ok) = annotate_html(&["--out", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("missing/dir/x.html"), "{stderr}");
}

fn find_chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

#[test]
fn chromium_renders_the_export_to_a_png() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipping chromium_renders_the_export_to_a_png: chromium is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("export.html");
    let (_, stderr, ok) = annotate_html(&["--out", page.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let png = dir.path().join("out.png");
    let profile = dir.path().join("profile");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1000,800")
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut err);
    }
    assert!(status.success(), "chromium failed: {status}\n{err}");
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no PNG ({e}):\n{err}"));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // IHDR: width and height as rendered.
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((w, h), (1000, 800));
    // A blank 1000x800 page compresses to a few hundred bytes; text and
    // coloured marks make it far larger.
    assert!(bytes.len() > 10_000, "PNG only {} bytes", bytes.len());
}
