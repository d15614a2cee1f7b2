//! Everything that can change the reader's state, as data. Keys become
//! actions through the [`crate::app::keymap`]; background work (loading)
//! reports through actions too, so [`crate::app::App::update`] is the one
//! place where state changes.

use std::sync::Arc;

use crate::annotations::ArticleEntities;
use crate::article::{Article, Problem};
use crate::entities::ArticleSummary;
use crate::ner::Label;

/// An article together with its search key, prepared off the UI thread so
/// that incremental filtering never has to run Unicode folding while a key
/// is handled.
///
/// Memory matters here (the whole library is held): most articles fold to
/// exactly their ASCII-lowercased text (every non-ASCII character is left
/// unchanged by [`crate::text::fold`]: curly quotes, CJK, dashes), and for
/// those no folded copy is kept at all: [`LoadedArticle::contains_folded`]
/// lowercases into a reused buffer instead, which is a cheap vectorised
/// byte loop. Only articles with characters that fold differently (accents,
/// non-ASCII capitals) keep a folded copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedArticle {
    /// Shared, so the annotation workers can read it without a copy.
    pub article: Arc<Article>,
    /// `text::fold` of the title, a newline, and the body, when that differs
    /// from the ASCII-lowercased text (see the type's documentation).
    folded: Option<Box<str>>,
    /// `text::fold` of the title, for sorting by title.
    pub folded_title: Box<str>,
    /// [`Article::published_timestamp`], parsed once for sorting.
    pub timestamp: Option<i64>,
}

impl LoadedArticle {
    /// Wraps `article`, computing its folded search key.
    pub fn new(article: Article) -> Self {
        let folded_title = crate::app::find::fold_fast(&article.title).into_boxed_str();
        let ascii = article.title.is_ascii() && article.body.is_ascii();
        let folded = if ascii {
            None
        } else {
            let mut key = String::with_capacity(article.title.len() + article.body.len() + 1);
            key.push_str(&article.title);
            key.push('\n');
            key.push_str(&article.body);
            let folded = crate::app::find::fold_fast(&key);
            let same = folded.len() == key.len()
                && folded
                    .bytes()
                    .zip(key.bytes())
                    .all(|(f, k)| f == k.to_ascii_lowercase());
            (!same).then(|| folded.into_boxed_str())
        };
        LoadedArticle {
            folded,
            folded_title,
            timestamp: article.published_timestamp(),
            article: Arc::new(article),
        }
    }

    /// True when the folded title-newline-body contains `needle`, which must
    /// already be folded (`text::fold`); `scratch` is reused between calls so
    /// a scan over the library allocates once.
    pub fn contains_folded(
        &self,
        needle: &memchr::memmem::Finder<'_>,
        scratch: &mut Vec<u8>,
    ) -> bool {
        if let Some(f) = &self.folded {
            return needle.find(f.as_bytes()).is_some();
        }
        let (title, body) = (self.article.title.as_bytes(), self.article.body.as_bytes());
        scratch.clear();
        scratch.reserve(title.len() + body.len() + 1);
        scratch.extend(title.iter().map(u8::to_ascii_lowercase));
        scratch.push(b'\n');
        scratch.extend(body.iter().map(u8::to_ascii_lowercase));
        needle.find(scratch).is_some()
    }

    /// Whether a folded copy of the text is kept (see the type's docs).
    pub fn keeps_folded_copy(&self) -> bool {
        self.folded.is_some()
    }
}

/// One state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Move the list selection down one article.
    SelectNext,
    /// Move the list selection up one article.
    SelectPrev,
    /// Select the first article.
    SelectFirst,
    /// Select the last article.
    SelectLast,
    /// Move the list selection down one page.
    SelectPageDown,
    /// Move the list selection up one page.
    SelectPageUp,
    /// Open the selected article in the reader and focus it (marks it read).
    Open,
    /// Scroll the reader down one line.
    ScrollDown,
    /// Scroll the reader up one line.
    ScrollUp,
    /// Scroll the reader down one page.
    PageDown,
    /// Scroll the reader up one page.
    PageUp,
    /// Scroll the reader to the top.
    ScrollTop,
    /// Scroll the reader to the end.
    ScrollBottom,
    /// Leave the reader and focus the list.
    Back,
    /// Switch focus between the list and the reader.
    FocusNext,
    /// Open the next article in list order while reading.
    NextArticle,
    /// Open the previous article in list order while reading.
    PrevArticle,
    /// Start typing a search (list: filter; reader: find in article).
    SearchStart,
    /// A typed character of the search query.
    SearchInput(char),
    /// Delete the last character of the search query.
    SearchBackspace,
    /// Keep the typed query and stop typing.
    SearchSubmit,
    /// Stop typing and drop the query.
    SearchCancel,
    /// Drop the list filter query (Esc in the list).
    ClearSearch,
    /// Jump to the next find-in-article match.
    NextMatch,
    /// Jump to the previous find-in-article match.
    PrevMatch,
    /// Toggle the read mark of the current article.
    ToggleRead,
    /// Toggle the star of the current article.
    ToggleStarred,
    /// Cycle the list filter: all, unread, starred.
    CycleFilter,
    /// Cycle the list order: date, title, source.
    CycleSort,
    /// Show or hide the key help.
    ToggleHelp,
    /// Show or hide the problems view.
    ToggleProblems,
    /// Close the open overlay (help or problems).
    CloseOverlay,
    /// Scroll the open overlay down.
    OverlayDown,
    /// Scroll the open overlay up.
    OverlayUp,
    /// Leave the reader.
    Quit,
    /// A left click at this cell (column, row): see [`crate::app::mouse`].
    Click { x: u16, y: u16 },
    /// A wheel notch at this cell, down or up.
    Scroll { x: u16, y: u16, down: bool },
    /// The terminal now has this size (columns, rows).
    Resize(u16, u16),
    /// A batch of articles arrived from the loader.
    ArticlesLoaded(Vec<LoadedArticle>),
    /// A batch of problems arrived from the loader.
    ProblemsFound(Vec<Problem>),
    /// `path` was read again: its earlier problems no longer hold (any it
    /// still has come in a [`Action::ProblemsFound`] after this).
    ProblemsResolved(std::path::PathBuf),
    /// The loader has finished.
    LoadingDone,
    /// Toggle inline highlighting of one entity type.
    ToggleHighlight(Label),
    /// Turn all entity highlighting off, or all on when any is off.
    ToggleAllHighlights,
    /// Open (and focus) or close the entity panel beside the reader.
    ToggleEntityPanel,
    /// Select the next entity in the panel.
    EntityNext,
    /// Select the previous entity in the panel.
    EntityPrev,
    /// Select the first entity in the panel.
    EntityFirst,
    /// Select the last entity in the panel.
    EntityLast,
    /// Jump to the selected entity's next mention in the text.
    NextMention,
    /// Jump to the selected entity's previous mention in the text.
    PrevMention,
    /// Filter the article list to the articles mentioning the selected
    /// entity (in the panel or the index).
    FilterByEntity,
    /// Drop the entity filter of the article list.
    ClearEntityFilter,
    /// Show or hide the library's entity index.
    ToggleEntityIndex,
    /// Move the entity index selection down one.
    IndexNext,
    /// Move the entity index selection up one.
    IndexPrev,
    /// Move the entity index selection down one page.
    IndexPageDown,
    /// Move the entity index selection up one page.
    IndexPageUp,
    /// Show or hide each article's top entities in the list.
    ToggleTopEntities,
    /// Entities of loaded articles (by index), from the annotation service.
    EntitiesAnnotated(Vec<(usize, Arc<ArticleEntities>)>),
    /// Entities of loaded articles with their summaries, merged off the UI
    /// thread by the annotation service's workers.
    EntitiesSummarized(Vec<(usize, Arc<ArticleEntities>, Box<ArticleSummary>)>),
    /// Background annotation progress: `done` of `total` articles.
    AnnotationProgress { done: usize, total: usize },
    /// Open the article's URL with the user's opener (`o`).
    OpenArticleUrl,
    /// Open the list of the article's numbered links (`L`).
    ShowLinks,
    /// Select the next link in the link list.
    LinkNext,
    /// Select the previous link in the link list.
    LinkPrev,
    /// Open the selected link and close the list (Enter).
    LinkOpen,
    /// Close the link list.
    CloseLinks,
    /// Copy the article's URL with OSC 52, when enabled (`y`).
    CopyUrl,
    /// Export the article as a standalone HTML page (`x`).
    ExportArticle,
    /// Fetch the configured feeds in the background (`F`).
    FetchFeeds,
    /// Read the user's entity lists again and annotate every article anew
    /// with them (`R`).
    ReloadEntityLists,
    /// The entity lists changed: forget every article's entities until
    /// the annotator sends them again (the run loop sends this).
    EntitiesReset,
    /// A message for the status bar from background work.
    Notice(String),
    /// Articles a background fetch stored; ones already loaded are skipped.
    FetchedArticles(Vec<LoadedArticle>),
    /// The background fetch ended, with its summary.
    FetchFinished(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(title: &str, body: &str) -> LoadedArticle {
        LoadedArticle::new(Article {
            title: title.into(),
            body: body.into(),
            ..Article::default()
        })
    }

    /// What the search key must behave like: `text::fold` of title, newline, body.
    fn reference(e: &LoadedArticle, query: &str) -> bool {
        let key = format!("{}\n{}", e.article.title, e.article.body);
        crate::text::fold(&key).contains(&crate::text::fold(query))
    }

    /// The search key and the reference agree on `q` for every case.
    fn agree(cases: &[LoadedArticle], q: &str) {
        for e in cases {
            assert_eq!(
                contains(e, q),
                reference(e, q),
                "{q:?} in {}",
                e.article.title
            );
        }
    }

    fn contains(e: &LoadedArticle, query: &str) -> bool {
        let q = crate::text::fold(query);
        let finder = memchr::memmem::Finder::new(q.as_bytes());
        e.contains_folded(&finder, &mut Vec::new())
    }

    #[test]
    fn text_that_folds_to_its_lowercase_keeps_no_copy_and_still_matches() {
        let cases = [
            loaded("Banjir di Jakarta", "Air NAIK lagi."),
            // Curly quotes, dashes and CJK are unchanged by folding.
            loaded("“Li Lei” — 李磊", "Dia bergabung dengan ByteDance."),
        ];
        for e in &cases {
            assert!(!e.keeps_folded_copy(), "{}", e.article.title);
        }
        for q in [
            "jakarta",
            "AIR naik",
            "ta\nair",
            "“li lei”",
            "李磊",
            "bytedance.",
            "x",
        ] {
            agree(&cases, q);
        }
    }

    #[test]
    fn accents_and_non_ascii_capitals_keep_a_folded_copy() {
        let cases = [
            loaded("Élection à Paris", "Les électeurs votent."),
            loaded("Ünïcödé", "ÇA VA"),
            loaded("plain", "combining e\u{301} here"),
        ];
        for e in &cases {
            assert!(e.keeps_folded_copy(), "{}", e.article.title);
        }
        for q in [
            "election",
            "ÉLECTEURS",
            "a paris",
            "unicode",
            "ca va",
            "combining e here",
            "zz",
        ] {
            agree(&cases, q);
        }
        assert!(contains(&cases[0], "electeurs"));
    }

    #[test]
    fn the_folded_title_sorts_like_the_fold() {
        let e = loaded("Élection À Paris", "body");
        assert_eq!(&*e.folded_title, crate::text::fold("Élection À Paris"));
    }
}
