//! The status bar: counts, focused pane, and the main key hints taken from
//! the key map; while a search is typed, the prompt instead.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::app::state::Focus;

/// The status bar for one frame.
pub struct StatusBar<'a> {
    app: &'a App,
}

impl<'a> StatusBar<'a> {
    pub fn new(app: &'a App) -> Self {
        StatusBar { app }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The left part: "12 articles · 3 unread · 1 problem · list".
pub fn summary(app: &App) -> String {
    let mut parts = vec![
        plural(app.entries().len(), "article", "articles"),
        format!("{} unread", app.unread_count()),
    ];
    let problems = app.problems().len();
    if problems > 0 {
        parts.push(plural(problems, "problem", "problems"));
    }
    parts.push(app.focus().label().to_owned());
    if app.is_loading() {
        parts.push("loading…".to_owned());
    }
    let (done, total) = app.annotation_progress();
    if done < total {
        parts.push(format!("entities {}/{}", thousands(done), thousands(total)));
    }
    if let Some(f) = &app.list().entity {
        parts.push(format!("filter: {} ({})", f.name, f.label.as_str()));
    }
    if let Some(g) = app.panel().selected_group() {
        let n = g.mentions.len();
        parts.push(match app.panel().mention {
            Some(c) => format!("{}: mention {} of {n}", g.name, c + 1),
            None => format!("{}: {}", g.name, plural(n, "mention", "mentions")),
        });
    }
    if let Some(n) = &app.links_state().notice {
        parts.push(n.clone());
    }
    parts.join(" · ")
}

/// `4200` as `4,200`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.app.theme();
        buf.set_style(area, theme.status);
        let line = if let Some(p) = self.app.prompt() {
            let what = match p.target {
                Focus::List => "filter",
                Focus::Reader | Focus::Entities => "find",
            };
            let mut spans = vec![
                Span::styled(format!(" {what} /"), theme.key),
                Span::raw(p.input.clone()),
                Span::raw("▏"),
            ];
            if p.target == Focus::Reader && !p.input.is_empty() {
                let n = self.app.reader().find.total();
                spans.push(Span::raw(format!("  {}", plural(n, "match", "matches"))));
            }
            for (keys, desc) in self.app.keymap().hints(&self.app.contexts()) {
                spans.push(Span::raw("  "));
                spans.push(Span::styled(keys, theme.key));
                spans.push(Span::raw(format!(" {desc}")));
            }
            Line::from(spans)
        } else {
            let left = format!(" {} ", summary(self.app));
            let mut used = left.width();
            let mut spans = vec![Span::raw(left)];
            // Hints are added while they fit whole (a cut-off hint helps no
            // one); a later, shorter one may still fit, e.g. `? help`.
            for (keys, desc) in self.app.keymap().hints(&self.app.contexts()) {
                let w = 2 + keys.width() + 1 + desc.width();
                if used + w > usize::from(area.width) {
                    continue;
                }
                used += w;
                spans.push(Span::raw("  "));
                spans.push(Span::styled(keys, theme.key));
                spans.push(Span::raw(format!(" {desc}")));
            }
            Line::from(spans)
        };
        line.style(theme.status).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4200), "4,200");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
