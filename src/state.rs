//! Read/starred state and reader preferences that survive restarts.
//!
//! Owns: the state file under `$XDG_DATA_HOME/sorot/`, its atomic writes and
//! the merge with changes made by another reader running at the same time.
//! Must not: know about the UI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Persistent reader state: which articles are read or starred, and named
/// boolean preferences (e.g. which entity types are highlighted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub read: BTreeSet<String>,
    pub starred: BTreeSet<String>,
    pub prefs: BTreeMap<String, bool>,
}

/// The state plus where it lives on disk (`None`: memory only, for tests).
#[derive(Debug, Default)]
pub struct StateStore {
    path: Option<PathBuf>,
    state: State,
}

impl StateStore {
    /// A store that never touches the disk.
    pub fn in_memory() -> Self {
        StateStore::default()
    }

    /// The file this store saves to, if any.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn is_read(&self, id: &str) -> bool {
        self.state.read.contains(id)
    }

    pub fn is_starred(&self, id: &str) -> bool {
        self.state.starred.contains(id)
    }

    pub fn set_read(&mut self, id: &str, read: bool) {
        if read {
            self.state.read.insert(id.to_owned());
        } else {
            self.state.read.remove(id);
        }
    }

    pub fn set_starred(&mut self, id: &str, starred: bool) {
        if starred {
            self.state.starred.insert(id.to_owned());
        } else {
            self.state.starred.remove(id);
        }
    }

    /// A named preference, or `default` when it was never set.
    pub fn pref(&self, key: &str, default: bool) -> bool {
        self.state.prefs.get(key).copied().unwrap_or(default)
    }

    pub fn set_pref(&mut self, key: &str, value: bool) {
        self.state.prefs.insert(key.to_owned(), value);
    }
}
