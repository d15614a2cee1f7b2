//! Bytes to text: byte-order marks, UTF-16, invalid UTF-8 and line endings.
//!
//! Everything downstream works on `&str` with `\n` line ends only.

/// Decoded text plus the notes worth telling the reader about.
#[derive(Debug, Default)]
pub struct Decoded {
    pub text: String,
    pub notes: Vec<String>,
}

/// Decodes a file's bytes: strips a UTF-8 BOM, decodes UTF-16 LE/BE (with a
/// BOM, or without one when the NUL pattern is unmistakable), replaces
/// invalid UTF-8 with U+FFFD (with a note), and turns CRLF and lone CR into
/// LF.
pub fn decode(bytes: impl Into<Vec<u8>>) -> Decoded {
    let bytes: Vec<u8> = bytes.into();
    let mut notes = Vec::new();
    let text = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let mut bytes = bytes;
        bytes.drain(..3);
        utf8(bytes, &mut notes)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(rest, false, &mut notes)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, true, &mut notes)
    } else if let Some(big_endian) = looks_like_bomless_utf16(&bytes) {
        notes.push(format!(
            "decoded as UTF-16 {} (no byte-order mark)",
            if big_endian { "BE" } else { "LE" }
        ));
        utf16(&bytes, big_endian, &mut notes)
    } else {
        utf8(bytes, &mut notes)
    };
    Decoded {
        text: normalize_newlines(text),
        notes,
    }
}

/// [`decode`] for a saved HTML page, which may name its encoding in a
/// `<meta charset>` (or `http-equiv` Content-Type) tag within its first 1024
/// bytes, as browsers look for it. A byte-order mark wins over the tag, and
/// bytes that are valid UTF-8 are read as UTF-8 whatever the tag says (a
/// page saved as UTF-8 often keeps its old tag; legacy text with accented
/// letters is almost never valid UTF-8). Otherwise the named encoding
/// decodes the page ("iso-8859-1" meaning windows-1252, as in browsers).
pub fn decode_html(bytes: &[u8]) -> Decoded {
    let declared = meta_charset(bytes).filter(|e| {
        *e != encoding_rs::UTF_8 && *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE
    });
    let Some(encoding) = declared else {
        return decode(bytes);
    };
    let has_bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        || bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF]);
    if has_bom || std::str::from_utf8(bytes).is_ok() || looks_like_bomless_utf16(bytes).is_some() {
        return decode(bytes);
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let mut notes = Vec::new();
    if had_errors {
        notes.push(format!(
            "bytes that are not {} (the page's declared encoding) replaced with U+FFFD",
            encoding.name()
        ));
    }
    Decoded {
        text: normalize_newlines(text.into_owned()),
        notes,
    }
}

/// The encoding a page's `<meta>` tags name in its first 1024 bytes:
/// `<meta charset="X">` or `<meta http-equiv="Content-Type"
/// content="text/html; charset=X">` (any case, quoted or not).
fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&lower[at..], b"<meta") {
        let start = at + i + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(j) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[j + 7..];
            let rest = rest.trim_ascii_start();
            if let Some(value) = rest.strip_prefix(b"=") {
                let value = value.trim_ascii_start();
                let value = value
                    .strip_prefix(b"\"")
                    .or_else(|| value.strip_prefix(b"'"))
                    .unwrap_or(value);
                let len = value
                    .iter()
                    .position(|&b| {
                        matches!(b, b'"' | b'\'' | b';' | b'/') || b.is_ascii_whitespace()
                    })
                    .unwrap_or(value.len());
                if let Some(e) = encoding_rs::Encoding::for_label(&value[..len]) {
                    return Some(e);
                }
            }
        }
        at = end.min(lower.len());
        if at >= lower.len() {
            break;
        }
    }
    None
}

fn utf8(bytes: Vec<u8>, notes: &mut Vec<String>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.as_bytes();
            let bad = count_invalid_utf8(bytes);
            notes.push(format!(
                "invalid UTF-8 (first at byte {}, {bad} sequence{} in all) replaced with U+FFFD",
                e.utf8_error().valid_up_to(),
                if bad == 1 { "" } else { "s" }
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

fn count_invalid_utf8(mut bytes: &[u8]) -> usize {
    let mut n = 0;
    loop {
        match std::str::from_utf8(bytes) {
            Ok(_) => return n,
            Err(e) => {
                n += 1;
                let skip = e.valid_up_to() + e.error_len().unwrap_or(bytes.len() - e.valid_up_to());
                bytes = &bytes[skip.min(bytes.len())..];
            }
        }
    }
}

fn utf16(bytes: &[u8], big_endian: bool, notes: &mut Vec<String>) -> String {
    let units = bytes.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut bad = 0usize;
    let text: String = char::decode_utf16(units)
        .map(|r| {
            r.unwrap_or_else(|_| {
                bad += 1;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    if bad > 0 {
        notes.push(format!(
            "{bad} unpaired UTF-16 surrogate{} replaced with U+FFFD",
            if bad == 1 { "" } else { "s" }
        ));
    }
    if bytes.len() % 2 == 1 {
        notes.push("UTF-16 text ends in half a character; dropped".to_owned());
    }
    text
}

/// Detects BOM-less UTF-16 by its NULs: mostly-ASCII UTF-16 has a NUL in
/// every other byte, which real UTF-8 text never has. Returns the byte order.
fn looks_like_bomless_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096)];
    if sample.len() < 4 || !sample.len().is_multiple_of(2) {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    // Require the pattern in most pairs and its mirror in almost none.
    if odd_nul * 10 >= pairs * 7 && even_nul * 20 <= pairs {
        Some(false)
    } else if even_nul * 10 >= pairs * 7 && odd_nul * 20 <= pairs {
        Some(true)
    } else {
        None
    }
}

/// CRLF and lone CR to LF, without copying text that has no CR.
fn normalize_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// True when decoded text looks like binary data rather than prose: NUL
/// characters, or a large share of replacement and control characters.
pub fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut odd = 0usize;
    for c in text.chars().take(8192) {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c == char::REPLACEMENT_CHARACTER || (c.is_control() && !matches!(c, '\n' | '\t')) {
            odd += 1;
        }
    }
    total > 0 && odd * 10 > total * 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFTitle\nBody");
        assert_eq!(d.text, "Title\nBody");
        assert!(d.notes.is_empty());
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        assert_eq!(decode(b"a\r\nb\rc\n\rd").text, "a\nb\nc\n\nd");
    }

    #[test]
    fn utf16_le_and_be_with_bom() {
        let s = "Judul ü 中\r\nIsi";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(decode(le.clone()).text, "Judul ü 中\nIsi");
        assert_eq!(decode(be.clone()).text, "Judul ü 中\nIsi");
        assert!(decode(le.clone()).notes.is_empty());
    }

    #[test]
    fn bomless_utf16_is_detected() {
        let le: Vec<u8> = "Plain ASCII title\nbody text here"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = decode(le.clone());
        assert_eq!(d.text, "Plain ASCII title\nbody text here");
        assert!(d.notes[0].contains("UTF-16 LE"));
    }

    #[test]
    fn unpaired_surrogate_and_odd_length() {
        let bytes = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0, b'c'];
        let d = decode(bytes);
        assert_eq!(d.text, "a\u{FFFD}b");
        assert_eq!(d.notes.len(), 2, "{:?}", d.notes);
    }

    #[test]
    fn latin1_is_decoded_lossily_with_a_note() {
        let d = decode(b"Caf\xe9 na\xefve");
        assert_eq!(d.text, "Caf\u{FFFD} na\u{FFFD}ve");
        assert_eq!(d.notes.len(), 1);
        assert!(d.notes[0].contains("byte 3"), "{:?}", d.notes);
        assert!(d.notes[0].contains("2 sequences"), "{:?}", d.notes);
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary("abc\0def"));
        assert!(looks_binary(&"\u{FFFD}x".repeat(50)));
        assert!(!looks_binary("Normal text with one \u{FFFD} in it, fine."));
        assert!(!looks_binary(""));
    }

    #[test]
    fn a_page_is_read_in_the_encoding_its_meta_tag_names() {
        // windows-1252: é is 0xE9, curly quotes 0x93/0x94.
        let page = b"<html><head><meta charset=\"windows-1252\"><title>Caf\xe9</title></head>\
            <body><p>\x93Halo\x94, kata Andr\xe9.</p></body></html>";
        let d = decode_html(page);
        assert!(d.text.contains("Caf\u{e9}</title>"), "{}", d.text);
        assert!(
            d.text.contains("\u{201c}Halo\u{201d}, kata Andr\u{e9}."),
            "{}",
            d.text
        );
        assert!(d.notes.is_empty(), "{:?}", d.notes);
        // The http-equiv form, any case, unquoted; ISO-8859-1 is read as
        // windows-1252, as browsers do.
        let page =
            b"<META HTTP-EQUIV=Content-Type CONTENT='text/html; charset=ISO-8859-1'>\x93x\x94";
        assert_eq!(
            decode_html(page).text.rsplit('>').next(),
            Some("\u{201c}x\u{201d}")
        );
        // Shift_JIS: \u{65e5}\u{672c} ("Nihon").
        let page = b"<meta charset=shift_jis><p>\x93\xfa\x96\x7b</p>";
        assert!(decode_html(page).text.contains("<p>\u{65e5}\u{672c}</p>"));
    }

    #[test]
    fn a_meta_tag_does_not_override_utf8_a_bom_or_the_first_kilobyte() {
        // Saved as UTF-8 with the old tag kept: valid UTF-8 wins.
        let page = "<meta charset=\"iso-8859-1\"><p>Caf\u{e9} \u{201c}x\u{201d}</p>";
        let d = decode_html(page.as_bytes());
        assert_eq!(d.text, page);
        assert!(d.notes.is_empty());
        // A byte-order mark wins over the tag.
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(page.as_bytes());
        assert_eq!(decode_html(&bom).text, page);
        // Only the first 1024 bytes are looked at; after that, as any file.
        let mut late = vec![b' '; 1100];
        late.extend_from_slice(b"<meta charset=windows-1252>caf\xe9");
        let d = decode_html(&late);
        assert!(d.text.ends_with("caf\u{fffd}"), "{}", d.text);
        assert!(d.notes[0].contains("invalid UTF-8"), "{:?}", d.notes);
        // An unknown label, or a charset in other text, changes nothing.
        for page in [
            &b"<meta charset=klingon>caf\xe9"[..],
            b"<meta name=x content=\"charset is\">caf\xe9",
        ] {
            assert!(decode_html(page).text.ends_with("caf\u{fffd}"));
        }
    }
}
