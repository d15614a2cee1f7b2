//! Everything that can change the reader's state, as data. Keys become
//! actions through the [`crate::app::keymap`]; background work (loading)
//! reports through actions too, so [`crate::app::App::update`] is the one
//! place where state changes.

use std::sync::Arc;

use crate::annotations::ArticleEntities;
use crate::article::{Article, Problem};
use crate::ner::Label;

/// An article together with its search key, prepared off the UI thread so
/// that incremental filtering never has to fold text while a key is handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedArticle {
    /// Shared, so the annotation workers can read it without a copy.
    pub article: Arc<Article>,
    /// `text::fold` of the title, a newline, and the body (computed with
    /// the equivalent, faster [`crate::app::find::fold_fast`]).
    pub folded: String,
    /// [`Article::published_timestamp`], parsed once for sorting.
    pub timestamp: Option<i64>,
}

impl LoadedArticle {
    /// Wraps `article`, computing its folded search key.
    pub fn new(article: Article) -> Self {
        let mut key = String::with_capacity(article.title.len() + article.body.len() + 1);
        key.push_str(&article.title);
        key.push('\n');
        key.push_str(&article.body);
        LoadedArticle {
            folded: crate::app::find::fold_fast(&key),
            timestamp: article.published_timestamp(),
            article: Arc::new(article),
        }
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
    /// A message for the status bar from background work.
    Notice(String),
    /// Articles a background fetch stored; ones already loaded are skipped.
    FetchedArticles(Vec<LoadedArticle>),
    /// The background fetch ended, with its summary.
    FetchFinished(String),
}
