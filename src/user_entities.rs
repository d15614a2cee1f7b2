//! The user's entity lists, `$XDG_CONFIG_HOME/sorot/entities.toml` (or the
//! config's `entities = ...`): names always tagged with a type, wherever
//! they occur as whole words, and names never tagged.
//!
//! ```toml
//! never = ["Star City", "Apple Daily"]   # before the first [[always]]
//!
//! [[always]]
//! name = "ByteDance"
//! type = "ORG"
//! aliases = ["字节跳动"]
//! ```
//!
//! [`UserLists::apply`] is a pure function over the model's spans, so the
//! reader, `annotate` and the index all get the same result from
//! [`UserLists::wrap`]; [`UserLists::version`] goes into the annotation
//! cache key so a changed list never serves stale annotations. The lists
//! are read at start ([`install`]); in the reader, `R` reads them again.

use std::path::Path;
use std::sync::{Arc, RwLock};

use toml::de::{DeTable, DeValue};

use crate::config::ConfigError;
use crate::ner::{Label, Lang, Span};

/// Forced and suppressed names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserLists {
    /// (surface form, type), names and aliases alike, longest first so that
    /// the longest forced name wins where two overlap.
    always: Vec<(String, Label)>,
    /// Mentions with exactly this text are dropped from the model's output.
    never: Vec<String>,
}

impl UserLists {
    /// Lists from (name, type, aliases) entries and never-names.
    pub fn new(always: &[(&str, Label, &[&str])], never: &[&str]) -> Self {
        let mut forced = Vec::new();
        for (name, label, aliases) in always {
            for n in std::iter::once(name).chain(aliases.iter()) {
                forced.push(((*n).to_owned(), *label));
            }
        }
        UserLists::from_parts(forced, never.iter().map(|s| (*s).to_owned()).collect())
    }

    fn from_parts(mut always: Vec<(String, Label)>, mut never: Vec<String>) -> Self {
        always.retain(|(n, _)| !n.trim().is_empty());
        always.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        always.dedup_by(|a, b| a.0 == b.0);
        never.retain(|n| !n.trim().is_empty());
        never.sort();
        never.dedup();
        UserLists { always, never }
    }

    /// True when there is nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.always.is_empty() && self.never.is_empty()
    }

    /// How many names (aliases included) are always tagged, and how many
    /// never.
    pub fn sizes(&self) -> (usize, usize) {
        (self.always.len(), self.never.len())
    }

    /// A hash of the lists' content (0 for none), for the annotation cache
    /// key: comments and order in the file do not change it, names do.
    pub fn version(&self) -> u64 {
        if self.is_empty() {
            return 0;
        }
        // FNV-1a: stable across runs and Rust versions, unlike `DefaultHasher`.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for &b in bytes.iter().chain(&[0xff]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        for (n, l) in &self.always {
            eat(n.as_bytes());
            eat(l.as_str().as_bytes());
        }
        eat(b"never");
        for n in &self.never {
            eat(n.as_bytes());
        }
        h.max(1)
    }

    /// The model's `spans` over `text` with the lists applied: mentions
    /// whose text is a never-name are dropped; every whole-word occurrence
    /// of an always-name becomes a mention of its type, replacing model
    /// spans it overlaps. The result is sorted and non-overlapping.
    pub fn apply(&self, text: &str, mut spans: Vec<Span>) -> Vec<Span> {
        if self.is_empty() {
            return spans;
        }
        if !self.never.is_empty() {
            spans.retain(|s| {
                text.get(s.start()..s.end())
                    .is_none_or(|m| self.never.binary_search_by(|n| n.as_str().cmp(m)).is_err())
            });
        }
        let forced = self.forced_spans(text);
        if forced.is_empty() {
            return spans;
        }
        spans.retain(|s| {
            let i = forced.partition_point(|f| f.end() <= s.start());
            forced.get(i).is_none_or(|f| f.start() >= s.end())
        });
        spans.extend(forced);
        spans.sort_by_key(|s| (s.start(), s.end()));
        spans
    }

    /// Whole-word occurrences of the always-names, longest first where they
    /// overlap, sorted by start.
    fn forced_spans(&self, text: &str) -> Vec<Span> {
        let mut taken: Vec<Span> = Vec::new();
        for (name, label) in &self.always {
            for (start, m) in text.match_indices(name.as_str()) {
                let end = start + m.len();
                if !whole_word(text, start, end) || !Span::fits(start, end) {
                    continue;
                }
                let i = taken.partition_point(|t| t.end() <= start);
                if taken.get(i).is_some_and(|t| t.start() < end) {
                    continue;
                }
                taken.insert(i, Span::new(start, end, *label));
            }
        }
        taken
    }

    /// `recognize` with the lists applied to its output: the shape
    /// [`crate::annotations::Annotator::from_parts`] takes.
    pub fn wrap<F>(self: Arc<Self>, recognize: F) -> impl Fn(&str, Lang) -> Vec<Span> + Send + Sync
    where
        F: Fn(&str, Lang) -> Vec<Span> + Send + Sync,
    {
        move |text: &str, lang: Lang| self.apply(text, recognize(text, lang))
    }
}

/// Letters and digits of scripts written with spaces between words. Han,
/// kana and Thai are written without them, so a name in those scripts
/// matches inside a run of text (`字节跳动公司`).
fn is_word_char(c: char) -> bool {
    let unspaced = matches!(c as u32,
        0x0E00..=0x0EFF          // Thai, Lao
        | 0x3040..=0x30FF        // Hiragana, Katakana
        | 0x3400..=0x4DBF        // CJK extension A
        | 0x4E00..=0x9FFF        // CJK unified ideographs
        | 0xF900..=0xFAFF        // CJK compatibility ideographs
        | 0x20000..=0x2FFFF); // CJK extensions B..
    (c.is_alphanumeric() || c == '_') && !unspaced
}

fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let name = &text[start..end];
    let first = name.chars().next();
    let last = name.chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let clash = |edge: Option<char>, next: Option<char>| matches!((edge, next), (Some(a), Some(b)) if is_word_char(a) && is_word_char(b));
    !clash(first, before) && !clash(last, after)
}

/// Parses an entities file's text (`file` names it in errors). Bad entries
/// are reported and skipped; the rest apply.
pub fn parse(text: &str, file: &Path) -> (UserLists, Vec<ConfigError>) {
    let mut errors = Vec::new();
    let line_of = |offset: usize| {
        text.as_bytes()[..offset.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    };
    let mut err = |at: usize, key: &str, message: String| {
        errors.push(ConfigError {
            file: file.to_path_buf(),
            line: Some(line_of(at)),
            key: key.to_owned(),
            message,
        });
    };
    let root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| line_of(s.start));
            return (
                UserLists::default(),
                vec![ConfigError {
                    file: file.to_path_buf(),
                    line,
                    key: String::new(),
                    message: format!(
                        "not valid TOML: {}; no name of this file was used",
                        e.message().trim()
                    ),
                }],
            );
        }
    };
    let mut always = Vec::new();
    let mut never = Vec::new();
    let strings = |v: &toml::Spanned<DeValue<'_>>| -> Option<Vec<String>> {
        v.get_ref().as_array().and_then(|a| {
            a.iter()
                .map(|s| s.get_ref().as_str().map(str::to_owned))
                .collect()
        })
    };
    for (key, value) in root.get_ref() {
        match key.get_ref().as_ref() {
            "never" => match strings(value) {
                Some(list) => never.extend(list),
                None => err(
                    value.span().start,
                    "never",
                    "expected a list of names ([\"Star City\"])".into(),
                ),
            },
            "always" => {
                let Some(entries) = value.get_ref().as_array() else {
                    err(
                        value.span().start,
                        "always",
                        "expected [[always]] tables with name, type and aliases".into(),
                    );
                    continue;
                };
                for (i, entry) in entries.iter().enumerate() {
                    let at = format!("always[{}]", i + 1);
                    let Some(t) = entry.get_ref().as_table() else {
                        err(entry.span().start, &at, "expected a table".into());
                        continue;
                    };
                    let mut name = None;
                    let mut label = None;
                    let mut aliases = Vec::new();
                    let mut ok = true;
                    for (k, v) in t {
                        let dotted = format!("{at}.{}", k.get_ref());
                        match k.get_ref().as_ref() {
                            "name" => match v.get_ref().as_str() {
                                Some(s) if !s.trim().is_empty() => name = Some(s.to_owned()),
                                _ => {
                                    err(
                                        v.span().start,
                                        &dotted,
                                        "expected a non-empty string".into(),
                                    );
                                    ok = false;
                                }
                            },
                            "type" => {
                                let parsed = v.get_ref().as_str().and_then(|s| {
                                    Label::ALL
                                        .into_iter()
                                        .find(|l| l.as_str().eq_ignore_ascii_case(s))
                                });
                                match parsed {
                                    Some(l) => label = Some(l),
                                    None => {
                                        err(
                                            v.span().start,
                                            &dotted,
                                            "expected one of \"PER\", \"ORG\", \"LOC\", \"MISC\""
                                                .into(),
                                        );
                                        ok = false;
                                    }
                                }
                            }
                            "aliases" => match strings(v) {
                                Some(list) => aliases = list,
                                None => {
                                    err(
                                        v.span().start,
                                        &dotted,
                                        "expected a list of strings".into(),
                                    );
                                    ok = false;
                                }
                            },
                            "never" => {
                                err(
                                    k.span().start,
                                    &dotted,
                                    "`never` belongs at the top of the file, before the first \
                                     [[always]]"
                                        .into(),
                                );
                                ok = false;
                            }
                            _ => {
                                err(
                                    k.span().start,
                                    &dotted,
                                    "unknown key; accepted: name, type, aliases".into(),
                                );
                                ok = false;
                            }
                        }
                    }
                    match (name, label) {
                        (Some(n), Some(l)) if ok => {
                            always.push((n, l));
                            always.extend(aliases.into_iter().map(|a| (a, l)));
                        }
                        (n, l) => {
                            if ok {
                                let missing = if n.is_none() { "name" } else { "type" };
                                let _ = l;
                                err(
                                    entry.span().start,
                                    &at,
                                    format!(
                                        "missing `{missing}`; each [[always]] needs name and type"
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            other => err(
                key.span().start,
                other,
                "unknown key; accepted: never, always".into(),
            ),
        }
    }
    errors.sort_by_key(|e| e.line);
    (UserLists::from_parts(always, never), errors)
}

/// Reads the lists from `path`; a missing file is no lists and no error.
pub fn load(path: &Path) -> (UserLists, Vec<ConfigError>) {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => parse(&text, path),
            Err(_) => (
                UserLists::default(),
                vec![ConfigError {
                    file: path.to_path_buf(),
                    line: None,
                    key: String::new(),
                    message: "not UTF-8 text".into(),
                }],
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (UserLists::default(), Vec::new()),
        Err(e) => (
            UserLists::default(),
            vec![ConfigError {
                file: path.to_path_buf(),
                line: None,
                key: String::new(),
                message: format!("cannot read it: {e}"),
            }],
        ),
    }
}

static ACTIVE: RwLock<Option<Arc<UserLists>>> = RwLock::new(None);

/// Makes `lists` the ones [`active`] and [`recognize`] use from now on.
pub fn install(lists: UserLists) {
    let mut slot = ACTIVE.write().unwrap_or_else(|e| e.into_inner());
    *slot = Some(Arc::new(lists));
}

/// The lists installed last (none before [`install`]).
pub fn active() -> Arc<UserLists> {
    ACTIVE
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_default()
}

/// [`crate::ner::recognize`] with the [`active`] lists applied: what every
/// command uses to tag text.
pub fn recognize(text: &str, lang: Lang) -> Vec<Span> {
    active().apply(text, crate::ner::recognize(text, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, label: Label) -> Span {
        Span::new(start, end, label)
    }

    fn mentions(text: &str, spans: &[Span]) -> Vec<(String, Label)> {
        spans
            .iter()
            .map(|s| (text[s.start()..s.end()].to_owned(), s.label))
            .collect()
    }

    #[test]
    fn forced_names_are_tagged_and_suppressed_ones_are_not() {
        let lists = UserLists::new(&[("ByteDance", Label::Org, &["字节跳动"])], &["Star City"]);
        let text = "Li Lei left ByteDance (字节跳动公司) for Star City. ByteDances is not it.";
        let model = vec![
            span(0, 6, Label::Per),
            // The model only got "Byte" and called it a place.
            span(12, 16, Label::Loc),
            span(
                text.find("Star").unwrap(),
                text.find("Star").unwrap() + 9,
                Label::Loc,
            ),
        ];
        let out = lists.apply(text, model);
        assert_eq!(
            mentions(text, &out),
            vec![
                ("Li Lei".to_owned(), Label::Per),
                ("ByteDance".to_owned(), Label::Org),
                ("字节跳动".to_owned(), Label::Org),
            ]
        );
    }

    #[test]
    fn matching_is_case_sensitive_whole_word_and_longest_first() {
        let lists = UserLists::new(
            &[
                ("Bank", Label::Org, &[]),
                ("Bank Indonesia", Label::Org, &[]),
                ("Java", Label::Loc, &[]),
            ],
            &[],
        );
        let text = "bank Bank Indonesia JavaScript Java, Banking";
        let out = lists.apply(text, Vec::new());
        assert_eq!(
            mentions(text, &out),
            vec![
                ("Bank Indonesia".to_owned(), Label::Org),
                ("Java".to_owned(), Label::Loc),
            ]
        );
        for s in &out {
            assert!(text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()));
        }
    }

    #[test]
    fn wrap_applies_the_lists_to_a_recogniser() {
        let lists = Arc::new(UserLists::new(&[("Acme", Label::Org, &[])], &["Nobody"]));
        let rec = lists.wrap(|text: &str, _| {
            text.find("Nobody")
                .map(|i| vec![span(i, i + 6, Label::Per)])
                .unwrap_or_default()
        });
        let text = "Nobody at Acme.";
        assert_eq!(rec(text, Lang::En), vec![span(10, 14, Label::Org)]);
        let annotator = crate::annotations::Annotator::from_parts("test+lists", |_| Lang::En, rec);
        let article = crate::article::Article {
            title: "Acme".into(),
            body: text.into(),
            ..Default::default()
        };
        let ents = annotator.annotate(&article);
        assert_eq!(ents.title, vec![span(0, 4, Label::Org)]);
        assert_eq!(ents.body, vec![span(10, 14, Label::Org)]);
    }

    #[test]
    fn version_follows_content_not_layout() {
        let a = UserLists::new(&[("A", Label::Org, &["B"])], &["C"]);
        let b = UserLists::new(
            &[("B", Label::Org, &[]), ("A", Label::Org, &[])],
            &["C", "C"],
        );
        let c = UserLists::new(&[("A", Label::Per, &["B"])], &["C"]);
        assert_eq!(a.version(), b.version());
        assert_ne!(a.version(), c.version());
        assert_eq!(UserLists::default().version(), 0);
        assert_ne!(a.version(), 0);
    }

    #[test]
    fn file_parses_and_bad_entries_are_reported() {
        let file = Path::new("/cfg/entities.toml");
        let text = "never = [\"Star City\"]\n\n[[always]]\nname = \"ByteDance\"\ntype = \"org\"\n\
                    aliases = [\"字节跳动\"]\n\n[[always]]\nname = \"X\"\ntype = \"PERSON\"\n\n\
                    [[always]]\nname = \"Y\"\ntype = \"LOC\"\nnever = [\"Z\"]\n";
        let (lists, errors) = parse(text, file);
        assert_eq!(
            lists,
            UserLists::new(&[("ByteDance", Label::Org, &["字节跳动"])], &["Star City"])
        );
        let e: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with("/cfg/entities.toml:10: `always[2].type`: expected one of \"PER\""),
            "{}",
            e[0]
        );
        assert!(
            e[1].contains(":15: `always[3].never`: `never` belongs at the top"),
            "{}",
            e[1]
        );
        let (_, errors) = parse("[[always]]\ntype = \"ORG\"\n", file);
        assert!(
            errors[0].to_string().contains("missing `name`"),
            "{}",
            errors[0]
        );
        let (l, errors) = parse("never = \n", file);
        assert!(l.is_empty());
        assert!(errors[0].to_string().contains("not valid TOML"));
    }

    #[test]
    fn missing_file_is_no_lists() {
        let dir = tempfile::tempdir().unwrap();
        let (l, e) = load(&dir.path().join("entities.toml"));
        assert!(l.is_empty() && e.is_empty());
    }
}
