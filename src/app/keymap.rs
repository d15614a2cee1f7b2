//! Key bindings as data: each binding is (context, key, action, description).
//! The help overlay and the status-bar hints are generated from the same
//! table, so they can never disagree with what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::action::Action;

/// Where a binding applies. Lookup tries the most specific context first
/// (see [`KeyMap::lookup`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Everywhere except while typing a search or in an overlay.
    Global,
    /// The article list has focus.
    List,
    /// The reading pane has focus.
    Reader,
    /// A search query is being typed.
    Search,
    /// The help overlay is open.
    Help,
    /// The problems view is open.
    Problems,
    /// The entity panel has focus.
    Entities,
    /// The entity index overlay is open (and no query is being typed).
    EntityIndex,
    /// The link list is open.
    Links,
}

impl Context {
    /// Heading used in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Article list",
            Context::Reader => "Reading pane",
            Context::Search => "Typing a search",
            Context::Help => "Help",
            Context::Problems => "Problems view",
            Context::Entities => "Entity panel",
            Context::EntityIndex => "Entity index",
            Context::Links => "Link list",
        }
    }
}

/// A key with its modifiers. For characters, Shift is ignored because it is
/// already part of the character (`J` arrives as Shift+`J`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// A key without modifiers.
    pub const fn plain(code: KeyCode) -> Self {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    /// A character key without modifiers.
    pub const fn ch(c: char) -> Self {
        Key::plain(KeyCode::Char(c))
    }

    /// A character with Ctrl held.
    pub const fn ctrl(c: char) -> Self {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// The key as the table stores it: Shift dropped from characters, only
    /// Ctrl and Alt kept (terminals add other bits inconsistently).
    pub fn from_event(ev: KeyEvent) -> Self {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(ev.code, KeyCode::Char(_)) {
            mods.remove(KeyModifiers::SHIFT);
        }
        // BackTab is how terminals send Shift+Tab; the Shift is implied.
        if ev.code == KeyCode::BackTab {
            mods.remove(KeyModifiers::SHIFT);
        }
        Key {
            code: ev.code,
            mods,
        }
    }

    /// Short human label: `j`, `Ctrl-c`, `Enter`, `↓`, `PgDn`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "S-Tab".to_owned(),
            KeyCode::Backspace => "Bksp".to_owned(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        out.push_str(&base);
        out
    }
}

/// One binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub key: Key,
    pub action: Action,
    /// What the key does, as the help overlay shows it.
    pub desc: &'static str,
    /// Whether the status bar shows it among the main hints.
    pub hint: bool,
}

/// The key table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    bindings: Vec<Binding>,
}

impl Default for KeyMap {
    fn default() -> Self {
        use crate::ner::Label;
        use Action as A;
        use Context::{Entities, EntityIndex, Global, Help, List, Problems, Reader, Search};
        use KeyCode as K;
        // (context, key, action, description, shown as a status-bar hint)
        let mut table: Vec<(Context, Key, Action, &'static str, bool)> = vec![
            (Global, Key::ctrl('c'), A::Quit, "quit", false),
            (Global, Key::ch('?'), A::ToggleHelp, "help", true),
            (Global, Key::ch('!'), A::ToggleProblems, "problems", false),
            (
                Global,
                Key::plain(K::Tab),
                A::FocusNext,
                "switch pane",
                false,
            ),
            (
                Global,
                Key::plain(K::BackTab),
                A::FocusNext,
                "switch pane",
                false,
            ),
            (Global, Key::ch('/'), A::SearchStart, "search", true),
            (Global, Key::ch('q'), A::Quit, "quit", true),
            (Global, Key::ch('u'), A::ToggleRead, "toggle read", false),
            (Global, Key::ch('s'), A::ToggleStarred, "toggle star", false),
            (
                Global,
                Key::ch('f'),
                A::CycleFilter,
                "filter all/unread/starred",
                false,
            ),
            (
                Global,
                Key::ch('O'),
                A::CycleSort,
                "order by date/title/source",
                false,
            ),
            (
                Global,
                Key::ch('1'),
                A::ToggleHighlight(Label::Per),
                "highlight people on/off",
                false,
            ),
            (
                Global,
                Key::ch('2'),
                A::ToggleHighlight(Label::Org),
                "highlight organisations on/off",
                false,
            ),
            (
                Global,
                Key::ch('3'),
                A::ToggleHighlight(Label::Loc),
                "highlight places on/off",
                false,
            ),
            (
                Global,
                Key::ch('4'),
                A::ToggleHighlight(Label::Misc),
                "highlight other names on/off",
                false,
            ),
            (
                Global,
                Key::ch('H'),
                A::ToggleAllHighlights,
                "all highlighting on/off",
                false,
            ),
            (Global, Key::ch('e'), A::ToggleEntityPanel, "entities", true),
            (
                Global,
                Key::ch('E'),
                A::ToggleEntityIndex,
                "entity index",
                false,
            ),
            (
                Global,
                Key::ch('t'),
                A::ToggleTopEntities,
                "top entities in list",
                false,
            ),
            (
                Global,
                Key::ch('R'),
                A::ReloadEntityLists,
                "reload entity lists",
                false,
            ),
            (Global, Key::ch(']'), A::NextMention, "next mention", false),
            (
                Global,
                Key::ch('['),
                A::PrevMention,
                "previous mention",
                false,
            ),
            (List, Key::ch('j'), A::SelectNext, "next article", false),
            (
                List,
                Key::plain(K::Down),
                A::SelectNext,
                "next article",
                false,
            ),
            (List, Key::ch('k'), A::SelectPrev, "previous article", false),
            (
                List,
                Key::plain(K::Up),
                A::SelectPrev,
                "previous article",
                false,
            ),
            (List, Key::ch('g'), A::SelectFirst, "first article", false),
            (
                List,
                Key::plain(K::Home),
                A::SelectFirst,
                "first article",
                false,
            ),
            (List, Key::ch('G'), A::SelectLast, "last article", false),
            (
                List,
                Key::plain(K::End),
                A::SelectLast,
                "last article",
                false,
            ),
            (
                List,
                Key::plain(K::PageDown),
                A::SelectPageDown,
                "page down",
                false,
            ),
            (List, Key::ch(' '), A::SelectPageDown, "page down", false),
            (
                List,
                Key::plain(K::PageUp),
                A::SelectPageUp,
                "page up",
                false,
            ),
            (List, Key::ch('b'), A::SelectPageUp, "page up", false),
            (List, Key::plain(K::Enter), A::Open, "open", true),
            (List, Key::ch('l'), A::Open, "open", false),
            (List, Key::plain(K::Right), A::Open, "open", false),
            (
                List,
                Key::plain(K::Esc),
                A::ClearSearch,
                "clear search and filter",
                false,
            ),
            (Reader, Key::ch('j'), A::ScrollDown, "scroll down", false),
            (
                Reader,
                Key::plain(K::Down),
                A::ScrollDown,
                "scroll down",
                false,
            ),
            (Reader, Key::ch('k'), A::ScrollUp, "scroll up", false),
            (Reader, Key::plain(K::Up), A::ScrollUp, "scroll up", false),
            (Reader, Key::ch('g'), A::ScrollTop, "top", false),
            (Reader, Key::plain(K::Home), A::ScrollTop, "top", false),
            (Reader, Key::ch('G'), A::ScrollBottom, "end", false),
            (Reader, Key::plain(K::End), A::ScrollBottom, "end", false),
            (
                Reader,
                Key::plain(K::PageDown),
                A::PageDown,
                "page down",
                false,
            ),
            (Reader, Key::ch(' '), A::PageDown, "page down", true),
            (Reader, Key::plain(K::PageUp), A::PageUp, "page up", false),
            (Reader, Key::ch('b'), A::PageUp, "page up", false),
            (Reader, Key::ch('J'), A::NextArticle, "next article", true),
            (
                Reader,
                Key::ch('K'),
                A::PrevArticle,
                "previous article",
                false,
            ),
            (Reader, Key::ch('n'), A::NextMatch, "next match", true),
            (Reader, Key::ch('N'), A::PrevMatch, "previous match", false),
            (Reader, Key::ch('h'), A::Back, "back to list", false),
            (Reader, Key::plain(K::Left), A::Back, "back to list", false),
            (Reader, Key::plain(K::Esc), A::Back, "back to list", true),
            (
                Search,
                Key::plain(K::Enter),
                A::SearchSubmit,
                "keep query",
                true,
            ),
            (
                Search,
                Key::plain(K::Esc),
                A::SearchCancel,
                "clear query",
                true,
            ),
            (
                Search,
                Key::plain(K::Backspace),
                A::SearchBackspace,
                "delete character",
                false,
            ),
            (Search, Key::ctrl('c'), A::Quit, "quit", false),
            (Help, Key::plain(K::Esc), A::CloseOverlay, "close", true),
            (Help, Key::ch('?'), A::CloseOverlay, "close", false),
            (Help, Key::ch('q'), A::CloseOverlay, "close", false),
            (Help, Key::ch('j'), A::OverlayDown, "scroll down", true),
            (
                Help,
                Key::plain(K::Down),
                A::OverlayDown,
                "scroll down",
                false,
            ),
            (Help, Key::ch('k'), A::OverlayUp, "scroll up", true),
            (Help, Key::plain(K::Up), A::OverlayUp, "scroll up", false),
            (Help, Key::ctrl('c'), A::Quit, "quit", false),
            (Problems, Key::plain(K::Esc), A::CloseOverlay, "close", true),
            (Problems, Key::ch('!'), A::CloseOverlay, "close", false),
            (Problems, Key::ch('q'), A::CloseOverlay, "close", false),
            (Problems, Key::ch('j'), A::OverlayDown, "scroll down", true),
            (
                Problems,
                Key::plain(K::Down),
                A::OverlayDown,
                "scroll down",
                false,
            ),
            (Problems, Key::ch('k'), A::OverlayUp, "scroll up", true),
            (
                Problems,
                Key::plain(K::Up),
                A::OverlayUp,
                "scroll up",
                false,
            ),
            (Problems, Key::ctrl('c'), A::Quit, "quit", false),
            (Entities, Key::ch('j'), A::EntityNext, "next entity", false),
            (
                Entities,
                Key::plain(K::Down),
                A::EntityNext,
                "next entity",
                false,
            ),
            (
                Entities,
                Key::ch('k'),
                A::EntityPrev,
                "previous entity",
                false,
            ),
            (
                Entities,
                Key::plain(K::Up),
                A::EntityPrev,
                "previous entity",
                false,
            ),
            (
                Entities,
                Key::ch('g'),
                A::EntityFirst,
                "first entity",
                false,
            ),
            (
                Entities,
                Key::plain(K::Home),
                A::EntityFirst,
                "first entity",
                false,
            ),
            (Entities, Key::ch('G'), A::EntityLast, "last entity", false),
            (
                Entities,
                Key::plain(K::End),
                A::EntityLast,
                "last entity",
                false,
            ),
            (Entities, Key::ch('n'), A::NextMention, "next mention", true),
            (
                Entities,
                Key::ch('N'),
                A::PrevMention,
                "previous mention",
                false,
            ),
            (
                Entities,
                Key::plain(K::Enter),
                A::FilterByEntity,
                "articles mentioning it",
                true,
            ),
            (Entities, Key::ch('h'), A::Back, "back to reader", false),
            (
                Entities,
                Key::plain(K::Left),
                A::Back,
                "back to reader",
                false,
            ),
            (
                Entities,
                Key::plain(K::Esc),
                A::Back,
                "back to reader",
                true,
            ),
            (EntityIndex, Key::ch('j'), A::IndexNext, "next entity", true),
            (
                EntityIndex,
                Key::plain(K::Down),
                A::IndexNext,
                "next entity",
                false,
            ),
            (
                EntityIndex,
                Key::ch('k'),
                A::IndexPrev,
                "previous entity",
                true,
            ),
            (
                EntityIndex,
                Key::plain(K::Up),
                A::IndexPrev,
                "previous entity",
                false,
            ),
            (
                EntityIndex,
                Key::plain(K::PageDown),
                A::IndexPageDown,
                "page down",
                false,
            ),
            (
                EntityIndex,
                Key::ch(' '),
                A::IndexPageDown,
                "page down",
                false,
            ),
            (
                EntityIndex,
                Key::plain(K::PageUp),
                A::IndexPageUp,
                "page up",
                false,
            ),
            (EntityIndex, Key::ch('b'), A::IndexPageUp, "page up", false),
            (EntityIndex, Key::ch('/'), A::SearchStart, "search", true),
            (
                EntityIndex,
                Key::plain(K::Enter),
                A::FilterByEntity,
                "articles mentioning it",
                true,
            ),
            (
                EntityIndex,
                Key::plain(K::Esc),
                A::CloseOverlay,
                "close",
                true,
            ),
            (EntityIndex, Key::ch('E'), A::CloseOverlay, "close", false),
            (EntityIndex, Key::ch('q'), A::CloseOverlay, "close", false),
            (EntityIndex, Key::ctrl('c'), A::Quit, "quit", false),
        ];
        table.extend(crate::app::links::bindings());
        KeyMap {
            bindings: table
                .into_iter()
                .map(|(context, key, action, desc, hint)| Binding {
                    context,
                    key,
                    action,
                    desc,
                    hint,
                })
                .collect(),
        }
    }
}

impl KeyMap {
    /// A table of exactly these bindings (the user's key map is built from
    /// the defaults by [`crate::app::keymap_config::apply`]).
    pub fn from_bindings(bindings: Vec<Binding>) -> Self {
        KeyMap { bindings }
    }

    /// Every binding, in table order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action for `ev` in the given contexts, most specific first. While
    /// typing a search, an unbound printable character becomes
    /// [`Action::SearchInput`].
    pub fn lookup(&self, contexts: &[Context], ev: KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        for &ctx in contexts {
            if let Some(b) = self
                .bindings
                .iter()
                .find(|b| b.context == ctx && b.key == key)
            {
                return Some(b.action.clone());
            }
            if ctx == Context::Search
                && let KeyCode::Char(c) = key.code
                && !key
                    .mods
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            {
                return Some(Action::SearchInput(c));
            }
        }
        None
    }

    /// Bindings of one context grouped by (action, description), keys
    /// joined with `/` in table order: `("j/↓", "next article")`.
    pub fn grouped(&self, ctx: Context) -> Vec<(String, &'static str)> {
        let mut out: Vec<(Action, &'static str, Vec<String>)> = Vec::new();
        for b in self.bindings.iter().filter(|b| b.context == ctx) {
            match out
                .iter_mut()
                .find(|(a, d, _)| *a == b.action && *d == b.desc)
            {
                Some((_, _, keys)) => keys.push(b.key.label()),
                None => out.push((b.action.clone(), b.desc, vec![b.key.label()])),
            }
        }
        out.into_iter()
            .map(|(_, desc, keys)| (keys.join("/"), desc))
            .collect()
    }

    /// The status-bar hints for the given contexts (most specific first):
    /// each hinted binding's key and description, same-description keys merged.
    pub fn hints(&self, contexts: &[Context]) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        for &ctx in contexts {
            for b in self.bindings.iter().filter(|b| b.context == ctx && b.hint) {
                match out.iter_mut().find(|(_, d)| *d == b.desc) {
                    Some((keys, _)) => {
                        keys.push('/');
                        keys.push_str(&b.key.label());
                    }
                    None => out.push((b.key.label(), b.desc)),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, mods, KeyEventKind::Press)
    }

    #[test]
    fn same_key_means_different_things_per_context() {
        let km = KeyMap::default();
        let j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(
            km.lookup(&[Context::List, Context::Global], j),
            Some(Action::SelectNext)
        );
        assert_eq!(
            km.lookup(&[Context::Reader, Context::Global], j),
            Some(Action::ScrollDown)
        );
        assert_eq!(
            km.lookup(&[Context::Search], j),
            Some(Action::SearchInput('j'))
        );
    }

    #[test]
    fn shifted_letters_match_without_the_shift_bit() {
        let km = KeyMap::default();
        let big_j = ev(KeyCode::Char('J'), KeyModifiers::SHIFT);
        assert_eq!(
            km.lookup(&[Context::Reader, Context::Global], big_j),
            Some(Action::NextArticle)
        );
        let big_o = ev(KeyCode::Char('O'), KeyModifiers::SHIFT);
        assert_eq!(
            km.lookup(&[Context::List, Context::Global], big_o),
            Some(Action::CycleSort)
        );
    }

    #[test]
    fn ctrl_c_quits_everywhere_and_plain_c_does_not() {
        let km = KeyMap::default();
        let ctrl_c = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for ctxs in [
            &[Context::List, Context::Global][..],
            &[Context::Reader, Context::Global],
            &[Context::Search],
            &[Context::Help],
            &[Context::Problems],
        ] {
            assert_eq!(km.lookup(ctxs, ctrl_c), Some(Action::Quit), "{ctxs:?}");
        }
        let c = ev(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(km.lookup(&[Context::List, Context::Global], c), None);
    }

    #[test]
    fn search_context_keeps_editing_keys_but_types_q() {
        let km = KeyMap::default();
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(
            km.lookup(&[Context::Search], q),
            Some(Action::SearchInput('q'))
        );
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(
            km.lookup(&[Context::Search], esc),
            Some(Action::SearchCancel)
        );
        let alt_x = ev(KeyCode::Char('x'), KeyModifiers::ALT);
        assert_eq!(km.lookup(&[Context::Search], alt_x), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let km = KeyMap::default();
        for (i, a) in km.bindings().iter().enumerate() {
            for b in &km.bindings()[i + 1..] {
                assert!(
                    !(a.context == b.context && a.key == b.key),
                    "{:?} bound twice in {:?}",
                    a.key,
                    a.context
                );
            }
        }
    }

    #[test]
    fn grouping_merges_keys_for_one_action() {
        let km = KeyMap::default();
        let list = km.grouped(Context::List);
        assert!(
            list.contains(&("j/↓".to_owned(), "next article")),
            "{list:?}"
        );
        assert!(list.contains(&("Enter/l/→".to_owned(), "open")), "{list:?}");
        let hints = km.hints(&[Context::List, Context::Global]);
        assert_eq!(hints.first(), Some(&("Enter".to_owned(), "open")));
        assert!(hints.iter().any(|(k, d)| k == "?" && *d == "help"));
    }

    #[test]
    fn key_labels_are_readable() {
        assert_eq!(Key::ctrl('c').label(), "Ctrl-c");
        assert_eq!(Key::ch(' ').label(), "Space");
        assert_eq!(Key::plain(KeyCode::PageDown).label(), "PgDn");
    }
}
