//! Mouse input as actions. The run loop turns crossterm mouse events into
//! [`Action::Click`] and [`Action::Scroll`] ([`action_for_mouse`]); `update`
//! resolves them against [`crate::ui::layout::panes_for`] for the current
//! terminal size, focus and entity panel, the same function the UI draws with, so hit
//! testing never needs state recorded while drawing.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use unicode_width::UnicodeWidthChar;

use super::App;
use super::action::Action;
use super::state::{Focus, Overlay};
use crate::entities::Field;
use crate::ui::entity_panel::{self, PanelRow};
use crate::ui::layout::{self, LIST_ITEM_HEIGHT, LineKind};

/// Lines the reading pane moves per wheel notch.
pub const WHEEL_LINES: usize = 3;

/// The action for a mouse event, if it means anything to the reader: left
/// clicks and the wheel; moves, drags and other buttons do nothing.
pub fn action_for_mouse(ev: MouseEvent) -> Option<Action> {
    let (x, y) = (ev.column, ev.row);
    match ev.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { x, y }),
        MouseEventKind::ScrollDown => Some(Action::Scroll { x, y, down: true }),
        MouseEventKind::ScrollUp => Some(Action::Scroll { x, y, down: false }),
        _ => None,
    }
}

/// Which part of the screen a cell is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hit {
    List(Rect),
    Reader(Rect),
    Entities(Rect),
    Elsewhere,
}

impl App {
    fn hit(&self, x: u16, y: u16) -> Hit {
        let Some(panes) = layout::panes_for(self.area(), self.focus, self.panel.open) else {
            return Hit::Elsewhere;
        };
        let at = Position::new(x, y);
        match (panes.list, panes.reader, panes.entities) {
            (Some(list), _, _) if list.contains(at) => Hit::List(list),
            (_, Some(reader), _) if reader.contains(at) => Hit::Reader(reader),
            (_, _, Some(panel)) if panel.contains(at) => Hit::Entities(panel),
            _ => Hit::Elsewhere,
        }
    }

    /// Where a cell of the reading pane `pane` falls in the open article's
    /// text, as drawn: the field and the byte offset of the character there.
    fn text_at(&self, pane: Rect, x: u16, y: u16) -> Option<(Field, usize)> {
        let inner = layout::reader_inner(pane);
        if !inner.contains(Position::new(x, y)) {
            return None;
        }
        let article = self.reader.article.and_then(|i| self.article(i))?;
        // The layout the pane was drawn with (it draws a fresh one, with the
        // same lines, only when this one is missing).
        let doc = self.open_layout().filter(|l| l.width == inner.width)?;
        let rows = usize::from(inner.height);
        let scroll = self.reader.scroll.min(doc.max_scroll(rows));
        let line = doc.lines.get(scroll + usize::from(y - inner.y))?;
        let (field, text) = match line.kind {
            LineKind::Title => (Field::Title, &article.title),
            LineKind::Body => (Field::Body, &article.body),
            _ => return None,
        };
        let col = usize::from(x - inner.x);
        let mut at = 0;
        for (i, c) in text.get(line.range.clone())?.char_indices() {
            let w = c.width().unwrap_or(0);
            if col < at + w {
                return Some((field, line.range.start + i));
            }
            at += w;
        }
        None
    }

    /// The panel row under a cell of the entity panel `pane`, as drawn.
    fn panel_row_at(&self, pane: Rect, y: u16) -> Option<PanelRow> {
        let inner = layout::panel_inner(pane);
        if self.panel.article != self.reader.article || y < inner.y || y >= inner.bottom() {
            return None;
        }
        let rows = entity_panel::rows(&self.panel.groups);
        let height = usize::from(inner.height);
        let first = entity_panel::first_row(&rows, self.panel.selected, height);
        rows.get(first + usize::from(y - inner.y)).copied()
    }

    /// A left click: on an article in the list selects it (a click on the
    /// selected one opens it); on an entity in the text selects it in the
    /// entity panel (opening the panel) as the current mention; on an
    /// entity in the panel selects it; on a pane focuses it. With an overlay
    /// open, closes the overlay.
    pub(super) fn click(&mut self, x: u16, y: u16) {
        if self.overlay != Overlay::None {
            self.update(Action::CloseOverlay);
            return;
        }
        match self.hit(x, y) {
            Hit::List(pane) => {
                self.focus = Focus::List;
                let inner = layout::list_inner(pane);
                if !inner.contains(Position::new(x, y)) {
                    return;
                }
                let pos = self.list.offset + usize::from((y - inner.y) / LIST_ITEM_HEIGHT);
                // Rows past the last whole item show nothing (see the list widget).
                let shown = layout::list_capacity(inner.height);
                if pos < self.list.visible.len() && pos < self.list.offset + shown {
                    if pos == self.list.selected {
                        self.update(Action::Open);
                    } else {
                        self.list.selected = pos;
                    }
                }
            }
            Hit::Reader(pane) => {
                // Resolved against the screen as it was before the focus moves.
                let text = self.text_at(pane, x, y);
                if self.reader.article.is_some() && self.focus != Focus::Reader {
                    self.update(Action::FocusNext);
                }
                if let Some((field, offset)) = text {
                    self.select_mention_at(field, offset);
                }
            }
            Hit::Entities(pane) => {
                let row = self.panel_row_at(pane, y);
                self.focus = Focus::Entities;
                if let Some(PanelRow::Entity(g)) = row {
                    self.select_entity(g);
                }
            }
            Hit::Elsewhere => {}
        }
    }

    /// The wheel: scrolls the pane under the pointer (the overlay, when one
    /// is open), whichever pane has focus.
    pub(super) fn wheel(&mut self, x: u16, y: u16, down: bool) {
        let step = |app: &mut App, a: Action, n: usize| {
            for _ in 0..n {
                app.update(a.clone());
            }
        };
        if self.overlay != Overlay::None {
            let a = if down {
                Action::OverlayDown
            } else {
                Action::OverlayUp
            };
            step(self, a, WHEEL_LINES);
            return;
        }
        match self.hit(x, y) {
            Hit::List(_) => {
                let a = if down {
                    Action::SelectNext
                } else {
                    Action::SelectPrev
                };
                step(self, a, 1);
            }
            Hit::Reader(_) => {
                let a = if down {
                    Action::ScrollDown
                } else {
                    Action::ScrollUp
                };
                step(self, a, WHEEL_LINES);
            }
            Hit::Entities(_) => {
                let a = if down {
                    Action::EntityNext
                } else {
                    Action::EntityPrev
                };
                step(self, a, 1);
            }
            Hit::Elsewhere => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::state::StateStore;
    use ratatui::crossterm::event::KeyModifiers;

    fn app() -> App {
        let articles = (0..6)
            .map(|i| Article {
                id: format!("a{i}"),
                title: format!("Article {i}"),
                body: (0..80)
                    .map(|l| format!("Line {l} of article {i}."))
                    .collect::<Vec<_>>()
                    .join("\n\n"),
                ..Article::default()
            })
            .collect();
        let mut app = App::with_articles(articles, StateStore::in_memory());
        app.update(Action::Resize(100, 30));
        app
    }

    fn list_row(app: &App, pos: usize) -> (u16, u16) {
        let panes = layout::panes(app.area(), app.focus()).unwrap();
        let inner = layout::list_inner(panes.list.unwrap());
        (inner.x + 2, inner.y + 1 + pos as u16 * LIST_ITEM_HEIGHT)
    }

    fn reader_cell(app: &App) -> (u16, u16) {
        let panes = layout::panes(app.area(), app.focus()).unwrap();
        let r = panes.reader.unwrap();
        (r.x + r.width / 2, r.y + r.height / 2)
    }

    #[test]
    fn mouse_events_become_actions() {
        let ev = |kind| MouseEvent {
            kind,
            column: 7,
            row: 3,
            modifiers: KeyModifiers::NONE,
        };
        assert_eq!(
            action_for_mouse(ev(MouseEventKind::Down(MouseButton::Left))),
            Some(Action::Click { x: 7, y: 3 })
        );
        assert_eq!(
            action_for_mouse(ev(MouseEventKind::ScrollUp)),
            Some(Action::Scroll {
                x: 7,
                y: 3,
                down: false
            })
        );
        assert_eq!(action_for_mouse(ev(MouseEventKind::Moved)), None);
        assert_eq!(
            action_for_mouse(ev(MouseEventKind::Down(MouseButton::Right))),
            None
        );
    }

    #[test]
    fn click_selects_then_opens_an_article() {
        let mut app = app();
        let (x, y) = list_row(&app, 2);
        app.update(Action::Click { x, y });
        assert_eq!(app.list().selected, 2);
        assert_eq!(app.reader().article, None);
        app.update(Action::Click { x, y });
        let opened = app.list().selected_article();
        assert_eq!(app.reader().article, opened);
        assert_eq!(app.focus(), Focus::Reader);
        // A click below the last article does nothing.
        let panes = layout::panes(app.area(), Focus::List).unwrap();
        let bottom = layout::list_inner(panes.list.unwrap()).bottom() - 1;
        app.update(Action::Click { x, y: bottom });
        assert_eq!(app.list().selected, 2);
        assert_eq!(app.focus(), Focus::List);
    }

    #[test]
    fn click_on_a_pane_focuses_it() {
        let mut app = app();
        let (x, y) = reader_cell(&app);
        // Nothing open yet: the reader cannot take focus.
        app.update(Action::Click { x, y });
        assert_eq!(app.focus(), Focus::List);
        app.update(Action::Open);
        app.update(Action::Back);
        app.update(Action::Click { x, y });
        assert_eq!(app.focus(), Focus::Reader);
        let border = layout::panes(app.area(), app.focus())
            .unwrap()
            .list
            .unwrap();
        app.update(Action::Click {
            x: border.x,
            y: border.y,
        });
        assert_eq!(app.focus(), Focus::List);
        // A click on the border focuses without selecting.
        assert_eq!(app.list().selected, 0);
    }

    #[test]
    fn wheel_scrolls_the_pane_under_the_pointer() {
        let mut app = app();
        app.update(Action::Open);
        app.update(Action::Back);
        assert_eq!(app.focus(), Focus::List);
        let (rx, ry) = reader_cell(&app);
        app.update(Action::Scroll {
            x: rx,
            y: ry,
            down: true,
        });
        assert_eq!(app.reader().scroll, WHEEL_LINES);
        assert_eq!(app.list().selected, 0);
        let (lx, ly) = list_row(&app, 0);
        app.update(Action::Scroll {
            x: lx,
            y: ly,
            down: true,
        });
        assert_eq!(app.list().selected, 1);
        assert_eq!(app.reader().scroll, WHEEL_LINES);
        app.update(Action::Scroll {
            x: rx,
            y: ry,
            down: false,
        });
        assert_eq!(app.reader().scroll, 0);
        // The status bar row scrolls nothing.
        app.update(Action::Scroll {
            x: 1,
            y: 29,
            down: true,
        });
        assert_eq!((app.list().selected, app.reader().scroll), (1, 0));
    }

    #[test]
    fn with_an_overlay_the_wheel_scrolls_it_and_a_click_closes_it() {
        let mut app = app();
        app.update(Action::ToggleHelp);
        app.update(Action::Scroll {
            x: 50,
            y: 10,
            down: true,
        });
        assert_eq!(app.overlay(), (Overlay::Help, WHEEL_LINES));
        app.update(Action::Click { x: 50, y: 10 });
        assert_eq!(app.overlay().0, Overlay::None);
        assert_eq!(app.list().selected, 0);
    }

    #[test]
    fn click_on_the_entity_panel_focuses_it() {
        let mut app = app();
        app.update(Action::Open);
        app.update(Action::ToggleEntityPanel);
        app.update(Action::Back);
        let panes = layout::panes_for(app.area(), app.focus(), app.panel().open).unwrap();
        let panel = panes.entities.expect("panel shown at 100x30");
        let reader = panes.reader.unwrap();
        assert!(!reader.intersects(panel));
        app.update(Action::Click {
            x: panel.x + 2,
            y: panel.y + 2,
        });
        assert_eq!(app.focus(), Focus::Entities);
    }

    #[test]
    fn too_small_terminal_ignores_the_mouse() {
        let mut app = app();
        app.update(Action::Resize(20, 5));
        app.update(Action::Click { x: 3, y: 2 });
        app.update(Action::Scroll {
            x: 3,
            y: 2,
            down: true,
        });
        assert_eq!((app.list().selected, app.focus()), (0, Focus::List));
    }
}
