//! The links of an article: which URLs are kept, and how they are numbered.
//!
//! A link's number is written into the body as ` [N]` right after the link
//! text when the article is loaded, so the reader shows it, the recogniser
//! sees the same text the reader shows, and entity offsets need no
//! adjusting. [`Article::links`](super::Article::links)`[N - 1]` is its URL.

/// The longest URL kept; anything longer is junk or an attack on the layout.
pub const MAX_URL: usize = 2048;

/// The most links numbered in one article; later ones stay plain text.
pub const MAX_LINKS: usize = 1000;

/// A link target worth keeping: `http`, `https` or `mailto` (scheme matched
/// case-insensitively), trimmed, at most [`MAX_URL`] bytes, with no control
/// characters, and spaces inside percent-encoded so the URL stays one word.
/// Anything else (`javascript:`, `data:`, relative paths, fragments) is
/// `None`: opening it would do something other than show a page.
pub fn clean_url(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() || t.len() > MAX_URL {
        return None;
    }
    let lower = t.get(..8).unwrap_or(t).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &t[8..]
    } else if lower.starts_with("http://") || lower.starts_with("mailto:") {
        &t[7..]
    } else {
        return None;
    };
    if rest.trim().is_empty() {
        return None;
    }
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            ' ' => out.push_str("%20"),
            c if c.is_control() || c.is_whitespace() || crate::text::is_forbidden(c) => {
                return None;
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// `href` made absolute against `base` (the article's own URL) and kept
/// when [`clean_url`] keeps the result: `//host/p`, `/p`, `?q` and `p`
/// forms are resolved; fragments (`#x`), other schemes and any `href` when
/// there is no usable `base` give `None`. Dot segments are left for the
/// browser to resolve, which it does the same way.
pub fn resolve(base: Option<&str>, href: &str) -> Option<String> {
    let href = href.trim();
    if let Some(u) = clean_url(href) {
        return Some(u);
    }
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    // A scheme (`javascript:`, `data:`, `ftp:`) before any path character.
    let first_delim = href.find(['/', '?', '#']).unwrap_or(href.len());
    if href[..first_delim].contains(':') {
        return None;
    }
    let base = clean_url(base?)?;
    let lower = base.to_ascii_lowercase();
    let scheme_end = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let authority_end = base[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(base.len(), |i| scheme_end + i);
    let joined = if let Some(rest) = href.strip_prefix("//") {
        format!("{}//{rest}", &base[..scheme_end - 2])
    } else if href.starts_with('/') {
        format!("{}{href}", &base[..authority_end])
    } else {
        let path_end = base[authority_end..]
            .find(['?', '#'])
            .map_or(base.len(), |i| authority_end + i);
        if href.starts_with('?') {
            format!("{}{href}", &base[..path_end])
        } else {
            let dir_end = base[authority_end..path_end]
                .rfind('/')
                .map_or(authority_end, |i| authority_end + i);
            format!("{}/{href}", &base[..dir_end])
        }
    };
    clean_url(&joined)
}

/// The number of `url` in `links` (1-based), adding it when new: the same
/// URL linked twice keeps one number. `None` once [`MAX_LINKS`] are taken.
pub(crate) fn number(links: &mut Vec<String>, url: &str) -> Option<usize> {
    if let Some(i) = links.iter().position(|l| l == url) {
        return Some(i + 1);
    }
    if links.len() >= MAX_LINKS {
        return None;
    }
    links.push(url.to_owned());
    Some(links.len())
}

/// The marker written after a link's text.
pub(crate) fn marker(n: usize) -> String {
    format!(" [{n}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_urls_are_kept() {
        assert_eq!(
            clean_url(" https://example.com/a b ").as_deref(),
            Some("https://example.com/a%20b")
        );
        assert_eq!(clean_url("HTTP://X.org").as_deref(), Some("HTTP://X.org"));
        assert_eq!(clean_url("mailto:a@b.c").as_deref(), Some("mailto:a@b.c"));
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<b>",
            "/relative",
            "#top",
            "ftp://x",
            "https://",
            "https://x/\u{1b}[2J",
            "https://x/\u{202e}",
            "https://x/\nline",
        ] {
            assert_eq!(clean_url(bad), None, "{bad:?}");
        }
        assert_eq!(
            clean_url(&format!("https://x/{}", "a".repeat(MAX_URL))),
            None
        );
    }

    use crate::article::{Article, LoadEvent, parse_bytes};
    use std::path::Path;

    fn one(name: &str, bytes: &[u8]) -> Article {
        let mut evs = parse_bytes(Path::new(name), bytes.to_vec());
        assert_eq!(evs.len(), 1, "{evs:?}");
        match evs.remove(0) {
            LoadEvent::Article(a) => a,
            LoadEvent::Problem(p) => panic!("unexpected problem: {p}"),
        }
    }

    #[test]
    fn markdown_links_are_numbered_in_the_body() {
        let a = one(
            "a.md",
            b"# [Title](https://t.example) link\n\nRead [the report](https://r.example/x \"T\") and \
              [again](https://r.example/x), mail [us](<mailto:a@b.c>), see <https://auto.example/p>.\n\n\
              ![a map](https://img.example/m.png) [js](javascript:alert(1)) [rel](/local) [ref][1]\n",
        );
        assert_eq!(a.title, "Title link", "no numbers in the title");
        assert_eq!(
            a.body,
            "Read the report [1] and again [1], mail us [2], see https://auto.example/p [3].\n\n\
             a map js rel ref"
        );
        assert_eq!(
            a.links,
            [
                "https://r.example/x",
                "mailto:a@b.c",
                "https://auto.example/p"
            ]
        );
    }

    #[test]
    fn html_links_count_only_in_the_main_text() {
        let a = one(
            "p.html",
            "<html><head><title>T</title></head><body>\
             <nav><a href='https://nav.example/'>Home</a></nav><p>Outside <a href='https://out.example/'>x</a></p>\
             <article><p>Inside <a href='https://in.example/1'>one </a> and <a href=\"javascript:x()\">bad</a> \
             <a href='https://in.example/2'>two<a href='HTTPS://in.example/3'>three</a></p>\
             <p>Forged \u{E000}0\u{E001} marker, <a href='https://in.example/1'>one again</a>.</p></article></body></html>"
                .as_bytes(),
        );
        assert_eq!(
            a.body,
            "Inside one [1] and bad two [2] three [3]\n\nForged 0 marker, one again [1]."
        );
        assert_eq!(
            a.links,
            [
                "https://in.example/1",
                "https://in.example/2",
                "HTTPS://in.example/3"
            ]
        );
    }

    #[test]
    fn relative_html_and_feed_links_resolve_against_the_page_or_item() {
        let a = one(
            "p.html",
            b"<html><head><link rel=canonical href='https://page.example/news/p.html'></head>\
              <body><p><a href='/about'>About</a>, <a href='q.html'>Q</a>, <a href='#top'>top</a>.</p></body></html>",
        );
        assert_eq!(a.body, "About [1], Q [2], top.");
        assert_eq!(
            a.links,
            [
                "https://page.example/about",
                "https://page.example/news/q.html"
            ]
        );
        // Without a URL of its own, a page's relative links stay plain text.
        let b = one("p.html", b"<p><a href='/about'>About</a> us</p>");
        assert_eq!(b.body, "About us");
        assert!(b.links.is_empty());
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>
            <item><title>One</title><link>https://f.example/2025/one</link>
              <description>&lt;a href="/tag/x"&gt;tag&lt;/a&gt; text</description></item>
            </channel></rss>"#;
        let f = one("f.xml", rss);
        assert_eq!(f.body, "tag [1] text");
        assert_eq!(f.links, ["https://f.example/tag/x"]);
    }

    #[test]
    fn feed_content_links_are_numbered_per_item() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>
            <item><title>One</title><link>https://f.example/1</link>
              <description>&lt;p&gt;Said &lt;a href="https://src.example/a"&gt;Li Lei&lt;/a&gt;.&lt;/p&gt;</description></item>
            <item><title>Two</title><description>No links.</description></item>
            </channel></rss>"#;
        let evs = parse_bytes(Path::new("f.xml"), rss.to_vec());
        let arts: Vec<Article> = evs
            .into_iter()
            .filter_map(|e| match e {
                LoadEvent::Article(a) => Some(a),
                LoadEvent::Problem(_) => None,
            })
            .collect();
        assert_eq!(arts.len(), 2);
        assert_eq!(arts[0].body, "Said Li Lei [1].");
        assert_eq!(arts[0].links, ["https://src.example/a"]);
        assert!(arts[1].links.is_empty());
    }

    #[test]
    fn json_links_are_read_back_and_bad_ones_end_the_list() {
        let a = one(
            "a.json",
            br#"{"title": "T", "body": ["x [1] y [2] z [3]"], "links": ["https://a.example", "https://b.example", "javascript:1"]}"#,
        );
        assert_eq!(a.links, ["https://a.example", "https://b.example"]);
        assert!(
            a.notes.iter().any(|n| n.contains("link 3")),
            "{:?}",
            a.notes
        );
        let b = one(
            "b.json",
            br#"{"title": "T", "body": "x", "links": "https://a"}"#,
        );
        assert!(b.links.is_empty());
        assert!(
            b.notes.iter().any(|n| n.contains("`links` is")),
            "{:?}",
            b.notes
        );
    }

    #[test]
    fn relative_links_resolve_against_the_article_url() {
        let b = Some("https://news.example/world/asia/story.html?id=3#top");
        let r = |h: &str| resolve(b, h);
        assert_eq!(r("/about").as_deref(), Some("https://news.example/about"));
        assert_eq!(
            r("//cdn.example/x").as_deref(),
            Some("https://cdn.example/x")
        );
        assert_eq!(
            r("next.html").as_deref(),
            Some("https://news.example/world/asia/next.html")
        );
        assert_eq!(
            r("?id=4").as_deref(),
            Some("https://news.example/world/asia/story.html?id=4")
        );
        assert_eq!(
            r("https://other.example/").as_deref(),
            Some("https://other.example/")
        );
        assert_eq!(
            resolve(Some("https://host.example"), "p").as_deref(),
            Some("https://host.example/p")
        );
        for bad in ["#frag", "javascript:alert(1)", "data:x", "", "mailto:"] {
            assert_eq!(r(bad), None, "{bad:?}");
        }
        assert_eq!(resolve(None, "/about"), None);
        assert_eq!(resolve(Some("file:///etc/"), "passwd"), None);
        assert_eq!(resolve(Some("mailto:a@b.c"), "x"), None);
    }

    #[test]
    fn numbers_are_stable_and_deduplicated() {
        let mut l = Vec::new();
        assert_eq!(number(&mut l, "https://a"), Some(1));
        assert_eq!(number(&mut l, "https://b"), Some(2));
        assert_eq!(number(&mut l, "https://a"), Some(1));
        assert_eq!(l, ["https://a", "https://b"]);
    }
}
