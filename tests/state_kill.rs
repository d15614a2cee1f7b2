//! Durable state under hostile conditions: writers SIGKILLed at random
//! moments, two writers at once, a read-only and a full state directory.
//!
//! The writer is `examples/state_writer.rs` (built by `cargo test`); its
//! steps are replayed here by [`model`] to know what the file must hold.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sorot::state::StateStore;

/// (read ids, starred ids).
type Sets = (BTreeSet<String>, BTreeSet<String>);

/// The example binary, next to this test's `deps` directory.
fn writer_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile directory");
    let bin = dir.join("examples").join("state_writer");
    assert!(
        bin.exists(),
        "{} is missing: `cargo test --release` builds it (or run \
         `cargo build --release --example state_writer`)",
        bin.display()
    );
    bin
}

/// The read and starred ids of writer `name` after steps `0..=last`
/// (nothing for `None`), exactly as `state_writer` makes them.
fn model(name: &str, last: Option<u64>) -> Sets {
    let mut read = BTreeSet::new();
    let mut starred = BTreeSet::new();
    let Some(last) = last else {
        return (read, starred);
    };
    for i in 0..=last {
        read.insert(format!("{name}-r{i}"));
        if i % 3 == 2 {
            read.remove(&format!("{name}-r{}", i - 1));
        }
        let s = format!("{name}-s{}", i % 5);
        if i % 2 == 0 {
            starred.insert(s);
        } else {
            starred.remove(&s);
        }
    }
    (read, starred)
}

/// The file as JSON, failing the test if it is not valid.
fn read_file(path: &Path) -> Sets {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "state file is not valid JSON ({e}):\n{}",
            String::from_utf8_lossy(&bytes)
        )
    });
    assert_eq!(v["version"], 1, "{v}");
    let set = |k: &str| -> BTreeSet<String> {
        v[k].as_array()
            .unwrap_or_else(|| panic!("{k} is not an array: {v}"))
            .iter()
            .map(|s| s.as_str().expect("ids are strings").to_owned())
            .collect()
    };
    (set("read"), set("starred"))
}

/// Only the ids of writer `name`.
fn of(name: &str, state: &Sets) -> Sets {
    let mine = |s: &BTreeSet<String>| {
        s.iter()
            .filter(|id| id.starts_with(&format!("{name}-")))
            .cloned()
            .collect()
    };
    (mine(&state.0), mine(&state.1))
}

fn spawn_writer(path: &Path, name: &str, steps: u64) -> Child {
    Command::new(writer_bin())
        .arg(path)
        .arg(name)
        .arg(steps.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("state_writer runs")
}

/// Reads `ack N` lines until the pipe closes; returns the last N.
fn last_ack(child: &mut Child) -> Option<u64> {
    let out = child.stdout.take().expect("piped stdout");
    let mut last = None;
    for line in BufReader::new(out).lines() {
        let line = line.expect("writer output");
        if let Some(n) = line.strip_prefix("ack ") {
            last = Some(n.parse().expect("ack number"));
        } else {
            panic!("writer reported: {line}");
        }
    }
    last
}

/// A small deterministic generator, so a failing round can be re-run.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn sigkill_at_random_moments_never_loses_an_acknowledged_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sorot").join("state.json");
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    let rounds = 40;
    // What earlier rounds left, which later rounds must keep intact.
    let mut settled: Vec<(String, Sets)> = Vec::new();
    let mut acked_total = 0;
    for round in 0..rounds {
        let name = format!("k{round}");
        let mut child = spawn_writer(&path, &name, 1_000_000);
        // Kill anywhere from before the first save to well into the loop.
        std::thread::sleep(Duration::from_millis(rng.below(120)));
        child.kill().expect("SIGKILL the writer");
        let status = child.wait().expect("reap the writer");
        assert!(!status.success(), "round {round}: writer ended by itself");
        let acked = last_ack(&mut child);
        acked_total += acked.map_or(0, |n| n + 1);
        if !path.exists() {
            assert!(acked.is_none(), "round {round}: ack {acked:?} but no file");
            continue;
        }
        let on_disk = read_file(&path);
        let mine = of(&name, &on_disk);
        // The file holds the acknowledged step, or the one after it when
        // the kill came between its rename and its `ack`.
        let next = Some(acked.map_or(0, |n| n + 1));
        assert!(
            mine == model(&name, acked) || mine == model(&name, next),
            "round {round}: after ack {acked:?} the file holds {mine:?}"
        );
        for (earlier, state) in &settled {
            assert_eq!(
                &of(earlier, &on_disk),
                state,
                "round {round} damaged {earlier}"
            );
        }
        settled.push((name, mine));
    }
    assert!(
        acked_total > 0,
        "no writer ever saved: the kills came too early"
    );
    // Writers killed mid-save leave their temporary file; the next save
    // (which holds the lock, so no save is in progress) clears them.
    let temporaries = |dir: &Path| -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".tmp-")
            })
            .count()
    };
    let left = temporaries(path.parent().unwrap());
    let (mut s, _) = StateStore::open(&path);
    s.set_read("final", true);
    s.save().unwrap();
    assert_eq!(
        temporaries(path.parent().unwrap()),
        0,
        "{left} stale temporaries kept"
    );
    for (earlier, state) in &settled {
        assert_eq!(
            &of(earlier, &read_file(&path)),
            state,
            "final save damaged {earlier}"
        );
    }
    eprintln!("{left} temporaries left by killed writers, removed by the next save");
    eprintln!("{rounds} SIGKILL rounds, {acked_total} acknowledged saves, file always valid");
}

#[test]
fn two_writers_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let steps = 150;
    let mut a = spawn_writer(&path, "a", steps);
    let mut b = spawn_writer(&path, "b", steps);
    let acks_a = std::thread::spawn(move || {
        let n = last_ack(&mut a);
        (n, a.wait().unwrap())
    });
    let acks_b = std::thread::spawn(move || {
        let n = last_ack(&mut b);
        (n, b.wait().unwrap())
    });
    let (na, sa) = acks_a.join().unwrap();
    let (nb, sb) = acks_b.join().unwrap();
    assert!(sa.success() && sb.success());
    assert_eq!((na, nb), (Some(steps - 1), Some(steps - 1)));
    let on_disk = read_file(&path);
    assert_eq!(of("a", &on_disk), model("a", Some(steps - 1)));
    assert_eq!(of("b", &on_disk), model("b", Some(steps - 1)));
    // Nothing else, and no temporary files left behind.
    assert_eq!(on_disk.0.len(), model("a", Some(steps - 1)).0.len() * 2);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["state.json", "state.lock"]);
}

/// A tmpfs mounted on a temp dir for one test, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs with `opts`, or `None` (with the reason) when this
    /// user cannot mount.
    fn mount(opts: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", opts, "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, opts: &str) {
        let st = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(st.success(), "remount {opts}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn read_only_state_directory_gives_a_clear_error_and_keeps_changes() {
    let fs = match Tmpfs::mount("size=1m") {
        Ok(fs) => fs,
        Err(e) => {
            eprintln!(
                "skipping read_only_state_directory_gives_a_clear_error_and_keeps_changes: \
                 cannot mount a tmpfs ({e})"
            );
            return;
        }
    };
    let path = fs.path().join("state.json");
    let (mut s, _) = StateStore::open(&path);
    s.set_read("before", true);
    s.save().unwrap();
    fs.remount("ro");
    s.set_read("during", true);
    s.set_starred("during", true);
    let err = s.save().expect_err("saving on a read-only file system");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("ead-only"), "reason not given: {err}");
    // The reader keeps working on its in-memory state.
    assert!(s.is_read("during") && s.is_starred("during") && s.is_read("before"));
    assert!(s.is_dirty());
    assert_eq!(read_file(&path).0, ["before".to_owned()].into());
    fs.remount("rw");
    s.save().unwrap();
    let (r, st) = read_file(&path);
    assert!(r.contains("during") && r.contains("before") && st.contains("during"));
}

#[test]
fn full_state_directory_gives_a_clear_error_and_keeps_the_old_file() {
    let fs = match Tmpfs::mount("size=64k") {
        Ok(fs) => fs,
        Err(e) => {
            eprintln!(
                "skipping full_state_directory_gives_a_clear_error_and_keeps_the_old_file: \
                 cannot mount a tmpfs ({e})"
            );
            return;
        }
    };
    let path = fs.path().join("state.json");
    let (mut s, _) = StateStore::open(&path);
    s.set_read("small", true);
    s.save().unwrap();
    // Fill the file system to the last byte.
    let filler = fs.path().join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        while f.write_all(&[0]).is_ok() {}
    }
    // Enough new ids that the new file cannot fit in what is left.
    for i in 0..600 {
        s.set_read(&format!("an-article-id-that-takes-room-{i}"), true);
    }
    let err = s.save().expect_err("saving on a full file system");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("space"), "reason not given: {err}");
    assert!(s.is_read("an-article-id-that-takes-room-599") && s.is_dirty());
    // The old file is untouched and no temporary file is left.
    assert_eq!(read_file(&path).0, ["small".to_owned()].into());
    let names: Vec<String> = std::fs::read_dir(fs.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(names.is_empty(), "temporary files left: {names:?}");
    std::fs::remove_file(&filler).unwrap();
    s.save().unwrap();
    assert_eq!(read_file(&path).0.len(), 601);
}

#[test]
fn an_unreadable_state_file_is_never_overwritten() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let original = b"{\"version\": 1, \"read\": [\"someone-elses\"]}\n";
    std::fs::write(&path, original).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        eprintln!(
            "skipping an_unreadable_state_file_is_never_overwritten: \
             file permissions do not bind this user (root)"
        );
        return;
    }
    let (mut s, warnings) = StateStore::open(&path);
    assert!(
        warnings.iter().any(|w| w.contains("cannot read")),
        "{warnings:?}"
    );
    s.set_read("mine", true);
    let err = s.save().expect_err("saving over an unreadable file");
    assert!(err.contains("cannot read the current file"), "{err}");
    assert!(s.is_read("mine") && s.is_dirty());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), original);
    s.save().unwrap();
    let (read, _) = read_file(&path);
    assert!(
        read.contains("mine") && read.contains("someone-elses"),
        "{read:?}"
    );
}
