//! The article list: markers, title, and source/date for each visible
//! article, the selection highlighted. Only the rows on screen are built, so
//! a list of 10,000 articles costs the same per frame as one of ten.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::app::App;
use crate::article::Article;
use crate::ui::layout;

/// Marker shown before an unread article.
pub const UNREAD_MARK: &str = "●";
/// Marker shown before a starred article.
pub const STAR_MARK: &str = "★";

/// The list pane for one frame.
pub struct ArticleList<'a> {
    app: &'a App,
    focused: bool,
}

impl<'a> ArticleList<'a> {
    pub fn new(app: &'a App, focused: bool) -> Self {
        ArticleList { app, focused }
    }

    fn title(&self) -> Line<'a> {
        let list = self.app.list();
        let theme = self.app.theme();
        let text = format!(
            " Articles {}/{} ",
            list.visible.len(),
            self.app.entries().len(),
        );
        let mut spans = vec![Span::styled(text, theme.pane_title)];
        if let Some(f) = &list.entity {
            spans.push(Span::styled(
                format!("· {} {} ", f.label.as_str(), f.name),
                theme.filter,
            ));
        }
        Line::from(spans)
    }

    /// Order, filter and query, under the list.
    fn footer(&self) -> Line<'a> {
        let list = self.app.list();
        let mut text = format!(" {} · {} ", list.sort.label(), list.filter.label());
        if !list.query.is_empty() {
            text.push_str(&format!("· /{} ", list.query));
        }
        Line::styled(text, self.app.theme().dim)
    }
}

impl ArticleList<'_> {
    /// "   Chen Wei · NUS · Beijing", each in its type's style, cut to `width`.
    fn top_entities_line(&self, idx: usize, width: usize) -> Line<'static> {
        let theme = self.app.theme();
        let Some(ann) = self.app.annotation(idx) else {
            return Line::from(vec![Span::raw("   "), Span::styled("…", theme.dim)]);
        };
        if ann.top.is_empty() {
            return Line::from(vec![
                Span::raw("   "),
                Span::styled("no entities", theme.dim),
            ]);
        }
        let mut spans = vec![Span::raw("   ")];
        let mut used = 3;
        for (k, (label, name)) in ann.top.iter().enumerate() {
            let sep = if k == 0 { "" } else { " · " };
            let room = width.saturating_sub(used + sep.width());
            if room < 2 {
                break;
            }
            let name = truncate(name, room).into_owned();
            used += sep.width() + name.width();
            spans.push(Span::styled(sep, theme.dim));
            let style = if self.app.highlighted(*label) {
                theme.entity(*label)
            } else {
                theme.dim
            };
            spans.push(Span::styled(name, style));
        }
        Line::from(spans)
    }
}

/// `s` cut to `width` columns, with an ellipsis when something was cut.
pub fn truncate(s: &str, width: usize) -> Cow<'_, str> {
    if s.width() <= width {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    Cow::Owned(out)
}

/// "source · date" (date part only) for the second row of an item.
pub fn source_and_date(a: &Article) -> String {
    let date = a
        .published
        .as_deref()
        .map(|d| d.chars().take(10).collect::<String>());
    match (a.source.as_deref(), date) {
        (Some(s), Some(d)) => format!("{s} · {d}"),
        (Some(s), None) => s.to_owned(),
        (None, Some(d)) => d,
        (None, None) => a
            .path
            .file_name()
            .map(|n| crate::text::sanitize(&n.to_string_lossy()))
            .unwrap_or_default(),
    }
}

impl Widget for ArticleList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.app.theme();
        let block = Block::bordered()
            .border_style(theme.border(self.focused))
            .title(self.title())
            .title_bottom(self.footer());
        let inner = layout::list_inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        let list = self.app.list();
        if list.visible.is_empty() {
            let msg = if self.app.is_loading() {
                "Loading articles…".to_owned()
            } else if let Some(f) = &list.entity {
                format!("No article mentions “{}” (Esc: clear)", f.name)
            } else if !list.query.is_empty() {
                format!("No article matches “{}”", list.query)
            } else if self.app.entries().is_empty() {
                "No articles".to_owned()
            } else {
                format!("No {} articles (f: change filter)", list.filter.label())
            };
            Paragraph::new(Line::styled(msg, theme.dim)).render(inner, buf);
            return;
        }
        let store = self.app.store();
        let item_height = layout::list_item_height(list.top_entities);
        let mut y = inner.y;
        for (pos, &idx) in list.visible.iter().enumerate().skip(list.offset) {
            if y + item_height > inner.bottom() {
                break;
            }
            let Some(a) = self.app.article(idx) else {
                continue;
            };
            let unread = !store.is_read(&a.id);
            let starred = store.is_starred(&a.id);
            let selected = pos == list.selected;
            let row_style = if selected {
                theme.selected
            } else {
                Style::new()
            };
            let marks = vec![
                if unread {
                    Span::styled(UNREAD_MARK, theme.unread_marker)
                } else {
                    Span::raw(" ")
                },
                if starred {
                    Span::styled(STAR_MARK, theme.starred_marker)
                } else {
                    Span::raw(" ")
                },
                Span::raw(" "),
                Span::styled(
                    truncate(&a.title, usize::from(inner.width).saturating_sub(3)),
                    if unread {
                        theme.unread_title
                    } else {
                        theme.text
                    },
                ),
            ];
            let first = Rect::new(inner.x, y, inner.width, 1);
            let second = Rect::new(inner.x, y + 1, inner.width, 1);
            buf.set_style(Rect::new(inner.x, y, inner.width, item_height), row_style);
            Line::from(marks).style(row_style).render(first, buf);
            Line::from(vec![
                Span::raw("   "),
                Span::styled(source_and_date(a), theme.dim),
            ])
            .style(row_style)
            .render(second, buf);
            if list.top_entities {
                let third = Rect::new(inner.x, y + 2, inner.width, 1);
                self.top_entities_line(idx, usize::from(inner.width))
                    .style(row_style)
                    .render(third, buf);
            }
            y += item_height;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_adds_an_ellipsis_within_width() {
        assert_eq!(truncate("Banjir di Jakarta", 40), "Banjir di Jakarta");
        assert_eq!(truncate("Banjir di Jakarta", 10), "Banjir di…");
        let t = truncate("字节跳动人工智能", 7);
        assert!(t.width() <= 7, "{t}");
        assert_eq!(truncate("abc", 0), "…");
    }
}
