//! The entity panel (`e`): the open article's entities, merged by
//! [`crate::entities::merge_article`], grouped by type, most mentioned first,
//! with mention counts. The selected entity's mentions are marked in the
//! reading pane; this widget only lists them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::entities::EntityGroup;
use crate::ner::Label;
use crate::ui::article_list::truncate;
use crate::ui::layout;

/// How a type is called in headings.
pub fn label_name(label: Label) -> &'static str {
    match label {
        Label::Per => "People",
        Label::Org => "Organisations",
        Label::Loc => "Places",
        Label::Misc => "Other",
    }
}

/// One row of the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelRow {
    /// A type heading with its number of entities.
    Heading(Label, usize),
    /// The entity at this position of the groups.
    Entity(usize),
}

/// The rows for `groups` (sorted by type, as `merge_article` returns them):
/// each type present gets a heading, then its entities.
pub fn rows(groups: &[EntityGroup]) -> Vec<PanelRow> {
    let mut out = Vec::with_capacity(groups.len() + 4);
    for label in Label::ALL {
        let n = groups.iter().filter(|g| g.label == label).count();
        if n == 0 {
            continue;
        }
        out.push(PanelRow::Heading(label, n));
        out.extend(
            groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.label == label)
                .map(|(i, _)| PanelRow::Entity(i)),
        );
    }
    out
}

/// The first row shown in a panel `height` rows high: the selected
/// entity's row stays on screen, with its heading when that fits. Shared
/// with mouse hit-testing, so a click lands on the row that was drawn.
pub fn first_row(rows: &[PanelRow], selected: usize, height: usize) -> usize {
    let sel_row = rows
        .iter()
        .position(|r| *r == PanelRow::Entity(selected))
        .unwrap_or(0);
    (sel_row + 1).saturating_sub(height)
}

/// The panel for one frame.
pub struct EntityPanelWidget<'a> {
    app: &'a App,
    focused: bool,
}

impl<'a> EntityPanelWidget<'a> {
    pub fn new(app: &'a App, focused: bool) -> Self {
        EntityPanelWidget { app, focused }
    }
}

impl Widget for EntityPanelWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.app.theme();
        let panel = self.app.panel();
        let open = self.app.reader().article;
        let ready = open.is_some() && panel.article == open;
        let mut title = String::from(" Entities ");
        if ready {
            title.push_str(&format!("{} ", panel.groups.len()));
        }
        let block = Block::bordered()
            .border_style(theme.border(self.focused))
            .title(Line::styled(title, theme.pane_title));
        let inner = layout::panel_inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        let msg = if open.is_none() {
            Some("Open an article to see its entities.")
        } else if !ready {
            Some("Recognising entities…")
        } else if panel.groups.is_empty() {
            Some("No entities found in this article.")
        } else {
            None
        };
        if let Some(msg) = msg {
            Paragraph::new(Line::styled(msg, theme.dim))
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        }
        let rows = rows(&panel.groups);
        let height = usize::from(inner.height);
        let offset = first_row(&rows, panel.selected, height);
        let width = usize::from(inner.width);
        let lines: Vec<Line<'_>> = rows
            .iter()
            .skip(offset)
            .take(height)
            .map(|row| match *row {
                PanelRow::Heading(label, n) => Line::from(vec![
                    Span::styled(label_name(label), theme.heading),
                    Span::styled(format!(" {} · {n}", label.as_str()), theme.dim),
                ]),
                PanelRow::Entity(i) => {
                    let g = &panel.groups[i];
                    let count = g.mentions.len().to_string();
                    let name_width = width.saturating_sub(count.width() + 3);
                    let name = truncate(&g.name, name_width);
                    let pad = width.saturating_sub(2 + name.width() + count.width());
                    let selected = i == panel.selected;
                    let name_style = if self.app.highlighted(g.label) {
                        theme.entity(g.label)
                    } else {
                        theme.text
                    };
                    let line = Line::from(vec![
                        Span::raw("  "),
                        Span::styled(name.into_owned(), name_style),
                        Span::raw(" ".repeat(pad)),
                        Span::styled(count, theme.dim),
                    ]);
                    if selected {
                        line.style(theme.selected)
                    } else {
                        line
                    }
                }
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::merge_article;
    use crate::ner::Span as NerSpan;

    #[test]
    fn rows_group_by_type_with_headings() {
        let body = "Chen Wei di NUS. Chen bertemu Liu Yang di Beijing.";
        let at = |m: &str, nth: usize| body.match_indices(m).nth(nth).unwrap().0;
        let sp = |m: &str, nth: usize, label| NerSpan::new(at(m, nth), at(m, nth) + m.len(), label);
        let spans = [
            sp("Chen Wei", 0, Label::Per),
            sp("NUS", 0, Label::Org),
            sp("Chen", 1, Label::Per),
            sp("Liu Yang", 0, Label::Per),
            sp("Beijing", 0, Label::Loc),
        ];
        let groups = merge_article("", &[], body, &spans);
        let r = rows(&groups);
        assert_eq!(r[0], PanelRow::Heading(Label::Per, 2));
        assert_eq!(r[1], PanelRow::Entity(0));
        assert_eq!(groups[0].name, "Chen Wei");
        assert_eq!(groups[0].mentions.len(), 2);
        assert_eq!(r[3], PanelRow::Heading(Label::Org, 1));
        assert_eq!(r.len(), 2 + 1 + 2 + 2);
    }
}
