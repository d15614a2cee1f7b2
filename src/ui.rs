//! Drawing. Reads app state and never does I/O or NER; every colour comes
//! from the one [`theme::Theme`]. [`draw`] only lays out the screen and
//! delegates to one widget per file.

pub mod article_list;
pub mod entity_index;
pub mod entity_panel;
pub mod help;
pub mod highlight;
pub mod layout;
pub mod link_list;
pub mod problems;
pub mod reading_pane;
pub mod status_bar;
pub mod theme;
pub mod theme_config;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::state::{Focus, Overlay};

/// Draws the whole screen for `app`.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let Some(panes) = layout::panes_for(area, app.focus(), app.panel().open) else {
        draw_too_small(frame, app, area);
        return;
    };
    if let Some(list) = panes.list {
        frame.render_widget(
            article_list::ArticleList::new(app, app.focus() == Focus::List),
            list,
        );
    }
    if let Some(reader) = panes.reader {
        frame.render_widget(
            reading_pane::ReadingPane::new(app, app.focus() == Focus::Reader),
            reader,
        );
    }
    if let Some(panel) = panes.entities {
        frame.render_widget(
            entity_panel::EntityPanelWidget::new(app, app.focus() == Focus::Entities),
            panel,
        );
    }
    frame.render_widget(status_bar::StatusBar::new(app), panes.status);
    match app.overlay() {
        (Overlay::None, _) => {}
        (Overlay::Help, scroll) => {
            frame.render_widget(help::Help::new(app, scroll), overlay_area(area));
        }
        (Overlay::Problems, scroll) => {
            frame.render_widget(problems::Problems::new(app, scroll), overlay_area(area));
        }
        (Overlay::EntityIndex, _) => {
            frame.render_widget(
                entity_index::EntityIndexWidget::new(app),
                overlay_area(area),
            );
        }
    }
    if app.links_state().list.is_some() {
        frame.render_widget(link_list::LinkList::new(app), overlay_area(area));
    }
}

/// The box overlays are drawn in: centred, most of the screen.
pub fn overlay_area(area: Rect) -> Rect {
    let width = (area.width.saturating_mul(4) / 5).max(area.width.min(38));
    let height = area.height.saturating_sub(2).saturating_mul(9) / 10;
    area.centered(Constraint::Length(width), Constraint::Length(height.max(3)))
}

fn draw_too_small(frame: &mut Frame, app: &App, area: Rect) {
    let msg = format!(
        "terminal too small ({}x{}); sorot needs at least {}x{}",
        area.width,
        area.height,
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT
    );
    let p = Paragraph::new(Line::styled(msg, app.theme().warning)).wrap(Wrap { trim: true });
    frame.render_widget(p, area);
}
