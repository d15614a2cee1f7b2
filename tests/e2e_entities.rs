//! End-to-end entities: the release binary in tmux opens an Indonesian
//! article written for the project (Chinese person names, international
//! organisations), and the captured screen, with its colours
//! (`capture-pane -e`), must show a person and an organisation in their
//! types' theme styles; the entity panel must list them; Enter on an entity
//! must filter the list down to the articles that mention it. Uses the real
//! embedded model. Skips (saying so) without tmux.

#[path = "common/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use sorot::annotations::Annotator;
use sorot::article::{Article, LoadEvent, LoadOptions};
use sorot::entities::{EntityGroup, merge_article};
use sorot::ner::Label;
use sorot::ui::theme::{Theme, sgr};

/// The display attributes in effect, as far as these tests care.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Attrs {
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
    reverse: bool,
    /// SGR foreground code (30-37, 90-97), if any.
    fg: Option<u16>,
}

impl Attrs {
    /// Applies the parameters of one SGR sequence.
    fn apply(&mut self, params: &str) {
        let codes: Vec<u16> = params
            .split(';')
            .map(|p| p.split(':').next().unwrap_or("").parse().unwrap_or(0))
            .collect();
        let mut i = 0;
        while i < codes.len() {
            match codes[i] {
                0 => *self = Attrs::default(),
                1 => self.bold = true,
                2 => self.dim = true,
                3 => self.italic = true,
                4 => self.underline = true,
                7 => self.reverse = true,
                22 => (self.bold, self.dim) = (false, false),
                23 => self.italic = false,
                24 => self.underline = false,
                27 => self.reverse = false,
                c @ (30..=37 | 90..=97) => self.fg = Some(c),
                39 => self.fg = None,
                // tmux writes the 16 basic colours as 256-colour indices.
                38 if codes.get(i + 1) == Some(&5) => {
                    self.fg = codes.get(i + 2).map(|&n| match n {
                        0..=7 => 30 + n,
                        8..=15 => 90 + n - 8,
                        n => 1000 + n,
                    });
                    i += 2;
                }
                // Other extended colours: skip their arguments.
                38 | 48 => i += if codes.get(i + 1) == Some(&5) { 2 } else { 4 },
                _ => {}
            }
            i += 1;
        }
    }

    /// What the reader asks for with `style` (through the same SGR
    /// conversion `sorot annotate` uses).
    fn of(style: Style) -> Attrs {
        let mut a = Attrs::default();
        let seq = sgr(style);
        if let Some(p) = seq.strip_prefix("\x1b[").and_then(|s| s.strip_suffix('m')) {
            a.apply(p);
        }
        a
    }

    /// True when everything `want` turns on is on here.
    fn includes(&self, want: &Attrs) -> bool {
        (!want.bold || self.bold)
            && (!want.dim || self.dim)
            && (!want.italic || self.italic)
            && (!want.underline || self.underline)
            && (!want.reverse || self.reverse)
            && (want.fg.is_none() || self.fg == want.fg)
    }
}

/// Every occurrence of `word` in a `capture-pane -e` screen, with the
/// attributes its first character is drawn with.
fn styles_of(screen: &str, word: &str) -> Vec<Attrs> {
    let mut out = Vec::new();
    let mut attrs = Attrs::default();
    let mut rest = screen;
    while !rest.is_empty() {
        if let Some(seq) = rest.strip_prefix("\x1b[") {
            let end = seq
                .find(|c: char| c.is_ascii_alphabetic())
                .unwrap_or(seq.len().saturating_sub(1));
            if seq[end..].starts_with('m') {
                attrs.apply(&seq[..end]);
            }
            rest = &seq[(end + 1).min(seq.len())..];
            continue;
        }
        if rest.starts_with(word) {
            out.push(attrs);
        }
        let c = rest.chars().next().map_or(1, char::len_utf8);
        rest = &rest[c..];
    }
    out
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    // The second article mentions none of the first one's people.
    vec![
        root.join("entities-id.txt"),
        root.join("tui/festival-kopi.txt"),
    ]
}

/// The first fixture's entities as the reader's own annotator finds them
/// with the embedded model, merged as the panel merges them. Asking the
/// model (instead of hard-coding names) keeps the test about the reader:
/// a retrained model changes which names are found, not whether the reader
/// shows them right.
fn model_groups() -> (Article, Vec<EntityGroup>) {
    let mut articles = Vec::new();
    sorot::article::load_paths(&fixtures()[..1], &LoadOptions::default(), &mut |ev| {
        if let LoadEvent::Article(a) = ev {
            articles.push(a);
        }
    });
    let a = articles.remove(0);
    let annotator = Annotator::from_parts(
        sorot::ner::model_version(),
        sorot::ner::lang::detect,
        sorot::ner::recognize,
    );
    let e = annotator.annotate(&a);
    let groups = merge_article(&a.title, &e.title, &a.body, &e.body);
    (a, groups)
}

#[test]
fn tracker_reads_the_sequences_the_theme_produces() {
    let t = Theme::default();
    let per = Attrs::of(t.entity_per);
    assert!(per.bold && per.fg == Some(35));
    let screen = format!("a {}Chen Wei\x1b[0m b\nChen Wei", sgr(t.entity_per));
    let found = styles_of(&screen, "Chen Wei");
    assert_eq!(found.len(), 2);
    assert!(found[0].includes(&per));
    assert!(!found[1].includes(&per));
    let mut split = Attrs::default();
    split.apply("4:1;38;5;4");
    assert!(
        split.includes(&Attrs::of(
            Style::new()
                .fg(Color::Blue)
                .add_modifier(Modifier::UNDERLINED)
        ))
    );
}

#[test]
fn e2e_entities_highlight_panel_and_filter() {
    require_tmux!("e2e_entities_highlight_panel_and_filter");
    let theme = Theme::default();
    let s = tmux::Session::new("entities");
    s.start_paths(&fixtures());
    s.wait_for("2 articles");
    // Titles sort alphabetically when undated: the festival comes first.
    s.keys(&["j", "Enter"]);
    s.wait_for("Entities: PER");

    let (article, groups) = model_groups();
    let person = groups
        .iter()
        .find(|g| g.label == Label::Per)
        .expect("the model finds a person in the fixture");
    assert!(
        groups.iter().any(|g| g.label == Label::Org),
        "the model finds an organisation in the fixture: {groups:?}"
    );
    let screen = s.screen_with_escapes();
    // Every mention of each type that is on screen in one piece.
    let drawn_as = |label: Label| -> Vec<Attrs> {
        groups
            .iter()
            .filter(|g| g.label == label)
            .flat_map(|g| &g.mentions)
            .flat_map(|m| {
                let text = match m.field {
                    sorot::entities::Field::Title => &article.title[m.start..m.end],
                    sorot::entities::Field::Body => &article.body[m.start..m.end],
                };
                styles_of(&screen, text)
            })
            .collect()
    };
    let per = Attrs::of(theme.entity_per);
    let org = Attrs::of(theme.entity_org);
    let people = drawn_as(Label::Per);
    assert!(
        people.iter().any(|a| a.includes(&per)),
        "no person drawn as a person ({per:?}): {people:?}\n{screen}"
    );
    let orgs = drawn_as(Label::Org);
    assert!(
        orgs.iter().any(|a| a.includes(&org)),
        "no organisation drawn as one ({org:?}): {orgs:?}\n{screen}"
    );
    // An ordinary word is drawn plainly.
    let plain = styles_of(&screen, "dikabarkan");
    assert!(
        !plain.is_empty() && plain.iter().all(|a| !a.includes(&per) && !a.includes(&org)),
        "{plain:?}"
    );

    // The panel lists people and organisations with the names.
    s.keys(&["e"]);
    let panel = s.wait_for("Organisations");
    assert!(panel.contains("People"), "{panel}");
    assert!(panel.contains(&person.name), "{panel}");
    // Select that person (the status bar names the selected entity).
    let selected = format!("{}: ", person.name);
    let mut tries = 0;
    while !s.screen().contains(&selected) {
        tries += 1;
        assert!(
            tries < 60,
            "{} never selected:\n{}",
            person.name,
            s.screen()
        );
        let before = s.screen();
        s.keys(&["j"]);
        s.wait_until("the selection to move", |sc| sc != before);
    }
    s.keys(&["n"]);
    s.wait_for(&format!(
        "{}: mention 1 of {}",
        person.name,
        person.mentions.len()
    ));

    // Enter filters the list to the articles that mention the person.
    s.keys(&["Enter"]);
    let filtered = s.wait_for("Articles 1/2");
    assert!(
        filtered.contains(&format!("filter: {} (PER)", person.name)),
        "{filtered}"
    );
    assert!(!filtered.contains("Festival Kopi"), "{filtered}");
    s.keys(&["Escape"]);
    let all = s.wait_for("Articles 2/2");
    assert!(all.contains("Festival Kopi"), "{all}");
    s.keys(&["q"]);
    s.wait_exit();
}

/// The cell (column, row) where `text` is first drawn at or right of column
/// `from_x` on a plain capture (one char per cell: no wide characters here).
fn cell_of(screen: &str, text: &str, from_x: usize) -> Option<(u16, u16)> {
    screen.lines().enumerate().find_map(|(y, line)| {
        let cells: Vec<char> = line.chars().collect();
        let want: Vec<char> = text.chars().collect();
        (from_x..cells.len().saturating_sub(want.len() - 1))
            .find(|&x| cells[x..x + want.len()] == want[..])
            .map(|x| (x as u16, y as u16))
    })
}

#[test]
fn e2e_click_on_a_name_selects_it_in_the_panel() {
    require_tmux!("e2e_click_on_a_name_selects_it_in_the_panel");
    let s = tmux::Session::new("entity-click");
    s.start_paths(&fixtures());
    s.wait_for("2 articles");
    s.keys(&["j", "Enter"]);
    // The status bar names the focused pane: the reader, once Enter is in.
    let screen = s.wait_until("the reader to open", |sc| {
        sc.contains("Entities: PER") && sc.contains("· reader")
    });
    let (_, groups) = model_groups();
    let person = groups
        .iter()
        .find(|g| g.label == Label::Per)
        .expect("the model finds a person in the fixture");
    // In the reading pane (right of the list), inside the name.
    let list_width = screen
        .lines()
        .next()
        .map_or(0, |l| l.chars().position(|c| c == '┐').unwrap_or(0));
    let (x, y) = cell_of(&screen, &person.name, list_width + 1)
        .unwrap_or_else(|| panic!("{} not drawn:\n{screen}", person.name));
    s.click(x + 1, y);
    let after = s.wait_for(&format!("{}: mention ", person.name));
    assert!(after.contains("Entities "), "the panel opened:\n{after}");
    s.keys(&["q"]);
    s.wait_exit();
}

/// `R` reads the user's entity lists again: a name added to the always list
/// becomes an entity in the open article, one added to the never list stops
/// being one, a broken file is listed as a problem (and the problem goes
/// once the file is fixed), and the lists still apply after a restart.
#[test]
fn e2e_reload_entity_lists() {
    require_tmux!("e2e_reload_entity_lists");
    let s = tmux::Session::new("entity-reload");
    let dir = tempfile::tempdir().expect("temp dir");
    let article = dir.path().join("zorblax.txt");
    std::fs::write(
        &article,
        "Kantor baru di Jakarta\n\nPerusahaan rintisan zorblax membuka kantor di Jakarta. \
         Pendiri zorblax, Budi Santoso, mengatakan kantor itu akan merekrut seratus orang.\n",
    )
    .expect("article");
    let lists = s.config_home().join("sorot/entities.toml");
    std::fs::create_dir_all(lists.parent().expect("dir")).expect("sorot config dir");
    // Wide enough for the status bar to show the whole notice.
    s.start(&[article.display().to_string()], 160, 30);
    s.wait_for("1 article");
    s.keys(&["Enter", "e"]);
    let before = s.wait_until("the panel with the model's entities", |sc| {
        sc.contains("Places") && sc.contains("· entities")
    });
    assert!(before.contains("Jakarta"), "{before}");
    assert!(!before.contains("Organisations"), "{before}");

    const LISTS: &str = "never = [\"Jakarta\"]\n[[always]]\nname = \"zorblax\"\ntype = \"ORG\"\n";
    let write_lists = |text: &str| std::fs::write(&lists, text).expect("lists written");
    write_lists(LISTS);
    s.keys(&["R"]);
    let after = s.wait_for("entity lists reloaded: 1 always tagged, 1 never");
    let after = if after.contains("zorblax") && after.contains("Organisations") {
        after
    } else {
        s.wait_until("the panel to show the forced name", |sc| {
            sc.contains("Organisations") && sc.contains("zorblax")
        })
    };
    assert!(
        !after.contains("Places"),
        "Jakarta is never tagged now:\n{after}"
    );

    // A broken file: a problem naming it; fixing it clears the problem.
    write_lists("[[always]\nname = \"zorblax\"\n");
    s.keys(&["R"]);
    s.wait_for("with problems (press !)");
    s.wait_for("1 problem");
    write_lists(LISTS);
    s.keys(&["R"]);
    let fixed = s.wait_for("entity lists reloaded: 1 always tagged, 1 never");
    assert!(!fixed.contains("problem"), "{fixed}");

    // The lists apply from the start next time.
    s.keys(&["q"]);
    s.wait_exit();
    s.restart_paths(&[article]);
    s.wait_for("1 article");
    s.keys(&["Enter", "e"]);
    let again = s.wait_until("the forced name at the next start", |sc| {
        sc.contains("Organisations") && sc.contains("zorblax")
    });
    assert!(!again.contains("Places"), "{again}");
    s.keys(&["q"]);
    s.wait_exit();
}
