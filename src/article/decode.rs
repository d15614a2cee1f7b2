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
}
