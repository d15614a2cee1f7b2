//! Property tests for untrusted text: entity spans (the decode path from
//! tokens, and the recogniser itself) stay in bounds and on char
//! boundaries, the reader's layout keeps every character exactly once, and
//! sanitised text can never drive a terminal.

use std::path::Path;

use proptest::prelude::*;
use sorot::article::{LoadEvent, parse_bytes};
use sorot::ner::{Label, Span};
use sorot::text::sanitize;
use sorot::ui::layout::{DocLayout, LineKind, wrap_ranges};

/// Characters that break naive code: escape-sequence pieces, C0/C1
/// controls, bidi controls, multi-byte, wide and combining characters.
const NASTY: &[char] = &[
    '\x1b',
    '[',
    ']',
    ';',
    '\\',
    '\x07',
    '\0',
    '\r',
    '\n',
    '\t',
    ' ',
    ' ',
    ' ',
    '\u{9b}',
    '\u{9d}',
    '\u{9c}',
    '\u{90}',
    '\u{85}',
    '\u{7f}',
    '\u{202a}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{200f}',
    '\u{61c}',
    '\u{feff}',
    '\u{2028}',
    '\u{2029}',
    '\u{a0}',
    '\u{200b}',
    'a',
    'Z',
    'é',
    '字',
    '\u{301}',
    '👍',
    '\u{1f3fd}',
    '.',
    '-',
    '\'',
    '"',
    '(',
    '1',
];

fn hostile_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(NASTY),
            1 => any::<char>(),
            2 => prop::sample::select(&['A', 'b', 'C', 'd', 'E'][..]),
        ],
        0..max,
    )
    .prop_map(String::from_iter)
}

fn forbidden_on_terminal(c: char) -> bool {
    let c0 = (c as u32) < 0x20 && c != '\n' && c != '\t';
    let c1 = (0x7f..=0x9f).contains(&(c as u32));
    let bidi = matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{200E}' | '\u{200F}'
    );
    c0 || c1 || bidi || c == '\x1b'
}

fn check_spans(text: &str, spans: &[Span]) -> Result<(), TestCaseError> {
    for s in spans {
        prop_assert!(s.start() < s.end(), "empty span {:?}", s);
        prop_assert!(s.end() <= text.len(), "span {:?} past {}", s, text.len());
        prop_assert!(text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()));
    }
    Ok(())
}

/// The spans the decode path builds from tokens: each token, labelled by
/// its position, the way BIO decoding turns tagged tokens into spans.
fn token_spans(text: &str) -> Vec<Span> {
    sorot::ner::token::tokenize(text)
        .iter()
        .enumerate()
        .map(|(i, t)| Span::new(t.start, t.end, Label::ALL[i % 4]))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sanitised_text_cannot_drive_a_terminal(s in hostile_string(300)) {
        let out = sanitize(&s);
        for c in out.chars() {
            prop_assert!(!forbidden_on_terminal(c), "{:?} survived in {:?}", c, out);
        }
        prop_assert!(!out.contains('\t'), "tab survived (its width is the terminal's)");
        prop_assert_eq!(sanitize(&out), out.clone());
    }

    #[test]
    fn entity_spans_are_in_bounds_and_on_char_boundaries(s in hostile_string(300)) {
        let spans = token_spans(&s);
        check_spans(&s, &spans)?;
        let groups = sorot::entities::merge_article(&s, &spans, &s, &spans);
        for g in &groups {
            for m in &g.mentions {
                prop_assert!(m.start < m.end && m.end <= s.len());
                prop_assert!(s.is_char_boundary(m.start) && s.is_char_boundary(m.end));
            }
        }
    }

    #[test]
    fn recognised_spans_are_in_bounds_and_on_char_boundaries(s in hostile_string(200)) {
        for lang in [sorot::ner::Lang::En, sorot::ner::Lang::Id] {
            let spans = sorot::ner::recognize(&s, lang);
            check_spans(&s, &spans)?;
            for w in spans.windows(2) {
                prop_assert!(w[0].end() <= w[1].start(), "overlap {:?}", w);
            }
        }
    }

    #[test]
    fn wrapping_loses_and_duplicates_nothing(
        para in hostile_string(400).prop_map(|s| s.replace('\n', " ")),
        width in 1usize..120,
    ) {
        let ranges = wrap_ranges(&para, width);
        let mut rebuilt = String::new();
        let mut cursor = 0;
        for r in &ranges {
            prop_assert!(r.start >= cursor, "overlap in {:?}", ranges);
            let dropped = &para[cursor..r.start];
            prop_assert!(dropped.bytes().all(|b| b == b' '), "lost {:?}", dropped);
            rebuilt.push_str(dropped);
            rebuilt.push_str(&para[r.clone()]);
            cursor = r.end;
        }
        let tail = &para[cursor..];
        prop_assert!(tail.bytes().all(|b| b == b' '), "lost tail {:?}", tail);
        rebuilt.push_str(tail);
        prop_assert_eq!(rebuilt, para);
    }

    /// Saved pages with a declared encoding: whatever the bytes, decoding
    /// never panics, and a page loads as terminal-safe text or is reported.
    #[test]
    fn pages_with_a_declared_encoding_load_safely(
        label in prop::sample::select(vec!["windows-1252", "iso-8859-1", "shift_jis", "gbk", "utf-8", "koi8-r", "x"]),
        body in prop::collection::vec(any::<u8>(), 0..400),
        quoted in any::<bool>(),
    ) {
        let q = if quoted { "\"" } else { "" };
        let mut page = format!("<html><head><meta charset={q}{label}{q}><title>").into_bytes();
        page.extend_from_slice(&body);
        page.extend_from_slice(b"</title></head><body><p>");
        page.extend_from_slice(&body);
        page.extend_from_slice(b"</p></body></html>");
        let _ = sorot::article::decode::decode_html(&page);
        for ev in parse_bytes(Path::new("p.html"), page) {
            let LoadEvent::Article(a) = ev else { continue };
            for c in a.title.chars().chain(a.body.chars()) {
                prop_assert!(!forbidden_on_terminal(c) || c == '\n', "{:?} in {:?}", c, a);
            }
        }
    }

    /// The whole pipeline: a hostile file loaded, then laid out; the title
    /// lines plus the spaces dropped at breaks are the title, and the body
    /// lines plus the dropped spaces and paragraph breaks are the body.
    #[test]
    fn article_layout_reconstructs_title_and_body(
        raw in hostile_string(600),
        width in 1u16..100,
    ) {
        let events = parse_bytes(Path::new("p.txt"), raw.into_bytes());
        for ev in events {
            let LoadEvent::Article(a) = ev else { continue };
            let doc = DocLayout::new(&a, width);
            for (kind, text) in [(LineKind::Title, &a.title), (LineKind::Body, &a.body)] {
                let mut rebuilt = String::new();
                let mut cursor = 0;
                for line in doc.lines.iter().filter(|l| l.kind == kind) {
                    prop_assert!(line.range.start >= cursor, "{:?} lines overlap", kind);
                    let gap = &text[cursor..line.range.start];
                    prop_assert!(
                        gap.bytes().all(|b| b == b' ') || (kind == LineKind::Body && gap == "\n\n"),
                        "lost {:?} from the {:?}", gap, kind
                    );
                    rebuilt.push_str(gap);
                    rebuilt.push_str(&text[line.range.clone()]);
                    cursor = line.range.end;
                }
                prop_assert!(text[cursor..].bytes().all(|b| b == b' '), "lost the {:?} tail", kind);
                rebuilt.push_str(&text[cursor..]);
                prop_assert_eq!(&rebuilt, text);
            }
        }
    }
}
