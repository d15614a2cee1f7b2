//! Saved HTML pages (`.html`, `.htm`) and the HTML-to-paragraphs reduction
//! that feed content shares.
//!
//! Built on html5ever's *tokenizer* only, never its tree builder: tokens are
//! consumed in one flat loop with depth counters, so a page nested 100,000
//! levels deep costs a counter, not a stack frame, and character references
//! are decoded exactly as a browser decodes them, once. Everything returned
//! has been through [`crate::text::sanitize`], so a `&#27;` in a page can
//! never become an escape sequence on the terminal.

use std::cell::RefCell;
use std::path::Path;

use html5ever::Attribute;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{Article, Draft, Place, decode};
use crate::text::{collapse_whitespace, sanitize_cow};

/// What a page reduced to readable text: its title candidates and paragraphs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Page {
    /// Text of the `<title>` element, when it had any.
    pub title: Option<String>,
    /// Text of the first `<h1>`, when there was one.
    pub h1: Option<String>,
    /// The main text: the paragraphs inside `<article>` when there are any,
    /// else inside `<main>`, else the whole document.
    pub paragraphs: Vec<String>,
    /// URLs of the links in [`Page::paragraphs`]: link `N` is marked ` [N]`
    /// after its text (see [`crate::article::links`]).
    pub links: Vec<String>,
    /// Page metadata from `<meta>`, `<link rel="canonical">` and
    /// `<html lang>`, as given (the loader validates and normalises it).
    pub meta: Meta,
}

/// What a saved page says about itself in its head.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Meta {
    /// `<meta name="author">` (or `article:author` when it is not a URL).
    pub author: Option<String>,
    /// `article:published_time`, `datePublished`, `date` or `dc.date`.
    pub published: Option<String>,
    /// `og:site_name`.
    pub source: Option<String>,
    /// `<link rel="canonical">`, else `og:url`.
    pub url: Option<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
}

impl Meta {
    /// Records one `<meta>` pair; the first value of each kind wins.
    fn meta(&mut self, key: &str, value: String) {
        let slot = match key.to_ascii_lowercase().as_str() {
            "author" | "dc.creator" => &mut self.author,
            "article:author" if !value.contains("://") => &mut self.author,
            "article:published_time" | "datepublished" | "date" | "dc.date" | "dc.date.issued" => {
                &mut self.published
            }
            "og:site_name" => &mut self.source,
            "og:url" => &mut self.url,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(value).filter(|v| !v.trim().is_empty());
        }
    }
}

/// Reduces an HTML document or fragment to readable paragraphs: scripts,
/// styles and page furniture (navigation, header, footer, aside, forms)
/// dropped, block elements turned into paragraphs, whitespace collapsed,
/// entities decoded once, control characters removed.
pub fn html_to_paragraphs(html: &str) -> Vec<String> {
    reduce(html).paragraphs
}

/// [`html_to_paragraphs`] with the numbered links (see [`Page::links`]);
/// relative links resolve against `base` (e.g. a feed item's link).
pub fn html_to_paragraphs_links(html: &str, base: Option<&str>) -> (Vec<String>, Vec<String>) {
    let p = reduce_with_base(html, base);
    (p.paragraphs, p.links)
}

/// Reduces an HTML document to a [`Page`] (see [`html_to_paragraphs`]).
pub fn reduce(html: &str) -> Page {
    reduce_with_base(html, None)
}

/// [`reduce`], resolving relative links against `base`, else against the
/// page's own canonical URL.
pub fn reduce_with_base(html: &str, base: Option<&str>) -> Page {
    let tokenizer = Tokenizer::new(Collector::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // Our sink never asks the tokenizer to pause for a script, so one call
    // consumes all input; the loop is bounded by the input it drains.
    while !input.is_empty() {
        let _ = tokenizer.feed(&input);
    }
    tokenizer.end();
    tokenizer.sink.state.into_inner().finish(base)
}

/// Parses a saved HTML page into an article: title from `<title>` (else
/// the first `<h1>`, else the file name), body from the main text. The bytes
/// are decoded in the encoding the page declares in a `<meta>` tag (see
/// [`decode::decode_html`]), else like every other article file (BOM,
/// UTF-16, invalid UTF-8 with a note), and the result normalised like every
/// other article.
///
/// Fails when the page is binary or has no readable text at all.
pub fn parse_html(path: &Path, bytes: &[u8]) -> Result<Article, String> {
    let decoded = decode::decode_html(bytes);
    if decode::looks_binary(&decoded.text) {
        return Err("binary data (NUL bytes or mostly undecodable), not an HTML page".to_owned());
    }
    let page = reduce(&decoded.text);
    if page.paragraphs.is_empty() && page.title.is_none() && page.h1.is_none() {
        return Err("HTML page has no readable text".to_owned());
    }
    let meta = page.meta;
    let draft = Draft {
        title: page.title.or(page.h1),
        author: meta.author,
        published: meta.published,
        source: meta.source,
        url: meta.url,
        lang: meta.lang,
        paragraphs: page.paragraphs,
        links: page.links,
        notes: Vec::new(),
    };
    Ok(draft.finish(path, Place::Whole, &decoded.notes))
}

/// Sanitises, then collapses whitespace: the form of every line we return.
pub(crate) fn clean(s: &str) -> String {
    collapse_whitespace(&sanitize_cow(s))
}

/// Elements whose whole content is page furniture or not text at all.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "form"
            | "button"
            | "select"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "canvas"
            | "textarea"
    )
}

/// Elements that start and end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "hr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "section"
            | "article"
            | "main"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "figure"
            | "figcaption"
            | "address"
            | "details"
            | "summary"
            | "body"
            | "html"
            | "center"
    )
}

/// Tag names that never have an end tag, so they never open a region.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// The token sink: the tokenizer hands it tokens through `&self`, so the
/// mutable state lives in a `RefCell`.
#[derive(Default)]
struct Collector {
    state: RefCell<State>,
}

/// Depth counters (saturating, so stray end tags cannot underflow) and the
/// paragraph being built.
#[derive(Default)]
struct State {
    skip: usize,
    pre: usize,
    article: usize,
    main: usize,
    in_title: bool,
    title_done: bool,
    /// `</head>` is optional, so `<body>` also ends the head.
    in_head: bool,
    h1: usize,
    title: String,
    h1_text: String,
    h1_done: bool,
    current: String,
    all: Vec<String>,
    in_article: Vec<String>,
    in_main: Vec<String>,
    meta: Meta,
    canonical: Option<String>,
    /// The `href` of the `<a>` being read, when it has one.
    anchor: Option<String>,
    /// Every kept `href` met, in order; paragraphs hold [`LINK_OPEN`]
    /// index [`LINK_CLOSE`] where each ended, renumbered in `finish` for the
    /// region chosen as the main text.
    hrefs: Vec<String>,
}

/// Private-use characters that bracket a provisional link marker; they are
/// removed from page text, so a page cannot forge a marker.
const LINK_OPEN: char = '\u{E000}';
const LINK_CLOSE: char = '\u{E001}';

/// Replaces provisional markers in `paragraphs` with ` [N]`, numbering the
/// links in the order they appear there.
fn number_links(paragraphs: &mut Vec<String>, hrefs: &[Option<String>]) -> Vec<String> {
    let mut links = Vec::new();
    for p in paragraphs.iter_mut() {
        if !p.contains(LINK_OPEN) {
            continue;
        }
        let mut out = String::with_capacity(p.len() + 8);
        let mut rest = p.as_str();
        while let Some(at) = rest.find(LINK_OPEN) {
            out.push_str(&rest[..at]);
            let after = &rest[at + LINK_OPEN.len_utf8()..];
            let Some(end) = after.find(LINK_CLOSE) else {
                rest = after;
                continue;
            };
            let n = after[..end]
                .parse::<usize>()
                .ok()
                .and_then(|i| hrefs.get(i))
                .and_then(Option::as_deref)
                .and_then(|u| crate::article::links::number(&mut links, u));
            if let Some(n) = n {
                // Link text ending in a space already has one before the marker.
                out.truncate(out.trim_end().len());
                out.push_str(&crate::article::links::marker(n));
            }
            rest = &after[end + LINK_CLOSE.len_utf8()..];
            // `<a>two</a>three` must not read `two [1]three`.
            if n.is_some() && rest.starts_with(|c: char| c.is_alphanumeric()) {
                out.push(' ');
            }
        }
        out.push_str(rest);
        // A dropped marker can leave doubled, leading or trailing spaces,
        // or nothing at all (a paragraph that was only an unusable link).
        *p = clean(&out);
    }
    paragraphs.retain(|p| !p.is_empty());
    links
}

impl State {
    /// Ends the paragraph being built, filing it under every region it is in.
    fn flush(&mut self) {
        if self.current.is_empty() {
            return;
        }
        let para = clean(&self.current);
        self.current.clear();
        if para.is_empty() {
            return;
        }
        if self.article > 0 {
            self.in_article.push(para.clone());
        }
        if self.main > 0 {
            self.in_main.push(para.clone());
        }
        self.all.push(para);
    }

    fn text(&mut self, s: &str) {
        if self.in_title {
            if !self.title_done {
                self.title.push_str(s);
            }
            return;
        }
        if self.h1 > 0 && !self.h1_done {
            self.h1_text.push_str(s);
        }
        if self.skip > 0 || self.in_head {
            return;
        }
        let stripped: String;
        let s = if s.contains([LINK_OPEN, LINK_CLOSE]) {
            stripped = s.replace([LINK_OPEN, LINK_CLOSE], "");
            &stripped
        } else {
            s
        };
        if self.pre > 0 && s.contains('\n') {
            // Preformatted lines keep their breaks as paragraph breaks,
            // because a body has no newline other than between paragraphs.
            let mut lines = s.split('\n');
            if let Some(first) = lines.next() {
                self.current.push_str(first);
            }
            for line in lines {
                self.flush();
                self.current.push_str(line);
            }
        } else {
            self.current.push_str(s);
        }
    }

    fn attributes(&mut self, name: &str, attrs: &[Attribute]) {
        let attr = |key: &str| {
            attrs
                .iter()
                .find(|a| &*a.name.local == key)
                .map(|a| a.value.to_string())
        };
        match name {
            "html" if self.meta.lang.is_none() => self.meta.lang = attr("lang"),
            "meta" => {
                if let (Some(key), Some(value)) = (
                    attr("name")
                        .or_else(|| attr("property"))
                        .or_else(|| attr("itemprop")),
                    attr("content"),
                ) {
                    self.meta.meta(&key, value);
                }
            }
            "a" => {
                // `<a>` cannot nest: a new one ends the last.
                self.close_anchor();
                // Kept raw: relative ones resolve in `finish`, once the
                // page's own URL is known.
                self.anchor = attr("href")
                    .map(|h| h.trim().to_owned())
                    .filter(|h| !h.is_empty() && h.len() <= crate::article::links::MAX_URL);
            }
            "link" if self.canonical.is_none() => {
                let canonical = attr("rel").is_some_and(|r| {
                    r.split_ascii_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("canonical"))
                });
                if canonical {
                    self.canonical = attr("href").filter(|h| !h.trim().is_empty());
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, name: &str, self_closing: bool) {
        if is_block(name) {
            self.flush();
        }
        // HTML ignores `/>` on its own elements (`<div/>` opens a div), but
        // honours it on SVG and MathML roots, which are foreign content.
        if is_void(name) || (self_closing && matches!(name, "svg" | "math")) {
            return;
        }
        match name {
            "title" => self.in_title = true,
            "head" => self.in_head = true,
            "body" => self.in_head = false,
            "h1" => self.h1 += 1,
            "pre" => self.pre += 1,
            "article" => self.article += 1,
            "main" => self.main += 1,
            _ => {}
        }
        if is_skipped(name) {
            self.skip += 1;
        }
    }

    /// Marks the end of the open link's text, when it has a kept `href`.
    fn close_anchor(&mut self) {
        let Some(href) = self.anchor.take() else {
            return;
        };
        if self.skip > 0 || self.in_head || self.in_title {
            return;
        }
        let i = match self.hrefs.iter().position(|h| *h == href) {
            Some(i) => i,
            None => {
                self.hrefs.push(href);
                self.hrefs.len() - 1
            }
        };
        self.current.push(LINK_OPEN);
        self.current.push_str(&i.to_string());
        self.current.push(LINK_CLOSE);
    }

    fn end(&mut self, name: &str) {
        if name == "a" {
            self.close_anchor();
        }
        if is_block(name) {
            self.flush();
        }
        match name {
            "title" => {
                self.in_title = false;
                self.title_done = !clean(&self.title).is_empty();
            }
            "head" => self.in_head = false,
            "h1" => {
                self.h1 = self.h1.saturating_sub(1);
                if self.h1 == 0 && !clean(&self.h1_text).is_empty() {
                    self.h1_done = true;
                }
            }
            "pre" => self.pre = self.pre.saturating_sub(1),
            "article" => self.article = self.article.saturating_sub(1),
            "main" => self.main = self.main.saturating_sub(1),
            _ => {}
        }
        if is_skipped(name) {
            self.skip = self.skip.saturating_sub(1);
        }
    }

    fn finish(mut self, base: Option<&str>) -> Page {
        self.close_anchor();
        self.flush();
        let clean = |s: &str| Some(clean(s)).filter(|t| !t.is_empty());
        let mut paragraphs = if !self.in_article.is_empty() {
            self.in_article
        } else if !self.in_main.is_empty() {
            self.in_main
        } else {
            self.all
        };
        let mut meta = self.meta;
        // The canonical link is the page's own statement of its address, so
        // it beats og:url; either lets a saved page share its identity with
        // the same story read from a feed.
        if let Some(url) = self.canonical {
            meta.url = Some(url);
        }
        let base = base.or(meta.url.as_deref());
        let hrefs: Vec<Option<String>> = self
            .hrefs
            .iter()
            .map(|h| crate::article::links::resolve(base, h))
            .collect();
        let links = number_links(&mut paragraphs, &hrefs);
        Page {
            title: clean(&self.title),
            h1: clean(&self.h1_text),
            paragraphs,
            links,
            meta,
        }
    }
}

impl TokenSink for Collector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.state.borrow_mut();
        match token {
            Token::CharacterTokens(t) => st.text(&t),
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                match tag.kind {
                    TagKind::StartTag => {
                        st.start(name, tag.self_closing);
                        st.attributes(name, &tag.attrs);
                        // The tokenizer alone does not know which elements
                        // hold raw text; without this, `<script>` bodies
                        // containing `<p>` would be parsed as markup.
                        match name {
                            "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
                            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                                return TokenSinkResult::RawData(RawKind::Rawtext);
                            }
                            "title" | "textarea" => {
                                return TokenSinkResult::RawData(RawKind::Rcdata);
                            }
                            "plaintext" => return TokenSinkResult::Plaintext,
                            _ => {}
                        }
                    }
                    TagKind::EndTag => st.end(name),
                }
            }
            // NUL in text is dropped, as browsers do; comments, doctypes and
            // parse errors carry no readable text.
            Token::NullCharacterToken
            | Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::ParseError(_)
            | Token::EOFToken => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_paragraphs_and_inline_text_joins() {
        let p = html_to_paragraphs("<p>One <b>bold</b>\n  word</p><div>Two</div>Three<br>Four");
        assert_eq!(p, ["One bold word", "Two", "Three", "Four"]);
    }

    #[test]
    fn entities_decode_once() {
        let p = html_to_paragraphs("<p>&amp;lt;b&amp;gt; &lt;i&gt; caf&eacute; &#x41;</p>");
        assert_eq!(p, ["&lt;b&gt; <i> café A"]);
    }

    #[test]
    fn script_content_with_markup_is_not_text() {
        let p = html_to_paragraphs("<script>document.write('<p>evil</p>')</script><p>ok</p>");
        assert_eq!(p, ["ok"]);
    }

    #[test]
    fn article_beats_main_beats_body() {
        let html = "<main><p>main</p><article><p>art</p></article></main><p>rest</p>";
        assert_eq!(html_to_paragraphs(html), ["art"]);
        let html = "<p>rest</p><main><p>main</p></main>";
        assert_eq!(html_to_paragraphs(html), ["main"]);
    }

    #[test]
    fn a_saved_page_in_a_legacy_encoding_reads_right() {
        let page = b"<!doctype html><html><head><meta http-equiv=\"Content-Type\" \
            content=\"text/html; charset=iso-8859-1\"><title>Caf\xe9 di Jakarta</title></head>\
            <body><article><p>\x93Kopi ini enak\x94, kata Andr\xe9.</p></article></body></html>";
        let a = parse_html(Path::new("saved.html"), page).expect("parses");
        assert_eq!(a.title, "Caf\u{e9} di Jakarta");
        assert_eq!(a.body, "\u{201c}Kopi ini enak\u{201d}, kata Andr\u{e9}.");
        assert!(a.notes.is_empty(), "{:?}", a.notes);
    }
}
