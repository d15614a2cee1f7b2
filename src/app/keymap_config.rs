//! User key bindings: key names as written in the config file (`ctrl-d`,
//! `J`, `pgdn`, `space`), action names per mode (`select-next` in `list`),
//! and applying overrides on top of the default [`KeyMap`].
//!
//! Action names are derived from the [`Action`] variants bound in the
//! default table (`SelectNext` becomes `select-next`), so every action that
//! has a default key in a mode can be rebound there, including ones added
//! later, without a second list to keep in sync.

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::action::Action;
use super::keymap::{Binding, Context, Key, KeyMap};

/// The modes of the `[keys.MODE]` tables, with their key contexts.
pub const MODES: [(&str, Context); 9] = [
    ("global", Context::Global),
    ("list", Context::List),
    ("reader", Context::Reader),
    ("search", Context::Search),
    ("help", Context::Help),
    ("problems", Context::Problems),
    ("entities", Context::Entities),
    ("entity-index", Context::EntityIndex),
    ("links", Context::Links),
];

/// The config name of a mode.
pub fn mode_name(ctx: Context) -> &'static str {
    MODES
        .iter()
        .find(|(_, c)| *c == ctx)
        .map_or("global", |(n, _)| n)
}

/// The context of a mode name, if it is one.
pub fn mode(name: &str) -> Option<Context> {
    MODES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// The config name of an action: its variant name in kebab case
/// (`SelectPageDown` is `select-page-down`; a payload joins with a dash).
pub fn action_name(action: &Action) -> String {
    let debug = format!("{action:?}");
    let mut out = String::with_capacity(debug.len() + 4);
    let mut prev_lower = false;
    for c in debug.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = true;
        } else if c.is_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            prev_lower = true;
        } else {
            if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            prev_lower = false;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The actions that can be bound in `ctx`: those with a default key there,
/// by config name, in table order, without repeats.
pub fn actions_in(defaults: &KeyMap, ctx: Context) -> Vec<(String, Action)> {
    let mut out: Vec<(String, Action)> = Vec::new();
    for b in defaults.bindings().iter().filter(|b| b.context == ctx) {
        let name = action_name(&b.action);
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, b.action.clone()));
        }
    }
    out
}

/// Named keys: (config name, code). The first name of a code is the one
/// [`key_name`] writes; the others are accepted spellings.
const NAMED: &[(&str, KeyCode)] = &[
    ("space", KeyCode::Char(' ')),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("shift-tab", KeyCode::BackTab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("bksp", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
];

/// What a key name may look like, for error messages.
pub const KEY_SYNTAX: &str = "a single character (`n`, `J`, `?`), a named key (space, enter, esc, \
     tab, shift-tab, backspace, delete, insert, up, down, left, right, home, end, pgup, pgdn, \
     f1..f12), optionally after `ctrl-` or `alt-` (`ctrl-d`)";

/// Parses a key name as written in the config file.
pub fn parse_key(text: &str) -> Result<Key, String> {
    let bad = || format!("`{text}` is not a key; a key is {KEY_SYNTAX}");
    let mut rest = text;
    let mut mods = KeyModifiers::NONE;
    loop {
        // A lone `-` (or `ctrl--`) is the minus key, not a modifier prefix.
        let lower = rest.to_ascii_lowercase();
        if rest.chars().count() > 1 {
            let ctrl = ["ctrl-", "c-"].iter().find_map(|p| lower.strip_prefix(p));
            if let Some(r) = ctrl
                && !r.is_empty()
            {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - r.len()..];
                continue;
            }
            let alt = ["alt-", "a-", "meta-", "m-"]
                .iter()
                .find_map(|p| lower.strip_prefix(p));
            if let Some(r) = alt
                && !r.is_empty()
            {
                mods |= KeyModifiers::ALT;
                rest = &rest[rest.len() - r.len()..];
                continue;
            }
        }
        break;
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (None, _) => return Err(bad()),
        (Some(c), None) if !c.is_control() => {
            // Ctrl with a letter arrives lower case whatever Shift does.
            if mods.contains(KeyModifiers::CONTROL) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else {
                KeyCode::Char(c)
            }
        }
        (Some(_), None) => return Err(bad()),
        _ => {
            let lower = rest.to_ascii_lowercase();
            if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
                *code
            } else if let Some(n) = lower
                .strip_prefix('f')
                .and_then(|n| n.parse::<u8>().ok())
                .filter(|n| (1..=24).contains(n))
            {
                KeyCode::F(n)
            } else {
                return Err(bad());
            }
        }
    };
    Ok(Key { code, mods })
}

/// The config name of a key; [`parse_key`] reads it back to the same key.
pub fn key_name(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(c) if c != ' ' => c.to_string(),
        KeyCode::F(n) => format!("f{n}"),
        code => NAMED.iter().find(|(_, c)| *c == code).map_or_else(
            || format!("{code:?}").to_ascii_lowercase(),
            |(n, _)| (*n).to_owned(),
        ),
    };
    let mut out = String::new();
    if key.mods.contains(KeyModifiers::CONTROL) {
        out.push_str("ctrl-");
    }
    if key.mods.contains(KeyModifiers::ALT) {
        out.push_str("alt-");
    }
    out.push_str(&base);
    out
}

/// One `[keys.MODE]` entry: `action = ["key", ...]`, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    pub context: Context,
    /// The action as named in the file.
    pub action_name: String,
    pub action: Action,
    /// The keys, replacing the action's default keys in this mode (empty: unbound).
    pub keys: Vec<Key>,
    /// Line of the entry in the config file (1-based), for errors.
    pub line: usize,
}

/// A key bound to two actions in one mode after applying overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyConflict {
    pub context: Context,
    pub key: Key,
    /// The two actions, by config name.
    pub first: String,
    pub second: String,
    /// The config line that brought the key in (the override's line).
    pub line: usize,
}

impl std::fmt::Display for KeyConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "key `{}` is bound to both `{}` and `{}` in mode `{}`; bind it to one of them",
            key_name(&self.key),
            self.first,
            self.second,
            mode_name(self.context)
        )
    }
}

/// Resolves `name` to an action bindable in `ctx`, or says which are.
pub fn resolve_action(defaults: &KeyMap, ctx: Context, name: &str) -> Result<Action, String> {
    let actions = actions_in(defaults, ctx);
    actions
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, a)| a.clone())
        .ok_or_else(|| {
            let names: Vec<&str> = actions.iter().map(|(n, _)| n.as_str()).collect();
            format!(
                "`{name}` is not an action of mode `{}`; accepted: {}",
                mode_name(ctx),
                names.join(", ")
            )
        })
}

/// `defaults` with each override's keys replacing the action's default
/// keys in its mode (at the place of its first default binding, so the
/// help keeps its order). Fails with every key that ends up bound to two
/// actions in one mode.
pub fn apply(defaults: &KeyMap, overrides: &[KeyOverride]) -> Result<KeyMap, Vec<KeyConflict>> {
    let mut bindings: Vec<Binding> = defaults.bindings().to_vec();
    let mut origin: Vec<Option<usize>> = vec![None; bindings.len()];
    for o in overrides {
        let Some(first) = bindings
            .iter()
            .position(|b| b.context == o.context && b.action == o.action)
        else {
            continue;
        };
        let old: Vec<Binding> = bindings
            .iter()
            .filter(|b| b.context == o.context && b.action == o.action)
            .cloned()
            .collect();
        let (fresh, keep) = replacement(&old, &o.keys);
        let mut kept = Vec::with_capacity(bindings.len() + fresh.len());
        let mut kept_origin = Vec::with_capacity(bindings.len() + fresh.len());
        for (i, (b, from)) in bindings.into_iter().zip(origin).enumerate() {
            if i == first {
                for nb in &fresh {
                    kept.push(nb.clone());
                    kept_origin.push(Some(o.line));
                }
            }
            let ours = b.context == o.context && b.action == o.action;
            if !ours {
                kept.push(b);
                kept_origin.push(from);
            } else if let Some(b) = keep.iter().find(|k| k.key == b.key) {
                kept.push(b.clone());
                kept_origin.push(Some(o.line));
            }
        }
        bindings = kept;
        origin = kept_origin;
    }
    let mut conflicts = Vec::new();
    for (i, a) in bindings.iter().enumerate() {
        for (j, b) in bindings.iter().enumerate().skip(i + 1) {
            if a.context == b.context && a.key == b.key {
                if a.action == b.action {
                    continue;
                }
                conflicts.push(KeyConflict {
                    context: a.context,
                    key: a.key,
                    first: action_name(&a.action),
                    second: action_name(&b.action),
                    line: origin[j].or(origin[i]).unwrap_or(0),
                });
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    // The same key listed twice for one action is harmless: keep one.
    let mut seen: Vec<(Context, Key)> = Vec::new();
    bindings.retain(|b| {
        let k = (b.context, b.key);
        if seen.contains(&k) {
            false
        } else {
            seen.push(k);
            true
        }
    });
    Ok(KeyMap::from_bindings(bindings))
}

/// How `keys` replace `old` (the bindings of one action in one mode):
/// returns the bindings for keys that were not bound (inserted where the
/// action's first binding was) and the old bindings that stay in place
/// with their description and hint flag. New keys take the first old
/// description, and the status-bar hint moves to the first new key when no
/// kept key carries it.
fn replacement(old: &[Binding], keys: &[Key]) -> (Vec<Binding>, Vec<Binding>) {
    let template = &old[0];
    let hinted = old.iter().any(|b| b.hint);
    let keep: Vec<Binding> = old
        .iter()
        .filter(|b| keys.contains(&b.key))
        .cloned()
        .collect();
    let mut hint_given = keep.iter().any(|b| b.hint);
    let mut fresh: Vec<Binding> = Vec::new();
    for key in keys {
        if keep.iter().any(|b| b.key == *key) || fresh.iter().any(|b| b.key == *key) {
            continue;
        }
        let hint = hinted && !hint_given;
        hint_given |= hint;
        fresh.push(Binding {
            key: *key,
            hint,
            ..template.clone()
        });
    }
    (fresh, keep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

    fn ov(ctx: Context, name: &str, keys: &[&str], line: usize) -> KeyOverride {
        let defaults = KeyMap::default();
        KeyOverride {
            context: ctx,
            action_name: name.to_owned(),
            action: resolve_action(&defaults, ctx, name).unwrap(),
            keys: keys.iter().map(|k| parse_key(k).unwrap()).collect(),
            line,
        }
    }

    #[test]
    fn key_names_parse() {
        assert_eq!(parse_key("ctrl-d").unwrap(), Key::ctrl('d'));
        assert_eq!(parse_key("Ctrl-D").unwrap(), Key::ctrl('d'));
        assert_eq!(parse_key("J").unwrap(), Key::ch('J'));
        assert_eq!(parse_key("-").unwrap(), Key::ch('-'));
        assert_eq!(parse_key("ctrl--").unwrap(), Key::ctrl('-'));
        assert_eq!(parse_key("pgdn").unwrap(), Key::plain(KeyCode::PageDown));
        assert_eq!(parse_key("space").unwrap(), Key::ch(' '));
        assert_eq!(parse_key("Enter").unwrap(), Key::plain(KeyCode::Enter));
        assert_eq!(parse_key("f5").unwrap(), Key::plain(KeyCode::F(5)));
        assert_eq!(
            parse_key("alt-x").unwrap(),
            Key {
                code: KeyCode::Char('x'),
                mods: KeyModifiers::ALT
            }
        );
        for bad in ["", "ctrl-", "pgdown2", "f99", "\u{7}", "jj"] {
            let err = parse_key(bad).unwrap_err();
            assert!(err.contains("is not a key"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn every_default_key_name_round_trips() {
        for b in KeyMap::default().bindings() {
            let name = key_name(&b.key);
            assert_eq!(parse_key(&name).unwrap(), b.key, "{name}");
        }
    }

    #[test]
    fn action_names_are_kebab_case() {
        assert_eq!(action_name(&Action::SelectPageDown), "select-page-down");
        assert_eq!(action_name(&Action::Quit), "quit");
        assert_eq!(action_name(&Action::SearchInput('x')), "search-input-x");
        let err = resolve_action(&KeyMap::default(), Context::List, "scroll-down").unwrap_err();
        assert!(err.contains("mode `list`"), "{err}");
        assert!(err.contains("select-next"), "{err}");
    }

    #[test]
    fn override_replaces_the_default_keys_and_keeps_the_rest() {
        let km = apply(
            &KeyMap::default(),
            &[ov(Context::List, "select-next", &["n", "down"], 3)],
        )
        .unwrap();
        let ev =
            |c| KeyEvent::new_with_kind(KeyCode::Char(c), KeyModifiers::NONE, KeyEventKind::Press);
        let list = [Context::List, Context::Global];
        assert_eq!(km.lookup(&list, ev('n')), Some(Action::SelectNext));
        assert_eq!(km.lookup(&list, ev('j')), None);
        assert_eq!(km.lookup(&list, ev('k')), Some(Action::SelectPrev));
        // The help shows the user's keys, in the old place.
        let grouped = km.grouped(Context::List);
        assert_eq!(grouped[0], ("n/↓".to_owned(), "next article"));
        // Reader mode is untouched.
        assert_eq!(
            km.lookup(&[Context::Reader, Context::Global], ev('j')),
            Some(Action::ScrollDown)
        );
    }

    #[test]
    fn a_key_bound_to_two_actions_names_both() {
        let err = apply(
            &KeyMap::default(),
            &[ov(Context::List, "select-next", &["k"], 7)],
        )
        .unwrap_err();
        assert_eq!(err.len(), 1);
        let msg = err[0].to_string();
        assert!(
            msg.contains("select-next") && msg.contains("select-prev"),
            "{msg}"
        );
        assert!(msg.contains("`k`") && msg.contains("mode `list`"), "{msg}");
        assert_eq!(err[0].line, 7);
        // Moving the other action away resolves it.
        let ok = apply(
            &KeyMap::default(),
            &[
                ov(Context::List, "select-next", &["k"], 7),
                ov(Context::List, "select-prev", &["i"], 8),
            ],
        );
        assert!(ok.is_ok());
    }

    #[test]
    fn applying_the_defaults_changes_nothing() {
        let defaults = KeyMap::default();
        let mut overrides = Vec::new();
        for (_, ctx) in MODES {
            for (name, action) in actions_in(&defaults, ctx) {
                let keys = defaults
                    .bindings()
                    .iter()
                    .filter(|b| b.context == ctx && b.action == action)
                    .map(|b| b.key)
                    .collect();
                overrides.push(KeyOverride {
                    context: ctx,
                    action_name: name,
                    action,
                    keys,
                    line: 1,
                });
            }
        }
        assert_eq!(apply(&defaults, &overrides).unwrap(), defaults);
    }
}
