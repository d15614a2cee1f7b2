//! Downloading feeds for offline reading (`sorot fetch`).
//!
//! Owns: HTTP (through `ureq`: rustls, timeouts, a redirect limit, a body
//! size limit), the conditional-request state in `DIR/.sorot-fetch.json`,
//! and writing one `.json` article per new item. Reading never needs any of
//! this: what lands in DIR is ordinary article files.
//!
//! An item's file name is a hash of the feed URL (as the user gave it) and
//! the item's id, so a re-fetch finds it already there and a second copy is
//! never written. All writes go through a hidden temporary file and a
//! rename, so the reader (which skips hidden files) never sees half a file.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::article::feed::parse_feed_items;

/// Name of the conditional-request state file inside the target directory.
pub const STATE_FILE: &str = ".sorot-fetch.json";

/// Limits for one fetch run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Bound on each feed's whole exchange: connecting, redirects, headers
    /// and body.
    pub timeout: Duration,
    /// Largest response body accepted, in bytes.
    pub max_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(15),
            max_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

/// What happened to one feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The feed was downloaded: `new` items written, `known` already there.
    Fetched { new: usize, known: usize },
    /// The server answered 304 to our conditional request.
    NotModified,
    /// Nothing was stored; the reason is phrased for the user.
    Failed(String),
}

/// One line of the fetch report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedReport {
    pub url: String,
    pub outcome: Outcome,
}

impl fmt::Display for FeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = crate::text::sanitize(&self.url);
        match &self.outcome {
            Outcome::Fetched { new, known } => write!(f, "{url}: {new} new, {known} known"),
            Outcome::NotModified => write!(f, "{url}: not modified"),
            Outcome::Failed(reason) => write!(f, "{url}: error: {reason}"),
        }
    }
}

/// Validators remembered per feed URL for conditional requests.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FeedState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StateFile {
    #[serde(default)]
    feeds: BTreeMap<String, FeedState>,
}

/// The result of a run: one report per URL, in order, plus warnings that
/// did not stop it (e.g. an unreadable state file that was set aside).
#[derive(Debug, Default)]
pub struct FetchRun {
    pub reports: Vec<FeedReport>,
    pub warnings: Vec<String>,
}

impl FetchRun {
    /// True when there was at least one feed and every one of them failed.
    pub fn all_failed(&self) -> bool {
        !self.reports.is_empty()
            && self
                .reports
                .iter()
                .all(|r| matches!(r.outcome, Outcome::Failed(_)))
    }
}

/// Fetches every feed in `urls` into `dir` (created when missing), calling
/// `progress` with each feed's report as soon as it is known. Fails only
/// when `dir` cannot be used at all; a feed's failure is its report.
pub fn fetch_all(
    urls: &[String],
    dir: &Path,
    opts: &FetchOptions,
    progress: &mut dyn FnMut(&FeedReport),
) -> Result<FetchRun, String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let mut run = FetchRun::default();
    let state_path = dir.join(STATE_FILE);
    let mut state = load_state(&state_path, &mut run.warnings);
    let agent = agent(opts);
    for url in urls {
        let outcome = fetch_one(&agent, url, dir, opts, &mut state);
        let report = FeedReport {
            url: url.clone(),
            outcome,
        };
        // Saved after every feed, so validators for feeds already written
        // survive an interrupted run.
        if !matches!(report.outcome, Outcome::Failed(_))
            && let Err(e) = save_state(&state_path, &state)
        {
            run.warnings.push(e);
        }
        progress(&report);
        run.reports.push(report);
    }
    Ok(run)
}

fn agent(opts: &FetchOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .max_redirects(opts.max_redirects)
        .max_redirects_will_error(true)
        // Statuses are outcomes to report (304, 404), not transport errors.
        .http_status_as_error(false)
        .user_agent(concat!("sorot/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn fetch_one(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    opts: &FetchOptions,
    state: &mut StateFile,
) -> Outcome {
    let known_state = state.feeds.get(url).cloned().unwrap_or_default();
    let mut req = agent.get(url);
    if let Some(etag) = &known_state.etag {
        req = req.header("If-None-Match", etag);
    }
    if let Some(lm) = &known_state.last_modified {
        req = req.header("If-Modified-Since", lm);
    }
    let mut resp = match req.call() {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(describe(&e, opts)),
    };
    let status = resp.status();
    if status.as_u16() == 304 {
        return Outcome::NotModified;
    }
    if !status.is_success() {
        return Outcome::Failed(format!(
            "HTTP {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        ));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let fresh_state = FeedState {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    let bytes = match resp
        .body_mut()
        .with_config()
        .limit(opts.max_bytes)
        .read_to_vec()
    {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(describe(&e, opts)),
    };
    let parsed = match parse_feed_items(Path::new(url), &bytes) {
        Ok(p) => p,
        Err(e) => return Outcome::Failed(format!("invalid feed: {e}")),
    };
    let (mut new, mut known) = (0, 0);
    for item in &parsed.items {
        let key = if item.item_id.is_empty() {
            &item.article.id
        } else {
            &item.item_id
        };
        let path = dir.join(file_name(url, key));
        if path.exists() {
            known += 1;
            continue;
        }
        if let Err(e) = write_atomic(&path, &article_json(&item.article)) {
            return Outcome::Failed(e);
        }
        new += 1;
    }
    // Only now that every item is on disk may a later run skip this
    // version of the feed.
    state.feeds.insert(url.to_owned(), fresh_state);
    Outcome::Fetched { new, known }
}

fn describe(e: &ureq::Error, opts: &FetchOptions) -> String {
    match e {
        ureq::Error::Timeout(_) => format!("timed out after {} s", opts.timeout.as_secs_f32()),
        ureq::Error::TooManyRedirects => {
            format!("more than {} redirects", opts.max_redirects)
        }
        ureq::Error::BodyExceedsLimit(limit) => {
            format!("response larger than the {limit}-byte limit")
        }
        other => other.to_string(),
    }
}

/// `<16 hex digits>.json`: FNV-1a 64 of the feed URL, a newline, the item id.
pub fn file_name(feed_url: &str, item_id: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in feed_url.bytes().chain(*b"\n").chain(item_id.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}.json")
}

/// The article in the JSON loader's field names, body as paragraphs.
fn article_json(a: &Article) -> Vec<u8> {
    let mut obj = serde_json::Map::new();
    obj.insert("title".into(), a.title.clone().into());
    let paras: Vec<serde_json::Value> = a.paragraphs().map(|(_, p)| p.into()).collect();
    obj.insert("body".into(), paras.into());
    if !a.links.is_empty() {
        obj.insert("links".into(), a.links.clone().into());
    }
    for (key, value) in [
        ("author", &a.author),
        ("published", &a.published),
        ("source", &a.source),
        ("url", &a.url),
        ("lang", &a.lang),
    ] {
        if let Some(v) = value {
            obj.insert(key.into(), v.clone().into());
        }
    }
    let mut out = serde_json::to_vec_pretty(&serde_json::Value::Object(obj))
        .expect("a JSON map of strings always serialises");
    out.push(b'\n');
    out
}

fn load_state(path: &Path, warnings: &mut Vec<String>) -> StateFile {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return StateFile::default(),
        Err(e) => {
            warnings.push(format!("{}: {e}; fetching without it", path.display()));
            return StateFile::default();
        }
    };
    match serde_json::from_str(&text) {
        Ok(s) => s,
        Err(e) => {
            // Losing the validators only costs full downloads, so a corrupt
            // file is set aside, not fatal.
            let aside = path.with_extension("json.corrupt");
            let moved = fs::rename(path, &aside).is_ok();
            warnings.push(format!(
                "{}: unreadable ({e}){}; fetching without it",
                path.display(),
                if moved {
                    format!(", moved to {}", aside.display())
                } else {
                    String::new()
                }
            ));
            StateFile::default()
        }
    }
}

fn save_state(path: &Path, state: &StateFile) -> Result<(), String> {
    let mut bytes = serde_json::to_vec_pretty(state).expect("state always serialises");
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

/// Writes `bytes` to a hidden temporary file beside `path`, flushes it to
/// disk, then renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.trim_start_matches('.');
    let tmp: PathBuf = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("{}: cannot write: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_stable_and_distinct() {
        let a = file_name("https://x.example/feed", "item-1");
        assert_eq!(a, file_name("https://x.example/feed", "item-1"));
        assert_ne!(a, file_name("https://x.example/feed", "item-2"));
        assert_ne!(a, file_name("https://y.example/feed", "item-1"));
        assert!(a.ends_with(".json") && a.len() == 21, "{a}");
    }

    #[test]
    fn report_lines() {
        let r = |outcome| FeedReport {
            url: "http://h/f\u{1b}[2J".into(),
            outcome,
        };
        assert_eq!(
            r(Outcome::Fetched { new: 3, known: 7 }).to_string(),
            "http://h/f: 3 new, 7 known"
        );
        assert_eq!(
            r(Outcome::NotModified).to_string(),
            "http://h/f: not modified"
        );
        assert_eq!(
            r(Outcome::Failed("HTTP 404 Not Found".into())).to_string(),
            "http://h/f: error: HTTP 404 Not Found"
        );
    }
}
