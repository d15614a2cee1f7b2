//! JSON articles: one object or an array of objects (`.json`), or one
//! object per line (`.jsonl` / `.ndjson`).
//!
//! Field names (the first present of each group wins): `title` | `headline`,
//! `body` | `content` | `text` (a string, or an array of paragraph
//! strings), `author` | `byline` (a string or an array of strings),
//! `published` | `date`, `source` (a string, or an object with a `name`),
//! `url`, `lang`. Unknown fields are ignored; a known field of the wrong type
//! is dropped with a note. serde_json's recursion limit (128) turns absurdly
//! deep nesting into an ordinary error instead of a stack overflow.

use std::path::Path;

use serde_json::{Map, Value};

use super::{Draft, LoadEvent, Place, Problem};

/// Parses a `.json` file: one object, or an array of objects.
pub(crate) fn parse_json(path: &Path, text: &str, notes: &[String], out: &mut Vec<LoadEvent>) {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.push(LoadEvent::Problem(Problem::new(path, describe(&e))));
            return;
        }
    };
    match value {
        Value::Object(map) => push(path, map, Place::Whole, notes, out, "".into()),
        Value::Array(items) => {
            if items.is_empty() {
                out.push(LoadEvent::Problem(Problem::new(
                    path,
                    "empty array: no articles",
                )));
            }
            for (i, item) in items.into_iter().enumerate() {
                let n = i + 1;
                match item {
                    Value::Object(map) => {
                        push(path, map, Place::Item(n), notes, out, format!("item {n}: "))
                    }
                    other => out.push(LoadEvent::Problem(Problem::new(
                        path,
                        format!(
                            "item {n} (index {i}): expected an article object, found {}",
                            kind(&other)
                        ),
                    ))),
                }
            }
        }
        other => out.push(LoadEvent::Problem(Problem::new(
            path,
            format!(
                "expected an article object or an array of them, found {}",
                kind(&other)
            ),
        ))),
    }
}

/// Parses a `.jsonl` file: each non-blank line is one article object; a bad
/// line is a problem naming its line number and the others still load.
pub(crate) fn parse_lines(path: &Path, text: &str, notes: &[String], out: &mut Vec<LoadEvent>) {
    for (i, line) in text.split('\n').enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(map)) => {
                push(path, map, Place::Line(n), notes, out, format!("line {n}: "))
            }
            Ok(other) => out.push(LoadEvent::Problem(Problem::new(
                path,
                format!(
                    "line {n}: expected an article object, found {}",
                    kind(&other)
                ),
            ))),
            Err(e) => out.push(LoadEvent::Problem(Problem::new(
                path,
                format!("line {n}: {}", describe_in_line(&e)),
            ))),
        }
    }
}

/// A JSON error as "line L, column C: what".
fn describe(e: &serde_json::Error) -> String {
    let what = strip_position(e);
    if e.line() == 0 {
        what
    } else {
        format!("line {}, column {}: {what}", e.line(), e.column())
    }
}

/// For a single JSON line the line is known; only the column matters.
fn describe_in_line(e: &serde_json::Error) -> String {
    let what = strip_position(e);
    if e.line() == 0 {
        what
    } else {
        format!("column {}: {what}", e.column())
    }
}

/// serde_json's message without its own " at line L column C" suffix, so
/// the position is said once, in our format.
fn strip_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Turns one object into an article, or a problem when it has neither a
/// title nor a body (it is then not an article at all).
fn push(
    path: &Path,
    map: Map<String, Value>,
    place: Place,
    notes: &[String],
    out: &mut Vec<LoadEvent>,
    prefix: String,
) {
    match draft(map) {
        Ok(d) => out.push(LoadEvent::Article(d.finish(path, place, notes))),
        Err(reason) => out.push(LoadEvent::Problem(Problem::new(
            path,
            format!("{prefix}{reason}"),
        ))),
    }
}

fn draft(mut map: Map<String, Value>) -> Result<Draft, String> {
    let mut d = Draft::default();
    let mut take = |names: &[&str]| -> Option<(String, Value)> {
        names
            .iter()
            .find_map(|&n| map.remove(n).map(|v| (n.to_owned(), v)))
    };
    let title = take(&["title", "headline"]);
    let body = take(&["body", "content", "text"]);
    let author = take(&["author", "byline"]);
    let published = take(&["published", "date"]);
    let source = take(&["source"]);
    let url = take(&["url"]);
    let lang = take(&["lang"]);
    let links = take(&["links"]);

    let has_title = matches!(&title, Some((_, Value::String(s))) if !s.trim().is_empty());
    let has_body = match &body {
        Some((_, Value::String(s))) => !s.trim().is_empty(),
        Some((_, Value::Array(a))) => a.iter().any(|v| v.is_string()),
        _ => false,
    };
    if !has_title && !has_body {
        return Err(match (&title, &body) {
            (None, None) => {
                "no title or body (expected `title`/`headline` and `body`/`content`/`text`)"
                    .to_owned()
            }
            _ => "neither a usable title nor a usable body".to_owned(),
        });
    }

    d.title = string_field(title, &mut d.notes);
    match body {
        None => {}
        Some((_, Value::String(s))) => d.paragraphs.extend(s.split('\n').map(str::to_owned)),
        Some((_, Value::Array(items))) => {
            for (i, item) in items.into_iter().enumerate() {
                match item {
                    Value::String(s) => {
                        // A paragraph string may itself hold several lines.
                        d.paragraphs.extend(s.split('\n').map(str::to_owned));
                    }
                    other => d.notes.push(format!(
                        "body item {} is {}, not a string; ignored",
                        i + 1,
                        kind(&other)
                    )),
                }
            }
        }
        Some((name, other)) => d.notes.push(format!(
            "`{name}` is {}, expected a string or an array of strings; ignored",
            kind(&other)
        )),
    }
    d.author = match author {
        Some((_, Value::Array(items))) if items.iter().all(Value::is_string) => {
            let names: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            Some(names.join(", "))
        }
        other => string_field(other, &mut d.notes),
    };
    d.published = string_field(published, &mut d.notes);
    d.source = match source {
        Some((_, Value::Object(mut o))) => match o.remove("name") {
            Some(Value::String(s)) => Some(s),
            _ => {
                d.notes
                    .push("`source` is an object without a string `name`; ignored".to_owned());
                None
            }
        },
        other => string_field(other, &mut d.notes),
    };
    d.url = string_field(url, &mut d.notes);
    d.lang = string_field(lang, &mut d.notes);
    d.links = links_field(links, &mut d.notes);
    Ok(d)
}

/// `links`: URLs whose positions are the `[N]` numbers already in the body
/// (as `sorot fetch` writes them). The first entry that is not a URL the
/// loader keeps ends the list, so later numbers never point at the wrong URL.
fn links_field(field: Option<(String, Value)>, notes: &mut Vec<String>) -> Vec<String> {
    let items = match field {
        None | Some((_, Value::Null)) => return Vec::new(),
        Some((_, Value::Array(items))) => items,
        Some((_, other)) => {
            notes.push(format!(
                "`links` is {}, expected an array of URLs; ignored",
                kind(&other)
            ));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().and_then(super::links::clean_url) {
            Some(u) if out.len() < super::links::MAX_LINKS => out.push(u),
            _ => {
                notes.push(format!(
                    "link {} is not an http, https or mailto URL; it and later links ignored",
                    i + 1
                ));
                break;
            }
        }
    }
    out
}

/// A field that must be a string; anything else (except null) is noted.
fn string_field(field: Option<(String, Value)>, notes: &mut Vec<String>) -> Option<String> {
    match field? {
        (_, Value::String(s)) => Some(s),
        (_, Value::Null) => None,
        (name, other) => {
            notes.push(format!(
                "`{name}` is {}, expected a string; ignored",
                kind(&other)
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::article::{Article, LoadEvent, Problem, parse_bytes};
    use std::path::Path;

    fn load(name: &str, text: &str) -> (Vec<Article>, Vec<Problem>) {
        let mut arts = Vec::new();
        let mut probs = Vec::new();
        for ev in parse_bytes(Path::new(name), text.as_bytes().to_vec()) {
            match ev {
                LoadEvent::Article(a) => arts.push(a),
                LoadEvent::Problem(p) => probs.push(p),
            }
        }
        (arts, probs)
    }

    #[test]
    fn one_object_with_every_field() {
        let (a, p) = load(
            "a.json",
            r#"{"headline": "Port  expands", "content": ["First   para.", "Second\npara."],
                "byline": "Ana Putri", "date": "2024-05-01T08:00:00+07:00",
                "source": {"id": "x", "name": "Harian"}, "url": " https://e.org/p ", "lang": "en",
                "extra": {"ignored": [1, 2, 3]}}"#,
        );
        assert!(p.is_empty(), "{p:?}");
        let a = &a[0];
        assert_eq!(a.title, "Port expands");
        assert_eq!(a.body, "First para.\n\nSecond\n\npara.");
        assert_eq!(a.author.as_deref(), Some("Ana Putri"));
        assert_eq!(a.published.as_deref(), Some("2024-05-01T08:00:00+07:00"));
        assert_eq!(a.source.as_deref(), Some("Harian"));
        assert_eq!(a.url.as_deref(), Some("https://e.org/p"));
        assert_eq!(a.id, "https://e.org/p");
        assert_eq!(a.lang.as_deref(), Some("en"));
        assert!(a.notes.is_empty(), "{:?}", a.notes);
    }

    #[test]
    fn primary_names_win_over_aliases() {
        let (a, _) = load(
            "a.json",
            r#"{"title": "T", "headline": "H", "body": "B", "text": "X", "author": ["A", "B"]}"#,
        );
        assert_eq!(a[0].title, "T");
        assert_eq!(a[0].body, "B");
        assert_eq!(a[0].author.as_deref(), Some("A, B"));
    }

    #[test]
    fn array_with_non_objects_names_the_index() {
        let (a, p) = load(
            "arr.json",
            r#"[{"title": "One", "body": "x"}, 42, "str", {"title": "Two"}, {"foo": 1}]"#,
        );
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].title, "Two");
        let reasons: Vec<&str> = p.iter().map(|p| p.reason.as_str()).collect();
        assert_eq!(
            reasons,
            vec![
                "item 2 (index 1): expected an article object, found a number",
                "item 3 (index 2): expected an article object, found a string",
                "item 5: no title or body (expected `title`/`headline` and `body`/`content`/`text`)",
            ]
        );
    }

    #[test]
    fn truncated_json_gives_line_and_column() {
        let (a, p) = load("t.json", "{\n  \"title\": \"x\",\n  \"body\": \"abc");
        assert!(a.is_empty());
        assert_eq!(p.len(), 1);
        assert!(
            p[0].reason.starts_with("line 3, column 14: "),
            "{}",
            p[0].reason
        );
        assert!(p[0].reason.contains("EOF"), "{}", p[0].reason);
        let (_, p) = load("t.json", "{\"title\": \"x\",, }");
        assert!(
            p[0].reason.starts_with("line 1, column 15: "),
            "{}",
            p[0].reason
        );
    }

    #[test]
    fn wrongly_typed_fields_are_noted_and_dropped() {
        let (a, p) = load(
            "w.json",
            r#"{"title": "Ok", "body": "b", "author": 7, "published": true, "lang": ["en"], "url": null, "source": {"id": 1}}"#,
        );
        assert!(p.is_empty());
        let a = &a[0];
        assert_eq!(
            (a.author.clone(), a.published.clone(), a.lang.clone()),
            (None, None, None)
        );
        assert_eq!(a.notes.len(), 4, "{:?}", a.notes);
        assert!(a.notes[0].contains("`author` is a number"));
        // A title of the wrong type falls back to the file name.
        let (a, _) = load("w.json", r#"{"title": 5, "body": "text"}"#);
        assert_eq!(a[0].title, "w.json");
        assert!(a[0].notes.iter().any(|n| n.contains("`title` is a number")));
        // A body of the wrong type with no title: not an article.
        let (a, p) = load("w.json", r#"{"body": {"x": 1}}"#);
        assert!(a.is_empty());
        assert_eq!(p[0].reason, "neither a usable title nor a usable body");
    }

    #[test]
    fn bad_dates_are_dropped_with_a_note() {
        let (a, _) = load("d.json", r#"{"title": "T", "date": "kemarin"}"#);
        assert_eq!(a[0].published, None);
        assert!(a[0].notes[0].contains("\"kemarin\""), "{:?}", a[0].notes);
        let (a, _) = load("d.json", r#"{"title": "T", "date": "2024-02-30"}"#);
        assert_eq!(a[0].published, None);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let (a, p) = load("deep.json", &deep);
        assert!(a.is_empty());
        assert!(p[0].reason.contains("recursion limit"), "{}", p[0].reason);
        let deep_obj = format!(
            "{{\"title\": \"x\", \"extra\": {}}}",
            "{\"a\":".repeat(100_000)
        );
        let (a, p) = load("deep2.json", &deep_obj);
        assert!(a.is_empty());
        assert!(p[0].reason.contains("recursion limit"), "{}", p[0].reason);
        let (_, p) = load("deep.jsonl", &format!("{{\"title\": \"ok\"}}\n{deep}\n"));
        assert!(p[0].reason.starts_with("line 2: column"), "{}", p[0].reason);
    }

    #[test]
    fn other_top_levels_and_empties() {
        let (_, p) = load("s.json", "\"just a string\"");
        assert_eq!(
            p[0].reason,
            "expected an article object or an array of them, found a string"
        );
        let (_, p) = load("e.json", "[]");
        assert_eq!(p[0].reason, "empty array: no articles");
        let (_, p) = load("e.json", "");
        assert_eq!(p[0].reason, "empty file");
    }

    #[test]
    fn binary_garbage_named_json() {
        let mut bytes: Vec<u8> = Vec::new();
        let mut x: u32 = 12345;
        for _ in 0..4096 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes.push((x >> 24) as u8);
        }
        let evs = parse_bytes(Path::new("junk.json"), bytes);
        assert!(
            matches!(&evs[..], [LoadEvent::Problem(p)] if p.reason.contains("binary")),
            "{evs:?}"
        );
    }

    #[test]
    fn jsonl_bad_lines_skip_only_themselves() {
        let text = "{\"title\": \"A\", \"body\": \"a\"}\n\n{\"title\": \"B\"\n[1]\n{\"title\": \"C\", \"body\": \"c\"}\r\n{}\n";
        let (a, p) = load("f.jsonl", text);
        assert_eq!(
            a.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(),
            ["A", "C"]
        );
        let reasons: Vec<&str> = p.iter().map(|p| p.reason.as_str()).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(
            reasons[0].starts_with("line 3: column 13: EOF"),
            "{}",
            reasons[0]
        );
        assert_eq!(
            reasons[1],
            "line 4: expected an article object, found an array"
        );
        assert!(
            reasons[2].starts_with("line 6: no title or body"),
            "{}",
            reasons[2]
        );
    }

    #[test]
    fn jsonl_fallback_titles_name_the_line() {
        let (a, _) = load("f.ndjson", "{\"body\": \"only body\"}\n");
        assert_eq!(a[0].title, "f.ndjson (line 1)");
        let (a, _) = load("f.json", "[{\"text\": \"only body\"}]");
        assert_eq!(a[0].title, "f.json (item 1)");
    }

    #[test]
    fn escape_sequences_in_every_field_are_removed() {
        let e = "\\u001b]0;pwn\\u0007\\u001b[2J\\u009b31m\\u202e";
        let text = format!(
            r#"{{"title": "T{e}", "body": ["B{e}", "C"], "author": "A{e}", "published": "2024-01-01{e}",
                "source": "S{e}", "url": "U{e}", "lang": "en{e}"}}"#
        );
        let (a, p) = load("x.json", &text);
        assert!(p.is_empty(), "{p:?}");
        let a = &a[0];
        for f in [
            &a.title,
            &a.body,
            a.author.as_ref().unwrap(),
            a.published.as_ref().unwrap(),
            a.source.as_ref().unwrap(),
            a.url.as_ref().unwrap(),
            a.lang.as_ref().unwrap(),
        ] {
            assert!(
                !f.chars()
                    .any(|c| crate::text::is_forbidden(c) || c == '\u{1b}'),
                "{f:?}"
            );
        }
        assert_eq!(a.title, "T");
        assert_eq!(a.body, "B\n\nC");
        assert_eq!(a.published.as_deref(), Some("2024-01-01"));
    }
}
