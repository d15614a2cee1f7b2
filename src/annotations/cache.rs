//! The on-disk annotation cache: one compact binary file,
//! `$XDG_CACHE_HOME/sorot/annotations.bin`.
//!
//! Entries are keyed by a 128-bit [`ContentKey`] of the article's title, body
//! and `lang` field together with the model version and the user-lists
//! version, so a change to any of them misses. The file header also names the
//! model and lists versions; a file written for other versions is discarded
//! whole rather than carried along forever.
//!
//! Format (all integers LEB128 varints unless noted):
//! ```text
//! magic "SOROTAC1" (8 bytes)
//! model version: len, bytes (UTF-8)
//! lists version
//! records, each: payload len, payload, check (u32 LE, hash of payload)
//!   payload: key (16 bytes LE), lang (1 byte), title len, body len,
//!            n title spans, n body spans,
//!            per span: start - previous end, end - start, label (1 byte)
//! ```
//! Spans are stored delta-coded, so a typical span takes three bytes and a
//! 10,000-article library a few megabytes. The per-record check lets a
//! damaged or truncated file keep every record before the damage. The file
//! is always replaced whole (temporary file, fsync, rename), so a crash
//! mid-write leaves the previous file intact.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::article::Article;
use crate::ner::{Label, Lang};

use super::ArticleEntities;

const MAGIC: &[u8; 8] = b"SOROTAC1";
/// The cache file's name inside the cache directory.
pub const FILE_NAME: &str = "annotations.bin";
/// Above this many entries, a save drops the entries this session never used,
/// so opening many different libraries over time cannot grow the file without
/// bound.
pub const MAX_ENTRIES: usize = 200_000;

/// Where the service keeps its cache, and the user-lists version that goes
/// into its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    /// Directory holding [`FILE_NAME`]; `None` keeps the cache in memory only.
    pub dir: Option<PathBuf>,
    /// Version of the user's entity lists (reserved: bump it when those lists
    /// change so annotations made with the old lists are not reused).
    pub lists_version: u64,
}

impl CacheConfig {
    /// `$XDG_CACHE_HOME/sorot/` (the platform cache directory when unset);
    /// memory only when the platform has no cache directory.
    pub fn default_location() -> Self {
        CacheConfig {
            dir: dirs::cache_dir().map(|d| d.join("sorot")),
            lists_version: 0,
        }
    }

    /// A cache in `dir` (tests, benchmarks, `--cache-dir`).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        CacheConfig {
            dir: Some(dir.into()),
            lists_version: 0,
        }
    }

    /// A cache that never touches the disk.
    pub fn in_memory() -> Self {
        CacheConfig {
            dir: None,
            lists_version: 0,
        }
    }
}

/// Identity of an article's content for one model and one set of user lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentKey(pub u128);

impl ContentKey {
    /// The key for `article` annotated by model `model_version` with user
    /// lists at `lists_version`. Every field is length-prefixed so that moving
    /// text between title and body changes the key.
    pub fn of(article: &Article, model_version: &str, lists_version: u64) -> Self {
        let mut h = StableHasher::new();
        h.field(model_version.as_bytes());
        h.field(&lists_version.to_le_bytes());
        h.field(article.title.as_bytes());
        h.field(article.body.as_bytes());
        match &article.lang {
            Some(lang) => {
                h.field(b"\x01");
                h.field(lang.as_bytes());
            }
            None => h.field(b"\x00"),
        }
        ContentKey(h.finish())
    }
}

/// A fast 128-bit hash whose output is fixed by this code, not by the Rust
/// release (std's `DefaultHasher` makes no such promise, and the cache must
/// survive compiler upgrades). Two independent multiply-rotate lanes over
/// 8-byte words, with a splitmix64 finaliser. Not collision resistant
/// against an adversary: the worst a crafted collision can do is show one
/// article's entities on another, and spans are re-validated against the text
/// before use, so it can never make the reader misbehave.
struct StableHasher {
    a: u64,
    b: u64,
    len: u64,
}

const K1: u64 = 0x9E37_79B9_7F4A_7C15;
const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;

impl StableHasher {
    fn new() -> Self {
        StableHasher {
            a: 0x243F_6A88_85A3_08D3,
            b: 0x1319_8A2E_0370_7344,
            len: 0,
        }
    }

    fn word(&mut self, w: u64) {
        self.a = (self.a ^ w).wrapping_mul(K1).rotate_left(29);
        self.b = (self.b ^ w.rotate_left(32))
            .wrapping_mul(K2)
            .rotate_left(31);
    }

    fn field(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(buf));
        }
        self.len = self.len.wrapping_add(bytes.len() as u64);
    }

    fn finish(&self) -> u128 {
        let a = splitmix(self.a ^ self.len);
        let b = splitmix(self.b ^ a.rotate_left(17));
        ((a as u128) << 64) | b as u128
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn check32(bytes: &[u8]) -> u32 {
    let mut h = StableHasher::new();
    h.field(bytes);
    h.finish() as u32
}

#[derive(Debug, Clone)]
struct Entry {
    title_len: u32,
    body_len: u32,
    entities: Arc<ArticleEntities>,
    /// Looked up or inserted this session (kept first when the file is full).
    used: bool,
}

/// The annotation cache: an in-memory map from [`ContentKey`] to entities,
/// loaded from and saved to one file.
#[derive(Debug)]
pub struct AnnotationCache {
    path: Option<PathBuf>,
    model_version: String,
    lists_version: u64,
    entries: HashMap<ContentKey, Entry>,
    dirty: bool,
}

impl AnnotationCache {
    /// An empty cache that saves to `config.dir` (nothing is read yet).
    pub fn new(config: &CacheConfig, model_version: &str) -> Self {
        AnnotationCache {
            path: config.dir.as_ref().map(|d| d.join(FILE_NAME)),
            model_version: model_version.to_owned(),
            lists_version: config.lists_version,
            entries: HashMap::new(),
            dirty: false,
        }
    }

    /// Creates the cache for `config` and reads its file. Problems never fail:
    /// a missing file is an empty cache; a damaged, truncated or foreign file
    /// keeps what can be trusted and returns a warning naming the file, and
    /// the next [`AnnotationCache::save`] replaces it.
    pub fn open(config: &CacheConfig, model_version: &str) -> (Self, Vec<String>) {
        let mut cache = AnnotationCache::new(config, model_version);
        let warnings = cache.load();
        (cache, warnings)
    }

    /// Reads the file into this cache. Entries already in memory win over the
    /// file's (they are newer). Returns warnings as for
    /// [`AnnotationCache::open`].
    pub fn load(&mut self) -> Vec<String> {
        let Some(path) = self.path.clone() else {
            return Vec::new();
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => {
                self.dirty = true;
                return vec![format!(
                    "{}: cannot read annotation cache, ignoring it: {e}",
                    path.display()
                )];
            }
        };
        self.load_bytes(&bytes, &path)
    }

    fn load_bytes(&mut self, bytes: &[u8], path: &Path) -> Vec<String> {
        let decoded = decode(bytes, &self.model_version, self.lists_version);
        let mut warnings = Vec::new();
        match decoded {
            Decoded::Foreign => {
                // Another model or lists version: the whole file is stale, and
                // that is expected after an upgrade, so no warning.
                self.dirty = true;
            }
            Decoded::Records {
                records,
                problem,
                invalid,
            } => {
                for (key, entry) in records {
                    self.entries.entry(key).or_insert(entry);
                }
                if let Some(problem) = problem {
                    self.dirty = true;
                    warnings.push(format!(
                        "{}: annotation cache damaged ({problem}); kept {} entries, the rest will be rebuilt",
                        path.display(),
                        self.entries.len()
                    ));
                }
                if invalid > 0 {
                    self.dirty = true;
                    warnings.push(format!(
                        "{}: dropped {invalid} annotation cache entries with invalid spans",
                        path.display()
                    ));
                }
            }
        }
        warnings
    }

    /// Moves `other`'s entries into this cache; entries already here win
    /// (they are newer). Lets a cache be read off-lock and merged in.
    pub fn absorb(&mut self, other: AnnotationCache) {
        self.dirty |= other.dirty;
        for (key, entry) in other.entries {
            self.entries.entry(key).or_insert(entry);
        }
    }

    /// The file this cache saves to, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The model version this cache's entries were made with.
    pub fn model_version(&self) -> &str {
        &self.model_version
    }

    /// The user-lists version this cache's entries were made with.
    pub fn lists_version(&self) -> u64 {
        self.lists_version
    }

    /// The key of `article` in this cache.
    pub fn key(&self, article: &Article) -> ContentKey {
        ContentKey::of(article, &self.model_version, self.lists_version)
    }

    /// Number of entries in memory.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when memory holds changes the file does not.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// The cached entities for `article` (whose key is `key`), if any and if
    /// they still fit the article's text. An entry that does not fit (a hash
    /// collision, or a damaged file that passed its check) is dropped.
    pub fn get(&mut self, key: ContentKey, article: &Article) -> Option<Arc<ArticleEntities>> {
        let entry = self.entries.get_mut(&key)?;
        if entry.title_len as usize == article.title.len()
            && entry.body_len as usize == article.body.len()
            && entry.entities.is_valid_for(article)
        {
            entry.used = true;
            return Some(Arc::clone(&entry.entities));
        }
        self.entries.remove(&key);
        self.dirty = true;
        None
    }

    /// Stores `entities` for `article` under `key`. Entities that do not fit
    /// the article, or an article too large to describe in the file format,
    /// are not stored.
    pub fn insert(&mut self, key: ContentKey, article: &Article, entities: Arc<ArticleEntities>) {
        let (Ok(title_len), Ok(body_len)) = (
            u32::try_from(article.title.len()),
            u32::try_from(article.body.len()),
        ) else {
            return;
        };
        if !entities.is_valid_for(article) {
            return;
        }
        self.entries.insert(
            key,
            Entry {
                title_len,
                body_len,
                entities,
                used: true,
            },
        );
        self.dirty = true;
    }

    /// Encodes the cache for saving and marks it clean. Cheap enough to call
    /// under a lock (it copies `Arc`s, not spans); the encoding happens in
    /// [`Snapshot::write`]. `None` when nothing changed or there is no file.
    pub fn snapshot(&mut self) -> Option<Snapshot> {
        let path = self.path.clone()?;
        if !self.dirty {
            return None;
        }
        self.dirty = false;
        let over = self.entries.len() > MAX_ENTRIES;
        let entries = self
            .entries
            .iter()
            .filter(|(_, e)| !over || e.used)
            .map(|(k, e)| (*k, e.clone()))
            .collect();
        Some(Snapshot {
            path,
            model_version: self.model_version.clone(),
            lists_version: self.lists_version,
            entries,
        })
    }

    /// Marks the cache as changed again (after a failed save, so the next one
    /// retries).
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Writes the cache file now if anything changed.
    pub fn save(&mut self) -> std::io::Result<()> {
        match self.snapshot() {
            Some(snap) => snap.write().inspect_err(|_| self.dirty = true),
            None => Ok(()),
        }
    }
}

/// A copy of the cache's entries taken by [`AnnotationCache::snapshot`], to be
/// encoded and written without holding the cache's lock.
#[derive(Debug)]
pub struct Snapshot {
    path: PathBuf,
    model_version: String,
    lists_version: u64,
    entries: Vec<(ContentKey, Entry)>,
}

impl Snapshot {
    /// Number of entries that will be written.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the snapshot holds no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replaces the cache file atomically: write a temporary file in the same
    /// directory, fsync it, rename it over the old file, fsync the directory.
    pub fn write(&self) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
        let result = (|| {
            // Streamed rather than encoded into one buffer: a 10,000-article
            // cache is a few MB, and the reader writes it while it holds the
            // whole library, at its memory peak.
            let mut w = std::io::BufWriter::with_capacity(64 * 1024, std::fs::File::create(&tmp)?);
            encode_to(
                &mut w,
                &self.model_version,
                self.lists_version,
                &self.entries,
            )?;
            let f = w
                .into_inner()
                .map_err(std::io::IntoInnerError::into_error)?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, &self.path)?;
            // Makes the rename itself durable; not every platform can open a
            // directory, and the data is safe either way, so errors are moot.
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

fn label_code(label: Label) -> u8 {
    label.index() as u8
}

fn label_from(code: u8) -> Option<Label> {
    Label::ALL.get(code as usize).copied()
}

fn lang_code(lang: Lang) -> u8 {
    match lang {
        Lang::En => 0,
        Lang::Id => 1,
    }
}

fn lang_from(code: u8) -> Option<Lang> {
    match code {
        0 => Some(Lang::En),
        1 => Some(Lang::Id),
        _ => None,
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
fn encode(model_version: &str, lists_version: u64, entries: &[(ContentKey, Entry)]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_to(&mut out, model_version, lists_version, entries).expect("writing to a Vec");
    out
}

/// Writes the cache file: a header, then one length-prefixed, checksummed
/// record per entry.
fn encode_to(
    out: &mut impl Write,
    model_version: &str,
    lists_version: u64,
    entries: &[(ContentKey, Entry)],
) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(64);
    head.extend_from_slice(MAGIC);
    put_varint(&mut head, model_version.len() as u64);
    head.extend_from_slice(model_version.as_bytes());
    put_varint(&mut head, lists_version);
    out.write_all(&head)?;
    let mut len = Vec::with_capacity(10);
    let mut payload = Vec::with_capacity(1024);
    for (key, entry) in entries {
        payload.clear();
        payload.extend_from_slice(&key.0.to_le_bytes());
        payload.push(lang_code(entry.entities.lang));
        put_varint(&mut payload, u64::from(entry.title_len));
        put_varint(&mut payload, u64::from(entry.body_len));
        put_varint(&mut payload, entry.entities.title.len() as u64);
        put_varint(&mut payload, entry.entities.body.len() as u64);
        for spans in [&entry.entities.title, &entry.entities.body] {
            let mut prev_end = 0;
            for s in spans.iter() {
                // Entries are validated on insert, so spans are sorted and
                // disjoint and these subtractions cannot underflow.
                put_varint(&mut payload, (s.start() - prev_end) as u64);
                put_varint(&mut payload, (s.end() - s.start()) as u64);
                payload.push(label_code(s.label));
                prev_end = s.end();
            }
        }
        len.clear();
        put_varint(&mut len, payload.len() as u64);
        out.write_all(&len)?;
        out.write_all(&payload)?;
        out.write_all(&check32(&payload).to_le_bytes())?;
    }
    Ok(())
}

enum Decoded {
    /// Written for another model or lists version.
    Foreign,
    Records {
        records: Vec<(ContentKey, Entry)>,
        /// Why reading stopped early, if it did.
        problem: Option<String>,
        /// Records whose check passed but whose spans made no sense.
        invalid: usize,
    },
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.pos)?;
            self.pos += 1;
            v |= u64::from(b & 0x7F).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

fn decode(bytes: &[u8], model_version: &str, lists_version: u64) -> Decoded {
    let damaged = |problem: &str| Decoded::Records {
        records: Vec::new(),
        problem: Some(problem.to_owned()),
        invalid: 0,
    };
    let mut r = Reader { bytes, pos: 0 };
    if r.take(MAGIC.len()) != Some(MAGIC.as_slice()) {
        return damaged("not a sorot annotation cache");
    }
    let header = (|| {
        let n = usize::try_from(r.varint()?).ok()?;
        let model = r.take(n)?;
        let lists = r.varint()?;
        Some((model, lists))
    })();
    let Some((model, lists)) = header else {
        return damaged("truncated header");
    };
    if model != model_version.as_bytes() || lists != lists_version {
        return Decoded::Foreign;
    }
    let mut records = Vec::new();
    let mut invalid = 0;
    let mut problem = None;
    while !r.at_end() {
        let offset = r.pos;
        let framed = (|| {
            let n = usize::try_from(r.varint()?).ok()?;
            let payload = r.take(n)?;
            let check = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
            Some((payload, check))
        })();
        let Some((payload, check)) = framed else {
            problem = Some(format!("truncated at byte {offset}"));
            break;
        };
        if check32(payload) != check {
            problem = Some(format!("bad checksum in record at byte {offset}"));
            break;
        }
        match decode_record(payload) {
            Some(rec) => records.push(rec),
            None => invalid += 1,
        }
    }
    Decoded::Records {
        records,
        problem,
        invalid,
    }
}

fn decode_record(payload: &[u8]) -> Option<(ContentKey, Entry)> {
    let mut r = Reader {
        bytes: payload,
        pos: 0,
    };
    let key = ContentKey(u128::from_le_bytes(r.take(16)?.try_into().ok()?));
    let lang = lang_from(r.byte()?)?;
    let title_len = u32::try_from(r.varint()?).ok()?;
    let body_len = u32::try_from(r.varint()?).ok()?;
    let n_title = usize::try_from(r.varint()?).ok()?;
    let n_body = usize::try_from(r.varint()?).ok()?;
    // Each span takes at least three bytes, which bounds the allocation by
    // the payload size whatever the counts claim.
    if n_title.checked_add(n_body)?.checked_mul(3)? > payload.len() {
        return None;
    }
    let mut read_spans = |n: usize, len: u32| -> Option<Vec<crate::ner::Span>> {
        let mut spans = Vec::with_capacity(n);
        let mut prev_end: u64 = 0;
        for _ in 0..n {
            let start = prev_end.checked_add(r.varint()?)?;
            let width = r.varint()?;
            let end = start.checked_add(width)?;
            let label = label_from(r.byte()?)?;
            let (start_at, end_at) = (usize::try_from(start).ok()?, usize::try_from(end).ok()?);
            if width == 0 || end > u64::from(len) || !crate::ner::Span::fits(start_at, end_at) {
                return None;
            }
            spans.push(crate::ner::Span::new(start_at, end_at, label));
            prev_end = end;
        }
        Some(spans)
    };
    let title = read_spans(n_title, title_len)?;
    let body = read_spans(n_body, body_len)?;
    if !r.at_end() {
        return None;
    }
    Some((
        key,
        Entry {
            title_len,
            body_len,
            entities: Arc::new(ArticleEntities { lang, title, body }),
            used: false,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::Span;

    fn article(title: &str, body: &str) -> Article {
        Article {
            id: title.into(),
            title: title.into(),
            body: body.into(),
            ..Article::default()
        }
    }

    fn ents(title: &[(usize, usize, Label)], body: &[(usize, usize, Label)]) -> ArticleEntities {
        let conv = |v: &[(usize, usize, Label)]| {
            v.iter()
                .map(|&(start, end, label)| Span::new(start, end, label))
                .collect()
        };
        ArticleEntities {
            lang: Lang::Id,
            title: conv(title),
            body: conv(body),
        }
    }

    fn sample() -> Vec<(Article, ArticleEntities)> {
        vec![
            (
                article("Li Lei di Jakarta", "ByteDance (TikTok) dan PBB."),
                ents(
                    &[(0, 6, Label::Per), (10, 17, Label::Loc)],
                    &[
                        (0, 9, Label::Org),
                        (11, 17, Label::Org),
                        (23, 26, Label::Org),
                    ],
                ),
            ),
            (article("Kosong", "Tidak ada entitas."), ents(&[], &[])),
            (
                article("Café São Paulo", "José Ramos-Horta berbicara."),
                ents(&[(6, 15, Label::Loc)], &[(0, 17, Label::Per)]),
            ),
        ]
    }

    fn filled(config: &CacheConfig, model: &str) -> AnnotationCache {
        let mut cache = AnnotationCache::new(config, model);
        for (a, e) in sample() {
            assert!(e.is_valid_for(&a), "sample spans must be valid");
            let key = cache.key(&a);
            cache.insert(key, &a, Arc::new(e));
        }
        cache
    }

    #[test]
    fn round_trip_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = CacheConfig::at(dir.path());
        filled(&config, "m1").save().unwrap();
        assert!(dir.path().join(FILE_NAME).exists());
        let (mut cache, warnings) = AnnotationCache::open(&config, "m1");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(cache.len(), 3);
        for (a, e) in sample() {
            let key = cache.key(&a);
            assert_eq!(cache.get(key, &a).as_deref(), Some(&e), "{}", a.title);
        }
        // Only one file (plus nothing left behind from the atomic write).
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn content_model_and_lists_changes_miss() {
        let dir = tempfile::tempdir().unwrap();
        let config = CacheConfig::at(dir.path());
        filled(&config, "m1").save().unwrap();
        let (a, _) = sample().remove(0);

        let (mut same, _) = AnnotationCache::open(&config, "m1");
        let key = same.key(&a);
        assert!(same.get(key, &a).is_some());

        let mut edited = a.clone();
        edited.body.push('!');
        let key = same.key(&edited);
        assert!(same.get(key, &edited).is_none(), "edited body must miss");
        let mut relang = a.clone();
        relang.lang = Some("en".into());
        let key = same.key(&relang);
        assert!(same.get(key, &relang).is_none(), "new lang field must miss");
        // Moving text from title to body changes the key.
        let moved = article("Li Lei di", " JakartaByteDance (TikTok) dan PBB.");
        assert_ne!(same.key(&moved), same.key(&a));

        let (mut other_model, warnings) = AnnotationCache::open(&config, "m2");
        assert!(warnings.is_empty());
        assert!(other_model.is_empty(), "another model's file is discarded");
        let key = other_model.key(&a);
        assert!(other_model.get(key, &a).is_none());
        assert!(other_model.is_dirty(), "the stale file gets replaced");

        let lists = CacheConfig {
            lists_version: 7,
            ..config.clone()
        };
        let (other_lists, _) = AnnotationCache::open(&lists, "m1");
        assert!(other_lists.is_empty());
        assert_ne!(
            ContentKey::of(&a, "m1", 0),
            ContentKey::of(&a, "m1", 7),
            "lists version is part of the key"
        );
        assert_ne!(ContentKey::of(&a, "m1", 0), ContentKey::of(&a, "m2", 0));
    }

    #[test]
    fn corrupt_and_truncated_files_are_ignored_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let config = CacheConfig::at(dir.path());
        filled(&config, "m1").save().unwrap();
        let path = dir.path().join(FILE_NAME);
        let good = std::fs::read(&path).unwrap();

        // Truncated in the last record: the earlier records survive.
        std::fs::write(&path, &good[..good.len() - 3]).unwrap();
        let (cache, warnings) = AnnotationCache::open(&config, "m1");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains(FILE_NAME) && warnings[0].contains("truncated"));
        assert_eq!(cache.len(), 2);

        // Every possible truncation and a flipped bit anywhere: never a
        // panic, never a record that is not one of the originals.
        let originals: Vec<ArticleEntities> = sample().into_iter().map(|(_, e)| e).collect();
        for cut in 0..good.len() {
            let (cache, _) = AnnotationCache::open_bytes(&config, "m1", &good[..cut]);
            assert!(cache.len() <= 3);
        }
        for i in 0..good.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = good.clone();
                bad[i] ^= bit;
                let (cache, _) = AnnotationCache::open_bytes(&config, "m1", &bad);
                for e in cache.entries.values() {
                    assert!(originals.contains(&e.entities), "byte {i} bit {bit:#x}");
                }
            }
        }

        // Garbage: ignored, warned about, replaced on save.
        std::fs::write(&path, b"\x00\xffnot a cache at all").unwrap();
        let (mut cache, warnings) = AnnotationCache::open(&config, "m1");
        assert!(cache.is_empty());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("not a sorot annotation cache"));
        let (a, e) = sample().remove(0);
        let key = cache.key(&a);
        cache.insert(key, &a, Arc::new(e));
        cache.save().unwrap();
        let (reopened, warnings) = AnnotationCache::open(&config, "m1");
        assert!(warnings.is_empty());
        assert_eq!(reopened.len(), 1);
    }

    #[test]
    fn entries_that_do_not_fit_the_article_are_dropped() {
        let config = CacheConfig::in_memory();
        let mut cache = AnnotationCache::new(&config, "m1");
        let a = article("Café", "Jakarta");
        let key = cache.key(&a);
        // Off a char boundary: refused on insert.
        cache.insert(key, &a, Arc::new(ents(&[(0, 4, Label::Loc)], &[])));
        assert!(cache.is_empty());
        // Valid for a different text of the same key (as after a collision or
        // a damaged file): dropped on lookup.
        let other = article("Cafe", "Jakarta");
        cache.insert(key, &other, Arc::new(ents(&[(0, 4, Label::Loc)], &[])));
        assert_eq!(cache.len(), 1);
        assert!(cache.get(key, &a).is_none());
        assert!(cache.is_empty());
    }

    #[test]
    fn records_with_bad_spans_are_dropped_on_load() {
        let config = CacheConfig::in_memory();
        // A record whose check passes but whose span runs past the text.
        let entry = Entry {
            title_len: 3,
            body_len: 0,
            entities: Arc::new(ents(&[(0, 9, Label::Per)], &[])),
            used: true,
        };
        let bytes = encode("m1", 0, &[(ContentKey(1), entry)]);
        let (cache, warnings) = AnnotationCache::open_bytes(&config, "m1", &bytes);
        assert!(cache.is_empty());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("invalid spans"), "{warnings:?}");
    }

    #[test]
    fn ten_thousand_articles_load_well_under_a_second() {
        let dir = tempfile::tempdir().unwrap();
        let config = CacheConfig::at(dir.path());
        let word = "Jakarta ";
        let articles: Vec<Article> = (0..10_000)
            .map(|i| article(&format!("Berita {i}"), &word.repeat(600)))
            .collect();
        let spans: Vec<(usize, usize, Label)> =
            (0..60).map(|j| (j * 80, j * 80 + 7, Label::Loc)).collect();
        let mut cache = AnnotationCache::new(&config, "m1");
        for a in &articles {
            let key = cache.key(a);
            cache.insert(key, a, Arc::new(ents(&[(0, 6, Label::Per)], &spans)));
        }
        cache.save().unwrap();
        let t = std::time::Instant::now();
        let (mut loaded, warnings) = AnnotationCache::open(&config, "m1");
        let hits = articles
            .iter()
            .filter(|a| {
                let key = loaded.key(a);
                loaded.get(key, a).is_some()
            })
            .count();
        let elapsed = t.elapsed();
        assert!(warnings.is_empty());
        assert_eq!(hits, 10_000);
        // About 30 ms on an idle core; the bound leaves room for a busy CI.
        assert!(
            elapsed < std::time::Duration::from_millis(700),
            "{elapsed:?}"
        );
        let size = std::fs::metadata(dir.path().join(FILE_NAME)).unwrap().len();
        assert!(size < 3_000_000, "compact: {size} bytes for 610,000 spans");
    }

    #[test]
    fn hash_is_stable() {
        // Pinned: a change here silently invalidates every user's cache.
        let a = article("Li Lei", "Jakarta");
        assert_eq!(
            format!("{:032x}", ContentKey::of(&a, "m1", 0).0),
            PINNED_KEY
        );
    }

    const PINNED_KEY: &str = "adf585ec19bfb4422e654b8fc5545503";

    impl AnnotationCache {
        /// Decodes `bytes` as if read from the file (tests only).
        fn open_bytes(config: &CacheConfig, model: &str, bytes: &[u8]) -> (Self, Vec<String>) {
            let mut cache = AnnotationCache::new(config, model);
            let warnings = cache.load_bytes(bytes, Path::new(FILE_NAME));
            (cache, warnings)
        }
    }
}
