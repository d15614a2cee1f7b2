//! The reader's view state: focus, overlays, list order and filter,
//! selection, scroll and search. Plain data; [`crate::app::App::update`] is
//! the only code that changes it.

use std::ops::Range;

use crate::entities::EntityGroup;
use crate::ner::Label;

/// Which pane receives movement keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    List,
    Reader,
    /// The entity panel beside the reader.
    Entities,
}

impl Focus {
    /// Name shown in the status bar.
    pub fn label(self) -> &'static str {
        match self {
            Focus::List => "list",
            Focus::Reader => "reader",
            Focus::Entities => "entities",
        }
    }
}

/// A view drawn over the panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    Problems,
    /// The index of every entity in the library (`E`).
    EntityIndex,
}

/// Order of the article list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Newest first; undated articles last.
    #[default]
    Date,
    /// Alphabetical by title, ignoring case and diacritics.
    Title,
    /// By source, then newest first.
    Source,
}

impl SortOrder {
    /// The next order in the `O` cycle.
    pub fn next(self) -> Self {
        match self {
            SortOrder::Date => SortOrder::Title,
            SortOrder::Title => SortOrder::Source,
            SortOrder::Source => SortOrder::Date,
        }
    }

    /// Name shown in the list title.
    pub fn label(self) -> &'static str {
        match self {
            SortOrder::Date => "date",
            SortOrder::Title => "title",
            SortOrder::Source => "source",
        }
    }
}

/// Which articles the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListFilter {
    #[default]
    All,
    Unread,
    Starred,
}

impl ListFilter {
    /// The next filter in the `f` cycle.
    pub fn next(self) -> Self {
        match self {
            ListFilter::All => ListFilter::Unread,
            ListFilter::Unread => ListFilter::Starred,
            ListFilter::Starred => ListFilter::All,
        }
    }

    /// Name shown in the list title.
    pub fn label(self) -> &'static str {
        match self {
            ListFilter::All => "all",
            ListFilter::Unread => "unread",
            ListFilter::Starred => "starred",
        }
    }
}

/// The article list: what is shown, in which order, and what is selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListView {
    /// Indices into the loaded articles, in display order, after filter and search.
    pub visible: Vec<usize>,
    /// Position of the selection in `visible`.
    pub selected: usize,
    /// First visible position (the list scrolls to keep the selection shown).
    pub offset: usize,
    pub sort: SortOrder,
    pub filter: ListFilter,
    /// The incremental filter over titles and bodies (empty: none).
    pub query: String,
    /// Only articles mentioning this entity, when set.
    pub entity: Option<EntityFilter>,
    /// Whether each item shows its article's top entities (`t`).
    pub top_entities: bool,
}

/// The list filter "articles that mention this entity".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityFilter {
    pub label: Label,
    /// Display name, for the list title and status bar.
    pub name: String,
    /// Label-qualified keys ([`crate::entities::EntityGroup::index_keys`])
    /// as [`KeyIds`]: an article matches when its
    /// [`crate::entities::article_keys`] hold any.
    pub keys: Vec<u32>,
}

/// Small integer ids for entity keys (label-qualified, as
/// [`crate::entities::index_key`] makes them), so each article stores a few
/// ids instead of its own copies of the strings.
#[derive(Debug, Default)]
pub struct KeyIds {
    ids: std::collections::HashMap<Box<str>, u32>,
}

impl KeyIds {
    /// The id of `key`, giving it the next one if it is new.
    pub fn id(&mut self, key: &str) -> u32 {
        if let Some(&i) = self.ids.get(key) {
            return i;
        }
        let i = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.insert(key.into(), i);
        i
    }

    /// Sorted, de-duplicated ids of `keys`.
    pub fn ids<S: AsRef<str>>(&mut self, keys: &[S]) -> Box<[u32]> {
        let mut v: Vec<u32> = keys.iter().map(|k| self.id(k.as_ref())).collect();
        v.sort_unstable();
        v.dedup();
        v.into_boxed_slice()
    }
}

impl ListView {
    /// Index (into the loaded articles) of the selected article.
    pub fn selected_article(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }
}

/// Find-in-article state for the open article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Find {
    /// The query as typed.
    pub query: String,
    /// Byte ranges of the matches in the article title, in order.
    pub title_matches: Vec<Range<usize>>,
    /// Byte ranges of the matches in the article body, in order.
    pub matches: Vec<Range<usize>>,
    /// The match the reader last jumped to, counting the title's matches
    /// first, then the body's.
    pub current: Option<usize>,
}

impl Find {
    /// Matches in the title and the body together.
    pub fn total(&self) -> usize {
        self.title_matches.len() + self.matches.len()
    }

    /// The current match, when it is in the title: its index there.
    pub fn current_in_title(&self) -> Option<usize> {
        self.current.filter(|&c| c < self.title_matches.len())
    }

    /// The current match, when it is in the body: its index there.
    pub fn current_in_body(&self) -> Option<usize> {
        self.current
            .and_then(|c| c.checked_sub(self.title_matches.len()))
    }
}

/// The reading pane.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReaderView {
    /// Index of the open article.
    pub article: Option<usize>,
    /// First shown line of the article's wrapped layout.
    pub scroll: usize,
    pub find: Find,
}

/// The entity panel: the open article's merged entities and which one is
/// selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityPanel {
    /// Whether the panel is shown.
    pub open: bool,
    /// The open article's entities, by type then most mentioned first
    /// ([`crate::entities::merge_article`]), once it is annotated.
    pub groups: Vec<EntityGroup>,
    /// The article `groups` belong to.
    pub article: Option<usize>,
    /// Position of the selected entity in `groups`.
    pub selected: usize,
    /// The selected entity's mention the reader last jumped to.
    pub mention: Option<usize>,
}

impl EntityPanel {
    /// The selected entity, if the panel is open and has one.
    pub fn selected_group(&self) -> Option<&EntityGroup> {
        if self.open {
            self.groups.get(self.selected)
        } else {
            None
        }
    }
}

/// What the reader keeps of one article's annotation: the entities (for
/// highlighting when it is opened) and what the list needs without merging
/// mentions again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleAnnotation {
    pub entities: std::sync::Arc<crate::annotations::ArticleEntities>,
    /// [`crate::entities::article_keys`] as [`KeyIds`], sorted: what entity
    /// filters match. Ids, not strings, because the same few thousand keys
    /// recur across a whole library.
    pub keys: Box<[u32]>,
    /// The most mentioned entities, most first, for the list's entity line.
    pub top: Vec<(Label, String)>,
}

/// One row of the entity index overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    pub label: Label,
    /// The entity's key in the index.
    pub key: String,
    pub name: String,
    /// Number of articles mentioning it.
    pub articles: usize,
}

/// The entity index overlay (`E`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexView {
    /// The search query (`/`), folded when matched.
    pub query: String,
    /// True while the query is being typed.
    pub typing: bool,
    /// Matching entities, by type then most articles first (or by match
    /// quality while searching), recomputed when the query or the index
    /// changes.
    pub rows: Vec<IndexRow>,
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
}

/// A search query being typed, and where it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub target: Focus,
    pub input: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_stable_sorted_and_deduplicated() {
        let mut ids = KeyIds::default();
        let a = ids.id("PER:li lei");
        let b = ids.id("ORG:ucsb");
        assert_ne!(a, b);
        assert_eq!(ids.id("PER:li lei"), a);
        let set = ids.ids(&["ORG:ucsb", "PER:li lei", "ORG:ucsb", "LOC:beijing"]);
        let mut expected = [a, b, ids.id("LOC:beijing")];
        expected.sort_unstable();
        assert_eq!(&*set, &expected[..]);
    }
}
