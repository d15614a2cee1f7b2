//! Cost of one key in the reader with a 1 MB article open, including the
//! redraw, on a TestBackend: `cargo bench --bench scroll`. The budget is one
//! frame (16 ms) per key; wrapping happens once per width, not per key.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sorot::app::{Action, App};
use sorot::article::Article;
use sorot::state::StateStore;

const W: u16 = 120;
const H: u16 = 40;

/// About 1 MB of news-like text in paragraphs of ~600 bytes.
fn big_article() -> Article {
    let sentences = [
        "Li Lei meninggalkan ByteDance AI Labs untuk bergabung dengan UCSB di Santa Barbara.",
        "The ministry said on Tuesday that the new terminal in Surabaya would open next year.",
        "Menurut Zhang Yiming, perusahaan akan membuka pusat riset baru di Jakarta.",
        "Analysts at Baidu Research expect demand for chips to keep rising in 2026.",
    ];
    let mut body = String::with_capacity(1_050_000);
    let mut i = 0;
    while body.len() < 1_000_000 {
        if i % 7 == 0 && !body.is_empty() {
            body.push_str("\n\n");
        } else if !body.is_empty() {
            body.push(' ');
        }
        body.push_str(sentences[i % sentences.len()]);
        i += 1;
    }
    Article {
        id: "big".into(),
        title: "A one-megabyte article".into(),
        body,
        ..Article::default()
    }
}

fn opened() -> (App, Terminal<TestBackend>) {
    let mut app = App::with_articles(vec![big_article()], StateStore::in_memory());
    app.update(Action::Resize(W, H));
    app.update(Action::Open);
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    terminal.draw(|f| sorot::ui::draw(f, &app)).unwrap();
    (app, terminal)
}

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn bench(c: &mut Criterion) {
    let (mut app, mut terminal) = opened();
    c.bench_function("scroll_line_1mb_key_and_draw", |b| {
        b.iter(|| {
            if app.reader().scroll >= 20_000 {
                app.update(Action::ScrollTop);
            }
            app.handle_key(black_box(key(KeyCode::Char('j'))));
            terminal.draw(|f| sorot::ui::draw(f, &app)).unwrap();
        });
    });

    let (mut app, mut terminal) = opened();
    c.bench_function("page_down_1mb_key_and_draw", |b| {
        b.iter(|| {
            if app.reader().scroll >= app.open_layout().unwrap().max_scroll(usize::from(H)) {
                app.update(Action::ScrollTop);
            }
            app.handle_key(black_box(key(KeyCode::PageDown)));
            terminal.draw(|f| sorot::ui::draw(f, &app)).unwrap();
        });
    });

    let (mut app, mut terminal) = opened();
    app.update(Action::SearchStart);
    for ch in "surabaya".chars() {
        app.update(Action::SearchInput(ch));
    }
    app.update(Action::SearchSubmit);
    c.bench_function("next_match_1mb_key_and_draw", |b| {
        b.iter(|| {
            app.handle_key(black_box(key(KeyCode::Char('n'))));
            terminal.draw(|f| sorot::ui::draw(f, &app)).unwrap();
        });
    });

    // Moving through a library of 10,000 articles: only visible rows are built.
    let library: Vec<Article> = (0..10_000)
        .map(|i| Article {
            id: format!("a{i}"),
            title: format!("Berita nomor {i} tentang pelabuhan di Surabaya"),
            source: Some(["Kompas", "Tempo", "Antara"][i % 3].into()),
            published: Some(format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1)),
            body: "Isi berita singkat.".into(),
            ..Article::default()
        })
        .collect();
    let mut app = App::with_articles(library, StateStore::in_memory());
    app.update(Action::Resize(W, H));
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    c.bench_function("list_next_10k_key_and_draw", |b| {
        b.iter(|| {
            if app.list().selected + 1 >= app.list().visible.len() {
                app.update(Action::SelectFirst);
            }
            app.handle_key(black_box(key(KeyCode::Char('j'))));
            terminal.draw(|f| sorot::ui::draw(f, &app)).unwrap();
        });
    });

    // The one-off cost paid when the width changes: wrap the whole article.
    let (mut app, mut terminal) = opened();
    let mut step: u16 = 0;
    c.bench_function("resize_rewrap_1mb_and_draw", |b| {
        b.iter(|| {
            // Cycling through more widths than the layout cache holds makes
            // every iteration a miss, i.e. a full rewrap.
            step = (step + 1) % 8;
            let w = W + step;
            app.update(Action::Resize(w, H));
            terminal
                .resize(ratatui::layout::Rect::new(0, 0, w, H))
                .unwrap();
            terminal.draw(|f| sorot::ui::draw(f, &app)).unwrap();
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
