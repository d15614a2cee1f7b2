//! Whole-screen snapshots of the reader on a TestBackend, driven through
//! the same key path as real input (key -> key map -> update -> draw).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sorot::app::{Action, App};
use sorot::article::{Article, Problem};
use sorot::state::StateStore;

fn article(
    id: &str,
    title: &str,
    author: Option<&str>,
    source: &str,
    date: &str,
    body: &str,
) -> Article {
    Article {
        id: id.into(),
        path: format!("/articles/{id}.txt").into(),
        title: title.into(),
        author: author.map(Into::into),
        published: Some(date.into()),
        source: Some(source.into()),
        lang: Some("id".into()),
        body: body.into(),
        ..Article::default()
    }
}

/// A small library written for these tests.
fn library() -> Vec<Article> {
    vec![
        article(
            "peneliti",
            "Peneliti Bandung Latih Model Bahasa untuk Bahasa Sunda",
            Some("Sari Wulandari"),
            "Warta Priangan",
            "2025-02-11T08:30:00+07:00",
            "Tim peneliti dari Institut Teknologi Bandung merilis model bahasa kecil yang dilatih dengan teks berbahasa Sunda.\n\n\
             Menurut Dr. Asep Hidayat, model itu dapat berjalan di laptop biasa tanpa koneksi internet.\n\n\
             Kementerian Komunikasi menyebut proyek ini contoh kerja sama kampus dan pemerintah daerah Jawa Barat.",
        ),
        article(
            "harbour",
            "Harbour expansion in Surabaya draws shipping lines",
            Some("Tom Becker"),
            "Coastal Ledger",
            "2025-01-30",
            "Three shipping lines said on Tuesday they would add routes through Surabaya once the new terminal opens.\n\n\
             The port operator, Pelindo, expects the expansion to double container capacity by 2027.",
        ),
        article(
            "kopi",
            "Harga kopi Gayo naik di pasar ekspor",
            None,
            "Kabar Aceh",
            "2024-12-02",
            "Petani kopi di Takengon menikmati harga tertinggi dalam lima tahun terakhir.",
        ),
    ]
}

fn app_at(w: u16, h: u16) -> App {
    let mut app = App::with_articles(library(), StateStore::in_memory());
    app.update(Action::Resize(w, h));
    app
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| sorot::ui::draw(f, app)).unwrap();
    terminal
}

#[test]
fn list_80x24() {
    let app = app_at(80, 24);
    insta::assert_snapshot!("list_80x24", draw(&app, 80, 24).backend());
}

#[test]
fn reader_80x24() {
    let mut app = app_at(80, 24);
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("reader_80x24", draw(&app, 80, 24).backend());
}

#[test]
fn list_40x12() {
    let mut app = app_at(40, 12);
    typed(&mut app, "s");
    insta::assert_snapshot!("list_40x12", draw(&app, 40, 12).backend());
}

#[test]
fn reader_40x12_scrolled() {
    let mut app = app_at(40, 12);
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "jjj");
    insta::assert_snapshot!("reader_40x12_scrolled", draw(&app, 40, 12).backend());
}

#[test]
fn list_filtered_by_search_80x24() {
    let mut app = app_at(80, 24);
    typed(&mut app, "/harga");
    insta::assert_snapshot!("list_search_80x24", draw(&app, 80, 24).backend());
}

#[test]
fn help_80x24() {
    let mut app = app_at(80, 24);
    typed(&mut app, "?");
    insta::assert_snapshot!("help_80x24", draw(&app, 80, 24).backend());
}

#[test]
fn problems_80x24() {
    let mut app = app_at(80, 24);
    app.update(Action::ProblemsFound(vec![Problem {
        path: "/articles/broken.json".into(),
        reason: "line 3, column 14: expected `,` or `}`".into(),
    }]));
    typed(&mut app, "!");
    insta::assert_snapshot!("problems_80x24", draw(&app, 80, 24).backend());
}

/// The first frame appears before anything has loaded.
#[test]
fn loading_80x24() {
    let mut app = App::new(StateStore::in_memory());
    app.update(Action::Resize(80, 24));
    insta::assert_snapshot!("loading_80x24", draw(&app, 80, 24).backend());
}

#[test]
fn too_small() {
    let app = app_at(30, 8);
    insta::assert_snapshot!("too_small_30x8", draw(&app, 30, 8).backend());
}

/// Styles matter here (match highlights, the current match, markers), and
/// the text snapshot drops them, so the buffer's debug form is kept.
#[test]
fn find_highlights_styles_40x12() {
    let mut app = app_at(40, 12);
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "/model");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "n");
    let terminal = draw(&app, 40, 12);
    insta::assert_debug_snapshot!("find_styles_40x12", terminal.backend().buffer());
}

#[test]
fn current_match_and_unread_marker_use_theme_styles() {
    let theme = sorot::ui::theme::Theme::default();
    let mut app = app_at(80, 24);
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "/hidayat");
    let terminal = draw(&app, 80, 24);
    let buf = terminal.backend().buffer();
    let row = (0..24u16)
        .find(|&y| {
            (0..80u16)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains("Hidayat")
        })
        .expect("match on screen");
    let x = (0..80u16)
        .find(|&x| {
            (0..7u16).all(|k| buf[(x + k, row)].symbol() == &"Hidayat"[k as usize..k as usize + 1])
        })
        .expect("match cells");
    for k in 0..7 {
        assert_eq!(
            buf[(x + k, row)].bg,
            theme.search_current.bg.unwrap(),
            "cell {k}"
        );
    }
    assert_ne!(buf[(x + 7, row)].bg, theme.search_current.bg.unwrap());
    // The second article in the list is unread: its marker is styled.
    assert_eq!(buf[(1, 3)].symbol(), "●");
    assert_eq!(buf[(1, 3)].fg, theme.unread_marker.fg.unwrap());
}

#[test]
fn list_styles_80x24() {
    let mut app = app_at(80, 24);
    typed(&mut app, "js");
    let terminal = draw(&app, 80, 24);
    insta::assert_debug_snapshot!("list_styles_80x24", terminal.backend().buffer());
}

/// No terminal size makes drawing panic, in any screen state.
#[test]
fn every_size_up_to_300x100_draws() {
    let long = "Sebuah kalimat panjang tentang Jakarta dan Surabaya. ".repeat(400);
    let mut articles = library();
    articles.push(article(
        "long",
        "字节跳动 ByteDance ".repeat(20).trim(),
        None,
        "X",
        "2025-03-01",
        &long,
    ));
    let mut states: Vec<App> = Vec::new();
    let mut list = App::with_articles(articles.clone(), StateStore::in_memory());
    typed(&mut list, "/a");
    states.push(list);
    let mut reader = App::with_articles(articles.clone(), StateStore::in_memory());
    typed(&mut reader, "G");
    press(&mut reader, KeyCode::Enter);
    typed(&mut reader, "/surabaya");
    press(&mut reader, KeyCode::Enter);
    typed(&mut reader, "G");
    states.push(reader);
    let mut help = App::with_articles(articles.clone(), StateStore::in_memory());
    typed(&mut help, "?jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj");
    states.push(help);
    // The problems overlay, scrolled, with long paths and reasons.
    let mut problems = App::with_articles(articles, StateStore::in_memory());
    problems.update(Action::ProblemsFound(
        (0..40)
            .map(|i| Problem {
                path: format!("/articles/{}/字节跳动-{i}.json", "deep/".repeat(i)).into(),
                reason: format!(
                    "line {i}, column 14: expected `,` or `}}` {}",
                    "é".repeat(i)
                ),
            })
            .collect(),
    ));
    typed(&mut problems, "!jjjjjjjjjj");
    states.push(problems);
    for app in &mut states {
        for w in 1..=300u16 {
            for h in 1..=100u16 {
                // Every size below 100x40, a sample of the larger ones.
                if (w > 100 || h > 40) && (w % 7 != 0 || h % 3 != 0) {
                    continue;
                }
                app.update(Action::Resize(w, h));
                let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
                terminal.draw(|f| sorot::ui::draw(f, app)).unwrap();
            }
        }
    }
}
