//! The one function that changes the reader's state. No I/O happens here:
//! persistence, drawing and reading events are the run loop's job.

use std::cmp::Ordering;
use std::sync::Arc;

use super::action::{Action, LoadedArticle};
use super::find::FoldedText;
use super::state::{
    ArticleAnnotation, EntityFilter, Focus, IndexRow, ListFilter, Overlay, Prompt, SortOrder,
};
use super::{App, TOP_ENTITIES_PREF, highlight_pref};
use crate::annotations::ArticleEntities;
use crate::entities::{self, Field};
use crate::ner::Label;
use crate::state::StateStore;
use crate::ui::layout::{self, DocLayout, LineKind};

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
            Action::Back => {
                self.focus = match self.focus {
                    Focus::Entities if self.reader.article.is_some() => Focus::Reader,
                    _ => Focus::List,
                };
            }
            Action::FocusNext => {
                self.focus = match self.focus {
                    Focus::List if self.reader.article.is_some() => Focus::Reader,
                    Focus::Reader if self.panel.open => Focus::Entities,
                    _ => Focus::List,
                };
                self.ensure_layout();
            }
            Action::NextArticle => self.step_article(1),
            Action::PrevArticle => self.step_article(-1),
            Action::SearchStart if self.overlay == Overlay::EntityIndex => {
                self.index_view.typing = true;
            }
            Action::SearchInput(c) if self.overlay == Overlay::EntityIndex => {
                self.index_view.query.push(c);
                self.refresh_index_rows();
            }
            Action::SearchBackspace if self.overlay == Overlay::EntityIndex => {
                self.index_view.query.pop();
                self.refresh_index_rows();
            }
            Action::SearchSubmit if self.overlay == Overlay::EntityIndex => {
                self.index_view.typing = false;
            }
            Action::SearchCancel if self.overlay == Overlay::EntityIndex => {
                self.index_view.typing = false;
                self.index_view.query.clear();
                self.refresh_index_rows();
            }
            // Searching the panel is not a thing; `/` there stays harmless.
            Action::SearchStart if self.focus == Focus::Entities => {}
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
                        Focus::Reader | Focus::Entities => self.reader.find = Default::default(),
                    }
                }
            }
            Action::ClearSearch => {
                self.list.entity = None;
                self.list.query.clear();
                self.refresh_list();
            }
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
            Action::ProblemsResolved(path) => self.problems.retain(|p| p.path != path),
            Action::LoadingDone => self.loading = false,
            Action::ToggleHighlight(label) => {
                let i = label.index();
                self.set_highlight(label, !self.highlight[i]);
            }
            Action::ToggleAllHighlights => {
                let on = !self.highlight.iter().all(|&h| h);
                for label in Label::ALL {
                    self.set_highlight(label, on);
                }
            }
            Action::ToggleEntityPanel => self.toggle_panel(),
            Action::EntityNext => self.select_entity(self.panel.selected.saturating_add(1)),
            Action::EntityPrev => self.select_entity(self.panel.selected.saturating_sub(1)),
            Action::EntityFirst => self.select_entity(0),
            Action::EntityLast => self.select_entity(usize::MAX),
            Action::NextMention => self.step_mention(true),
            Action::PrevMention => self.step_mention(false),
            Action::FilterByEntity => self.filter_by_entity(),
            Action::ClearEntityFilter => {
                self.list.entity = None;
                self.refresh_list();
            }
            Action::ToggleEntityIndex => {
                self.toggle_overlay(Overlay::EntityIndex);
                self.index_view.typing = false;
                if self.overlay == Overlay::EntityIndex {
                    self.refresh_index_rows();
                }
            }
            Action::IndexNext => self.select_index_row(self.index_view.selected.saturating_add(1)),
            Action::IndexPrev => self.select_index_row(self.index_view.selected.saturating_sub(1)),
            Action::IndexPageDown => {
                let page = self.index_page();
                self.select_index_row(self.index_view.selected.saturating_add(page));
            }
            Action::IndexPageUp => {
                let page = self.index_page();
                self.select_index_row(self.index_view.selected.saturating_sub(page));
            }
            Action::ToggleTopEntities => {
                self.list.top_entities = !self.list.top_entities;
                self.store
                    .set_pref(TOP_ENTITIES_PREF, self.list.top_entities);
                self.state_changed = true;
                self.keep_selection_visible();
            }
            Action::EntitiesAnnotated(batch) => {
                for (i, ents) in batch {
                    self.absorb_entities(i, ents, None);
                }
                if self.overlay == Overlay::EntityIndex {
                    self.refresh_index_rows();
                }
            }
            Action::EntitiesSummarized(batch) => {
                for (i, ents, summary) in batch {
                    self.absorb_entities(i, ents, Some(*summary));
                }
                if self.overlay == Overlay::EntityIndex {
                    self.refresh_index_rows();
                }
            }
            Action::AnnotationProgress { done, total } => self.progress = (done, total),
            Action::ReloadEntityLists => {
                self.links
                    .requests
                    .push(super::links::Request::ReloadEntityLists);
                self.links.notice = Some("reloading entity lists…".into());
            }
            Action::EntitiesReset => self.reset_entities(),
            a @ (Action::OpenArticleUrl
            | Action::ShowLinks
            | Action::LinkNext
            | Action::LinkPrev
            | Action::LinkOpen
            | Action::CloseLinks
            | Action::CopyUrl
            | Action::ExportArticle
            | Action::FetchFeeds
            | Action::Notice(_)
            | Action::FetchedArticles(_)
            | Action::FetchFinished(_)) => self.update_links(a),
        }
    }

    // ---- entities ----

    fn set_highlight(&mut self, label: Label, on: bool) {
        let i = label.index();
        if self.highlight[i] != on {
            self.highlight[i] = on;
            self.store.set_pref(&highlight_pref(label), on);
            self.state_changed = true;
        }
    }

    /// Keeps what the reader needs of article `i`'s entities: merged keys
    /// for filters, top entities for the list, index entries, and the panel's
    /// groups when it is the open article. `summary` is what a worker already
    /// computed ([`entities::summarize`]); without it, it is computed here.
    fn absorb_entities(
        &mut self,
        i: usize,
        ents: Arc<ArticleEntities>,
        summary: Option<entities::ArticleSummary>,
    ) {
        let Some(entry) = self.entries.get(i) else {
            return;
        };
        if self.annotation(i).is_some_and(|a| a.entities == ents) {
            return;
        }
        let a = &entry.article;
        let is_open = self.reader.article == Some(i);
        // The panel needs the groups themselves; only the open article's are
        // ever merged on this thread when a summary came with them.
        let groups = (is_open || summary.is_none())
            .then(|| entities::merge_article(&a.title, &ents.title, &a.body, &ents.body));
        let entities::ArticleSummary { keys, top, counted } = summary.unwrap_or_else(|| {
            entities::summarize_groups(groups.as_deref().unwrap_or_default(), TOP_ENTITIES)
        });
        let keys = self.key_ids.ids(&keys);
        if let Ok(doc) = u32::try_from(i) {
            self.index.add_counted(doc, counted);
        }
        if self.annotations.len() < self.entries.len() {
            self.annotations.resize(self.entries.len(), None);
        }
        let was_shown = self.list.entity.is_some() && self.list.visible.contains(&i);
        self.annotations[i] = Some(ArticleAnnotation {
            entities: ents,
            keys,
            top,
        });
        if is_open && let Some(groups) = groups {
            self.set_panel_groups(i, groups);
        }
        // A newly annotated article may now match the entity filter.
        if self.list.entity.is_some() && !was_shown && self.shown(i) {
            let (entries, sort) = (&self.entries, self.list.sort);
            let pos = self
                .list
                .visible
                .partition_point(|&j| compare(entries, sort, j, i) == Ordering::Less);
            let keep = self.list.selected_article();
            self.list.visible.insert(pos, i);
            self.list.selected = keep
                .and_then(|k| self.list.visible.iter().position(|&v| v == k))
                .unwrap_or(0);
            self.keep_selection_visible();
        }
    }

    /// Forgets every article's entities (the index with them). The panel
    /// keeps showing the open article's until its new ones arrive, which
    /// keeps its selection when that entity is still there; the list keeps
    /// its rows, and articles that now match an entity filter join it as
    /// their entities come in.
    fn reset_entities(&mut self) {
        self.annotations.clear();
        self.index = crate::annotations::EntityIndex::new();
        self.progress = (0, 0);
        if self.overlay == Overlay::EntityIndex {
            self.refresh_index_rows();
        }
    }

    /// Shows `groups` (article `i`'s merged entities) in the panel, keeping
    /// the selected entity selected when it is still there.
    fn set_panel_groups(&mut self, i: usize, groups: Vec<entities::EntityGroup>) {
        let keep = self
            .panel
            .groups
            .get(self.panel.selected)
            .filter(|_| self.panel.article == Some(i))
            .map(|g| (g.label, g.key.clone()));
        let pos = keep.and_then(|(l, k)| groups.iter().position(|g| g.label == l && g.key == k));
        if pos.is_none() {
            self.panel.mention = None;
        }
        self.panel.selected = pos.unwrap_or(0);
        self.panel.groups = groups;
        self.panel.article = Some(i);
    }

    /// Recomputes the panel's groups for the open article (on open).
    fn load_panel(&mut self) {
        let Some(i) = self.reader.article else {
            self.panel.groups.clear();
            self.panel.article = None;
            return;
        };
        if self.panel.article == Some(i) {
            return;
        }
        self.panel.selected = 0;
        self.panel.mention = None;
        self.panel.article = None;
        self.panel.groups.clear();
        if let Some(ann) = self.annotation(i) {
            let ents = Arc::clone(&ann.entities);
            let a = &self.entries[i].article;
            let groups = entities::merge_article(&a.title, &ents.title, &a.body, &ents.body);
            self.set_panel_groups(i, groups);
        }
    }

    fn toggle_panel(&mut self) {
        if self.panel.open && self.focus == Focus::Entities {
            self.panel.open = false;
            self.focus = if self.reader.article.is_some() {
                Focus::Reader
            } else {
                Focus::List
            };
        } else {
            if self.reader.article.is_none() {
                let Some(i) = self.list.selected_article() else {
                    return;
                };
                self.open(i);
            }
            self.panel.open = true;
            self.focus = Focus::Entities;
        }
        self.panel_shown_or_hidden();
    }

    /// The reader's width changed with the panel: re-wrap, keep the scroll
    /// in range and the list selection in view.
    fn panel_shown_or_hidden(&mut self) {
        self.ensure_layout();
        self.reader.scroll = self.reader.scroll.min(self.max_scroll());
        self.keep_selection_visible();
    }

    pub(super) fn select_entity(&mut self, pos: usize) {
        let n = self.panel.groups.len();
        let pos = pos.min(n.saturating_sub(1));
        if pos != self.panel.selected {
            self.panel.mention = None;
        }
        self.panel.selected = pos;
    }

    fn step_mention(&mut self, forward: bool) {
        let Some(group) = self.panel.selected_group() else {
            return;
        };
        let n = group.mentions.len();
        if n == 0 {
            return;
        }
        let next = match (self.panel.mention, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(c), true) => (c + 1) % n,
            (Some(c), false) => (c + n - 1) % n,
        };
        let m = group.mentions[next];
        self.panel.mention = Some(next);
        self.reveal_mention(m);
    }

    /// Scrolls the reader so mention `m` of the open article is visible.
    fn reveal_mention(&mut self, m: entities::Mention) {
        let line = self.open_layout().and_then(|l| match m.field {
            Field::Title => l.line_of_title_offset(m.start),
            Field::Body => l.line_of_body_offset(m.start),
        });
        if let Some(line) = line {
            self.reveal_line(line);
        }
    }

    /// Selects the entity with a mention covering byte `offset` of the open
    /// article's `field` (a click on it in the text), opening the panel
    /// without taking the focus, and makes that mention the current one
    /// ("mention 3 of 7"). False when no entity is there.
    pub(super) fn select_mention_at(&mut self, field: Field, offset: usize) -> bool {
        self.load_panel();
        let hit = self.panel.groups.iter().enumerate().find_map(|(g, group)| {
            group
                .mentions
                .iter()
                .position(|m| m.field == field && (m.start..m.end).contains(&offset))
                .map(|k| (g, k))
        });
        let Some((g, k)) = hit else {
            return false;
        };
        let m = self.panel.groups[g].mentions[k];
        self.panel.selected = g;
        self.panel.mention = Some(k);
        if !self.panel.open {
            // The reader narrows; the clicked text is brought back below.
            self.panel.open = true;
            self.panel_shown_or_hidden();
        }
        self.reveal_mention(m);
        true
    }

    fn filter_by_entity(&mut self) {
        let filter = if self.overlay == Overlay::EntityIndex {
            let Some(row) = self.index_view.rows.get(self.index_view.selected) else {
                return;
            };
            self.overlay = Overlay::None;
            EntityFilter {
                label: row.label,
                name: row.name.clone(),
                keys: vec![self.key_ids.id(&entities::index_key(row.label, &row.key))],
            }
        } else {
            let Some(g) = self.panel.selected_group() else {
                return;
            };
            let (label, name, keys) = (g.label, g.name.clone(), g.index_keys());
            EntityFilter {
                label,
                name,
                keys: self.key_ids.ids(&keys).into_vec(),
            }
        };
        self.list.entity = Some(filter);
        self.refresh_list();
        self.focus = Focus::List;
        self.keep_selection_visible();
    }

    fn index_page(&self) -> usize {
        crate::ui::entity_index::visible_rows(self.area()).max(1)
    }

    fn select_index_row(&mut self, pos: usize) {
        let n = self.index_view.rows.len();
        self.index_view.selected = pos.min(n.saturating_sub(1));
        let rows = self.index_page();
        let sel = self.index_view.selected;
        if sel < self.index_view.offset {
            self.index_view.offset = sel;
        } else if sel >= self.index_view.offset + rows {
            self.index_view.offset = sel + 1 - rows;
        }
    }

    /// Recomputes the index overlay's rows for its query, keeping the
    /// selected entity selected.
    fn refresh_index_rows(&mut self) {
        let keep = self
            .index_view
            .rows
            .get(self.index_view.selected)
            .map(|r| (r.label, r.key.clone()));
        let rows: Vec<IndexRow> = self
            .index
            .search(&self.index_view.query)
            .into_iter()
            .map(|e| IndexRow {
                label: e.label,
                key: e.key.to_owned(),
                name: e.name.to_owned(),
                articles: e.article_count(),
            })
            .collect();
        let pos = keep
            .and_then(|(l, k)| rows.iter().position(|r| r.label == l && r.key == k))
            .unwrap_or(0);
        self.index_view.rows = rows;
        self.index_view.offset = 0;
        self.select_index_row(pos);
    }

    /// Whether article `i` passes the list's filter, query and entity filter.
    fn shown(&self, i: usize) -> bool {
        let mut query = QueryMatcher::new(&self.list.query);
        shown(
            &self.entries[i],
            self.annotation(i),
            &self.store,
            self.list.filter,
            &mut query,
            self.list.entity.as_ref(),
        )
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
            Overlay::EntityIndex => self.index_view.rows.len(),
        }
    }

    /// The article `u` and `s` act on: the open one while reading, else the selection.
    fn target_article(&self) -> Option<usize> {
        match self.focus {
            Focus::Reader | Focus::Entities => self.reader.article,
            Focus::List => self.list.selected_article(),
        }
    }

    // ---- list ----

    pub(super) fn list_rows(&self) -> u16 {
        let area = self.area();
        layout::panes_for(area, Focus::List, self.panel.open)
            .and_then(|p| p.list)
            .map_or(0, |r| layout::list_inner(r).height)
    }

    fn list_capacity(&self) -> usize {
        layout::list_capacity_for(
            self.list_rows(),
            layout::list_item_height(self.list.top_entities),
        )
    }

    fn list_page(&self) -> isize {
        isize::try_from(self.list_capacity()).unwrap_or(1)
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
        let cap = self.list_capacity();
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
            let mut matcher = QueryMatcher::from_folded(&new);
            self.list.visible.retain(|&i| matcher.matches(&entries[i]));
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
        let mut query = QueryMatcher::new(&self.list.query);
        let (store, filter, entity) = (&self.store, self.list.filter, self.list.entity.as_ref());
        let mut visible: Vec<usize> = self
            .entries
            .iter()
            .enumerate()
            .filter(|&(i, e)| {
                let ann = self.annotations.get(i).and_then(Option::as_ref);
                shown(e, ann, store, filter, &mut query, entity)
            })
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
        // While the library loads, articles arrive in whatever order the
        // loader threads finish. A selection still at the top (nobody moved
        // it, or `g` put it there) follows the top, so the list starts at its
        // first article however loading raced; one the user moved, or the
        // article open in the reader, keeps its article. After loading,
        // arrivals never move the selection.
        let follow_top = self.loading
            && self.list.selected == 0
            && keep.is_some()
            && keep != self.reader.article;
        let mut query = QueryMatcher::new(&self.list.query);
        let (store, filter, sort) = (&self.store, self.list.filter, self.list.sort);
        let entity = self.list.entity.as_ref();
        let entries = &self.entries;
        let annotations = &self.annotations;
        let mut fresh: Vec<usize> = (first_new..entries.len())
            .filter(|&i| {
                let ann = annotations.get(i).and_then(Option::as_ref);
                shown(&entries[i], ann, store, filter, &mut query, entity)
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
            .filter(|_| !follow_top)
            .and_then(|k| self.list.visible.iter().position(|&i| i == k))
            .unwrap_or(0);
        self.keep_selection_visible();
    }

    // ---- reader ----

    /// The reading pane's text area for the current size.
    pub(super) fn reader_text_area(&self) -> Option<ratatui::layout::Rect> {
        let panes = layout::panes_for(self.area(), Focus::Reader, self.panel.open)?;
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
        if self.focus != Focus::Entities {
            self.focus = Focus::Reader;
        }
        let id = &self.entries[i].article.id;
        if !self.store.is_read(id) {
            self.store.set_read(id, true);
            self.state_changed = true;
        }
        self.ensure_layout();
        self.load_panel();
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
            Focus::Reader | Focus::Entities => self.find_in_article(input),
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
        // The title is short: folded afresh for each query.
        let title_matches = FoldedText::new(&self.entries[i].article.title).find(&query);
        // Incremental find starts from the first match at or below the top
        // of the pane, like a pager, so typing does not yank the view back:
        // the title's first when the title is in view.
        let top_line = self
            .open_layout()
            .and_then(|l| l.window(self.reader.scroll, 1).first().cloned());
        let title_in_view = top_line.as_ref().is_none_or(|d| d.kind == LineKind::Title);
        let top = top_line
            .filter(|d| d.kind == LineKind::Body)
            .map_or(0, |d| d.range.start);
        let current = if title_in_view && !title_matches.is_empty() {
            Some(0)
        } else if matches.is_empty() {
            (!title_matches.is_empty()).then_some(0)
        } else {
            let body = matches.iter().position(|m| m.start >= top).unwrap_or(0);
            Some(title_matches.len() + body)
        };
        self.reader.find.query = query;
        self.reader.find.title_matches = title_matches;
        self.reader.find.matches = matches;
        self.reader.find.current = current;
        self.reveal_current_match();
    }

    fn step_match(&mut self, forward: bool) {
        let n = self.reader.find.total();
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
        if self.reader.find.current_in_title().is_some() {
            // The title is the top of the article.
            self.reveal_line(0);
            return;
        }
        let Some(m) = self
            .reader
            .find
            .current_in_body()
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
        self.reveal_line(line);
    }

    /// Scrolls so layout line `line` is on screen, a third down the pane
    /// when the reader has to move.
    fn reveal_line(&mut self, line: usize) {
        let rows = self.reader_rows().max(1);
        if line < self.reader.scroll || line >= self.reader.scroll + rows {
            self.reader.scroll = line.saturating_sub(rows / 3).min(self.max_scroll());
        }
    }
}

/// Entities shown per article in the list (`t`).
pub(crate) const TOP_ENTITIES: usize = 3;

/// Whether an article passes the list filter, the folded `query` and the
/// entity filter (an article not yet annotated matches no entity).
fn shown(
    e: &LoadedArticle,
    ann: Option<&ArticleAnnotation>,
    store: &StateStore,
    filter: ListFilter,
    query: &mut QueryMatcher,
    entity: Option<&EntityFilter>,
) -> bool {
    let by_state = match filter {
        ListFilter::All => true,
        ListFilter::Unread => !store.is_read(&e.article.id),
        ListFilter::Starred => store.is_starred(&e.article.id),
    };
    by_state
        && query.matches(e)
        && entity.is_none_or(|f| {
            ann.is_some_and(|a| f.keys.iter().any(|k| a.keys.binary_search(k).is_ok()))
        })
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
    let title = || x.folded_title.cmp(&y.folded_title);
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
/// The list's search query, folded once, with a reused buffer for
/// [`LoadedArticle::contains_folded`].
struct QueryMatcher {
    /// `None` for an empty query, which matches everything.
    finder: Option<memchr::memmem::Finder<'static>>,
    scratch: Vec<u8>,
}

impl QueryMatcher {
    fn new(query: &str) -> Self {
        QueryMatcher::from_folded(&crate::text::fold(query))
    }

    fn from_folded(folded: &str) -> Self {
        QueryMatcher {
            finder: (!folded.is_empty())
                .then(|| memchr::memmem::Finder::new(folded.as_bytes()).into_owned()),
            scratch: Vec::new(),
        }
    }

    fn matches(&mut self, e: &LoadedArticle) -> bool {
        match &self.finder {
            None => true,
            Some(f) => e.contains_folded(f, &mut self.scratch),
        }
    }
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
        long_app_titled("Long")
    }

    /// An article long enough to scroll, naming Tencent twice in its body,
    /// opened at 100x30.
    fn long_app_titled(title: &str) -> App {
        let para = "kata ".repeat(200);
        let body = format!("{para}\n\n{para} Tencent {para}\n\n{para} tencent");
        let mut app = App::with_articles(
            vec![art("x", title, None, None, &body)],
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
    fn find_in_article_counts_the_title_first() {
        let mut app = long_app_titled("Tencent pindah ke Singapura");
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "tencent");
        key(&mut app, KeyCode::Enter);
        let find = &app.reader().find;
        assert_eq!((find.title_matches.len(), find.matches.len()), (1, 2));
        assert_eq!(find.title_matches[0], 0..7);
        // At the top, the title's match is the first.
        assert_eq!(find.current_in_title(), Some(0));
        typed(&mut app, "n");
        assert_eq!(app.reader().find.current_in_body(), Some(0));
        assert!(app.reader().scroll > 0, "the body match was scrolled to");
        typed(&mut app, "nn");
        // Round again to the title, which is the top of the article.
        assert_eq!(app.reader().find.current_in_title(), Some(0));
        assert_eq!(app.reader().scroll, 0);
        typed(&mut app, "N");
        assert_eq!(app.reader().find.current_in_body(), Some(1));
        // Scrolled past the title, a new search starts in the body.
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "tencent");
        key(&mut app, KeyCode::Enter);
        assert!(app.reader().find.current_in_body().is_some());
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
    fn loading_in_batches_keeps_a_moved_selection() {
        let mut app = App::new(StateStore::in_memory());
        app.update(Action::Resize(80, 24));
        assert!(app.is_loading());
        let dated = |id: &str, title: &str, date: &str| {
            LoadedArticle::new(art(id, title, Some(date), None, ""))
        };
        app.update(Action::ArticlesLoaded(vec![
            dated("1", "Old", "2020-01-01"),
            dated("2", "Older", "2019-01-01"),
        ]));
        app.update(Action::SelectNext);
        let sel = app.list().selected_article();
        app.update(Action::ArticlesLoaded(vec![dated(
            "3",
            "New",
            "2025-01-01",
        )]));
        assert_eq!(app.list().selected_article(), sel);
        assert_eq!(app.list().selected, 2);
        app.update(Action::LoadingDone);
        assert!(!app.is_loading());
    }

    #[test]
    fn loading_in_batches_keeps_an_untouched_selection_at_the_top() {
        let mut app = App::new(StateStore::in_memory());
        app.update(Action::Resize(80, 24));
        let dated = |id: &str, title: &str, date: &str| {
            LoadedArticle::new(art(id, title, Some(date), None, ""))
        };
        app.update(Action::ArticlesLoaded(vec![dated(
            "1",
            "Old",
            "2020-01-01",
        )]));
        app.update(Action::ArticlesLoaded(vec![dated(
            "2",
            "New",
            "2025-01-01",
        )]));
        assert_eq!(app.list().selected, 0);
        assert_eq!(app.list().selected_article(), Some(1), "the newest");
        // Once the top article is open, newer arrivals do not take its place.
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Esc);
        app.update(Action::ArticlesLoaded(vec![dated(
            "3",
            "Newest",
            "2026-01-01",
        )]));
        assert_eq!(app.list().selected_article(), Some(1));
        assert_eq!(app.list().selected, 1);
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

    use crate::annotations::ArticleEntities;
    use crate::ner::{Lang, Span};

    /// Spans over the given mentions of `text` (each found after the last).
    fn spans_of(text: &str, ents: &[(&str, Label)]) -> Vec<Span> {
        let mut from = 0;
        ents.iter()
            .map(|(m, label)| {
                let start = from + text[from..].find(m).expect("mention in text");
                from = start + m.len();
                Span::new(start, from, *label)
            })
            .collect()
    }

    /// Two annotated articles: `a` names Chen Wei three times over a long
    /// body, `b` never does; both name NUS.
    fn entity_app() -> App {
        let filler = "kata ".repeat(120);
        let body_a = format!(
            "Chen Wei bergabung dengan NUS.\n\n{filler}\n\nChen kembali ke Beijing.\n\n{filler}\n\nChen Wei dan Liu Yang."
        );
        let body_b = "Liu Yang mengajar di NUS.".to_owned();
        let a = art("a", "Chen Wei pindah", Some("2025-01-02"), None, &body_a);
        let b = art("b", "Kampus baru", Some("2025-01-01"), None, &body_b);
        let mut app = App::with_articles(vec![a.clone(), b.clone()], StateStore::in_memory());
        app.update(Action::Resize(100, 30));
        let ents_a = ArticleEntities {
            lang: Lang::Id,
            title: spans_of(&a.title, &[("Chen Wei", Label::Per)]),
            body: spans_of(
                &a.body,
                &[
                    ("Chen Wei", Label::Per),
                    ("NUS", Label::Org),
                    ("Chen", Label::Per),
                    ("Beijing", Label::Loc),
                    ("Chen Wei", Label::Per),
                    ("Liu Yang", Label::Per),
                ],
            ),
        };
        let ents_b = ArticleEntities {
            lang: Lang::Id,
            title: Vec::new(),
            body: spans_of(&b.body, &[("Liu Yang", Label::Per), ("NUS", Label::Org)]),
        };
        app.update(Action::EntitiesAnnotated(vec![
            (0, Arc::new(ents_a)),
            (1, Arc::new(ents_b)),
        ]));
        app
    }

    #[test]
    fn highlight_toggles_are_saved_as_preferences() {
        let mut app = entity_app();
        assert!(app.highlighted(Label::Per));
        typed(&mut app, "1");
        assert!(!app.highlighted(Label::Per));
        assert!(app.take_state_changed());
        assert!(!app.store().pref(&highlight_pref(Label::Per), true));
        typed(&mut app, "H");
        assert_eq!(app.highlights(), [true; 4]);
        typed(&mut app, "H");
        assert_eq!(app.highlights(), [false; 4]);
        typed(&mut app, "3");
        assert_eq!(app.highlights(), [false, false, true, false]);
        // A new reader on the same store starts with the saved choice.
        let store = std::mem::take(app.store_mut());
        let again = App::new(store);
        assert_eq!(again.highlights(), [false, false, true, false]);
    }

    #[test]
    fn the_panel_lists_merged_entities_and_jumps_between_mentions() {
        let mut app = entity_app();
        typed(&mut app, "e");
        assert_eq!(app.focus(), Focus::Entities);
        assert!(app.panel().open);
        assert_eq!(app.reader().article, Some(0));
        let names: Vec<&str> = app.panel().groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["Chen Wei", "Liu Yang", "NUS", "Beijing"]);
        let chen = &app.panel().groups[0];
        assert_eq!(chen.mentions.len(), 4, "title, body, short form, repeat");
        // n/N and ]/[ step through the mentions, wrapping around.
        typed(&mut app, "n");
        assert_eq!(app.panel().mention, Some(0));
        typed(&mut app, "nn");
        assert_eq!(app.panel().mention, Some(2));
        assert!(crate::ui::status_bar::summary(&app).contains("mention 3 of 4"));
        typed(&mut app, "n");
        let last = app.panel().groups[0].mentions[3];
        let line = app
            .open_layout()
            .unwrap()
            .line_of_body_offset(last.start)
            .unwrap();
        let rows = app.reader_rows();
        let scroll = app.reader().scroll;
        assert!(scroll > 0, "the reader scrolled to the last mention");
        assert!(
            scroll <= line && line < scroll + rows,
            "{line} not in view at {scroll}"
        );
        typed(&mut app, "n");
        assert_eq!(app.panel().mention, Some(0));
        typed(&mut app, "[");
        assert_eq!(app.panel().mention, Some(3));
        // Another entity starts its own count.
        typed(&mut app, "j");
        assert_eq!(app.panel().selected, 1);
        assert_eq!(app.panel().mention, None);
        typed(&mut app, "G");
        assert_eq!(app.panel().selected, 3);
        // Esc goes back to the reader; e there refocuses, e again closes.
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.focus(), Focus::Reader);
        typed(&mut app, "e");
        assert_eq!(app.focus(), Focus::Entities);
        typed(&mut app, "e");
        assert!(!app.panel().open);
        assert_eq!(app.focus(), Focus::Reader);
    }

    #[test]
    fn reloading_the_lists_is_a_request_and_a_reset_forgets_every_article() {
        let mut app = entity_app();
        typed(&mut app, "e");
        typed(&mut app, "jj");
        assert_eq!(app.panel().selected_group().unwrap().name, "NUS");
        // `R` only asks: the run loop reads the file and restarts the annotator.
        typed(&mut app, "R");
        assert_eq!(
            app.take_requests(),
            vec![crate::app::links::Request::ReloadEntityLists]
        );
        assert!(crate::ui::status_bar::summary(&app).contains("reloading entity lists"));
        let ents_a = app.annotation(0).unwrap().entities.clone();
        app.update(Action::EntitiesReset);
        assert_eq!(app.annotated_articles(), 0);
        assert!(app.entity_index().is_empty());
        assert!(app.annotation(0).is_none());
        // The panel keeps the open article's entities until new ones come,
        // and the selection survives them.
        assert_eq!(app.panel().selected_group().unwrap().name, "NUS");
        app.update(Action::EntitiesAnnotated(vec![(0, ents_a)]));
        assert_eq!(app.annotated_articles(), 1);
        assert_eq!(app.panel().selected_group().unwrap().name, "NUS");
        assert!(!app.entity_index().is_empty());
    }

    #[test]
    fn a_file_read_again_drops_its_old_problems_only() {
        let mut app = entity_app();
        app.update(Action::ProblemsFound(vec![
            Problem::new("/c/entities.toml", "line 2: bad"),
            Problem::new("/a/broken.json", "not JSON"),
        ]));
        app.update(Action::ProblemsResolved("/c/entities.toml".into()));
        let left: Vec<String> = app.problems().iter().map(|p| p.to_string()).collect();
        assert_eq!(left, ["/a/broken.json: not JSON"]);
    }

    #[test]
    fn enter_in_the_panel_filters_the_list_and_esc_clears_it() {
        let mut app = entity_app();
        assert_eq!(titles(&app), ["Chen Wei pindah", "Kampus baru"]);
        typed(&mut app, "e");
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.focus(), Focus::List);
        let f = app.list().entity.clone().unwrap();
        assert_eq!((f.label, f.name.as_str()), (Label::Per, "Chen Wei"));
        assert_eq!(titles(&app), ["Chen Wei pindah"]);
        assert!(crate::ui::status_bar::summary(&app).contains("filter: Chen Wei (PER)"));
        key(&mut app, KeyCode::Esc);
        assert!(app.list().entity.is_none());
        assert_eq!(titles(&app).len(), 2);
        // NUS is in both articles.
        typed(&mut app, "e");
        typed(&mut app, "jj");
        assert_eq!(app.panel().selected_group().unwrap().name, "NUS");
        key(&mut app, KeyCode::Enter);
        assert_eq!(titles(&app).len(), 2);
    }

    #[test]
    fn an_article_annotated_later_joins_a_matching_filter() {
        let mut app = entity_app();
        let c = art(
            "c",
            "Berita lain",
            Some("2025-01-03"),
            None,
            "Chen Wei datang.",
        );
        app.update(Action::ArticlesLoaded(vec![LoadedArticle::new(c)]));
        typed(&mut app, "e");
        key(&mut app, KeyCode::Enter);
        assert_eq!(titles(&app), ["Chen Wei pindah"]);
        let ents = ArticleEntities {
            lang: Lang::Id,
            title: Vec::new(),
            body: vec![Span::new(0, 8, Label::Per)],
        };
        app.update(Action::EntitiesAnnotated(vec![(2, Arc::new(ents))]));
        assert_eq!(titles(&app), ["Berita lain", "Chen Wei pindah"]);
    }

    #[test]
    fn the_entity_index_is_searchable_and_filters_the_list() {
        let mut app = entity_app();
        typed(&mut app, "E");
        assert_eq!(app.overlay().0, Overlay::EntityIndex);
        let rows = &app.index_view().rows;
        let liu = rows.iter().find(|r| r.name == "Liu Yang").unwrap();
        assert_eq!(liu.articles, 2);
        assert_eq!(rows[0].label, Label::Per);
        typed(&mut app, "/");
        typed(&mut app, "beij");
        assert!(app.index_view().typing);
        assert_eq!(app.index_view().rows.len(), 1);
        assert_eq!(app.index_view().rows[0].name, "Beijing");
        key(&mut app, KeyCode::Enter);
        assert!(!app.index_view().typing);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.overlay().0, Overlay::None);
        assert_eq!(titles(&app), ["Chen Wei pindah"]);
        assert_eq!(app.list().entity.as_ref().unwrap().label, Label::Loc);
        // Esc while typing drops the query; Esc again closes.
        typed(&mut app, "E/x");
        key(&mut app, KeyCode::Esc);
        assert!(app.index_view().query.is_empty());
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.overlay().0, Overlay::None);
        assert!(!app.should_quit());
    }

    #[test]
    fn top_entities_toggle_changes_the_list_page_and_is_saved() {
        let mut app = entity_app();
        let page = app.list_page();
        typed(&mut app, "t");
        assert!(app.list().top_entities);
        assert!(app.list_page() < page);
        assert!(app.store().pref(TOP_ENTITIES_PREF, false));
        let top = &app.annotation(0).unwrap().top;
        assert_eq!(top[0], (Label::Per, "Chen Wei".to_owned()));
    }

    #[test]
    fn progress_and_priorities() {
        let mut app = entity_app();
        app.update(Action::AnnotationProgress {
            done: 4200,
            total: 10_000,
        });
        assert!(crate::ui::status_bar::summary(&app).contains("entities 4,200/10,000"));
        // Everything is annotated already: nothing to prioritise.
        assert!(app.priority_articles().is_empty());
        let c = art("c", "Baru", None, None, "x");
        app.update(Action::ArticlesLoaded(vec![LoadedArticle::new(c)]));
        assert_eq!(app.priority_articles(), [2]);
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
            Action::ToggleEntityPanel,
            Action::NextMention,
            Action::EntityNext,
            Action::FilterByEntity,
            Action::ToggleEntityIndex,
            Action::IndexNext,
            Action::FilterByEntity,
            Action::ToggleTopEntities,
            Action::EntitiesAnnotated(vec![(7, Arc::new(ArticleEntities::empty(Lang::En)))]),
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
