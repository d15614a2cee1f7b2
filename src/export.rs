//! Sharing what the reader saw: annotated articles as files others can open.
//!
//! Owns: the standalone HTML renderer ([`html`]) used by
//! `sorot annotate --format html` and the reader's `x` key, and where the
//! reader puts its exports. Must not: draw, or load articles.

pub mod html;

use std::path::{Path, PathBuf};

/// The folder the reader exports into: the current directory when it can be
/// written, else `$XDG_DATA_HOME/sorot/exports` (created when missing).
pub fn export_dir() -> std::io::Result<PathBuf> {
    if let Ok(cwd) = std::env::current_dir()
        && is_writable_dir(&cwd)
    {
        return Ok(cwd);
    }
    let base = dirs::data_dir().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no writable current directory and no data directory ($XDG_DATA_HOME)",
        )
    })?;
    let dir = base.join("sorot").join("exports");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Whether a file can be created in `dir`; probing is the only honest test,
/// since permissions alone miss read-only mounts.
fn is_writable_dir(dir: &Path) -> bool {
    let probe = dir.join(format!(".sorot-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}

/// A file name for an exported article: its title reduced to a short ASCII
/// slug (so it is easy to type and safe on every file system) plus `.html`.
pub fn file_stem(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "article".to_owned()
    } else {
        slug.to_owned()
    }
}

/// Writes `html` to `dir/<stem>.html`, or `<stem>-2.html`, ... when that
/// exists: an export never overwrites an earlier one. Returns the path.
pub fn write_new(dir: &Path, stem: &str, html: &str) -> std::io::Result<PathBuf> {
    use std::io::Write;
    for n in 1..10_000u32 {
        let name = if n == 1 {
            format!("sorot-{stem}.html")
        } else {
            format!("sorot-{stem}-{n}.html")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(html.as_bytes())?;
                f.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("too many exports named sorot-{stem}*.html"),
    ))
}

/// Annotates `article`, renders it and writes it into [`export_dir`].
pub fn export_article(article: &crate::article::Article) -> std::io::Result<PathBuf> {
    let ann = crate::commands::annotate::annotate(article);
    let page = html::render(&[(article, &ann)]);
    let dir = export_dir()?;
    write_new(&dir, &file_stem(&article.title), &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_short_ascii_slugs() {
        assert_eq!(file_stem("Li Lei joins Google!"), "li-lei-joins-google");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("日本"), "article");
        assert!(file_stem(&"a".repeat(500)).len() <= 60);
    }

    #[test]
    fn write_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_new(dir.path(), "x", "one").unwrap();
        let b = write_new(dir.path(), "x", "two").unwrap();
        assert_ne!(a, b);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "two");
        assert!(b.ends_with("sorot-x-2.html"));
    }
}
