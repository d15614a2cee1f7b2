//! RSS 2.0 (and 0.9x/1.0), Atom and JSON Feed files: one article per item.
//!
//! Parsing is `feed-rs`, which maps all three formats onto one model and
//! copes with the dates real feeds use (RFC 2822 with odd zones, RFC 3339,
//! bare dates). This module turns that model into sanitised [`Article`]s:
//! HTML content is reduced with [`super::html::html_to_paragraphs`], dates
//! are normalised to RFC 3339 in UTC, and every string goes through
//! [`crate::text::sanitize`].

use std::path::Path;

use feed_rs::model::{Entry, Feed, Text};

use super::html::{clean, html_to_paragraphs, html_to_paragraphs_links, parse_html};
use super::{Article, Draft, Format, LoadEvent, Place, Problem, decode};

/// What [`sniff`] recognised in a file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An RSS, Atom or JSON Feed document: load with [`parse_feed`].
    Feed,
    /// An HTML page: load with [`super::html::parse_html`].
    Html,
}

/// One item of a feed: the feed's own id for it (stable across fetches,
/// used to name the stored file) and the article made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// The item's `guid` / `id`, or the id feed-rs derives from its link
    /// and title when the feed gives none.
    pub item_id: String,
    pub article: Article,
}

/// A parsed feed: its title and its items, in feed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub items: Vec<FeedItem>,
}

/// Recognises feeds and HTML pages by content, for files whose extension
/// says nothing (`.xml`, `.rss`, `.atom`, `.json`, none). Only looks at the
/// start of the file (and, for JSON, for the JSON Feed version URL).
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    if bytes.first() == Some(&b'{') {
        // The substring test is cheap and rules out nearly every article;
        // only then is the top-level `version` checked, so an article that
        // merely quotes the URL stays an article.
        let is_feed = contains(bytes, "https://jsonfeed.org/version/")
            && serde_json::from_slice::<JsonFeedVersion>(bytes)
                .is_ok_and(|v| v.version.starts_with("https://jsonfeed.org/version/"));
        return is_feed.then_some(Kind::Feed);
    }
    if bytes.first() != Some(&b'<') {
        return None;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    // Comments, processing instructions and stylesheets may come first, so
    // look for the root element anywhere in the head rather than at byte 0.
    let feed_at = ["<rss", "<feed", "<rdf:rdf", "<channel"]
        .iter()
        .filter_map(|t| head.find(t))
        .min();
    let html_at = ["<!doctype html", "<html", "<head", "<body"]
        .iter()
        .filter_map(|t| head.find(t))
        .min();
    match (feed_at, html_at) {
        (Some(f), Some(h)) => Some(if f < h { Kind::Feed } else { Kind::Html }),
        (Some(_), None) => Some(Kind::Feed),
        (None, Some(_)) => Some(Kind::Html),
        (None, None) => None,
    }
}

/// The loader's hook for the formats of this module: `Some(events)` when
/// `path` is a feed or HTML page (by extension, or by content when the
/// extension is unknown, or a `.json` file that is a JSON Feed), `None` to
/// leave the file to the other loaders.
pub(crate) fn load(path: &Path, bytes: &[u8]) -> Option<Vec<LoadEvent>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let kind = match ext.as_deref() {
        Some("html" | "htm" | "xhtml") => Kind::Html,
        // `.xml` may be anything; a page saved as `.xml` still loads.
        Some("rss" | "atom" | "xml") => sniff(bytes).unwrap_or(Kind::Feed),
        // A `.json` file is an article unless it says it is a JSON Feed.
        Some("json") => match sniff(bytes) {
            Some(Kind::Feed) => Kind::Feed,
            _ => return None,
        },
        _ if Format::from_path(path).is_some() => return None,
        _ => sniff(bytes)?,
    };
    let problem = |reason: String| vec![LoadEvent::Problem(Problem::new(path, reason))];
    Some(match kind {
        Kind::Html => match parse_html(path, bytes) {
            Ok(a) => vec![LoadEvent::Article(a)],
            Err(e) => problem(e),
        },
        Kind::Feed => match parse_feed(path, bytes) {
            Ok(items) => items.into_iter().map(LoadEvent::Article).collect(),
            Err(e) => problem(e),
        },
    })
}

/// The one field that makes a JSON object a JSON Feed.
#[derive(serde::Deserialize)]
struct JsonFeedVersion {
    version: String,
}

/// Substring search over the whole file: every `.json` article passes
/// through here, so it uses the standard library's string search (fast)
/// rather than a window-by-window comparison.
fn contains(hay: &[u8], needle: &str) -> bool {
    match std::str::from_utf8(hay) {
        Ok(s) => s.contains(needle),
        Err(_) => String::from_utf8_lossy(hay).contains(needle),
    }
}

/// Parses a feed file into one article per item (items with neither a
/// title nor any text are left out). Fails, with the parser's reason, when
/// the file is not a feed, and when it is a feed with no usable item.
pub fn parse_feed(path: &Path, bytes: &[u8]) -> Result<Vec<Article>, String> {
    let parsed = parse_feed_items(path, bytes)?;
    if parsed.items.is_empty() {
        return Err("feed has no items with a title or text".to_owned());
    }
    Ok(parsed.items.into_iter().map(|i| i.article).collect())
}

/// Parses a feed into its title and items; each item's article has `path`
/// set to `path`. An empty feed is not an error here (a fetch of an empty
/// feed simply adds nothing).
///
/// The raw bytes go to the parser first, because an XML declaration may
/// name an encoding (ISO-8859-1, windows-1252) that only the XML parser
/// honours; when that fails on bytes that are not UTF-8, they are decoded
/// like any article file (UTF-16, lossy UTF-8, with a note) and tried again.
pub fn parse_feed_items(path: &Path, bytes: &[u8]) -> Result<ParsedFeed, String> {
    // feed-rs reads XML through quick-xml, which is iterative, and JSON Feed
    // through serde_json, whose recursion limit turns hostile nesting into
    // an error rather than a stack overflow.
    let parse = |b: &[u8]| {
        feed_rs::parser::Builder::new()
            .build()
            .parse(b)
            .map_err(|e| e.to_string())
    };
    match parse(bytes) {
        Ok(feed) => Ok(convert(path, &feed, &[])),
        Err(first) if std::str::from_utf8(bytes).is_err() => {
            let decoded = decode::decode(bytes);
            let feed = parse(decoded.text.as_bytes()).map_err(|_| first)?;
            Ok(convert(path, &feed, &decoded.notes))
        }
        Err(e) => Err(e),
    }
}

fn convert(path: &Path, feed: &Feed, notes: &[String]) -> ParsedFeed {
    let source = feed.title.as_ref().and_then(text_line);
    let feed_author = people(&feed.authors);
    let items = feed
        .entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let (paragraphs, links) = body(e, link(e).as_deref());
            let title = e.title.as_ref().and_then(text_line);
            if title.is_none() && paragraphs.is_empty() {
                return None;
            }
            let draft = Draft {
                // Untitled items (common in RSS) read best under the start
                // of their own text.
                title: title.or_else(|| paragraphs.first().map(|p| shorten(p, 80))),
                author: people(&e.authors).or_else(|| feed_author.clone()),
                published: e
                    .published
                    .or(e.updated)
                    .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                source: source.clone(),
                url: link(e),
                lang: e.language.clone().or_else(|| feed.language.clone()),
                paragraphs,
                links,
                notes: Vec::new(),
            };
            Some(FeedItem {
                item_id: e.id.clone(),
                article: draft.finish(path, Place::Item(i + 1), notes),
            })
        })
        .collect();
    ParsedFeed {
        title: source,
        items,
    }
}

/// The item's full content when it has any text, else its summary, with
/// the links numbered in it.
fn body(e: &Entry, base: Option<&str>) -> (Vec<String>, Vec<String>) {
    if let Some(content) = &e.content
        && let Some(text) = &content.body
    {
        let paras = to_paragraphs(text, content.content_type.as_ref(), base);
        if !paras.0.is_empty() {
            return paras;
        }
    }
    e.summary
        .as_ref()
        .map(|s| to_paragraphs(&s.content, s.content_type.as_ref(), base))
        .unwrap_or_default()
}

/// Plain text keeps its blank-line paragraphs; anything else is treated as
/// HTML, because feeds label HTML inconsistently and reducing plain text as
/// HTML only costs a literal `<` now and then.
fn to_paragraphs(text: &str, mime: &str, base: Option<&str>) -> (Vec<String>, Vec<String>) {
    if mime.starts_with("text/plain") {
        let paras = text
            .split("\n\n")
            .map(clean)
            .filter(|p| !p.is_empty())
            .collect();
        (paras, Vec::new())
    } else {
        html_to_paragraphs_links(text, base)
    }
}

/// A one-line text: HTML-typed text is reduced, then joined with spaces.
fn text_line(t: &Text) -> Option<String> {
    if t.content_type.as_ref().starts_with("text/plain") {
        clean_line(&t.content)
    } else {
        clean_line(&html_to_paragraphs(&t.content).join(" "))
    }
}

fn clean_line(s: &str) -> Option<String> {
    Some(clean(s)).filter(|s| !s.is_empty())
}

fn people(list: &[feed_rs::model::Person]) -> Option<String> {
    let names: Vec<String> = list
        .iter()
        .filter_map(|p| p.name.as_deref().and_then(clean_line))
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// The item's page: the `alternate` link, else the first link of any kind.
fn link(e: &Entry) -> Option<String> {
    let pick = e
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| e.links.first())?;
    clean_line(&pick.href)
}

/// The first `max` characters of `s`, cut at a word boundary, with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > 0 => &cut[..i],
        _ => &cut[..],
    };
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_by_content() {
        assert_eq!(sniff(b"  <?xml version=\"1.0\"?><rss>"), Some(Kind::Feed));
        assert_eq!(sniff(b"<!-- c --><feed xmlns=\"\">"), Some(Kind::Feed));
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), Some(Kind::Html));
        assert_eq!(
            sniff(br#"{"title":"x","version":"https://jsonfeed.org/version/1.1"}"#),
            Some(Kind::Feed)
        );
        assert_eq!(sniff(br#"{"title":"x","body":"y"}"#), None);
        // Quoting the URL does not make an article a feed.
        let quoting = br#"{"title":"JSON Feed 1.1","body":"See https://jsonfeed.org/version/1.1"}"#;
        assert_eq!(sniff(quoting), None);
        let nested = br#"{"title":"x","meta":{"version":"https://jsonfeed.org/version/1"}}"#;
        assert_eq!(sniff(nested), None);
        assert_eq!(sniff(b"plain text"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn shorten_cuts_at_words() {
        assert_eq!(shorten("short", 80), "short");
        assert_eq!(shorten("one two three", 9), "one two…");
    }
}
