//! The reader's view state: focus, overlays, list order and filter,
//! selection, scroll and search. Plain data; [`crate::app::App::update`] is
//! the only code that changes it.

use std::ops::Range;

/// Which pane receives movement keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    List,
    Reader,
}

impl Focus {
    /// Name shown in the status bar.
    pub fn label(self) -> &'static str {
        match self {
            Focus::List => "list",
            Focus::Reader => "reader",
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
    /// Byte ranges of the matches in the article body, in order.
    pub matches: Vec<Range<usize>>,
    /// The match the reader last jumped to.
    pub current: Option<usize>,
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

/// A search query being typed, and where it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub target: Focus,
    pub input: String,
}
