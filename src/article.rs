//! Finding, reading, parsing and normalising article files.
//!
//! Owns: the [`Article`] model, the loaders for each format, and the
//! [`Problem`]s that bad files produce. Every string that leaves this module
//! has been through [`crate::text::sanitize`], so nothing downstream (UI, NER,
//! output) ever sees terminal control characters. Must not: draw, or run NER.

pub mod feed;
pub mod html;

use std::path::PathBuf;

/// Files larger than this (bytes) are skipped with a reason unless `--max-size` says otherwise.
pub const DEFAULT_MAX_SIZE: u64 = 50 * 1024 * 1024;

/// Options that shape loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Files above this many bytes are skipped with a [`Problem`].
    pub max_size: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_size: DEFAULT_MAX_SIZE,
        }
    }
}

/// One loaded article, already normalised and sanitised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    /// Stable identity, the key for read/starred state (see [`Article::identity`]).
    pub id: String,
    /// The file it came from (for JSON arrays and JSON lines, the containing file).
    pub path: PathBuf,
    /// Title (never empty: falls back to the file name).
    pub title: String,
    pub author: Option<String>,
    /// Publication date as given (RFC 3339 or `YYYY-MM-DD`), when it parsed.
    pub published: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Language tag from the file (`en`, `id`, ...), when it had one.
    pub lang: Option<String>,
    /// Body text: paragraphs separated by a blank line (`"\n\n"`), no other newlines.
    pub body: String,
    /// Non-fatal notes from loading (e.g. "invalid UTF-8 replaced").
    pub notes: Vec<String>,
}

impl Article {
    /// Paragraphs of the body with their byte offsets into [`Article::body`].
    pub fn paragraphs(&self) -> impl Iterator<Item = (usize, &str)> {
        let base = self.body.as_ptr() as usize;
        self.body
            .split("\n\n")
            .filter(|p| !p.is_empty())
            .map(move |p| (p.as_ptr() as usize - base, p))
    }
}

/// A file (or a line of one) that could not be loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// Precise reason, e.g. "line 3, column 14: expected `,` or `}`".
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// What loading reports, in order, as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadEvent {
    /// A loaded article.
    Article(Article),
    /// A file (or line) that could not be loaded.
    Problem(Problem),
}

/// Loads every article under `paths`, reporting each article and problem to
/// `sink` as soon as it is known, so a caller on another thread can show the
/// first articles while the rest load.
///
/// Skeleton: reads `.txt` files only; the full loader replaces this.
pub fn load_paths(paths: &[PathBuf], opts: &LoadOptions, sink: &mut dyn FnMut(LoadEvent)) {
    for path in paths {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let text = crate::text::sanitize(&text);
                let mut lines = text.lines().filter(|l| !l.trim().is_empty());
                let title = lines.next().unwrap_or_default().trim().to_owned();
                let body = lines.map(str::trim).collect::<Vec<_>>().join("\n\n");
                let _ = opts;
                sink(LoadEvent::Article(Article {
                    id: path.display().to_string(),
                    path: path.clone(),
                    title,
                    body,
                    ..Article::default()
                }));
            }
            Err(e) => sink(LoadEvent::Problem(Problem {
                path: path.clone(),
                reason: e.to_string(),
            })),
        }
    }
}

/// The sample articles embedded in the binary, shown when no path is given.
///
/// Skeleton: empty until the bundled samples land.
pub fn bundled() -> Vec<Article> {
    Vec::new()
}
