//! The library-wide entity index: for every entity (a label plus a
//! normalised key), its display name, how often it is mentioned and which
//! articles mention it.
//!
//! The index takes `(label, key, display name)` mentions, so the caller
//! decides what counts as one entity: [`plain_mentions`] keys each mention by
//! its own folded text ([`plain_counted`] does the same, pre-counted), and
//! the mention-merging rules (a surname after the
//! full name, an acronym after its long form) can feed their canonical keys
//! in through [`EntityIndex::add_mentions`] instead.
//!
//! Compact by design: strings are interned once, articles are `u32`
//! indices, and each entity's article list is a sorted `Vec<u32>`.

use std::collections::HashMap;
use std::sync::Arc;

use crate::article::Article;
use crate::ner::Label;

use super::ArticleEntities;

/// An article's position in the reader's article list.
pub type DocId = u32;

type Sym = u32;

const NONE: u32 = u32::MAX;

/// Surface forms remembered per entity (for choosing its display name).
const MAX_NAMES: usize = 16;

/// The normalised key of a mention: [`crate::text::fold`] (case and
/// diacritics ignored), runs of whitespace collapsed to one space, trimmed.
/// `"  JOSÉ  Ramos-Horta"` and `"José Ramos-Horta"` share a key.
pub fn entity_key(mention: &str) -> String {
    // Most mentions are ASCII, where folding is just lowercasing; skipping
    // the NFD pass makes indexing a warm library several times faster.
    let folded = if mention.is_ascii() {
        mention.to_ascii_lowercase()
    } else {
        crate::text::fold(mention)
    };
    let mut key = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key
}

/// Each mention of `entities` as `(label, key, display name)`, keyed by its
/// own text (no merging of short forms). Repeated surface forms are keyed
/// once.
pub fn plain_mentions<'a>(
    article: &'a Article,
    entities: &'a ArticleEntities,
) -> impl Iterator<Item = (Label, String, &'a str)> {
    let mut memo: HashMap<&'a str, String> = HashMap::new();
    entities.mentions(article).map(move |(label, text)| {
        let text = text.trim();
        let key = memo.entry(text).or_insert_with(|| entity_key(text)).clone();
        (label, key, text)
    })
}

/// The plain mentions of `entities` already counted, as
/// [`EntityIndex::add_counted`] takes them: one `(label, key, name, times)`
/// per distinct label and surface form, in first-seen order. Counting on
/// borrowed text before building any key is what makes indexing a warm
/// library fast (one hash per mention, no allocation).
pub fn plain_counted(
    article: &Article,
    entities: &ArticleEntities,
) -> Vec<(Label, String, String, u32)> {
    // std's randomly keyed SipHash on purpose: mention text comes from
    // untrusted articles, and a fast unkeyed hash could be flooded.
    let mut seen: HashMap<(Label, &str), usize> = HashMap::new();
    let mut distinct: Vec<(Label, &str, u32)> = Vec::new();
    for (label, text) in entities.mentions(article) {
        let text = text.trim();
        match seen.get(&(label, text)) {
            Some(&i) => distinct[i].2 += 1,
            None => {
                seen.insert((label, text), distinct.len());
                distinct.push((label, text, 1));
            }
        }
    }
    distinct
        .into_iter()
        .map(|(label, text, n)| (label, entity_key(text), text.to_owned(), n))
        .collect()
}

/// Distinct `(label, key, display name)` mentions with how often each
/// occurs, first-seen order. What [`EntityIndex::add_counted`] takes; worth
/// computing outside any lock around the index.
pub fn count_mentions<K, N>(
    mentions: impl IntoIterator<Item = (Label, K, N)>,
) -> Vec<(Label, String, String, u32)>
where
    K: AsRef<str>,
    N: AsRef<str>,
{
    let mut seen: HashMap<(Label, String, String), usize> = HashMap::new();
    let mut out: Vec<(Label, String, String, u32)> = Vec::new();
    for (label, key, name) in mentions {
        let k = (label, key.as_ref().to_owned(), name.as_ref().to_owned());
        match seen.get(&k) {
            Some(&i) => out[i].3 += 1,
            None => {
                seen.insert(k.clone(), out.len());
                out.push((k.0, k.1, k.2, 1));
            }
        }
    }
    out
}

#[derive(Debug, Default)]
struct Interner {
    strings: Vec<Arc<str>>,
    lookup: HashMap<Arc<str>, Sym>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.lookup.get(s) {
            return sym;
        }
        let sym = self.strings.len() as Sym;
        let arc: Arc<str> = Arc::from(s);
        self.strings.push(Arc::clone(&arc));
        self.lookup.insert(arc, sym);
        sym
    }

    fn get(&self, s: &str) -> Option<Sym> {
        self.lookup.get(s).copied()
    }

    fn resolve(&self, sym: Sym) -> &str {
        &self.strings[sym as usize]
    }
}

#[derive(Debug)]
struct Entry {
    label: Label,
    key: Sym,
    /// Surface forms seen, with how often; the most frequent is displayed.
    names: Vec<(Sym, u32)>,
    /// Sorted, no duplicates.
    articles: Vec<DocId>,
    mentions: u64,
}

impl Entry {
    fn display(&self) -> Sym {
        // Most frequent; on a tie the first seen, so the name is stable.
        let mut best = self.names[0];
        for &n in &self.names[1..] {
            if n.1 > best.1 {
                best = n;
            }
        }
        best.0
    }
}

/// One entity as the index reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityInfo<'a> {
    pub label: Label,
    /// The normalised key (see [`entity_key`]); with `label`, the identity.
    pub key: &'a str,
    /// The most frequent surface form.
    pub name: &'a str,
    /// Articles mentioning it, ascending.
    pub articles: &'a [DocId],
    /// Total mentions across those articles.
    pub mentions: u64,
}

impl EntityInfo<'_> {
    /// Number of articles mentioning this entity.
    pub fn article_count(&self) -> usize {
        self.articles.len()
    }
}

/// The entity index of a library. See the module documentation.
#[derive(Debug, Default)]
pub struct EntityIndex {
    strings: Interner,
    /// Per interned string, the entry of each label keyed by it (`NONE` when
    /// absent): a plain array lookup instead of a second hash per mention.
    by_key: Vec<[u32; 4]>,
    entries: Vec<Entry>,
    /// Per entry, 1 + its position in the document being added (0: not in
    /// it); always all zeros between calls.
    scratch: Vec<u32>,
    /// Per article: the entities it contributed and how often it mentions each.
    docs: HashMap<DocId, Vec<(u32, u32)>>,
    generation: u64,
}

impl EntityIndex {
    /// An empty index.
    pub fn new() -> Self {
        EntityIndex::default()
    }

    /// Indexes `article` (as document `doc`) by its plain mentions,
    /// replacing whatever `doc` contributed before.
    pub fn add(&mut self, doc: DocId, article: &Article, entities: &ArticleEntities) {
        self.add_counted(doc, plain_counted(article, entities));
    }

    /// Indexes document `doc` from `(label, key, display name)` mentions,
    /// replacing whatever `doc` contributed before. Mentions with an empty key
    /// are ignored; `key` should come from [`entity_key`] (or a merging rule
    /// built on it) so that searches find it.
    pub fn add_mentions<K, N>(
        &mut self,
        doc: DocId,
        mentions: impl IntoIterator<Item = (Label, K, N)>,
    ) where
        K: AsRef<str>,
        N: AsRef<str>,
    {
        self.add_counted(doc, count_mentions(mentions));
    }

    /// [`EntityIndex::add_mentions`] for mentions already counted by
    /// [`count_mentions`] (`(label, key, name, times)`).
    pub fn add_counted(&mut self, doc: DocId, mentions: Vec<(Label, String, String, u32)>) {
        self.remove(doc);
        let mut contributed: Vec<(u32, u32)> = Vec::new();
        for (label, key, name, count) in mentions {
            if key.is_empty() || count == 0 {
                continue;
            }
            let key_sym = self.strings.intern(&key);
            let name_sym = if name.is_empty() || name == key {
                key_sym
            } else {
                self.strings.intern(&name)
            };
            let needed = self.strings.strings.len();
            if self.by_key.len() < needed {
                self.by_key.resize(needed, [NONE; 4]);
            }
            let slot = &mut self.by_key[key_sym as usize][label.index()];
            if *slot == NONE {
                *slot = self.entries.len() as u32;
                self.entries.push(Entry {
                    label,
                    key: key_sym,
                    names: Vec::new(),
                    articles: Vec::new(),
                    mentions: 0,
                });
                self.scratch.push(0);
            }
            let id = *slot;
            let entry = &mut self.entries[id as usize];
            entry.mentions += u64::from(count);
            match entry.names.iter().position(|n| n.0 == name_sym) {
                Some(i) => entry.names[i].1 += count,
                // Bounded so that a hostile article spelling one name in
                // thousands of case variants cannot make this quadratic.
                None if entry.names.len() < MAX_NAMES => entry.names.push((name_sym, count)),
                None => {}
            }
            // Several display names can share one key, so the same entry
            // may come more than once.
            match self.scratch[id as usize] {
                0 => {
                    contributed.push((id, count));
                    self.scratch[id as usize] = contributed.len() as u32;
                    if let Err(pos) = entry.articles.binary_search(&doc) {
                        entry.articles.insert(pos, doc);
                    }
                }
                pos => contributed[pos as usize - 1].1 += count,
            }
        }
        for &(id, _) in &contributed {
            self.scratch[id as usize] = 0;
        }
        if !contributed.is_empty() {
            contributed.shrink_to_fit();
            self.docs.insert(doc, contributed);
        }
        self.generation += 1;
    }

    /// Forgets everything document `doc` contributed.
    pub fn remove(&mut self, doc: DocId) {
        let Some(contributed) = self.docs.remove(&doc) else {
            return;
        };
        for (id, count) in contributed {
            let entry = &mut self.entries[id as usize];
            entry.mentions -= u64::from(count);
            if let Ok(pos) = entry.articles.binary_search(&doc) {
                entry.articles.remove(pos);
            }
        }
        self.generation += 1;
    }

    /// Changes whenever the index changes, so a view can cache its sorted
    /// lists and recompute only when this moves.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Number of indexed documents.
    pub fn doc_count(&self) -> usize {
        self.docs.len()
    }

    /// Number of entities mentioned by at least one document.
    pub fn len(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| !e.articles.is_empty())
            .count()
    }

    /// True when no entity is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn info(&self, id: u32) -> EntityInfo<'_> {
        let e = &self.entries[id as usize];
        EntityInfo {
            label: e.label,
            key: self.strings.resolve(e.key),
            name: self.strings.resolve(e.display()),
            articles: &e.articles,
            mentions: e.mentions,
        }
    }

    /// The entity with this label and key, if any article mentions it.
    pub fn get(&self, label: Label, key: &str) -> Option<EntityInfo<'_>> {
        let sym = self.strings.get(key)?;
        let id = *self.by_key.get(sym as usize)?.get(label.index())?;
        if id == NONE {
            return None;
        }
        let info = self.info(id);
        (!info.articles.is_empty()).then_some(info)
    }

    /// The documents mentioning the entity `(label, key)`, ascending; empty
    /// when none does.
    pub fn articles_mentioning(&self, label: Label, key: &str) -> &[DocId] {
        self.get(label, key).map_or(&[], |i| i.articles)
    }

    /// Every entity, by type (PER, ORG, LOC, MISC), then most articles first,
    /// then most mentions, then name.
    pub fn entries(&self) -> Vec<EntityInfo<'_>> {
        let mut out: Vec<EntityInfo<'_>> = (0..self.entries.len() as u32)
            .filter(|&id| !self.entries[id as usize].articles.is_empty())
            .map(|id| self.info(id))
            .collect();
        out.sort_by(|a, b| {
            a.label
                .index()
                .cmp(&b.label.index())
                .then(b.articles.len().cmp(&a.articles.len()))
                .then(b.mentions.cmp(&a.mentions))
                .then(a.name.cmp(b.name))
        });
        out
    }

    /// Entities whose key matches `query` folded like [`entity_key`]: exact
    /// matches first, then keys starting with it, then keys with a word
    /// starting with it, then keys containing it; within each, most articles
    /// first. An empty query returns [`EntityIndex::entries`].
    pub fn search(&self, query: &str) -> Vec<EntityInfo<'_>> {
        let q = entity_key(query);
        if q.is_empty() {
            return self.entries();
        }
        let mut hits: Vec<(u8, EntityInfo<'_>)> = Vec::new();
        for (id, e) in self.entries.iter().enumerate() {
            if e.articles.is_empty() {
                continue;
            }
            let key = self.strings.resolve(e.key);
            let rank = if key == q {
                0
            } else if key.starts_with(&q) {
                1
            } else if key.match_indices(&q).any(|(i, _)| {
                key[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| !c.is_alphanumeric())
            }) {
                2
            } else if key.contains(&q) {
                3
            } else {
                continue;
            };
            hits.push((rank, self.info(id as u32)));
        }
        hits.sort_by(|(ra, a), (rb, b)| {
            ra.cmp(rb)
                .then(b.articles.len().cmp(&a.articles.len()))
                .then(b.mentions.cmp(&a.mentions))
                .then(a.label.index().cmp(&b.label.index()))
                .then(a.name.cmp(b.name))
        });
        hits.into_iter().map(|(_, i)| i).collect()
    }

    /// The `n` entities `doc` mentions most (ties: by type, then name), with
    /// how often `doc` mentions each, for the list pane's entity line.
    pub fn top_entities(&self, doc: DocId, n: usize) -> Vec<(EntityInfo<'_>, u32)> {
        let Some(contributed) = self.docs.get(&doc) else {
            return Vec::new();
        };
        let mut out: Vec<(EntityInfo<'_>, u32)> = contributed
            .iter()
            .map(|&(id, count)| (self.info(id), count))
            .collect();
        out.sort_by(|(a, ca), (b, cb)| {
            cb.cmp(ca)
                .then(a.label.index().cmp(&b.label.index()))
                .then(a.name.cmp(b.name))
        });
        out.truncate(n);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::{Lang, Span};

    /// An article whose body is `parts` joined by spaces, with an entity span
    /// over each part given a label.
    fn doc(parts: &[(&str, Option<Label>)]) -> (Article, ArticleEntities) {
        let mut body = String::new();
        let mut spans = Vec::new();
        for (text, label) in parts {
            if !body.is_empty() {
                body.push(' ');
            }
            let start = body.len();
            body.push_str(text);
            if let Some(label) = label {
                spans.push(Span::new(start, body.len(), *label));
            }
        }
        let article = Article {
            title: "t".into(),
            body,
            ..Article::default()
        };
        let ents = ArticleEntities {
            lang: Lang::Id,
            title: Vec::new(),
            body: spans,
        };
        assert!(ents.is_valid_for(&article));
        (article, ents)
    }

    const P: Option<Label> = Some(Label::Per);
    const O: Option<Label> = Some(Label::Org);
    const L: Option<Label> = Some(Label::Loc);

    fn library() -> EntityIndex {
        let mut index = EntityIndex::new();
        let docs = [
            doc(&[
                ("Li Lei", P),
                ("bekerja di", None),
                ("ByteDance", O),
                ("LI  LEI", P),
            ]),
            doc(&[("ByteDance", O), ("di", None), ("Jakarta", L), ("José", P)]),
            doc(&[("Jakarta", L), ("dan", None), ("Bytedance", O)]),
            doc(&[("Jakarta", O)]),
        ];
        for (i, (a, e)) in docs.iter().enumerate() {
            index.add(i as DocId, a, e);
        }
        index
    }

    #[test]
    fn counts_articles_and_mentions_per_entity() {
        let index = library();
        assert_eq!(index.doc_count(), 4);
        let bd = index.get(Label::Org, "bytedance").unwrap();
        assert_eq!(bd.articles, &[0, 1, 2]);
        assert_eq!(bd.mentions, 3);
        assert_eq!(bd.name, "ByteDance", "most frequent surface form");
        let li = index.get(Label::Per, &entity_key("li lei")).unwrap();
        assert_eq!(li.articles, &[0]);
        assert_eq!(li.mentions, 2);
        assert_eq!(li.name, "Li Lei");
        // Same key, other label: a different entity.
        assert_eq!(index.articles_mentioning(Label::Loc, "jakarta"), &[1, 2]);
        assert_eq!(index.articles_mentioning(Label::Org, "jakarta"), &[3]);
        assert_eq!(
            index.articles_mentioning(Label::Per, "nobody"),
            &[] as &[DocId]
        );
        assert_eq!(index.get(Label::Per, "jose").unwrap().name, "José");
    }

    #[test]
    fn entries_sort_by_type_then_article_count() {
        let index = library();
        let order: Vec<(Label, &str, usize)> = index
            .entries()
            .iter()
            .map(|e| (e.label, e.name, e.article_count()))
            .collect();
        assert_eq!(
            order,
            vec![
                (Label::Per, "Li Lei", 1),
                (Label::Per, "José", 1),
                (Label::Org, "ByteDance", 3),
                (Label::Org, "Jakarta", 1),
                (Label::Loc, "Jakarta", 2),
            ]
        );
        assert_eq!(index.len(), 5);
    }

    #[test]
    fn search_folds_and_ranks() {
        let index = library();
        let names = |q: &str| -> Vec<(Label, String)> {
            index
                .search(q)
                .iter()
                .map(|e| (e.label, e.name.to_owned()))
                .collect()
        };
        assert_eq!(names("JOSE"), vec![(Label::Per, "José".to_owned())]);
        assert_eq!(names("  lei "), vec![(Label::Per, "Li Lei".to_owned())]);
        assert_eq!(
            names("jakarta"),
            vec![
                (Label::Loc, "Jakarta".into()),
                (Label::Org, "Jakarta".into())
            ]
        );
        // Prefix before substring: "dance" is inside ByteDance only.
        assert_eq!(names("dance"), vec![(Label::Org, "ByteDance".into())]);
        assert!(names("zzz").is_empty());
        assert_eq!(index.search("").len(), 5);
    }

    #[test]
    fn re_adding_and_removing_a_document_replaces_its_contribution() {
        let mut index = library();
        let before = index.generation();
        let (a, e) = doc(&[("Ma Huateng", P)]);
        index.add(0, &a, &e);
        assert!(index.generation() > before);
        assert!(index.get(Label::Per, "li lei").is_none());
        assert_eq!(index.articles_mentioning(Label::Org, "bytedance"), &[1, 2]);
        assert_eq!(index.get(Label::Org, "bytedance").unwrap().mentions, 2);
        assert_eq!(index.articles_mentioning(Label::Per, "ma huateng"), &[0]);
        index.remove(1);
        assert_eq!(index.articles_mentioning(Label::Org, "bytedance"), &[2]);
        assert_eq!(index.doc_count(), 3);
        let top = index.top_entities(2, 5);
        let names: Vec<_> = top.iter().map(|(e, n)| (e.name, *n)).collect();
        assert_eq!(
            names,
            vec![("ByteDance", 1), ("Jakarta", 1)],
            "ties by type"
        );
    }

    #[test]
    fn merged_groups_can_feed_canonical_keys() {
        let mut index = EntityIndex::new();
        // As the mention-merging rules would: "Li" after "Li Lei" shares the
        // long form's key; an empty key is ignored.
        index.add_mentions(
            7,
            [
                (Label::Per, "li lei", "Li Lei"),
                (Label::Per, "li lei", "Li"),
                (Label::Per, "", "?"),
            ],
        );
        let e = index.get(Label::Per, "li lei").unwrap();
        assert_eq!((e.name, e.mentions, e.articles), ("Li Lei", 2, &[7][..]));
        // Groups as the merging rules produce them arrive counted.
        index.add_counted(8, vec![(Label::Per, "li lei".into(), "Li Lei".into(), 3)]);
        let e = index.get(Label::Per, "li lei").unwrap();
        assert_eq!((e.mentions, e.articles), (5, &[7, 8][..]));
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn many_distinct_mentions_stay_fast() {
        // 50,000 distinct entities and 50,000 case variants of one name in
        // one article: linear, not quadratic.
        let mut mentions: Vec<(Label, String, String, u32)> = (0..50_000)
            .map(|i| (Label::Org, format!("org {i}"), format!("Org {i}"), 1))
            .collect();
        for i in 0..50_000u32 {
            let name: String = format!("{i:016b}")
                .chars()
                .map(|c| if c == '1' { 'A' } else { 'a' })
                .collect();
            mentions.push((Label::Per, "a".repeat(16), name, 1));
        }
        let t = std::time::Instant::now();
        let mut index = EntityIndex::new();
        index.add_counted(0, mentions);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
        assert_eq!(index.len(), 50_001);
        assert_eq!(
            index.get(Label::Per, &"a".repeat(16)).unwrap().mentions,
            50_000
        );
    }

    #[test]
    fn entity_key_folds_and_collapses_whitespace() {
        assert_eq!(entity_key("  JOSÉ \n Ramos-Horta "), "jose ramos-horta");
        assert_eq!(entity_key("\t"), "");
        // The ASCII fast path agrees with the full fold.
        for s in ["ByteDance  INC", "Li\tLei", "PBB (UN)"] {
            assert_eq!(
                entity_key(s),
                entity_key(&format!("{s}\u{301}")).trim_end_matches('\u{301}')
            );
            assert_eq!(
                entity_key(s),
                crate::text::fold(s)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
}
