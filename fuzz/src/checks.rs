//! The properties every fuzz target checks, shared with the regression
//! tests in `tests/fuzz_regressions.rs` (which include this file by path),
//! so a minimised crasher replays exactly what the fuzzer ran.
//!
//! Each function takes raw fuzzer bytes, must never panic on its own, and
//! panics (with a message naming the broken promise) when sorot breaks one.

use std::path::Path;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use sorot::app::{Action, App};
use sorot::article::{Article, LoadEvent, parse_bytes};
use sorot::ner::{Label, Span};
use sorot::state::StateStore;
use sorot::text::{is_forbidden, sanitize};
use sorot::ui::highlight::{Mark, styled_line};
use sorot::ui::layout::{DocLayout, LineKind, wrap_ranges};

/// True when `s` holds nothing that may not reach the terminal.
pub fn terminal_safe(s: &str) -> bool {
    !s.chars()
        .any(|c| is_forbidden(c) || c == '\u{1b}' || c == '\t')
}

fn assert_safe(what: &str, s: &str) {
    assert!(terminal_safe(s), "{what} is not terminal-safe: {s:?}");
}

/// What every loaded article promises (see `sorot::article::Article`).
pub fn check_article(a: &Article) {
    assert!(!a.title.is_empty(), "empty title");
    assert!(!a.id.is_empty(), "empty id");
    for (what, v) in [
        ("title", Some(&a.title)),
        ("author", a.author.as_ref()),
        ("published", a.published.as_ref()),
        ("source", a.source.as_ref()),
        ("url", a.url.as_ref()),
        ("lang", a.lang.as_ref()),
        ("body", Some(&a.body)),
    ] {
        if let Some(v) = v {
            assert_safe(what, v);
            if what != "body" {
                assert!(!v.contains('\n'), "newline in {what}: {v:?}");
                assert_eq!(v.trim(), v, "{what} not trimmed");
            }
        }
    }
    for n in &a.notes {
        assert_safe("note", n);
    }
    // Paragraphs separated by exactly one blank line, no other newlines,
    // none empty, whitespace collapsed.
    if !a.body.is_empty() {
        for p in a.body.split("\n\n") {
            assert!(!p.is_empty(), "empty paragraph in {:?}", a.body);
            assert!(!p.contains('\n'), "stray newline in {p:?}");
            assert_eq!(p.trim(), p, "paragraph not trimmed: {p:?}");
            assert!(!p.contains("  "), "whitespace not collapsed: {p:?}");
        }
    }
    let offsets: Vec<(usize, &str)> = a.paragraphs().collect();
    for (off, p) in offsets {
        assert_eq!(&a.body[off..off + p.len()], p);
    }
}

/// Parses `data` as a file with extension `ext`; checks every article and
/// problem, and that the same bytes always give the same result.
pub fn loader(ext: &str, data: &[u8]) {
    let path_name = format!("fuzz.{ext}");
    let path = Path::new(&path_name);
    let events = parse_bytes(path, data.to_vec());
    assert!(!events.is_empty(), "no article and no problem");
    for ev in &events {
        match ev {
            LoadEvent::Article(a) => {
                assert_eq!(a.path, path);
                check_article(a);
            }
            LoadEvent::Problem(p) => {
                assert_eq!(p.path, path);
                assert!(!p.reason.is_empty(), "problem without a reason");
                assert_safe("problem reason", &p.reason);
            }
        }
    }
    assert_eq!(
        parse_bytes(path, data.to_vec()),
        events,
        "not deterministic"
    );
}

/// The sanitiser's contract: safe, idempotent, identity on clean text.
pub fn sanitizer(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let out = sanitize(&s);
    assert_safe("sanitised text", &out);
    assert_eq!(sanitize(&out), out, "not idempotent");
    assert_eq!(sorot::text::sanitize_cow(&s), out.as_str());
    let changes =
        |c: char| is_forbidden(c) || matches!(c, '\t' | '\u{feff}' | '\u{2028}' | '\u{2029}');
    if !s.chars().any(changes) {
        assert_eq!(out, s, "clean text was changed");
    }
    // Never grows: everything is dropped or replaced by one space.
    assert!(out.chars().count() <= s.chars().count());
    let collapsed = sorot::text::collapse_whitespace(&out);
    assert_eq!(sorot::text::collapse_whitespace(&collapsed), collapsed);
    let _ = sorot::text::fold(&out);
}

/// Checks spans against `text`: in bounds, on char boundaries, non-empty.
pub fn check_spans(text: &str, spans: &[Span]) {
    for s in spans {
        assert!(s.start() < s.end(), "empty or reversed span {s:?}");
        assert!(s.end() <= text.len(), "span {s:?} past {}", text.len());
        assert!(
            text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()),
            "span {s:?} not on char boundaries of {text:?}"
        );
    }
}

/// Tokeniser, sentence splitter, language detection, the recogniser and
/// mention merging.
pub fn tokenizer(data: &[u8]) {
    use sorot::ner::token::{is_space, sentences, tokenize};
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let tokens = tokenize(text);
    let mut prev = 0;
    for t in &tokens {
        assert!(t.start >= prev, "tokens overlap or go backwards: {t:?}");
        assert!(t.start < t.end && t.end <= text.len(), "bad token {t:?}");
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        let gap = &text[prev..t.start];
        assert!(gap.chars().all(is_space), "non-space {gap:?} in no token");
        prev = t.end;
    }
    assert!(text[prev..].chars().all(is_space), "tail lost");
    let sents = sentences(text, &tokens);
    let mut next = 0;
    for r in &sents {
        assert_eq!(r.start, next, "sentences not contiguous: {sents:?}");
        assert!(r.start < r.end, "empty sentence");
        next = r.end;
    }
    assert_eq!(next, tokens.len(), "sentences do not cover every token");
    let _ = sorot::ner::lang::detect(text);
    // The span path the recogniser feeds: runs of capitalised tokens
    // become spans (label cycling through the four), then are merged.
    let mut spans = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    for (i, t) in tokens.iter().enumerate() {
        let cap = t.text(text).chars().next().is_some_and(char::is_uppercase);
        match (cap, run) {
            (true, Some((s, _))) => run = Some((s, t.end)),
            (true, None) => run = Some((t.start, t.end)),
            (false, Some((s, e))) => {
                spans.push(Span::new(s, e, Label::ALL[i % 4]));
                run = None;
            }
            (false, None) => {}
        }
    }
    if let Some((s, e)) = run {
        spans.push(Span::new(s, e, Label::Misc));
    }
    check_spans(text, &spans);
    recognizer(text);
    let groups = sorot::entities::merge_article(text, &spans, text, &spans);
    for g in &groups {
        assert!(!g.mentions.is_empty(), "entity without mentions");
        for m in &g.mentions {
            assert!(m.start < m.end && m.end <= text.len());
        }
    }
}

/// The recogniser (both embedded models): spans in bounds, on char
/// boundaries, sorted and disjoint, each covering whole tokens.
pub fn recognizer(text: &str) {
    use sorot::ner::Lang;
    let tokens = sorot::ner::token::tokenize(text);
    for lang in [Lang::En, Lang::Id] {
        let spans = sorot::ner::recognize(text, lang);
        check_spans(text, &spans);
        for w in spans.windows(2) {
            assert!(w[0].end() <= w[1].start(), "spans overlap: {w:?}");
        }
        for s in &spans {
            assert!(
                tokens.iter().any(|t| t.start == s.start())
                    && tokens.iter().any(|t| t.end == s.end()),
                "span {s:?} does not cover whole tokens"
            );
        }
    }
}

/// Reads a little-endian u16 from the front of `data`.
fn take_u16(data: &mut &[u8]) -> u16 {
    let v = match data {
        [a, b, ..] => u16::from_le_bytes([*a, *b]),
        [a] => u16::from(*a),
        [] => 0,
    };
    *data = data.get(2..).unwrap_or(&[]);
    v
}

/// Layout and highlighting with arbitrary text, marks and sizes: wrapped
/// lines lose and duplicate nothing, marks never split a character, and the
/// whole reader draws at the size without panicking.
///
/// Input: width u16, height u16, mark count byte, then 4 bytes per mark
/// (start u16, length u16), then the text (`\x00` splits title from body).
pub fn layout(mut data: &[u8]) {
    let width = take_u16(&mut data) % 320;
    let height = take_u16(&mut data) % 120;
    let n_marks = data.first().copied().unwrap_or(0) % 16;
    data = data.get(1..).unwrap_or(&[]);
    let mut raw_marks = Vec::new();
    for _ in 0..n_marks {
        let start = usize::from(take_u16(&mut data));
        let len = usize::from(take_u16(&mut data) % 64);
        raw_marks.push(start..start + len);
    }
    let text = String::from_utf8_lossy(data).into_owned();

    // wrap_ranges on raw text (any characters, even controls) at any width.
    for para in text.split('\n') {
        check_wrap(para, usize::from(width));
    }

    let (title, body) = text.split_once('\0').unwrap_or(("", &text));
    let article = Article {
        id: "fuzz".into(),
        title: title.to_owned(),
        body: body.to_owned(),
        author: Some(title.to_owned()),
        source: Some(body.chars().take(20).collect()),
        published: Some(title.chars().take(25).collect()),
        ..Article::default()
    };
    let doc = DocLayout::new(&article, width);
    let mut marks: Vec<Mark> = raw_marks
        .iter()
        .map(|r| Mark {
            range: r.clone(),
            style: Style::new().bold(),
        })
        .collect();
    for line in &doc.lines {
        let src = match line.kind {
            LineKind::Title => &article.title,
            LineKind::Body => &article.body,
            _ => {
                assert!(line.range.is_empty());
                continue;
            }
        };
        assert!(line.range.end <= src.len(), "line past its text");
        assert!(src.is_char_boundary(line.range.start) && src.is_char_boundary(line.range.end));
        // Arbitrary (unsorted, overlapping) marks must not panic; sorted
        // disjoint ones must cover the line's text exactly.
        let styled = styled_line(src, line.range.clone(), Style::new(), &[&marks]);
        let shown: String = styled.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(shown.len(), line.range.len());
    }
    marks.sort_by_key(|m| m.range.start);
    let mut disjoint: Vec<Mark> = Vec::new();
    for m in marks {
        if disjoint.last().is_none_or(|p| p.range.end <= m.range.start) {
            disjoint.push(m);
        }
    }
    for line in doc.lines.iter().filter(|l| l.kind == LineKind::Body) {
        let styled = styled_line(
            &article.body,
            line.range.clone(),
            Style::new(),
            &[&disjoint],
        );
        let shown: String = styled.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(shown, article.body[line.range.clone()].replace('\t', " "));
    }

    // The whole reader, opened on this article, at this size.
    let (w, h) = (width.max(1), height.max(1));
    let mut app = App::with_articles(vec![article], StateStore::in_memory());
    app.update(Action::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    for key in [KeyCode::Enter, KeyCode::Char('G'), KeyCode::PageUp] {
        app.handle_key(KeyEvent::new(key, KeyModifiers::NONE));
        terminal
            .draw(|f| sorot::ui::draw(f, &app))
            .expect("drawing to a test backend");
    }
}

/// `wrap_ranges` keeps every character of `para` exactly once: the lines'
/// ranges are in order and what lies between them (and before the first,
/// after the last) is only the ASCII spaces dropped at line breaks.
pub fn check_wrap(para: &str, width: usize) {
    let ranges = wrap_ranges(para, width);
    let mut cursor = 0;
    for r in &ranges {
        assert!(r.start >= cursor, "lines overlap: {ranges:?} in {para:?}");
        assert!(r.end <= para.len(), "line past the text");
        assert!(para.is_char_boundary(r.start) && para.is_char_boundary(r.end));
        let dropped = &para[cursor..r.start];
        assert!(
            dropped.bytes().all(|b| b == b' '),
            "lost {dropped:?} at width {width} in {para:?}: {ranges:?}"
        );
        cursor = r.end;
    }
    let tail = &para[cursor..];
    assert!(
        tail.bytes().all(|b| b == b' '),
        "lost tail {tail:?} at width {width} in {para:?}: {ranges:?}"
    );
}
