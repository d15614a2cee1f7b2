//! Every colour and style the reader uses. Widgets ask the [`Theme`] by
//! meaning (`theme.border(focused)`, `theme.entity(Label::Per)`) and never
//! name a colour themselves, so one struct restyles the whole screen.

use ratatui::style::{Color, Modifier, Style};

use crate::ner::Label;

/// The reader's styles, by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Plain text.
    pub text: Style,
    /// Secondary text: source and date, byline, empty-state messages.
    pub dim: Style,
    /// The article title in the reading pane.
    pub title: Style,
    /// A pane border without focus.
    pub border: Style,
    /// The border of the focused pane.
    pub border_focused: Style,
    /// Pane titles.
    pub pane_title: Style,
    /// The selected list item.
    pub selected: Style,
    /// The title of an unread article in the list.
    pub unread_title: Style,
    /// The unread marker.
    pub unread_marker: Style,
    /// The starred marker.
    pub starred_marker: Style,
    /// The status bar background and text.
    pub status: Style,
    /// Key names in the status bar and the help overlay.
    pub key: Style,
    /// The search prompt.
    pub prompt: Style,
    /// A find-in-article match.
    pub search_match: Style,
    /// The match the reader jumped to.
    pub search_current: Style,
    /// Warnings: the problems count, "terminal too small".
    pub warning: Style,
    /// Headings in overlays.
    pub heading: Style,
    /// Entity mentions by type. Foreground plus a modifier, so the types
    /// stay apart without colour (colour-blind readers, light terminals).
    pub entity_per: Style,
    pub entity_org: Style,
    pub entity_loc: Style,
    pub entity_misc: Style,
    /// The mentions of the entity selected in the entity panel, on top of
    /// its type's style.
    pub mention_selected: Style,
    /// The active entity filter in the list title and status bar.
    pub filter: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::DARK
    }
}

impl Theme {
    /// The default theme: terminal default background, 16 ANSI colours only,
    /// so it adapts to the user's palette on dark and light terminals alike.
    pub const DARK: Theme = Theme {
        text: Style::new(),
        dim: Style::new().fg(Color::DarkGray),
        title: Style::new().add_modifier(Modifier::BOLD),
        border: Style::new().fg(Color::DarkGray),
        border_focused: Style::new().fg(Color::Cyan),
        pane_title: Style::new().add_modifier(Modifier::BOLD),
        selected: Style::new().add_modifier(Modifier::REVERSED),
        unread_title: Style::new().add_modifier(Modifier::BOLD),
        unread_marker: Style::new().fg(Color::Cyan),
        starred_marker: Style::new().fg(Color::Yellow),
        status: Style::new().add_modifier(Modifier::REVERSED),
        key: Style::new().add_modifier(Modifier::BOLD),
        prompt: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        search_match: Style::new().fg(Color::Black).bg(Color::Yellow),
        search_current: Style::new()
            .fg(Color::Black)
            .bg(Color::LightRed)
            .add_modifier(Modifier::BOLD),
        warning: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        heading: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        entity_per: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        entity_org: Style::new()
            .fg(Color::Blue)
            .add_modifier(Modifier::UNDERLINED),
        entity_loc: Style::new().fg(Color::Green).add_modifier(Modifier::ITALIC),
        entity_misc: Style::new().add_modifier(Modifier::DIM),
        mention_selected: Style::new().add_modifier(Modifier::REVERSED),
        filter: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    };

    /// Border style for a pane.
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.border_focused
        } else {
            self.border
        }
    }

    /// Style for an entity mention of type `label`.
    pub fn entity(&self, label: Label) -> Style {
        match label {
            Label::Per => self.entity_per,
            Label::Org => self.entity_org,
            Label::Loc => self.entity_loc,
            Label::Misc => self.entity_misc,
        }
    }
}

/// The SGR escape sequence (`ESC [ ... m`) that turns `style` on, for output
/// that is not drawn through ratatui (`sorot annotate --format ansi`), so it
/// looks exactly like the reader. Empty for an empty style. Colours that
/// mean "the terminal's default" are left out rather than reset.
pub fn sgr(style: Style) -> String {
    let mut codes: Vec<String> = Vec::new();
    let m = style.add_modifier;
    for (bit, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if m.contains(bit) {
            codes.push(code.to_owned());
        }
    }
    if let Some(c) = style.fg.and_then(|c| colour_code(c, false)) {
        codes.push(c);
    }
    if let Some(c) = style.bg.and_then(|c| colour_code(c, true)) {
        codes.push(c);
    }
    if codes.is_empty() {
        String::new()
    } else {
        format!("\x1b[{}m", codes.join(";"))
    }
}

/// The SGR resets everything [`sgr`] can turn on.
pub const SGR_RESET: &str = "\x1b[0m";

fn colour_code(c: Color, bg: bool) -> Option<String> {
    let (base, bright) = if bg { (40, 100) } else { (30, 90) };
    let basic = |n: u8, light: bool| Some(format!("{}", if light { bright } else { base } + n));
    match c {
        Color::Reset => None,
        Color::Black => basic(0, false),
        Color::Red => basic(1, false),
        Color::Green => basic(2, false),
        Color::Yellow => basic(3, false),
        Color::Blue => basic(4, false),
        Color::Magenta => basic(5, false),
        Color::Cyan => basic(6, false),
        Color::Gray => basic(7, false),
        Color::DarkGray => basic(0, true),
        Color::LightRed => basic(1, true),
        Color::LightGreen => basic(2, true),
        Color::LightYellow => basic(3, true),
        Color::LightBlue => basic(4, true),
        Color::LightMagenta => basic(5, true),
        Color::LightCyan => basic(6, true),
        Color::White => basic(7, true),
        Color::Indexed(i) => Some(format!("{};5;{i}", if bg { 48 } else { 38 })),
        Color::Rgb(r, g, b) => Some(format!("{};2;{r};{g};{b}", if bg { 48 } else { 38 })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgr_matches_what_the_reader_draws() {
        let t = Theme::default();
        assert_eq!(sgr(t.entity_per), "\x1b[1;35m");
        assert_eq!(sgr(t.entity_org), "\x1b[4;34m");
        assert_eq!(sgr(t.entity_loc), "\x1b[3;32m");
        assert_eq!(sgr(t.entity_misc), "\x1b[2m");
        assert_eq!(sgr(Style::new()), "");
        assert_eq!(
            sgr(Style::new().fg(Color::Rgb(1, 2, 3)).bg(Color::Indexed(200))),
            "\x1b[38;2;1;2;3;48;5;200m"
        );
        assert_eq!(
            sgr(Style::new().fg(Color::White).bg(Color::Black)),
            "\x1b[97;40m"
        );
    }

    #[test]
    fn entity_styles_differ_by_more_than_colour() {
        let t = Theme::default();
        let mods: Vec<Modifier> = Label::ALL
            .iter()
            .map(|&l| t.entity(l).add_modifier)
            .collect();
        for (i, a) in mods.iter().enumerate() {
            for b in &mods[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_ne!(t.border(true), t.border(false));
    }
}
