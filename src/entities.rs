//! Merging an article's entity mentions into entities.
//!
//! Owns: the one definition of "these mentions are the same entity", used by
//! the entity panel, mention jumps and the cross-article filter and index.
//! Must not: run the recogniser, draw, or do I/O.
//!
//! # Rules
//!
//! Mentions are visited in document order (the fields in the order given,
//! usually title then body; spans by position). Only mentions with the
//! **same label** ever merge: relabelling across types would make the
//! result depend on model mistakes in ways a reader cannot predict. For each
//! mention, the first rule that applies decides:
//!
//! 1. **Acronym in brackets.** A mention that looks like an acronym (one word,
//!    at least two capitals, e.g. `UCSB`, `PDI-P`) placed directly in
//!    brackets after the previous mention of the same label, in the same
//!    field (`University of California, Santa Barbara (UCSB)`), joins that
//!    mention's entity, and the acronym becomes an alias of it. Its letters
//!    need not match the initials (translated names often do not). Bare uses
//!    of the acronym elsewhere in the article, earlier or later, join the
//!    same entity.
//! 2. **Exact repeat.** A mention whose [key](entity_key) equals an entity's
//!    name key or alias joins it; keys ignore case, diacritics, periods and
//!    spacing, so `BYTEDANCE`, `ByteDance` and `Bytedance` are one entity and
//!    `U.S.` equals `US`.
//! 3. **Short form after the full name.** A mention whose words are the
//!    leading or trailing words of the name of exactly one entity seen
//!    earlier joins it: `Widodo` or `Joko` after `Joko Widodo`, `Li` or `Lei`
//!    after `Li Lei`. For people both ends count; for organisations only the
//!    trailing words (`Mandiri` after `Bank Mandiri`), because leading words
//!    of an organisation name are usually its parent (`Baidu` is not
//!    `Baidu Research`); places and MISC merge only by rules 1 and 2
//!    (`Korea` is not `North Korea`). A short form that fits two or more
//!    earlier names (`Li` after both `Li Lei` and `Li Feifei`) is ambiguous
//!    and becomes an entity of its own. A short form before any full name
//!    also stays its own entity.
//! 4. Otherwise the mention starts a new entity.
//!
//! An entity's display name is its longest mention (the first, on a tie),
//! with runs of whitespace shown as one space. Entities come sorted by label
//! (PER, ORG, LOC, MISC), then most mentions first, then first appearance.

use std::collections::HashMap;

use crate::ner::{Label, Span};
use crate::text::fold;

/// The article field a mention is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Title,
    Body,
}

impl Field {
    /// The name used in output: `title` or `body`.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Body => "body",
        }
    }
}

/// One field's text and the recogniser's spans in it (byte ranges into `text`).
#[derive(Debug, Clone, Copy)]
pub struct FieldSpans<'a> {
    pub field: Field,
    pub text: &'a str,
    pub spans: &'a [Span],
}

/// One mention: `start..end` are byte offsets into its field's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mention {
    pub field: Field,
    pub start: usize,
    pub end: usize,
}

/// An entity: all mentions that the rules in the [module doc](self) merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityGroup {
    pub label: Label,
    /// Display name: the longest mention, whitespace collapsed.
    pub name: String,
    /// [`entity_key`] of `name`, for matching across articles.
    pub key: String,
    /// Keys of acronyms defined for this entity (rule 1), e.g. `ucsb`.
    pub aliases: Vec<String>,
    /// Mentions in document order.
    pub mentions: Vec<Mention>,
}

impl EntityGroup {
    /// Label-qualified keys under which this entity is found in other
    /// articles' [`article_keys`]: its name key and its aliases. An article
    /// mentions the entity when it has any of them.
    pub fn index_keys(&self) -> Vec<String> {
        std::iter::once(&self.key)
            .chain(&self.aliases)
            .map(|k| index_key(self.label, k))
            .collect()
    }
}

/// `"PER:li lei"`: a key qualified by its label, since "Jordan" the person
/// and "Jordan" the country are different entities.
pub fn index_key(label: Label, key: &str) -> String {
    format!("{}:{key}", label.as_str())
}

/// The sorted, de-duplicated label-qualified keys (names and aliases) of an
/// article's entities, for the cross-article index: an article whose keys
/// contain any of an entity's [`EntityGroup::index_keys`] mentions it, so
/// "Li Lei" in two articles matches, and so does "UCSB" in one article and
/// "University of California, Santa Barbara (UCSB)" in another.
pub fn article_keys(groups: &[EntityGroup]) -> Vec<String> {
    let mut keys: Vec<String> = groups.iter().flat_map(EntityGroup::index_keys).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// What the reader keeps of one annotated article, computed where the
/// article is annotated (on a worker thread) so that taking a whole library
/// in costs the UI thread only a few hash lookups per article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleSummary {
    /// [`article_keys`] of the merged entities.
    pub keys: Vec<String>,
    /// Up to `top_n` entities by mention count, most first (equal counts in
    /// type order): `(label, display name)`.
    pub top: Vec<(Label, String)>,
    /// One `(label, key, display name, mentions)` per merged entity, for
    /// [`crate::annotations::EntityIndex::add_counted`].
    pub counted: Vec<(Label, String, String, u32)>,
}

/// Merges `title` and `body` mentions ([`merge_article`]) and summarises
/// them for the reader, keeping the `top_n` most mentioned entities.
pub fn summarize(
    title: &str,
    title_spans: &[Span],
    body: &str,
    body_spans: &[Span],
    top_n: usize,
) -> ArticleSummary {
    summarize_groups(&merge_article(title, title_spans, body, body_spans), top_n)
}

/// [`summarize`] for groups already merged.
pub fn summarize_groups(groups: &[EntityGroup], top_n: usize) -> ArticleSummary {
    let keys = article_keys(groups);
    let mut by_count: Vec<&EntityGroup> = groups.iter().collect();
    // Stable: equal counts keep type order (PER, ORG, LOC, MISC).
    by_count.sort_by_key(|g| std::cmp::Reverse(g.mentions.len()));
    let top = by_count
        .iter()
        .take(top_n)
        .map(|g| (g.label, g.name.clone()))
        .collect();
    let counted = groups
        .iter()
        .map(|g| {
            let n = u32::try_from(g.mentions.len()).unwrap_or(u32::MAX);
            (g.label, g.key.clone(), g.name.clone(), n)
        })
        .collect();
    ArticleSummary { keys, top, counted }
}

/// The matching key of a mention's text: [`fold`]ed (case and diacritics
/// ignored), periods dropped (`U.S.` = `US`), curly apostrophes made
/// straight, hyphens and whitespace runs made one space, trimmed.
pub fn entity_key(text: &str) -> String {
    let folded = fold(text);
    let mut key = String::with_capacity(folded.len());
    let mut space = false;
    for c in folded.chars() {
        match c {
            '.' => {}
            c if c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}') => space = true,
            c => {
                if space && !key.is_empty() {
                    key.push(' ');
                }
                space = false;
                key.push(if matches!(c, '\u{2018}' | '\u{2019}') {
                    '\''
                } else {
                    c
                });
            }
        }
    }
    key
}

/// Text with whitespace runs shown as one space, trimmed.
fn display_name(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One word, two or more capitals, capitals at least half its letters.
fn looks_like_acronym(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().any(char::is_whitespace) {
        return false;
    }
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let upper = t.chars().filter(|c| c.is_uppercase()).count();
    upper >= 2 && upper * 2 >= letters
}

/// Whether `text[a_end..b_start]` is an opening bracket (and spaces) and a
/// closing bracket follows `b_end`: the `Long Name (LN)` pattern.
fn in_brackets_after(text: &str, a_end: usize, b_start: usize, b_end: usize) -> bool {
    let (Some(between), Some(after)) = (text.get(a_end..b_start), text.get(b_end..)) else {
        return false;
    };
    let after = after.trim_start();
    match between.trim() {
        "(" => after.starts_with(')'),
        "[" => after.starts_with(']'),
        _ => false,
    }
}

struct Group {
    label: Label,
    name: String,
    key: String,
    words: Vec<String>,
    aliases: Vec<String>,
    mentions: Vec<(usize, Mention)>,
    /// Set when this group was merged into another (its mentions moved there).
    merged_into: Option<usize>,
}

/// Merges the mentions of one article's fields into entities, by the rules
/// in the [module doc](self). Spans that are out of range, not on char
/// boundaries, or have no text after normalising are ignored.
pub fn merge_mentions(fields: &[FieldSpans<'_>]) -> Vec<EntityGroup> {
    let mut groups: Vec<Group> = Vec::new();
    // (label, key) -> group, for names and aliases.
    let mut by_key: HashMap<(Label, String), usize> = HashMap::new();
    let mut order = 0usize;
    for f in fields {
        let mut spans: Vec<Span> = f
            .spans
            .iter()
            .copied()
            .filter(|s| s.start() < s.end() && f.text.get(s.start()..s.end()).is_some())
            .collect();
        spans.sort_by_key(|s| (s.start(), s.end()));
        // The previous mention in this field, for rule 1.
        let mut prev: Option<(Span, usize)> = None;
        for s in spans {
            let raw = &f.text[s.start()..s.end()];
            let key = entity_key(raw);
            if key.is_empty() {
                continue;
            }
            let mention = Mention {
                field: f.field,
                start: s.start(),
                end: s.end(),
            };
            let mut target = None;
            // Rule 1: acronym in brackets after the previous mention.
            if let Some((p, pg)) = prev
                && p.label == s.label
                && looks_like_acronym(raw)
                && in_brackets_after(f.text, p.end(), s.start(), s.end())
            {
                let pg = live(&groups, pg);
                if groups[pg].key != key {
                    if let Some(&other) = by_key.get(&(s.label, key.clone()))
                        && live(&groups, other) != pg
                    {
                        let other = live(&groups, other);
                        absorb(&mut groups, pg, other);
                    }
                    groups[pg].aliases.push(key.clone());
                    by_key.insert((s.label, key.clone()), pg);
                }
                target = Some(pg);
            }
            // Rule 2: exact repeat of a name or alias.
            if target.is_none() {
                target = by_key
                    .get(&(s.label, key.clone()))
                    .map(|&g| live(&groups, g));
            }
            // Rule 3: short form of exactly one earlier name.
            if target.is_none() {
                target = short_form_of(&groups, s.label, &key);
            }
            let g = match target {
                Some(g) => g,
                None => {
                    groups.push(Group {
                        label: s.label,
                        name: display_name(raw),
                        key: key.clone(),
                        words: key.split(' ').map(String::from).collect(),
                        aliases: Vec::new(),
                        mentions: Vec::new(),
                        merged_into: None,
                    });
                    by_key.insert((s.label, key), groups.len() - 1);
                    groups.len() - 1
                }
            };
            let name = display_name(raw);
            if name.chars().count() > groups[g].name.chars().count() {
                groups[g].name = name;
            }
            groups[g].mentions.push((order, mention));
            order += 1;
            prev = Some((s, g));
        }
    }
    let mut out: Vec<(usize, EntityGroup)> = groups
        .into_iter()
        .filter(|g| g.merged_into.is_none() && !g.mentions.is_empty())
        .map(|mut g| {
            g.mentions.sort_by_key(|(o, _)| *o);
            let first = g.mentions[0].0;
            (
                first,
                EntityGroup {
                    label: g.label,
                    name: g.name,
                    key: g.key,
                    aliases: g.aliases,
                    mentions: g.mentions.into_iter().map(|(_, m)| m).collect(),
                },
            )
        })
        .collect();
    out.sort_by(|(fa, a), (fb, b)| {
        a.label
            .cmp(&b.label)
            .then(b.mentions.len().cmp(&a.mentions.len()))
            .then(fa.cmp(fb))
    });
    out.into_iter().map(|(_, g)| g).collect()
}

/// Convenience for the usual article: title spans, then body spans.
pub fn merge_article(
    title: &str,
    title_spans: &[Span],
    body: &str,
    body_spans: &[Span],
) -> Vec<EntityGroup> {
    merge_mentions(&[
        FieldSpans {
            field: Field::Title,
            text: title,
            spans: title_spans,
        },
        FieldSpans {
            field: Field::Body,
            text: body,
            spans: body_spans,
        },
    ])
}

/// Follows merges to the group that now holds `g`'s mentions.
fn live(groups: &[Group], mut g: usize) -> usize {
    // Merges only ever point at a group that was live at the time, so this
    // ends; the bound guards against a bug turning it into a hang.
    for _ in 0..groups.len() {
        match groups[g].merged_into {
            Some(next) => g = next,
            None => break,
        }
    }
    g
}

/// Moves `from`'s mentions, name and aliases into `into`.
fn absorb(groups: &mut [Group], into: usize, from: usize) {
    let moved = std::mem::take(&mut groups[from].mentions);
    let name = std::mem::take(&mut groups[from].name);
    let key = std::mem::take(&mut groups[from].key);
    groups[into].mentions.extend(moved);
    if name.chars().count() > groups[into].name.chars().count() {
        groups[into].name = name;
    }
    if key != groups[into].key && !groups[into].aliases.contains(&key) {
        groups[into].aliases.push(key);
    }
    let from_aliases = std::mem::take(&mut groups[from].aliases);
    for a in from_aliases {
        if !groups[into].aliases.contains(&a) {
            groups[into].aliases.push(a);
        }
    }
    groups[from].merged_into = Some(into);
}

/// Rule 3: the one earlier entity of `label` whose name has `key`'s words
/// as its leading (people only) or trailing words.
fn short_form_of(groups: &[Group], label: Label, key: &str) -> Option<usize> {
    let allow_prefix = match label {
        Label::Per => true,
        Label::Org => false,
        Label::Loc | Label::Misc => return None,
    };
    let words: Vec<&str> = key.split(' ').collect();
    let mut found = None;
    for (i, g) in groups.iter().enumerate() {
        if g.merged_into.is_some() || g.label != label || g.words.len() <= words.len() {
            continue;
        }
        let suffix = g.words[g.words.len() - words.len()..]
            .iter()
            .zip(&words)
            .all(|(a, b)| a == b);
        let prefix = allow_prefix && g.words.iter().zip(&words).all(|(a, b)| a == b);
        if suffix || prefix {
            if found.is_some() {
                return None; // ambiguous
            }
            found = Some(i);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `{Li Lei|PER} met {Baidu|ORG}` into text and spans.
    fn marked(src: &str) -> (String, Vec<Span>) {
        let mut text = String::new();
        let mut spans = Vec::new();
        let mut rest = src;
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let close = rest[open..].find('}').expect("unclosed {") + open;
            let (name, label) = rest[open + 1..close].split_once('|').expect("no |");
            let label = match label {
                "PER" => Label::Per,
                "ORG" => Label::Org,
                "LOC" => Label::Loc,
                "MISC" => Label::Misc,
                other => panic!("bad label {other}"),
            };
            let start = text.len();
            text.push_str(name);
            spans.push(Span::new(start, text.len(), label));
            rest = &rest[close + 1..];
        }
        text.push_str(rest);
        (text, spans)
    }

    fn merge_body(src: &str) -> (String, Vec<EntityGroup>) {
        let (text, spans) = marked(src);
        let groups = merge_article("", &[], &text, &spans);
        (text, groups)
    }

    /// Each group as (label, name, mention texts).
    fn summary(text: &str, groups: &[EntityGroup]) -> Vec<(Label, String, Vec<String>)> {
        groups
            .iter()
            .map(|g| {
                (
                    g.label,
                    g.name.clone(),
                    g.mentions
                        .iter()
                        .map(|m| text[m.start..m.end].to_string())
                        .collect(),
                )
            })
            .collect()
    }

    fn names(groups: &[EntityGroup]) -> Vec<&str> {
        groups.iter().map(|g| g.name.as_str()).collect()
    }

    #[test]
    fn exact_repeats_merge_ignoring_case_diacritics_and_periods() {
        let (text, g) = merge_body(
            "{ByteDance|ORG} and {BYTEDANCE|ORG} and {Bytedance|ORG}; {Zürich|LOC} or \
             {Zurich|LOC}; {U.S.|LOC} and {US|LOC}",
        );
        assert_eq!(
            summary(&text, &g),
            vec![
                (
                    Label::Org,
                    "ByteDance".into(),
                    vec!["ByteDance".into(), "BYTEDANCE".into(), "Bytedance".into()]
                ),
                (
                    Label::Loc,
                    "Zürich".into(),
                    vec!["Zürich".into(), "Zurich".into()]
                ),
                (Label::Loc, "U.S.".into(), vec!["U.S.".into(), "US".into()]),
            ]
        );
        assert_eq!(g[0].key, "bytedance");
        assert_eq!(g[1].key, "zurich");
        assert_eq!(g[2].key, "us");
    }

    #[test]
    fn surname_and_given_name_after_full_name_merge() {
        let (text, g) = merge_body(
            "{Li Lei|PER} left. {Li|PER} said {Lei|PER} was happy. {Joko Widodo|PER} and \
             {Widodo|PER}.",
        );
        assert_eq!(
            summary(&text, &g),
            vec![
                (
                    Label::Per,
                    "Li Lei".into(),
                    vec!["Li Lei".into(), "Li".into(), "Lei".into()]
                ),
                (
                    Label::Per,
                    "Joko Widodo".into(),
                    vec!["Joko Widodo".into(), "Widodo".into()]
                ),
            ]
        );
    }

    #[test]
    fn ambiguous_short_forms_stay_separate() {
        let (text, g) = merge_body(
            "{Li Lei|PER} met {Li Feifei|PER}. {Li|PER} spoke, then {Li|PER} again. \
             {Lei|PER} nodded.",
        );
        let s = summary(&text, &g);
        assert_eq!(
            s[0],
            (
                Label::Per,
                "Li Lei".into(),
                vec!["Li Lei".into(), "Lei".into()]
            )
        );
        assert!(s.contains(&(Label::Per, "Li".into(), vec!["Li".into(), "Li".into()])));
        assert!(s.contains(&(Label::Per, "Li Feifei".into(), vec!["Li Feifei".into()])));
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn short_form_before_the_full_name_stays_separate() {
        let (_, g) = merge_body("{Widodo|PER} arrived. Later {Joko Widodo|PER} spoke.");
        assert_eq!(g.len(), 2);
    }

    #[test]
    fn short_forms_only_merge_within_a_label() {
        let (_, g) = merge_body("{Jordan Peterson|PER} visited {Jordan|LOC}.");
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].label, Label::Per);
        assert_eq!(g[1].label, Label::Loc);
    }

    #[test]
    fn organisations_merge_trailing_words_not_parents() {
        let (text, g) = merge_body(
            "{Baidu Research|ORG} is part of {Baidu|ORG}. {Bank Mandiri|ORG} said \
             {Mandiri|ORG} grew.",
        );
        let s = summary(&text, &g);
        assert!(s.contains(&(
            Label::Org,
            "Bank Mandiri".into(),
            vec!["Bank Mandiri".into(), "Mandiri".into()]
        )));
        assert!(s.contains(&(Label::Org, "Baidu".into(), vec!["Baidu".into()])));
        assert!(s.contains(&(
            Label::Org,
            "Baidu Research".into(),
            vec!["Baidu Research".into()]
        )));
    }

    #[test]
    fn places_do_not_merge_short_forms() {
        let (_, g) = merge_body("{North Korea|LOC} and {Korea|LOC}");
        assert_eq!(g.len(), 2);
    }

    #[test]
    fn acronym_in_brackets_merges_with_its_long_form_and_later_uses() {
        let (text, g) = merge_body(
            "{Li Lei|PER} joined {University of California, Santa Barbara|ORG} ({UCSB|ORG}) \
             as a professor. His page is on the {UCSB|ORG} site.",
        );
        let s = summary(&text, &g);
        assert_eq!(
            s[1],
            (
                Label::Org,
                "University of California, Santa Barbara".into(),
                vec![
                    "University of California, Santa Barbara".into(),
                    "UCSB".into(),
                    "UCSB".into()
                ]
            )
        );
        assert_eq!(g[1].aliases, vec!["ucsb".to_string()]);
        assert_eq!(g[1].key, "university of california, santa barbara");
    }

    #[test]
    fn acronym_used_before_its_definition_joins_too() {
        let (text, g) = merge_body(
            "{KPK|ORG} said on Monday. {Komisi Pemberantasan Korupsi|ORG} [{KPK|ORG}] added.",
        );
        assert_eq!(
            summary(&text, &g),
            vec![(
                Label::Org,
                "Komisi Pemberantasan Korupsi".into(),
                vec![
                    "KPK".into(),
                    "Komisi Pemberantasan Korupsi".into(),
                    "KPK".into()
                ]
            )]
        );
    }

    #[test]
    fn bracketed_non_acronyms_and_other_labels_do_not_merge() {
        // A bracketed place after a person is context, not an alias.
        let (_, g) = merge_body("{Li Lei|PER} ({Beijing|LOC}) and {Baidu|ORG} ({Beijing|LOC})");
        assert_eq!(g.len(), 3);
        // A bracketed ordinary name of the same label is not an acronym.
        let (_, g) = merge_body("{Google|ORG} ({Alphabet|ORG})");
        assert_eq!(g.len(), 2);
        // Text between the long form and the bracket breaks the pattern.
        let (_, g) = merge_body("{Badan Pusat Statistik|ORG} said ({BPS|ORG})");
        assert_eq!(g.len(), 2);
    }

    #[test]
    fn title_and_body_fields_are_kept_apart_in_mentions() {
        let (title, ts) = marked("{ByteDance AI Labs|ORG} director {Li Lei|PER} leaves");
        let (body, bs) =
            marked("{Li Lei|PER}, director of {ByteDance AI Labs|ORG}. {Lei|PER} left.");
        let g = merge_article(&title, &ts, &body, &bs);
        assert_eq!(names(&g), vec!["Li Lei", "ByteDance AI Labs"]);
        let fields: Vec<Field> = g[0].mentions.iter().map(|m| m.field).collect();
        assert_eq!(fields, vec![Field::Title, Field::Body, Field::Body]);
        assert_eq!(
            g[0].mentions[0],
            Mention {
                field: Field::Title,
                start: 27,
                end: 33
            }
        );
        assert_eq!(&body[g[0].mentions[2].start..g[0].mentions[2].end], "Lei");
    }

    #[test]
    fn sorted_by_label_then_mentions_then_first_appearance() {
        let (_, g) = merge_body(
            "{Jakarta|LOC} {Ana|PER} {Budi|PER} {Budi|PER} {Tokopedia|ORG} {Gojek|ORG} \
             {Ana|PER} {Budi|PER}",
        );
        assert_eq!(
            names(&g),
            vec!["Budi", "Ana", "Tokopedia", "Gojek", "Jakarta"]
        );
    }

    #[test]
    fn longest_mention_names_the_entity_and_whitespace_collapses() {
        let (_, g) = merge_body("{US|LOC} then {U.S.|LOC}; {Li\nLei|PER}");
        assert_eq!(names(&g), vec!["Li Lei", "U.S."]);
        assert_eq!(g[0].key, "li lei");
    }

    #[test]
    fn bad_spans_are_ignored_not_panics() {
        let text = "Café Li";
        let spans = [
            Span::new(0, 4, Label::Loc), // inside 'é',
            Span::new(5, 99, Label::Per),
            Span::new(6, 6, Label::Per),
            Span::new(4, 5, Label::Per), // inside 'é',
            Span::new(6, 8, Label::Per),
        ];
        let g = merge_article("", &[], text, &spans);
        assert_eq!(names(&g), vec!["Li"]);
        assert!(merge_mentions(&[]).is_empty());
        // Punctuation-only spans have no key and are skipped.
        let g = merge_article("", &[], "--", &[Span::new(0, 2, Label::Org)]);
        assert!(g.is_empty());
    }

    #[test]
    fn unsorted_spans_are_visited_in_text_order() {
        let (text, mut spans) = marked("{Joko Widodo|PER} and {Widodo|PER}");
        spans.reverse();
        let g = merge_article("", &[], &text, &spans);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].mentions.len(), 2);
    }

    #[test]
    fn article_keys_match_across_articles() {
        let (_, a) = merge_body("{Li Lei|PER} joined {UCSB|ORG}.");
        let (_, b) = merge_body(
            "Professor {LI LEI|PER} of {University of California, Santa Barbara|ORG} ({UCSB|ORG}).",
        );
        let (_, c) = merge_body("{Jordan|LOC} and {Li Feifei|PER}");
        let keys_a = article_keys(&a);
        let keys_b = article_keys(&b);
        let keys_c = article_keys(&c);
        assert_eq!(keys_a, vec!["ORG:ucsb", "PER:li lei"]);
        let mentions = |group: &EntityGroup, keys: &[String]| {
            group.index_keys().iter().any(|k| keys.contains(k))
        };
        // Li Lei of article b is found in a, and the university too.
        for g in &b {
            assert!(mentions(g, &keys_a), "{} not found in a", g.name);
            assert!(!mentions(g, &keys_c), "{} found in c", g.name);
        }
        let mut sorted = keys_b.clone();
        sorted.sort();
        assert_eq!(keys_b, sorted);
        assert!(keys_c.contains(&"LOC:jordan".to_string()));
        assert!(!keys_c.contains(&"PER:jordan".to_string()));
    }

    #[test]
    fn summaries_hold_keys_top_entities_and_counts() {
        let (text, spans) = marked(
            "{Li Lei|PER} joined {ByteDance|ORG} in {Beijing|LOC}. {Li|PER} said {ByteDance|ORG} \
             and {Li Lei|PER} would stay; {University of California, Santa Barbara|ORG} ({UCSB|ORG}).",
        );
        let s = summarize("", &[], &text, &spans, 2);
        let groups = merge_article("", &[], &text, &spans);
        assert_eq!(s.keys, article_keys(&groups));
        assert!(s.keys.contains(&"ORG:ucsb".to_string()), "{:?}", s.keys);
        assert_eq!(
            s.top,
            vec![
                (Label::Per, "Li Lei".to_string()),
                (Label::Org, "ByteDance".to_string())
            ]
        );
        let li = s.counted.iter().find(|c| c.1 == "li lei").expect("li lei");
        assert_eq!((li.0, li.2.as_str(), li.3), (Label::Per, "Li Lei", 3));
        assert_eq!(s.counted.len(), groups.len());
    }

    #[test]
    fn entity_key_normalises() {
        assert_eq!(entity_key("  Ma’ruf   Amin "), "ma'ruf amin");
        assert_eq!(entity_key("U.S."), "us");
        assert_eq!(entity_key("Jean-Pierre"), "jean pierre");
        assert_eq!(entity_key("Ñíguez"), "niguez");
        assert_eq!(entity_key("..."), "");
    }
}

#[cfg(test)]
mod prop_tests {
    use super::*;
    use proptest::prelude::*;

    fn label() -> impl Strategy<Value = Label> {
        prop::sample::select(&Label::ALL[..])
    }

    proptest! {
        /// Whatever the spans, merging never panics, and every usable span
        /// ends up in exactly one entity.
        #[test]
        fn every_valid_span_lands_in_exactly_one_group(
            words in prop::collection::vec(
                prop::sample::select(&["Li", "Lei", "Li Lei", "UCSB", "(", ")", "Bank", "é", " ", "."][..]),
                0..30,
            ),
            raw in prop::collection::vec((0usize..80, 0usize..12, label()), 0..20),
        ) {
            let text: String = words.concat();
            let spans: Vec<Span> = raw
                .iter()
                .map(|&(start, len, label)| Span::new(start, start + len, label))
                .collect();
            let groups = merge_article("", &[], &text, &spans);
            let total: usize = groups.iter().map(|g| g.mentions.len()).sum();
            let usable = spans
                .iter()
                .filter(|s| {
                    s.start() < s.end()
                        && text.get(s.start()..s.end()).is_some_and(|t| !entity_key(t).is_empty())
                })
                .count();
            prop_assert_eq!(total, usable);
            for g in &groups {
                prop_assert!(!g.mentions.is_empty());
                prop_assert!(!g.key.is_empty());
            }
        }
    }
}
