//! Benchmark for background annotation: time until the library's entity
//! index is complete with a cold cache and with a warm one, the worst UI
//! frame while it runs, and the latency of `annotate_now` for the open
//! article.
//!
//! ```text
//! cargo run --release --example annotate_bench -- DIR [--generate N] [--workers N] [--samples N] [--cache DIR]
//! ```
//!
//! `DIR` holds the corpus (`.txt` files, read with `article::load_paths`);
//! `--generate N` first writes N synthetic ~5 KB English/Indonesian articles
//! there (skipped when DIR already has that many). The cache lives in a fresh
//! temporary directory, so the first run is cold; `--cache DIR` keeps it in
//! DIR instead, so later invocations can re-measure the warm start alone
//! (the first run is then labelled as such, not as cold).
//!
//! The recogniser is chosen in ONE place, [`annotator`]: the real embedded
//! models, exactly as the reader builds its annotator.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sorot::annotations::index::plain_counted;
use sorot::annotations::{
    AnnotationCache, AnnotationService, Annotator, ArticleEntities, CacheConfig, ContentKey,
    EntityIndex, Update,
};
use sorot::article::{Article, LoadEvent, LoadOptions};

/// The one place that picks the recogniser: the real embedded models, as
/// the reader uses them.
fn annotator() -> (Annotator, &'static str) {
    (
        Annotator::from_parts(
            sorot::ner::model_version(),
            sorot::ner::lang::detect,
            sorot::ner::recognize,
        ),
        "real embedded model",
    )
}

struct Args {
    dir: PathBuf,
    generate: Option<usize>,
    workers: usize,
    samples: usize,
    cache: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut dir = None;
    let mut generate = None;
    let mut workers = 0;
    let mut samples = 500;
    let mut cache = None;
    let num = |v: Option<String>, flag: &str| -> Result<usize, String> {
        v.as_deref()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("{flag} needs a number"))
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--generate" => generate = Some(num(it.next(), "--generate")?),
            "--workers" => workers = num(it.next(), "--workers")?,
            "--samples" => samples = num(it.next(), "--samples")?,
            "--cache" => cache = Some(PathBuf::from(it.next().ok_or("--cache needs a directory")?)),
            _ if a.starts_with("--") => return Err(format!("unknown option {a}")),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir.ok_or(
        "usage: annotate_bench DIR [--generate N] [--workers N] [--samples N] [--cache DIR]",
    )?;
    Ok(Args {
        dir,
        generate,
        workers,
        samples,
        cache,
    })
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("annotate_bench: {e}");
            std::process::exit(2);
        }
    };
    if let Some(n) = args.generate
        && let Err(e) = synth::generate(&args.dir, n)
    {
        eprintln!("annotate_bench: {}: {e}", args.dir.display());
        std::process::exit(1);
    }
    let articles = match load(&args.dir) {
        Ok(a) if !a.is_empty() => a,
        Ok(_) => {
            eprintln!(
                "annotate_bench: {}: no .txt articles (try --generate 10000)",
                args.dir.display()
            );
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("annotate_bench: {}: {e}", args.dir.display());
            std::process::exit(1);
        }
    };
    let (annotator, label) = annotator();
    let bytes: usize = articles.iter().map(|a| a.title.len() + a.body.len()).sum();
    println!("annotator: {label} (version {})", annotator.version());
    // The machine may be shared; say how busy it was.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average at start: {} (cores: {})",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" "),
            sorot::annotations::service::default_workers()
        );
    }
    println!(
        "corpus: {} articles, {:.1} MB, mean {:.1} KB/article",
        articles.len(),
        bytes as f64 / 1e6,
        bytes as f64 / articles.len() as f64 / 1e3
    );
    let temp = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("annotate_bench: cannot create a temporary cache directory: {e}");
            std::process::exit(1);
        }
    };
    let cache_dir = args.cache.clone().unwrap_or_else(|| temp.path().to_owned());
    let preexisting = cache_dir
        .join(sorot::annotations::cache::FILE_NAME)
        .exists();
    let first = if preexisting {
        "first (cache file pre-existing)"
    } else {
        "cold"
    };

    for run in [first, "warm"] {
        let r = background_run(&annotator, &cache_dir, &articles, args.workers);
        let file = cache_dir.join(sorot::annotations::cache::FILE_NAME);
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        println!(
            "{run} cache: index complete in {:>8.1} ms ({} workers, {} from cache, {} entities, {} warnings); \
             UI frames: {} max {:.2} ms, p99 {:.2} ms (wall); drop+save {:.1} ms; cache file {:.2} MB",
            ms(r.complete),
            r.workers,
            r.cached,
            r.entities,
            r.warnings,
            r.frames.len(),
            ms(r.frames.last().copied().unwrap_or_default()),
            ms(percentile(&r.frames, 0.99)),
            ms(r.drop),
            size as f64 / 1e6,
        );
    }

    // Where a warm start's time goes, each phase on one thread.
    let config = CacheConfig::at(&cache_dir);
    let t = Instant::now();
    let (mut cache, _) = AnnotationCache::open(&config, annotator.version());
    let open = t.elapsed();
    let t = Instant::now();
    let keys: Vec<ContentKey> = articles.iter().map(|a| cache.key(a)).collect();
    let hashing = t.elapsed();
    let t = Instant::now();
    let hits: Vec<Arc<ArticleEntities>> = articles
        .iter()
        .zip(&keys)
        .filter_map(|(a, k)| cache.get(*k, a))
        .collect();
    let lookup = t.elapsed();
    let t = Instant::now();
    let cpu = thread_cpu();
    let mut index = EntityIndex::new();
    for (i, (a, e)) in articles.iter().zip(&hits).enumerate() {
        index.add_counted(i as u32, plain_counted(a, e));
    }
    let indexing = t.elapsed();
    let indexing_cpu = cpu.zip(thread_cpu()).map(|(a, b)| b.saturating_sub(a));
    println!(
        "warm phases (1 thread): cache open {:.1} ms ({} entries), hashing {:.1} ms, lookups {:.1} ms, indexing {:.1} ms wall / {:.1} ms CPU ({} mentions, {} entities)",
        ms(open),
        cache.len(),
        ms(hashing),
        ms(lookup),
        ms(indexing),
        ms(indexing_cpu.unwrap_or_default()),
        hits.iter().map(|e| e.len()).sum::<usize>(),
        index.len()
    );

    // annotate_now: the open article, on the UI thread. Misses run the
    // recogniser; hits are what reopening an article costs.
    let service = AnnotationService::start(annotator.clone(), CacheConfig::in_memory(), 1);
    let step = (articles.len() / args.samples.max(1)).max(1);
    let sample: Vec<&Arc<Article>> = articles.iter().step_by(step).collect();
    for kind in ["miss", "hit"] {
        let cpu_start = thread_cpu();
        let mut times: Vec<Duration> = sample
            .iter()
            .map(|a| {
                let t = Instant::now();
                let e = service.annotate_now(a);
                let d = t.elapsed();
                std::hint::black_box(e);
                d
            })
            .collect();
        // The kernel's per-thread CPU clock is coarse, so only the batch
        // total is meaningful: its mean says what a call costs on an idle core.
        let cpu_mean = cpu_start
            .zip(thread_cpu())
            .map(|(a, b)| b.saturating_sub(a) / times.len().max(1) as u32);
        times.sort_unstable();
        println!(
            "annotate_now ({kind}, {} articles): wall median {:.3} ms, p95 {:.3} ms, max {:.3} ms; mean CPU {:.3} ms  [{label}]",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(times.last().copied().unwrap_or_default()),
            ms(cpu_mean.unwrap_or_default()),
        );
    }
}

struct RunResult {
    complete: Duration,
    drop: Duration,
    /// Wall time of each simulated frame, sorted ascending.
    frames: Vec<Duration>,
    workers: usize,
    cached: usize,
    entities: usize,
    warnings: usize,
}

/// Starts the service and plays the UI thread: every 16 ms a "frame" drains
/// the results, reads progress and peeks at the index, as the TUI will.
fn background_run(
    annotator: &Annotator,
    cache_dir: &Path,
    articles: &[Arc<Article>],
    workers: usize,
) -> RunResult {
    let t0 = Instant::now();
    let service = AnnotationService::start(annotator.clone(), CacheConfig::at(cache_dir), workers);
    service.submit(
        articles
            .iter()
            .enumerate()
            .map(|(i, a)| (i as u32, Arc::clone(a))),
    );
    // The reader opens the first article and shows the next 40.
    let visible: Vec<u32> = (0..articles.len().min(40) as u32).collect();
    service.prioritise(&visible);
    let mut entities: Vec<Option<Arc<ArticleEntities>>> = vec![None; articles.len()];
    let mut frames = Vec::new();
    let mut warnings = 0;
    let complete = loop {
        let frame = Instant::now();
        while let Some(u) = service.try_recv() {
            match u {
                Update::Annotated {
                    id, entities: e, ..
                } => entities[id as usize] = Some(e),
                Update::Warning(w) => {
                    warnings += 1;
                    eprintln!("warning: {w}");
                }
            }
        }
        let progress = service.progress();
        // As the TUI should: never wait for a worker mid-write.
        if let Some(index) = service.try_index() {
            std::hint::black_box(index.doc_count());
        }
        frames.push(frame.elapsed());
        if progress.is_complete() {
            break t0.elapsed();
        }
        std::thread::sleep(Duration::from_millis(16));
    };
    let progress = service.progress();
    let n_entities = service.index().len();
    let workers = service.worker_count();
    let t = Instant::now();
    drop(service);
    let drop_time = t.elapsed();
    frames.sort_unstable();
    RunResult {
        complete,
        drop: drop_time,
        frames,
        workers,
        cached: progress.cached,
        entities: n_entities,
        warnings,
    }
}

/// CPU time this thread has run (Linux), to tell work from waiting for a
/// core on a shared machine.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn load(dir: &Path) -> std::io::Result<Vec<Arc<Article>>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let mut articles = Vec::with_capacity(paths.len());
    sorot::article::load_paths(&paths, &LoadOptions::default(), &mut |ev| match ev {
        LoadEvent::Article(a) => articles.push(Arc::new(a)),
        LoadEvent::Problem(p) => eprintln!("skipped {p}"),
    });
    Ok(articles)
}

/// Synthetic corpus: ~5 KB articles, alternating English and Indonesian,
/// naming people, organisations and places, deterministic for a given N.
mod synth {
    use std::io::Write;
    use std::path::Path;

    const PEOPLE: &[&str] = &[
        "Li Lei",
        "Zhang Yiming",
        "Liang Rubo",
        "Sri Mulyani",
        "Joko Widodo",
        "Retno Marsudi",
        "Shou Zi Chew",
        "Ma Huateng",
        "Ursula von der Leyen",
        "António Guterres",
        "Nadiem Makarim",
        "Erick Thohir",
        "Wang Yi",
        "Kristalina Georgieva",
        "Budi Gunadi Sadikin",
        "José Ramos-Horta",
    ];
    const ORGS: &[&str] = &[
        "ByteDance",
        "TikTok",
        "PBB",
        "ASEAN",
        "World Bank",
        "IMF",
        "Tencent",
        "Gojek",
        "Tokopedia",
        "Bank Indonesia",
        "WHO",
        "Alibaba Group",
        "Pertamina",
        "Garuda Indonesia",
        "UNESCO",
    ];
    const PLACES: &[&str] = &[
        "Jakarta",
        "Beijing",
        "Surabaya",
        "Singapore",
        "Bandung",
        "London",
        "Medan",
        "Shanghai",
        "Makassar",
        "Denpasar",
        "Yogyakarta",
        "Shenzhen",
    ];
    const EN: &[&str] = &[
        "Officials said {P} met representatives of {O} in {L} on Tuesday to discuss the new rules.",
        "According to {P}, the agreement between {O} and {O} would take effect next year.",
        "The announcement surprised analysts in {L}, who had expected {O} to wait for the regulator.",
        "{P} told reporters that the talks with {P} had been constructive but that details remained open.",
        "Shares of {O} rose after the company confirmed plans to expand its offices in {L}.",
        "Critics argued that the decision by {O} ignored the concerns of small businesses across the region.",
        "In a statement, {O} said it was cooperating fully with the authorities in {L} and {L}.",
        "The minister, {P}, is expected to visit {L} later this month with a delegation from {O}.",
    ];
    const ID: &[&str] = &[
        "Menurut {P}, kerja sama antara {O} dan {O} akan dimulai tahun depan di {L}.",
        "{P} bertemu dengan perwakilan {O} di {L} pada hari Selasa untuk membahas aturan baru.",
        "Pengumuman itu mengejutkan para analis di {L} yang memperkirakan {O} akan menunggu regulator.",
        "Dalam pernyataannya, {O} mengatakan bahwa mereka bekerja sama dengan pemerintah di {L}.",
        "Saham {O} naik setelah perusahaan itu mengonfirmasi rencana membuka kantor baru di {L}.",
        "{P} mengatakan kepada wartawan bahwa pembicaraan dengan {P} berjalan baik dan terbuka.",
        "Para pengkritik menilai keputusan {O} tidak memperhatikan kepentingan usaha kecil di daerah.",
        "Menteri {P} dijadwalkan mengunjungi {L} bulan ini bersama delegasi dari {O} dan {O}.",
    ];

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 33) as usize
        }
        fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
            v[self.next() % v.len()]
        }
    }

    fn fill(template: &str, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(template.len() + 40);
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let pool = match &rest[i + 1..i + 2] {
                "P" => PEOPLE,
                "O" => ORGS,
                _ => PLACES,
            };
            out.push_str(rng.pick(pool));
            rest = &rest[i + 3..];
        }
        out.push_str(rest);
        out
    }

    /// Writes `n` articles `article-00000.txt`... into `dir` (title line,
    /// blank line, paragraphs), unless it already holds `n` `.txt` files.
    pub fn generate(dir: &Path, n: usize) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let existing = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .count();
        if existing >= n {
            return Ok(());
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for i in 0..n {
            let templates = if i % 2 == 0 { EN } else { ID };
            let mut text = fill(rng.pick(templates), &mut rng);
            text.push_str("\n\n");
            let target = 4000 + rng.next() % 2000;
            let mut para = 0;
            while text.len() < target {
                text.push_str(&fill(rng.pick(templates), &mut rng));
                para += 1;
                text.push_str(if para % 5 == 0 { "\n\n" } else { " " });
            }
            let mut f = std::fs::File::create(dir.join(format!("article-{i:05}.txt")))?;
            f.write_all(text.as_bytes())?;
        }
        Ok(())
    }
}
