//! The user's configuration file, `$XDG_CONFIG_HOME/sorot/config.toml`
//! (the platform config directory when `XDG_CONFIG_HOME` is unset; `--config
//! FILE` overrides).
//!
//! Owns: finding, reading and validating the file, and the commented
//! default file `sorot config --default` prints. Parsing never fails as a
//! whole: every unknown key or bad value becomes a [`ConfigError`] naming
//! file, line, key and what is accepted, and that setting keeps its default,
//! so the reader always starts. The TOML is read with `toml`'s spanned
//! document tables because errors must carry line numbers.

use std::fmt;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::app::keymap::{Context, KeyMap};
use crate::app::keymap_config::{self, KeyOverride};
use crate::app::state::{ListFilter, SortOrder};
use crate::ner::Label;
use crate::ui::theme::Theme;
use crate::ui::theme_config::{StyleSpec, ThemeChoice};

/// The settings, each either from the file or its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Articles opened when the command line names none (empty: the bundled samples).
    pub paths: Vec<PathBuf>,
    /// Initial order of the article list.
    pub sort: SortOrder,
    /// Initial list filter.
    pub filter: ListFilter,
    /// Files larger than this many bytes are skipped (`--max-size` wins).
    pub max_size: u64,
    /// Which entity types are highlighted at start, by [`Label`] order (PER, ORG, LOC, MISC).
    pub highlight: [bool; 4],
    /// Built-in theme to start from.
    pub theme: ThemeChoice,
    /// `[colors]` overrides by style name, in file order.
    pub colors: Vec<(String, StyleSpec)>,
    /// `[keys.MODE]` overrides, validated (no conflicts).
    pub keys: Vec<KeyOverride>,
    /// Whether the reader captures the mouse.
    pub mouse: bool,
    /// The user entity lists file (`None`: `entities.toml` beside the config file).
    pub entities: Option<PathBuf>,
    /// `[feeds]`: what `F` in the reader and `sorot fetch` without URLs use.
    pub feeds: FeedsConfig,
}

/// The `[feeds]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedsConfig {
    /// Feed URLs (http or https).
    pub urls: Vec<String>,
    /// Folder fetched articles are stored in (`None`: `$XDG_DATA_HOME/sorot/feeds`).
    pub into: Option<PathBuf>,
    /// Whether `y` may copy URLs with OSC 52 (the terminal passes them to the clipboard).
    pub osc52: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            paths: Vec::new(),
            sort: SortOrder::Date,
            filter: ListFilter::All,
            max_size: crate::article::DEFAULT_MAX_SIZE,
            highlight: [true; 4],
            theme: ThemeChoice::Auto,
            colors: Vec::new(),
            keys: Vec::new(),
            mouse: true,
            entities: None,
            feeds: FeedsConfig::default(),
        }
    }
}

impl Config {
    /// The key map: defaults with the `[keys]` overrides applied.
    pub fn keymap(&self) -> KeyMap {
        let defaults = KeyMap::default();
        // Conflicts were rejected while parsing; defaults are the fallback
        // should a hand-built Config carry one.
        keymap_config::apply(&defaults, &self.keys).unwrap_or(defaults)
    }

    /// Whether entities of type `label` are highlighted at start.
    pub fn highlights(&self, label: Label) -> bool {
        self.highlight[label.index()]
    }

    /// The user entity lists file: `entities = ...` or `entities.toml` in
    /// the sorot config directory.
    pub fn entities_path(&self) -> Option<PathBuf> {
        self.entities
            .clone()
            .or_else(|| config_dir().map(|d| d.join("entities.toml")))
    }

    /// The theme these settings ask for; `no_color` is `NO_COLOR`'s verdict.
    pub fn theme(&self, no_color: bool) -> Theme {
        Theme::from_config(self, no_color)
    }
}

/// A problem with one setting (or the whole file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based line, when the problem is at one place in the file.
    pub line: Option<usize>,
    /// The dotted key (`keys.list.select-next`); empty for the whole file.
    pub key: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl ConfigError {
    /// The message without the file: `line 3: `sort`: ... (using the default)`,
    /// for the reader's problems view, which shows the file beside it.
    pub fn reason(&self) -> String {
        let mut out = String::new();
        if let Some(line) = self.line {
            out.push_str(&format!("line {line}: "));
        }
        if !self.key.is_empty() {
            out.push_str(&format!("`{}`: ", self.key));
        }
        out.push_str(&self.message);
        out.push_str(" (using the default)");
        out
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": `{}`", self.key)?;
        }
        write!(f, ": {} (using the default)", self.message)
    }
}

/// A loaded configuration: settings, where they came from, what was wrong.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    /// The file read, when one was.
    pub path: Option<PathBuf>,
    pub errors: Vec<ConfigError>,
}

/// Everything a command takes from the user's files: the config, with the
/// user entity lists it names installed for [`crate::user_entities::recognize`],
/// and every problem found in either file.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub config: Config,
    /// The config file read, when one was.
    pub path: Option<PathBuf>,
    /// Problems in the config file and the entity lists file.
    pub errors: Vec<ConfigError>,
    /// [`crate::user_entities::UserLists::version`] of the installed lists.
    pub lists_version: u64,
}

impl Settings {
    /// Loads the config (`explicit` from `--config`, else the default
    /// file), then the entity lists, and installs the lists.
    pub fn load(explicit: Option<&Path>) -> Settings {
        let Loaded {
            config,
            path,
            mut errors,
        } = load(explicit);
        let mut lists_version = 0;
        if let Some(p) = config.entities_path() {
            let (lists, list_errors) = crate::user_entities::load(&p);
            errors.extend(list_errors);
            lists_version = lists.version();
            crate::user_entities::install(lists);
        }
        Settings {
            config,
            path,
            errors,
            lists_version,
        }
    }

    /// Prints every problem to standard error (headless commands).
    pub fn warn(&self) {
        for e in &self.errors {
            eprintln!("sorot: warning: {e}");
        }
    }
}

/// sorot's config directory: `$XDG_CONFIG_HOME/sorot` when that is set to
/// an absolute path, else the platform's config directory plus `sorot`.
pub fn config_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(dirs::config_dir).map(|d| d.join("sorot"))
}

/// The default config file path.
pub fn default_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}

/// Loads `explicit` (from `--config`) or the default file. A missing
/// default file is not an error (defaults apply); a missing `--config` is.
pub fn load(explicit: Option<&Path>) -> Loaded {
    let (path, required) = match explicit {
        Some(p) => (Some(p.to_path_buf()), true),
        None => (default_path(), false),
    };
    let Some(path) = path else {
        return Loaded::default();
    };
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                let (config, errors) = parse(&text, &path);
                Loaded {
                    config,
                    path: Some(path),
                    errors,
                }
            }
            Err(_) => Loaded {
                errors: vec![whole_file(&path, "not UTF-8 text".into())],
                path: Some(path),
                config: Config::default(),
            },
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Loaded::default(),
        Err(e) => Loaded {
            errors: vec![whole_file(&path, format!("cannot read it: {e}"))],
            path: Some(path),
            config: Config::default(),
        },
    }
}

fn whole_file(path: &Path, message: String) -> ConfigError {
    ConfigError {
        file: path.to_path_buf(),
        line: None,
        key: String::new(),
        message,
    }
}

/// The top-level keys, in the order of the default file.
pub const TOP_KEYS: [&str; 11] = [
    "paths",
    "sort",
    "filter",
    "max-size",
    "theme",
    "mouse",
    "entities",
    "highlight",
    "colors",
    "keys",
    "feeds",
];

/// Parses config text read from `file` (named in errors; relative `paths`
/// and `entities` are taken relative to its directory).
pub fn parse(text: &str, file: &Path) -> (Config, Vec<ConfigError>) {
    let mut p = Parser {
        text,
        file,
        errors: Vec::new(),
    };
    let mut config = Config::default();
    let root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| p.line_of(s.start));
            p.errors.push(ConfigError {
                file: file.to_path_buf(),
                line,
                key: String::new(),
                message: format!(
                    "not valid TOML: {}; no setting of this file was used",
                    e.message().trim()
                ),
            });
            return (config, p.errors);
        }
    };
    for (key, value) in root.get_ref() {
        p.top_level(&mut config, key, value);
    }
    // Tables are walked in key order; the user reads the file top down.
    p.errors.sort_by_key(|e| e.line);
    (config, p.errors)
}

struct Parser<'a> {
    text: &'a str,
    file: &'a Path,
    errors: Vec<ConfigError>,
}

type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;
type Value<'i> = Spanned<DeValue<'i>>;

impl Parser<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn error(&mut self, at: usize, key: &str, message: String) {
        self.errors.push(ConfigError {
            file: self.file.to_path_buf(),
            line: Some(self.line_of(at)),
            key: key.to_owned(),
            message,
        });
    }

    fn unknown(&mut self, key: &Key<'_>, dotted: &str, accepted: &[&str]) {
        self.error(
            key.span().start,
            dotted,
            format!("unknown key; accepted: {}", accepted.join(", ")),
        );
    }

    fn string<'v>(&mut self, key: &str, v: &'v Value<'_>, what: &str) -> Option<&'v str> {
        match v.get_ref().as_str() {
            Some(s) => Some(s),
            None => {
                self.error(
                    v.span().start,
                    key,
                    format!("expected {what}, found a {}", v.get_ref().type_str()),
                );
                None
            }
        }
    }

    fn choice<T: Copy>(&mut self, key: &str, v: &Value<'_>, options: &[(&str, T)]) -> Option<T> {
        let names: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        let what = format!("one of {}", names.join(", "));
        let s = self.string(key, v, &what)?;
        match options.iter().find(|(n, _)| *n == s) {
            Some((_, t)) => Some(*t),
            None => {
                self.error(
                    v.span().start,
                    key,
                    format!("\"{s}\" is not accepted; expected {what}"),
                );
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, v: &Value<'_>) -> Option<bool> {
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.error(
                    v.span().start,
                    key,
                    format!("expected true or false, found a {}", v.get_ref().type_str()),
                );
                None
            }
        }
    }

    fn path(&mut self, key: &str, v: &Value<'_>) -> Option<PathBuf> {
        let s = self.string(key, v, "a path string")?;
        if s.is_empty() {
            self.error(v.span().start, key, "expected a path, found \"\"".into());
            return None;
        }
        Some(resolve_path(s, self.file))
    }

    fn table<'v, 'i>(&mut self, key: &str, v: &'v Value<'i>) -> Option<&'v DeTable<'i>> {
        match v.get_ref().as_table() {
            Some(t) => Some(t),
            None => {
                self.error(
                    v.span().start,
                    key,
                    format!(
                        "expected a table ([{key}]), found a {}",
                        v.get_ref().type_str()
                    ),
                );
                None
            }
        }
    }

    fn top_level(&mut self, config: &mut Config, key: &Key<'_>, v: &Value<'_>) {
        let name: &str = key.get_ref();
        match name {
            "paths" => {
                let mut out = Vec::new();
                let ok = match v.get_ref() {
                    DeValue::String(_) => {
                        out.extend(self.path(name, v));
                        true
                    }
                    DeValue::Array(items) => {
                        let before = self.errors.len();
                        for item in items {
                            out.extend(self.path(name, item));
                        }
                        self.errors.len() == before
                    }
                    other => {
                        self.error(
                            v.span().start,
                            name,
                            format!(
                                "expected a list of paths ([\"~/news\"]), found a {}",
                                other.type_str()
                            ),
                        );
                        false
                    }
                };
                if ok {
                    config.paths = out;
                }
            }
            "sort" => {
                if let Some(s) = self.choice(
                    name,
                    v,
                    &[
                        ("date", SortOrder::Date),
                        ("title", SortOrder::Title),
                        ("source", SortOrder::Source),
                    ],
                ) {
                    config.sort = s;
                }
            }
            "filter" => {
                if let Some(f) = self.choice(
                    name,
                    v,
                    &[
                        ("all", ListFilter::All),
                        ("unread", ListFilter::Unread),
                        ("starred", ListFilter::Starred),
                    ],
                ) {
                    config.filter = f;
                }
            }
            "max-size" => {
                let n = v
                    .get_ref()
                    .as_integer()
                    .and_then(|i| u64::from_str_radix(i.as_str(), i.radix()).ok())
                    .filter(|&n| n > 0);
                match n {
                    Some(n) => config.max_size = n,
                    None => self.error(
                        v.span().start,
                        name,
                        "expected a positive whole number of bytes (e.g. 50000000)".into(),
                    ),
                }
            }
            "theme" => {
                let options: Vec<(&str, ThemeChoice)> = ThemeChoice::NAMES
                    .iter()
                    .filter_map(|n| ThemeChoice::parse(n).map(|c| (*n, c)))
                    .collect();
                if let Some(t) = self.choice(name, v, &options) {
                    config.theme = t;
                }
            }
            "mouse" => {
                if let Some(b) = self.boolean(name, v) {
                    config.mouse = b;
                }
            }
            "entities" => {
                if let Some(p) = self.path(name, v) {
                    config.entities = Some(p);
                }
            }
            "feeds" => {
                let Some(t) = self.table(name, v) else { return };
                let names = ["urls", "into", "osc52"];
                for (k, val) in t {
                    let dotted = format!("feeds.{}", k.get_ref());
                    match k.get_ref().as_ref() {
                        "urls" => {
                            let items: Vec<&Value<'_>> = match val.get_ref() {
                                DeValue::Array(items) => items.iter().collect(),
                                _ => vec![val],
                            };
                            for item in items {
                                let what =
                                    "a list of feed URLs ([\"https://example.org/feed.xml\"])";
                                if let Some(u) = self.string(&dotted, item, what) {
                                    if u.starts_with("http://") || u.starts_with("https://") {
                                        config.feeds.urls.push(u.to_owned());
                                    } else {
                                        self.error(
                                            item.span().start,
                                            &dotted,
                                            format!("`{u}` is not an http or https URL"),
                                        );
                                    }
                                }
                            }
                        }
                        "into" => config.feeds.into = self.path(&dotted, val),
                        "osc52" => {
                            if let Some(b) = self.boolean(&dotted, val) {
                                config.feeds.osc52 = b;
                            }
                        }
                        _ => self.unknown(k, &dotted, &names),
                    }
                }
            }
            "highlight" => {
                let Some(t) = self.table(name, v) else { return };
                let names = ["per", "org", "loc", "misc"];
                for (k, val) in t {
                    let dotted = format!("highlight.{}", k.get_ref());
                    match names.iter().position(|n| *n == k.get_ref().as_ref()) {
                        Some(i) => {
                            if let Some(b) = self.boolean(&dotted, val) {
                                config.highlight[i] = b;
                            }
                        }
                        None => self.unknown(k, &dotted, &names),
                    }
                }
            }
            "colors" => {
                let Some(t) = self.table(name, v) else { return };
                let names = Theme::style_names();
                for (k, val) in t {
                    let dotted = format!("colors.{}", k.get_ref());
                    if !names.contains(&k.get_ref().as_ref()) {
                        self.unknown(k, &dotted, &names);
                        continue;
                    }
                    let Some(s) = self.string(&dotted, val, "a style string (\"red bold\")") else {
                        continue;
                    };
                    match StyleSpec::parse(s) {
                        Ok(spec) => config.colors.push((k.get_ref().to_string(), spec)),
                        Err(e) => self.error(val.span().start, &dotted, e),
                    }
                }
            }
            "keys" => {
                let Some(t) = self.table(name, v) else { return };
                let modes: Vec<&str> = keymap_config::MODES.iter().map(|(n, _)| *n).collect();
                let mut overrides = Vec::new();
                for (k, val) in t {
                    let dotted = format!("keys.{}", k.get_ref());
                    let Some(ctx) = keymap_config::mode(k.get_ref()) else {
                        self.unknown(k, &dotted, &modes);
                        continue;
                    };
                    let Some(actions) = self.table(&dotted, val) else {
                        continue;
                    };
                    for (ak, av) in actions {
                        if let Some(o) = self.key_override(ctx, &dotted, ak, av) {
                            overrides.push(o);
                        }
                    }
                }
                match keymap_config::apply(&KeyMap::default(), &overrides) {
                    Ok(_) => config.keys = overrides,
                    Err(conflicts) => {
                        for c in conflicts {
                            self.errors.push(ConfigError {
                                file: self.file.to_path_buf(),
                                line: (c.line > 0).then_some(c.line),
                                key: format!("keys.{}", keymap_config::mode_name(c.context)),
                                message: format!("{c}; no [keys] setting was used"),
                            });
                        }
                    }
                }
            }
            _ => self.unknown(key, name, &TOP_KEYS),
        }
    }

    fn key_override(
        &mut self,
        ctx: Context,
        mode_key: &str,
        ak: &Key<'_>,
        av: &Value<'_>,
    ) -> Option<KeyOverride> {
        let dotted = format!("{mode_key}.{}", ak.get_ref());
        let action = match keymap_config::resolve_action(&KeyMap::default(), ctx, ak.get_ref()) {
            Ok(a) => a,
            Err(e) => {
                self.error(ak.span().start, &dotted, e);
                return None;
            }
        };
        let items: Vec<&Value<'_>> = match av.get_ref() {
            DeValue::String(_) => vec![av],
            DeValue::Array(a) => a.iter().collect(),
            other => {
                self.error(
                    av.span().start,
                    &dotted,
                    format!(
                        "expected a key name or a list of them ([\"j\", \"down\"]), found a {}",
                        other.type_str()
                    ),
                );
                return None;
            }
        };
        let mut keys = Vec::new();
        for item in items {
            let s = self.string(&dotted, item, "a key name string")?;
            match keymap_config::parse_key(s) {
                Ok(k) => keys.push(k),
                Err(e) => {
                    self.error(item.span().start, &dotted, e);
                    return None;
                }
            }
        }
        Some(KeyOverride {
            context: ctx,
            action_name: ak.get_ref().to_string(),
            action,
            keys,
            line: self.line_of(ak.span().start),
        })
    }
}

/// `~/x` is under the home directory; a relative path is relative to the
/// config file's directory (so a config works from any current directory).
fn resolve_path(s: &str, file: &Path) -> PathBuf {
    if let Some(rest) = s.strip_prefix("~/")
        && let Some(home) = dirs::home_dir()
    {
        return home.join(rest);
    }
    if s == "~"
        && let Some(home) = dirs::home_dir()
    {
        return home;
    }
    let p = PathBuf::from(s);
    if p.is_absolute() {
        p
    } else {
        file.parent().map_or(p.clone(), |d| d.join(&p))
    }
}

/// The fully commented default configuration file: every setting with its
/// default value; the `[colors]` and `[keys]` lines are commented out (they
/// show the dark theme's styles and the default keys) so that the file
/// parses back to exactly the defaults.
pub fn default_file() -> String {
    use std::fmt::Write as _;
    let d = Config::default();
    let mut out = String::new();
    out.push_str(
        "# sorot configuration (TOML).\n\
         # Default location: $XDG_CONFIG_HOME/sorot/config.toml (the platform config\n\
         # directory when XDG_CONFIG_HOME is unset); `sorot --config FILE` reads another.\n\
         # A bad setting is reported (file, line, key) and keeps its default.\n\n",
    );
    out.push_str(
        "# Article files or directories opened when the command line names none.\n\
         # `~/` is the home directory; relative paths are relative to this file.\n\
         # Empty: the bundled sample articles.\n\
         paths = []\n\n",
    );
    let _ = writeln!(
        out,
        "# Order of the article list: \"date\" (newest first), \"title\" or \"source\".\n\
         sort = \"{}\"\n",
        d.sort.label()
    );
    let _ = writeln!(
        out,
        "# Which articles the list shows: \"all\", \"unread\" or \"starred\".\n\
         filter = \"{}\"\n",
        d.filter.label()
    );
    let _ = writeln!(
        out,
        "# Files larger than this many bytes are skipped (--max-size overrides).\n\
         max-size = {}\n",
        d.max_size
    );
    let _ = writeln!(
        out,
        "# Colours: \"dark\", \"light\", or \"auto\" (light when the terminal reports a light\n\
         # background through COLORFGBG, else dark). NO_COLOR=1 in the environment turns\n\
         # colour off; entity types then differ by bold, underline, italic and dim.\n\
         theme = \"{}\"\n",
        d.theme.name()
    );
    let _ = writeln!(
        out,
        "# Mouse: wheel scrolls the pane under the pointer, a click selects an article or\n\
         # focuses a pane. false leaves the mouse to the terminal (text selection).\n\
         mouse = {}\n",
        d.mouse
    );
    out.push_str(
        "# Names to always or never tag as entities. Default: entities.toml beside this file.\n\
         # entities = \"~/notes/sorot-entities.toml\"\n\n",
    );
    out.push_str("# Entity types highlighted when the reader starts.\n[highlight]\n");
    for (name, label) in ["per", "org", "loc", "misc"].iter().zip(Label::ALL) {
        let _ = writeln!(out, "{name} = {}", d.highlights(label));
    }
    out.push_str(
        "\n# Style overrides by name: a colour (red, light-blue, #ff8800, 0-255, default),\n\
         # `on` a background colour, and modifiers (bold, dim, italic, underlined,\n\
         # reversed, crossed-out, plain). A colour alone keeps the theme's modifiers.\n\
         # The values shown are the dark theme's.\n[colors]\n",
    );
    let dark = Theme::dark();
    for name in Theme::style_names() {
        let style = dark.style(name).unwrap_or_default();
        let _ = writeln!(out, "# {name} = \"{}\"", style_text(style));
    }
    out.push_str(
        "\n# Key bindings per mode: action = [\"key\", ...] replaces that action's keys in\n\
         # that mode. Keys: a character (`n`, `J`, `?`), space, enter, esc, tab, shift-tab,\n\
         # backspace, up, down, left, right, home, end, pgup, pgdn, f1..f12, with an\n\
         # optional ctrl- or alt- prefix. A key bound to two actions in one mode is an\n\
         # error. `global` keys work in the list and the reader unless the mode binds\n\
         # the key itself. The values shown are the defaults.\n",
    );
    let defaults = KeyMap::default();
    for (mode, ctx) in keymap_config::MODES {
        let _ = writeln!(out, "[keys.{mode}]");
        for (name, action) in keymap_config::actions_in(&defaults, ctx) {
            let keys: Vec<String> = defaults
                .bindings()
                .iter()
                .filter(|b| b.context == ctx && b.action == action)
                .map(|b| format!("{:?}", keymap_config::key_name(&b.key)))
                .collect();
            let desc = defaults
                .bindings()
                .iter()
                .find(|b| b.context == ctx && b.action == action)
                .map_or("", |b| b.desc);
            let _ = writeln!(out, "# {name} = [{}]  # {desc}", keys.join(", "));
        }
        out.push('\n');
    }
    out.push_str(
        "# Feeds: `F` in the reader, and `sorot fetch` given no URL, fetch these into\n\
         # `into` (default: $XDG_DATA_HOME/sorot/feeds). osc52 = true lets `y` copy an\n\
         # article's URL through the terminal (OSC 52), which hands it to the clipboard.\n\
         [feeds]\n\
         # urls = [\"https://example.org/feed.xml\"]\n\
         # into = \"~/news/feeds\"\n\
         osc52 = false\n",
    );
    out
}

/// A style as a `[colors]` value.
fn style_text(style: ratatui::style::Style) -> String {
    use crate::ui::theme_config::MODIFIER_NAMES;
    let color = |c: ratatui::style::Color| match c {
        ratatui::style::Color::Reset => "default".to_owned(),
        ratatui::style::Color::Indexed(i) => i.to_string(),
        ratatui::style::Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        other => {
            // Debug is `LightRed`; the config spelling is `light-red`.
            let mut s = String::new();
            for (i, ch) in format!("{other:?}").chars().enumerate() {
                if ch.is_ascii_uppercase() && i > 0 {
                    s.push('-');
                }
                s.push(ch.to_ascii_lowercase());
            }
            s
        }
    };
    let mut words = Vec::new();
    words.push(style.fg.map_or_else(|| "default".to_owned(), color));
    if let Some(bg) = style.bg {
        words.push("on".to_owned());
        words.push(color(bg));
    }
    let mut any = false;
    for (name, m) in MODIFIER_NAMES {
        if !m.is_empty() && name != "underline" && style.add_modifier.contains(m) {
            words.push(name.to_owned());
            any = true;
        }
    }
    if !any {
        words.push("plain".to_owned());
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    fn file() -> &'static Path {
        Path::new("/home/u/.config/sorot/config.toml")
    }

    fn errs(text: &str) -> Vec<String> {
        parse(text, file())
            .1
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn feeds_section_is_read_and_checked() {
        let text = "[feeds]\nurls = [\"https://e.org/a.xml\", \"ftp://x\"]\ninto = \"news\"\nosc52 = true\ncolour = 1\n";
        let (config, errors) = parse(text, file());
        assert_eq!(config.feeds.urls, vec!["https://e.org/a.xml".to_owned()]);
        assert!(config.feeds.osc52);
        assert!(
            config
                .feeds
                .into
                .as_deref()
                .is_some_and(|p| p.ends_with("news"))
        );
        let msgs: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{msgs:?}");
        assert!(
            msgs[0].contains("config.toml:2:")
                && msgs[0].contains("feeds.urls")
                && msgs[0].contains("ftp://x"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].contains("feeds.colour") && msgs[1].contains("osc52"),
            "{msgs:?}"
        );
    }

    #[test]
    fn default_file_parses_back_to_the_defaults() {
        let text = default_file();
        let (config, errors) = parse(&text, file());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config, Config::default());
        // Uncommented, the example styles and keys are valid too, and give
        // the dark theme and the default key map.
        let uncommented: String = text
            .lines()
            .map(|l| {
                let t = l.trim_start();
                if let Some(rest) = t.strip_prefix("# ")
                    && rest
                        .split_once(" = ")
                        .is_some_and(|(k, _)| !k.contains(' ') && !k.starts_with("entities"))
                {
                    rest.to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let (config, errors) = parse(&uncommented, file());
        assert!(errors.is_empty(), "{errors:?}");
        assert!(config.colors.len() == Theme::style_names().len());
        assert!(!config.keys.is_empty());
        assert_eq!(config.keymap(), KeyMap::default());
        let mut t = Theme::from_settings(ThemeChoice::Dark, &config.colors, false, None);
        // `default` resets the foreground where the theme had none.
        for name in Theme::style_names() {
            let s = t.style_mut(name).unwrap();
            if s.fg == Some(Color::Reset) {
                s.fg = None;
            }
        }
        assert_eq!(t, Theme::dark());
    }

    #[test]
    fn good_file_sets_everything() {
        let text = r##"
paths = ["~/news", "saved", "/abs/feeds"]
sort = "title"
filter = "unread"
max-size = 1_000
theme = "light"
mouse = false
entities = "lists/entities.toml"

[highlight]
misc = false

[colors]
entity-per = "red on black italic"
border-focused = "#00ff00"

[keys.list]
select-next = "n"
select-prev = ["p", "up"]

[keys.reader]
scroll-down = ["ctrl-e", "j"]
"##;
        let (c, errors) = parse(text, file());
        assert!(errors.is_empty(), "{errors:?}");
        let home = dirs::home_dir().unwrap();
        assert_eq!(
            c.paths,
            vec![
                home.join("news"),
                PathBuf::from("/home/u/.config/sorot/saved"),
                PathBuf::from("/abs/feeds")
            ]
        );
        assert_eq!(c.sort, SortOrder::Title);
        assert_eq!(c.filter, ListFilter::Unread);
        assert_eq!(c.max_size, 1000);
        assert_eq!(c.theme, ThemeChoice::Light);
        assert!(!c.mouse);
        assert_eq!(
            c.entities_path(),
            Some(PathBuf::from("/home/u/.config/sorot/lists/entities.toml"))
        );
        assert_eq!(c.highlight, [true, true, true, false]);
        let t = Theme::from_settings(c.theme, &c.colors, false, None);
        assert_eq!(t.entity_per.fg, Some(Color::Red));
        assert_eq!(t.entity_per.bg, Some(Color::Black));
        assert_eq!(t.entity_per.add_modifier, Modifier::ITALIC);
        assert_eq!(t.border_focused.fg, Some(Color::Rgb(0, 255, 0)));
        let km = c.keymap();
        let list: Vec<_> = km.grouped(Context::List);
        assert!(list.contains(&("n".to_owned(), "next article")), "{list:?}");
        assert!(list.contains(&("p/↑".to_owned(), "previous article")));
        let reader = km.grouped(Context::Reader);
        assert!(reader.contains(&("Ctrl-e/j".to_owned(), "scroll down")));
    }

    #[test]
    fn unknown_keys_name_file_line_key_and_what_is_accepted() {
        let e = errs("sort = \"date\"\ncolour = \"red\"\n");
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with(
                "/home/u/.config/sorot/config.toml:2: `colour`: unknown key; accepted: paths, sort,"
            ),
            "{}",
            e[0]
        );
        assert!(e[0].contains("colors") && e[0].contains("using the default"));
        let e = errs("[colors]\nentity-person = \"red\"\n");
        assert!(
            e[0].contains(":2: `colors.entity-person`: unknown key"),
            "{}",
            e[0]
        );
        assert!(e[0].contains("entity-per,"), "{}", e[0]);
        let e = errs("[keys.lsit]\nselect-next = \"n\"\n");
        assert!(
            e[0].contains(":1: `keys.lsit`: unknown key; accepted: global, list, reader"),
            "{}",
            e[0]
        );
        let e = errs("[keys.list]\n\nscroll-down = \"n\"\n");
        assert!(e[0].contains(":3: `keys.list.scroll-down`"), "{}", e[0]);
        assert!(
            e[0].contains("accepted: select-next, select-prev"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn bad_values_say_what_is_accepted_and_keep_the_default() {
        let text = "sort = \"newest\"\ntheme = \"blue\"\nmouse = \"yes\"\nmax-size = -5\n\
                    [highlight]\nper = 1\n[colors]\nentity-org = \"blurple\"\n\
                    [keys.list]\nselect-next = \"ctrl-\"\nopen = 5\n";
        let (c, e) = parse(text, file());
        let e: Vec<String> = e.iter().map(|e| e.to_string()).collect();
        assert_eq!(e.len(), 8, "{e:#?}");
        assert!(e[0].contains(":1: `sort`: \"newest\" is not accepted; expected one of \"date\", \"title\", \"source\""), "{}", e[0]);
        assert!(e[1].contains(":2: `theme`: \"blue\" is not accepted; expected one of \"dark\", \"light\", \"auto\""), "{}", e[1]);
        assert!(
            e[2].contains(":3: `mouse`: expected true or false, found a string"),
            "{}",
            e[2]
        );
        assert!(
            e[3].contains(":4: `max-size`: expected a positive whole number"),
            "{}",
            e[3]
        );
        assert!(
            e[4].contains(":6: `highlight.per`: expected true or false"),
            "{}",
            e[4]
        );
        assert!(
            e[5].contains(":8: `colors.entity-org`: `blurple` is not a colour"),
            "{}",
            e[5]
        );
        assert!(
            e[6].contains(":10: `keys.list.select-next`: `ctrl-` is not a key"),
            "{}",
            e[6]
        );
        assert!(
            e[7].contains(":11: `keys.list.open`: expected a key name"),
            "{}",
            e[7]
        );
        assert_eq!(c, Config::default());
    }

    #[test]
    fn a_key_conflict_names_both_actions_and_drops_the_key_settings() {
        let text = "theme = \"light\"\n[keys.list]\nselect-next = [\"j\", \"k\"]\n";
        let (c, e) = parse(text, file());
        assert_eq!(e.len(), 1, "{e:?}");
        let msg = e[0].to_string();
        assert!(msg.contains(":3: `keys.list`"), "{msg}");
        assert!(
            msg.contains("`select-next`") && msg.contains("`select-prev`"),
            "{msg}"
        );
        assert!(c.keys.is_empty());
        assert_eq!(c.keymap(), KeyMap::default());
        assert_eq!(c.theme, ThemeChoice::Light);
    }

    #[test]
    fn broken_toml_gives_the_line_and_all_defaults() {
        let (c, e) = parse("sort = \"title\"\n\nmouse = = true\n", file());
        assert_eq!(c, Config::default());
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, Some(3), "{}", e[0]);
        assert!(e[0].to_string().contains("not valid TOML"), "{}", e[0]);
    }

    #[test]
    fn load_reports_a_missing_explicit_file_but_not_a_missing_default() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        let l = load(Some(&missing));
        assert_eq!(l.errors.len(), 1);
        assert!(
            l.errors[0]
                .to_string()
                .contains("nope.toml: cannot read it")
        );
        assert_eq!(l.config, Config::default());
        let good = dir.path().join("c.toml");
        std::fs::write(&good, "sort = \"source\"\n").unwrap();
        let l = load(Some(&good));
        assert!(l.errors.is_empty());
        assert_eq!(l.config.sort, SortOrder::Source);
        std::fs::write(&good, [0xff, 0xfe, 0x00]).unwrap();
        let l = load(Some(&good));
        assert!(l.errors[0].to_string().contains("not UTF-8"));
    }
}
