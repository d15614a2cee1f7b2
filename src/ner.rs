//! The entity recogniser: tokeniser with byte offsets, language
//! identification, features, the averaged-perceptron model and its decoder.
//!
//! Owns: everything about finding people, organisations and places in text.
//! Entity spans are byte ranges into the text they came from, always on char
//! boundaries. Must not: know about the UI or about files other than models.

pub mod conll;
pub mod decode;
pub mod features;
pub mod gazetteer;
pub mod lang;
pub mod model;
pub mod rules;
pub mod score;
pub mod tags;
pub mod token;
pub mod train;
pub mod weights;

/// Entity types the models output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    Per,
    Org,
    Loc,
    Misc,
}

impl Label {
    /// All labels in display order.
    pub const ALL: [Label; 4] = [Label::Per, Label::Org, Label::Loc, Label::Misc];

    /// Position in [`Label::ALL`], for per-type arrays.
    pub fn index(self) -> usize {
        match self {
            Label::Per => 0,
            Label::Org => 1,
            Label::Loc => 2,
            Label::Misc => 3,
        }
    }

    /// The CoNLL name: `PER`, `ORG`, `LOC`, `MISC`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Per => "PER",
            Label::Org => "ORG",
            Label::Loc => "LOC",
            Label::Misc => "MISC",
        }
    }
}

/// A recognised entity: `text[start..end]` is the mention.
///
/// Offsets are stored as `u32`: the reader keeps every span of a whole
/// library in memory, and 12 bytes a span instead of 24 is about 9 MB on a
/// 10,000-article library. [`recognize`] never produces a span past
/// `u32::MAX` bytes (no loader accepts a field that large by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    start: u32,
    end: u32,
    pub label: Label,
}

impl Span {
    /// The largest offset a span can hold.
    pub const MAX_OFFSET: usize = u32::MAX as usize;

    /// A span over `start..end`.
    ///
    /// # Panics
    /// If `end` is past [`Span::MAX_OFFSET`] or `start > end`: both are
    /// caller bugs, since every producer checks [`Span::fits`] first.
    pub fn new(start: usize, end: usize, label: Label) -> Span {
        assert!(Span::fits(start, end), "span {start}..{end} out of range");
        Span {
            label,
            start: start as u32,
            end: end as u32,
        }
    }

    /// Whether `start..end` can be a span.
    pub fn fits(start: usize, end: usize) -> bool {
        start <= end && end <= Span::MAX_OFFSET
    }

    /// Byte offset of the mention's first byte.
    #[inline]
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// Byte offset just past the mention.
    #[inline]
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// `start()..end()`, for slicing the text.
    #[inline]
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

/// Languages with a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Id,
}

impl Lang {
    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Id => "id",
        }
    }

    /// Parses an article `lang` field (`en`, `en-US`, `id`, `ind`, `in`...).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        let primary = t.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" | "eng" | "english" => Some(Lang::En),
            "id" | "ind" | "in" | "indonesian" | "bahasa" => Some(Lang::Id),
            _ => None,
        }
    }
}

/// Finds the entities of `text` with the embedded model for `lang`:
/// tokenises, splits sentences, tags the whole text as one document (so the
/// document-level stage sees every mention), and maps the tags back to byte
/// spans, in text order. Returns no spans if the model cannot be loaded.
pub fn recognize(text: &str, lang: Lang) -> Vec<Span> {
    match model::embedded(lang) {
        Ok(m) => recognize_with(m, text),
        Err(_) => Vec::new(),
    }
}

/// [`recognize`] with a given model.
pub fn recognize_with(model: &model::Model, text: &str) -> Vec<Span> {
    let tokens = token::tokenize(text);
    let sents = token::sentences(text, &tokens);
    // Spans are collected in a per-thread buffer and returned in a vector of
    // exactly their size: the reader keeps every article's spans, and a
    // doubling vector per article would leave both slack and freed
    // fragments behind on the annotation workers' heaps.
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<Span>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with_borrow_mut(|out| {
        out.clear();
        model.tag_tokens(text, &tokens, &sents, |a, b, label| {
            let (start, end) = (tokens[a].start, tokens[b - 1].end);
            // Past 4 GiB a text keeps the entities of its first 4 GiB.
            if Span::fits(start, end) {
                out.push(Span::new(start, end, label));
            }
        });
        out.as_slice().to_vec()
    })
}

/// A version string for the embedded models, for cache keys: it changes
/// whenever either model file changes (a 64-bit hash of both, computed once,
/// about a millisecond) or the output rules do ([`rules::VERSION`]), so a
/// retrained model never serves stale cached annotations.
pub fn model_version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        // FNV-1a over 8-byte words: stable across runs and platforms (std's
        // hasher is neither), and fast enough for 2.5 MB at start-up.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for lang in [Lang::En, Lang::Id] {
            let bytes = model::embedded_bytes(lang);
            let mut chunks = bytes.chunks_exact(8);
            for c in &mut chunks {
                let mut w = [0u8; 8];
                w.copy_from_slice(c);
                h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0x0100_0000_01b3);
            }
            for &b in chunks.remainder() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
            h = (h ^ bytes.len() as u64).wrapping_mul(0x0100_0000_01b3);
        }
        format!("ner-{h:016x}-r{}", rules::VERSION)
    })
}
