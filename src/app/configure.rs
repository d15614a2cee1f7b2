//! Applying the user's settings ([`crate::config::Settings`]) to the
//! reader: key map, theme, initial list order and filter, and the config
//! problems, which the reader lists among its problems instead of failing.

use super::App;
use super::action::Action;
use crate::article::Problem;
use crate::config::{ConfigError, Settings};

impl App {
    /// Applies `settings`; `no_color` is the `NO_COLOR` verdict. Meant for
    /// the start, before articles arrive (the list is re-sorted as they do).
    pub fn configure(&mut self, settings: &Settings, no_color: bool) {
        let config = &settings.config;
        self.keymap = config.keymap();
        self.theme = config.theme(no_color);
        self.list.sort = config.sort;
        self.list.filter = config.filter;
        // The config gives the default; a toggle the user saved wins.
        for label in crate::ner::Label::ALL {
            let i = label.index();
            self.highlight[i] = self
                .store
                .pref(&super::highlight_pref(label), config.highlight[i]);
        }
        if !settings.errors.is_empty() {
            self.update(Action::ProblemsFound(config_problems(&settings.errors)));
        }
    }
}

/// Problems in the user's files (config, entity lists) as the problems view
/// lists them: each under its file.
pub(super) fn config_problems(errors: &[ConfigError]) -> Vec<Problem> {
    errors
        .iter()
        .map(|e| Problem::new(&e.file, e.reason()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::Context;
    use crate::app::state::{ListFilter, SortOrder};
    use crate::state::StateStore;
    use std::path::Path;

    #[test]
    fn settings_reach_the_reader_and_errors_become_problems() {
        let (config, errors) = crate::config::parse(
            "sort = \"title\"\nfilter = \"starred\"\nmouse = 3\n[keys.list]\nselect-next = \"n\"\n\
             [highlight]\nloc = false\n",
            Path::new("/c/config.toml"),
        );
        let settings = Settings {
            config,
            errors,
            ..Settings::default()
        };
        let mut app = App::new(StateStore::in_memory());
        app.configure(&settings, true);
        assert_eq!(app.list().sort, SortOrder::Title);
        assert_eq!(app.list().filter, ListFilter::Starred);
        assert!(app.keymap().grouped(Context::List)[0].0.starts_with('n'));
        assert_eq!(app.theme().entity_per.fg, None);
        assert!(!app.highlighted(crate::ner::Label::Loc));
        assert!(app.highlighted(crate::ner::Label::Per));
        assert_eq!(app.problems().len(), 1);
        assert_eq!(app.problems()[0].path, Path::new("/c/config.toml"));
        assert!(
            app.problems()[0]
                .reason
                .starts_with("line 3: `mouse`: expected true or false"),
            "{}",
            app.problems()[0].reason
        );
    }
}
