//! Case- and diacritic-insensitive find within one text, reporting matches
//! as byte ranges into the ORIGINAL text (folding changes lengths, so the
//! folded text carries a map back).

use std::ops::Range;

use crate::text::fold;

/// The same string as [`crate::text::fold`], much faster on mostly-ASCII
/// text: ASCII is lowercased in place and only other characters go through
/// Unicode normalisation (one at a time, which folds identically because the
/// combining marks NFD would reorder are dropped anyway).
pub fn fold_fast(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push_str(&fold(c.encode_utf8(&mut buf)));
        }
    }
    out
}

/// `text` folded per character, with the original byte offset of the
/// character every folded byte came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FoldedText {
    folded: String,
    /// For each byte of `folded`: the start of the original character.
    origin: Vec<u32>,
    /// For each byte of `folded`: the end of the original character.
    origin_end: Vec<u32>,
}

impl FoldedText {
    /// Folds `text` like [`crate::text::fold`], one character at a time.
    /// Per-character folding gives the same result as folding the whole
    /// string because the marks that NFD would reorder are dropped anyway.
    pub fn new(text: &str) -> Self {
        let mut folded = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut origin_end = Vec::with_capacity(text.len());
        let mut buf = [0u8; 4];
        for (i, c) in text.char_indices() {
            let before = folded.len();
            if c.is_ascii() {
                folded.push(c.to_ascii_lowercase());
            } else {
                folded.push_str(&fold(c.encode_utf8(&mut buf)));
            }
            // Offsets above 4 GiB cannot occur: files are capped far below.
            let start = u32::try_from(i).unwrap_or(u32::MAX);
            let end = u32::try_from(i + c.len_utf8()).unwrap_or(u32::MAX);
            for _ in before..folded.len() {
                origin.push(start);
                origin_end.push(end);
            }
            if folded.len() == before {
                // A dropped combining mark belongs to the character before
                // it: a match ending there must not cut the two apart.
                for e in origin_end.iter_mut().rev() {
                    if *e != start {
                        break;
                    }
                    *e = end;
                }
            }
        }
        FoldedText {
            folded,
            origin,
            origin_end,
        }
    }

    /// Every non-overlapping match of `query` (folded here), as byte ranges
    /// into the original text, in order. An empty query matches nothing.
    pub fn find(&self, query: &str) -> Vec<Range<usize>> {
        let q = fold(query);
        if q.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<Range<usize>> = Vec::new();
        for (s, m) in self.folded.match_indices(&q) {
            let start = self.origin[s] as usize;
            let end = self.origin_end[s + m.len() - 1] as usize;
            // Two folded matches can map into the same original character
            // (e.g. a ligature); keep the ranges disjoint.
            if out.last().is_none_or(|prev| prev.end <= start) {
                out.push(start..end);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ignore_case_and_diacritics_and_map_back() {
        let text = "Café in São Paulo; CAFE again, café.";
        let f = FoldedText::new(text);
        let m = f.find("cafe");
        let found: Vec<&str> = m.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(found, ["Café", "CAFE", "café"]);
        let m = f.find("SAO");
        assert_eq!(&text[m[0].clone()], "São");
    }

    #[test]
    fn decomposed_input_maps_to_whole_characters() {
        let text = "Jose\u{301} Rizal";
        let f = FoldedText::new(text);
        let m = f.find("josé");
        assert_eq!(m.len(), 1);
        assert!(text.is_char_boundary(m[0].start) && text.is_char_boundary(m[0].end));
        assert_eq!(&text[m[0].clone()], "Jose\u{301}");
    }

    #[test]
    fn fast_fold_equals_text_fold() {
        for s in [
            "",
            "Plain ASCII, With Caps 123",
            "Café São Paulo ÉLECTION İstanbul ß ǅ",
            "Jose\u{301} e\u{301}\u{323} a\u{323}\u{301} Ḿa",
            "字节跳动 Zhang Yiming — “kutipan” 👍🏽 ﬁ",
        ] {
            assert_eq!(fold_fast(s), fold(s), "{s:?}");
        }
    }

    #[test]
    fn empty_query_finds_nothing() {
        assert!(FoldedText::new("abc").find("").is_empty());
        assert!(FoldedText::new("").find("a").is_empty());
    }
}
