//! The reading pane: the open article's header and body, wrapped by the one
//! layout authority ([`crate::ui::layout::DocLayout`]), with only the lines
//! on screen turned into styled text, and the scroll position in the border.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use crate::annotations::ArticleEntities;
use crate::app::App;
use crate::article::Article;
use crate::entities::Field;
use crate::ner::Label;
use crate::ui::highlight::{Mark, entity_marks, styled_line, uniform_marks};
use crate::ui::layout::{self, DocLayout, DocLine, LineKind};

/// The reading pane for one frame.
pub struct ReadingPane<'a> {
    app: &'a App,
    focused: bool,
}

impl<'a> ReadingPane<'a> {
    pub fn new(app: &'a App, focused: bool) -> Self {
        ReadingPane { app, focused }
    }
}

/// A publication date for people: `2025-02-11T08:30:00+07:00` becomes
/// `2025-02-11 08:30`; anything else is shown as given.
pub fn display_date(d: &str) -> Cow<'_, str> {
    let b = d.as_bytes();
    let stamp = b.len() >= 16
        && b[10] == b'T'
        && b[13] == b':'
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    match (stamp, d.get(..10), d.get(11..16)) {
        (true, Some(day), Some(time)) => Cow::Owned(format!("{day} {time}")),
        _ => Cow::Borrowed(d),
    }
}

/// Scroll position label: how far towards the end the reader has scrolled,
/// or `All` when the whole article fits.
pub fn position_label(scroll: usize, max_scroll: usize) -> String {
    match (scroll.min(max_scroll) * 100).checked_div(max_scroll) {
        None => "All".to_owned(),
        Some(pct) => format!("{pct}%"),
    }
}

impl Widget for ReadingPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.app.theme();
        let inner = layout::reader_inner(area);
        let mut block = Block::bordered().border_style(theme.border(self.focused));
        let reader = self.app.reader();
        let Some(article) = reader.article.and_then(|i| self.app.article(i)) else {
            block
                .title(Line::styled(" Reader ", theme.pane_title))
                .render(area, buf);
            let hint = if self.app.entries().is_empty() {
                ""
            } else {
                "Select an article and press Enter to read it."
            };
            Paragraph::new(Line::styled(hint, theme.dim))
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        };
        // The cached layout is there after every action that opens or
        // resizes; building one here keeps drawing correct if it is not.
        let fallback;
        let doc = match self.app.open_layout() {
            Some(l) if l.width == inner.width => l,
            _ => {
                fallback = DocLayout::new(article, inner.width);
                &fallback
            }
        };
        let rows = usize::from(inner.height);
        let scroll = reader.scroll.min(doc.max_scroll(rows));
        let pos = position_label(scroll, doc.max_scroll(rows));
        let find = &reader.find;
        let mut title = String::from(" Reader ");
        if !find.query.is_empty() {
            let n = find.total();
            match find.current {
                Some(c) => title.push_str(&format!("· match {} of {n} ", c + 1)),
                None => title.push_str("· no match "),
            }
        }
        block = block
            .title(Line::styled(title, theme.pane_title))
            .title_bottom(Line::styled(format!(" {pos} "), theme.dim).right_aligned());
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        // Layers, bottom to top: entity types, the selected entity's
        // mentions, search matches.
        let visible = doc.window(scroll, rows);
        let ents = reader
            .article
            .and_then(|i| self.app.annotation(i))
            .map(|a| &*a.entities);
        let layers = Layers {
            title: field_layers(self.app, ents, Field::Title, 0..article.title.len()),
            body: field_layers(self.app, ents, Field::Body, body_window(visible)),
            matches: match_marks(self.app, visible),
            title_matches: title_match_marks(self.app),
        };
        let lines: Vec<Line<'_>> = visible
            .iter()
            .map(|l| render_line(self.app, article, ents, l, &layers))
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }
}

/// The highlight layers of one frame.
struct Layers {
    /// Entity types, then selected mentions, in the title.
    title: [Vec<Mark>; 2],
    /// Entity types, then selected mentions, in the visible body.
    body: [Vec<Mark>; 2],
    /// Find matches in the visible body.
    matches: Vec<Mark>,
    /// Find matches in the title.
    title_matches: Vec<Mark>,
}

/// The byte range of the body the visible lines show.
fn body_window(visible: &[DocLine]) -> std::ops::Range<usize> {
    let mut body = visible.iter().filter(|l| l.kind == LineKind::Body);
    match (
        body.next(),
        visible.iter().rev().find(|l| l.kind == LineKind::Body),
    ) {
        (Some(first), Some(last)) => first.range.start..last.range.end,
        _ => 0..0,
    }
}

/// Entity marks and selected-entity marks of one field within `window`.
fn field_layers(
    app: &App,
    ents: Option<&ArticleEntities>,
    field: Field,
    window: std::ops::Range<usize>,
) -> [Vec<Mark>; 2] {
    let Some(ents) = ents else {
        return [Vec::new(), Vec::new()];
    };
    let spans = match field {
        Field::Title => &ents.title,
        Field::Body => &ents.body,
    };
    let types = entity_marks(spans, window.clone(), app.highlights(), app.theme());
    let selected = app
        .panel()
        .selected_group()
        .filter(|_| app.panel().article == app.reader().article)
        .map(|g| {
            uniform_marks(
                g.mentions
                    .iter()
                    .filter(|m| m.field == field && m.end > window.start && m.start < window.end)
                    .map(|m| m.start..m.end),
                app.theme().mention_selected,
            )
        })
        .unwrap_or_default();
    [types, selected]
}

/// The legend under the header: each type with its mention count in this
/// article, in its highlight style (dimmed and marked "off" when that type
/// is switched off).
fn legend(app: &App, ents: Option<&ArticleEntities>) -> Line<'static> {
    let theme = app.theme();
    let Some(ents) = ents else {
        return Line::styled("Entities: recognising…", theme.dim);
    };
    let counts = ents.counts();
    let mut spans = vec![Span::styled("Entities:", theme.dim)];
    for (k, label) in Label::ALL.into_iter().enumerate() {
        spans.push(Span::raw(" "));
        if app.highlighted(label) {
            spans.push(Span::styled(label.as_str(), theme.entity(label)));
            spans.push(Span::raw(format!(" {}", counts[k])));
        } else {
            spans.push(Span::styled(
                format!("{} {} (off)", label.as_str(), counts[k]),
                theme.dim,
            ));
        }
    }
    Line::from(spans)
}

/// The find matches that touch the visible body lines, styled, with the
/// current match stronger.
fn match_marks(app: &App, visible: &[DocLine]) -> Vec<Mark> {
    let find = &app.reader().find;
    let window = body_window(visible);
    let from = find.matches.partition_point(|m| m.end <= window.start);
    styled_matches(&find.matches[from..], from, find.current_in_body(), app)
        .take_while(|m| m.range.start < window.end)
        .collect()
}

/// The find matches in the title (all of it is short), styled like
/// [`match_marks`].
fn title_match_marks(app: &App) -> Vec<Mark> {
    let find = &app.reader().find;
    styled_matches(&find.title_matches, 0, find.current_in_title(), app).collect()
}

/// Marks for `matches`, the first being match number `first` of its
/// field; match `current` gets the stronger style.
fn styled_matches<'m>(
    matches: &'m [std::ops::Range<usize>],
    first: usize,
    current: Option<usize>,
    app: &App,
) -> impl Iterator<Item = Mark> + 'm {
    let (plain, strong) = (app.theme().search_match, app.theme().search_current);
    matches.iter().enumerate().map(move |(k, m)| Mark {
        range: m.clone(),
        style: if current == Some(first + k) {
            strong
        } else {
            plain
        },
    })
}

fn render_line<'a>(
    app: &App,
    article: &'a Article,
    ents: Option<&ArticleEntities>,
    line: &DocLine,
    layers: &Layers,
) -> Line<'a> {
    let theme = app.theme();
    match line.kind {
        LineKind::Title => styled_line(
            &article.title,
            line.range.clone(),
            theme.title,
            &[&layers.title[0], &layers.title[1], &layers.title_matches],
        ),
        LineKind::Body => styled_line(
            &article.body,
            line.range.clone(),
            theme.text,
            &[&layers.body[0], &layers.body[1], &layers.matches],
        ),
        LineKind::Legend => legend(app, ents),
        LineKind::Blank => Line::default(),
        LineKind::LinksHeading | LineKind::Link { .. } => {
            crate::ui::link_list::doc_line(app, article, line)
        }
        LineKind::Byline => {
            let author = article.author.as_deref().unwrap_or_default();
            Line::styled(format!("by {author}"), theme.dim)
        }
        LineKind::Dateline => {
            let parts: Vec<Cow<'_, str>> = [
                article.source.as_deref().map(Cow::Borrowed),
                article.published.as_deref().map(display_date),
            ]
            .into_iter()
            .flatten()
            .collect();
            Line::styled(parts.join(" · "), theme.dim)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shortened_only_when_they_are_timestamps() {
        assert_eq!(
            display_date("2025-02-11T08:30:00+07:00"),
            "2025-02-11 08:30"
        );
        assert_eq!(display_date("2025-02-11"), "2025-02-11");
        assert_eq!(
            display_date("Selasa, 11 Februari 2025"),
            "Selasa, 11 Februari 2025"
        );
        assert_eq!(display_date("ééééééééééééééééé"), "ééééééééééééééééé");
    }

    #[test]
    fn position_labels() {
        assert_eq!(position_label(0, 0), "All");
        assert_eq!(position_label(0, 10), "0%");
        assert_eq!(position_label(12, 10), "100%");
        assert_eq!(position_label(42, 100), "42%");
    }
}
