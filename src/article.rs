//! Finding, reading, parsing and normalising article files.
//!
//! Owns: the [`Article`] model, the loaders for each format, and the
//! [`Problem`]s that bad files produce. Every string that leaves this module
//! has been through [`crate::text::sanitize`], so nothing downstream (UI, NER,
//! output) ever sees terminal control characters. Must not: draw, or run NER.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

mod bundled;
mod date;
pub mod decode;
pub mod feed;
pub mod html;
mod json;
pub mod links;
mod markdown;
mod txt;
mod walk;

pub use bundled::bundled;

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
    /// URLs of the body's links (http, https and mailto only), in order:
    /// link `N` (1-based) is marked `[N]` after its text in [`Article::body`].
    pub links: Vec<String>,
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

impl Article {
    /// The stable identity of an article, the key its read and starred state
    /// is stored under:
    ///
    /// - its `url`, when it has one (trimmed, otherwise as given): the same
    ///   story saved twice, or re-saved with edits, is the same article;
    /// - otherwise 16 lowercase hex digits: the 64-bit FNV-1a hash of the
    ///   normalised title, a `\n`, and the normalised body.
    ///
    /// Both inputs are taken after loading (decoding, sanitising, whitespace
    /// and paragraph normalisation), so moving, renaming or re-saving a file
    /// with other line endings, encoding or wrapping keeps its state, while a
    /// change of wording makes it a new article. The path plays no part.
    pub fn identity(url: Option<&str>, title: &str, body: &str) -> String {
        if let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) {
            return url.to_owned();
        }
        let mut h = Fnv1a::new();
        h.write(title.as_bytes());
        h.write(b"\n");
        h.write(body.as_bytes());
        format!("{:016x}", h.finish())
    }

    /// Seconds since the Unix epoch (UTC) of [`Article::published`], for
    /// sorting by date: dates with a time zone compare correctly, a bare date
    /// counts as its midnight UTC.
    pub fn published_timestamp(&self) -> Option<i64> {
        self.published.as_deref().and_then(date::timestamp)
    }
}

/// 64-bit FNV-1a: tiny, stable across Rust versions and platforms (unlike
/// `std`'s `DefaultHasher`), which is what a persisted key needs.
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A file (or a line of one) that could not be loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// Precise reason, e.g. "line 3, column 14: expected `,` or `}`".
    pub reason: String,
}

impl Problem {
    /// A problem with `path`; the reason is sanitised, since it may quote the file.
    pub fn new(path: impl Into<PathBuf>, reason: impl AsRef<str>) -> Self {
        Problem {
            path: path.into(),
            reason: crate::text::sanitize(reason.as_ref()),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            crate::text::display_path(&self.path),
            self.reason
        )
    }
}

/// What loading reports, in order, as it goes.
// Articles are the common case and each event is moved once; boxing them
// would cost an allocation per article and change a type others use.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadEvent {
    /// A loaded article.
    Article(Article),
    /// A file (or line) that could not be loaded.
    Problem(Problem),
}

/// Article file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text: first non-empty line is the title, each line a paragraph.
    Txt,
    /// Markdown, with optional front matter.
    Markdown,
    /// One JSON article object, or an array of them.
    Json,
    /// One JSON article object per line.
    JsonLines,
}

impl Format {
    /// The format an extension promises (case-insensitive), if it is one we know.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" | "text" => Format::Txt,
            "md" | "markdown" | "mdown" | "mkd" => Format::Markdown,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::JsonLines,
            _ => return None,
        })
    }

    /// Guesses the format of text whose extension says nothing: JSON when it
    /// starts with `{` or `[` (JSON lines when a second line starts with `{`
    /// too), Markdown when it starts with front matter or a `#` heading, else
    /// plain text.
    pub fn sniff(text: &str) -> Format {
        let t = text.trim_start();
        if t.starts_with('[') {
            return Format::Json;
        }
        if t.starts_with('{') {
            let mut lines = t.lines().filter(|l| !l.trim().is_empty());
            let first = lines.next().unwrap_or_default().trim_end();
            let second = lines.next().map(str::trim_start);
            if first.ends_with('}') && second.is_some_and(|l| l.starts_with('{')) {
                return Format::JsonLines;
            }
            return Format::Json;
        }
        if t.starts_with("---\n") || t.starts_with("# ") || t.starts_with("## ") {
            return Format::Markdown;
        }
        Format::Txt
    }
}

/// An article as a format loader found it, before normalisation.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
    /// Raw paragraphs; whitespace is collapsed and empty ones dropped later.
    pub paragraphs: Vec<String>,
    /// Link URLs, already numbered `[N]` in the paragraphs (see [`links`]).
    pub links: Vec<String>,
    pub notes: Vec<String>,
}

/// Where an article sits in its file, for its fallback title.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place {
    Whole,
    Item(usize),
    Line(usize),
}

impl Draft {
    /// Normalises and sanitises every field and derives the identity.
    pub(crate) fn finish(self, path: &Path, place: Place, file_notes: &[String]) -> Article {
        use crate::text::{collapse_whitespace, sanitize_cow};
        let field = |v: Option<String>| {
            v.map(|s| collapse_whitespace(&sanitize_cow(&s)))
                .filter(|s| !s.is_empty())
        };
        let mut notes: Vec<String> = file_notes.to_vec();
        notes.extend(self.notes);
        let title = match field(self.title) {
            Some(t) => t,
            None => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.to_string_lossy().into_owned());
                let name = collapse_whitespace(&sanitize_cow(&name));
                notes.push("no title; using the file name".to_owned());
                match place {
                    Place::Whole => name,
                    Place::Item(i) => format!("{name} (item {i})"),
                    Place::Line(n) => format!("{name} (line {n})"),
                }
            }
        };
        // Paragraph text plus the blank line between paragraphs: an exact
        // reservation, since the whole library's bodies are held at once and
        // a doubling growth would waste up to half of that memory.
        let mut body =
            String::with_capacity(self.paragraphs.iter().map(|p| p.len() + 2).sum::<usize>());
        for p in &self.paragraphs {
            let clean = sanitize_cow(p);
            let before = body.len();
            if before > 0 {
                body.push_str("\n\n");
            }
            let start = body.len();
            crate::text::collapse_whitespace_into(&clean, &mut body);
            if body.len() == start {
                body.truncate(before);
            }
        }
        let published = match field(self.published) {
            Some(d) if date::is_valid(&d) => Some(d),
            Some(d) => {
                notes.push(format!(
                    "date {d:?} is neither RFC 3339 nor YYYY-MM-DD; dropped"
                ));
                None
            }
            None => None,
        };
        let url = field(self.url);
        let lang = field(self.lang).map(|l| l.to_ascii_lowercase());
        // Collapsing whitespace can only shrink; give the slack back.
        body.shrink_to_fit();
        let id = Article::identity(url.as_deref(), &title, &body);
        Article {
            id,
            path: path.to_path_buf(),
            title,
            author: field(self.author),
            published,
            source: field(self.source),
            url,
            lang,
            body,
            links: self.links,
            notes: notes
                .into_iter()
                .map(|n| crate::text::sanitize(&n))
                .collect(),
        }
    }
}

/// Parses one file's contents (`path` decides the format by extension, and
/// is what articles and problems name). Decoding, format detection,
/// normalisation and sanitising all happen here; it never panics on any
/// input, and every failure is a [`Problem`].
pub fn parse_bytes(path: &Path, bytes: Vec<u8>) -> Vec<LoadEvent> {
    // Feeds and HTML pages (see `feed::load`) decode their own bytes.
    if let Some(events) = feed::load(path, &bytes) {
        return events;
    }
    let mut out = Vec::new();
    let decoded = decode::decode(bytes);
    let text = decoded.text;
    if text.trim().is_empty() {
        out.push(LoadEvent::Problem(Problem::new(path, "empty file")));
        return out;
    }
    if decode::looks_binary(&text) {
        out.push(LoadEvent::Problem(Problem::new(
            path,
            "binary data (NUL bytes or mostly undecodable), not an article",
        )));
        return out;
    }
    let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
    let notes = decoded.notes;
    match format {
        Format::Txt => {
            let d = txt::parse(&text);
            out.push(LoadEvent::Article(d.finish(path, Place::Whole, &notes)));
        }
        Format::Markdown => {
            let d = markdown::parse(&text);
            out.push(LoadEvent::Article(d.finish(path, Place::Whole, &notes)));
        }
        Format::Json => json::parse_json(path, &text, &notes, &mut out),
        Format::JsonLines => json::parse_lines(path, &text, &notes, &mut out),
    }
    out
}

/// Loads every article under `paths`, reporting each article and problem to
/// `sink` as soon as it is known, so a caller on another thread can show the
/// first articles while the rest load.
///
/// Files and directories are walked recursively in a deterministic order
/// (arguments as given; directory entries sorted by name), and events come
/// out in that order even though files are read and parsed on several
/// threads. See [`load_paths_with`] for the walking rules.
pub fn load_paths(paths: &[PathBuf], opts: &LoadOptions, sink: &mut dyn FnMut(LoadEvent)) {
    load_paths_with(paths, opts, &mut |ev| {
        sink(ev);
        ControlFlow::Continue(())
    });
}

/// [`load_paths`] with a sink that can stop loading early (e.g. a closed
/// pipe, or the reader quitting): after `Break` no more events arrive and
/// the worker threads wind down.
///
/// Walking rules: hidden entries (names starting with `.`) inside
/// directories are skipped, though a hidden path given explicitly is
/// loaded; symbolic links are followed, but a directory is entered only
/// once (by its canonical path), and a link back to an enclosing directory
/// is reported as a loop; the same file reached twice (through a link) is
/// loaded once. Nothing that is not a regular file is ever opened (its
/// metadata is checked first), and files above `opts.max_size` are skipped
/// with a reason.
pub fn load_paths_with(
    paths: &[PathBuf],
    opts: &LoadOptions,
    sink: &mut dyn FnMut(LoadEvent) -> ControlFlow<()>,
) {
    let stop = AtomicBool::new(false);
    let workers = std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(1)
        .clamp(1, 8);
    let max_size = opts.max_size;
    let (job_tx, job_rx) = mpsc::channel::<(usize, PathBuf, Option<u64>)>();
    let (res_tx, res_rx) = mpsc::channel::<(usize, Loaded)>();
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|s| {
        let stop = &stop;
        {
            let res_tx = res_tx.clone();
            s.spawn(move || {
                let mut idx = 0usize;
                walk::walk(paths, max_size, stop, &mut |item| {
                    let sent = match item {
                        walk::Item::File { path, size } => job_tx.send((idx, path, size)).is_ok(),
                        walk::Item::Problem(p) => res_tx.send((idx, Loaded::problem(p))).is_ok(),
                    };
                    idx += 1;
                    sent
                });
            });
        }
        for _ in 0..workers {
            let res_tx = res_tx.clone();
            let job_rx = &job_rx;
            s.spawn(move || {
                loop {
                    let job = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((idx, path, size)) = job else { break };
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let loaded = load_file(&path, size, max_size);
                    if res_tx.send((idx, loaded)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(res_tx);
        let mut next = 0usize;
        let mut waiting: HashMap<usize, Loaded> = HashMap::new();
        let mut seen_files: HashSet<(u64, u64)> = HashSet::new();
        'recv: for (idx, loaded) in res_rx.iter() {
            waiting.insert(idx, loaded);
            while let Some(loaded) = waiting.remove(&next) {
                next += 1;
                if let Some(fid) = loaded.file_id
                    && !seen_files.insert(fid)
                {
                    continue;
                }
                for ev in loaded.events {
                    if sink(ev).is_break() {
                        stop.store(true, Ordering::Relaxed);
                        break 'recv;
                    }
                }
            }
        }
    });
}

/// Loads everything under `paths` and returns the articles and problems,
/// each in walk order.
pub fn load_all(paths: &[PathBuf], opts: &LoadOptions) -> (Vec<Article>, Vec<Problem>) {
    let mut articles = Vec::new();
    let mut problems = Vec::new();
    load_paths(paths, opts, &mut |ev| match ev {
        LoadEvent::Article(a) => articles.push(a),
        LoadEvent::Problem(p) => problems.push(p),
    });
    (articles, problems)
}

/// One file's results, plus its (device, inode) to drop repeats.
struct Loaded {
    events: Vec<LoadEvent>,
    file_id: Option<(u64, u64)>,
}

impl Loaded {
    fn problem(p: Problem) -> Self {
        Loaded {
            events: vec![LoadEvent::Problem(p)],
            file_id: None,
        }
    }
}

fn load_file(path: &Path, size: Option<u64>, max_size: u64) -> Loaded {
    match walk::read_regular_file(path, size, max_size) {
        Ok((bytes, file_id)) => {
            let parsed =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_bytes(path, bytes)));
            let events = parsed.unwrap_or_else(|_| {
                vec![LoadEvent::Problem(Problem::new(
                    path,
                    "internal error while parsing this file (a bug in sorot; please report it)",
                ))]
            });
            Loaded { events, file_id }
        }
        Err(reason) => Loaded::problem(Problem::new(path, reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(name: &str, bytes: &[u8]) -> (Vec<Article>, Vec<Problem>) {
        let mut a = Vec::new();
        let mut p = Vec::new();
        for ev in parse_bytes(Path::new(name), bytes.to_vec()) {
            match ev {
                LoadEvent::Article(x) => a.push(x),
                LoadEvent::Problem(x) => p.push(x),
            }
        }
        (a, p)
    }

    #[test]
    fn identity_prefers_url_else_hashes_title_and_body() {
        assert_eq!(
            Article::identity(Some(" https://e.org/a "), "T", "B"),
            "https://e.org/a"
        );
        let h = Article::identity(None, "Title", "Body");
        assert_eq!(h.len(), 16);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
        // FNV-1a of "Title\nBody", fixed forever: stored state depends on it.
        assert_eq!(
            h,
            format!("{:016x}", {
                let mut x: u64 = 0xcbf2_9ce4_8422_2325;
                for b in b"Title\nBody" {
                    x ^= u64::from(*b);
                    x = x.wrapping_mul(0x0000_0100_0000_01b3);
                }
                x
            })
        );
        assert_ne!(h, Article::identity(None, "Title", "Body!"));
        assert_ne!(
            Article::identity(None, "a", "b\n\nc"),
            Article::identity(None, "a\nb", "c")
        );
        assert_eq!(Article::identity(Some("  "), "Title", "Body"), h);
    }

    #[test]
    fn identity_survives_moves_and_resaves() {
        let (a, _) = events("one/x.txt", b"Judul\nSatu.\nDua.");
        let (b, _) = events(
            "two/renamed.txt",
            b"\xEF\xBB\xBFJudul\r\n\r\nSatu.  \r\n\r\nDua.\r\n",
        );
        let (c, _) = events(
            "j.json",
            br#"{"title": "Judul", "body": ["Satu.", "Dua."]}"#,
        );
        assert_eq!(a[0].id, b[0].id);
        assert_eq!(a[0].id, c[0].id);
    }

    #[test]
    fn unknown_extensions_are_sniffed() {
        let (a, p) = events("noext", br#"{"title": "J", "body": "x"}"#);
        assert!(p.is_empty() && a[0].title == "J");
        let (a, _) = events("feed.log", b"{\"title\": \"A\"}\n{\"title\": \"B\"}\n");
        assert_eq!(a.len(), 2);
        let (a, _) = events("note.markdown2", b"# Heading **bold**\n\ntext");
        assert_eq!(a[0].title, "Heading bold");
        let (a, _) = events("README", b"Plain title\nplain body");
        assert_eq!(a[0].title, "Plain title");
        let (_, p) = events("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
        assert!(p[0].reason.contains("binary"), "{p:?}");
        assert_eq!(
            Format::from_path(Path::new("A.JSONL")),
            Some(Format::JsonLines)
        );
    }

    #[test]
    fn json_with_bom_or_utf16() {
        let (a, p) = events("b.json", b"\xEF\xBB\xBF{\"title\": \"Bom\"}");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(a[0].title, "Bom");
        let mut be = vec![0xFE, 0xFF];
        be.extend(
            "{\"title\": \"Enam belas\"}"
                .encode_utf16()
                .flat_map(u16::to_be_bytes),
        );
        let (a, _) = events("u.json", &be);
        assert_eq!(a[0].title, "Enam belas");
    }

    #[test]
    fn escape_sequences_in_markdown_front_matter_and_body() {
        let (a, _) = events(
            "e.md",
            b"---\ntitle: T\x1b]2;x\x07\nauthor: A\x1b[1m\nsource: S\xc2\x9d0;y\xc2\x9c\nlang: en\xe2\x80\xae\n---\nBody \x1b[2Jtext \x1bc\n",
        );
        let a = &a[0];
        assert_eq!(a.title, "T");
        assert_eq!(a.author.as_deref(), Some("A"));
        assert_eq!(a.source.as_deref(), Some("S"));
        assert_eq!(a.lang.as_deref(), Some("en"));
        assert_eq!(a.body, "Body text");
    }

    #[test]
    fn published_timestamps_order_across_zones() {
        let mk = |d: &str| Article {
            published: Some(d.to_owned()),
            ..Article::default()
        };
        assert!(
            mk("2024-03-01T06:00:00+07:00").published_timestamp()
                < mk("2024-03-01T00:00:00Z").published_timestamp()
        );
        assert_eq!(Article::default().published_timestamp(), None);
    }

    #[test]
    fn load_all_reports_in_order() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("a.txt"), "A\nx").unwrap();
        std::fs::write(t.path().join("b.json"), "{").unwrap();
        std::fs::write(t.path().join("c.txt"), "C\nx").unwrap();
        let (arts, probs) = load_all(&[t.path().to_path_buf()], &LoadOptions::default());
        assert_eq!(
            arts.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(),
            ["A", "C"]
        );
        assert_eq!(probs.len(), 1);
        assert!(
            probs[0].reason.starts_with("line 1, column 1: EOF"),
            "{probs:?}"
        );
    }

    #[test]
    fn random_markup_soup_never_panics_and_stays_clean() {
        const TOKENS: &[&str] = &[
            "[",
            "]",
            "(",
            ")",
            "`",
            "```",
            "*",
            "_",
            "~~",
            "<",
            ">",
            "&#",
            "&amp;",
            ";",
            "!",
            "\x1b",
            "\x1b[",
            "\x1b]",
            "\x07",
            "\n",
            "\n\n",
            "# ",
            "---\n",
            "{",
            "}",
            "\"",
            ":",
            ",",
            "[1,",
            "é",
            "中",
            "\u{9b}",
            "\u{202e}",
            " ",
            "word",
            "\r",
            "> ",
            "- ",
            "1. ",
            "|",
            "\\",
            "\t",
            "title",
            "body",
            "\"title\": ",
            "\u{feff}",
            "<!--",
            "-->",
            "http://x",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut articles = 0;
        for round in 0..20_000 {
            let mut text = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 60) as usize;
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push_str(TOKENS[(x % TOKENS.len() as u64) as usize]);
            }
            let name = ["a.txt", "a.md", "a.json", "a.jsonl", "noext"][round % 5];
            for ev in parse_bytes(Path::new(name), text.clone().into_bytes()) {
                if let LoadEvent::Article(a) = ev {
                    articles += 1;
                    let fields = [
                        Some(&a.title),
                        a.author.as_ref(),
                        a.published.as_ref(),
                        a.source.as_ref(),
                        a.url.as_ref(),
                        a.lang.as_ref(),
                        Some(&a.body),
                    ];
                    for f in fields.into_iter().flatten().chain(&a.notes) {
                        assert!(
                            !f.chars().any(|c| crate::text::is_forbidden(c) || c == '\t'),
                            "{name} {text:?} -> {f:?}"
                        );
                    }
                    assert!(!a.title.is_empty() && !a.title.contains('\n'), "{text:?}");
                    assert!(
                        !a.body.starts_with('\n') && !a.body.ends_with('\n'),
                        "{text:?}"
                    );
                    for p in a.body.split("\n\n").filter(|_| !a.body.is_empty()) {
                        assert!(
                            !p.is_empty() && !p.contains('\n'),
                            "{text:?} -> {:?}",
                            a.body
                        );
                    }
                }
            }
        }
        assert!(articles > 5_000, "the soup should mostly load: {articles}");
    }
}
