//! Finding article files: recursive, deterministic, and careful about what
//! it opens.
//!
//! Rules (see [`super::load_paths_with`]): hidden entries inside directories
//! are skipped; symbolic links are followed but each directory is entered
//! once, by canonical path, and a link to an enclosing directory is a loop;
//! only regular files are ever opened, decided from metadata before opening
//! (so a FIFO cannot block the loader); oversize files are skipped.

use std::collections::HashSet;
use std::fs::{self, FileType, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::Problem;

/// What the walk found, in order.
pub(crate) enum Item {
    /// A regular file to read; `size` when the walk already knows it.
    File { path: PathBuf, size: Option<u64> },
    /// Something that will not be read, and why.
    Problem(Problem),
}

/// Walks `paths` in order, calling `emit` for each item; stops early when
/// `stop` is set or `emit` returns false.
pub(crate) fn walk(
    paths: &[PathBuf],
    max_size: u64,
    stop: &AtomicBool,
    emit: &mut dyn FnMut(Item) -> bool,
) {
    let mut w = Walker {
        max_size,
        stop,
        emit,
        visited: HashSet::new(),
        ancestors: Vec::new(),
        halted: false,
    };
    for path in paths {
        if w.halted() {
            return;
        }
        // An explicit path is loaded even when hidden; symlinks are followed.
        match fs::metadata(path) {
            Ok(meta) => w.entry(path.clone(), &meta),
            Err(e) => w.problem(path.clone(), describe_io(&e)),
        }
    }
}

struct Walker<'a> {
    max_size: u64,
    stop: &'a AtomicBool,
    emit: &'a mut dyn FnMut(Item) -> bool,
    visited: HashSet<PathBuf>,
    ancestors: Vec<PathBuf>,
    halted: bool,
}

impl Walker<'_> {
    fn halted(&mut self) -> bool {
        self.halted || self.stop.load(Ordering::Relaxed)
    }

    fn send(&mut self, item: Item) {
        if !(self.emit)(item) {
            self.halted = true;
        }
    }

    fn problem(&mut self, path: PathBuf, reason: impl AsRef<str>) {
        self.send(Item::Problem(Problem::new(path, reason)));
    }

    /// Handles a path whose (followed) metadata is known.
    fn entry(&mut self, path: PathBuf, meta: &Metadata) {
        if meta.is_dir() {
            self.dir(path);
        } else if meta.is_file() {
            if meta.len() > self.max_size {
                let reason = too_large(meta.len(), self.max_size);
                self.problem(path, reason);
            } else {
                self.send(Item::File {
                    path,
                    size: Some(meta.len()),
                });
            }
        } else {
            let reason = not_regular(&meta.file_type());
            self.problem(path, reason);
        }
    }

    fn dir(&mut self, path: PathBuf) {
        let canon = match fs::canonicalize(&path) {
            Ok(c) => c,
            Err(e) => {
                return self.problem(
                    path,
                    format!("cannot resolve directory: {}", describe_io(&e)),
                );
            }
        };
        if self.ancestors.contains(&canon) {
            let reason = format!(
                "symbolic link loop: leads back to {}",
                crate::text::display_path(&canon)
            );
            return self.problem(path, reason);
        }
        // Reached again through another link: already loaded once.
        if !self.visited.insert(canon.clone()) {
            return;
        }
        let entries = match fs::read_dir(&path) {
            Ok(rd) => rd,
            Err(e) => {
                return self.problem(path, format!("cannot read directory: {}", describe_io(&e)));
            }
        };
        let mut children: Vec<(std::ffi::OsString, Option<FileType>)> = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => children.push((e.file_name(), e.file_type().ok())),
                Err(e) => {
                    self.problem(
                        path.clone(),
                        format!("cannot read directory entry: {}", describe_io(&e)),
                    );
                }
            }
        }
        // Byte order of names: deterministic on every platform and locale.
        children.sort_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
        self.ancestors.push(canon);
        for (name, ft) in children {
            if self.halted() {
                break;
            }
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let child = path.join(&name);
            match ft {
                Some(ft) if ft.is_file() => self.send(Item::File {
                    path: child,
                    size: None,
                }),
                Some(ft) if ft.is_dir() => self.dir(child),
                Some(ft) if ft.is_symlink() => match fs::metadata(&child) {
                    Ok(meta) => self.entry(child, &meta),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        self.problem(child, "dangling symbolic link (its target does not exist)")
                    }
                    Err(e) => self.problem(
                        child,
                        format!("cannot follow symbolic link: {}", describe_io(&e)),
                    ),
                },
                Some(ft) => {
                    let reason = not_regular(&ft);
                    self.problem(child, reason);
                }
                // The type was not in the directory entry: ask the file system.
                None => match fs::symlink_metadata(&child) {
                    Ok(m) if m.file_type().is_symlink() => match fs::metadata(&child) {
                        Ok(meta) => self.entry(child, &meta),
                        Err(e) => self.problem(child, describe_io(&e)),
                    },
                    Ok(m) => self.entry(child, &m),
                    Err(e) => self.problem(child, describe_io(&e)),
                },
            }
        }
        self.ancestors.pop();
    }
}

/// "not a regular file (named pipe); not opened", and the like.
fn not_regular(ft: &FileType) -> String {
    #[cfg(unix)]
    let kind = {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            "named pipe"
        } else if ft.is_socket() {
            "socket"
        } else if ft.is_block_device() {
            "block device"
        } else if ft.is_char_device() {
            "character device"
        } else {
            "special file"
        }
    };
    #[cfg(not(unix))]
    let kind = {
        let _ = ft;
        "special file"
    };
    format!("not a regular file ({kind}); not opened")
}

fn too_large(len: u64, max: u64) -> String {
    format!(
        "file is {}, above the size limit of {} (--max-size); skipped",
        human_size(len),
        human_size(max)
    )
}

/// Bytes as a short human-readable size (exact bytes below 1 KiB).
pub(crate) fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// An I/O error in words, without Rust's "(os error N)" noise for the
/// common cases.
pub(crate) fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".to_owned(),
        PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// A file's (device, inode): the same file whatever path reached it.
pub(crate) type FileId = (u64, u64);

/// Opens and reads a file the walk has judged regular, checking again on
/// the open handle (the file may have changed since) and never reading more
/// than `max_size` bytes. Returns the bytes and the file's identity
/// (device, inode) so a file reached twice is loaded once.
pub(crate) fn read_regular_file(
    path: &Path,
    size: Option<u64>,
    max_size: u64,
) -> Result<(Vec<u8>, Option<FileId>), String> {
    let file = open_nonblocking(path).map_err(|e| format!("cannot open: {}", describe_io(&e)))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read metadata: {}", describe_io(&e)))?;
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    if meta.len() > max_size {
        return Err(too_large(meta.len(), max_size));
    }
    let expected = size.unwrap_or(meta.len()).min(max_size);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0).saturating_add(1));
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {}", describe_io(&e)))?;
    if bytes.len() as u64 > max_size {
        return Err(too_large(bytes.len() as u64, max_size));
    }
    Ok((bytes, file_id(&meta)))
}

/// Opens for reading without blocking: the walk checked the file was
/// regular, but it may have been replaced by a FIFO since, and opening a
/// FIFO blocks until a writer appears. The handle's own metadata is checked
/// next, so such a file is rejected, never read.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    fs::File::open(path)
}

#[cfg(unix)]
fn file_id(meta: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_meta: &Metadata) -> Option<FileId> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{LoadOptions, load_all};

    fn write(p: &Path, s: &str) {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, s).unwrap();
    }

    fn names(arts: &[crate::article::Article], root: &Path) -> Vec<String> {
        arts.iter()
            .map(|a| a.path.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn walks_recursively_in_sorted_order_skipping_hidden() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        write(&r.join("b/z.txt"), "Z\nbody");
        write(&r.join("b/a.md"), "# A\n\nbody");
        write(&r.join("a.json"), r#"[{"title":"J1"},{"title":"J2"}]"#);
        write(&r.join(".hidden.txt"), "H\nbody");
        write(&r.join(".git/x.txt"), "G\nbody");
        write(&r.join("c/d/e/deep.txt"), "Deep\nbody");
        let (arts, probs) = load_all(&[r.to_path_buf()], &LoadOptions::default());
        assert!(probs.is_empty(), "{probs:?}");
        assert_eq!(
            names(&arts, r),
            ["a.json", "a.json", "b/a.md", "b/z.txt", "c/d/e/deep.txt"]
        );
        assert_eq!(arts[1].title, "J2");
        // Order is stable from run to run, threads notwithstanding.
        for _ in 0..5 {
            let (again, _) = load_all(&[r.to_path_buf()], &LoadOptions::default());
            assert_eq!(again, arts);
        }
    }

    #[test]
    fn explicit_hidden_path_and_missing_path() {
        let t = tempfile::tempdir().unwrap();
        let hidden = t.path().join(".x.txt");
        write(&hidden, "Hidden but asked for\nbody");
        let missing = t.path().join("nope.txt");
        let (arts, probs) = load_all(&[hidden, missing.clone()], &LoadOptions::default());
        assert_eq!(arts.len(), 1);
        assert_eq!(probs.len(), 1);
        assert_eq!(probs[0].path, missing);
        assert_eq!(probs[0].reason, "no such file or directory");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_dangling_links_and_duplicates() {
        use std::os::unix::fs::symlink;
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        write(&r.join("real/a.txt"), "A\nbody");
        symlink(r.join("real"), r.join("real/loop")).unwrap();
        symlink(r.join("real"), r.join("alias")).unwrap();
        symlink(r.join("real/a.txt"), r.join("link-to-a.txt")).unwrap();
        symlink(r.join("gone.txt"), r.join("dangling.txt")).unwrap();
        symlink(r.join("self1"), r.join("self2")).unwrap();
        symlink(r.join("self2"), r.join("self1")).unwrap();
        let (arts, probs) = load_all(&[r.to_path_buf()], &LoadOptions::default());
        // a.txt once: through alias (first in order), not again via real/ or the file link.
        assert_eq!(arts.len(), 1, "{arts:?}");
        let reasons: Vec<(String, String)> = probs
            .iter()
            .map(|p| {
                (
                    p.path.strip_prefix(r).unwrap().display().to_string(),
                    p.reason.clone(),
                )
            })
            .collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert_eq!(reasons[0].0, "alias/loop");
        assert!(
            reasons[0].1.starts_with("symbolic link loop"),
            "{reasons:?}"
        );
        assert_eq!(reasons[1].0, "dangling.txt");
        assert!(reasons[1].1.starts_with("dangling symbolic link"));
        assert_eq!(reasons[2].0, "self1");
        assert!(reasons[2].1.contains("symbolic links"), "{reasons:?}");
        assert_eq!(reasons[3].0, "self2");
    }

    #[cfg(unix)]
    #[test]
    fn fifo_is_never_opened() {
        let t = tempfile::tempdir().unwrap();
        let fifo = t.path().join("pipe.txt");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("fifo_is_never_opened: skipped, mkfifo is not available");
            return;
        }
        write(&t.path().join("ok.txt"), "Fine\nbody");
        // Opening the FIFO would block forever; run on a thread with a deadline.
        let (tx, rx) = std::sync::mpsc::channel();
        let paths = vec![t.path().to_path_buf(), fifo.clone()];
        std::thread::spawn(move || {
            let _ = tx.send(load_all(&paths, &LoadOptions::default()));
        });
        let (arts, probs) = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("loading hung on a FIFO");
        assert_eq!(arts.len(), 1);
        assert_eq!(probs.len(), 2, "{probs:?}");
        for p in &probs {
            assert_eq!(p.path, fifo);
            assert_eq!(p.reason, "not a regular file (named pipe); not opened");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_swapped_in_after_the_walk_is_rejected_without_blocking() {
        let t = tempfile::tempdir().unwrap();
        let fifo = t.path().join("swapped.txt");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!(
                "a_fifo_swapped_in_after_the_walk_is_rejected_without_blocking: skipped, no mkfifo"
            );
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(read_regular_file(&fifo, Some(10), 1000).map(|_| ()));
        });
        let r = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("opening a FIFO blocked");
        assert_eq!(
            r,
            Err("not a regular file (named pipe); not opened".to_owned())
        );
    }

    #[test]
    fn oversize_files_are_skipped_with_a_reason() {
        let t = tempfile::tempdir().unwrap();
        write(&t.path().join("big.txt"), &"x".repeat(5000));
        write(&t.path().join("small.txt"), "S\nbody");
        let opts = LoadOptions { max_size: 4096 };
        let (arts, probs) = load_all(&[t.path().to_path_buf()], &opts);
        assert_eq!(arts.len(), 1);
        assert_eq!(
            probs[0].reason,
            "file is 4.9 KiB, above the size limit of 4.0 KiB (--max-size); skipped"
        );
        // A huge sparse file is judged by its metadata and never read.
        let sparse = t.path().join("sparse.json");
        let f = fs::File::create(&sparse).unwrap();
        f.set_len(300 * 1024 * 1024).unwrap();
        let start = std::time::Instant::now();
        let (_, probs) = load_all(&[sparse], &LoadOptions::default());
        assert!(probs[0].reason.contains("300.0 MiB"), "{probs:?}");
        assert!(start.elapsed().as_secs() < 2);
    }

    #[test]
    fn stopping_early_ends_the_walk() {
        let t = tempfile::tempdir().unwrap();
        for i in 0..200 {
            write(
                &t.path().join(format!("f{i:03}.txt")),
                &format!("T{i}\nbody"),
            );
        }
        let mut seen = 0;
        crate::article::load_paths_with(
            &[t.path().to_path_buf()],
            &LoadOptions::default(),
            &mut |_| {
                seen += 1;
                if seen == 3 {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(seen, 3);
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(10), "10 bytes");
        assert_eq!(human_size(50 * 1024 * 1024), "50.0 MiB");
    }
}
