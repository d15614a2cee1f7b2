//! Leaving the reader for the outside world: opening URLs, copying them,
//! exporting the open article and fetching feeds.
//!
//! [`App::update`] stays free of I/O: the actions here only record a
//! [`Request`] (and open or move the link list); the run loop takes the
//! requests with [`App::take_requests`] and carries them out with
//! [`perform`], reporting back through [`Action::Notice`] and
//! [`Action::FetchedArticles`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::Sender;

use ratatui::crossterm::event::KeyCode;

use super::App;
use super::action::{Action, LoadedArticle};
use super::keymap::{Context, Key};
use super::state::Focus;
use crate::article::Article;

/// Environment variable that turns on copying with OSC 52 (`1`, `true`,
/// `yes` or `on`); off by default because the terminal hands the text to
/// the system clipboard, which a user should opt into.
pub const OSC52_ENV: &str = "SOROT_OSC52";

/// Environment variable with the feed URLs `F` fetches (separated by
/// whitespace or commas).
pub const FEEDS_ENV: &str = "SOROT_FEEDS";

/// Environment variable naming the folder `F` fetches into (default:
/// `$XDG_DATA_HOME/sorot/feeds`).
pub const FEEDS_INTO_ENV: &str = "SOROT_FEEDS_INTO";

/// Work the run loop does for the reader, outside [`App::update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Start the user's opener on this URL.
    Open(String),
    /// Put this text on the clipboard with OSC 52.
    Copy(String),
    /// Write the article as a standalone HTML page.
    Export(Box<Article>),
    /// Fetch the configured feeds in the background.
    Fetch,
    /// Read the user's entity lists again; the run loop restarts the
    /// annotator with them (it owns the annotator, so [`perform`] does not).
    ReloadEntityLists,
}

/// Where the feeds come from and go, and whether OSC 52 may be used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Feed URLs for `F`.
    pub feeds: Vec<String>,
    /// Folder `F` stores fetched articles in.
    pub into: Option<PathBuf>,
    /// Whether `y` may write OSC 52.
    pub osc52: bool,
}

impl Settings {
    /// Settings from the environment ([`OSC52_ENV`], [`FEEDS_ENV`],
    /// [`FEEDS_INTO_ENV`]).
    pub fn from_env() -> Self {
        let flag = |v: &str| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        };
        Settings {
            feeds: std::env::var(FEEDS_ENV)
                .map(|v| parse_feed_list(&v))
                .unwrap_or_default(),
            into: std::env::var_os(FEEDS_INTO_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            osc52: std::env::var(OSC52_ENV).is_ok_and(|v| flag(&v)),
        }
    }

    /// Fills what the environment left unset from the config's `[feeds]`
    /// section: the environment wins, so a one-off run can point elsewhere.
    #[must_use]
    pub fn or_config(mut self, feeds: &crate::config::FeedsConfig) -> Self {
        if self.feeds.is_empty() {
            self.feeds.clone_from(&feeds.urls);
        }
        if self.into.is_none() {
            self.into.clone_from(&feeds.into);
        }
        self.osc52 |= feeds.osc52;
        self
    }

    /// The folder `F` fetches into.
    pub fn feeds_dir(&self) -> Option<PathBuf> {
        self.into
            .clone()
            .or_else(|| dirs::data_dir().map(|d| d.join("sorot").join("feeds")))
    }
}

/// Feed URLs from a list separated by whitespace or commas.
pub fn parse_feed_list(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The state of the links features: the open link list, pending requests
/// and the last notice for the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinksState {
    /// The selected row of the link list, when it is open.
    pub list: Option<usize>,
    /// Requests for the run loop, oldest first.
    pub requests: Vec<Request>,
    /// What the last export, copy, open or fetch said.
    pub notice: Option<String>,
    /// True while a background fetch runs.
    pub fetching: bool,
    pub settings: Settings,
}

impl App {
    /// The links of the article `o`, `L`, `y` and `x` act on.
    fn links_target(&self) -> Option<&Article> {
        let i = match self.focus {
            Focus::Reader | Focus::Entities => self.reader.article,
            Focus::List => self.list.selected_article(),
        }?;
        self.article(i)
    }

    /// Applies the actions of this module; see [`App::update`].
    pub(super) fn update_links(&mut self, action: Action) {
        match action {
            Action::OpenArticleUrl => match self.links_target().map(|a| a.url.clone()) {
                Some(Some(url)) => match crate::article::links::clean_url(&url) {
                    Some(u) => self.links.requests.push(Request::Open(u)),
                    None => self.links.notice = Some("the article URL is not a web link".into()),
                },
                Some(None) => self.links.notice = Some("this article has no URL".into()),
                None => {}
            },
            Action::ShowLinks => match self.links_target().map(|a| a.links.len()) {
                Some(0) => self.links.notice = Some("this article has no links".into()),
                Some(_) => self.links.list = Some(0),
                None => {}
            },
            Action::LinkNext | Action::LinkPrev => {
                let n = self.links_target().map_or(0, |a| a.links.len());
                if let Some(sel) = &mut self.links.list {
                    *sel = if action == Action::LinkNext {
                        (*sel + 1).min(n.saturating_sub(1))
                    } else {
                        sel.saturating_sub(1)
                    };
                }
            }
            Action::LinkOpen => {
                if let Some(sel) = self.links.list.take()
                    && let Some(u) = self.links_target().and_then(|a| a.links.get(sel)).cloned()
                {
                    self.links.requests.push(Request::Open(u));
                }
            }
            Action::CloseLinks => self.links.list = None,
            Action::CopyUrl => {
                let url = self.links_target().and_then(|a| a.url.clone());
                match (url, self.links.settings.osc52) {
                    (None, _) => self.links.notice = Some("this article has no URL".into()),
                    (Some(_), false) => {
                        self.links.notice = Some(format!(
                            "copying is off; enable it with {OSC52_ENV}=1 or [feeds] osc52 = true"
                        ));
                    }
                    (Some(u), true) => {
                        self.links.requests.push(Request::Copy(u));
                        self.links.notice = Some("URL copied (OSC 52)".into());
                    }
                }
            }
            Action::ExportArticle => {
                if let Some(a) = self.links_target().cloned() {
                    self.links.requests.push(Request::Export(Box::new(a)));
                    self.links.notice = Some("exporting…".into());
                }
            }
            Action::FetchFeeds => {
                if self.links.fetching {
                    self.links.notice = Some("a fetch is already running".into());
                } else if self.links.settings.feeds.is_empty() {
                    self.links.notice = Some(format!(
                        "no feeds to fetch; set {FEEDS_ENV} or [feeds] urls in the config"
                    ));
                } else {
                    self.links.fetching = true;
                    self.links.requests.push(Request::Fetch);
                    self.links.notice = Some("fetching feeds…".into());
                }
            }
            Action::Notice(msg) => self.links.notice = Some(crate::text::sanitize(&msg)),
            Action::FetchFinished(msg) => {
                self.links.fetching = false;
                self.links.notice = Some(crate::text::sanitize(&msg));
            }
            Action::FetchedArticles(batch) => {
                let known: HashSet<&str> =
                    self.entries.iter().map(|e| e.article.id.as_str()).collect();
                let fresh: Vec<LoadedArticle> = batch
                    .into_iter()
                    .filter(|e| !known.contains(e.article.id.as_str()))
                    .collect();
                if !fresh.is_empty() {
                    self.update(Action::ArticlesLoaded(fresh));
                }
            }
            _ => {}
        }
    }

    /// Requests recorded since the last call, for the run loop.
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.links.requests)
    }

    /// The links features' state (link list, notice).
    pub fn links_state(&self) -> &LinksState {
        &self.links
    }

    /// Replaces the feed and clipboard settings (from the environment or config).
    pub fn set_link_settings(&mut self, settings: Settings) {
        self.links.settings = settings;
    }

    /// The article whose links the link list shows.
    pub fn link_list_article(&self) -> Option<&Article> {
        self.links.list?;
        self.links_target()
    }
}

/// The key bindings of this module, in the key map's table form.
pub(super) fn bindings() -> Vec<(Context, Key, Action, &'static str, bool)> {
    use Action as A;
    use Context::{Global, Links};
    use KeyCode as K;
    vec![
        (
            Global,
            Key::ch('o'),
            A::OpenArticleUrl,
            "open article URL",
            false,
        ),
        (Global, Key::ch('L'), A::ShowLinks, "list links", false),
        (Global, Key::ch('y'), A::CopyUrl, "copy URL (OSC 52)", false),
        (
            Global,
            Key::ch('x'),
            A::ExportArticle,
            "export as HTML",
            false,
        ),
        (Global, Key::ch('F'), A::FetchFeeds, "fetch feeds", false),
        (Links, Key::ch('j'), A::LinkNext, "next link", true),
        (Links, Key::plain(K::Down), A::LinkNext, "next link", false),
        (Links, Key::ch('k'), A::LinkPrev, "previous link", true),
        (
            Links,
            Key::plain(K::Up),
            A::LinkPrev,
            "previous link",
            false,
        ),
        (Links, Key::plain(K::Enter), A::LinkOpen, "open link", true),
        (Links, Key::plain(K::Esc), A::CloseLinks, "close", true),
        (Links, Key::ch('L'), A::CloseLinks, "close", false),
        (Links, Key::ch('q'), A::CloseLinks, "close", false),
        (Links, Key::ctrl('c'), A::Quit, "quit", false),
    ]
}

/// The program and leading arguments of the user's opener: the first entry
/// of `$BROWSER` (a `:`-separated list, each entry split into words; no
/// shell is involved), else the platform's opener.
pub fn opener(browser: Option<&str>) -> Vec<String> {
    if let Some(b) = browser
        && let Some(entry) = b.split(':').map(str::trim).find(|e| !e.is_empty())
    {
        return entry.split_whitespace().map(str::to_owned).collect();
    }
    let default = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    vec![default.to_owned()]
}

/// Starts the opener on `url` with the URL as exactly one argument (in place
/// of a `%s` word, else last), output discarded. A thread reaps the child,
/// so the UI never waits on it.
pub fn open_url(url: &str) -> Result<(), String> {
    let browser = std::env::var("BROWSER").ok();
    let mut words = opener(browser.as_deref());
    let program = words.remove(0);
    let mut cmd = Command::new(&program);
    let mut placed = false;
    for w in words {
        if w == "%s" {
            cmd.arg(url);
            placed = true;
        } else {
            cmd.arg(w);
        }
    }
    if !placed {
        cmd.arg(url);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Standard base64 with padding (all OSC 52 needs; not worth a crate).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Carries out one request. Opening and copying happen here (both are
/// quick); exporting and fetching run on a thread and report through `tx`.
/// `terminal_out` receives the OSC 52 sequence.
pub fn perform(
    req: Request,
    settings: &Settings,
    tx: &Sender<Action>,
    terminal_out: &mut dyn std::io::Write,
) {
    match req {
        Request::Open(url) => {
            let msg = match open_url(&url) {
                Ok(()) => format!("opened {url}"),
                Err(e) => e,
            };
            let _ = tx.send(Action::Notice(msg));
        }
        Request::Copy(text) => {
            let ok = terminal_out
                .write_all(osc52(&text).as_bytes())
                .and_then(|()| terminal_out.flush());
            if let Err(e) = ok {
                let _ = tx.send(Action::Notice(format!("could not copy: {e}")));
            }
        }
        Request::Export(article) => {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let msg = match crate::export::export_article(&article) {
                    Ok(p) => format!("exported to {}", crate::text::display_path(&p)),
                    Err(e) => format!("export failed: {e}"),
                };
                let _ = tx.send(Action::Notice(msg));
            });
        }
        Request::Fetch => {
            let tx = tx.clone();
            let feeds = settings.feeds.clone();
            let dir = settings.feeds_dir();
            std::thread::spawn(move || {
                let msg = match dir {
                    Some(dir) => fetch_in_background(&feeds, &dir, &tx),
                    None => "no folder to fetch into; set SOROT_FEEDS_INTO".to_owned(),
                };
                let _ = tx.send(Action::FetchFinished(msg));
            });
        }
        // The run loop takes it before calling here.
        Request::ReloadEntityLists => {}
    }
}

/// Fetches `feeds` into `dir`, sending progress notices and each feed's new
/// articles as soon as that feed is done. Returns the closing summary.
fn fetch_in_background(feeds: &[String], dir: &Path, tx: &Sender<Action>) -> String {
    let mut seen = article_files(dir);
    let total = feeds.len();
    let mut done = 0usize;
    let mut added = 0usize;
    let mut failed = 0usize;
    let result = crate::fetch::fetch_all(
        feeds,
        dir,
        &crate::fetch::FetchOptions::default(),
        &mut |report| {
            done += 1;
            if matches!(report.outcome, crate::fetch::Outcome::Failed(_)) {
                failed += 1;
            }
            let mut batch = Vec::new();
            for path in article_files(dir) {
                if seen.insert(path.clone())
                    && let Ok(bytes) = std::fs::read(&path)
                {
                    for ev in crate::article::parse_bytes(&path, bytes) {
                        if let crate::article::LoadEvent::Article(a) = ev {
                            batch.push(LoadedArticle::new(a));
                        }
                    }
                }
            }
            added += batch.len();
            if !batch.is_empty() {
                let _ = tx.send(Action::FetchedArticles(batch));
            }
            let _ = tx.send(Action::Notice(format!("fetching {done}/{total}: {report}")));
        },
    );
    match result {
        Ok(_) if failed > 0 => {
            format!("fetched {total} feeds: {added} new articles, {failed} failed")
        }
        Ok(_) => format!("fetched {total} feeds: {added} new articles"),
        Err(e) => format!("fetch failed: {e}"),
    }
}

/// The visible `.json` files in `dir` (fetch writes one per item; hidden
/// temporary files are skipped, as the loader skips them).
fn article_files(dir: &Path) -> HashSet<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return HashSet::new();
    };
    rd.filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::state::StateStore;
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};

    fn key(app: &mut App, c: KeyCode) {
        app.handle_key(KeyEvent::new(c, KeyModifiers::NONE));
    }

    fn reader() -> App {
        let a = Article {
            id: "https://news.example/a".into(),
            title: "Li Lei visits London".into(),
            url: Some("https://news.example/a".into()),
            body: "See the report [1] and the map [2].".into(),
            links: vec![
                "https://r.example/1".into(),
                "mailto:desk@news.example".into(),
            ],
            ..Article::default()
        };
        let b = Article {
            id: "b".into(),
            title: "No links".into(),
            body: "Plain.".into(),
            ..Article::default()
        };
        let mut app = App::with_articles(vec![a, b], StateStore::in_memory());
        app.update(Action::Resize(100, 30));
        // Both undated: title order puts "Li Lei…" first.
        app.update(Action::Open);
        assert_eq!(
            app.reader()
                .article
                .map(|i| app.article(i).unwrap().title.clone())
                .as_deref(),
            Some("Li Lei visits London")
        );
        app
    }

    #[test]
    fn o_requests_the_article_url_and_nothing_else_happens_in_update() {
        let mut app = reader();
        key(&mut app, KeyCode::Char('o'));
        assert_eq!(
            app.take_requests(),
            [Request::Open("https://news.example/a".into())]
        );
        assert!(app.take_requests().is_empty());
    }

    #[test]
    fn link_list_moves_opens_and_closes() {
        let mut app = reader();
        key(&mut app, KeyCode::Char('L'));
        assert_eq!(app.links_state().list, Some(0));
        assert_eq!(app.contexts(), [Context::Links]);
        // `q` closes the list rather than quitting.
        key(&mut app, KeyCode::Char('q'));
        assert!(!app.should_quit());
        assert_eq!(app.links_state().list, None);
        key(&mut app, KeyCode::Char('L'));
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Char('j'));
        assert_eq!(app.links_state().list, Some(1), "clamped to the last link");
        key(&mut app, KeyCode::Char('k'));
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.links_state().list, None);
        assert_eq!(
            app.take_requests(),
            [Request::Open("mailto:desk@news.example".into())]
        );
    }

    #[test]
    fn copy_only_when_enabled() {
        let mut app = reader();
        key(&mut app, KeyCode::Char('y'));
        assert!(app.take_requests().is_empty());
        assert!(
            app.links_state()
                .notice
                .as_deref()
                .unwrap()
                .contains("SOROT_OSC52")
        );
        app.set_link_settings(Settings {
            osc52: true,
            ..Settings::default()
        });
        key(&mut app, KeyCode::Char('y'));
        assert_eq!(
            app.take_requests(),
            [Request::Copy("https://news.example/a".into())]
        );
    }

    #[test]
    fn export_and_fetch_are_requests_and_fetched_duplicates_are_skipped() {
        let mut app = reader();
        key(&mut app, KeyCode::Char('x'));
        match app.take_requests().as_slice() {
            [Request::Export(a)] => assert_eq!(a.title, "Li Lei visits London"),
            other => panic!("{other:?}"),
        }
        key(&mut app, KeyCode::Char('F'));
        assert!(app.take_requests().is_empty(), "no feeds configured");
        app.set_link_settings(Settings {
            feeds: vec!["http://127.0.0.1:1/feed".into()],
            ..Settings::default()
        });
        key(&mut app, KeyCode::Char('F'));
        key(&mut app, KeyCode::Char('F'));
        assert_eq!(app.take_requests(), [Request::Fetch], "one fetch at a time");
        let dup = LoadedArticle::new(app.article(0).unwrap().clone());
        let new = LoadedArticle::new(Article {
            id: "fresh".into(),
            title: "Fresh".into(),
            ..Article::default()
        });
        app.update(Action::FetchedArticles(vec![dup, new]));
        assert_eq!(app.entries().len(), 3);
        app.update(Action::FetchFinished(
            "fetched 1 feeds: 1 new articles".into(),
        ));
        assert!(!app.links_state().fetching);
        assert_eq!(
            app.links_state().notice.as_deref(),
            Some("fetched 1 feeds: 1 new articles")
        );
    }

    #[test]
    fn articles_without_url_or_links_say_so() {
        let mut app = reader();
        key(&mut app, KeyCode::Char('J'));
        key(&mut app, KeyCode::Char('o'));
        key(&mut app, KeyCode::Char('L'));
        assert!(app.take_requests().is_empty());
        assert_eq!(app.links_state().list, None);
        assert_eq!(
            app.links_state().notice.as_deref(),
            Some("this article has no links")
        );
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn opener_prefers_browser_without_a_shell() {
        assert_eq!(opener(Some("firefox --new-tab")), ["firefox", "--new-tab"]);
        assert_eq!(opener(Some(":  :w3m:lynx")), ["w3m"]);
        let platform = opener(None);
        assert_eq!(platform.len(), 1);
        assert_eq!(opener(Some("")), platform);
    }

    #[test]
    fn feed_lists_split_on_spaces_and_commas() {
        assert_eq!(
            parse_feed_list(" https://a/x.xml,https://b/y\n  https://c "),
            ["https://a/x.xml", "https://b/y", "https://c"]
        );
    }

    #[test]
    fn config_feeds_fill_what_the_environment_left_unset() {
        let cfg = crate::config::FeedsConfig {
            urls: vec!["https://e.org/feed".into()],
            into: Some(PathBuf::from("/tmp/x")),
            osc52: true,
        };
        let from_config = Settings::default().or_config(&cfg);
        assert_eq!(from_config.feeds, cfg.urls);
        assert_eq!(from_config.into, cfg.into);
        assert!(from_config.osc52);
        let env = Settings {
            feeds: vec!["https://env.org/f".into()],
            into: Some(PathBuf::from("/env")),
            osc52: false,
        };
        let merged = env.clone().or_config(&cfg);
        assert_eq!(merged.feeds, env.feeds);
        assert_eq!(merged.into, env.into);
        assert!(merged.osc52, "either source may enable OSC 52");
    }
}
