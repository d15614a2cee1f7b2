//! Themes as drawn: the whole screen rendered on a TestBackend with the
//! user's settings, checking the styles of the cells.

use std::path::Path;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};
use sorot::app::{Action, App};
use sorot::article::Article;
use sorot::config::Settings;
use sorot::state::StateStore;

fn settings(text: &str) -> Settings {
    let (config, errors) = sorot::config::parse(text, Path::new("/t/config.toml"));
    assert!(errors.is_empty(), "{errors:?}");
    Settings {
        config,
        ..Settings::default()
    }
}

fn app(text: &str, no_color: bool) -> App {
    let articles = vec![
        Article {
            id: "a".into(),
            title: "Pelabuhan Surabaya diperluas".into(),
            source: Some("Kabar".into()),
            published: Some("2025-01-30".into()),
            body: "Tiga perusahaan pelayaran menambah rute lewat Surabaya.\n\n\
                   Operator pelabuhan memperkirakan kapasitas naik dua kali lipat."
                .into(),
            ..Article::default()
        },
        Article {
            id: "b".into(),
            title: "Harga kopi naik".into(),
            body: "Petani kopi menikmati harga tertinggi.".into(),
            ..Article::default()
        },
    ];
    let mut app = App::new(StateStore::in_memory());
    app.configure(&settings(text), no_color);
    app.update(Action::ArticlesLoaded(
        articles
            .into_iter()
            .map(sorot::app::LoadedArticle::new)
            .collect(),
    ));
    app.update(Action::LoadingDone);
    app.update(Action::Resize(80, 24));
    app
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn draw(app: &App) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| sorot::ui::draw(f, app)).unwrap();
    t.backend().buffer().clone()
}

/// Opens the first article and finds "Surabaya" in it.
fn find_surabaya(app: &mut App) {
    key(app, KeyCode::Enter);
    key(app, KeyCode::Char('/'));
    for c in "surabaya".chars() {
        key(app, KeyCode::Char(c));
    }
    key(app, KeyCode::Enter);
}

/// Cells whose symbol run spells `word` on some row, as (x, y) of its first cell.
fn find_word(buf: &Buffer, word: &str) -> Vec<(u16, u16)> {
    let area = buf.area;
    let mut out = Vec::new();
    for y in area.top()..area.bottom() {
        let row: String = (area.left()..area.right())
            .map(|x| buf[(x, y)].symbol().chars().next().unwrap_or(' '))
            .collect();
        let mut from = 0;
        while let Some(i) = row[from..].find(word) {
            let col = row[..from + i].chars().count() as u16;
            out.push((col, y));
            from += i + word.len();
        }
    }
    out
}

#[test]
fn dark_and_light_differ_and_overrides_apply_by_name() {
    let focused_border = |buf: &Buffer| buf[(0, 0)].fg;
    let dark = draw(&app("theme = \"dark\"", false));
    let light = draw(&app("theme = \"light\"", false));
    assert_eq!(focused_border(&dark), Color::Cyan);
    assert_eq!(focused_border(&light), Color::Blue);
    let custom = draw(&app(
        "theme = \"light\"\n[colors]\nborder-focused = \"#ff0000\"\n",
        false,
    ));
    assert_eq!(focused_border(&custom), Color::Rgb(255, 0, 0));
}

#[test]
fn search_matches_use_the_configured_style() {
    let mut a = app(
        "[colors]\nsearch-current = \"white on magenta underlined\"\n",
        false,
    );
    find_surabaya(&mut a);
    let buf = draw(&a);
    let hits = find_word(&buf, "Surabaya");
    let styled: Vec<_> = hits
        .iter()
        .filter(|&&(x, y)| buf[(x, y)].bg == Color::Magenta)
        .collect();
    assert_eq!(styled.len(), 1, "one current match: {hits:?}");
    let (x, y) = *styled[0];
    assert_eq!(buf[(x, y)].fg, Color::White);
    assert!(buf[(x, y)].modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn no_color_draws_no_colour_and_marks_matches_with_modifiers() {
    let mut a = app(
        "theme = \"light\"\n[colors]\nentity-per = \"red bold\"\n",
        true,
    );
    find_surabaya(&mut a);
    let buf = draw(&a);
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
    let hits = find_word(&buf, "Surabaya");
    let in_body: Vec<_> = hits
        .iter()
        .filter(|&&(x, y)| buf[(x, y)].modifier.contains(Modifier::REVERSED))
        .collect();
    // Both body matches stand out, the current one more than the other.
    assert!(in_body.len() >= 2, "{hits:?}");
    let underlined = in_body
        .iter()
        .filter(|&&&(x, y)| buf[(x, y)].modifier.contains(Modifier::UNDERLINED))
        .count();
    assert_eq!(underlined, 1);
}
