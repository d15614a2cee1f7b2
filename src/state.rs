//! Read/starred state and reader preferences that survive restarts.
//!
//! Owns: the state file under `$XDG_DATA_HOME/sorot/`, its atomic writes and
//! the merge with changes made by another reader running at the same time.
//! Must not: know about the UI.
//!
//! On disk: `state.json`, `{"version": 1, "read": [ids], "starred": [ids],
//! "prefs": {name: bool}}`, keyed by [`crate::article::Article::id`].
//!
//! Durability and concurrency: a store remembers the changes it made since
//! its last save. [`StateStore::save`] takes an exclusive lock on
//! `state.lock` next to the file, re-reads the file (which another reader
//! may have saved meanwhile), applies this store's pending changes on top,
//! and writes the result atomically (temporary file in the same directory,
//! write, fsync, rename over `state.json`, fsync the directory). So two
//! readers never lose each other's changes, and a crash leaves either the
//! old or the new file, never a torn one. A file that does not parse is
//! moved aside to `state.json.corrupt-<unix time>` with a warning.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Persistent reader state: which articles are read or starred, and named
/// boolean preferences (e.g. which entity types are highlighted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub read: BTreeSet<String>,
    pub starred: BTreeSet<String>,
    pub prefs: BTreeMap<String, bool>,
}

/// One change made by this process, replayed on the latest file at save.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    Read(String, bool),
    Starred(String, bool),
    Pref(String, bool),
}

impl State {
    fn apply(&mut self, change: &Change) {
        fn set(set: &mut BTreeSet<String>, id: &str, on: bool) {
            if on {
                set.insert(id.to_owned());
            } else {
                set.remove(id);
            }
        }
        match change {
            Change::Read(id, on) => set(&mut self.read, id, *on),
            Change::Starred(id, on) => set(&mut self.starred, id, *on),
            Change::Pref(key, v) => {
                self.prefs.insert(key.clone(), *v);
            }
        }
    }
}

/// The file format. `version` lets a later sorot migrate old files.
#[derive(Debug, Serialize, Deserialize)]
struct OnDisk {
    version: u32,
    #[serde(default)]
    read: BTreeSet<String>,
    #[serde(default)]
    starred: BTreeSet<String>,
    #[serde(default)]
    prefs: BTreeMap<String, bool>,
}

const VERSION: u32 = 1;

/// The state plus where it lives on disk (`None`: memory only, for tests).
#[derive(Debug, Default)]
pub struct StateStore {
    path: Option<PathBuf>,
    state: State,
    pending: Vec<Change>,
    warnings: Vec<String>,
}

impl StateStore {
    /// A store that never touches the disk.
    pub fn in_memory() -> Self {
        StateStore::default()
    }

    /// Opens the state at `path` (missing: empty state). Never fails: an
    /// unreadable file gives a warning and an empty state, a corrupt one is
    /// moved aside with a warning. The warnings are returned for the reader
    /// to show.
    pub fn open(path: impl Into<PathBuf>) -> (StateStore, Vec<String>) {
        let path = path.into();
        let mut warnings = Vec::new();
        let state = read_state(&path, &mut warnings);
        (
            StateStore {
                path: Some(path),
                state,
                pending: Vec::new(),
                warnings: Vec::new(),
            },
            warnings,
        )
    }

    /// Opens the state in its default place, `$XDG_DATA_HOME/sorot/state.json`
    /// (the platform data directory when that is unset or not absolute).
    /// Without any data directory the store is memory-only, with a warning.
    pub fn open_default() -> (StateStore, Vec<String>) {
        match default_path() {
            Some(p) => StateStore::open(p),
            None => (
                StateStore::in_memory(),
                vec![
                    "no data directory found (set XDG_DATA_HOME); read and starred state will not be saved"
                        .to_owned(),
                ],
            ),
        }
    }

    /// The file this store saves to, if any.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// The state as this process sees it (the file as last read or saved,
    /// plus this process's unsaved changes).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// True while there are changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Warnings that came up while saving (e.g. a corrupt file moved aside),
    /// emptied by the call.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    pub fn is_read(&self, id: &str) -> bool {
        self.state.read.contains(id)
    }

    pub fn is_starred(&self, id: &str) -> bool {
        self.state.starred.contains(id)
    }

    pub fn set_read(&mut self, id: &str, read: bool) {
        self.change(Change::Read(id.to_owned(), read));
    }

    pub fn set_starred(&mut self, id: &str, starred: bool) {
        self.change(Change::Starred(id.to_owned(), starred));
    }

    /// A named preference, or `default` when it was never set.
    pub fn pref(&self, key: &str, default: bool) -> bool {
        self.state.prefs.get(key).copied().unwrap_or(default)
    }

    pub fn set_pref(&mut self, key: &str, value: bool) {
        self.change(Change::Pref(key.to_owned(), value));
    }

    fn change(&mut self, c: Change) {
        self.state.apply(&c);
        if self.path.is_some() {
            self.pending.push(c);
        }
    }

    /// Writes this store's changes, merged with whatever another reader
    /// saved meanwhile (see the module doc). Afterwards [`StateStore::state`]
    /// includes the other reader's changes too. On error the changes stay
    /// pending, so a later save can still write them.
    pub fn save(&mut self) -> Result<(), String> {
        let Some(path) = self.path.clone() else {
            self.pending.clear();
            return Ok(());
        };
        let fail = |what: &str, e: std::io::Error| {
            format!(
                "cannot save reading state to {}: {what}: {e}",
                path.display()
            )
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&dir).map_err(|e| fail("cannot create its directory", e))?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("state.lock"))
            .map_err(|e| fail("cannot open the lock file", e))?;
        lock.lock().map_err(|e| fail("cannot lock", e))?;
        // A file that exists but cannot be read (permissions, I/O error)
        // would read as empty state below, and the rename would replace it
        // with only this store's changes: refuse rather than lose it.
        if let Err(e) = File::open(&path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Err(fail(
                "cannot read the current file, so it is left as it is",
                e,
            ));
        }
        remove_stale_temporaries(&path, &dir);
        let mut merged = read_state(&path, &mut self.warnings);
        for c in &self.pending {
            merged.apply(c);
        }
        write_atomically(&path, &dir, &merged).map_err(|(what, e)| fail(what, e))?;
        drop(lock);
        self.state = merged;
        self.pending.clear();
        Ok(())
    }
}

/// `$XDG_DATA_HOME/sorot/state.json`, else the platform data directory's.
pub fn default_path() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(dirs::data_dir)
        .map(|d| d.join("sorot").join("state.json"))
}

/// Reads the state file; problems become warnings and an empty state.
fn read_state(path: &Path, warnings: &mut Vec<String>) -> State {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return State::default(),
        Err(e) => {
            warnings.push(format!(
                "cannot read reading state {}: {e}; starting without it",
                path.display()
            ));
            return State::default();
        }
    };
    match serde_json::from_slice::<OnDisk>(&bytes) {
        Ok(d) if d.version <= VERSION => State {
            read: d.read,
            starred: d.starred,
            prefs: d.prefs,
        },
        Ok(d) => {
            // A newer sorot wrote it: keep it untouched rather than clobber it.
            warnings.push(format!(
                "reading state {} has version {}, newer than this sorot understands ({VERSION}); using what it can",
                path.display(),
                d.version
            ));
            State {
                read: d.read,
                starred: d.starred,
                prefs: d.prefs,
            }
        }
        Err(e) => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let mut aside = path.as_os_str().to_owned();
            aside.push(format!(".corrupt-{secs}"));
            let aside = PathBuf::from(aside);
            match fs::rename(path, &aside) {
                Ok(()) => warnings.push(format!(
                    "reading state {} was corrupt ({e}); moved it to {} and started afresh",
                    path.display(),
                    aside.display()
                )),
                Err(re) => warnings.push(format!(
                    "reading state {} was corrupt ({e}) and could not be moved aside ({re}); started afresh",
                    path.display()
                )),
            }
            State::default()
        }
    }
}

/// The name of the temporary file a save writes before renaming it over
/// `path`; the process id keeps two writers' temporaries apart even without
/// the lock.
fn temporary_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".to_owned());
    format!(".{name}.tmp-")
}

/// Deletes temporaries left by a writer that was killed mid-save. Called
/// with the lock held: temporaries are only written under the lock, so any
/// found now belong to no live save.
fn remove_stale_temporaries(path: &Path, dir: &Path) {
    let prefix = temporary_prefix(path);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(&prefix))
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

type WriteError = (&'static str, std::io::Error);

fn write_atomically(path: &Path, dir: &Path, state: &State) -> Result<(), WriteError> {
    let on_disk = OnDisk {
        version: VERSION,
        read: state.read.clone(),
        starred: state.starred.clone(),
        prefs: state.prefs.clone(),
    };
    let json = serde_json::to_vec_pretty(&on_disk)
        .map_err(|e| ("cannot serialise", std::io::Error::other(e)))?;
    let tmp = dir.join(format!("{}{}", temporary_prefix(path), std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp).map_err(|e| ("cannot create a temporary file", e))?;
        f.write_all(&json)
            .and_then(|()| f.write_all(b"\n"))
            .map_err(|e| ("cannot write", e))?;
        f.sync_all().map_err(|e| ("cannot flush to disk", e))?;
        drop(f);
        fs::rename(&tmp, path).map_err(|e| ("cannot replace the file", e))?;
        // Make the rename itself durable; not every platform can open a dir.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_store_works_and_saves_trivially() {
        let mut s = StateStore::in_memory();
        s.set_read("a", true);
        s.set_starred("b", true);
        s.set_pref("hl.per", false);
        assert!(s.is_read("a") && s.is_starred("b") && !s.pref("hl.per", true));
        assert!(s.pref("missing", true));
        assert!(s.save().is_ok());
        assert!(s.path().is_none());
    }

    #[test]
    fn default_path_uses_xdg_data_home_shape() {
        let p = default_path();
        if let Some(p) = p {
            assert!(p.ends_with("sorot/state.json"), "{}", p.display());
        }
    }
}
