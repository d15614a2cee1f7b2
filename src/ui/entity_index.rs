//! The entity index overlay (`E`): every entity of the loaded library, by
//! type, with the number of articles each appears in; `/` searches it and
//! Enter filters the article list. The rows are prepared by `update`
//! ([`crate::app::state::IndexView`]); this widget only draws them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::ui::article_list::truncate;
use crate::ui::entity_panel::label_name;

/// Rows of entities the overlay shows at once on a screen of `screen`
/// size (the overlay's inner height minus the search line), for paging.
pub fn visible_rows(screen: Rect) -> usize {
    let area = crate::ui::overlay_area(screen);
    usize::from(area.height.saturating_sub(3))
}

/// The overlay for one frame.
pub struct EntityIndexWidget<'a> {
    app: &'a App,
}

impl<'a> EntityIndexWidget<'a> {
    pub fn new(app: &'a App) -> Self {
        EntityIndexWidget { app }
    }
}

/// The keys on the overlay's bottom border.
const KEYS_HINT: &str = " / search · Enter articles · Esc close ";

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Widget for EntityIndexWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.app.theme();
        let view = self.app.index_view();
        Clear.render(area, buf);
        let (done, total) = self.app.annotation_progress();
        let mut title = format!(
            " Entity index · {} ",
            plural(view.rows.len(), "entity", "entities")
        );
        if done < total {
            title.push_str(&format!("· {done}/{total} articles annotated "));
        }
        let block = Block::bordered()
            .border_style(theme.border(true))
            .title(Line::styled(title, theme.pane_title))
            .title_bottom(Line::styled(KEYS_HINT, theme.dim).right_aligned());
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height < 2 {
            return;
        }
        let mut search = vec![Span::styled("/", theme.key), Span::raw(view.query.clone())];
        if view.typing {
            search.push(Span::styled("▏", theme.prompt));
        }
        Line::from(search).render(Rect { height: 1, ..inner }, buf);
        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        if view.rows.is_empty() {
            let msg = if self.app.entity_index().is_empty() {
                "No entities yet: articles are still being annotated, or none were found."
            } else {
                "No entity matches the search."
            };
            Paragraph::new(Line::styled(msg, theme.dim))
                .wrap(Wrap { trim: true })
                .render(list, buf);
            return;
        }
        let height = usize::from(list.height);
        let offset = view
            .offset
            .min(view.selected)
            .max((view.selected + 1).saturating_sub(height));
        let width = usize::from(list.width);
        let lines: Vec<Line<'_>> = view
            .rows
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(i, r)| {
                let count = plural(r.articles, "article", "articles");
                let kind = format!(" {:<4} ", r.label.as_str());
                let name_width = width.saturating_sub(kind.width() + count.width() + 1);
                let name = truncate(&r.name, name_width).into_owned();
                let pad = width.saturating_sub(kind.width() + name.width() + count.width());
                let line = Line::from(vec![
                    Span::styled(kind, theme.dim),
                    Span::styled(name, theme.entity(r.label)),
                    Span::raw(" ".repeat(pad)),
                    Span::styled(count, theme.dim),
                ]);
                if i == view.selected {
                    line.style(theme.selected)
                } else {
                    line
                }
            })
            .collect();
        Paragraph::new(lines).render(list, buf);
        // The type of the selected row, spelled out, for readers who do not
        // know the CoNLL abbreviations.
        // Only where it clears the key hint on the same border.
        if let Some(r) = view.rows.get(view.selected) {
            let hint = format!(" {} ", label_name(r.label));
            let room = usize::from(area.width).saturating_sub(KEYS_HINT.width() + 4);
            if hint.width() <= room {
                buf.set_string(area.x + 2, area.bottom() - 1, hint, theme.dim);
            }
        }
    }
}
