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

#[cfg(test)]
mod tests {
    use super::*;

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
