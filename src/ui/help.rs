//! The help overlay, generated from the key map so it always tells the truth.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::app::keymap::{Context, KeyMap};

/// Contexts shown, in order.
const SECTIONS: [Context; 9] = [
    Context::Global,
    Context::List,
    Context::Reader,
    Context::Entities,
    Context::EntityIndex,
    Context::Search,
    Context::Help,
    Context::Problems,
    Context::Links,
];

/// One row of the help text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    Heading(&'static str),
    Binding(String, &'static str),
    Blank,
}

/// The rows of the help text for `keymap`.
pub fn rows(keymap: &KeyMap) -> Vec<HelpRow> {
    let mut out = Vec::new();
    for (i, ctx) in SECTIONS.iter().enumerate() {
        if i > 0 {
            out.push(HelpRow::Blank);
        }
        out.push(HelpRow::Heading(ctx.title()));
        for (keys, desc) in keymap.grouped(*ctx) {
            out.push(HelpRow::Binding(keys, desc));
        }
    }
    out
}

/// Number of rows in the help text (for scrolling).
pub fn line_count(keymap: &KeyMap) -> usize {
    rows(keymap).len()
}

/// The help overlay for one frame.
pub struct Help<'a> {
    app: &'a App,
    scroll: usize,
}

impl<'a> Help<'a> {
    pub fn new(app: &'a App, scroll: usize) -> Self {
        Help { app, scroll }
    }
}

impl Widget for Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.app.theme();
        Clear.render(area, buf);
        let block = Block::bordered()
            .border_style(theme.border(true))
            .title(Line::styled(" Keys ", theme.pane_title))
            .title_bottom(Line::styled(" j/k scroll · Esc close ", theme.dim).right_aligned());
        let inner = block.inner(area);
        block.render(area, buf);
        let rows = rows(self.app.keymap());
        let key_width = rows
            .iter()
            .filter_map(|r| match r {
                HelpRow::Binding(k, _) => Some(k.width()),
                _ => None,
            })
            .max()
            .unwrap_or(0)
            .min(usize::from(inner.width) / 2);
        let scroll = self
            .scroll
            .min(rows.len().saturating_sub(usize::from(inner.height)));
        let lines: Vec<Line<'_>> = rows
            .into_iter()
            .skip(scroll)
            .take(usize::from(inner.height))
            .map(|r| match r {
                HelpRow::Heading(h) => Line::styled(h, theme.heading),
                HelpRow::Blank => Line::default(),
                HelpRow::Binding(k, d) => {
                    let pad = key_width.saturating_sub(k.width());
                    Line::from(vec![
                        Span::raw("  "),
                        Span::styled(k, theme.key),
                        Span::raw(" ".repeat(pad + 2)),
                        Span::raw(d),
                    ])
                }
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }
}
