//! `sorot annotate`: recognise entities in articles, headless, over all cores.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::article::{Article, LoadEvent, LoadOptions};
use crate::cli::{AnnotateFormat, ColorChoice, Error};
use crate::ner::{self, Label, Lang, Span};

/// Entities of one article, per field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotated {
    pub lang: Lang,
    pub title: Vec<Span>,
    pub body: Vec<Span>,
}

/// The model language for an article: its `lang` field when it names a
/// language with a model, else the detected language of its text.
pub fn article_lang(a: &Article) -> Lang {
    if let Some(l) = a.lang.as_deref().and_then(Lang::from_tag) {
        return l;
    }
    let mut sample = String::with_capacity(a.title.len() + 1 + a.body.len().min(4096));
    sample.push_str(&a.title);
    sample.push('\n');
    let mut cut = a.body.len().min(4096);
    while !a.body.is_char_boundary(cut) {
        cut -= 1;
    }
    sample.push_str(&a.body[..cut]);
    ner::lang::detect(&sample)
}

/// Annotates one article.
pub fn annotate(a: &Article) -> Annotated {
    let lang = article_lang(a);
    Annotated {
        lang,
        title: crate::user_entities::recognize(&a.title, lang),
        body: crate::user_entities::recognize(&a.body, lang),
    }
}

/// Annotates many articles over all cores, results in input order.
pub fn annotate_all(articles: &[Article]) -> Vec<Annotated> {
    if articles.is_empty() {
        return Vec::new();
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(articles.len());
    let chunk = articles.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = articles
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(annotate).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("annotation thread panicked"))
            .collect()
    })
}

fn entities_json(text: &str, spans: &[Span], field: &str, out: &mut Vec<serde_json::Value>) {
    for s in spans {
        out.push(serde_json::json!({
            "text": &text[s.start..s.end],
            "label": s.label.as_str(),
            "field": field,
            "start": s.start,
            "end": s.end,
        }));
    }
}

/// One JSON line for an article.
pub fn jsonl_line(a: &Article, ann: &Annotated) -> String {
    let mut ents = Vec::new();
    entities_json(&a.title, &ann.title, "title", &mut ents);
    entities_json(&a.body, &ann.body, "body", &mut ents);
    serde_json::json!({
        "path": a.path.display().to_string(),
        "title": a.title,
        "lang": ann.lang.code(),
        "entities": ents,
    })
    .to_string()
}

/// CoNLL-style lines for one field: `token<TAB>tag`, blank line between sentences.
fn conll_field(text: &str, spans: &[Span], out: &mut String) {
    let tokens = ner::token::tokenize(text);
    for r in ner::token::sentences(text, &tokens) {
        for t in &tokens[r] {
            let tag = spans
                .iter()
                .find(|s| s.start <= t.start && t.end <= s.end)
                .map(|s| {
                    let p = if s.start == t.start { "B" } else { "I" };
                    format!("{p}-{}", s.label.as_str())
                })
                .unwrap_or_else(|| "O".into());
            out.push_str(t.text(text));
            out.push('\t');
            out.push_str(&tag);
            out.push('\n');
        }
        out.push('\n');
    }
}

/// The CoNLL block for an article: a `-DOCSTART-` line, then title and body.
pub fn conll_block(a: &Article, ann: &Annotated) -> String {
    let mut s = format!("-DOCSTART-\t{}\t{}\n\n", a.path.display(), ann.lang.code());
    conll_field(&a.title, &ann.title, &mut s);
    conll_field(&a.body, &ann.body, &mut s);
    s
}

fn colour(l: Label) -> &'static str {
    match l {
        Label::Per => "\x1b[1;33m",
        Label::Org => "\x1b[1;36m",
        Label::Loc => "\x1b[1;32m",
        Label::Misc => "\x1b[1;35m",
    }
}

fn ansi_field(text: &str, spans: &[Span], colour_on: bool, out: &mut String) {
    let mut pos = 0;
    for s in spans {
        out.push_str(&text[pos..s.start]);
        let m = &text[s.start..s.end];
        if colour_on {
            out.push_str(colour(s.label));
            out.push_str(m);
            out.push_str("\x1b[0m");
        } else {
            out.push('[');
            out.push_str(m);
            out.push_str("](");
            out.push_str(s.label.as_str());
            out.push(')');
        }
        pos = s.end;
    }
    out.push_str(&text[pos..]);
    out.push('\n');
}

/// The article as text with entities coloured (or bracketed when colour is off).
pub fn ansi_block(a: &Article, ann: &Annotated, colour_on: bool) -> String {
    let mut s = String::new();
    if colour_on {
        s.push_str(&format!("\x1b[2m{}\x1b[0m\n\x1b[1m", a.path.display()));
    } else {
        s.push_str(&format!("{}\n", a.path.display()));
    }
    ansi_field(&a.title, &ann.title, colour_on, &mut s);
    if colour_on {
        s.push_str("\x1b[0m");
    }
    s.push('\n');
    ansi_field(&a.body, &ann.body, colour_on, &mut s);
    s.push('\n');
    s
}

/// Runs `sorot annotate`.
pub fn run(
    paths: &[PathBuf],
    opts: &LoadOptions,
    format: AnnotateFormat,
    color: ColorChoice,
) -> Result<ExitCode, Error> {
    let mut articles = Vec::new();
    let mut problems = 0usize;
    if paths.is_empty() {
        articles = crate::article::bundled();
    } else {
        crate::article::load_paths(paths, opts, &mut |ev| match ev {
            LoadEvent::Article(a) => articles.push(a),
            LoadEvent::Problem(p) => {
                problems += 1;
                eprintln!("sorot annotate: {p}");
            }
        });
    }
    let anns = annotate_all(&articles);
    let colour_on = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let ctx = |e| Error::io("writing to stdout", e);
    for (a, ann) in articles.iter().zip(&anns) {
        match format {
            AnnotateFormat::Jsonl => writeln!(out, "{}", jsonl_line(a, ann)).map_err(ctx)?,
            AnnotateFormat::Conll => write!(out, "{}", conll_block(a, ann)).map_err(ctx)?,
            AnnotateFormat::Ansi => {
                write!(out, "{}", ansi_block(a, ann, colour_on)).map_err(ctx)?
            }
        }
    }
    out.flush().map_err(ctx)?;
    Ok(if problems > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(path: &str, title: &str, body: &str, lang: Option<&str>) -> Article {
        Article {
            path: PathBuf::from(path),
            title: title.into(),
            body: body.into(),
            lang: lang.map(str::to_owned),
            ..Article::default()
        }
    }

    #[test]
    fn jsonl_offsets_index_their_field_and_order_is_kept() {
        let arts: Vec<Article> = (0..7)
            .map(|i| {
                article(
                    &format!("a{i}.txt"),
                    "Presiden Joko Widodo tiba di Jakarta",
                    "Menteri Sri Mulyani bertemu direktur Bank Indonesia di Bandung.\n\nIa kembali ke Surabaya.",
                    if i % 2 == 0 { Some("id") } else { None },
                )
            })
            .collect();
        let anns = annotate_all(&arts);
        assert_eq!(anns.len(), arts.len());
        for (i, (a, ann)) in arts.iter().zip(&anns).enumerate() {
            let v: serde_json::Value = serde_json::from_str(&jsonl_line(a, ann)).unwrap();
            assert_eq!(v["path"], format!("a{i}.txt"));
            assert_eq!(v["lang"], "id");
            let ents = v["entities"].as_array().unwrap();
            assert!(!ents.is_empty());
            for e in ents {
                let field = if e["field"] == "title" {
                    &a.title
                } else {
                    &a.body
                };
                let (s, t) = (
                    e["start"].as_u64().unwrap() as usize,
                    e["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(&field[s..t], e["text"].as_str().unwrap());
            }
        }
    }

    #[test]
    fn conll_and_ansi_formats() {
        let a = article(
            "x.txt",
            "Li Lei joins Google",
            "He said so in London.",
            Some("en"),
        );
        let ann = annotate(&a);
        let c = conll_block(&a, &ann);
        assert!(c.starts_with("-DOCSTART-\tx.txt\ten\n\n"));
        assert!(
            c.lines()
                .any(|l| l.starts_with("London\t") && l.ends_with("-LOC"))
        );
        let plain = ansi_block(&a, &ann, false);
        assert!(plain.contains("[London](LOC)"));
        assert!(!plain.contains('\x1b'));
        assert!(ansi_block(&a, &ann, true).contains("\x1b[1;32mLondon\x1b[0m"));
        assert!(annotate_all(&[]).is_empty());
    }
}
