//! One standalone HTML page for annotated articles: inline CSS, no scripts
//! and no external resources, so it opens the same anywhere, offline.
//!
//! Every piece of article text goes through [`escape`], which turns
//! `& < > " '` into character references and drops characters HTML cannot
//! carry (controls other than newline and tab, bidi overrides), so a hostile
//! article can neither inject markup nor break the page.

use std::fmt::Write as _;

use crate::article::Article;
use crate::commands::annotate::Annotated;
use crate::entities::{EntityGroup, merge_article};
use crate::ner::{Label, Span};

/// The CSS class of a label's marks: `per`, `org`, `loc`, `misc`.
pub fn class(label: Label) -> &'static str {
    match label {
        Label::Per => "per",
        Label::Org => "org",
        Label::Loc => "loc",
        Label::Misc => "misc",
    }
}

fn label_name(label: Label) -> &'static str {
    match label {
        Label::Per => "Person",
        Label::Org => "Organisation",
        Label::Loc => "Location",
        Label::Misc => "Other",
    }
}

/// Appends `s` to `out` escaped for HTML text and attribute values.
pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Article text is sanitised on load, but the renderer is public:
            // it must not rely on that to keep the page valid.
            c if crate::text::is_forbidden(c) || c == '\u{FEFF}' => {}
            c => out.push(c),
        }
    }
}

/// `s` escaped for HTML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, &mut out);
    out
}

/// Whether a URL may become an `href`: only web and mail links, so a
/// `javascript:` or `data:` URL in an article never becomes clickable.
fn linkable(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

const CSS: &str = "\
:root{color-scheme:light dark}
body{font:16px/1.6 system-ui,-apple-system,'Segoe UI',sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;background:#fdfdfb}
header.page{border-bottom:1px solid #ccc;margin-bottom:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}
h2{font-size:1.35rem;margin:.2rem 0 .4rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
article{border-bottom:1px solid #ddd;padding-bottom:1.5rem;margin-bottom:2rem}
.meta{color:#555;font-size:.9rem;margin:0 0 1rem}
.meta a{color:inherit}
mark{padding:0 .15em;border-radius:.2em;color:inherit}
mark.per{background:#ffe08a}
mark.org{background:#a8e4f0}
mark.loc{background:#b6e8b0}
mark.misc{background:#f0c0f0}
.legend{display:flex;flex-wrap:wrap;gap:.6rem;list-style:none;padding:0;margin:.5rem 0 1rem}
.legend li{font-size:.9rem}
table.entities{border-collapse:collapse;font-size:.9rem}
table.entities th,table.entities td{text-align:left;padding:.15rem .6rem;border-bottom:1px solid #eee}
table.entities td.n{text-align:right}
ol.links{font-size:.9rem;word-break:break-all}
@media (prefers-color-scheme:dark){body{color:#e8e8e6;background:#1b1b1d}.meta{color:#aaa}mark{color:#111}}
";

/// Appends `text` with each span wrapped in `<mark class="…">`. Spans out of
/// order, overlapping or not on character boundaries are skipped rather
/// than trusted, so bad spans cannot slice a character or nest marks.
fn marked_into(text: &str, spans: &[Span], out: &mut String) {
    let mut pos = 0;
    for s in spans {
        if s.start() < pos
            || s.end() <= s.start()
            || s.end() > text.len()
            || !text.is_char_boundary(s.start())
            || !text.is_char_boundary(s.end())
        {
            continue;
        }
        escape_into(&text[pos..s.start()], out);
        let _ = write!(
            out,
            "<mark class=\"{}\" title=\"{}\">",
            class(s.label),
            s.label.as_str()
        );
        escape_into(&text[s.start()..s.end()], out);
        out.push_str("</mark>");
        pos = s.end();
    }
    escape_into(&text[pos..], out);
}

fn meta_into(a: &Article, ann: &Annotated, out: &mut String) {
    let mut parts: Vec<String> = Vec::new();
    if let Some(v) = &a.author {
        parts.push(format!("By {}", escape(v)));
    }
    if let Some(v) = &a.published {
        parts.push(format!("<time>{}</time>", escape(v)));
    }
    if let Some(v) = &a.source {
        parts.push(escape(v));
    }
    parts.push(format!("language: {}", ann.lang.code()));
    if let Some(u) = &a.url {
        if linkable(u) {
            parts.push(format!(
                "<a href=\"{0}\" rel=\"noreferrer noopener\">{0}</a>",
                escape(u)
            ));
        } else {
            parts.push(escape(u));
        }
    }
    out.push_str("<p class=\"meta\">");
    out.push_str(&parts.join(" · "));
    out.push_str("</p>\n");
}

fn entity_table_into(groups: &[EntityGroup], out: &mut String) {
    out.push_str("<h3>Entities</h3>\n");
    if groups.is_empty() {
        out.push_str("<p class=\"meta\">No entities recognised.</p>\n");
        return;
    }
    out.push_str(
        "<table class=\"entities\">\n<thead><tr><th>Entity</th><th>Type</th><th>Mentions</th></tr></thead>\n<tbody>\n",
    );
    for g in groups {
        let _ = writeln!(
            out,
            "<tr><td><mark class=\"{}\">{}</mark></td><td>{}</td><td class=\"n\">{}</td></tr>",
            class(g.label),
            escape(&g.name),
            g.label.as_str(),
            g.mentions.len()
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn links_into(links: &[String], out: &mut String) {
    if links.is_empty() {
        return;
    }
    out.push_str("<h3>Links</h3>\n<ol class=\"links\">\n");
    for u in links {
        if linkable(u) {
            let _ = writeln!(
                out,
                "<li><a href=\"{0}\" rel=\"noreferrer noopener\">{0}</a></li>",
                escape(u)
            );
        } else {
            let _ = writeln!(out, "<li>{}</li>", escape(u));
        }
    }
    out.push_str("</ol>\n");
}

/// Renders one article: heading, metadata, marked paragraphs, its entity
/// table (from [`merge_article`]) and its numbered links.
fn article_into(a: &Article, ann: &Annotated, out: &mut String) {
    out.push_str("<article>\n<h2>");
    marked_into(&a.title, &ann.title, out);
    out.push_str("</h2>\n");
    meta_into(a, ann, out);
    // Body spans are offsets into the whole body; each paragraph takes the
    // spans inside it, shifted to its own offsets.
    for (offset, para) in a.paragraphs() {
        let end = offset + para.len();
        let spans: Vec<Span> = ann
            .body
            .iter()
            .filter(|s| s.start() >= offset && s.end() <= end)
            .map(|s| Span::new(s.start() - offset, s.end() - offset, s.label))
            .collect();
        out.push_str("<p>");
        marked_into(para, &spans, out);
        out.push_str("</p>\n");
    }
    let groups = merge_article(&a.title, &ann.title, &a.body, &ann.body);
    entity_table_into(&groups, out);
    links_into(&a.links, out);
    out.push_str("</article>\n");
}

/// The whole page for `items` (articles with their annotations, in order).
pub fn render(items: &[(&Article, &Annotated)]) -> String {
    let mut out = String::with_capacity(
        4096 + items
            .iter()
            .map(|(a, _)| a.body.len() * 2 + a.title.len())
            .sum::<usize>(),
    );
    let title = match items {
        [(a, _)] => escape(&a.title),
        _ => format!("{} annotated articles", items.len()),
    };
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No scripts, styles or images from anywhere: the page is self-contained.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    let _ = writeln!(out, "<title>{title}</title>");
    out.push_str("<style>\n");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<header class=\"page\">\n");
    let _ = writeln!(out, "<h1>{title}</h1>");
    out.push_str("<p class=\"meta\">Entities recognised by sorot.</p>\n<ul class=\"legend\">\n");
    for l in Label::ALL {
        let _ = writeln!(
            out,
            "<li><mark class=\"{}\">{}</mark> {}</li>",
            class(l),
            l.as_str(),
            label_name(l)
        );
    }
    out.push_str("</ul>\n</header>\n<main>\n");
    for (a, ann) in items {
        article_into(a, ann, &mut out);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::Lang;

    fn art(title: &str, body: &str) -> Article {
        Article {
            title: title.into(),
            body: body.into(),
            ..Article::default()
        }
    }

    #[test]
    fn escapes_all_five_and_drops_controls() {
        assert_eq!(
            escape("a&b<c>d\"e'f\u{1b}[2J\u{202E}g"),
            "a&amp;b&lt;c&gt;d&quot;e&#39;f[2Jg"
        );
    }

    #[test]
    fn spans_are_marked_per_paragraph_and_bad_spans_skipped() {
        let a = art("T", "Li Lei spoke.\n\nIn London today.");
        let ann = Annotated {
            lang: Lang::En,
            title: vec![],
            body: vec![
                Span::new(0, 6, Label::Per),
                // Overlaps the first: skipped.
                Span::new(3, 9, Label::Org),
                Span::new(18, 24, Label::Loc),
            ],
        };
        let page = render(&[(&a, &ann)]);
        assert!(page.contains("<p><mark class=\"per\" title=\"PER\">Li Lei</mark> spoke.</p>"));
        assert!(page.contains("<p>In <mark class=\"loc\" title=\"LOC\">London</mark> today.</p>"));
        assert!(!page.contains("class=\"org\" title"));
        assert!(page.contains("<td class=\"n\">1</td>"));
    }

    #[test]
    fn only_web_and_mail_links_become_hrefs() {
        let mut a = art("T", "x");
        a.url = Some("javascript:alert(1)".into());
        a.links = vec![
            "https://a.example/?q=1&r=2".into(),
            "data:text/html,x".into(),
        ];
        let ann = Annotated {
            lang: Lang::En,
            title: vec![],
            body: vec![],
        };
        let page = render(&[(&a, &ann)]);
        assert!(!page.contains("href=\"javascript"));
        assert!(!page.contains("href=\"data"));
        assert!(page.contains("href=\"https://a.example/?q=1&amp;r=2\""));
    }
}
