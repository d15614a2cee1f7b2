//! The reader: its state, the actions that change it, the key map, and the
//! event loop.
//!
//! Keys become [`Action`]s through the [`KeyMap`]; [`App::update`] (in
//! `app/update.rs`) is the only code that changes state and does no I/O;
//! [`crate::ui::draw`] only reads `&App`. The run loop here is the one place
//! that touches the terminal, the loader thread and the state file.
//!
//! Hidden option for benchmarks (`benches/first_frame.sh` uses it), set in
//! the environment as `SOROT_FIRST_FRAME_EXIT`:
//! - `1`: exit right after drawing the first frame that shows articles (or
//!   the loader finished with none) and print
//!   `first frame with articles: <ms> ms` on stderr;
//! - `loaded`: exit once everything is loaded and drawn and print
//!   `all loaded: <ms> ms, <n> articles, slowest loop turn while loading: <ms> ms`
//!   (a loop turn is taking loaded batches in plus drawing; it bounds how
//!   long a key can wait while loading).
//! - `entities`: exit once everything is loaded and the whole library is
//!   annotated and taken in by the reader (every article's entities held by
//!   [`App`], not merely finished by the workers), and print `entities indexed: <ms> ms, <n> articles, slowest
//!   loop turn: <ms> ms wall (<ms> ms on-CPU), slowest annotate_now: <ms> ms`
//!   (on-CPU time leaves out waiting for a core on a busy machine).
//!
//! On Linux each report ends with `, peak RSS: <n> KiB`, the process's
//! high-water resident memory at exit (`benches/memory.sh` uses it).
//!
//! Entities: the run loop owns the [`AnnotationService`]. It submits every
//! loaded batch, annotates the opened article at once with
//! `annotate_now` (so its first frame is highlighted), asks for the open and
//! visible articles first, and turns what the workers finish into
//! [`Action::EntitiesAnnotated`] within a time budget per turn, so a warm
//! cache delivering 10,000 results at once never stalls input.
//!
//! Times are measured from the start of [`run_tui`].

pub mod action;
mod configure;
pub mod find;
pub mod keymap;
pub mod keymap_config;
pub mod links;
pub mod mouse;
pub mod state;
mod update;

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEvent};
use ratatui::layout::Rect;

pub use self::action::{Action, LoadedArticle};
use self::find::FoldedText;
pub use self::keymap::{Context, KeyMap};
use self::state::{
    ArticleAnnotation, EntityPanel, Focus, IndexView, ListView, Overlay, Prompt, ReaderView,
};
use crate::annotations::{
    AnnotationService, Annotator, ArticleEntities, CacheConfig, EntityIndex, ServiceConfig, Update,
};
use crate::article::{Article, LoadEvent, LoadOptions, Problem};
use crate::cli::Error;
use crate::ner::Label;
use crate::state::StateStore;
use crate::ui::layout::{self, DocLayout};
use crate::ui::theme::Theme;

/// The environment variable of the hidden first-frame benchmark option.
pub const FIRST_FRAME_EXIT_ENV: &str = "SOROT_FIRST_FRAME_EXIT";

/// The reader's whole state.
#[derive(Debug)]
pub struct App {
    entries: Vec<LoadedArticle>,
    problems: Vec<Problem>,
    store: StateStore,
    keymap: KeyMap,
    theme: Theme,
    focus: Focus,
    overlay: Overlay,
    overlay_scroll: usize,
    list: ListView,
    reader: ReaderView,
    prompt: Option<Prompt>,
    /// Terminal size (columns, rows), as last reported.
    size: (u16, u16),
    loading: bool,
    quit: bool,
    /// Set when read/starred state changed and should be saved.
    state_changed: bool,
    /// Wrapped layouts by (article, width), least recently used first.
    layouts: Vec<(usize, u16, DocLayout)>,
    /// The open article's folded body, built on the first find in it.
    folded_body: Option<(usize, FoldedText)>,
    /// Per loaded article (same index), its entities once annotated.
    annotations: Vec<Option<ArticleAnnotation>>,
    /// Every annotated article's merged entities, for the index overlay.
    index: EntityIndex,
    /// Ids of the entity keys that articles and filters refer to.
    key_ids: state::KeyIds,
    /// Which entity types are highlighted, indexed like [`Label::ALL`].
    highlight: [bool; 4],
    panel: EntityPanel,
    index_view: IndexView,
    /// Background annotation: articles done, articles submitted.
    progress: (usize, usize),
    /// Link list, pending open/copy/export/fetch requests, notices.
    links: links::LinksState,
}

/// The preference key under which highlighting of `label` is saved.
pub fn highlight_pref(label: Label) -> String {
    format!("highlight.{}", label.as_str())
}

/// The preference key of the list's top-entities line (`t`).
pub const TOP_ENTITIES_PREF: &str = "list.top_entities";

impl App {
    /// An empty reader (articles arrive with [`Action::ArticlesLoaded`])
    /// using `store` for read/starred state. It counts as loading until
    /// [`Action::LoadingDone`].
    pub fn new(store: StateStore) -> Self {
        let highlight = Label::ALL.map(|l| store.pref(&highlight_pref(l), true));
        let list = ListView {
            top_entities: store.pref(TOP_ENTITIES_PREF, false),
            ..ListView::default()
        };
        App {
            entries: Vec::new(),
            problems: Vec::new(),
            store,
            keymap: KeyMap::default(),
            theme: Theme::default(),
            focus: Focus::List,
            overlay: Overlay::None,
            overlay_scroll: 0,
            list,
            reader: ReaderView::default(),
            prompt: None,
            size: (80, 24),
            loading: true,
            quit: false,
            state_changed: false,
            layouts: Vec::new(),
            folded_body: None,
            annotations: Vec::new(),
            index: EntityIndex::new(),
            key_ids: state::KeyIds::default(),
            highlight,
            panel: EntityPanel::default(),
            index_view: IndexView::default(),
            progress: (0, 0),
            links: links::LinksState::default(),
        }
    }

    /// A reader with `articles` already loaded (for tests and benchmarks).
    pub fn with_articles(articles: Vec<Article>, store: StateStore) -> Self {
        let mut app = App::new(store);
        app.update(Action::ArticlesLoaded(
            articles.into_iter().map(LoadedArticle::new).collect(),
        ));
        app.update(Action::LoadingDone);
        app
    }

    /// The action bound to `key` in the current context, if any.
    pub fn action_for_key(&self, key: KeyEvent) -> Option<Action> {
        self.keymap.lookup(&self.contexts(), key)
    }

    /// Handles a key press: looks it up and applies it. Returns whether a
    /// binding matched.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        match self.action_for_key(key) {
            Some(a) => {
                self.update(a);
                true
            }
            None => false,
        }
    }

    /// The key contexts in effect, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.links.list.is_some() {
            return vec![Context::Links];
        }
        match (self.overlay, &self.prompt, self.focus) {
            (Overlay::Help, _, _) => vec![Context::Help],
            (Overlay::Problems, _, _) => vec![Context::Problems],
            (Overlay::EntityIndex, _, _) if self.index_view.typing => vec![Context::Search],
            (Overlay::EntityIndex, _, _) => vec![Context::EntityIndex],
            (Overlay::None, Some(_), _) => vec![Context::Search],
            (Overlay::None, None, Focus::List) => vec![Context::List, Context::Global],
            (Overlay::None, None, Focus::Reader) => vec![Context::Reader, Context::Global],
            (Overlay::None, None, Focus::Entities) => vec![Context::Entities, Context::Global],
        }
    }

    /// Every loaded article, in load order.
    pub fn entries(&self) -> &[LoadedArticle] {
        &self.entries
    }

    /// Loaded article `i`.
    pub fn article(&self, i: usize) -> Option<&Article> {
        self.entries.get(i).map(|e| &*e.article)
    }

    /// Files (or lines) that could not be loaded.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Read/starred state.
    pub fn store(&self) -> &StateStore {
        &self.store
    }

    /// The key table.
    pub fn keymap(&self) -> &KeyMap {
        &self.keymap
    }

    /// The styles to draw with.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// Which pane has focus.
    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// The open overlay and how far it is scrolled.
    pub fn overlay(&self) -> (Overlay, usize) {
        (self.overlay, self.overlay_scroll)
    }

    /// The article list's view state.
    pub fn list(&self) -> &ListView {
        &self.list
    }

    /// The reading pane's view state.
    pub fn reader(&self) -> &ReaderView {
        &self.reader
    }

    /// The search query being typed, if any.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    /// True until the loader has reported that it is done.
    pub fn is_loading(&self) -> bool {
        self.loading
    }

    /// True once the user asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Number of loaded articles not marked read.
    pub fn unread_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| !self.store.is_read(&e.article.id))
            .count()
    }

    /// The layout of the open article for the reader's current width, when
    /// it has been computed (it is, after any action that opens or resizes).
    pub fn open_layout(&self) -> Option<&DocLayout> {
        let i = self.reader.article?;
        let width = self.reader_text_area()?.width;
        self.layouts
            .iter()
            .find(|(a, w, _)| *a == i && *w == width)
            .map(|(_, _, l)| l)
    }

    /// True (once) when read/starred state changed since the last call; the
    /// run loop saves then.
    pub fn take_state_changed(&mut self) -> bool {
        std::mem::take(&mut self.state_changed)
    }

    /// The annotation of loaded article `i`, once it has arrived.
    pub fn annotation(&self, i: usize) -> Option<&ArticleAnnotation> {
        self.annotations.get(i).and_then(Option::as_ref)
    }

    /// The library's entity index (what has been annotated so far).
    pub fn entity_index(&self) -> &EntityIndex {
        &self.index
    }

    /// Whether entities of `label` are highlighted.
    pub fn highlighted(&self, label: Label) -> bool {
        self.highlight[label.index()]
    }

    /// Highlighting on/off per type, indexed like [`Label::ALL`].
    pub fn highlights(&self) -> [bool; 4] {
        self.highlight
    }

    /// The entity panel's state.
    pub fn panel(&self) -> &EntityPanel {
        &self.panel
    }

    /// The entity index overlay's state.
    pub fn index_view(&self) -> &IndexView {
        &self.index_view
    }

    /// Background annotation progress: (articles done, articles submitted).
    pub fn annotation_progress(&self) -> (usize, usize) {
        self.progress
    }

    /// How many loaded articles the reader holds entities for (what the
    /// entity filters and the index overlay can use).
    pub fn annotated_articles(&self) -> usize {
        self.annotations.iter().filter(|a| a.is_some()).count()
    }

    /// Articles the background annotator should do first: the open one,
    /// then the ones visible in the list.
    pub fn priority_articles(&self) -> Vec<usize> {
        let cap = layout::list_capacity_for(
            self.list_rows(),
            layout::list_item_height(self.list.top_entities),
        );
        self.reader
            .article
            .into_iter()
            .chain(
                self.list
                    .visible
                    .iter()
                    .skip(self.list.offset)
                    .take(cap)
                    .copied(),
            )
            .filter(|&i| self.annotation(i).is_none())
            .collect()
    }

    /// Mutable access to the store, for the run loop's save.
    pub fn store_mut(&mut self) -> &mut StateStore {
        &mut self.store
    }

    fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }
}

/// Starts the terminal reader on `paths` (the bundled samples when empty).
/// `settings` (config, user lists) apply from the first frame; their
/// problems show in the problems view.
pub fn run_tui(
    paths: &[PathBuf],
    opts: &LoadOptions,
    settings: crate::config::Settings,
) -> Result<ExitCode, Error> {
    let started = Instant::now();
    if !std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            "the reader needs a terminal, but standard output is not one; \
             use `sorot list [PATH]...` to print the articles instead"
                .into(),
        ));
    }
    let probe = match std::env::var(FIRST_FRAME_EXIT_ENV).as_deref() {
        Ok("loaded") => Some(Probe::AllLoaded),
        Ok("entities") => Some(Probe::EntitiesDone),
        Ok(v) if !v.is_empty() && v != "0" => Some(Probe::FirstFrame),
        _ => None,
    };
    let (store, warnings) = StateStore::open_default();
    let state_path = state_label(&store);
    let events = spawn_loader(paths.to_vec(), opts.clone());
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            // Raw mode may already be on when entering the alternate screen fails.
            ratatui::restore();
            return Err(Error::io("setting up the terminal", e));
        }
    };
    let mut app = App::new(store);
    app.configure(&settings, crate::ui::theme_config::no_color_from_env());
    let mouse = settings.config.mouse;
    if mouse {
        // Without capture the terminal keeps the mouse (text selection).
        let _ = ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::EnableMouseCapture
        );
    }
    app.set_link_settings(links::Settings::from_env().or_config(&settings.config.feeds));
    // State trouble (a corrupt file moved aside, no data directory) must
    // not stop the reader, but the user should see it: list it as a problem.
    app.update(Action::ProblemsFound(
        warnings
            .into_iter()
            .map(|w| Problem::new(&state_path, w))
            .collect(),
    ));
    // The user's always/never lists wrap the recogniser, and their version
    // is part of every cache key, so a changed list is never served stale.
    let start_service = |lists_version: u64| {
        let annotator = Annotator::from_parts(
            crate::ner::model_version(),
            crate::ner::lang::detect,
            crate::user_entities::recognize,
        );
        let cache = CacheConfig {
            lists_version,
            ..CacheConfig::default_location()
        };
        // The workers merge each article's mentions and summarise them for
        // the reader (`EntitiesSummarized`), so taking in a library costs
        // the UI thread a few lookups per article. The reader keeps its own
        // merged index, so the service's plain index is left empty.
        AnnotationService::start_with(
            annotator,
            cache,
            ServiceConfig {
                mentions: std::sync::Arc::new(|_: &Article, _: &ArticleEntities| Vec::new()),
                summarize: Some(std::sync::Arc::new(|a: &Article, e: &ArticleEntities| {
                    crate::entities::summarize(
                        &a.title,
                        &e.title,
                        &a.body,
                        &e.body,
                        update::TOP_ENTITIES,
                    )
                })),
                // The loop takes updates on a time budget; without a bound a
                // warm cache queues thousands of summaries (measured: 10 MB
                // more peak memory for 10,000 articles, and no faster at 256).
                max_undelivered: Some(256),
                ..ServiceConfig::default()
            },
        )
    };
    let mut service = start_service(settings.lists_version);
    let mut lists = EntityLists {
        path: settings.config.entities_path(),
        version: settings.lists_version,
        start_service: &start_service,
    };
    let outcome = run_loop(
        &mut terminal,
        app,
        &events,
        &mut service,
        &mut lists,
        probe.map(|p| (p, started)),
    );
    if mouse {
        let _ = ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::DisableMouseCapture
        );
    }
    // Dropping the service stops its workers and saves the cache; do it
    // after the terminal is back so a slow disk never leaves it raw.
    ratatui::restore();
    drop(service);
    if let Some(report) = outcome? {
        // Read after shutdown (cache saved), so it covers the whole run.
        match peak_rss_kib() {
            Some(kib) => eprintln!("{report}, peak RSS: {kib} KiB"),
            None => eprintln!("{report}"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads on a background thread so the first frame never waits for the disk.
/// Articles are folded for search there too, off the UI thread.
fn spawn_loader(paths: Vec<PathBuf>, opts: LoadOptions) -> Receiver<Action> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        if paths.is_empty() {
            let batch = crate::article::bundled()
                .into_iter()
                .map(LoadedArticle::new)
                .collect();
            let _ = tx.send(Action::ArticlesLoaded(batch));
        } else {
            crate::article::load_paths_with(&paths, &opts, &mut |ev| {
                let action = match ev {
                    LoadEvent::Article(a) => Action::ArticlesLoaded(vec![LoadedArticle::new(a)]),
                    LoadEvent::Problem(p) => Action::ProblemsFound(vec![p]),
                };
                // The receiver is gone only when the reader quit: stop loading.
                match tx.send(action) {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(_) => ControlFlow::Break(()),
                }
            });
        }
        let _ = tx.send(Action::LoadingDone);
    });
    rx
}

/// How long one frame may spend taking loaded articles in, so a flood of
/// small files never delays input handling.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);

/// Takes everything the loader has sent (within [`DRAIN_BUDGET`]), merged
/// into as few actions as possible. Returns whether anything arrived.
fn drain(app: &mut App, events: &Receiver<Action>) -> bool {
    let deadline = Instant::now() + DRAIN_BUDGET;
    let mut articles = Vec::new();
    let mut problems = Vec::new();
    let mut done = false;
    let mut any = false;
    while Instant::now() < deadline {
        match events.try_recv() {
            Ok(Action::ArticlesLoaded(a)) => articles.extend(a),
            Ok(Action::ProblemsFound(p)) => problems.extend(p),
            Ok(Action::LoadingDone) | Err(TryRecvError::Disconnected) => {
                done = app.is_loading();
                break;
            }
            Ok(other) => app.update(other),
            Err(TryRecvError::Empty) => break,
        }
        any = true;
    }
    if !articles.is_empty() {
        app.update(Action::ArticlesLoaded(articles));
    }
    if !problems.is_empty() {
        app.update(Action::ProblemsFound(problems));
    }
    if done {
        app.update(Action::LoadingDone);
        any = true;
    }
    any
}

/// How long one loop turn may spend taking finished annotations in.
const ANNOTATION_BUDGET: Duration = Duration::from_millis(6);
/// Annotations applied between two looks at the clock.
const ANNOTATION_CHUNK: usize = 32;

/// What the run loop remembers between turns about the annotation service.
#[derive(Debug, Default)]
struct AnnotationSync {
    /// Loaded articles already submitted (they are submitted in load order).
    submitted: usize,
    /// The open article when last looked at.
    opened: Option<usize>,
    /// What was last prioritised, so the queue is only reordered on change.
    prioritised: Vec<usize>,
    /// The slowest `annotate_now` so far (for the benchmark probe).
    slowest_now: Duration,
    /// The last drain stopped at its budget with results still waiting, so
    /// the loop should come back at once instead of sleeping (a warm cache
    /// delivers thousands of results in one burst).
    backlog: bool,
}

/// The user's entity lists as the reader last read them, and how to start
/// an annotator for another version of them (`R`).
struct EntityLists<'a> {
    /// The lists file (the config's `entities`, else the default place).
    path: Option<PathBuf>,
    /// [`crate::user_entities::UserLists::version`] of the installed lists.
    version: u64,
    start_service: &'a dyn Fn(u64) -> AnnotationService,
}

/// `R`: reads the lists file again. When the lists changed, installs them,
/// replaces the annotator with one for the new version (the old one stops
/// and saves its cache) and has every article annotated anew, the open one
/// first; problems in the file are listed, as at start.
fn reload_entity_lists(
    app: &mut App,
    service: &mut AnnotationService,
    sync: &mut AnnotationSync,
    lists: &mut EntityLists<'_>,
) {
    let Some(path) = lists.path.clone() else {
        app.update(Action::Notice(
            "no entity lists file: there is no config directory".into(),
        ));
        return;
    };
    let (new, errors) = crate::user_entities::load(&path);
    let had_errors = !errors.is_empty();
    // The file's problems are what this reading found, fixed ones gone.
    app.update(Action::ProblemsResolved(path.clone()));
    if had_errors {
        app.update(Action::ProblemsFound(configure::config_problems(&errors)));
    }
    let version = new.version();
    let (always, never) = new.sizes();
    if version == lists.version {
        let msg = if had_errors {
            "entity lists unchanged; the file has problems (press !)"
        } else {
            "entity lists unchanged"
        };
        app.update(Action::Notice(msg.into()));
        return;
    }
    // Stopped before the new lists are installed: its workers must not tag
    // with them and cache the result under the old lists' version.
    service.stop();
    crate::user_entities::install(new);
    lists.version = version;
    *service = (lists.start_service)(version);
    *sync = AnnotationSync::default();
    app.update(Action::EntitiesReset);
    // As at start, a broken file counts for what could be read of it.
    let problems = if had_errors {
        ", with problems (press !)"
    } else {
        ""
    };
    app.update(Action::Notice(format!(
        "entity lists reloaded{problems}: {always} always tagged, {never} never"
    )));
}

/// Feeds the service and takes its results in. Returns whether the state
/// changed (a redraw is due).
fn sync_annotations(app: &mut App, service: &AnnotationService, sync: &mut AnnotationSync) -> bool {
    let mut changed = false;
    let n = app.entries().len();
    if n > sync.submitted {
        let entries = app.entries();
        service.submit((sync.submitted..n).filter_map(|i| {
            let id = u32::try_from(i).ok()?;
            Some((id, std::sync::Arc::clone(&entries[i].article)))
        }));
        sync.submitted = n;
    }
    let open = app.reader().article;
    if open != sync.opened {
        sync.opened = open;
        if let Some(i) = open
            && app.annotation(i).is_none()
        {
            let t = Instant::now();
            let ents = service.annotate_now(&app.entries()[i].article);
            sync.slowest_now = sync.slowest_now.max(t.elapsed());
            app.update(Action::EntitiesAnnotated(vec![(i, ents)]));
            changed = true;
        }
    }
    let prio = app.priority_articles();
    if prio != sync.prioritised {
        let ids: Vec<u32> = prio.iter().filter_map(|&i| u32::try_from(i).ok()).collect();
        service.prioritise(&ids);
        sync.prioritised = prio;
    }
    let deadline = Instant::now() + ANNOTATION_BUDGET;
    let mut problems = Vec::new();
    sync.backlog = false;
    loop {
        let mut batch = Vec::new();
        let mut plain = Vec::new();
        while batch.len() + plain.len() < ANNOTATION_CHUNK {
            match service.try_recv() {
                Some(Update::Annotated {
                    id,
                    entities,
                    summary: Some(summary),
                    ..
                }) => {
                    batch.push((id as usize, entities, summary));
                }
                Some(Update::Annotated { id, entities, .. }) => {
                    plain.push((id as usize, entities));
                }
                Some(Update::Warning(w)) => {
                    problems.push(Problem::new("(entity annotations)", w));
                }
                None => break,
            }
        }
        if batch.is_empty() && plain.is_empty() {
            break;
        }
        if !plain.is_empty() {
            app.update(Action::EntitiesAnnotated(plain));
        }
        if !batch.is_empty() {
            app.update(Action::EntitiesSummarized(batch));
        }
        changed = true;
        if Instant::now() >= deadline {
            sync.backlog = true;
            break;
        }
    }
    if !problems.is_empty() {
        app.update(Action::ProblemsFound(problems));
        changed = true;
    }
    let p = service.progress();
    if (p.done, p.total) != app.annotation_progress() {
        app.update(Action::AnnotationProgress {
            done: p.done,
            total: p.total,
        });
        changed = true;
    }
    changed
}

/// Saves state when it changed, at most this often while keys keep coming.
const SAVE_INTERVAL: Duration = Duration::from_millis(500);

/// What the hidden benchmark option measures (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Probe {
    FirstFrame,
    AllLoaded,
    EntitiesDone,
}

/// Draws one frame between the "synchronized update" markers (DEC private
/// mode 2026), so a terminal that supports them shows the frame whole
/// rather than half old, half new while the cells are written; others
/// ignore the markers.
fn draw_synchronized<W: std::io::Write>(
    terminal: &mut ratatui::Terminal<ratatui::backend::CrosstermBackend<W>>,
    app: &App,
) -> std::io::Result<()> {
    use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
    ratatui::crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    let drawn = terminal.draw(|f| crate::ui::draw(f, app)).map(|_| ());
    // Ended even when the draw failed, so the terminal is not left holding
    // its updates back.
    let ended = ratatui::crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate);
    drawn.and(ended)
}

/// Draws, reads keys and loader batches, and saves state until quit. With
/// `probe`, stops when the probed moment is reached and returns its report.
fn run_loop(
    terminal: &mut DefaultTerminal,
    mut app: App,
    events: &Receiver<Action>,
    service: &mut AnnotationService,
    lists: &mut EntityLists<'_>,
    probe: Option<(Probe, Instant)>,
) -> Result<Option<String>, Error> {
    let size = terminal
        .size()
        .map_err(|e| Error::io("reading the terminal size", e))?;
    app.update(Action::Resize(size.width, size.height));
    let mut dirty = true;
    let mut last_save = Instant::now();
    let mut unsaved = false;
    let mut slowest_turn = Duration::ZERO;
    let mut slowest_any = Duration::ZERO;
    let mut slowest_cpu = Duration::ZERO;
    let mut sync = AnnotationSync::default();
    // Background work started by the reader (export, fetch, opener errors)
    // reports here.
    let (bg_tx, bg_rx) = mpsc::channel::<Action>();
    loop {
        let turn = Instant::now();
        let turn_cpu = probe.and_then(|_| thread_cpu());
        let was_loading = app.is_loading();
        dirty |= drain(&mut app, events);
        dirty |= sync_annotations(&mut app, service, &mut sync);
        let (done, total) = app.annotation_progress();
        let annotating = done < total || sync.submitted < app.entries().len();
        while let Ok(a) = bg_rx.try_recv() {
            app.update(a);
            dirty = true;
        }
        if dirty {
            draw_synchronized(terminal, &app).map_err(|e| Error::io("drawing the screen", e))?;
            dirty = false;
            if was_loading {
                slowest_turn = slowest_turn.max(turn.elapsed());
            }
            slowest_any = slowest_any.max(turn.elapsed());
            if let (Some(a), Some(b)) = (turn_cpu, probe.and_then(|_| thread_cpu())) {
                slowest_cpu = slowest_cpu.max(b.saturating_sub(a));
            }
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            match probe {
                Some((Probe::FirstFrame, t0)) if !app.entries().is_empty() || !app.is_loading() => {
                    return Ok(Some(format!(
                        "first frame with articles: {:.1} ms",
                        ms(t0.elapsed())
                    )));
                }
                Some((Probe::AllLoaded, t0)) if !app.is_loading() => {
                    return Ok(Some(format!(
                        "all loaded: {:.1} ms, {} articles, slowest loop turn while loading: {:.1} ms",
                        ms(t0.elapsed()),
                        app.entries().len(),
                        ms(slowest_turn)
                    )));
                }
                // Done means the reader itself holds every article's
                // entities, not just that the workers have finished: their
                // results may still be queued for the reader to take in.
                Some((Probe::EntitiesDone, t0))
                    if !app.is_loading()
                        && !annotating
                        && app.annotated_articles() == app.entries().len() =>
                {
                    return Ok(Some(format!(
                        "entities indexed: {:.1} ms, {} articles, slowest loop turn: {:.1} ms wall ({:.1} ms on-CPU), slowest annotate_now: {:.1} ms",
                        ms(t0.elapsed()),
                        app.entries().len(),
                        ms(slowest_any),
                        ms(slowest_cpu),
                        ms(sync.slowest_now)
                    )));
                }
                _ => {}
            }
        }
        if app.should_quit() {
            break;
        }
        // Poll briefly while loading so batches show up promptly; otherwise
        // sleep longer between checks (the wake-up costs nothing visible).
        let timeout = if sync.backlog {
            Duration::ZERO
        } else if app.is_loading() || annotating {
            Duration::from_millis(16)
        } else {
            Duration::from_millis(250)
        };
        if event::poll(timeout).map_err(|e| Error::io("reading terminal events", e))? {
            match event::read().map_err(|e| Error::io("reading terminal events", e))? {
                Event::Resize(w, h) => {
                    app.update(Action::Resize(w, h));
                    dirty = true;
                }
                Event::Mouse(m) => {
                    if let Some(a) = mouse::action_for_mouse(m) {
                        app.update(a);
                        dirty = true;
                    }
                }
                ev => {
                    if let Some(key) = ev.as_key_press_event() {
                        app.handle_key(key);
                        dirty = true;
                    }
                }
            }
        }
        for req in app.take_requests() {
            if matches!(req, links::Request::ReloadEntityLists) {
                reload_entity_lists(&mut app, service, &mut sync, lists);
            } else {
                let settings = app.links_state().settings.clone();
                links::perform(req, &settings, &bg_tx, &mut std::io::stdout());
            }
            dirty = true;
        }
        unsaved |= app.take_state_changed();
        if unsaved && (last_save.elapsed() >= SAVE_INTERVAL || app.should_quit()) {
            save_state(&mut app);
            unsaved = false;
            last_save = Instant::now();
        }
    }
    if unsaved {
        save_state(&mut app);
    }
    Ok(None)
}

/// CPU time the calling thread has run (Linux; `None` elsewhere), so the
/// benchmark probe can tell the loop's own work from waiting for a core on
/// a busy machine.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// The process's peak resident memory so far (Linux; `None` elsewhere), for
/// the benchmark probe (`benches/memory.sh`).
fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Where the state lives, for naming it in problems.
fn state_label(store: &StateStore) -> PathBuf {
    store
        .path()
        .map_or_else(|| PathBuf::from("(reading state)"), PathBuf::from)
}

/// Persists read/starred state. A failure (read-only or full disk) is shown
/// in the problems view once and the changes stay pending for the next try;
/// the reader keeps working either way.
fn save_state(app: &mut App) {
    let path = state_label(app.store());
    let mut reasons: Vec<String> = app.store_mut().save().err().into_iter().collect();
    reasons.extend(app.store_mut().take_warnings());
    let fresh: Vec<Problem> = reasons
        .into_iter()
        .filter(|r| {
            !app.problems()
                .iter()
                .any(|p| p.path == path && &p.reason == r)
        })
        .map(|r| Problem::new(&path, r))
        .collect();
    if !fresh.is_empty() {
        app.update(Action::ProblemsFound(fresh));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_written_between_the_synchronized_update_markers() {
        /// Keeps what the terminal wrote where the test can read it.
        #[derive(Clone, Default)]
        struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
        impl std::io::Write for Shared {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let written = Shared::default();
        let backend = ratatui::backend::CrosstermBackend::new(written.clone());
        let mut terminal = ratatui::Terminal::with_options(
            backend,
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, 60, 12)),
            },
        )
        .expect("terminal");
        let mut app = App::new(StateStore::in_memory());
        app.update(Action::Resize(60, 12));
        draw_synchronized(&mut terminal, &app).expect("drawn");
        let out = String::from_utf8_lossy(&written.0.borrow()).into_owned();
        assert!(out.starts_with("\x1b[?2026h"), "{out:?}");
        assert!(out.ends_with("\x1b[?2026l"), "{out:?}");
        assert!(out.contains("Articles"), "the frame is inside: {out:?}");
    }
}
