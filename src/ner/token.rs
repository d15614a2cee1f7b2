//! Tokeniser and sentence splitter that keep byte offsets into the original
//! text.
//!
//! The tagger is trained on CoNLL-2003 and the Indonesian corpora, so text
//! must be cut the way those corpora were cut, or the model sees word shapes
//! it never learnt. From the corpora:
//! - punctuation, brackets and quotes (straight and curly) are tokens of
//!   their own, `%` and `$` too (`40 %`, `$ 17,000`); runs of `.` `-` `!` `?`
//!   stay together (`...`, `--`);
//! - numbers keep their inner `.` `,` `:` `/` and dashes between digits
//!   (`3.5`, `1,000`, `1:54.342`, `1/2`, `24/8/2014`, `2014–2019`), and a
//!   leading-dot decimal (`.500`) is one token;
//! - hyphenated words and dates are one token (`neuro-linguistik`,
//!   `Co-founder`, `1996-08-22`, `6-4`, `ke-19`);
//! - abbreviations keep their period: dotted ones (`U.S.`, `e.g.`, `Ph.D.`),
//!   initials (`J.`), a list of titles and company words (`Dr.` `Jr.` `Inc.`
//!   `Corp.` `Ltd.` `St.` `vs.` `dll.`...), `No.` before a number, and a
//!   list number at the start of a line (`3. Jacques Villeneuve`);
//! - English clitics are split as in the Penn Treebank (`Germany 's`,
//!   `do n't`, `ministers '`), while apostrophes inside names stay
//!   (`O'Brien`, `Ma'ruf`);
//! - URLs, e-mail addresses, domains (`Tribunnews.com`), hashtags and
//!   mentions are one token.
//!
//! Text without the space after punctuation (`juga:Co-founder`,
//! `kata.Dia`) is split at the punctuation.
//!
//! Speed matters (the whole tokenise + tag pipeline must exceed a million
//! tokens per second), so this is a single forward scan over bytes: ASCII is
//! classified directly, only non-ASCII bytes are decoded, no regex, and
//! nothing is allocated per token.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;

/// A token: `text[start..end]`, always on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Token {
    /// The token's text in `text` (the string it was cut from); empty if
    /// `text` is not that string and the range does not fit.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True for a zero-length token (the tokeniser never makes one).
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// What the tokeniser treats as space between tokens: Unicode White_Space
/// plus the invisible zero-width space and byte-order mark. Every other
/// character ends up inside exactly one token.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}'
}

/// Splits `text` into tokens (see the module doc for the rules).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    tokenize_into(text, &mut out);
    out
}

/// Like [`tokenize`], appending to `out` so a caller tokenising many texts
/// can reuse one buffer.
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    // True until the first token of each line: list numbers ("3.") only
    // keep their period there.
    let mut line_start = true;
    let mut prev_end = usize::MAX;
    while i < n {
        let c = b[i];
        let end;
        if c < 0x80 {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
                if c == b'\n' || c == b'\r' {
                    line_start = true;
                }
                i += 1;
                continue;
            }
            end = if c.is_ascii_alphanumeric() || c == b'_' {
                scan_word(text, i, line_start)
            } else {
                scan_ascii_punct(text, i, prev_end == i)
            };
        } else {
            let Some(ch) = char_at(text, i) else {
                // Unreachable for a valid &str (i is always a char start);
                // stop rather than loop.
                break;
            };
            if is_space(ch) {
                if matches!(ch, '\u{85}' | '\u{2028}' | '\u{2029}') {
                    line_start = true;
                }
                i += ch.len_utf8();
                continue;
            }
            end = if is_word_char(ch) {
                scan_word(text, i, line_start)
            } else {
                scan_other(text, i, ch)
            };
        }
        let end = absorb_extend(text, end);
        out.push(Token { start: i, end });
        line_start = false;
        prev_end = end;
        i = end;
    }
}

/// Splits tokens into sentences, returned as ranges of token indices.
///
/// A sentence ends at a line break (so every line of a title is its own
/// sentence, and paragraphs are separate) and after `.` `!` `?` `…` tokens,
/// taking along directly following closing quotes and brackets. Periods
/// that belong to abbreviations (`Dr.`, `U.S.`, `J.`) are inside their
/// token, so they never end a sentence. After `!` `?` or an ellipsis, a
/// sentence goes on when the next word starts with a lowercase letter
/// (`"Siapa?" tanya dia`).
pub fn sentences(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    // Some(true) after a terminator that may be followed by a lowercase
    // continuation (`!`, `?`, an ellipsis), Some(false) after a lone period.
    let mut pending: Option<bool> = None;
    for (i, tok) in tokens.iter().enumerate() {
        if i > start && line_break_between(text, tokens[i - 1].end, tok.start) {
            out.push(start..i);
            start = i;
            pending = None;
        }
        let t = tok.text(text);
        if let Some(soft) = pending {
            let glued = i > 0 && tokens[i - 1].end == tok.start;
            if is_terminator(t) || is_closer(t, glued) {
                pending = Some(soft && t != ".");
                continue;
            }
            let continues = soft && t.chars().next().is_some_and(char::is_lowercase);
            if !continues {
                out.push(start..i);
                start = i;
            }
            pending = None;
        }
        if is_terminator(t) {
            pending = Some(t != ".");
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

fn line_break_between(text: &str, from: usize, to: usize) -> bool {
    let Some(gap) = text.as_bytes().get(from..to) else {
        return false;
    };
    gap.iter().enumerate().any(|(k, &c)| {
        c == b'\n'
            || c == b'\r'
            // U+2028 / U+2029 are E2 80 A8 / A9, U+0085 is C2 85.
            || (c == 0xE2 && gap.get(k + 1) == Some(&0x80) && matches!(gap.get(k + 2), Some(0xA8 | 0xA9)))
            || (c == 0xC2 && gap.get(k + 1) == Some(&0x85))
    })
}

fn is_terminator(t: &str) -> bool {
    !t.is_empty() && t.chars().all(|c| matches!(c, '.' | '!' | '?' | '…'))
}

fn is_closer(t: &str, glued: bool) -> bool {
    matches!(t, ")" | "]" | "}" | "”" | "’" | "»" | "›" | "」" | "』")
        || (glued && matches!(t, "\"" | "'" | "''"))
}

#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

#[inline]
fn is_word_char(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_' || is_extend(ch)
}

/// Characters that never stand alone: they modify or join the character
/// before them (combining marks, joiners, variation selectors, emoji
/// modifiers and tags, soft hyphens, direction marks).
fn is_extend(ch: char) -> bool {
    matches!(
        ch,
        '\u{00AD}'
            | '\u{200C}'..='\u{200F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{1F3FB}'..='\u{1F3FF}'
            | '\u{E0020}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    ) || is_combining_mark(ch)
}

/// Byte length of the word character at `i`, or 0 if there is none.
#[inline]
fn word_len_at(text: &str, i: usize) -> usize {
    match text.as_bytes().get(i) {
        None => 0,
        Some(&c) if c < 0x80 => usize::from(c.is_ascii_alphanumeric() || c == b'_'),
        Some(_) => match char_at(text, i) {
            Some(ch) if is_word_char(ch) => ch.len_utf8(),
            _ => 0,
        },
    }
}

/// Extends `end` over joining/modifying characters so that a base character
/// and its marks (or an emoji ZWJ sequence) stay in one token.
fn absorb_extend(text: &str, mut end: usize) -> usize {
    let b = text.as_bytes();
    while end < b.len() && b[end] >= 0x80 {
        let Some(ch) = char_at(text, end) else { break };
        if !is_extend(ch) {
            break;
        }
        end += ch.len_utf8();
        if ch == '\u{200D}'
            && let Some(next) = char_at(text, end)
            && !is_space(next)
        {
            end += next.len_utf8();
        }
    }
    end
}

#[inline]
fn digit_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// Length of an apostrophe (`'` or `’`) at `i`, or 0.
#[inline]
fn apostrophe_len(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'\'') => 1,
        Some(0xE2) if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x99) => 3,
        _ => 0,
    }
}

/// English clitics the corpora split off (`'s`, `'re`, `'ve`, `'ll`, `'m`, `'d`).
fn is_clitic(s: &[u8]) -> bool {
    const CLITICS: [&[u8]; 6] = [b"s", b"re", b"ve", b"ll", b"m", b"d"];
    CLITICS.iter().any(|c| c.eq_ignore_ascii_case(s))
}

/// End of the ASCII-letter run starting at `k`.
fn letters_end(b: &[u8], mut k: usize) -> usize {
    while k < b.len() && b[k].is_ascii_alphabetic() {
        k += 1;
    }
    k
}

/// If an apostrophe at `i` starts a clitic (`'s`), the clitic's end.
fn clitic_at(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let alen = apostrophe_len(b, i);
    if alen == 0 {
        return None;
    }
    let k = i + alen;
    let m = letters_end(b, k);
    (m > k && word_len_at(text, m) == 0 && is_clitic(&b[k..m])).then_some(m)
}

/// `n't` / `N'T` (also with `’`) at `i`, as its own token.
fn nt_at(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    if !matches!(b.get(i), Some(b'n' | b'N')) {
        return None;
    }
    let alen = apostrophe_len(b, i + 1);
    let t = i + 1 + alen;
    (alen > 0 && matches!(b.get(t), Some(b't' | b'T')) && word_len_at(text, t + 1) == 0)
        .then_some(t + 1)
}

enum Apostrophe {
    /// The apostrophe is part of the word (`O'Brien`): go on after it.
    Inside(usize),
    /// The word ends here (a clitic or `n't` follows).
    End(usize),
}

fn apostrophe_in_word(text: &str, start: usize, j: usize, alen: usize) -> Apostrophe {
    let b = text.as_bytes();
    let k = j + alen;
    let m = letters_end(b, k);
    if m == k {
        // No ASCII letter after it: keep it only before another letter
        // (`D’Ávila`), not before digits or punctuation (`Reuters'`).
        return match char_at(text, k) {
            Some(ch) if ch.is_alphabetic() => Apostrophe::Inside(k),
            _ => Apostrophe::End(j),
        };
    }
    if word_len_at(text, m) == 0 {
        let suffix = &b[k..m];
        if is_clitic(suffix) {
            return Apostrophe::End(j);
        }
        if suffix.eq_ignore_ascii_case(b"t") && j >= start + 2 && matches!(b[j - 1], b'n' | b'N') {
            return Apostrophe::End(j - 1);
        }
    }
    Apostrophe::Inside(k)
}

/// Scans a word starting at `start` (a word character).
fn scan_word(text: &str, start: usize, line_start: bool) -> usize {
    let b = text.as_bytes();
    let n = b.len();
    if let Some(e) = nt_at(text, start) {
        return e;
    }
    let mut j = start;
    loop {
        while j < n {
            let c = b[j];
            if c < 0x80 {
                if c.is_ascii_alphanumeric() || c == b'_' {
                    j += 1;
                    continue;
                }
                break;
            }
            let l = word_len_at(text, j);
            if l == 0 {
                break;
            }
            j += l;
        }
        if j >= n {
            return j;
        }
        let prev = b[j - 1];
        match b[j] {
            b'-' if word_len_at(text, j + 1) > 0 => {
                j += 1;
                continue;
            }
            b'.' | b',' | b':' | b'/' if prev.is_ascii_digit() && digit_at(b, j + 1) => {
                j += 1;
                continue;
            }
            // `S&P`, `AT&T`, `AD/ART`, `DPR/MPR`
            b'&' | b'/'
                if prev.is_ascii_uppercase()
                    && b.get(j + 1).is_some_and(u8::is_ascii_uppercase) =>
            {
                j += 1;
                continue;
            }
            b'\'' => match apostrophe_in_word(text, start, j, 1) {
                Apostrophe::Inside(k) => {
                    j = k;
                    continue;
                }
                Apostrophe::End(e) => return e,
            },
            0xE2 if b.get(j + 1) == Some(&0x80) => match b.get(j + 2) {
                // U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN between word chars.
                Some(0x90 | 0x91) if word_len_at(text, j + 3) > 0 => {
                    j += 3;
                    continue;
                }
                // U+2013 EN DASH between digits (`2014–2019`).
                Some(0x93) if prev.is_ascii_digit() && digit_at(b, j + 3) => {
                    j += 3;
                    continue;
                }
                Some(0x99) => match apostrophe_in_word(text, start, j, 3) {
                    Apostrophe::Inside(k) => {
                        j = k;
                        continue;
                    }
                    Apostrophe::End(e) => return e,
                },
                _ => {}
            },
            _ => {}
        }
        break;
    }
    finish_word(text, start, j, line_start)
}

/// Decides whether what follows the word at `start..j` belongs to it: an
/// abbreviation's period, an e-mail, URL or domain, a currency prefix.
fn finish_word(text: &str, start: usize, j: usize, line_start: bool) -> usize {
    let b = text.as_bytes();
    let word = &b[start..j];
    match b[j] {
        b'.' => {
            if word.eq_ignore_ascii_case(b"www") && word_len_at(text, j + 1) > 0 {
                return scan_url(text, start);
            }
            if let Some(e) = email_from(text, start, j) {
                return e;
            }
            if let Some(e) = dotted_abbreviation(b, start, j) {
                return e;
            }
            if let Some(e) = domain(text, start, j) {
                return e;
            }
            if is_abbreviation(text, start, j)
                || (line_start
                    && word.len() <= 3
                    && word.iter().all(u8::is_ascii_digit)
                    && matches!(b.get(j + 1), Some(b' ' | b'\t')))
            {
                return j + 1;
            }
            j
        }
        b'@' | b'+' | b'%' => email_from(text, start, j).unwrap_or(j),
        b':' if b.get(j + 1..j + 3) == Some(b"//")
            && [&b"http"[..], b"https", b"ftp"]
                .iter()
                .any(|s| s.eq_ignore_ascii_case(word)) =>
        {
            scan_url(text, start)
        }
        // `US$`, `C$`, `HK$`: a currency is a unit.
        b'$' if word.len() <= 3 && word.iter().all(u8::is_ascii_uppercase) => j + 1,
        _ => j,
    }
}

/// `john.doe@example.co.id` starting at `start`, if the text there is an
/// e-mail address whose local part was cut at `j`.
fn email_from(text: &str, start: usize, j: usize) -> Option<usize> {
    let b = text.as_bytes();
    if !b[start..j].is_ascii() {
        return None;
    }
    let mut k = j;
    while k < b.len() && (b[k].is_ascii_alphanumeric() || b"._%+-".contains(&b[k])) {
        k += 1;
    }
    if b.get(k) != Some(&b'@') || !b.get(k + 1).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let mut e = k + 1;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'.' || b[e] == b'-') {
        e += 1;
    }
    while matches!(b[e - 1], b'.' | b'-') {
        e -= 1;
    }
    b[k + 1..e].contains(&b'.').then_some(e)
}

/// `U.S.`, `U.N.`, `e.g.`, `Ph.D.`, `S.Kom.`: short letter groups each
/// followed by a period, at least two of them, the last period included.
fn dotted_abbreviation(b: &[u8], start: usize, j: usize) -> Option<usize> {
    let first = j - start;
    if !(1..=2).contains(&first) || !b[start..j].iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut p = j; // at a '.'
    let mut groups = 1;
    loop {
        let s = p + 1;
        let e = letters_end(b, s);
        if !(1..=3).contains(&(e - s)) || b.get(e) != Some(&b'.') {
            break;
        }
        groups += 1;
        p = e;
    }
    (groups >= 2).then_some(p + 1)
}

/// Top-level domains that make `name.tld` a domain rather than two words
/// run together (`kata.Dia`).
const TLDS: [&[u8]; 27] = [
    b"com", b"net", b"org", b"id", b"co", b"uk", b"au", b"sg", b"my", b"jp", b"cn", b"de", b"fr",
    b"nl", b"ru", b"eu", b"io", b"ai", b"gov", b"edu", b"mil", b"int", b"info", b"biz", b"tv",
    b"asia", b"news",
];

/// `detik.com`, `Tribunnews.com`, `kemlu.go.id` (and a path after it).
fn domain(text: &str, start: usize, j: usize) -> Option<usize> {
    let b = text.as_bytes();
    if !b[start..j]
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
    {
        return None;
    }
    let mut p = j;
    let mut found = None;
    for _ in 0..5 {
        if b.get(p) != Some(&b'.') {
            break;
        }
        let s = p + 1;
        let mut e = s;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'-') {
            e += 1;
        }
        if e == s || word_len_at(text, e) > 0 {
            break;
        }
        if TLDS.contains(&&b[s..e]) {
            found = Some(e);
        }
        p = e;
    }
    let e = found?;
    if b.get(e) == Some(&b'/') {
        return Some(scan_url(text, start));
    }
    Some(e)
}

/// A URL from `start`: up to the next space or delimiter, minus trailing
/// sentence punctuation and unbalanced closing brackets.
fn scan_url(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    let mut e = start;
    while e < b.len() {
        let c = b[e];
        if c < 0x80 {
            if c <= b' ' || matches!(c, b'<' | b'>' | b'"' | b'`' | 0x7F) {
                break;
            }
            e += 1;
        } else {
            match char_at(text, e) {
                Some(ch) if !is_space(ch) && !matches!(ch, '“' | '”' | '‘' | '’' | '«' | '»') => {
                    e += ch.len_utf8()
                }
                _ => break,
            }
        }
    }
    while let Some(&last) = b[start..e].last() {
        let url = &b[start..e];
        let unbalanced = |open: u8, close: u8| {
            url.iter().filter(|&&c| c == close).count() > url.iter().filter(|&&c| c == open).count()
        };
        let trim = match last {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' => true,
            b')' => unbalanced(b'(', b')'),
            b']' => unbalanced(b'[', b']'),
            b'}' => unbalanced(b'{', b'}'),
            _ => false,
        };
        if !trim {
            break;
        }
        e -= 1;
    }
    // Never shorter than the word that led here.
    e.max(start + 1)
}

/// Whether the word at `start..j`, followed by a period at `j`, is an
/// abbreviation that keeps the period.
fn is_abbreviation(text: &str, start: usize, j: usize) -> bool {
    let word = &text[start..j];
    let mut chars = word.chars();
    // An initial: `J.`, `Ž.`
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_uppercase()
    {
        return true;
    }
    if matches!(word, "No" | "no" | "Nos" | "Nr" | "Nomor") {
        // Only before a number (`No. 1`): "No." can also end a sentence.
        let b = text.as_bytes();
        let mut k = j + 1;
        while matches!(b.get(k), Some(b' ')) {
            k += 1;
        }
        return digit_at(b, k);
    }
    matches!(
        word,
        // English titles, ranks, company and address words, months, states.
        "Mr" | "Mrs" | "Ms" | "Dr" | "Prof" | "Jr" | "Sr" | "St" | "Mt" | "Ft" | "Inc"
            | "Corp" | "Ltd" | "Co" | "Bros" | "Plc" | "Gen" | "Gov" | "Sen" | "Rep" | "Lt"
            | "Col" | "Capt" | "Sgt" | "Maj" | "Adm" | "Cmdr" | "Rev" | "Hon" | "Pres"
            | "Supt" | "Insp" | "Ave" | "Blvd" | "Rd" | "Dept" | "Univ" | "Assn" | "Jan"
            | "Feb" | "Apr" | "Jun" | "Jul" | "Aug" | "Sep" | "Sept" | "Oct" | "Nov" | "Dec"
            | "Calif" | "Fla" | "Ariz" | "Colo" | "Conn" | "Mass" | "Mich" | "Minn" | "Okla"
            | "Tenn" | "Tex" | "Penn" | "vs" | "etc" | "approx" | "est" | "vol" | "pp" | "cf"
            | "fig" | "Fig"
            // Indonesian: titles, degrees, address and list words.
            | "dr" | "Drs" | "Dra" | "Ir" | "Hj" | "Sdr" | "Bpk" | "Yth" | "Jl" | "Jln"
            | "Kec" | "Kab" | "Prov" | "Kel" | "dll" | "dsb" | "dst" | "dkk" | "tgl" | "Tbk"
            | "Rp" | "Kol" | "Ny"
    )
}

/// Punctuation and symbols in ASCII starting at `i`.
fn scan_ascii_punct(text: &str, i: usize, glued: bool) -> usize {
    let b = text.as_bytes();
    let c = b[i];
    match c {
        // A clitic also after a space: text that was tokenised before
        // (`England 's`) must come back unchanged.
        b'\'' => clitic_at(text, i).unwrap_or_else(|| run_of(b, i, c)),
        // `.500`: a decimal without its leading zero.
        b'.' if !glued && digit_at(b, i + 1) => {
            let mut e = i + 1;
            while digit_at(b, e) || (matches!(b.get(e), Some(b'.' | b',')) && digit_at(b, e + 1)) {
                e += 1;
            }
            e
        }
        b'.' | b'-' | b'!' | b'?' | b'`' | b'*' | b'=' | b'~' => run_of(b, i, c),
        // `#Pemilu2019`, `@jokowi`
        b'#' | b'@' if !glued && word_len_at(text, i + 1) > 0 => {
            let mut e = i + 1;
            loop {
                let l = word_len_at(text, e);
                if l == 0 {
                    break;
                }
                e += l;
            }
            e
        }
        _ => i + 1,
    }
}

fn run_of(b: &[u8], i: usize, c: u8) -> usize {
    let mut e = i + 1;
    while b.get(e) == Some(&c) {
        e += 1;
    }
    e
}

/// A non-ASCII character that is neither space nor part of a word.
fn scan_other(text: &str, i: usize, ch: char) -> usize {
    if ch == '’'
        && let Some(e) = clitic_at(text, i)
    {
        return e;
    }
    let mut e = i + ch.len_utf8();
    // A flag is a pair of regional indicators.
    if ('\u{1F1E6}'..='\u{1F1FF}').contains(&ch)
        && let Some(next) = char_at(text, e)
        && ('\u{1F1E6}'..='\u{1F1FF}').contains(&next)
    {
        e += next.len_utf8();
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    fn check(text: &str, expected: &[&str]) {
        assert_eq!(toks(text), expected, "tokenising {text:?}");
    }

    /// The invariants every tokenisation must satisfy.
    fn assert_well_formed(text: &str) {
        let tokens = tokenize(text);
        let mut covered = vec![false; text.len()];
        let mut last = 0;
        for t in &tokens {
            assert!(t.start < t.end, "empty token in {text:?}");
            assert!(t.start >= last, "overlap/out of order in {text:?}");
            assert!(t.end <= text.len());
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            for c in covered.iter_mut().take(t.end).skip(t.start) {
                *c = true;
            }
            last = t.end;
        }
        for (i, ch) in text.char_indices() {
            assert_eq!(
                covered[i],
                !is_space(ch),
                "char {ch:?} at {i} in {text:?}: covered={}",
                covered[i]
            );
            for k in i..i + ch.len_utf8() {
                assert_eq!(covered[k], covered[i], "token boundary inside {ch:?}");
            }
        }
    }

    #[test]
    fn offsets_are_byte_ranges_into_the_text() {
        let text = "  Li Lei, CEO.\nDia";
        let t = tokenize(text);
        assert_eq!(
            t,
            vec![
                Token { start: 2, end: 4 },
                Token { start: 5, end: 8 },
                Token { start: 8, end: 9 },
                Token { start: 10, end: 13 },
                Token { start: 13, end: 14 },
                Token { start: 15, end: 18 },
            ]
        );
        let text = "Café “Sörös” naïve";
        let t = tokenize(text);
        assert_eq!(t[0], Token { start: 0, end: 5 });
        assert_eq!(t[1].text(text), "“");
        assert_eq!(t[2].text(text), "Sörös");
        assert_eq!(t[3].text(text), "”");
        assert_eq!(t[4].text(text), "naïve");
        assert_eq!(t[4].len(), 6);
    }

    #[test]
    fn empty_and_space_only() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" \n\t\u{a0}\u{3000}\u{200b}").is_empty());
        assert!(sentences("", &[]).is_empty());
    }

    #[test]
    fn punctuation_brackets_and_quotes_apart() {
        check(
            "(Reuters) \"No,\" he said; “yes!” [sic] {x}",
            &[
                "(", "Reuters", ")", "\"", "No", ",", "\"", "he", "said", ";", "“", "yes", "!",
                "”", "[", "sic", "]", "{", "x", "}",
            ],
        );
        check("‘quoted’ «x»", &["‘", "quoted", "’", "«", "x", "»"]);
        check("wait... -- ok?!", &["wait", "...", "--", "ok", "?", "!"]);
        check("40% of $17,000", &["40", "%", "of", "$", "17,000"]);
        check("US$5 C$ 10", &["US$", "5", "C$", "10"]);
    }

    #[test]
    fn abbreviations_keep_their_period() {
        check(
            "Dr. Smith Jr. of the U.S. met Mr. J. Doe of Acme Inc. and Foo Corp. and Bar Ltd.",
            &[
                "Dr.", "Smith", "Jr.", "of", "the", "U.S.", "met", "Mr.", "J.", "Doe", "of",
                "Acme", "Inc.", "and", "Foo", "Corp.", "and", "Bar", "Ltd.",
            ],
        );
        check(
            "U.N. e.g. Ph.D. S.Kom.",
            &["U.N.", "e.g.", "Ph.D.", "S.Kom."],
        );
        check("No. 1 but No.", &["No.", "1", "but", "No", "."]);
        check("Jl. Sudirman, dll.", &["Jl.", "Sudirman", ",", "dll."]);
        // An ordinary word before a period is not an abbreviation.
        check("in Jakarta.", &["in", "Jakarta", "."]);
    }

    #[test]
    fn numbers_and_dates() {
        check(
            "3.5 1,200 2.000 1,3 .500 1:54.342 1/2 24/8/2014 3-1/2 2016-05-01 6-4 2014–2019",
            &[
                "3.5",
                "1,200",
                "2.000",
                "1,3",
                ".500",
                "1:54.342",
                "1/2",
                "24/8/2014",
                "3-1/2",
                "2016-05-01",
                "6-4",
                "2014–2019",
            ],
        );
        check("(24/8)", &["(", "24/8", ")"]);
        check("in 1996.", &["in", "1996", "."]);
        check("Rp9.100 Rp. 58", &["Rp9.100", "Rp.", "58"]);
        // A list number keeps its period only at the start of a line.
        check(
            "1. Michael Schumacher\n2. Jacques Villeneuve",
            &["1.", "Michael", "Schumacher", "2.", "Jacques", "Villeneuve"],
        );
        check("won 2. Then", &["won", "2", ".", "Then"]);
    }

    #[test]
    fn hyphenated_words() {
        check(
            "neuro-linguistik Co-founder ke-19 anak-anak PDI-P U-23 non‑stop",
            &[
                "neuro-linguistik",
                "Co-founder",
                "ke-19",
                "anak-anak",
                "PDI-P",
                "U-23",
                "non‑stop",
            ],
        );
        check("word- -word", &["word", "-", "-", "word"]);
        check("a--b", &["a", "--", "b"]);
    }

    #[test]
    fn urls_emails_and_domains() {
        check(
            "See https://example.com/a?b=1&c=(2). Or www.detik.com, mail john.doe@mail.co.id.",
            &[
                "See",
                "https://example.com/a?b=1&c=(2)",
                ".",
                "Or",
                "www.detik.com",
                ",",
                "mail",
                "john.doe@mail.co.id",
                ".",
            ],
        );
        check(
            "(http://x.org/wiki) Tribunnews.com kemlu.go.id/berita/1 #Pemilu2019 @jokowi",
            &[
                "(",
                "http://x.org/wiki",
                ")",
                "Tribunnews.com",
                "kemlu.go.id/berita/1",
                "#Pemilu2019",
                "@jokowi",
            ],
        );
        check("a @ b # c", &["a", "@", "b", "#", "c"]);
    }

    #[test]
    fn missing_space_after_punctuation() {
        check("juga:Co-founder", &["juga", ":", "Co-founder"]);
        check("kata.Dia", &["kata", ".", "Dia"]);
        check(
            "kata,dia;lalu!Ya?",
            &["kata", ",", "dia", ";", "lalu", "!", "Ya", "?"],
        );
        check("selesai.(Ant)", &["selesai", ".", "(", "Ant", ")"]);
        check("2016.Dia", &["2016", ".", "Dia"]);
    }

    #[test]
    fn clitics_and_apostrophes() {
        check(
            "Germany's lead, ministers' meeting, we're, don't, can't, I'm",
            &[
                "Germany",
                "'s",
                "lead",
                ",",
                "ministers",
                "'",
                "meeting",
                ",",
                "we",
                "'re",
                ",",
                "do",
                "n't",
                ",",
                "ca",
                "n't",
                ",",
                "I",
                "'m",
            ],
        );
        check("Trump’s DON’T", &["Trump", "’s", "DO", "N’T"]);
        check(
            "O'Brien Ma'ruf Jum'at D’Ávila O'Brien's",
            &["O'Brien", "Ma'ruf", "Jum'at", "D’Ávila", "O'Brien", "'s"],
        );
        check("'s 'quoted'", &["'s", "'", "quoted", "'"]);
        check("the '90s", &["the", "'", "90s"]);
    }

    #[test]
    fn special_corpus_cases() {
        check(
            "S&P AT&T a&b AD/ART and/or",
            &["S&P", "AT&T", "a", "&", "b", "AD/ART", "and", "/", "or"],
        );
        check("snake_case", &["snake_case"]);
    }

    #[test]
    fn multibyte_wide_and_combining_text_is_covered_on_char_boundaries() {
        let samples = [
            "Café naïve Zürich — “Šíma” 北京市 字节跳动 (ByteDance) 東京。",
            "e\u{301}te\u{301} cafe\u{301}. \u{301}orphan mark",
            "emoji 👍🏽 family 👨‍👩‍👧 flag 🇮🇩🇬🇧 ok ❤️",
            "عربي हिन्दी ภาษาไทย 한국어 Ελληνικά Кириллица",
            "zero\u{200b}width\u{feff}bom nbsp\u{a0}here\u{3000}ideo",
            "soft\u{ad}hyphen rtl\u{200f}mark ’ ‘ … ¢£€ °C",
            "\u{1}\u{7f}ctl\u{85}next\u{2028}line",
            "trailing ’",
            "x'",
            "n'",
            "www.",
            "http://",
            "a@b.",
            "U.S",
            "3.",
            "'",
            "’s",
        ];
        for s in samples {
            assert_well_formed(s);
        }
        check("e\u{301}te\u{301}", &["e\u{301}te\u{301}"]);
        check("👍🏽 👨‍👩‍👧 🇮🇩🇬🇧", &["👍🏽", "👨‍👩‍👧", "🇮🇩", "🇬🇧"]);
        check("北京市，东京。", &["北京市", "，", "东京", "。"]);
    }

    #[test]
    fn corpus_like_text_is_well_formed() {
        // Every prefix of a varied text: catches scanners that look past the end.
        let text = "Dr. O'Brien's U.S.-based firm (john@x.co.id) paid $3.5 on 2016-05-01... \
                    Lihat www.detik.com/a.b?c! n't 'll ’s 1. x.Y";
        for (i, _) in text.char_indices() {
            assert_well_formed(&text[..i]);
            assert_well_formed(&text[i..]);
        }
    }

    fn sents(text: &str) -> Vec<Vec<&str>> {
        let tokens = tokenize(text);
        sentences(text, &tokens)
            .into_iter()
            .map(|r| tokens[r].iter().map(|t| t.text(text)).collect())
            .collect()
    }

    #[test]
    fn sentences_split_on_terminators_not_abbreviations() {
        assert_eq!(
            sents("Dr. Li met J. Doe in the U.S. yesterday. He left! Did she? Yes."),
            vec![
                vec![
                    "Dr.",
                    "Li",
                    "met",
                    "J.",
                    "Doe",
                    "in",
                    "the",
                    "U.S.",
                    "yesterday",
                    "."
                ],
                vec!["He", "left", "!"],
                vec!["Did", "she", "?"],
                vec!["Yes", "."],
            ]
        );
        assert_eq!(
            sents("Prof. Wu, Mrs. Li and St. John. No. 5 won."),
            vec![
                vec!["Prof.", "Wu", ",", "Mrs.", "Li", "and", "St.", "John", "."],
                vec!["No.", "5", "won", "."]
            ]
        );
    }

    #[test]
    fn sentences_split_on_lines_and_paragraphs() {
        assert_eq!(
            sents("Title Line\nSecond title line\n\nBody one. Body two"),
            vec![
                vec!["Title", "Line"],
                vec!["Second", "title", "line"],
                vec!["Body", "one", "."],
                vec!["Body", "two"],
            ]
        );
        assert_eq!(sents("a\r\nb"), vec![vec!["a"], vec!["b"]]);
    }

    #[test]
    fn sentences_keep_closing_quotes_and_lowercase_continuations() {
        assert_eq!(
            sents("He said \"no.\" Then (he left.) Fine"),
            vec![
                vec!["He", "said", "\"", "no", ".", "\""],
                vec!["Then", "(", "he", "left", ".", ")"],
                vec!["Fine"],
            ]
        );
        assert_eq!(
            sents("“Siapa?” tanya dia. Wait... what?! Ok"),
            vec![
                vec!["“", "Siapa", "?", "”", "tanya", "dia", "."],
                vec!["Wait", "...", "what", "?", "!"],
                vec!["Ok"],
            ]
        );
        // A period always ends a sentence, even before lowercase.
        assert_eq!(sents("kata.dia"), vec![vec!["kata", "."], vec!["dia"]]);
    }

    #[test]
    fn sentences_cover_all_tokens_in_order() {
        let text = "A. B. C! d? E.\n\n\"F.\" G";
        let tokens = tokenize(text);
        let s = sentences(text, &tokens);
        let mut next = 0;
        for r in &s {
            assert_eq!(r.start, next);
            assert!(r.end > r.start);
            next = r.end;
        }
        assert_eq!(next, tokens.len());
    }
}

/// Checks against the shared corpora (skipped with a message when absent).
#[cfg(test)]
mod corpus_tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::Instant;

    fn corpus(rel: &str, test: &str) -> Option<Vec<Vec<String>>> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/ner")
            .join(rel);
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("{test}: skipped, {} not found", path.display());
            return None;
        };
        let mut sents = vec![];
        let mut cur = vec![];
        for line in text.lines() {
            let Some(tok) = line.split_whitespace().next() else {
                if !cur.is_empty() {
                    sents.push(std::mem::take(&mut cur));
                }
                continue;
            };
            if tok != "-DOCSTART-" {
                cur.push(tok.to_string());
            }
        }
        if !cur.is_empty() {
            sents.push(cur);
        }
        Some(sents)
    }

    /// Re-tokenises each space-joined corpus sentence and returns the share
    /// of sentences whose tokens come back exactly.
    fn agreement(sents: &[Vec<String>], show: usize) -> f64 {
        let mut same = 0;
        let mut shown = 0;
        for s in sents {
            let text = s.join(" ");
            let got: Vec<&str> = tokenize(&text).iter().map(|t| t.text(&text)).collect();
            if got == *s {
                same += 1;
            } else if shown < show && !s.iter().any(|t| t.len() > 1 && t.contains(['(', ')'])) {
                shown += 1;
                eprintln!("corpus: {s:?}\nours:   {got:?}");
            }
        }
        same as f64 / sents.len().max(1) as f64
    }

    #[test]
    fn retokenising_conll_dev_reproduces_its_tokens() {
        let test = "retokenising_conll_dev_reproduces_its_tokens";
        let Some(sents) = corpus("en/conll2003/dev.txt", test) else {
            return;
        };
        let a = agreement(&sents, 10);
        eprintln!("{test}: {:.2}% of sentences identical", 100.0 * a);
        // The rest are corpus slips (`6-` `4`, `T.O'Gorman`, `1=`).
        assert!(a > 0.985, "only {:.2}% of sentences identical", 100.0 * a);
    }

    #[test]
    fn retokenising_idner_dev_reproduces_its_tokens() {
        let test = "retokenising_idner_dev_reproduces_its_tokens";
        let Some(sents) = corpus("id/idner-news-2k/dev.txt", test) else {
            return;
        };
        let a = agreement(&sents, 10);
        eprintln!("{test}: {:.2}% of sentences identical", 100.0 * a);
        // Most of the rest are deliberate: idner glues brackets, `$` and `%`
        // to words (`(Persero)`, `$1.4`, `20%`) where CoNLL splits them, and
        // one tokeniser must serve both models.
        assert!(a > 0.82, "only {:.2}% of sentences identical", 100.0 * a);
    }

    /// Tokeniser speed over the CoNLL-2003 dev text. Run with
    /// `cargo test --release tokenizer_speed -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn tokenizer_speed() {
        let Some(sents) = corpus("en/conll2003/dev.txt", "tokenizer_speed") else {
            return;
        };
        let text: String = sents
            .iter()
            .map(|s| s.join(" "))
            .collect::<Vec<_>>()
            .join("\n");
        let mut buf = Vec::new();
        let mut best = f64::INFINITY;
        let mut count = 0;
        for _ in 0..20 {
            buf.clear();
            let t = Instant::now();
            tokenize_into(&text, &mut buf);
            let s = sentences(&text, &buf);
            let dt = t.elapsed().as_secs_f64();
            count = buf.len();
            assert!(!s.is_empty());
            best = best.min(dt);
        }
        eprintln!(
            "tokenizer_speed: {count} tokens, {} bytes, best of 20: {:.2} ms, {:.1} M tokens/s ({:.1} ns/token) incl. sentence split",
            text.len(),
            best * 1e3,
            count as f64 / best / 1e6,
            best * 1e9 / count as f64
        );
    }
}
