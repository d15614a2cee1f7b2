//! The problems view: every file (or line) that could not be loaded, with
//! its path and the reason.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::app::App;

/// The problems overlay for one frame.
pub struct Problems<'a> {
    app: &'a App,
    scroll: usize,
}

impl<'a> Problems<'a> {
    pub fn new(app: &'a App, scroll: usize) -> Self {
        Problems { app, scroll }
    }
}

impl Widget for Problems<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.app.theme();
        Clear.render(area, buf);
        let problems = self.app.problems();
        let block = Block::bordered()
            .border_style(theme.border(true))
            .title(Line::styled(
                format!(" Problems ({}) ", problems.len()),
                theme.pane_title,
            ))
            .title_bottom(Line::styled(" j/k scroll · Esc close ", theme.dim).right_aligned());
        let inner = block.inner(area);
        block.render(area, buf);
        if problems.is_empty() {
            Paragraph::new(Line::styled("Every file loaded cleanly.", theme.dim))
                .render(inner, buf);
            return;
        }
        // Two rows per problem: the path, then the reason indented.
        let rows = usize::from(inner.height);
        let total = problems.len() * 2;
        let scroll = self.scroll.min(total.saturating_sub(rows));
        let lines: Vec<Line<'_>> = problems
            .iter()
            .flat_map(|p| {
                [
                    Line::styled(
                        crate::text::sanitize(&p.path.display().to_string()),
                        theme.warning,
                    ),
                    Line::from(vec![Span::raw("  "), Span::raw(p.reason.as_str())]),
                ]
            })
            .skip(scroll)
            .take(rows)
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }
}
