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

    let screen = s.screen_with_escapes();
    let per = Attrs::of(theme.entity_per);
    let org = Attrs::of(theme.entity_org);
    let chen = styles_of(&screen, "Chen Wei");
    assert!(
        chen.iter().any(|a| a.includes(&per)),
        "Chen Wei not drawn as a person ({per:?}): {chen:?}\n{screen}"
    );
    let msr = styles_of(&screen, "Microsoft");
    assert!(
        msr.iter().any(|a| a.includes(&org)),
        "Microsoft Research Asia not drawn as an organisation ({org:?}): {msr:?}\n{screen}"
    );
    // An ordinary word is drawn plainly.
    let plain = styles_of(&screen, "dikabarkan");
    assert!(
        plain.iter().all(|a| !a.includes(&per) && !a.includes(&org)),
        "{plain:?}"
    );

    // The panel lists people and organisations with the names.
    s.keys(&["e"]);
    let panel = s.wait_for("Organisations");
    assert!(panel.contains("People"), "{panel}");
    assert!(panel.contains("Microsoft Research Asia"), "{panel}");
    // Select Chen Wei (the status bar names the selected entity).
    let mut tries = 0;
    while !s.screen().contains("Chen Wei: ") {
        tries += 1;
        assert!(tries < 40, "Chen Wei not in the panel:\n{}", s.screen());
        let before = s.screen();
        s.keys(&["j"]);
        s.wait_until("the selection to move", |sc| sc != before);
    }
    s.keys(&["n"]);
    s.wait_for("Chen Wei: mention 1 of");

    // Enter filters the list to the articles that mention him.
    s.keys(&["Enter"]);
    let filtered = s.wait_for("Articles 1/2");
    assert!(filtered.contains("filter: Chen Wei (PER)"), "{filtered}");
    assert!(!filtered.contains("Festival Kopi"), "{filtered}");
    s.keys(&["Escape"]);
    let all = s.wait_for("Articles 2/2");
    assert!(all.contains("Festival Kopi"), "{all}");
    s.keys(&["q"]);
    s.wait_exit();
}
