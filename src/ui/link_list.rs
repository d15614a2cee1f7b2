//! The link list (`L`): the open article's numbered links, one per row,
//! the selected one highlighted; Enter opens it. Also the "Links" lines at
//! the end of the reading pane.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::app::App;
use crate::article::Article;
use crate::ui::layout::{DocLine, LineKind};

/// The link list overlay for one frame.
pub struct LinkList<'a> {
    app: &'a App,
}

impl<'a> LinkList<'a> {
    pub fn new(app: &'a App) -> Self {
        LinkList { app }
    }
}

/// The first row shown so that `selected` is on screen with `rows` rows.
pub fn list_offset(selected: usize, rows: usize) -> usize {
    (selected + 1).saturating_sub(rows.max(1))
}

impl Widget for LinkList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.app.theme();
        let (Some(article), Some(selected)) =
            (self.app.link_list_article(), self.app.links_state().list)
        else {
            return;
        };
        Clear.render(area, buf);
        let block = Block::bordered()
            .border_style(theme.border(true))
            .title(Line::styled(
                format!(" Links ({}) ", article.links.len()),
                theme.pane_title,
            ))
            .title_bottom(
                Line::styled(" j/k move · Enter open · Esc close ", theme.dim).right_aligned(),
            );
        let inner = block.inner(area);
        block.render(area, buf);
        let rows = usize::from(inner.height);
        let offset = list_offset(selected, rows);
        let width = usize::from(inner.width);
        let lines: Vec<Line<'_>> = article
            .links
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(i, url)| {
                let label = format!("[{}] ", i + 1);
                // One row per link: a long URL is cut with `…` rather than
                // wrapped, so the list stays one line per entry.
                let room = width.saturating_sub(label.len());
                let shown = if url.chars().count() > room && room > 1 {
                    let cut: String = url.chars().take(room - 1).collect();
                    format!("{cut}…")
                } else {
                    url.clone()
                };
                let style = if i == selected {
                    theme.selected
                } else {
                    theme.text
                };
                Line::from(vec![
                    Span::styled(label, theme.key),
                    Span::styled(shown, style),
                ])
                .style(style)
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }
}

/// A reading-pane line of the "Links" section (see [`LineKind::Link`]).
pub fn doc_line<'a>(app: &App, article: &'a Article, line: &DocLine) -> Line<'a> {
    let theme = app.theme();
    match line.kind {
        LineKind::LinksHeading => Line::styled("Links", theme.heading),
        LineKind::Link { index, first } => {
            let url = article.links.get(index).map_or("", String::as_str);
            let label = format!("[{}] ", index + 1);
            let lead = if first {
                Span::styled(label, theme.key)
            } else {
                Span::raw(" ".repeat(label.len()))
            };
            let part = url.get(line.range.clone()).unwrap_or_default();
            Line::from(vec![lead, Span::styled(part, theme.dim)])
        }
        _ => Line::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_keeps_selection_visible() {
        assert_eq!(list_offset(0, 5), 0);
        assert_eq!(list_offset(4, 5), 0);
        assert_eq!(list_offset(5, 5), 1);
        assert_eq!(list_offset(9, 0), 9);
    }
}
