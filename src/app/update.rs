//! The one function that changes the reader's state. No I/O happens here:
//! persistence, drawing and reading events are the run loop's job.

use std::cmp::Ordering;

use super::App;
use super::action::Action;
use super::find::FoldedText;
use super::state::{Focus, ListFilter, Overlay, Prompt, SortOrder};
use crate::ui::layout::{self, DocLayout};

/// Layouts kept per (article, width): enough for flipping between a few
/// articles with `J`/`K` and for a resize back and forth.
const LAYOUT_CACHE: usize = 4;

impl App {
    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::SelectNext => self.select_by(1),
            Action::SelectPrev => self.select_by(-1),
            Action::SelectFirst => self.select_at(0),
            Action::SelectLast => self.select_at(usize::MAX),
            Action::SelectPageDown => self.select_by(self.list_page()),
            Action::SelectPageUp => self.select_by(-self.list_page()),
            Action::Open => {
                if let Some(i) = self.list.selected_article() {
                    self.open(i);
                }
            }
            Action::ScrollDown => self.scroll_by(1),
            Action::ScrollUp => self.scroll_by(-1),
            Action::PageDown => self.scroll_by(self.reader_page()),
            Action::PageUp => self.scroll_by(-self.reader_page()),
            Action::ScrollTop => self.reader.scroll = 0,
            Action::ScrollBottom => self.reader.scroll = self.max_scroll(),
            Action::Back => self.focus = Focus::List,
            Action::FocusNext => {
                self.focus = match self.focus {
                    Focus::List if self.reader.article.is_some() => Focus::Reader,
                    _ => Focus::List,
                };
                self.ensure_layout();
            }
            Action::NextArticle => self.step_article(1),
            Action::PrevArticle => self.step_article(-1),
            Action::SearchStart => {
                self.prompt = Some(Prompt {
                    target: self.focus,
                    input: String::new(),
                });
                self.apply_prompt();
            }
            Action::SearchInput(c) => {
                if let Some(p) = &mut self.prompt {
                    p.input.push(c);
                    self.apply_prompt();
                }
            }
            Action::SearchBackspace => {
                if let Some(p) = &mut self.prompt {
                    p.input.pop();
                    self.apply_prompt();
                }
            }
            Action::SearchSubmit => {
                if let Some(p) = self.prompt.take()
                    && p.target == Focus::Reader
                    && self.reader.find.current.is_some()
                {
                    self.reveal_current_match();
                }
            }
            Action::SearchCancel => {
                if let Some(p) = self.prompt.take() {
                    match p.target {
                        Focus::List => self.set_list_query(String::new()),
                        Focus::Reader => self.reader.find = Default::default(),
                    }
                }
            }
            Action::ClearSearch => self.set_list_query(String::new()),
            Action::NextMatch => self.step_match(true),
            Action::PrevMatch => self.step_match(false),
            Action::ToggleRead => {
                if let Some(i) = self.target_article() {
                    let id = &self.entries[i].article.id;
                    let now = !self.store.is_read(id);
                    self.store.set_read(id, now);
                    self.state_changed = true;
                }
            }
            Action::ToggleStarred => {
                if let Some(i) = self.target_article() {
                    let id = &self.entries[i].article.id;
                    let now = !self.store.is_starred(id);
                    self.store.set_starred(id, now);
                    self.state_changed = true;
                }
            }
            Action::CycleFilter => {
                self.list.filter = self.list.filter.next();
                self.refresh_list();
            }
            Action::CycleSort => {
                self.list.sort = self.list.sort.next();
                self.refresh_list();
            }
            Action::ToggleHelp => self.toggle_overlay(Overlay::Help),
            Action::ToggleProblems => self.toggle_overlay(Overlay::Problems),
            Action::CloseOverlay => self.overlay = Overlay::None,
            Action::OverlayDown => {
                self.overlay_scroll = (self.overlay_scroll + 1).min(self.overlay_len());
            }
            Action::OverlayUp => self.overlay_scroll = self.overlay_scroll.saturating_sub(1),
            Action::Quit => self.quit = true,
            Action::Click { x, y } => self.click(x, y),
            Action::Scroll { x, y, down } => self.wheel(x, y, down),
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.ensure_layout();
                self.reader.scroll = self.reader.scroll.min(self.max_scroll());
                self.keep_selection_visible();
            }
            Action::ArticlesLoaded(batch) => {
                let first_new = self.entries.len();
                self.entries.extend(batch);
                self.merge_into_list(first_new);
            }
            Action::ProblemsFound(batch) => self.problems.extend(batch),
            Action::LoadingDone => self.loading = false,
        }
    }

    fn toggle_overlay(&mut self, which: Overlay) {
        self.overlay = if self.overlay == which {
            Overlay::None
        } else {
            which
        };
        self.overlay_scroll = 0;
    }

    /// Lines of content in the open overlay (scrolling stops at the last).
    fn overlay_len(&self) -> usize {
        match self.overlay {
            Overlay::None => 0,
            Overlay::Help => crate::ui::help::line_count(&self.keymap),
            Overlay::Problems => self.problems.len().saturating_mul(2),
        }
    }

    /// The article `u` and `s` act on: the open one while reading, else the selection.
    fn target_article(&self) -> Option<usize> {
        match self.focus {
            Focus::Reader => self.reader.article,
            Focus::List => self.list.selected_article(),
        }
    }

    // ---- list ----

    fn list_rows(&self) -> u16 {
        let area = self.area();
        layout::panes(area, Focus::List)
            .and_then(|p| p.list)
            .map_or(0, |r| layout::list_inner(r).height)
    }

    fn list_page(&self) -> isize {
        isize::try_from(layout::list_capacity(self.list_rows())).unwrap_or(1)
    }

    fn select_at(&mut self, pos: usize) {
        if self.list.visible.is_empty() {
            self.list.selected = 0;
        } else {
            self.list.selected = pos.min(self.list.visible.len() - 1);
        }
        self.keep_selection_visible();
    }

    fn select_by(&mut self, delta: isize) {
        let pos = self.list.selected.saturating_add_signed(delta);
        self.select_at(pos);
    }

    fn keep_selection_visible(&mut self) {
        let cap = layout::list_capacity(self.list_rows());
        let sel = self.list.selected;
        if sel < self.list.offset {
            self.list.offset = sel;
        } else if sel >= self.list.offset + cap {
            self.list.offset = sel + 1 - cap;
        }
        let max_offset = self.list.visible.len().saturating_sub(cap);
        self.list.offset = self.list.offset.min(max_offset);
    }

    fn set_list_query(&mut self, query: String) {
        if self.list.query == query {
            return;
        }
        let old = crate::text::fold(&self.list.query);
        let new = crate::text::fold(&query);
        self.list.query = query;
        if !old.is_empty() && new.contains(&old) {
            // Everything that contains the new query contains the old one,
            // so narrowing the current (already sorted) list is enough: typing
            // another letter never re-scans or re-sorts the whole library.
            let keep = self.list.selected_article();
            let entries = &self.entries;
            self.list
                .visible
                .retain(|&i| entries[i].folded.contains(&new));
            self.list.selected = keep
                .and_then(|k| self.list.visible.iter().position(|&i| i == k))
                .unwrap_or(0);
            self.keep_selection_visible();
        } else {
            self.refresh_list();
        }
    }

    /// Recomputes the visible list after a change of articles, order, filter
    /// or query, keeping the selected article selected when it is still shown.
    ///
    /// Read/starred toggles deliberately do not refresh it: an article that
    /// was just opened must not vanish from an "unread" list under the reader.
    pub(super) fn refresh_list(&mut self) {
        let keep = self.list.selected_article();
        let query = crate::text::fold(&self.list.query);
        let store = &self.store;
        let filter = self.list.filter;
        let mut visible: Vec<usize> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| match filter {
                ListFilter::All => true,
                ListFilter::Unread => !store.is_read(&e.article.id),
                ListFilter::Starred => store.is_starred(&e.article.id),
            })
            .filter(|(_, e)| query.is_empty() || e.folded.contains(&query))
            .map(|(i, _)| i)
            .collect();
        let entries = &self.entries;
        let sort = self.list.sort;
        visible.sort_by(|&a, &b| compare(entries, sort, a, b));
        self.list.visible = visible;
        self.list.selected = keep
            .and_then(|k| self.list.visible.iter().position(|&i| i == k))
            .unwrap_or(0)
            .min(self.list.visible.len().saturating_sub(1));
        self.keep_selection_visible();
    }

    /// Adds the entries from `first_new` on to the visible list: only the
    /// new ones are filtered and sorted, then merged with the already sorted
    /// list, so a loading library of 10,000 articles costs O(n) per batch
    /// rather than a full sort.
    fn merge_into_list(&mut self, first_new: usize) {
        let keep = self.list.selected_article();
        let query = crate::text::fold(&self.list.query);
        let (store, filter, sort) = (&self.store, self.list.filter, self.list.sort);
        let entries = &self.entries;
        let mut fresh: Vec<usize> = (first_new..entries.len())
            .filter(|&i| {
                let e = &entries[i];
                let shown = match filter {
                    ListFilter::All => true,
                    ListFilter::Unread => !store.is_read(&e.article.id),
                    ListFilter::Starred => store.is_starred(&e.article.id),
                };
                shown && (query.is_empty() || e.folded.contains(&query))
            })
            .collect();
        fresh.sort_by(|&a, &b| compare(entries, sort, a, b));
        let old = std::mem::take(&mut self.list.visible);
        let mut merged = Vec::with_capacity(old.len() + fresh.len());
        let (mut i, mut j) = (0, 0);
        while i < old.len() && j < fresh.len() {
            if compare(entries, sort, fresh[j], old[i]) == Ordering::Less {
                merged.push(fresh[j]);
                j += 1;
            } else {
                merged.push(old[i]);
                i += 1;
            }
        }
        merged.extend_from_slice(&old[i..]);
        merged.extend_from_slice(&fresh[j..]);
        self.list.visible = merged;
        self.list.selected = keep
            .and_then(|k| self.list.visible.iter().position(|&i| i == k))
            .unwrap_or(0);
        self.keep_selection_visible();
    }

    // ---- reader ----

    /// The reading pane's text area for the current size.
    pub(super) fn reader_text_area(&self) -> Option<ratatui::layout::Rect> {
        let panes = layout::panes(self.area(), Focus::Reader)?;
        panes.reader.map(layout::reader_inner)
    }

    fn reader_rows(&self) -> usize {
        self.reader_text_area().map_or(0, |r| usize::from(r.height))
    }

    fn reader_page(&self) -> isize {
        // One line of overlap keeps the reader's place across pages.
        isize::try_from(self.reader_rows().saturating_sub(1).max(1)).unwrap_or(1)
    }

    fn max_scroll(&self) -> usize {
        self.open_layout()
            .map_or(0, |l| l.max_scroll(self.reader_rows()))
    }

    fn scroll_by(&mut self, delta: isize) {
        self.reader.scroll = self
            .reader
            .scroll
            .saturating_add_signed(delta)
            .min(self.max_scroll());
    }

    fn open(&mut self, i: usize) {
        if self.reader.article != Some(i) {
            self.reader.article = Some(i);
            self.reader.scroll = 0;
            self.reader.find = Default::default();
        }
        self.focus = Focus::Reader;
        let id = &self.entries[i].article.id;
        if !self.store.is_read(id) {
            self.store.set_read(id, true);
            self.state_changed = true;
        }
        self.ensure_layout();
    }

    fn step_article(&mut self, delta: isize) {
        let here = self
            .reader
            .article
            .and_then(|a| self.list.visible.iter().position(|&i| i == a))
            .unwrap_or(self.list.selected);
        let Some(last) = self.list.visible.len().checked_sub(1) else {
            return;
        };
        let pos = here.saturating_add_signed(delta).min(last);
        self.list.selected = pos;
        self.keep_selection_visible();
        let i = self.list.visible[pos];
        self.open(i);
    }

    /// Makes sure the open article has a layout for the reader's current width.
    pub(super) fn ensure_layout(&mut self) {
        let (Some(i), Some(area)) = (self.reader.article, self.reader_text_area()) else {
            return;
        };
        let width = area.width;
        if let Some(pos) = self
            .layouts
            .iter()
            .position(|(a, w, _)| *a == i && *w == width)
        {
            // Most recently used last.
            let hit = self.layouts.remove(pos);
            self.layouts.push(hit);
            return;
        }
        if self.layouts.len() >= LAYOUT_CACHE {
            self.layouts.remove(0);
        }
        let layout = DocLayout::new(&self.entries[i].article, width);
        self.layouts.push((i, width, layout));
    }

    fn apply_prompt(&mut self) {
        let Some(p) = &self.prompt else { return };
        let input = p.input.clone();
        match p.target {
            Focus::List => self.set_list_query(input),
            Focus::Reader => self.find_in_article(input),
        }
    }

    fn find_in_article(&mut self, query: String) {
        let Some(i) = self.reader.article else { return };
        if self.folded_body.as_ref().is_none_or(|(a, _)| *a != i) {
            self.folded_body = Some((i, FoldedText::new(&self.entries[i].article.body)));
        }
        let matches = self
            .folded_body
            .as_ref()
            .map(|(_, f)| f.find(&query))
            .unwrap_or_default();
        // Incremental find starts from the first match at or below the top
        // of the pane, like a pager, so typing does not yank the view back.
        let top = self
            .open_layout()
            .and_then(|l| l.window(self.reader.scroll, 1).first())
            .map_or(0, |d| d.range.start);
        let current = if matches.is_empty() {
            None
        } else {
            Some(matches.iter().position(|m| m.start >= top).unwrap_or(0))
        };
        self.reader.find.query = query;
        self.reader.find.matches = matches;
        self.reader.find.current = current;
        self.reveal_current_match();
    }

    fn step_match(&mut self, forward: bool) {
        let n = self.reader.find.matches.len();
        if n == 0 {
            return;
        }
        let cur = self.reader.find.current;
        self.reader.find.current = Some(match (cur, forward) {
            (None, _) => 0,
            (Some(c), true) => (c + 1) % n,
            (Some(c), false) => (c + n - 1) % n,
        });
        self.reveal_current_match();
    }

    /// Scrolls so the current match is on screen, a third down the pane when
    /// the reader has to move.
    fn reveal_current_match(&mut self) {
        let Some(m) = self
            .reader
            .find
            .current
            .and_then(|c| self.reader.find.matches.get(c))
        else {
            return;
        };
        let Some(line) = self
            .open_layout()
            .and_then(|l| l.line_of_body_offset(m.start))
        else {
            return;
        };
        let rows = self.reader_rows().max(1);
        if line < self.reader.scroll || line >= self.reader.scroll + rows {
            self.reader.scroll = line.saturating_sub(rows / 3).min(self.max_scroll());
        }
    }
}

/// Ordering of two articles (indices into `entries`) for `sort`.
fn compare(
    entries: &[super::action::LoadedArticle],
    sort: SortOrder,
    a: usize,
    b: usize,
) -> Ordering {
    let (x, y) = (&entries[a], &entries[b]);
    let newest_first = || match (x.timestamp, y.timestamp) {
        (Some(p), Some(q)) => q.cmp(&p),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let title = || folded_title(&x.folded).cmp(folded_title(&y.folded));
    let primary = match sort {
        SortOrder::Date => newest_first().then_with(title),
        SortOrder::Title => title().then_with(newest_first),
        SortOrder::Source => {
            let sx = x.article.source.as_deref().map(crate::text::fold);
            let sy = y.article.source.as_deref().map(crate::text::fold);
            // Articles without a source go last.
            match (sx, sy) {
                (Some(p), Some(q)) => p.cmp(&q),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
            .then_with(newest_first)
            .then_with(title)
        }
    };
    // Load order breaks remaining ties so the list never shuffles.
    primary.then(a.cmp(&b))
}

/// The folded title: the search key up to its first newline.
fn folded_title(key: &str) -> &str {
    key.split_once('\n').map_or(key, |(t, _)| t)
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::app::LoadedArticle;
    use crate::article::{Article, Problem};
    use crate::state::StateStore;

    fn art(id: &str, title: &str, date: Option<&str>, source: Option<&str>, body: &str) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            published: date.map(Into::into),
            source: source.map(Into::into),
            body: body.into(),
            ..Article::default()
        }
    }

    fn app() -> App {
        let mut app = App::with_articles(
            vec![
                art(
                    "a",
                    "Banjir di Jakarta",
                    Some("2024-03-02"),
                    Some("Kompas"),
                    "Air naik.",
                ),
                art(
                    "b",
                    "Élection à Paris",
                    Some("2024-03-05"),
                    Some("Le Monde"),
                    "Les électeurs votent.",
                ),
                art(
                    "c",
                    "Chip exports",
                    None,
                    Some("Reuters"),
                    "Tencent and Baidu buy chips.",
                ),
            ],
            StateStore::in_memory(),
        );
        app.update(Action::Resize(100, 30));
        app
    }

    fn titles(app: &App) -> Vec<&str> {
        app.list()
            .visible
            .iter()
            .map(|&i| app.article(i).unwrap().title.as_str())
            .collect()
    }

    fn key(app: &mut App, code: KeyCode) {
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn typed(app: &mut App, s: &str) {
        for c in s.chars() {
            key(app, KeyCode::Char(c));
        }
    }

    #[test]
    fn default_order_is_newest_first_and_o_cycles() {
        let mut app = app();
        assert_eq!(
            titles(&app),
            ["Élection à Paris", "Banjir di Jakarta", "Chip exports"]
        );
        app.update(Action::CycleSort);
        assert_eq!(
            titles(&app),
            ["Banjir di Jakarta", "Chip exports", "Élection à Paris"]
        );
        app.update(Action::CycleSort);
        assert_eq!(
            titles(&app),
            ["Banjir di Jakarta", "Élection à Paris", "Chip exports"]
        );
        app.update(Action::CycleSort);
        assert_eq!(app.list().sort, SortOrder::Date);
    }

    #[test]
    fn sorting_keeps_the_selected_article() {
        let mut app = app();
        app.update(Action::SelectLast);
        let before = app.list().selected_article();
        app.update(Action::CycleSort);
        assert_eq!(app.list().selected_article(), before);
    }

    #[test]
    fn movement_is_clamped() {
        let mut app = app();
        app.update(Action::SelectPrev);
        assert_eq!(app.list().selected, 0);
        for _ in 0..10 {
            app.update(Action::SelectNext);
        }
        assert_eq!(app.list().selected, 2);
        app.update(Action::SelectFirst);
        assert_eq!(app.list().selected, 0);
        app.update(Action::SelectPageDown);
        assert_eq!(app.list().selected, 2);
    }

    #[test]
    fn opening_focuses_reader_and_marks_read() {
        let mut app = app();
        assert_eq!(app.unread_count(), 3);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.focus(), Focus::Reader);
        assert_eq!(app.reader().article, app.list().selected_article());
        assert_eq!(app.unread_count(), 2);
        assert!(app.take_state_changed());
        assert!(!app.take_state_changed());
        assert!(app.open_layout().is_some());
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.focus(), Focus::List);
    }

    #[test]
    fn next_and_previous_article_follow_the_list() {
        let mut app = app();
        key(&mut app, KeyCode::Enter);
        typed(&mut app, "J");
        assert_eq!(
            app.reader()
                .article
                .map(|i| app.article(i).unwrap().id.as_str()),
            Some("a")
        );
        assert_eq!(app.list().selected, 1);
        typed(&mut app, "JJ");
        assert_eq!(app.list().selected, 2);
        typed(&mut app, "K");
        assert_eq!(app.list().selected, 1);
        assert_eq!(app.unread_count(), 0);
    }

    #[test]
    fn list_search_is_incremental_folded_and_esc_clears() {
        let mut app = app();
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "ELECT");
        assert_eq!(titles(&app), ["Élection à Paris"]);
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.list().query, "ELEC");
        assert!(app.prompt().is_none());
        key(&mut app, KeyCode::Esc);
        assert_eq!(titles(&app).len(), 3);
        // bodies are searched too
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "baidu");
        assert_eq!(titles(&app), ["Chip exports"]);
        key(&mut app, KeyCode::Esc);
        assert!(app.list().query.is_empty());
    }

    #[test]
    fn narrowing_a_query_matches_a_fresh_search() {
        let mut app = app();
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "a");
        let wide = titles(&app).len();
        typed(&mut app, "ri");
        let narrowed = app.list().visible.clone();
        app.refresh_list();
        assert_eq!(narrowed, app.list().visible);
        assert!(narrowed.len() < wide, "{narrowed:?}");
        // Deleting widens again, through a full refresh.
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Backspace);
        assert_eq!(titles(&app).len(), wide);
    }

    #[test]
    fn typing_q_in_a_search_does_not_quit() {
        let mut app = app();
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "q");
        assert!(!app.should_quit());
        key(&mut app, KeyCode::Esc);
        typed(&mut app, "q");
        assert!(app.should_quit());
    }

    #[test]
    fn filter_cycles_over_read_and_starred() {
        let mut app = app();
        app.update(Action::ToggleStarred);
        app.update(Action::ToggleRead);
        app.update(Action::CycleFilter);
        assert_eq!(app.list().filter, ListFilter::Unread);
        assert_eq!(titles(&app), ["Banjir di Jakarta", "Chip exports"]);
        app.update(Action::CycleFilter);
        assert_eq!(titles(&app), ["Élection à Paris"]);
        app.update(Action::CycleFilter);
        assert_eq!(titles(&app).len(), 3);
        app.update(Action::ToggleStarred);
        assert!(!app.store().is_starred("b"));
    }

    fn long_app() -> App {
        let para = "kata ".repeat(200);
        let body = format!("{para}\n\n{para} Tencent {para}\n\n{para} tencent");
        let mut app = App::with_articles(
            vec![art("x", "Long", None, None, &body)],
            StateStore::in_memory(),
        );
        app.update(Action::Resize(100, 30));
        app.update(Action::Open);
        app
    }

    #[test]
    fn scrolling_is_clamped_to_the_layout() {
        let mut app = long_app();
        app.update(Action::ScrollUp);
        assert_eq!(app.reader().scroll, 0);
        app.update(Action::ScrollDown);
        assert_eq!(app.reader().scroll, 1);
        app.update(Action::ScrollBottom);
        let max = app.reader().scroll;
        assert!(max > 0);
        app.update(Action::PageDown);
        assert_eq!(app.reader().scroll, max);
        app.update(Action::ScrollTop);
        app.update(Action::PageDown);
        assert!(app.reader().scroll > 1 && app.reader().scroll < max);
    }

    #[test]
    fn find_in_article_jumps_between_matches() {
        let mut app = long_app();
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "TENCENT");
        key(&mut app, KeyCode::Enter);
        let find = &app.reader().find;
        assert_eq!(find.matches.len(), 2);
        assert_eq!(find.current, Some(0));
        let body = &app.article(0).unwrap().body;
        assert_eq!(&body[find.matches[0].clone()], "Tencent");
        let line = app
            .open_layout()
            .unwrap()
            .line_of_body_offset(find.matches[0].start)
            .unwrap();
        let rows = 30 - 3;
        let scroll = app.reader().scroll;
        assert!(
            scroll <= line && line < scroll + rows,
            "match line {line} not in view at {scroll}"
        );
        typed(&mut app, "n");
        assert_eq!(app.reader().find.current, Some(1));
        typed(&mut app, "n");
        assert_eq!(app.reader().find.current, Some(0));
        typed(&mut app, "N");
        assert_eq!(app.reader().find.current, Some(1));
    }

    #[test]
    fn resize_keeps_scroll_in_range_and_rewraps() {
        let mut app = long_app();
        app.update(Action::ScrollBottom);
        app.update(Action::Resize(200, 60));
        assert!(app.reader().scroll <= app.open_layout().unwrap().max_scroll(57));
        assert_eq!(app.open_layout().unwrap().width, 200 - 56 - 4);
        app.update(Action::Resize(1, 1));
        assert!(app.open_layout().is_none());
    }

    #[test]
    fn overlays_take_the_keys_until_closed() {
        let mut app = app();
        typed(&mut app, "?");
        assert_eq!(app.overlay().0, Overlay::Help);
        typed(&mut app, "j");
        assert_eq!(app.list().selected, 0);
        assert_eq!(app.overlay().1, 1);
        typed(&mut app, "q");
        assert_eq!(app.overlay().0, Overlay::None);
        assert!(!app.should_quit());
        app.update(Action::ProblemsFound(vec![Problem {
            path: "bad.json".into(),
            reason: "line 1, column 2: expected value".into(),
        }]));
        typed(&mut app, "!");
        assert_eq!(app.overlay().0, Overlay::Problems);
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.overlay().0, Overlay::None);
    }

    #[test]
    fn loading_in_batches_keeps_the_selection() {
        let mut app = App::new(StateStore::in_memory());
        app.update(Action::Resize(80, 24));
        assert!(app.is_loading());
        app.update(Action::ArticlesLoaded(vec![LoadedArticle::new(art(
            "1",
            "Old",
            Some("2020-01-01"),
            None,
            "",
        ))]));
        app.update(Action::SelectNext);
        let sel = app.list().selected_article();
        app.update(Action::ArticlesLoaded(vec![LoadedArticle::new(art(
            "2",
            "New",
            Some("2025-01-01"),
            None,
            "",
        ))]));
        assert_eq!(app.list().selected_article(), sel);
        assert_eq!(app.list().selected, 1);
        app.update(Action::LoadingDone);
        assert!(!app.is_loading());
    }

    #[test]
    fn merging_batches_gives_the_same_order_as_a_full_sort() {
        for sort in [SortOrder::Date, SortOrder::Title, SortOrder::Source] {
            let mut app = App::new(StateStore::in_memory());
            app.list.sort = sort;
            app.list.query = "a".into();
            let mut k = 0u32;
            for batch in 0..6 {
                let arts = (0..=batch)
                    .map(|_| {
                        k = k.wrapping_mul(2_654_435_761).wrapping_add(12345);
                        let day = k % 5;
                        let src = ["Kompas", "Tempo", "Antara"][(k % 3) as usize];
                        let title = format!(
                            "{} berita {}",
                            ["Banjir", "Pemilu", "Ekspor"][(k % 3) as usize],
                            k % 7
                        );
                        let dated = (day > 0).then(|| format!("2024-01-0{day}"));
                        LoadedArticle::new(art(
                            &k.to_string(),
                            &title,
                            dated.as_deref(),
                            Some(src),
                            "kabar",
                        ))
                    })
                    .collect();
                app.update(Action::ArticlesLoaded(arts));
            }
            let merged = app.list().visible.clone();
            app.refresh_list();
            assert_eq!(merged, app.list().visible, "{sort:?}");
            assert!(!merged.is_empty());
        }
    }

    #[test]
    fn actions_on_an_empty_library_are_harmless() {
        let mut app = App::with_articles(Vec::new(), StateStore::in_memory());
        for a in [
            Action::SelectNext,
            Action::SelectLast,
            Action::Open,
            Action::ScrollDown,
            Action::PageDown,
            Action::NextArticle,
            Action::PrevArticle,
            Action::ToggleRead,
            Action::ToggleStarred,
            Action::NextMatch,
            Action::FocusNext,
            Action::SearchStart,
            Action::SearchInput('x'),
            Action::SearchSubmit,
            Action::Resize(0, 0),
        ] {
            app.update(a);
        }
        assert_eq!(app.focus(), Focus::List);
        assert!(app.reader().article.is_none());
    }
}
