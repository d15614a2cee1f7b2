//! `sorot annotate`: recognise entities in articles, headless, over all cores.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::article::{Article, LoadEvent, LoadOptions};
use crate::cli::{AnnotateFormat, ColorChoice, Error};
use ratatui::style::Style;

use crate::ner::{self, Lang, Span};
use crate::ui::theme::{SGR_RESET, Theme, sgr};

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
            "text": &text[s.start()..s.end()],
            "label": s.label.as_str(),
            "field": field,
            "start": s.start(),
            "end": s.end(),
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
                .find(|s| s.start() <= t.start && t.end <= s.end())
                .map(|s| {
                    let p = if s.start() == t.start { "B" } else { "I" };
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

/// One field with its entities marked: in `base` text style with each
/// entity in its type's style from the reader's [`Theme`] when `theme` is
/// given, else as `[mention|LABEL]`. Spans that do not fit the text (which
/// the recogniser never produces) are skipped rather than panicking.
fn ansi_field(text: &str, spans: &[Span], style: Option<(&Theme, Style)>, out: &mut String) {
    let on = |out: &mut String, st: Style| {
        out.push_str(SGR_RESET);
        out.push_str(&sgr(st));
    };
    if let Some((_, base)) = style {
        out.push_str(&sgr(base));
    }
    let mut pos = 0;
    for s in spans {
        let (Some(before), Some(m)) = (text.get(pos..s.start()), text.get(s.start()..s.end()))
        else {
            continue;
        };
        out.push_str(before);
        match style {
            Some((theme, base)) => {
                on(out, base.patch(theme.entity(s.label)));
                out.push_str(m);
                on(out, base);
            }
            None => {
                out.push('[');
                out.push_str(m);
                out.push('|');
                out.push_str(s.label.as_str());
                out.push(']');
            }
        }
        pos = s.end();
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    if style.is_some() {
        out.push_str(SGR_RESET);
    }
    out.push('\n');
}

/// The article as text with entities styled as in the reader (or bracketed
/// with their label, `[Li Lei|PER]`, when colour is off): the path, the
/// title, a blank line, the body.
pub fn ansi_block(a: &Article, ann: &Annotated, colour_on: bool) -> String {
    let theme = Theme::default();
    let path = crate::text::sanitize(&a.path.display().to_string());
    let mut s = String::new();
    if colour_on {
        s.push_str(&format!("{}{path}{SGR_RESET}\n", sgr(theme.dim)));
    } else {
        s.push_str(&format!("{path}\n"));
    }
    let styled = |base: Style| colour_on.then_some((&theme, base));
    ansi_field(&a.title, &ann.title, styled(theme.title), &mut s);
    s.push('\n');
    ansi_field(&a.body, &ann.body, styled(theme.text), &mut s);
    s.push('\n');
    s
}

/// Whether `annotate --format ansi` uses colour: `--color always` and
/// `never` decide; `auto` means colour only on a terminal without `NO_COLOR`
/// set (to anything non-empty, as no-color.org asks).
pub fn colour_enabled(
    choice: ColorChoice,
    stdout_is_terminal: bool,
    no_color: Option<&str>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_is_terminal && no_color.is_none_or(str::is_empty),
    }
}

/// Runs `sorot annotate`: output to standard output, or to `out` when given.
pub fn run(
    paths: &[PathBuf],
    opts: &LoadOptions,
    format: AnnotateFormat,
    color: ColorChoice,
    out: Option<&Path>,
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
    let no_color = std::env::var("NO_COLOR").ok();
    // Colour codes never go into a file: `--out` counts as not a terminal.
    let colour_on = colour_enabled(
        color,
        out.is_none() && std::io::stdout().is_terminal(),
        no_color.as_deref(),
    );
    let (sink, what): (Box<dyn Write>, String) = match out {
        Some(p) => {
            let f = std::fs::File::create(p)
                .map_err(|e| Error::io(format!("creating {}", crate::text::display_path(p)), e))?;
            (
                Box::new(f),
                format!("writing {}", crate::text::display_path(p)),
            )
        }
        None => (
            Box::new(std::io::stdout().lock()),
            "writing to stdout".into(),
        ),
    };
    let mut w = std::io::BufWriter::new(sink);
    let ctx = |e| Error::io(what.clone(), e);
    if format == AnnotateFormat::Html {
        let items: Vec<(&Article, &Annotated)> = articles.iter().zip(&anns).collect();
        w.write_all(crate::export::html::render(&items).as_bytes())
            .map_err(ctx)?;
    }
    for (a, ann) in articles.iter().zip(&anns) {
        match format {
            AnnotateFormat::Jsonl => writeln!(w, "{}", jsonl_line(a, ann)).map_err(ctx)?,
            AnnotateFormat::Conll => write!(w, "{}", conll_block(a, ann)).map_err(ctx)?,
            AnnotateFormat::Ansi => write!(w, "{}", ansi_block(a, ann, colour_on)).map_err(ctx)?,
            AnnotateFormat::Html => {}
        }
    }
    w.flush().map_err(ctx)?;
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
        assert!(plain.contains("[London|LOC]"), "{plain}");
        assert!(!plain.contains('\x1b'));
        let loc = sgr(Theme::default().entity_loc);
        let coloured = ansi_block(&a, &ann, true);
        assert!(
            coloured.contains(&format!("\x1b[0m{loc}London\x1b[0m")),
            "{coloured:?}"
        );
        assert!(annotate_all(&[]).is_empty());
    }

    #[test]
    fn fixed_spans_render_as_brackets_or_theme_styles() {
        let a = article("y.txt", "T", "Li Lei di ByteDance.", Some("id"));
        let ann = Annotated {
            lang: Lang::Id,
            title: Vec::new(),
            body: vec![
                Span::new(0, 6, ner::Label::Per),
                Span::new(10, 19, ner::Label::Org),
            ],
        };
        assert_eq!(
            ansi_block(&a, &ann, false),
            "y.txt\nT\n\n[Li Lei|PER] di [ByteDance|ORG].\n\n"
        );
        let t = Theme::default();
        let body = format!(
            "\x1b[0m{}Li Lei\x1b[0m di \x1b[0m{}ByteDance\x1b[0m.\x1b[0m\n",
            sgr(t.entity_per),
            sgr(t.entity_org)
        );
        assert!(ansi_block(&a, &ann, true).contains(&body));
    }

    #[test]
    fn colour_choice_follows_no_color_and_the_terminal() {
        assert!(colour_enabled(ColorChoice::Auto, true, None));
        assert!(colour_enabled(ColorChoice::Auto, true, Some("")));
        assert!(!colour_enabled(ColorChoice::Auto, true, Some("1")));
        assert!(!colour_enabled(ColorChoice::Auto, false, None));
        assert!(colour_enabled(ColorChoice::Always, false, Some("1")));
        assert!(!colour_enabled(ColorChoice::Never, true, None));
    }
}
