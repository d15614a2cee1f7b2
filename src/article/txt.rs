//! Plain text: the first non-empty line is the title, every other non-empty
//! line is a paragraph (blank lines separate paragraphs too, so hard-wrapped
//! and one-line-per-paragraph files both read well enough).

use super::Draft;

/// Parses decoded plain text.
pub(crate) fn parse(text: &str) -> Draft {
    // Sanitising line by line equals sanitising the whole text (no escape
    // sequence survives a newline), and must come before the emptiness test
    // so a line holding only an escape sequence is not taken as the title.
    let mut lines = text
        .split('\n')
        .map(|l| crate::text::sanitize_cow(l).into_owned())
        .filter(|l| !l.trim().is_empty());
    let title = lines.next();
    Draft {
        title,
        paragraphs: lines.collect(),
        ..Draft::default()
    }
}

#[cfg(test)]
mod tests {
    use crate::article::{LoadEvent, parse_bytes};
    use std::path::Path;

    fn one(name: &str, bytes: &[u8]) -> crate::article::Article {
        let mut evs = parse_bytes(Path::new(name), bytes.to_vec());
        assert_eq!(evs.len(), 1, "{evs:?}");
        match evs.remove(0) {
            LoadEvent::Article(a) => a,
            LoadEvent::Problem(p) => panic!("unexpected problem: {p}"),
        }
    }

    #[test]
    fn title_and_paragraphs() {
        let a = one(
            "a.txt",
            b"\n\n  Judul   berita \nBaris satu.\nBaris   dua.\n\n\nBaris tiga.\n",
        );
        assert_eq!(a.title, "Judul berita");
        assert_eq!(a.body, "Baris satu.\n\nBaris dua.\n\nBaris tiga.");
        assert!(a.notes.is_empty(), "{:?}", a.notes);
        assert_eq!(a.paragraphs().count(), 3);
    }

    #[test]
    fn crlf_cr_and_bom() {
        let crlf = one("a.txt", b"\xEF\xBB\xBFTitle\r\nOne\r\n\r\nTwo\r\n");
        let cr = one("b.txt", b"Title\rOne\r\rTwo\r");
        assert_eq!(crlf.title, "Title");
        assert_eq!(crlf.body, "One\n\nTwo");
        assert_eq!(cr.body, crlf.body);
        // Same content, other line endings and BOM: same identity.
        assert_eq!(cr.id, crlf.id);
    }

    #[test]
    fn utf16_file() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(
            "Berita hari ini\r\nIsi pertama."
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let a = one("u.txt", &bytes);
        assert_eq!(a.title, "Berita hari ini");
        assert_eq!(a.body, "Isi pertama.");
    }

    #[test]
    fn latin1_bytes_give_a_note() {
        let a = one("l.txt", b"Caf\xe9 opens\nIn S\xe3o Paulo.");
        assert_eq!(a.title, "Caf\u{FFFD} opens");
        assert_eq!(a.notes.len(), 1);
        assert!(a.notes[0].contains("invalid UTF-8"));
    }

    #[test]
    fn escape_sequences_never_survive() {
        let a = one(
            "e.txt",
            b"\x1b]0;owned\x07Title\x1b[2J\nBody \x1b[31mred\x1b[0m \xc2\x9b2J\xe2\x80\xaeevil\n",
        );
        assert_eq!(a.title, "Title");
        assert_eq!(a.body, "Body red evil");
    }

    #[test]
    fn a_line_of_only_escapes_is_not_the_title() {
        let a = one("e.txt", b"\x1b]0;owned\x07\x1b[2J\nReal title\nBody");
        assert_eq!(a.title, "Real title");
        assert_eq!(a.body, "Body");
    }

    #[test]
    fn a_400000_word_line_loads_promptly() {
        let mut text = String::from("Long\n");
        for i in 0..400_000 {
            text.push_str(if i % 7 == 0 { "kata\u{a0} " } else { "word " });
        }
        let start = std::time::Instant::now();
        let a = one("long.txt", text.as_bytes());
        assert_eq!(a.body.split(' ').count(), 400_000);
        assert!(start.elapsed().as_secs() < 2, "{:?}", start.elapsed());
    }

    #[test]
    fn only_title() {
        let a = one("t.txt", b"Just a title");
        assert_eq!(a.title, "Just a title");
        assert_eq!(a.body, "");
    }

    #[test]
    fn empty_and_whitespace_files_are_problems() {
        for bytes in [&b""[..], b"  \n\r\n\t "] {
            let evs = parse_bytes(Path::new("e.txt"), bytes.to_vec());
            assert!(
                matches!(&evs[..], [LoadEvent::Problem(p)] if p.reason == "empty file"),
                "{evs:?}"
            );
        }
    }

    #[test]
    fn shared_sample_opens_cleanly() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/samples/bytedance-li-lei-id.txt");
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!(
                "shared_sample_opens_cleanly: skipped, {} is absent",
                path.display()
            );
            return;
        };
        let a = one("bytedance-li-lei-id.txt", &bytes);
        assert!(a.title.starts_with("Direktur ByteDance AI Labs"));
        assert!(a.body.contains("Li Lei"));
        assert!(a.notes.is_empty(), "{:?}", a.notes);
        assert!(!a.body.contains('\n') || a.body.split("\n\n").all(|p| !p.contains('\n')));
    }
}
