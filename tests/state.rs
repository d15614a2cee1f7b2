//! State persistence: round trips, corrupt files, concurrent readers,
//! unwritable directories.

use std::fs;
use std::path::Path;

use sorot::state::StateStore;

#[test]
fn round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/sorot/state.json");
    let (mut s, w) = StateStore::open(&path);
    assert!(w.is_empty(), "{w:?}");
    assert!(!s.is_read("a"));
    s.set_read("a", true);
    s.set_read("b", true);
    s.set_read("b", false);
    s.set_starred("c", true);
    s.set_pref("highlight.per", false);
    assert!(s.is_dirty());
    s.save().unwrap();
    assert!(!s.is_dirty());

    let (again, w) = StateStore::open(&path);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(again.state(), s.state());
    assert!(again.is_read("a") && !again.is_read("b") && again.is_starred("c"));
    assert!(!again.pref("highlight.per", true));
    // No temporary files left behind.
    let names: Vec<String> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["state.json", "state.lock"]);
}

#[test]
fn corrupt_file_is_moved_aside_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    fs::write(&path, b"{\"version\": 1, \"read\": [\"a\", ").unwrap();
    let (mut s, w) = StateStore::open(&path);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("corrupt"), "{}", w[0]);
    assert!(s.state().read.is_empty());
    assert!(!path.exists());
    let aside: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("state.json.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(w[0].contains(&aside[0]), "{} / {}", w[0], aside[0]);
    // The old bytes are kept for the user to inspect.
    assert_eq!(
        fs::read(dir.path().join(&aside[0])).unwrap(),
        b"{\"version\": 1, \"read\": [\"a\", "
    );
    // And the reader goes on: it can save fresh state.
    s.set_read("x", true);
    s.save().unwrap();
    assert!(StateStore::open(&path).0.is_read("x"));
}

#[test]
fn corrupt_file_found_at_save_is_moved_aside_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let (mut s, _) = StateStore::open(&path);
    fs::write(&path, b"\x00\x01garbage").unwrap();
    s.set_starred("k", true);
    s.save().unwrap();
    let w = s.take_warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(StateStore::open(&path).0.is_starred("k"));
}

#[test]
fn two_stores_interleaving_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let (mut seed, _) = StateStore::open(&path);
    seed.set_read("old", true);
    seed.set_starred("both", true);
    seed.save().unwrap();

    let (mut a, _) = StateStore::open(&path);
    let (mut b, _) = StateStore::open(&path);
    a.set_read("from-a", true);
    b.set_read("from-b", true);
    b.set_read("old", false);
    a.set_pref("p.a", true);
    a.save().unwrap();
    b.set_starred("star-b", true);
    b.save().unwrap();
    a.set_starred("both", false);
    a.save().unwrap();

    let (fresh, _) = StateStore::open(&path);
    let st = fresh.state();
    assert!(st.read.contains("from-a") && st.read.contains("from-b"));
    assert!(!st.read.contains("old"), "b's unread of `old` survives");
    assert!(st.starred.contains("star-b") && !st.starred.contains("both"));
    assert_eq!(st.prefs.get("p.a"), Some(&true));
    // Each store sees the other's saved changes after its own save.
    assert_eq!(a.state(), st);
}

#[test]
fn concurrent_savers_on_threads_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let (mut s, _) = StateStore::open(&path);
                for i in 0..25 {
                    s.set_read(&format!("t{t}-{i}"), true);
                    s.save().unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let (s, w) = StateStore::open(&path);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(s.state().read.len(), 100);
}

fn can_write_in(dir: &Path) -> bool {
    let probe = dir.join("probe");
    let ok = fs::write(&probe, b"x").is_ok();
    let _ = fs::remove_file(&probe);
    ok
}

#[test]
fn unwritable_directory_gives_a_clear_error_and_keeps_changes() {
    let dir = tempfile::tempdir().unwrap();
    // A state path under a regular file can never be created, even by root.
    let blocker = dir.path().join("not-a-dir");
    fs::write(&blocker, b"").unwrap();
    let (mut s, w) = StateStore::open(blocker.join("state.json"));
    assert_eq!(w.len(), 1, "opening warns that it cannot read: {w:?}");
    s.set_read("a", true);
    let err = s.save().unwrap_err();
    assert!(err.starts_with("cannot save reading state to "), "{err}");
    assert!(err.contains("not-a-dir"), "{err}");
    // The reader keeps working and the change is still pending.
    assert!(s.is_read("a") && s.is_dirty());

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        fs::create_dir(&ro).unwrap();
        let (mut s, _) = StateStore::open(ro.join("state.json"));
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        if can_write_in(&ro) {
            eprintln!(
                "unwritable_directory_gives_a_clear_error_and_keeps_changes: read-only part skipped, \
                 permissions do not bind this user (root)"
            );
        } else {
            s.set_starred("b", true);
            let err = s.save().unwrap_err();
            assert!(
                err.contains("permission denied") || err.contains("Permission denied"),
                "{err}"
            );
            assert!(s.is_starred("b"));
        }
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn unreadable_or_foreign_content_never_stops_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should be: a warning, not a failure.
    let path = dir.path().join("state.json");
    fs::create_dir(&path).unwrap();
    let (s, w) = StateStore::open(&path);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(s.state().read.is_empty());
    // Valid JSON of the wrong shape is corrupt too.
    let other = dir.path().join("other.json");
    fs::write(&other, b"[1, 2, 3]").unwrap();
    let (_, w) = StateStore::open(&other);
    assert!(w[0].contains("corrupt"), "{w:?}");
}
