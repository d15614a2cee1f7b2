//! Untrusted text in, safe text out: sanitising for the terminal and folding
//! for search.
//!
//! Owns: the one definition of which characters may reach the terminal.
//! Must not: do I/O.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Removes everything from `s` that could drive a terminal: C0 controls other
/// than `\n` and `\t`, DEL, C1 controls, whole escape sequences, and bidi
/// embedding/override/isolate characters.
pub fn sanitize(s: &str) -> String {
    s.chars().filter(|&c| !is_forbidden(c)).collect()
}

/// True for characters that must never reach the terminal.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// Folds text for case- and diacritic-insensitive matching: NFD, drop
/// combining marks, lowercase. `"Café"` and `"CAFE"` fold to the same string.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_case_and_diacritics() {
        assert_eq!(fold("Café São"), fold("CAFE sao"));
        assert_eq!(fold("Ḿa"), "ma");
    }
}
