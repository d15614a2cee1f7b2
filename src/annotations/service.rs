//! The background annotation service: a pool of worker threads that annotate
//! the library, most relevant articles first, consult and fill the disk
//! cache, and keep the [`EntityIndex`] up to date, while the UI thread only
//! ever takes short locks.
//!
//! Threads: `n` workers plus one cache thread, which reads the cache file at
//! start (workers wait for it, so a warm start re-annotates nothing) and
//! rewrites it every [`ServiceConfig::flush_interval`] while it changes, when
//! the queue runs dry, and at shutdown.
//!
//! Lock order (to rule out deadlock): `index` before `applied`; `queue` and
//! `cache` are never held while taking another lock.

use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::article::Article;
use crate::entities::ArticleSummary;
use crate::ner::Label;

use super::cache::{AnnotationCache, CacheConfig, ContentKey};
use super::index::{DocId, EntityIndex, plain_counted};
use super::{Annotator, ArticleEntities};

/// What the service tells the UI, drained with [`AnnotationService::try_recv`].
#[derive(Debug, Clone)]
pub enum Update {
    /// The entities of the article submitted as `id` (already in the index).
    Annotated {
        id: DocId,
        entities: Arc<ArticleEntities>,
        /// True when they came from the cache rather than the recogniser.
        cached: bool,
        /// [`ServiceConfig::summarize`]'s result, when one is configured.
        summary: Option<Box<ArticleSummary>>,
    },
    /// Something the user should be told once (e.g. in the status bar): a
    /// damaged or unwritable cache, a recogniser failure on one article.
    Warning(String),
}

/// How far background annotation has got: `done` of `total` submitted
/// articles, `cached` of them served from the disk cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub cached: usize,
}

impl Progress {
    /// True when every submitted article is annotated and indexed.
    pub fn is_complete(&self) -> bool {
        self.done >= self.total
    }
}

/// Turns an article's entities into counted index mentions `(label, key,
/// display name, times)` for [`EntityIndex::add_counted`]; see
/// [`super::index`]. Merged entity groups map to one tuple each.
pub type MentionFn =
    Arc<dyn Fn(&Article, &ArticleEntities) -> Vec<(Label, String, String, u32)> + Send + Sync>;

/// Summarises an article's entities for a consumer, on the worker that
/// annotated it (see [`ServiceConfig::summarize`]).
pub type SummaryFn = Arc<dyn Fn(&Article, &ArticleEntities) -> ArticleSummary + Send + Sync>;

/// Tuning for [`AnnotationService::start_with`].
#[derive(Clone)]
pub struct ServiceConfig {
    /// Worker threads; 0 means one per available core.
    pub workers: usize,
    /// Rewrite the cache file at most this often while annotating.
    pub flush_interval: Duration,
    /// How annotations become index entries; [`plain_counted`] by default.
    /// The mention-merging rules plug in here.
    pub mentions: MentionFn,
    /// Optional per-article summary (merged keys, top entities, counted
    /// mentions) sent with each [`Update::Annotated`]: the reader's merging
    /// then runs in parallel on the workers instead of on its UI thread.
    pub summarize: Option<SummaryFn>,
    /// Called (from a worker, with the index locked) after each [`Update`] is
    /// sent, so an event loop can wake up and redraw instead of polling. Keep
    /// it cheap, e.g. a send on the event loop's channel.
    pub notify: Option<Arc<dyn Fn() + Send + Sync>>,
    /// At most this many [`Update::Annotated`] sent and not yet taken with
    /// [`AnnotationService::try_recv`]: workers wait rather than start
    /// another article. An event loop that takes updates on a time budget
    /// falls behind workers reading a warm cache, and every waiting update
    /// holds its summary's strings (thousands of them once cost the reader
    /// about 10 MB). `None` (the default) never waits, for consumers that
    /// only read the index and may never drain.
    pub max_undelivered: Option<usize>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            workers: 0,
            flush_interval: Duration::from_secs(5),
            mentions: Arc::new(plain_counted),
            summarize: None,
            notify: None,
            max_undelivered: None,
        }
    }
}

impl std::fmt::Debug for ServiceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceConfig")
            .field("workers", &self.workers)
            .field("flush_interval", &self.flush_interval)
            .finish_non_exhaustive()
    }
}

/// One per available core, at least one.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct HeapItem {
    /// Higher first: 0 for plain submissions, the prioritise generation after.
    prio: u64,
    /// Lower first within a priority: submission order, or position in the
    /// prioritised list.
    order: std::cmp::Reverse<u64>,
    id: DocId,
    seq: u64,
}

struct Pending {
    article: Arc<Article>,
    seq: u64,
    prio: u64,
    order: u64,
}

struct Job {
    id: DocId,
    seq: u64,
    article: Arc<Article>,
}

/// The shared work queue. The heap may hold stale items (superseded by a
/// later submit or prioritise); `pop` skips any that no longer match
/// `pending`, which keeps re-prioritising O(k log n) for k ids.
#[derive(Default)]
struct Queue {
    heap: BinaryHeap<HeapItem>,
    pending: HashMap<DocId, Pending>,
    next_seq: u64,
    generation: u64,
}

impl Queue {
    fn push(&mut self, id: DocId) {
        if let Some(p) = self.pending.get(&id) {
            self.heap.push(HeapItem {
                prio: p.prio,
                order: std::cmp::Reverse(p.order),
                id,
                seq: p.seq,
            });
        }
    }

    fn pop(&mut self) -> Option<Job> {
        while let Some(item) = self.heap.pop() {
            let live = self.pending.get(&item.id).is_some_and(|p| {
                p.seq == item.seq && p.prio == item.prio && p.order == item.order.0
            });
            if live {
                let p = self.pending.remove(&item.id)?;
                return Some(Job {
                    id: item.id,
                    seq: p.seq,
                    article: p.article,
                });
            }
        }
        None
    }

    fn compact(&mut self) {
        if self.heap.len() > 2 * self.pending.len() + 64 {
            let ids: Vec<DocId> = self.pending.keys().copied().collect();
            self.heap.clear();
            for id in ids {
                self.push(id);
            }
        }
    }
}

struct CacheSlot {
    cache: AnnotationCache,
    /// The file has been read (workers wait for this).
    ready: bool,
    /// Ask the cache thread to save now (the queue ran dry).
    flush_now: bool,
    /// Workers have stopped: save one last time and exit.
    closing: bool,
}

struct Shared {
    annotator: Annotator,
    lists_version: u64,
    mentions: MentionFn,
    summarize: Option<SummaryFn>,
    notify: Option<Arc<dyn Fn() + Send + Sync>>,
    queue: Mutex<Queue>,
    work: Condvar,
    cache: Mutex<CacheSlot>,
    cache_changed: Condvar,
    index: RwLock<EntityIndex>,
    /// Submission sequence number last indexed per id, so a result for an
    /// older submission (superseded while in flight) never replaces a newer
    /// one. Only locked while holding `index` for writing.
    applied: Mutex<HashMap<DocId, u64>>,
    stop: AtomicBool,
    /// Progress counters, atomics so the UI never waits on a lock for them.
    done: AtomicUsize,
    cached: AtomicUsize,
    total: AtomicUsize,
    tx: Sender<Update>,
    /// [`Update::Annotated`] sent and not yet received, and the bound on it
    /// ([`ServiceConfig::max_undelivered`]); workers wait on `room` (under
    /// `room_lock`) while it is reached.
    undelivered: AtomicUsize,
    max_undelivered: Option<usize>,
    room_lock: Mutex<()>,
    room: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the reader down with it; the data
    // behind these locks stays consistent at every unlock point.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn key(&self, article: &Article) -> ContentKey {
        ContentKey::of(article, self.annotator.version(), self.lists_version)
    }

    fn send(&self, update: Update) {
        // The receiver lives in the service; if it is gone we are shutting down.
        if self.tx.send(update).is_ok()
            && let Some(notify) = &self.notify
        {
            notify();
        }
    }

    /// Runs the recogniser, turning a panic on one article into a warning
    /// and no entities, so one hostile article cannot stop the pool.
    fn run_annotator(&self, article: &Article) -> ArticleEntities {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.annotator.annotate(article)
        }));
        match result {
            Ok(entities) => entities,
            Err(_) => {
                self.send(Update::Warning(format!(
                    "{}: entity recogniser failed on \"{}\"; showing it without entities",
                    article.path.display(),
                    article.title
                )));
                ArticleEntities::empty(crate::ner::Lang::En)
            }
        }
    }

    /// Cache first, then the recogniser (filling the cache). Before the file
    /// has loaded, the cache holds only this session's results; callers that
    /// must not miss the file's entries (workers) wait for it first.
    fn entities_for(&self, article: &Article) -> (Arc<ArticleEntities>, bool) {
        let key = self.key(article);
        if let Some(hit) = lock(&self.cache).cache.get(key, article) {
            return (hit, true);
        }
        let entities = Arc::new(self.run_annotator(article));
        lock(&self.cache)
            .cache
            .insert(key, article, Arc::clone(&entities));
        (entities, false)
    }

    /// Runs a merging callback for `article`; if it panics, warns once and
    /// gives the empty result, so one odd article never stops a worker.
    fn merge_or_warn<T: Default>(&self, article: &Article, merge: impl FnOnce() -> T) -> T {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(merge)).unwrap_or_else(|_| {
            self.send(Update::Warning(format!(
                "{}: entity merging failed on \"{}\"; its entities are left out of the index",
                article.path.display(),
                article.title
            )));
            T::default()
        })
    }

    /// Waits while the consumer has [`ServiceConfig::max_undelivered`]
    /// updates waiting (or until the service stops).
    fn wait_for_room(&self) {
        let Some(max) = self.max_undelivered else {
            return;
        };
        let mut g = lock(&self.room_lock);
        while self.undelivered.load(Ordering::Acquire) >= max && !self.stop.load(Ordering::Acquire)
        {
            g = self.room.wait(g).unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn worker(&self) {
        {
            let mut slot = lock(&self.cache);
            while !slot.ready && !self.stop.load(Ordering::Acquire) {
                slot = self
                    .cache_changed
                    .wait(slot)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
        loop {
            // Before taking a job, so an article waiting here can still be
            // overtaken by a later prioritise().
            self.wait_for_room();
            let job = {
                let mut q = lock(&self.queue);
                loop {
                    if self.stop.load(Ordering::Acquire) {
                        return;
                    }
                    if let Some(job) = q.pop() {
                        break job;
                    }
                    q = self.work.wait(q).unwrap_or_else(PoisonError::into_inner);
                }
            };
            let (entities, cached) = self.entities_for(&job.article);
            // Keys are computed here, in parallel; only the cheap merge into
            // the index is serialised.
            let mentions =
                self.merge_or_warn(&job.article, || (self.mentions)(&job.article, &entities));
            let summary = self
                .summarize
                .as_ref()
                .map(|f| Box::new(self.merge_or_warn(&job.article, || f(&job.article, &entities))));
            {
                let mut index = self.index.write().unwrap_or_else(PoisonError::into_inner);
                let mut applied = lock(&self.applied);
                // The newest submission of an id wins, whichever finishes
                // first; sending under the index lock keeps the updates for
                // one id in the same order as the index sees them.
                if applied.get(&job.id).is_none_or(|&seq| seq < job.seq) {
                    applied.insert(job.id, job.seq);
                    index.add_counted(job.id, mentions);
                    self.undelivered.fetch_add(1, Ordering::AcqRel);
                    self.send(Update::Annotated {
                        id: job.id,
                        entities,
                        cached,
                        summary,
                    });
                }
            }
            if cached {
                self.cached.fetch_add(1, Ordering::AcqRel);
            }
            let done = self.done.fetch_add(1, Ordering::AcqRel) + 1;
            let finished = done >= self.total.load(Ordering::Acquire);
            if finished {
                lock(&self.cache).flush_now = true;
                self.cache_changed.notify_all();
            }
        }
    }

    fn cache_thread(&self, config: &CacheConfig, interval: Duration) {
        let (loaded, warnings) = AnnotationCache::open(config, self.annotator.version());
        {
            let mut slot = lock(&self.cache);
            slot.cache.absorb(loaded);
            slot.ready = true;
        }
        self.cache_changed.notify_all();
        for w in warnings {
            self.send(Update::Warning(w));
        }
        let mut last_save = Instant::now();
        let mut warned = false;
        loop {
            let (snapshot, closing) = {
                let mut slot = lock(&self.cache);
                loop {
                    let due = last_save.elapsed() >= interval;
                    if slot.closing || ((due || slot.flush_now) && slot.cache.is_dirty()) {
                        break;
                    }
                    // Nothing to save yet: sleep a whole interval (a worker
                    // wakes us early when the queue runs dry).
                    let wait = if due {
                        interval
                    } else {
                        interval
                            .saturating_sub(last_save.elapsed())
                            .max(Duration::from_millis(1))
                    };
                    slot = self
                        .cache_changed
                        .wait_timeout(slot, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                slot.flush_now = false;
                (slot.cache.snapshot(), slot.closing)
            };
            if let Some(snapshot) = snapshot
                && let Err(e) = snapshot.write()
            {
                lock(&self.cache).cache.mark_dirty();
                if !warned {
                    warned = true;
                    let path = lock(&self.cache)
                        .cache
                        .path()
                        .map(|p| p.display().to_string());
                    self.send(Update::Warning(format!(
                        "{}: cannot save annotation cache: {e}",
                        path.unwrap_or_default()
                    )));
                }
            }
            last_save = Instant::now();
            if closing {
                return;
            }
        }
    }
}

/// Annotates a library in the background. Owned by the UI thread; every
/// method returns quickly. Dropping it stops the workers (each finishes at
/// most the article in hand) and saves the cache.
pub struct AnnotationService {
    shared: Arc<Shared>,
    rx: Receiver<Update>,
    workers: Vec<JoinHandle<()>>,
    cache_thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for AnnotationService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnnotationService")
            .field("annotator", &self.shared.annotator)
            .field("workers", &self.workers.len())
            .finish_non_exhaustive()
    }
}

impl AnnotationService {
    /// Starts `n_workers` workers (0: one per core) annotating with
    /// `annotator`, cached per `cache`.
    pub fn start(annotator: Annotator, cache: CacheConfig, n_workers: usize) -> Self {
        AnnotationService::start_with(
            annotator,
            cache,
            ServiceConfig {
                workers: n_workers,
                ..ServiceConfig::default()
            },
        )
    }

    /// [`AnnotationService::start`] with every knob.
    pub fn start_with(annotator: Annotator, cache: CacheConfig, config: ServiceConfig) -> Self {
        let (tx, rx) = mpsc::channel();
        let n = if config.workers == 0 {
            default_workers()
        } else {
            config.workers
        };
        let shared = Arc::new(Shared {
            cache: Mutex::new(CacheSlot {
                cache: AnnotationCache::new(&cache, annotator.version()),
                ready: false,
                flush_now: false,
                closing: false,
            }),
            annotator,
            lists_version: cache.lists_version,
            mentions: config.mentions,
            summarize: config.summarize,
            notify: config.notify,
            queue: Mutex::new(Queue::default()),
            work: Condvar::new(),
            cache_changed: Condvar::new(),
            index: RwLock::new(EntityIndex::new()),
            applied: Mutex::new(HashMap::new()),
            stop: AtomicBool::new(false),
            done: AtomicUsize::new(0),
            cached: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            tx,
            undelivered: AtomicUsize::new(0),
            max_undelivered: config.max_undelivered,
            room_lock: Mutex::new(()),
            room: Condvar::new(),
        });
        let spawn = |name: String, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new().name(name).spawn(f)
        };
        let mut service = AnnotationService {
            shared: Arc::clone(&shared),
            rx,
            workers: Vec::new(),
            cache_thread: None,
        };
        let interval = config.flush_interval;
        let s = Arc::clone(&shared);
        match spawn(
            "sorot-annot-cache".into(),
            Box::new(move || s.cache_thread(&cache, interval)),
        ) {
            Ok(h) => service.cache_thread = Some(h),
            Err(e) => {
                // Without the cache thread nobody reads the file: run
                // uncached rather than leave the workers waiting.
                lock(&shared.cache).ready = true;
                shared.send(Update::Warning(format!(
                    "cannot start the annotation cache thread, annotating without a cache: {e}"
                )));
            }
        }
        for i in 0..n {
            let s = Arc::clone(&shared);
            match spawn(format!("sorot-annot-{i}"), Box::new(move || s.worker())) {
                Ok(h) => service.workers.push(h),
                Err(e) => {
                    shared.send(Update::Warning(format!(
                        "cannot start annotation worker {i}: {e}"
                    )));
                    break;
                }
            }
        }
        service
    }

    /// Queues articles for background annotation. An id already queued gets
    /// the new article (without losing its place or priority); an id already
    /// done is annotated again (its text may have changed), and its new
    /// result replaces the old one in the index.
    pub fn submit(&self, articles: impl IntoIterator<Item = (DocId, Arc<Article>)>) {
        let mut q = lock(&self.shared.queue);
        for (id, article) in articles {
            let seq = q.next_seq;
            q.next_seq += 1;
            match q.pending.get_mut(&id) {
                Some(p) => {
                    p.article = article;
                    p.seq = seq;
                }
                None => {
                    q.pending.insert(
                        id,
                        Pending {
                            article,
                            seq,
                            prio: 0,
                            order: seq,
                        },
                    );
                    self.shared.total.fetch_add(1, Ordering::AcqRel);
                }
            }
            q.push(id);
        }
        drop(q);
        self.shared.work.notify_all();
    }

    /// Moves `ids` to the front of the queue, in the order given (say the open
    /// article, then the visible ones). Each call outranks every earlier one;
    /// ids not queued (unknown or done) are ignored.
    pub fn prioritise(&self, ids: &[DocId]) {
        let mut q = lock(&self.shared.queue);
        q.generation += 1;
        let generation = q.generation;
        for (i, &id) in ids.iter().enumerate() {
            if let Some(p) = q.pending.get_mut(&id) {
                p.prio = generation;
                p.order = i as u64;
                q.push(id);
            }
        }
        q.compact();
    }

    /// The entities of `article` now, on the calling thread: from the cache
    /// when it has them, else by running the recogniser (and caching the
    /// result). Never waits for the cache file to load.
    pub fn annotate_now(&self, article: &Article) -> Arc<ArticleEntities> {
        self.shared.entities_for(article).0
    }

    /// The next update, if one is waiting. Never blocks; call it until `None`
    /// each frame.
    pub fn try_recv(&self) -> Option<Update> {
        self.rx.try_recv().ok().inspect(|u| self.delivered(u))
    }

    /// The next update, waiting at most `timeout` (benchmarks, tests).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Update> {
        self.rx
            .recv_timeout(timeout)
            .ok()
            .inspect(|u| self.delivered(u))
    }

    fn delivered(&self, update: &Update) {
        if !matches!(update, Update::Annotated { .. }) {
            return;
        }
        let before = self.shared.undelivered.fetch_sub(1, Ordering::AcqRel);
        if self.shared.max_undelivered == Some(before) {
            // Under the lock, so no worker is between its check and its wait.
            drop(lock(&self.shared.room_lock));
            self.shared.room.notify_all();
        }
    }

    /// Background progress, for the status bar ("entities 4,200/10,000").
    pub fn progress(&self) -> Progress {
        // `done` first: `total` only grows and is counted before the job
        // exists, so the snapshot never shows done > total.
        let done = self.shared.done.load(Ordering::Acquire);
        let cached = self.shared.cached.load(Ordering::Acquire);
        Progress {
            done,
            cached,
            total: self.shared.total.load(Ordering::Acquire),
        }
    }

    /// The library's entity index so far (read lock: keep it briefly, e.g.
    /// for one frame's drawing; workers wait while it is held).
    pub fn index(&self) -> RwLockReadGuard<'_, EntityIndex> {
        self.shared
            .index
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The index, unless a worker is writing to it right now: lets a frame
    /// fall back to what it drew last time instead of waiting (a worker
    /// preempted mid-write on a busy machine could otherwise stall a frame).
    pub fn try_index(&self) -> Option<RwLockReadGuard<'_, EntityIndex>> {
        match self.shared.index.try_read() {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// The model version the annotations are made with.
    pub fn model_version(&self) -> &str {
        self.shared.annotator.version()
    }

    /// Number of worker threads running.
    pub fn worker_count(&self) -> usize {
        self.workers.len()
    }
}

impl Drop for AnnotationService {
    fn drop(&mut self) {
        self.stop();
    }
}

impl AnnotationService {
    /// Stops the workers (each finishes at most the article in hand) and
    /// saves the cache, as dropping the service does; afterwards nothing
    /// more is annotated. Calling it again does nothing.
    pub fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        // Taking each lock before notifying means no worker can be between
        // its stop check and its wait, so none misses the wake-up.
        drop(lock(&self.shared.queue));
        self.shared.work.notify_all();
        drop(lock(&self.shared.cache));
        self.shared.cache_changed.notify_all();
        drop(lock(&self.shared.room_lock));
        self.shared.room.notify_all();
        for h in self.workers.drain(..) {
            let _ = h.join();
        }
        // Only now, with every result in, does the cache get its last save.
        lock(&self.shared.cache).closing = true;
        self.shared.cache_changed.notify_all();
        if let Some(h) = self.cache_thread.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::{Lang, Span};

    /// Every capitalised word is an entity: ORG when all capitals, PER
    /// otherwise. Counts its calls.
    fn capitals(calls: Arc<AtomicUsize>) -> Annotator {
        Annotator::new("caps-1", move |a: &Article| {
            calls.fetch_add(1, Ordering::SeqCst);
            let find = |text: &str| -> Vec<Span> {
                let base = text.as_ptr() as usize;
                text.split_whitespace()
                    .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                    .map(|w| {
                        let start = w.as_ptr() as usize - base;
                        let label = if w.chars().all(char::is_uppercase) {
                            Label::Org
                        } else {
                            Label::Per
                        };
                        Span::new(start, start + w.len(), label)
                    })
                    .collect()
            };
            ArticleEntities {
                lang: Lang::En,
                title: find(&a.title),
                body: find(&a.body),
            }
        })
    }

    fn article(i: usize) -> Arc<Article> {
        Arc::new(Article {
            id: format!("a{i}"),
            title: format!("Story {i}"),
            body: format!("Li met NASA people in Jakarta number{i} and Name{}", i % 7),
            ..Article::default()
        })
    }

    fn library(n: usize) -> Vec<(DocId, Arc<Article>)> {
        (0..n).map(|i| (i as DocId, article(i))).collect()
    }

    /// Drains updates until the service reports completion.
    fn wait_complete(service: &AnnotationService) -> Vec<Update> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut updates = Vec::new();
        loop {
            while let Some(u) = service.try_recv() {
                updates.push(u);
            }
            if service.progress().is_complete() {
                while let Some(u) = service.try_recv() {
                    updates.push(u);
                }
                return updates;
            }
            assert!(
                Instant::now() < deadline,
                "timed out: {:?}",
                service.progress()
            );
            if let Some(u) = service.recv_timeout(Duration::from_millis(5)) {
                updates.push(u);
            }
        }
    }

    fn annotated_ids(updates: &[Update]) -> Vec<DocId> {
        updates
            .iter()
            .filter_map(|u| match u {
                Update::Annotated { id, .. } => Some(*id),
                Update::Warning(_) => None,
            })
            .collect()
    }

    #[test]
    fn workers_wait_while_max_undelivered_updates_are_waiting() {
        let calls = Arc::new(AtomicUsize::new(0));
        let service = AnnotationService::start_with(
            capitals(Arc::clone(&calls)),
            CacheConfig::in_memory(),
            ServiceConfig {
                workers: 2,
                max_undelivered: Some(3),
                ..ServiceConfig::default()
            },
        );
        service.submit(library(12));
        let deadline = Instant::now() + Duration::from_secs(20);
        while service.progress().done < 3 {
            assert!(Instant::now() < deadline, "{:?}", service.progress());
            std::thread::sleep(Duration::from_millis(2));
        }
        // Two workers may both pass the check at 2 waiting and send one each.
        std::thread::sleep(Duration::from_millis(100));
        let stalled = service.progress().done;
        assert!(
            (3..=4).contains(&stalled),
            "went on to {stalled} undelivered"
        );
        assert!(calls.load(Ordering::SeqCst) <= 4, "started more articles");
        // Taking updates lets them go on, until every one arrives.
        let ids = annotated_ids(&wait_complete(&service));
        assert_eq!(ids.len(), 12);
        // And a service whose workers are waiting still shuts down.
        service.submit(library(12).into_iter().map(|(i, a)| (i + 100, a)));
        while service.progress().done < 15 {
            assert!(Instant::now() < deadline, "{:?}", service.progress());
            std::thread::sleep(Duration::from_millis(2));
        }
        drop(service);
    }

    #[test]
    fn a_configured_summary_comes_with_every_update() {
        let calls = Arc::new(AtomicUsize::new(0));
        let service = AnnotationService::start_with(
            capitals(calls),
            CacheConfig::in_memory(),
            ServiceConfig {
                workers: 2,
                summarize: Some(Arc::new(|a: &Article, e: &ArticleEntities| {
                    crate::entities::summarize(&a.title, &e.title, &a.body, &e.body, 3)
                })),
                ..ServiceConfig::default()
            },
        );
        service.submit(library(20));
        let updates = wait_complete(&service);
        let mut seen = 0;
        for u in &updates {
            if let Update::Annotated {
                id,
                entities,
                summary,
                ..
            } = u
            {
                let a = article(*id as usize);
                let expected = crate::entities::summarize(
                    &a.title,
                    &entities.title,
                    &a.body,
                    &entities.body,
                    3,
                );
                assert_eq!(summary.as_deref(), Some(&expected), "article {id}");
                assert!(expected.keys.contains(&"ORG:nasa".to_string()));
                seen += 1;
            }
        }
        assert_eq!(seen, 20);
        // Without a summariser, none is computed.
        let plain = AnnotationService::start(
            capitals(Arc::new(AtomicUsize::new(0))),
            CacheConfig::in_memory(),
            1,
        );
        plain.submit(library(3));
        for u in wait_complete(&plain) {
            if let Update::Annotated { summary, .. } = u {
                assert!(summary.is_none());
            }
        }
    }

    #[test]
    fn progress_reaches_total_and_every_article_is_indexed() {
        let calls = Arc::new(AtomicUsize::new(0));
        let service =
            AnnotationService::start(capitals(calls.clone()), CacheConfig::in_memory(), 2);
        assert_eq!(service.worker_count(), 2);
        service.submit(library(60));
        let updates = wait_complete(&service);
        let mut ids = annotated_ids(&updates);
        ids.sort_unstable();
        assert_eq!(ids, (0..60).collect::<Vec<DocId>>());
        let p = service.progress();
        assert_eq!((p.done, p.total, p.cached), (60, 60, 0));
        assert_eq!(calls.load(Ordering::SeqCst), 60);
        let index = service.index();
        assert_eq!(index.doc_count(), 60);
        assert_eq!(index.articles_mentioning(Label::Org, "nasa").len(), 60);
        assert_eq!(index.articles_mentioning(Label::Per, "name3").len(), 9);
        for u in &updates {
            if let Update::Annotated {
                id,
                entities,
                cached,
                ..
            } = u
            {
                assert!(!cached);
                assert!(entities.is_valid_for(&article(*id as usize)));
            }
        }
    }

    #[test]
    fn prioritised_items_finish_first() {
        // One worker, held inside the first article until the queue is set
        // up, makes the order deterministic.
        let order = Arc::new(Mutex::new(Vec::new()));
        let (entered_tx, entered_rx) = mpsc::channel::<()>();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let gate = Mutex::new((entered_tx, release_rx));
        let seen = Arc::clone(&order);
        let annotator = Annotator::new("order-1", move |a: &Article| {
            seen.lock().unwrap().push(a.id.clone());
            if a.id == "a0" {
                let g = gate.lock().unwrap();
                g.0.send(()).unwrap();
                g.1.recv().unwrap();
            }
            ArticleEntities::empty(Lang::En)
        });
        let service = AnnotationService::start(annotator, CacheConfig::in_memory(), 1);
        service.submit(library(1));
        entered_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        service.submit(library(10).into_iter().skip(1));
        service.prioritise(&[4, 8]);
        // A later call outranks an earlier one; unknown and in-flight ids
        // are ignored.
        service.prioritise(&[7, 99, 0, 3]);
        release_tx.send(()).unwrap();
        let updates = wait_complete(&service);
        let expected: Vec<DocId> = vec![0, 7, 3, 4, 8, 1, 2, 5, 6, 9];
        assert_eq!(annotated_ids(&updates), expected);
        let names: Vec<String> = expected.iter().map(|i| format!("a{i}")).collect();
        assert_eq!(*order.lock().unwrap(), names);
    }

    #[test]
    fn warm_start_serves_everything_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let cold =
            AnnotationService::start(capitals(calls.clone()), CacheConfig::at(dir.path()), 2);
        cold.submit(library(40));
        wait_complete(&cold);
        let cold_entries: Vec<(Label, String, usize)> = cold
            .index()
            .entries()
            .iter()
            .map(|e| (e.label, e.key.to_owned(), e.article_count()))
            .collect();
        drop(cold);
        assert_eq!(calls.load(Ordering::SeqCst), 40);
        assert!(dir.path().join(super::super::cache::FILE_NAME).exists());

        let warm =
            AnnotationService::start(capitals(calls.clone()), CacheConfig::at(dir.path()), 2);
        warm.submit(library(40));
        let updates = wait_complete(&warm);
        assert_eq!(calls.load(Ordering::SeqCst), 40, "nothing re-annotated");
        assert_eq!(warm.progress().cached, 40);
        assert!(
            updates
                .iter()
                .all(|u| matches!(u, Update::Annotated { cached: true, .. }))
        );
        let warm_entries: Vec<(Label, String, usize)> = warm
            .index()
            .entries()
            .iter()
            .map(|e| (e.label, e.key.to_owned(), e.article_count()))
            .collect();
        assert_eq!(warm_entries, cold_entries);
        drop(warm);

        // A new model version re-annotates everything.
        let other = Annotator::new("caps-2", {
            let inner = capitals(calls.clone());
            move |a: &Article| inner.annotate(a)
        });
        let service = AnnotationService::start(other, CacheConfig::at(dir.path()), 1);
        service.submit(library(40));
        wait_complete(&service);
        assert_eq!(calls.load(Ordering::SeqCst), 80);
        assert_eq!(service.progress().cached, 0);
    }

    #[test]
    fn a_corrupt_cache_file_is_reported_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(super::super::cache::FILE_NAME);
        std::fs::write(&file, b"SOROTAC1\x05caps").unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let service =
            AnnotationService::start(capitals(calls.clone()), CacheConfig::at(dir.path()), 2);
        service.submit(library(10));
        let updates = wait_complete(&service);
        let warnings: Vec<&String> = updates
            .iter()
            .filter_map(|u| match u {
                Update::Warning(w) => Some(w),
                Update::Annotated { .. } => None,
            })
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("annotations.bin") && warnings[0].contains("truncated"));
        assert_eq!(annotated_ids(&updates).len(), 10);
        drop(service);
        let (cache, warnings) = AnnotationCache::open(&CacheConfig::at(dir.path()), "caps-1");
        assert!(warnings.is_empty(), "replaced by a good file: {warnings:?}");
        assert_eq!(cache.len(), 10);
    }

    #[test]
    fn annotate_now_consults_the_cache() {
        let calls = Arc::new(AtomicUsize::new(0));
        let service =
            AnnotationService::start(capitals(calls.clone()), CacheConfig::in_memory(), 1);
        let a = article(3);
        let first = service.annotate_now(&a);
        let second = service.annotate_now(&a);
        assert_eq!(first, second);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(first.counts(), [4, 1, 0, 0]);
        // The background pass then finds it cached too.
        service.submit([(3, a)]);
        wait_complete(&service);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(service.progress().cached, 1);
    }

    #[test]
    fn resubmitting_replaces_the_index_entry() {
        let calls = Arc::new(AtomicUsize::new(0));
        let service = AnnotationService::start(capitals(calls), CacheConfig::in_memory(), 2);
        service.submit(library(5));
        wait_complete(&service);
        let edited = Arc::new(Article {
            title: "Edited".into(),
            body: "Only ASEAN here".into(),
            ..Article::default()
        });
        service.submit([(2, edited)]);
        wait_complete(&service);
        let p = service.progress();
        assert_eq!((p.done, p.total), (6, 6));
        let index = service.index();
        assert_eq!(index.articles_mentioning(Label::Org, "asean"), &[2]);
        assert_eq!(index.articles_mentioning(Label::Org, "nasa"), &[0, 1, 3, 4]);
    }

    #[test]
    fn a_panicking_recogniser_becomes_a_warning() {
        let annotator = Annotator::new("panics-1", |a: &Article| {
            assert!(a.id != "a1", "recogniser bug");
            ArticleEntities::empty(Lang::Id)
        });
        let service = AnnotationService::start(annotator, CacheConfig::in_memory(), 1);
        service.submit(library(3));
        let updates = wait_complete(&service);
        assert_eq!(annotated_ids(&updates).len(), 3);
        assert!(
            updates
                .iter()
                .any(|u| matches!(u, Update::Warning(w) if w.contains("Story 1")))
        );

        // The same for a panicking mention-merging function.
        let service = AnnotationService::start_with(
            capitals(Arc::new(AtomicUsize::new(0))),
            CacheConfig::in_memory(),
            ServiceConfig {
                workers: 1,
                mentions: Arc::new(|a: &Article, e: &ArticleEntities| {
                    assert!(a.id != "a2", "merging bug");
                    plain_counted(a, e)
                }),
                ..ServiceConfig::default()
            },
        );
        service.submit(library(4));
        let updates = wait_complete(&service);
        assert!(
            updates
                .iter()
                .any(|u| matches!(u, Update::Warning(w) if w.contains("merging failed")))
        );
        assert_eq!(service.index().doc_count(), 3);
    }

    /// Two workers taking 2 ms an article ("slow-1"), caching in `dir`, with
    /// 5,000 articles submitted and at least 10 started; and the count of
    /// articles started.
    fn slow_service_under_way(dir: &std::path::Path) -> (AnnotationService, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let slow = Annotator::new("slow-1", move |_a: &Article| {
            counted.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(2));
            ArticleEntities::empty(Lang::En)
        });
        let service = AnnotationService::start_with(
            slow,
            CacheConfig::at(dir),
            ServiceConfig {
                workers: 2,
                // Long enough that only the final save can write the file.
                flush_interval: Duration::from_secs(3600),
                ..ServiceConfig::default()
            },
        );
        service.submit(library(5000));
        while calls.load(Ordering::SeqCst) < 10 {
            std::thread::sleep(Duration::from_millis(1));
        }
        (service, calls)
    }

    #[test]
    fn drop_stops_workers_promptly_and_saves_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let (service, calls) = slow_service_under_way(dir.path());
        let t = Instant::now();
        drop(service);
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "drop took {:?}",
            t.elapsed()
        );
        let at_drop = calls.load(Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            at_drop,
            "a worker kept running"
        );
        assert!(at_drop < 5000);
        let config = CacheConfig::at(dir.path());
        let (cache, warnings) = AnnotationCache::open(&config, "slow-1");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(cache.len(), at_drop, "every finished annotation was saved");
    }

    /// `stop` is what dropping does, before the drop: the reader stops the
    /// old annotator this way before installing new entity lists.
    #[test]
    fn stop_ends_the_work_and_saves_before_the_service_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (mut service, calls) = slow_service_under_way(dir.path());
        service.stop();
        let at_stop = calls.load(Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            at_stop,
            "a worker kept running"
        );
        let (cache, _) = AnnotationCache::open(&CacheConfig::at(dir.path()), "slow-1");
        assert_eq!(cache.len(), at_stop, "saved by stop, not by the drop");
        // Stopping again, and dropping, find nothing left to do.
        service.stop();
        drop(service);
    }
}
