//! `sorot list`: print loaded articles for scripts and measurements.
//!
//! Articles go to standard output as they load (in walk order), problems to
//! standard error as `sorot: PATH: reason`, then a summary count when there
//! were problems. Exit status: 0 when it ran (even with problems), 1 when
//! paths were given and nothing at all could be read (no article, at least
//! one problem).

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::article::{Article, LoadEvent, LoadOptions, Problem};
use crate::cli::{Error, ListFormat};

/// Runs `sorot list`.
pub fn run(paths: &[PathBuf], opts: &LoadOptions, format: ListFormat) -> Result<ExitCode, Error> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let stderr = io::stderr();
    let mut articles = 0usize;
    let mut problems = 0usize;
    let mut failure: Option<io::Error> = None;
    {
        let mut handle = |ev: LoadEvent| -> ControlFlow<()> {
            let written = match ev {
                LoadEvent::Article(a) => {
                    articles += 1;
                    write_article(&mut out, &a, format)
                }
                LoadEvent::Problem(p) => {
                    problems += 1;
                    write_problem(&mut stderr.lock(), &p)
                }
            };
            match written {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    failure = Some(e);
                    ControlFlow::Break(())
                }
            }
        };
        if paths.is_empty() {
            for a in crate::article::bundled() {
                if handle(LoadEvent::Article(a)).is_break() {
                    break;
                }
            }
        } else {
            crate::article::load_paths_with(paths, opts, &mut handle);
        }
    }
    if let Some(e) = failure {
        return Err(Error::io("writing the article list", e));
    }
    out.flush()
        .map_err(|e| Error::io("writing the article list", e))?;
    if problems > 0 {
        let _ = writeln!(
            stderr.lock(),
            "sorot: {articles} article{} loaded, {problems} problem{}",
            plural(articles),
            plural(problems)
        );
    }
    Ok(if articles == 0 && problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A field for one TSV cell: tabs and newlines (none should survive
/// loading, but a cell must never break the format) become spaces.
fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\t', '\n', '\r']) {
        s.replace(['\t', '\n', '\r'], " ").into()
    } else {
        s.into()
    }
}

fn write_article(out: &mut impl Write, a: &Article, format: ListFormat) -> io::Result<()> {
    let path = crate::text::display_path(&a.path);
    match format {
        ListFormat::Tsv => {
            let opt = |v: &Option<String>| cell(v.as_deref().unwrap_or("")).into_owned();
            writeln!(
                out,
                "{}\t{}\t{}\t{}",
                cell(&path),
                cell(&a.title),
                opt(&a.published),
                opt(&a.lang)
            )
        }
        ListFormat::Jsonl => {
            let obj = serde_json::json!({
                "path": path,
                "title": a.title,
                "published": a.published,
                "lang": a.lang,
                "author": a.author,
                "source": a.source,
                "url": a.url,
                "id": a.id,
            });
            // `From` keeps the kind of an I/O error, so a closed pipe stays a closed pipe.
            serde_json::to_writer(&mut *out, &obj).map_err(io::Error::from)?;
            out.write_all(b"\n")
        }
    }
}

fn write_problem(err: &mut impl Write, p: &Problem) -> io::Result<()> {
    // The reason is sanitised at construction; the path is sanitised by Display.
    writeln!(err, "sorot: {p}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> Article {
        Article {
            id: "abc".into(),
            path: "dir/a\tb.txt".into(),
            title: "Ti\ttle".into(),
            published: Some("2024-01-02".into()),
            lang: None,
            ..Article::default()
        }
    }

    #[test]
    fn tsv_line_replaces_tabs_and_leaves_missing_fields_empty() {
        let mut buf = Vec::new();
        write_article(&mut buf, &article(), ListFormat::Tsv).unwrap();
        // display_path turns the tab into a space too.
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "dir/a b.txt\tTi tle\t2024-01-02\t\n"
        );
    }

    #[test]
    fn jsonl_line_has_every_key() {
        let mut buf = Vec::new();
        write_article(&mut buf, &article(), ListFormat::Jsonl).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        for k in [
            "path",
            "title",
            "published",
            "lang",
            "author",
            "source",
            "url",
            "id",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
        assert_eq!(v["lang"], serde_json::Value::Null);
        assert_eq!(v["id"], "abc");
    }
}
