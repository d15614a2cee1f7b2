//! Built-in themes (dark, light, no colour), choosing one for the terminal,
//! and the user's `[colors]` overrides, as more constructors of the one
//! [`Theme`].
//!
//! `NO_COLOR` (<https://no-color.org>) wins over everything: every style
//! loses its colours, and the styles that relied on colour alone (search
//! matches, the focused border) get a modifier instead, so entity types and
//! matches stay distinguishable by bold, underline, italic and reverse.

use ratatui::style::{Color, Modifier, Style};

use super::theme::Theme;

/// Which built-in theme to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    #[default]
    Dark,
    Light,
    /// Light when the terminal says its background is light (`COLORFGBG`),
    /// otherwise dark.
    Auto,
}

impl ThemeChoice {
    /// Config spellings, in the order error messages list them.
    pub const NAMES: [&'static str; 3] = ["dark", "light", "auto"];

    /// Parses a config value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "dark" => Some(ThemeChoice::Dark),
            "light" => Some(ThemeChoice::Light),
            "auto" => Some(ThemeChoice::Auto),
            _ => None,
        }
    }

    /// The config spelling.
    pub fn name(self) -> &'static str {
        match self {
            ThemeChoice::Dark => "dark",
            ThemeChoice::Light => "light",
            ThemeChoice::Auto => "auto",
        }
    }
}

/// A `[colors]` value: `"red"`, `"black on yellow"`, `"bold #ff8800"`,
/// `"underlined 33"`. Colours replace the theme's; modifiers, when any are
/// given, replace the theme's modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StyleSpec {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    /// `Some` when the value names modifiers (`plain` names none).
    pub modifiers: Option<Modifier>,
}

/// The modifier words a `[colors]` value accepts.
pub const MODIFIER_NAMES: [(&str, Modifier); 8] = [
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("underline", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
    ("crossed-out", Modifier::CROSSED_OUT),
    ("plain", Modifier::empty()),
];

/// What a `[colors]` value may look like, for error messages.
pub const STYLE_SYNTAX: &str = "a colour (black, red, green, yellow, blue, magenta, cyan, gray, \
     dark-gray, light-red ... white, default, #rrggbb, or 0-255), optionally `on` a background \
     colour, and modifiers (bold, dim, italic, underlined, reversed, crossed-out, plain), \
     e.g. \"black on yellow bold\"";

impl StyleSpec {
    /// Parses a `[colors]` value; the error says what is accepted.
    pub fn parse(text: &str) -> Result<StyleSpec, String> {
        let mut spec = StyleSpec::default();
        let mut words = text.split_whitespace().peekable();
        if words.peek().is_none() {
            return Err(format!("an empty style; expected {STYLE_SYNTAX}"));
        }
        while let Some(w) = words.next() {
            let lower = w.to_ascii_lowercase();
            if lower == "on" {
                let Some(bg) = words.next() else {
                    return Err(format!(
                        "`on` needs a colour after it; expected {STYLE_SYNTAX}"
                    ));
                };
                spec.bg = Some(parse_color(bg)?);
            } else if let Some((_, m)) = MODIFIER_NAMES.iter().find(|(n, _)| *n == lower) {
                spec.modifiers = Some(spec.modifiers.unwrap_or_default() | *m);
            } else if spec.fg.is_none() {
                spec.fg = Some(parse_color(w)?);
            } else {
                return Err(format!(
                    "`{w}` in {text:?}: a second foreground colour (use `on` for the background); \
                     expected {STYLE_SYNTAX}"
                ));
            }
        }
        Ok(spec)
    }

    /// `style` with this spec applied.
    pub fn apply(&self, style: Style) -> Style {
        let mut s = style;
        if let Some(fg) = self.fg {
            s.fg = Some(fg);
        }
        if let Some(bg) = self.bg {
            s.bg = Some(bg);
        }
        if let Some(m) = self.modifiers {
            s.add_modifier = m;
            s.sub_modifier = Modifier::empty();
        }
        s
    }
}

fn parse_color(word: &str) -> Result<Color, String> {
    if word.eq_ignore_ascii_case("default") || word.eq_ignore_ascii_case("none") {
        return Ok(Color::Reset);
    }
    word.parse::<Color>()
        .map_err(|_| format!("`{word}` is not a colour; expected {STYLE_SYNTAX}"))
}

/// Reads `COLORFGBG` (`"15;0"`, `"0;default;15"`: the last field is the
/// background's ANSI index) as set by rxvt, Konsole and others. `None` when
/// it is absent or says nothing usable.
pub fn background_is_light(colorfgbg: Option<&str>) -> Option<bool> {
    let last = colorfgbg?.rsplit(';').next()?.trim();
    let bg: u8 = last.parse().ok()?;
    // 7 (light gray) and 9..=15 (the bright colours) are light backgrounds,
    // except 8 (dark gray); the rest of 0..=15 are dark.
    match bg {
        7 | 9..=15 => Some(true),
        0..=6 | 8 => Some(false),
        _ => None,
    }
}

/// True when `NO_COLOR` asks for no colour: set and not empty.
pub fn no_color_requested(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// True when the environment's `NO_COLOR` asks for no colour.
pub fn no_color_from_env() -> bool {
    no_color_requested(std::env::var_os("NO_COLOR").as_deref())
}

impl Theme {
    /// The light-terminal theme: the dark theme's meanings with colours that
    /// keep contrast on a white background (no yellow or light-cyan text).
    pub const LIGHT: Theme = Theme {
        dim: Style::new().fg(Color::DarkGray),
        border: Style::new().fg(Color::Gray),
        border_focused: Style::new().fg(Color::Blue),
        unread_marker: Style::new().fg(Color::Blue),
        starred_marker: Style::new().fg(Color::Magenta),
        prompt: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
        search_match: Style::new().fg(Color::Black).bg(Color::LightYellow),
        search_current: Style::new()
            .fg(Color::White)
            .bg(Color::Red)
            .add_modifier(Modifier::BOLD),
        warning: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        heading: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
        entity_per: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        entity_org: Style::new()
            .fg(Color::Blue)
            .add_modifier(Modifier::UNDERLINED),
        entity_loc: Style::new().fg(Color::Green).add_modifier(Modifier::ITALIC),
        entity_misc: Style::new().fg(Color::DarkGray).add_modifier(Modifier::DIM),
        ..Theme::DARK
    };

    /// The built-in dark theme (the default).
    pub fn dark() -> Theme {
        Theme::DARK
    }

    /// The built-in light theme.
    pub fn light() -> Theme {
        Theme::LIGHT
    }

    /// The theme for a choice; `colorfgbg` is the terminal's `COLORFGBG`,
    /// which `auto` reads.
    pub fn for_choice(choice: ThemeChoice, colorfgbg: Option<&str>) -> Theme {
        match choice {
            ThemeChoice::Dark => Theme::DARK,
            ThemeChoice::Light => Theme::LIGHT,
            ThemeChoice::Auto => match background_is_light(colorfgbg) {
                Some(true) => Theme::LIGHT,
                _ => Theme::DARK,
            },
        }
    }

    /// The theme without any colour: styles that relied on colour get a
    /// modifier instead (see the module doc).
    pub fn without_color(&self) -> Theme {
        let mut t = *self;
        for (_, s) in t.styles_mut() {
            s.fg = None;
            s.bg = None;
            s.underline_color = None;
        }
        t.dim = t.dim.add_modifier(Modifier::DIM);
        t.border_focused = t.border_focused.add_modifier(Modifier::BOLD);
        t.unread_marker = t.unread_marker.add_modifier(Modifier::BOLD);
        t.starred_marker = t.starred_marker.add_modifier(Modifier::BOLD);
        t.search_match = t.search_match.add_modifier(Modifier::REVERSED);
        t.filter = t.filter.add_modifier(Modifier::BOLD);
        t.search_current = t
            .search_current
            .add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED);
        t
    }

    /// The theme a configuration asks for: built-in `choice`, then the
    /// `[colors]` overrides by name (unknown names are skipped: the config
    /// parser has reported them), then, with `no_color`, every colour removed.
    pub fn from_settings(
        choice: ThemeChoice,
        overrides: &[(String, StyleSpec)],
        no_color: bool,
        colorfgbg: Option<&str>,
    ) -> Theme {
        let mut t = Theme::for_choice(choice, colorfgbg);
        if no_color {
            t = t.without_color();
        }
        for (name, spec) in overrides {
            if let Some(s) = t.style_mut(name) {
                let mut applied = spec.apply(*s);
                if no_color {
                    applied.fg = None;
                    applied.bg = None;
                }
                *s = applied;
            }
        }
        t
    }

    /// [`Theme::from_settings`] for a loaded configuration, reading
    /// `COLORFGBG` from the environment for `theme = "auto"`.
    pub fn from_config(config: &crate::config::Config, no_color: bool) -> Theme {
        let colorfgbg = std::env::var("COLORFGBG").ok();
        Theme::from_settings(config.theme, &config.colors, no_color, colorfgbg.as_deref())
    }

    /// The `[colors]` names of the theme's styles, in display order.
    pub fn style_names() -> Vec<&'static str> {
        let mut t = Theme::DARK;
        t.styles_mut().into_iter().map(|(n, _)| n).collect()
    }

    /// The style called `name` in `[colors]`.
    pub fn style_mut(&mut self, name: &str) -> Option<&mut Style> {
        self.styles_mut()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s)
    }

    /// The style called `name` in `[colors]`.
    pub fn style(&self, name: &str) -> Option<Style> {
        let mut t = *self;
        t.style_mut(name).map(|s| *s)
    }

    /// Every style with its `[colors]` name.
    fn styles_mut(&mut self) -> Vec<(&'static str, &mut Style)> {
        let Theme {
            text,
            dim,
            title,
            border,
            border_focused,
            pane_title,
            selected,
            unread_title,
            unread_marker,
            starred_marker,
            status,
            key,
            prompt,
            search_match,
            search_current,
            warning,
            heading,
            entity_per,
            entity_org,
            entity_loc,
            entity_misc,
            mention_selected,
            filter,
        } = self;
        vec![
            ("text", text),
            ("dim", dim),
            ("title", title),
            ("border", border),
            ("border-focused", border_focused),
            ("pane-title", pane_title),
            ("selected", selected),
            ("unread-title", unread_title),
            ("unread-marker", unread_marker),
            ("starred-marker", starred_marker),
            ("status", status),
            ("key", key),
            ("prompt", prompt),
            ("search-match", search_match),
            ("search-current", search_current),
            ("warning", warning),
            ("heading", heading),
            ("entity-per", entity_per),
            ("entity-org", entity_org),
            ("entity-loc", entity_loc),
            ("entity-misc", entity_misc),
            ("mention-selected", mention_selected),
            ("filter", filter),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::Label;

    #[test]
    fn style_specs_parse() {
        let s = StyleSpec::parse("black on yellow bold").unwrap();
        assert_eq!(s.fg, Some(Color::Black));
        assert_eq!(s.bg, Some(Color::Yellow));
        assert_eq!(s.modifiers, Some(Modifier::BOLD));
        let s = StyleSpec::parse("#ff8800").unwrap();
        assert_eq!(s.fg, Some(Color::Rgb(0xff, 0x88, 0)));
        assert_eq!(s.modifiers, None);
        assert_eq!(StyleSpec::parse("33").unwrap().fg, Some(Color::Indexed(33)));
        assert_eq!(
            StyleSpec::parse("light-red").unwrap().fg,
            Some(Color::LightRed)
        );
        for bad in ["", "blurple", "red green", "red on"] {
            let e = StyleSpec::parse(bad).unwrap_err();
            assert!(e.contains("expected a colour"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn colorfgbg_picks_light_or_dark() {
        assert_eq!(background_is_light(Some("15;0")), Some(false));
        assert_eq!(background_is_light(Some("0;15")), Some(true));
        assert_eq!(background_is_light(Some("0;default;7")), Some(true));
        assert_eq!(background_is_light(Some("7;8")), Some(false));
        assert_eq!(background_is_light(Some("default")), None);
        assert_eq!(background_is_light(None), None);
        assert_eq!(
            Theme::for_choice(ThemeChoice::Auto, Some("0;15")),
            Theme::LIGHT
        );
        assert_eq!(Theme::for_choice(ThemeChoice::Auto, None), Theme::DARK);
        assert_ne!(Theme::dark(), Theme::light());
    }

    #[test]
    fn no_color_is_set_and_non_empty() {
        assert!(no_color_requested(Some("1".as_ref())));
        assert!(!no_color_requested(Some("".as_ref())));
        assert!(!no_color_requested(None));
    }

    #[test]
    fn without_color_has_no_colour_and_keeps_types_apart() {
        for base in [Theme::DARK, Theme::LIGHT] {
            let mut t = base.without_color();
            for (name, s) in t.styles_mut() {
                assert_eq!((s.fg, s.bg), (None, None), "{name}");
            }
            let mods: Vec<Modifier> = Label::ALL
                .iter()
                .map(|&l| t.entity(l).add_modifier)
                .collect();
            for (i, a) in mods.iter().enumerate() {
                assert!(!a.is_empty());
                for b in &mods[i + 1..] {
                    assert_ne!(a, b);
                }
            }
            assert_ne!(t.search_match, t.text);
            assert_ne!(t.search_match, t.search_current);
            assert_ne!(t.border(true), t.border(false));
        }
    }

    #[test]
    fn overrides_by_name_including_entity_types() {
        let overrides = vec![
            ("entity-org".to_owned(), StyleSpec::parse("red").unwrap()),
            (
                "search-match".to_owned(),
                StyleSpec::parse("white on blue italic").unwrap(),
            ),
        ];
        let t = Theme::from_settings(ThemeChoice::Dark, &overrides, false, None);
        // A colour alone keeps the theme's modifier.
        assert_eq!(
            t.entity(Label::Org),
            Style::new()
                .fg(Color::Red)
                .add_modifier(Modifier::UNDERLINED)
        );
        assert_eq!(
            t.search_match,
            Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::ITALIC)
        );
        let mono = Theme::from_settings(ThemeChoice::Dark, &overrides, true, None);
        assert_eq!(mono.entity(Label::Org).fg, None);
        assert_eq!(mono.search_match.add_modifier, Modifier::ITALIC);
        assert_eq!(mono.search_match.bg, None);
        let names = Theme::style_names();
        assert!(names.contains(&"entity-per") && names.contains(&"status"));
        assert_eq!(names.len(), 23);
    }
}
