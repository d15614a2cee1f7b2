//! Annotation machinery for the reader: the recogniser as an injected
//! function, a compact on-disk cache of its output, a background worker pool
//! that annotates the whole library (most relevant articles first), and the
//! library-wide entity index.
//!
//! Owns: [`ArticleEntities`] (what an article's entities are), the
//! [`Annotator`] seam, the cache file under `$XDG_CACHE_HOME/sorot/`
//! ([`cache`]), the [`AnnotationService`] ([`service`]) and the
//! [`EntityIndex`] ([`index`]). Must not: draw, or know how entities are
//! recognised (the recogniser is injected, so this module and its tests do not
//! depend on a trained model).
//!
//! How the reader uses it:
//! ```text
//! let annotator = Annotator::from_parts(MODEL_VERSION, ner::lang::detect, ner::recognize);
//! let service = AnnotationService::start(annotator, CacheConfig::default_location(), 0);
//! service.submit(articles.iter().enumerate().map(|(i, a)| (i as u32, Arc::clone(a))));
//! // on open / scroll:  service.prioritise(&[open, visible...]);
//! // open article:      let ents = service.annotate_now(&article);   // synchronous
//! // every frame:       while let Some(u) = service.try_recv() { ... }
//! //                    service.progress()  -> "entities 4,200/10,000"
//! //                    service.try_index() -> entity index panel (E), filters
//! ```

pub mod cache;
pub mod index;
pub mod service;

use std::sync::Arc;

use crate::article::Article;
use crate::ner::{Label, Lang, Span};

pub use cache::{AnnotationCache, CacheConfig, ContentKey};
pub use index::{EntityIndex, EntityInfo, entity_key};
pub use service::{AnnotationService, Progress, ServiceConfig, Update};

/// The entities of one article. Spans are byte ranges into
/// [`Article::title`] and [`Article::body`] respectively; once an
/// `ArticleEntities` has passed [`ArticleEntities::validated`] (everything the
/// service hands out has), every span is non-empty, in bounds, on char
/// boundaries, sorted by start and non-overlapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleEntities {
    /// The language the recogniser used for this article.
    pub lang: Lang,
    /// Entities in the title.
    pub title: Vec<Span>,
    /// Entities in the body.
    pub body: Vec<Span>,
}

impl ArticleEntities {
    /// No entities, for an article in `lang`.
    pub fn empty(lang: Lang) -> Self {
        ArticleEntities {
            lang,
            title: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Drops every span that does not fit `article` (empty, out of bounds, off
    /// a char boundary) and, of overlapping spans, keeps the one that starts
    /// first (the longer one on a tie), then sorts. Returns the cleaned
    /// entities and how many spans were dropped. The UI can then slice the
    /// text with any span without checking.
    pub fn validated(mut self, article: &Article) -> (Self, usize) {
        let dropped = clean_spans(&mut self.title, &article.title)
            + clean_spans(&mut self.body, &article.body);
        (self, dropped)
    }

    /// True when every span is valid for `article` in the sense of
    /// [`ArticleEntities::validated`].
    pub fn is_valid_for(&self, article: &Article) -> bool {
        spans_valid(&self.title, &article.title) && spans_valid(&self.body, &article.body)
    }

    /// Number of mentions of each label (title and body), indexed like
    /// [`Label::ALL`], for the legend line.
    pub fn counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for span in self.title.iter().chain(&self.body) {
            counts[span.label.index()] += 1;
        }
        counts
    }

    /// Total number of mentions in title and body.
    pub fn len(&self) -> usize {
        self.title.len() + self.body.len()
    }

    /// True when the article has no entities.
    pub fn is_empty(&self) -> bool {
        self.title.is_empty() && self.body.is_empty()
    }

    /// Every mention as `(label, mention text)`, title first, in text order.
    /// Spans that do not fit the article are skipped rather than panicking.
    pub fn mentions<'a>(&'a self, article: &'a Article) -> impl Iterator<Item = (Label, &'a str)> {
        let title = self
            .title
            .iter()
            .filter_map(|s| article.title.get(s.start()..s.end()).map(|t| (s.label, t)));
        let body = self
            .body
            .iter()
            .filter_map(|s| article.body.get(s.start()..s.end()).map(|t| (s.label, t)));
        title.chain(body)
    }
}

fn span_fits(s: &Span, text: &str) -> bool {
    s.start() < s.end()
        && s.end() <= text.len()
        && text.is_char_boundary(s.start())
        && text.is_char_boundary(s.end())
}

fn spans_valid(spans: &[Span], text: &str) -> bool {
    let mut prev_end = 0;
    for s in spans {
        if !span_fits(s, text) || s.start() < prev_end {
            return false;
        }
        prev_end = s.end();
    }
    true
}

fn clean_spans(spans: &mut Vec<Span>, text: &str) -> usize {
    let before = spans.len();
    spans.retain(|s| span_fits(s, text));
    spans.sort_by_key(|s| (s.start(), std::cmp::Reverse(s.end())));
    let mut prev_end = 0;
    spans.retain(|s| {
        if s.start() < prev_end {
            return false;
        }
        prev_end = s.end();
        true
    });
    before - spans.len()
}

/// The recogniser as the annotation machinery sees it: a function from an
/// article to its entities, plus the model version that goes into every cache
/// key, so that a new model never serves stale annotations.
///
/// Cheap to clone (the function is shared).
#[derive(Clone)]
pub struct Annotator {
    version: String,
    func: Arc<dyn Fn(&Article) -> ArticleEntities + Send + Sync>,
}

impl std::fmt::Debug for Annotator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Annotator")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Annotator {
    /// Wraps `func`. `version` must change whenever `func` can give different
    /// output for the same article (new model weights, new rules).
    pub fn new(
        version: impl Into<String>,
        func: impl Fn(&Article) -> ArticleEntities + Send + Sync + 'static,
    ) -> Self {
        Annotator {
            version: version.into(),
            func: Arc::new(func),
        }
    }

    /// Builds the usual annotator from a language detector and a recogniser
    /// that works on one text at a time: the article's `lang` field picks the
    /// model when it names one we have, otherwise `detect` runs on the title
    /// and the start of the body; then `recognize` runs on title and body.
    ///
    /// With the real recogniser this is
    /// `Annotator::from_parts(version, ner::lang::detect, ner::recognize)`.
    pub fn from_parts(
        version: impl Into<String>,
        detect: impl Fn(&str) -> Lang + Send + Sync + 'static,
        recognize: impl Fn(&str, Lang) -> Vec<Span> + Send + Sync + 'static,
    ) -> Self {
        Annotator::new(version, move |article: &Article| {
            let lang = article
                .lang
                .as_deref()
                .and_then(Lang::from_tag)
                .unwrap_or_else(|| detect(&detection_sample(article)));
            ArticleEntities {
                lang,
                title: recognize(&article.title, lang),
                body: recognize(&article.body, lang),
            }
        })
    }

    /// The model version that goes into cache keys.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Runs the recogniser on `article` and validates its output against the
    /// article (see [`ArticleEntities::validated`]), so a buggy recogniser can
    /// never hand the UI a span that would panic when sliced.
    pub fn annotate(&self, article: &Article) -> ArticleEntities {
        (self.func)(article).validated(article).0
    }
}

/// Title plus roughly the first 2 KB of the body: enough for language
/// identification, and it keeps detection cost independent of article length.
fn detection_sample(article: &Article) -> String {
    let mut end = article.body.len().min(2048);
    while !article.body.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n{}", article.title, &article.body[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &str) -> Article {
        Article {
            title: title.into(),
            body: body.into(),
            ..Article::default()
        }
    }

    fn span(start: usize, end: usize, label: Label) -> Span {
        Span::new(start, end, label)
    }

    #[test]
    fn validated_drops_bad_spans_and_overlaps() {
        let a = article("Café Jakarta", "Li Lei met Ma");
        let ents = ArticleEntities {
            lang: Lang::En,
            // 4 is inside "é" (bytes 3..5); 6..20 is out of bounds.
            title: vec![
                span(6, 13, Label::Loc),
                span(0, 4, Label::Org),
                span(6, 20, Label::Loc),
            ],
            body: vec![
                span(11, 13, Label::Per),
                span(0, 6, Label::Per),
                span(3, 6, Label::Per),
                span(5, 5, Label::Misc),
            ],
        };
        let (clean, dropped) = ents.validated(&a);
        assert_eq!(dropped, 4);
        assert_eq!(clean.title, vec![span(6, 13, Label::Loc)]);
        assert_eq!(
            clean.body,
            vec![span(0, 6, Label::Per), span(11, 13, Label::Per)]
        );
        assert!(clean.is_valid_for(&a));
        assert_eq!(clean.counts(), [2, 0, 1, 0]);
        let mentions: Vec<_> = clean.mentions(&a).collect();
        assert_eq!(
            mentions,
            vec![
                (Label::Loc, "Jakarta"),
                (Label::Per, "Li Lei"),
                (Label::Per, "Ma")
            ]
        );
    }

    #[test]
    fn from_parts_prefers_the_lang_field_and_falls_back_to_detection() {
        let annotator = Annotator::from_parts(
            "t1",
            |_text: &str| Lang::Id,
            |text: &str, _lang| {
                // A span past the end must be dropped by `annotate`.
                vec![span(0, 1, Label::Misc), span(0, text.len() + 1, Label::Per)]
            },
        );
        let mut a = article("T", "body");
        assert_eq!(annotator.annotate(&a).lang, Lang::Id);
        a.lang = Some("en-GB".into());
        let ents = annotator.annotate(&a);
        assert_eq!(ents.lang, Lang::En);
        assert_eq!(ents.title, vec![span(0, 1, Label::Misc)]);
        assert_eq!(ents.body, vec![span(0, 1, Label::Misc)]);
        assert_eq!(annotator.version(), "t1");
    }
}
