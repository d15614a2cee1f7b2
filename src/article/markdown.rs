//! Markdown: optional front matter, the first `#` heading as the title, and
//! the markup reduced to readable paragraphs.
//!
//! This is deliberately not a full CommonMark parser: sorot only needs the
//! text a reader would see. Headings, paragraphs (soft-wrapped lines are
//! joined), list items (`•` or their number), block quotes, tables (cells
//! joined by ` · `) and fenced code (one paragraph per line) become
//! paragraphs; emphasis, code spans, links (`[text](url)` → `text [N]`, see [`super::links`]), images
//! (their alt text), autolinks, HTML tags and comments, backslash escapes
//! and character references are reduced inline. Every step is linear in the
//! input, so hostile nesting (`[[[[…`) cannot make it slow or overflow the
//! stack.

use std::collections::HashMap;

use super::Draft;
use super::links::{clean_url, marker, number};

/// One block of the document: a paragraph or a heading.
struct Block {
    text: String,
    heading: Option<u8>,
}

/// Parses decoded Markdown.
pub(crate) fn parse(text: &str) -> Draft {
    let text = crate::text::sanitize_cow(text);
    let mut draft = Draft::default();
    let body = match split_front_matter(&text) {
        Some((front, body)) => {
            apply_front_matter(front, &mut draft);
            body
        }
        None => &text,
    };
    let (blocks, defs) = blocks(body);
    // The title is the first level-1 heading, else the first heading.
    let title_at = if draft.title.is_some() {
        None
    } else {
        blocks
            .iter()
            .position(|b| b.heading == Some(1))
            .or_else(|| blocks.iter().position(|b| b.heading.is_some()))
    };
    for (i, b) in blocks.into_iter().enumerate() {
        // Links are numbered in the body only: the title is shown alone.
        if Some(i) == title_at {
            draft.title = Some(inline_with(&b.text, &defs, None));
        } else {
            let text = inline_with(&b.text, &defs, Some(&mut draft.links));
            draft.paragraphs.push(text);
        }
    }
    draft
}

/// Splits `---` front matter (closed by `---` or `...`) from the body.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// Reads the flat `key: value` lines of YAML-like front matter. A key with
/// an empty value followed by `- item` lines takes the items, comma-joined
/// (for author lists).
fn apply_front_matter(front: &str, d: &mut Draft) {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in front.lines() {
        let t = line.trim();
        if let Some(item) = t.strip_prefix("- ") {
            if line.starts_with([' ', '\t', '-'])
                && let Some((_, v)) = fields.last_mut()
            {
                if !v.is_empty() {
                    v.push_str(", ");
                }
                v.push_str(unquote(item.trim()));
            }
            continue;
        }
        let Some((k, v)) = t.split_once(':') else {
            continue;
        };
        if k.is_empty()
            || !k
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        fields.push((k.to_ascii_lowercase(), unquote(v.trim()).to_owned()));
    }
    for (k, v) in fields {
        if v.is_empty() {
            continue;
        }
        let slot = match k.as_str() {
            "title" | "headline" => &mut d.title,
            "author" | "byline" | "authors" => &mut d.author,
            "date" | "published" => &mut d.published,
            "source" => &mut d.source,
            "url" | "link" => &mut d.url,
            "lang" | "language" => &mut d.lang,
            _ => continue,
        };
        // The first of several aliases wins, as in JSON.
        if slot.is_none() {
            *slot = Some(v);
        }
    }
}

fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// Leading spaces of a line, if at most three (more would be indented code).
fn strip_indent(line: &str) -> Option<&str> {
    let t = line.trim_start_matches(' ');
    (line.len() - t.len() <= 3).then_some(t)
}

fn is_thematic_break(t: &str) -> bool {
    let t = t.trim();
    let Some(c) = t.chars().next() else {
        return false;
    };
    matches!(c, '-' | '*' | '_')
        && t.chars().filter(|&x| x == c).count() >= 3
        && t.chars().all(|x| x == c || x == ' ' || x == '\t')
}

fn atx_heading(t: &str) -> Option<(u8, &str)> {
    let level = t.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &t[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    // Closing hashes are decoration when separated by a space.
    let trimmed = rest.trim_end_matches('#');
    let text = if trimmed.is_empty() || trimmed.ends_with([' ', '\t']) {
        trimmed.trim_end()
    } else {
        rest
    };
    Some((level as u8, text))
}

/// A list item marker: returns the visible prefix and the item text.
fn list_item(t: &str) -> Option<(String, &str)> {
    let s = t.trim_start();
    let mut chars = s.char_indices();
    let (_, c) = chars.next()?;
    if matches!(c, '-' | '*' | '+') {
        let rest = &s[1..];
        if rest.starts_with([' ', '\t']) {
            return Some(("• ".to_owned(), rest.trim_start()));
        }
        return None;
    }
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&n) {
        let rest = &s[n..];
        if let Some(r) = rest.strip_prefix(['.', ')'])
            && (r.starts_with([' ', '\t']) || r.is_empty())
        {
            return Some((format!("{}. ", &s[..n]), r.trim_start()));
        }
    }
    None
}

fn is_table_separator(t: &str) -> bool {
    t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

fn table_row(t: &str) -> String {
    let inner = t.trim().trim_start_matches('|').trim_end_matches('|');
    inner
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A link reference definition line, `[label]: destination "title"`: the
/// label and the destination.
fn reference_definition(t: &str) -> Option<(&str, &str)> {
    let rest = t.strip_prefix('[')?;
    let i = rest.find("]:")?;
    let label = &rest[..i];
    if label.trim().is_empty() || label.contains(['[', ']']) || label.chars().count() > MAX_LABEL {
        return None;
    }
    Some((label, destination(&rest[i + 2..]).unwrap_or("")))
}

/// A reference label as links match it: case and runs of white space do
/// not count (`[The  Site]` is `[the site]`).
fn normalize_label(label: &str) -> String {
    label
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Link reference definitions by normalised label (the first of a label wins).
type Definitions = HashMap<String, String>;

/// Longest link label, in characters (CommonMark's limit). It also keeps
/// hostile nesting linear: no label longer than this is ever collected.
const MAX_LABEL: usize = 999;

/// The destination `defs` gives the label `label`, if any.
fn defined<'d>(defs: &'d Definitions, label: &[char]) -> Option<&'d String> {
    if defs.is_empty() || label.len() > MAX_LABEL {
        return None;
    }
    defs.get(&normalize_label(&label.iter().collect::<String>()))
}

/// Splits the body into paragraphs and headings, and gathers the link
/// reference definitions (which are not text).
fn blocks(body: &str) -> (Vec<Block>, Definitions) {
    let mut defs = Definitions::new();
    let mut out: Vec<Block> = Vec::new();
    let mut para = String::new();
    let mut fence: Option<(char, usize)> = None;
    let flush = |para: &mut String, out: &mut Vec<Block>| {
        if !para.trim().is_empty() {
            out.push(Block {
                text: std::mem::take(para),
                heading: None,
            });
        }
        para.clear();
    };
    for raw in body.split('\n') {
        if let Some((fc, fl)) = fence {
            let t = raw.trim();
            if t.len() >= fl && t.chars().all(|c| c == fc) {
                fence = None;
            } else if !t.is_empty() {
                // Code is shown as it is: no inline reduction, one line each.
                out.push(Block {
                    text: escape_inline(raw.trim_end()),
                    heading: None,
                });
            }
            continue;
        }
        // Block quotes: drop the markers, keep the content's structure.
        let mut line = raw;
        loop {
            let t = line.trim_start();
            match t.strip_prefix('>') {
                Some(r) if line.len() - t.len() <= 3 => {
                    line = r.strip_prefix(' ').unwrap_or(r);
                }
                _ => break,
            }
        }
        if line.trim().is_empty() {
            flush(&mut para, &mut out);
            continue;
        }
        let Some(t) = strip_indent(line) else {
            // Indented code or a continuation: plain text.
            para.push(' ');
            para.push_str(line.trim());
            continue;
        };
        let fence_len = t.bytes().take_while(|&b| b == b'`').count();
        let tilde_len = t.bytes().take_while(|&b| b == b'~').count();
        if fence_len >= 3 || tilde_len >= 3 {
            flush(&mut para, &mut out);
            fence = Some(if fence_len >= 3 {
                ('`', fence_len)
            } else {
                ('~', tilde_len)
            });
            continue;
        }
        if let Some((level, text)) = atx_heading(t) {
            flush(&mut para, &mut out);
            out.push(Block {
                text: text.to_owned(),
                heading: Some(level),
            });
            continue;
        }
        let tt = t.trim_end();
        if !para.trim().is_empty() && !tt.is_empty() && tt.chars().all(|c| c == '=') {
            out.push(Block {
                text: std::mem::take(&mut para),
                heading: Some(1),
            });
            continue;
        }
        if !para.trim().is_empty() && !tt.is_empty() && tt.chars().all(|c| c == '-') {
            out.push(Block {
                text: std::mem::take(&mut para),
                heading: Some(2),
            });
            continue;
        }
        if is_thematic_break(t) {
            flush(&mut para, &mut out);
            continue;
        }
        if let Some((label, dest)) = reference_definition(t) {
            defs.entry(normalize_label(label))
                .or_insert_with(|| dest.to_owned());
            continue;
        }
        if t.starts_with('|') {
            flush(&mut para, &mut out);
            if !is_table_separator(t) {
                out.push(Block {
                    text: table_row(t),
                    heading: None,
                });
            }
            continue;
        }
        if let Some((prefix, text)) = list_item(t) {
            flush(&mut para, &mut out);
            para.push_str(&escape_inline(&prefix));
            para.push_str(text);
            continue;
        }
        if !para.is_empty() {
            para.push(' ');
        }
        para.push_str(t);
    }
    flush(&mut para, &mut out);
    (out, defs)
}

/// Backslash-escapes inline markup so [`inline`] leaves text as it is.
fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_inline_special(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn is_inline_special(c: char) -> bool {
    matches!(
        c,
        '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '(' | ')' | '<' | '>' | '&' | '!'
    )
}

/// Reduces inline markup to the text a reader sees.
#[cfg(test)]
fn inline(s: &str) -> String {
    inline_with(s, &Definitions::new(), None)
}

/// Reduces inline markup to the text a reader sees; reference links
/// (`[text][label]`, `[label][]`, `[label]`) resolve through `defs`. With
/// `links`, numbers each link and autolink to a URL that [`clean_url`]
/// keeps: ` [N]` after its text, its URL in `links`.
fn inline_with(s: &str, defs: &Definitions, mut links: Option<&mut Vec<String>>) -> String {
    if !s
        .chars()
        .any(|c| is_inline_special(c) && c != '(' && c != ')')
    {
        return s.to_owned();
    }
    let c: Vec<char> = s.chars().collect();
    let n = c.len();
    // Backslashes right before each char: odd means the char is escaped.
    let mut backslashes = vec![0u32; n + 1];
    for i in 1..=n {
        backslashes[i] = if c[i - 1] == '\\' {
            backslashes[i - 1] + 1
        } else {
            0
        };
    }
    let escaped = |i: usize| backslashes[i] % 2 == 1;

    // Matching brackets and parentheses, in one pass each.
    let mut close_of: HashMap<usize, usize> = HashMap::new();
    let mut squares = Vec::new();
    let mut parens = Vec::new();
    for (i, &ch) in c.iter().enumerate() {
        if escaped(i) {
            continue;
        }
        match ch {
            '[' => squares.push(i),
            ']' => {
                if let Some(o) = squares.pop() {
                    close_of.insert(o, i);
                }
            }
            '(' => parens.push(i),
            ')' => {
                if let Some(o) = parens.pop() {
                    close_of.insert(o, i);
                }
            }
            _ => {}
        }
    }

    // For each backtick run, the next run of the same length (code spans).
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < n {
        if c[i] == '`' && !escaped(i) {
            let start = i;
            while i < n && c[i] == '`' {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    let mut next_run: HashMap<usize, usize> = HashMap::new();
    let mut last_by_len: HashMap<usize, usize> = HashMap::new();
    for &(start, len) in runs.iter().rev() {
        if let Some(&next) = last_by_len.get(&len) {
            next_run.insert(start, next);
        }
        last_by_len.insert(len, start);
    }

    // Ranges of link syntax to skip when the scan reaches their start, and
    // the number to write there.
    let mut skip_at: HashMap<usize, (usize, Option<usize>)> = HashMap::new();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < n {
        if let Some(&(end, number)) = skip_at.get(&i) {
            if let Some(n) = number {
                out.push_str(&marker(n));
            }
            i = end + 1;
            continue;
        }
        let ch = c[i];
        match ch {
            '\\' if i + 1 < n && c[i + 1].is_ascii_punctuation() => {
                out.push(c[i + 1]);
                i += 2;
            }
            '`' => {
                let len = c[i..].iter().take_while(|&&x| x == '`').count();
                match next_run.get(&i) {
                    Some(&close) => {
                        let inner: String = c[i + len..close].iter().collect();
                        let inner =
                            if inner.starts_with(' ') && inner.ends_with(' ') && inner.len() > 1 {
                                &inner[1..inner.len() - 1]
                            } else {
                                &inner[..]
                            };
                        out.push_str(inner);
                        i = close + len;
                    }
                    None => {
                        out.extend(&c[i..i + len]);
                        i += len;
                    }
                }
            }
            '!' if i + 1 < n
                && c[i + 1] == '['
                && link_end(&c, i + 1, &close_of, defs).is_some() =>
            {
                i += 1;
            }
            '[' => match link_end(&c, i, &close_of, defs) {
                Some((text_close, end)) => {
                    // Images show their alt text; only links get a number.
                    let image = i > 0 && c[i - 1] == '!' && !escaped(i - 1);
                    let url = match c.get(text_close + 1) {
                        Some('(') if end > text_close => {
                            let dest: String = c[text_close + 2..end].iter().collect();
                            destination(&dest).map(str::to_owned)
                        }
                        // `[text][label]`, or `[label][]` / `[label]`.
                        _ => {
                            let label = if end > text_close + 2 {
                                &c[text_close + 2..end]
                            } else {
                                &c[i + 1..text_close]
                            };
                            defined(defs, label).cloned()
                        }
                    };
                    let num = match links.as_deref_mut() {
                        Some(l) if !image => url
                            .as_deref()
                            .and_then(clean_url)
                            .and_then(|u| number(l, &u)),
                        _ => None,
                    };
                    skip_at.insert(text_close, (end, num));
                    i += 1;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '<' => match angle(&c, i) {
                Some((end, keep)) => {
                    if keep {
                        let inner: String = c[i + 1..end].iter().collect();
                        out.push_str(&inner);
                        if let Some(l) = links.as_deref_mut()
                            && let Some(n) = clean_url(&inner).and_then(|u| number(l, &u))
                        {
                            out.push_str(&marker(n));
                        }
                    }
                    i = end + 1;
                }
                None => {
                    out.push('<');
                    i += 1;
                }
            },
            '&' => match char_ref(&c, i) {
                Some((decoded, end)) => {
                    out.push(decoded);
                    i = end + 1;
                }
                None => {
                    out.push('&');
                    i += 1;
                }
            },
            '*' | '_' | '~' => {
                let len = c[i..].iter().take_while(|&&x| x == ch).count();
                let before = if i == 0 { ' ' } else { c[i - 1] };
                let after = c.get(i + len).copied().unwrap_or(' ');
                let delimiter = match ch {
                    // A lone `*` between spaces is arithmetic, not emphasis.
                    '*' => !(before.is_whitespace() && after.is_whitespace()),
                    // Underscores inside words (snake_case) are literal.
                    '_' => {
                        !((before.is_alphanumeric() && after.is_alphanumeric())
                            || (before.is_whitespace() && after.is_whitespace()))
                    }
                    _ => len >= 2,
                };
                if !delimiter {
                    out.extend(&c[i..i + len]);
                }
                i += len;
            }
            _ => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// The URL of an inline link's `(dest "title")` part: `<…>` or up to the
/// first whitespace.
fn destination(inside: &str) -> Option<&str> {
    let t = inside.trim();
    if let Some(rest) = t.strip_prefix('<') {
        return rest.split('>').next();
    }
    t.split_whitespace().next()
}

/// For `[` at `open`: when it starts a link (`[text](dest)`, `[text][ref]`
/// or `[text][]`, or `[label]` alone when `defs` defines the label), the
/// index of the text's `]` and of the link's last char.
fn link_end(
    c: &[char],
    open: usize,
    close_of: &HashMap<usize, usize>,
    defs: &Definitions,
) -> Option<(usize, usize)> {
    let close = *close_of.get(&open)?;
    match c.get(close + 1) {
        Some('(') => close_of.get(&(close + 1)).map(|&end| (close, end)),
        Some('[') => close_of.get(&(close + 1)).map(|&end| (close, end)),
        _ => defined(defs, &c[open + 1..close]).map(|_| (close, close)),
    }
}

/// For `<` at `i`: an autolink (`<https://…>`, `<a@b.c>`: keep the inside),
/// an HTML tag or comment (drop it). Returns the index of the closing `>`.
fn angle(c: &[char], i: usize) -> Option<(usize, bool)> {
    const MAX_TAG: usize = 2048;
    let rest = &c[i + 1..];
    if rest.starts_with(&['!', '-', '-']) {
        // Comment: up to `-->`, bounded so an unclosed one stays linear.
        let limit = rest.len().min(MAX_TAG);
        let end = (3..limit.saturating_sub(2)).find(|&k| rest[k..k + 3] == ['-', '-', '>'])?;
        return Some((i + 1 + end + 2, false));
    }
    let first = *rest.first()?;
    if !(first.is_ascii_alphabetic() || first == '/' || first == '!' || first == '?') {
        return None;
    }
    let end = rest
        .iter()
        .take(MAX_TAG)
        .position(|&x| x == '>' || x == '<' || x == '\n')?;
    if rest[end] != '>' {
        return None;
    }
    let inner: String = rest[..end].iter().collect();
    let autolink = (inner.contains("://") || (inner.contains('@') && !inner.contains(' ')))
        && !inner.contains(' ');
    Some((i + 1 + end, autolink))
}

/// For `&` at `i`: a character reference and the index of its `;`.
fn char_ref(c: &[char], i: usize) -> Option<(char, usize)> {
    let semi = c[i + 1..]
        .iter()
        .take(12)
        .position(|&x| x == ';')
        .map(|k| i + 1 + k)?;
    let name: String = c[i + 1..semi].iter().collect();
    let decoded = if let Some(num) = name.strip_prefix('#') {
        let v = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        // NUL and non-characters become U+FFFD, as in HTML.
        char::from_u32(v)
            .filter(|&ch| ch != '\0')
            .unwrap_or(char::REPLACEMENT_CHARACTER)
    } else {
        match name.as_str() {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            "mdash" => '—',
            "ndash" => '–',
            "hellip" => '…',
            "lsquo" => '‘',
            "rsquo" => '’',
            "ldquo" => '“',
            "rdquo" => '”',
            "copy" => '©',
            _ => return None,
        }
    };
    Some((decoded, semi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Article, LoadEvent, parse_bytes};
    use std::path::Path;

    fn md(text: &str) -> Article {
        let mut evs = parse_bytes(Path::new("a.md"), text.as_bytes().to_vec());
        assert_eq!(evs.len(), 1, "{evs:?}");
        match evs.remove(0) {
            LoadEvent::Article(a) => a,
            LoadEvent::Problem(p) => panic!("unexpected problem: {p}"),
        }
    }

    #[test]
    fn front_matter_fields() {
        let a = md(
            "---\ntitle: \"Banjir di Semarang\"\nauthor: Sari Dewi\ndate: 2024-02-10\nsource: Kabar Kita\nurl: https://example.org/banjir\nlang: ID\ntags:\n  - banjir\n---\n# Other heading\n\nIsi berita.\n",
        );
        assert_eq!(a.title, "Banjir di Semarang");
        assert_eq!(a.author.as_deref(), Some("Sari Dewi"));
        assert_eq!(a.published.as_deref(), Some("2024-02-10"));
        assert_eq!(a.source.as_deref(), Some("Kabar Kita"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/banjir"));
        assert_eq!(a.lang.as_deref(), Some("id"));
        assert_eq!(a.id, "https://example.org/banjir");
        // The heading is not the title here, so it stays in the body.
        assert_eq!(a.body, "Other heading\n\nIsi berita.");
    }

    #[test]
    fn author_list_in_front_matter() {
        let a = md("---\ntitle: T\nauthor:\n  - Ana\n  - Budi\n---\nx\n");
        assert_eq!(a.author.as_deref(), Some("Ana, Budi"));
    }

    #[test]
    fn unclosed_front_matter_is_body() {
        let a = md("---\ntitle: x\n\n# Real title\n\ntext");
        assert_eq!(a.title, "Real title");
        assert!(a.body.contains("title: x"), "{}", a.body);
    }

    #[test]
    fn first_h1_is_the_title_and_markup_is_reduced() {
        let a = md(
            "## Kicker\n\n# The **Summit** Ends\n\nDelegates in *Nairobi* met at\nthe [UN office](https://un.example/x \"t\") and `agreed`.\n\n- first item\n- second *item*\n\n1. one\n2) two\n\n> quoted text\n> more\n\n![a chart](c.png) &amp; &#x41; &lt;b&gt; <b>bold</b> <https://x.example>\n",
        );
        assert_eq!(a.title, "The Summit Ends");
        let paras: Vec<&str> = a.body.split("\n\n").collect();
        assert_eq!(
            paras,
            vec![
                "Kicker",
                "Delegates in Nairobi met at the UN office [1] and agreed.",
                "• first item",
                "• second item",
                "1. one",
                "2. two",
                "quoted text more",
                "a chart & A <b> bold https://x.example [2]",
            ]
        );
        assert_eq!(a.links, ["https://un.example/x", "https://x.example"]);
    }

    #[test]
    fn setext_headings_rules_tables_and_references() {
        let a = md(
            "Big Title\n=========\n\nintro\n\nSub\n---\n\n***\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n[ref]: https://example.org\nSee [the site][ref] and [this][].\n",
        );
        assert_eq!(a.title, "Big Title");
        // The reference link is numbered; `[this][]` names no definition.
        assert_eq!(
            a.body,
            "intro\n\nSub\n\na · b\n\n1 · 2\n\nSee the site [1] and this."
        );
        assert_eq!(a.links, ["https://example.org"]);
    }

    #[test]
    fn reference_links_are_numbered_like_inline_ones() {
        let a = md("# Judul [KPK]

\
             Kata [Komisi][kpk], lalu [KPK] dan [kpk][], juga [inline](https://kpk.example/) \
             dan [lain][Other  Site]; ![logo][kpk] dan [tak ada][none] bukan tautan.\n\n\
             [KPK]: <https://kpk.example/> \"Komisi\"\n\
             [other site]: https://other.example/x\n\
             [kpk]: https://ignored.example/\n");
        // Labels match without case or extra spaces; the first definition
        // of a label wins; the title reduces the syntax but numbers nothing.
        assert_eq!(a.title, "Judul KPK");
        assert_eq!(
            a.body,
            "Kata Komisi [1], lalu KPK [1] dan kpk [1], juga inline [1] dan lain [2]; \
             logo dan tak ada bukan tautan."
        );
        assert_eq!(a.links, ["https://kpk.example/", "https://other.example/x"]);
    }

    #[test]
    fn code_fences_keep_lines_and_markup() {
        let a = md("# T\n\n```rust\nlet x = a_b * [c];\n\n  y();\n```\nafter\n");
        assert_eq!(a.body, "let x = a_b * [c];\n\ny();\n\nafter");
    }

    #[test]
    fn emphasis_rules() {
        assert_eq!(
            inline("**bold** and __strong__ ~~gone~~"),
            "bold and strong gone"
        );
        assert_eq!(inline("snake_case_name 2 * 3"), "snake_case_name 2 * 3");
        assert_eq!(inline("\\*not emphasis\\* \\[x\\]"), "*not emphasis* [x]");
        assert_eq!(inline("[not a link] (x)"), "[not a link] (x)");
        assert_eq!(inline("``code with ` inside``"), "code with ` inside");
        assert_eq!(inline("unclosed `tick"), "unclosed `tick");
        assert_eq!(
            inline("&#0; &#xD800; &bogus; & alone"),
            "\u{FFFD} \u{FFFD} &bogus; & alone"
        );
    }

    #[test]
    fn nested_links_reduce_to_text() {
        assert_eq!(inline("[[inner](a) outer](b)"), "inner outer");
        assert_eq!(inline("[![img](i.png)](link)"), "img");
    }

    #[test]
    fn hostile_nesting_is_linear_and_safe() {
        let deep = "[".repeat(100_000) + &"](x)".repeat(100_000);
        let start = std::time::Instant::now();
        let _ = inline(&deep);
        let _ = inline(&"`".repeat(50_000));
        let _ = inline(&"[a](".repeat(50_000));
        let _ = inline(&"<a".repeat(50_000));
        let _ = inline(&"&#".repeat(50_000));
        let _ = md(&"> ".repeat(50_000));
        let _ = md(&"# [".repeat(20_000));
        // With a definition, every bracket pair could be a reference.
        let defs = "[a]: https://x.example\n\n";
        let _ = md(&(defs.to_owned() + &"[".repeat(100_000) + &"]".repeat(100_000)));
        let _ = md(&(defs.to_owned() + &"[a][".repeat(50_000) + &"]".repeat(50_000)));
        let _ = md(&(defs.to_owned() + &"[a] ".repeat(50_000)));
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }

    #[test]
    fn entity_decoded_controls_are_removed() {
        let a = md("# T&#27;[2J\n\nx&#x85;y &#x202e;z");
        assert_eq!(a.title, "T");
        assert_eq!(a.body, "xy z");
    }

    #[test]
    fn no_heading_falls_back_to_file_name() {
        let a = md("just text\nmore text");
        assert_eq!(a.title, "a.md");
        assert_eq!(a.body, "just text more text");
    }
}
