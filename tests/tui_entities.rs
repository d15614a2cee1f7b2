//! Snapshots of the reader with entities, styles included (the buffer's
//! debug form), driven through the same key path as real input. The
//! entities are fixed spans, not the model's output, so a model update
//! never churns these snapshots.

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sorot::annotations::ArticleEntities;
use sorot::app::{Action, App};
use sorot::article::Article;
use sorot::ner::{Label, Lang, Span};
use sorot::state::StateStore;
use unicode_width::UnicodeWidthStr;

/// Spans over `mentions` of `text`, each searched after the previous one.
fn spans(text: &str, mentions: &[(&str, Label)]) -> Vec<Span> {
    let mut from = 0;
    mentions
        .iter()
        .map(|(m, label)| {
            let start = from + text[from..].find(m).expect("mention in text");
            from = start + m.len();
            Span::new(start, from, *label)
        })
        .collect()
}

/// An article written for these tests, in the manner of the project's
/// Indonesian samples: Chinese person names, international organisations,
/// a wide-character name, two adjacent entities and a long organisation
/// name that wraps at both sizes.
fn library() -> (Vec<Article>, Vec<ArticleEntities>) {
    let title = "Chen Wei tinggalkan Alibaba Cloud";
    let body = "Kepala laboratorium bahasa Alibaba Cloud, Chen Wei, akan bergabung dengan \
                Universitas Nasional Singapura (NUS) mulai semester depan.\n\n\
                Sebelumnya ia bekerja di Microsoft Research Asia di Beijing bersama 刘洋 dan \
                Zhao Xinyi.\n\n\
                Chen mengatakan riset dasar di Singapura lebih bebas.";
    let a = Article {
        id: "chen".into(),
        path: "/articles/chen.txt".into(),
        title: title.into(),
        source: Some("Kabar Teknologi".into()),
        published: Some("2025-03-04".into()),
        lang: Some("id".into()),
        body: body.into(),
        ..Article::default()
    };
    let ents = ArticleEntities {
        lang: Lang::Id,
        title: spans(
            title,
            &[("Chen Wei", Label::Per), ("Alibaba Cloud", Label::Org)],
        ),
        body: spans(
            body,
            &[
                ("Alibaba Cloud", Label::Org),
                ("Chen Wei", Label::Per),
                ("Universitas Nasional Singapura", Label::Org),
                ("NUS", Label::Org),
                ("Microsoft Research Asia", Label::Org),
                ("Beijing", Label::Loc),
                ("刘洋", Label::Per),
                ("Zhao Xinyi", Label::Per),
                ("Chen", Label::Per),
                ("Singapura", Label::Loc),
            ],
        ),
    };
    let b = Article {
        id: "kopi".into(),
        path: "/articles/kopi.txt".into(),
        title: "Harga kopi Gayo naik".into(),
        source: Some("Kabar Aceh".into()),
        published: Some("2025-03-01".into()),
        lang: Some("id".into()),
        body: "Petani kopi di Takengon menikmati harga tertinggi.".into(),
        ..Article::default()
    };
    let ents_b = ArticleEntities {
        lang: Lang::Id,
        title: spans(&b.title, &[("Gayo", Label::Loc)]),
        body: spans(&b.body, &[("Takengon", Label::Loc)]),
    };
    (vec![a, b], vec![ents, ents_b])
}

fn app_at(w: u16, h: u16) -> App {
    let (articles, ents) = library();
    let mut app = App::with_articles(articles, StateStore::in_memory());
    app.update(Action::Resize(w, h));
    app.update(Action::EntitiesAnnotated(
        ents.into_iter()
            .enumerate()
            .map(|(i, e)| (i, Arc::new(e)))
            .collect(),
    ));
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
fn reader_with_entities_80x24() {
    let mut app = app_at(80, 24);
    press(&mut app, KeyCode::Enter);
    let t = draw(&app, 80, 24);
    insta::assert_debug_snapshot!("entities_reader_80x24", t.backend().buffer());
}

#[test]
fn reader_with_entities_40x12() {
    let mut app = app_at(40, 12);
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "jj");
    let t = draw(&app, 40, 12);
    insta::assert_debug_snapshot!("entities_reader_40x12", t.backend().buffer());
}

/// The panel beside the reader, the selected entity's mentions reversed,
/// a find match on top of an entity, and places switched off.
#[test]
fn panel_selection_and_search_on_entities_80x24() {
    let mut app = app_at(80, 24);
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "/cloud");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "3e");
    typed(&mut app, "n");
    let t = draw(&app, 80, 24);
    insta::assert_debug_snapshot!("entities_panel_80x24", t.backend().buffer());
}

#[test]
fn panel_alone_40x12() {
    let mut app = app_at(40, 12);
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "e");
    let t = draw(&app, 40, 12);
    insta::assert_debug_snapshot!("entities_panel_40x12", t.backend().buffer());
}

#[test]
fn list_filtered_by_entity_with_top_entities_80x24() {
    let mut app = app_at(80, 24);
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "e");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "t");
    let t = draw(&app, 80, 24);
    insta::assert_debug_snapshot!("entities_list_filter_80x24", t.backend().buffer());
}

#[test]
fn entity_index_80x24() {
    let mut app = app_at(80, 24);
    typed(&mut app, "E");
    let t = draw(&app, 80, 24);
    insta::assert_snapshot!("entities_index_80x24", t.backend());
    typed(&mut app, "/sing");
    let t = draw(&app, 80, 24);
    insta::assert_snapshot!("entities_index_search_80x24", t.backend());
}

/// The selected row's type, spelled out on the index's bottom border, is
/// drawn only where it leaves the key hint on that border whole.
#[test]
fn entity_index_type_name_never_covers_the_key_hint() {
    let mut app = app_at(80, 24);
    typed(&mut app, "E");
    for w in 40..=100u16 {
        app.update(Action::Resize(w, 24));
        let t = draw(&app, w, 24);
        let buf = t.backend().buffer();
        let rows: Vec<String> = (0..24u16)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect())
            .collect();
        let border = rows
            .iter()
            .find(|r| r.contains("Esc close"))
            .unwrap_or_else(|| panic!("no key hint at width {w}:\n{}", rows.join("\n")));
        // The overlay's own width: from its last └ to the first ┘ after it.
        let cells: Vec<char> = border.chars().collect();
        let hint = " / search · Enter articles · Esc close ";
        let end = cells.iter().rposition(|&c| c == '┘').unwrap_or(0);
        let start = cells[..end].iter().rposition(|&c| c == '└').unwrap_or(0);
        if end - start > hint.chars().count() {
            assert!(border.contains(hint), "width {w}: {border}");
        }
        if w >= 80 {
            assert!(border.contains(" People "), "width {w}: {border}");
        }
    }
}

/// Every size from tiny to wide draws without panicking with the panel
/// and the index open.
#[test]
fn entity_views_draw_at_every_size() {
    let mut panel = app_at(80, 24);
    press(&mut panel, KeyCode::Enter);
    typed(&mut panel, "ennn");
    let mut index = app_at(80, 24);
    typed(&mut index, "tE/a");
    for app in [&mut panel, &mut index] {
        for w in (1..=160u16).step_by(3) {
            for h in 1..=40u16 {
                app.update(Action::Resize(w, h));
                draw(app, w, h);
            }
        }
    }
}

/// Where `needle` is drawn at `w`x`h` (its first cell), searching each row
/// from `from_x` rightwards (so a pane on the left can be skipped).
fn on_screen(app: &App, w: u16, h: u16, needle: &str, from_x: u16) -> (u16, u16) {
    let terminal = draw(app, w, h);
    let buf = terminal.backend().buffer();
    for y in 0..h {
        // One string per row with each cell's x, wide characters once.
        let mut row = String::new();
        let mut xs = Vec::new();
        let mut x = from_x;
        while x < w {
            let sym = buf[(x, y)].symbol();
            for _ in sym.chars() {
                xs.push(x);
            }
            row.push_str(sym);
            // A wide character's second cell holds nothing of its own.
            x += u16::try_from(UnicodeWidthStr::width(sym).max(1)).unwrap_or(1);
        }
        if let Some(at) = row.find(needle) {
            return (xs[row[..at].chars().count()], y);
        }
    }
    panic!("{needle:?} not on screen");
}

fn selected_entity(app: &App) -> Option<(String, Option<usize>)> {
    let panel = app.panel();
    panel
        .selected_group()
        .map(|g| (g.name.clone(), panel.mention))
}

#[test]
fn clicking_an_entity_in_the_text_selects_it_in_the_panel() {
    let (w, h) = (100, 30);
    let mut app = app_at(w, h);
    press(&mut app, KeyCode::Enter);
    assert!(!app.panel().open);
    // The reader is right of the list; click inside "Beijing".
    let (x, y) = on_screen(&app, w, h, "Beijing bersama", 0);
    app.update(Action::Click { x: x + 3, y });
    assert!(app.panel().open, "the panel opens");
    assert_eq!(selected_entity(&app), Some(("Beijing".into(), Some(0))));
    assert_eq!(app.focus(), sorot::app::state::Focus::Reader, "focus stays");
    // A later short form is a mention of the merged entity: "Chen" is the
    // third of Chen Wei's mentions (title, body, then this one).
    let (x, y) = on_screen(&app, w, h, "Chen mengatakan", 0);
    app.update(Action::Click { x, y });
    assert_eq!(selected_entity(&app), Some(("Chen Wei".into(), Some(2))));
    assert!(sorot::ui::status_bar::summary(&app).contains("mention 3 of 3"));
    // The right half of a wide character is that character.
    let (x, y) = on_screen(&app, w, h, "刘洋 dan", 0);
    app.update(Action::Click { x: x + 1, y });
    assert_eq!(selected_entity(&app), Some(("刘洋".into(), Some(0))));
    // Plain text selects nothing new.
    let (x, y) = on_screen(&app, w, h, "bersama", 0);
    app.update(Action::Click { x, y });
    assert_eq!(selected_entity(&app), Some(("刘洋".into(), Some(0))));
}

#[test]
fn clicking_an_entity_in_the_panel_selects_it() {
    let (w, h) = (100, 30);
    let mut app = app_at(w, h);
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "e");
    let first = selected_entity(&app).expect("a selected entity");
    let (x, y) = on_screen(&app, w, h, "  Zhao Xinyi", 60);
    app.update(Action::Click { x: x + 2, y });
    assert_eq!(selected_entity(&app), Some(("Zhao Xinyi".into(), None)));
    assert_ne!(first.0, "Zhao Xinyi");
    assert_eq!(app.focus(), sorot::app::state::Focus::Entities);
    // A heading selects nothing.
    let (x, y) = on_screen(&app, w, h, "Places", 60);
    app.update(Action::Click { x, y });
    assert_eq!(selected_entity(&app), Some(("Zhao Xinyi".into(), None)));
}
