//! Untrusted text in, safe text out: sanitising for the terminal and folding
//! for search.
//!
//! Owns: the one definition of which characters may reach the terminal.
//! Must not: do I/O.

use std::borrow::Cow;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Removes everything from `s` that could drive a terminal: C0 controls other
/// than `\n` and `\t`, DEL, C1 controls, whole escape sequences, and bidi
/// embedding/override/isolate characters.
///
/// In detail:
/// - 7-bit escape sequences are removed whole, not just their `ESC`, so no
///   `[2J` or `0;title` debris is left behind: CSI (`ESC [` parameters,
///   intermediates, final byte), OSC (`ESC ]` up to `BEL` or `ESC \`), DCS /
///   SOS / PM / APC strings (`ESC P`, `ESC X`, `ESC ^`, `ESC _` up to the
///   string terminator) and the short `ESC` + intermediates + final forms
///   (`ESC ( B`, `ESC c`, `ESC 7`, ...).
/// - Their 8-bit C1 forms (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098 SOS,
///   U+009E PM, U+009F APC) are removed the same way; every other C1 control
///   is dropped.
/// - An unterminated string sequence ends at a newline, `CAN`, `SUB` or the
///   next `ESC`: a stray `ESC ]` must not swallow the rest of an article.
/// - Tab becomes a space (its width depends on the terminal, so it would
///   break layout); CR, every other C0 control and DEL are dropped.
/// - Bidi embeddings, overrides and isolates (U+202A–U+202E,
///   U+2066–U+2069), the Arabic letter mark U+061C and the LRM / RLM marks
///   U+200E / U+200F are dropped, so text cannot be visually reordered.
/// - U+FEFF (a stray byte-order mark) is dropped; the line and paragraph
///   separators U+2028 / U+2029 become spaces.
///
/// The result never contains a character for which [`is_forbidden`] is true.
/// Clean text (the common case) is copied without per-character work.
pub fn sanitize(s: &str) -> String {
    sanitize_cow(s).into_owned()
}

/// [`sanitize`] without the copy when `s` is already clean.
pub fn sanitize_cow(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(sanitize_slow(s))
    }
}

/// True when no byte of `s` can start anything [`sanitize`] would change.
///
/// Works on bytes because it runs over every loaded article. Blocks of 32
/// bytes that are all printable ASCII or `\n` (nearly all of a typical
/// article) are cleared with a branch-free test the compiler vectorises;
/// other blocks get a closer look, where only bytes below 0x20, DEL, and the
/// lead bytes of the UTF-8 encodings of C1 (0xC2), U+061C (0xD8), U+200E..
/// (0xE2) and U+FEFF (0xEF) can matter.
fn is_clean(s: &str) -> bool {
    const BLOCK: usize = 32;
    let b = s.as_bytes();
    let mut start = 0;
    for chunk in b.chunks(BLOCK) {
        let mut odd = 0u8;
        for &c in chunk {
            odd |= u8::from(c < 0x20) & u8::from(c != b'\n') | u8::from(c >= 0x7F);
        }
        if odd != 0 && !is_clean_slow(s, start, start + chunk.len()) {
            return false;
        }
        start += chunk.len();
    }
    true
}

/// The byte-by-byte check of `s[from..to]` (byte offsets; a character may
/// start before `to` and end after it).
fn is_clean_slow(s: &str, from: usize, to: usize) -> bool {
    let b = s.as_bytes();
    for i in from..to {
        match b[i] {
            b'\n' => {}
            0x00..=0x1F | 0x7F => return false,
            0xC2 if matches!(b.get(i + 1), Some(0x80..=0x9F)) => return false,
            0xD8 if b.get(i + 1) == Some(&0x9C) => return false,
            0xE2 | 0xEF => {
                // A 3-byte sequence; decode just this char.
                if let Some(ch) = s.get(i..i + 3).and_then(|t| t.chars().next())
                    && changes(ch)
                {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// True for a character that sanitising removes or replaces.
fn changes(c: char) -> bool {
    c == '\t' || c == '\u{FEFF}' || c == '\u{2028}' || c == '\u{2029}' || is_forbidden(c)
}

/// How a string sequence (OSC, DCS, ...) being skipped ends.
fn ends_string(c: char) -> bool {
    matches!(c, '\n' | '\u{18}' | '\u{1A}' | '\u{1B}' | '\u{9C}')
}

fn sanitize_slow(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\u{1B}' => match it.peek().copied() {
                Some('[') => {
                    it.next();
                    skip_csi(&mut it);
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    it.next();
                    skip_string(&mut it);
                }
                Some(n @ '\u{20}'..='\u{2F}') => {
                    // nF sequence: intermediates, then one final byte.
                    let _ = n;
                    while matches!(it.peek(), Some('\u{20}'..='\u{2F}')) {
                        it.next();
                    }
                    if matches!(it.peek(), Some('\u{30}'..='\u{7E}')) {
                        it.next();
                    }
                }
                Some('\u{30}'..='\u{7E}') => {
                    // Fp / Fe / Fs two-character sequence (ESC 7, ESC c, ESC M ...).
                    it.next();
                }
                _ => {}
            },
            '\u{9B}' => skip_csi(&mut it),
            '\u{9D}' | '\u{90}' | '\u{98}' | '\u{9E}' | '\u{9F}' => skip_string(&mut it),
            '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            '\u{FEFF}' => {}
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Skips a CSI sequence after its introducer: parameter bytes 0x30–0x3F,
/// intermediate bytes 0x20–0x2F, then one final byte 0x40–0x7E. Anything
/// else ends the sequence early and is kept (handled by the caller's loop).
fn skip_csi(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while matches!(it.peek(), Some('\u{30}'..='\u{3F}')) {
        it.next();
    }
    while matches!(it.peek(), Some('\u{20}'..='\u{2F}')) {
        it.next();
    }
    if matches!(it.peek(), Some('\u{40}'..='\u{7E}')) {
        it.next();
    }
}

/// Skips an OSC / DCS / SOS / PM / APC string up to and including its
/// terminator (BEL, ST = `ESC \` or U+009C). A newline, CAN, SUB or another
/// ESC ends it without being swallowed (except the ESC of `ESC \`).
fn skip_string(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = it.peek() {
        if c == '\u{07}' || c == '\u{9C}' {
            it.next();
            return;
        }
        if c == '\u{1B}' {
            let mut ahead = it.clone();
            ahead.next();
            if ahead.peek() == Some(&'\\') {
                it.next();
                it.next();
            }
            return;
        }
        if ends_string(c) {
            return;
        }
        it.next();
    }
}

/// True for characters that must never reach the terminal.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{200E}' | '\u{200F}'
        )
}

/// A path as text that is safe to print: lossy for non-UTF-8 names and
/// sanitised, because a file name can carry escape sequences too.
pub fn display_path(path: &Path) -> String {
    let lossy = path.to_string_lossy();
    sanitize_cow(&lossy).into_owned()
}

/// Collapses every run of whitespace in `s` to one space and trims both
/// ends, appending the result to `out`.
pub fn collapse_whitespace_into(s: &str, out: &mut String) {
    let b = s.as_bytes();
    if already_collapsed(b) {
        out.push_str(s);
        return;
    }
    let start = out.len();
    let mut i = 0;
    while i < b.len() {
        let ws = whitespace_len(s, i);
        if ws > 0 {
            i += ws;
            continue;
        }
        let word_start = i;
        while i < b.len() && whitespace_len(s, i) == 0 {
            i += 1;
        }
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(&s[word_start..i]);
    }
}

/// True when `b` has no leading, trailing or doubled space and no byte that
/// could start other whitespace: then collapsing would change nothing. The
/// common case for article text, checked with a loop the compiler vectorises.
fn already_collapsed(b: &[u8]) -> bool {
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut odd = 0u8;
    let mut prev_space = 0u8;
    for &c in b {
        let space = u8::from(c == b' ');
        odd |= u8::from(c < 0x20) | u8::from((0xE1..=0xE3).contains(&c)) | u8::from(c == 0xC2);
        odd |= space & prev_space;
        prev_space = space;
    }
    odd == 0
}

/// The byte length of the whitespace character starting at byte `i` of
/// `s`, or 0. Byte-level because it runs over every article body: only the
/// lead bytes 0xC2, 0xE1, 0xE2 and 0xE3 can start non-ASCII whitespace;
/// continuation bytes never match.
#[inline]
fn whitespace_len(s: &str, i: usize) -> usize {
    match s.as_bytes()[i] {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => 1,
        0xC2 | 0xE1 | 0xE2 | 0xE3 => match s.get(i..).and_then(|t| t.chars().next()) {
            Some(c) if c.is_whitespace() => c.len_utf8(),
            _ => 0,
        },
        _ => 0,
    }
}

/// [`collapse_whitespace_into`] into a new string.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    collapse_whitespace_into(s, &mut out);
    out
}

/// Folds text for case- and diacritic-insensitive matching: NFD, drop
/// combining marks, lowercase. `"Café"` and `"CAFE"` fold to the same string.
pub fn fold(s: &str) -> String {
    // ASCII has no decompositions or marks: lowercasing is the whole fold,
    // and entity keys and queries are nearly always ASCII.
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_forbidden(s: &str) -> bool {
        !s.chars().any(|c| is_forbidden(c) || c == '\u{1B}')
    }

    #[test]
    fn ascii_fold_is_the_full_fold() {
        // The ASCII fast path must agree with NFD + mark removal + lowercase.
        let all: String = (0u8..=127).map(char::from).collect();
        let slow: String = all
            .nfd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect();
        assert_eq!(fold(&all), slow);
    }

    #[test]
    fn fold_ignores_case_and_diacritics() {
        assert_eq!(fold("Café São"), fold("CAFE sao"));
        assert_eq!(fold("Ḿa"), "ma");
    }

    #[test]
    fn clean_text_is_unchanged() {
        let s = "Li Lei bergabung dengan UCSB — “hello” ünïcödé 中文 👍🏽\nnext";
        assert!(matches!(sanitize_cow(s), Cow::Borrowed(_)));
        assert_eq!(sanitize(s), s);
    }

    #[test]
    fn csi_sequences_are_removed_whole() {
        assert_eq!(sanitize("a\x1b[2Jb"), "ab");
        assert_eq!(sanitize("a\x1b[1;31mred\x1b[0m"), "ared");
        assert_eq!(sanitize("x\x1b[?1049hy"), "xy");
        assert_eq!(sanitize("x\x1b[38;5;196mz"), "xz");
        // Intermediate byte before the final one.
        assert_eq!(sanitize("x\x1b[0 qz"), "xz");
        // A CSI cut off by a non-CSI character keeps that character.
        assert_eq!(sanitize("x\x1b[12é"), "xé");
        assert_eq!(sanitize("end\x1b["), "end");
    }

    #[test]
    fn osc_sequences_are_removed_whole() {
        assert_eq!(sanitize("a\x1b]0;pwned\x07b"), "ab");
        assert_eq!(sanitize("a\x1b]2;title\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b]52;c;ZXZpbA==\x07b"), "ab");
        assert_eq!(
            sanitize("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
        // Unterminated: stops at the newline, which survives.
        assert_eq!(sanitize("a\x1b]0;title\nbody"), "a\nbody");
        assert_eq!(sanitize("a\x1b]0;title"), "a");
    }

    #[test]
    fn dcs_apc_pm_sos_strings_are_removed() {
        assert_eq!(sanitize("a\x1bPq#0;2;0;0;0\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b_apc stuff\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b^pm\x07b"), "ab");
        assert_eq!(sanitize("a\x1bXsos\x1b\\b"), "ab");
    }

    #[test]
    fn two_byte_escapes_are_removed() {
        assert_eq!(sanitize("a\x1bcb"), "ab");
        assert_eq!(sanitize("a\x1b7b\x1b8"), "ab");
        assert_eq!(sanitize("a\x1b(Bb"), "ab");
        assert_eq!(sanitize("a\x1b#8b"), "ab");
        assert_eq!(sanitize("a\x1b"), "a");
        assert_eq!(sanitize("a\x1b\x1b"), "a");
        assert_eq!(sanitize("a\x1bé"), "aé");
    }

    #[test]
    fn c0_and_del_are_removed_tab_becomes_space() {
        assert_eq!(sanitize("a\x00b\x07c\x08d\x7fe\rf"), "abcdef");
        assert_eq!(sanitize("a\tb"), "a b");
        assert_eq!(sanitize("keep\nnewline"), "keep\nnewline");
        for c in (0u8..0x20).chain([0x7f]) {
            let s = format!("x{}y", c as char);
            let out = sanitize(&s);
            assert!(no_forbidden(&out), "{c:#x}: {out:?}");
        }
    }

    #[test]
    fn c1_controls_and_8bit_sequences_are_removed() {
        assert_eq!(sanitize("a\u{9b}2Jb"), "ab");
        assert_eq!(sanitize("a\u{9d}0;title\u{9c}b"), "ab");
        assert_eq!(sanitize("a\u{9d}0;title\x07b"), "ab");
        assert_eq!(sanitize("a\u{90}dcs\u{9c}b"), "ab");
        assert_eq!(sanitize("a\u{85}b\u{80}c\u{9f}"), "abc");
        for c in 0x80u32..=0x9f {
            let s = format!("x{}y", char::from_u32(c).unwrap());
            assert!(no_forbidden(&sanitize(&s)), "{c:#x}");
        }
    }

    #[test]
    fn bidi_controls_are_removed() {
        let s = "a\u{202A}b\u{202B}c\u{202C}d\u{202D}e\u{202E}f\u{2066}g\u{2067}h\u{2068}i\u{2069}j\u{61C}k\u{200E}l\u{200F}m";
        assert_eq!(sanitize(s), "abcdefghijklm");
    }

    #[test]
    fn bom_and_separators() {
        assert_eq!(sanitize("\u{feff}a\u{2028}b\u{2029}c"), "a b c");
    }

    #[test]
    fn no_sequence_crosses_a_newline() {
        // The txt loader sanitises line by line and relies on this.
        let parts = [
            "a\x1b]0;t",
            "\x1b[12",
            "x\x1b",
            "\u{9d}osc",
            "\x1bP",
            "\x1b(",
            "plain",
            "\x1b]8;;u\x1b",
        ];
        for a in parts {
            for b in parts {
                let joined = format!("{a}\n{b}");
                assert_eq!(
                    sanitize(&joined),
                    format!("{}\n{}", sanitize(a), sanitize(b)),
                    "{joined:?}"
                );
            }
        }
    }

    #[test]
    fn sanitize_is_idempotent_and_complete() {
        let nasty = "\x1b[2J\x1b]0;t\x07\u{9b}31m\u{202e}evil\x1b\x1b[\u{9d}\x00\t\u{2066}";
        let once = sanitize(nasty);
        assert!(no_forbidden(&once), "{once:?}");
        assert_eq!(sanitize(&once), once);
        // The 8-bit OSC swallows what follows it up to the end.
        assert_eq!(once, "evil");
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(collapse_whitespace("  a \t b\u{a0}\u{a0}c  "), "a b c");
        assert_eq!(collapse_whitespace("   "), "");
        assert_eq!(
            collapse_whitespace("x\u{3000}y\u{2003}z\u{1680}w\u{85}v é€中"),
            "x y z w v é€中"
        );
        // Agrees with char::is_whitespace everywhere.
        let all: String = (0u32..0x3100).filter_map(char::from_u32).collect();
        let expected = all
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(collapse_whitespace(&all), expected);
    }

    #[test]
    fn block_check_sees_controls_at_every_offset() {
        for pos in 0..70 {
            for bad in ["\x1b", "\u{9b}", "\u{202e}", "\t", "\u{feff}"] {
                let mut s = "a".repeat(70);
                s.insert_str(pos, bad);
                assert!(!is_clean(&s), "{pos} {bad:?}");
            }
            let mut s = "a".repeat(70);
            s.insert_str(pos, "é中\u{201c}");
            assert!(is_clean(&s), "{pos}");
        }
    }

    #[test]
    fn paths_are_sanitised_for_display() {
        let p = Path::new("dir/\x1b]0;x\x07name.txt");
        assert_eq!(display_path(p), "dir/name.txt");
    }
}
