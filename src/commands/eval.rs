//! `sorot eval`: score the embedded model on a column file as conlleval does.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::Error;
use crate::ner::Lang;
use crate::ner::conll::{self, Corpus};
use crate::ner::model::{self, Model};
use crate::ner::score::Report;
use crate::ner::tags::Tag;

/// Gold and predicted IOB2 tags of every sentence of `corpus`, tagged one
/// document at a time (the given tokens, never re-tokenised). Files without
/// `-DOCSTART-` are cut into windows as for training.
pub fn predict(model: &Model, corpus: &Corpus) -> (Vec<Vec<Tag>>, Vec<Vec<Tag>>) {
    let mut c = corpus.clone();
    conll::window_documents(&mut c, crate::commands::train::DOC_WINDOW);
    crate::ner::train::predict_corpus(model, &c.documents)
}

/// Scores the embedded `lang` model on a column file.
pub fn evaluate(lang: Lang, file: &Path) -> Result<(Corpus, Vec<Vec<Tag>>, Report), Error> {
    let model = model::embedded(lang)
        .map_err(|e| Error::Other(format!("embedded {} model: {e}", lang.code())))?;
    evaluate_model(model, file)
}

/// Reads a model file (as `sorot train` writes it).
pub fn load_model(path: &Path) -> Result<Model, Error> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    Model::from_bytes(&bytes).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}

/// Scores `model` on a column file.
pub fn evaluate_model(
    model: &Model,
    file: &Path,
) -> Result<(Corpus, Vec<Vec<Tag>>, Report), Error> {
    let corpus = conll::read_file(file).map_err(|e| Error::Usage(e.to_string()))?;
    let (gold, pred) = predict(model, &corpus);
    let report = crate::ner::train::score(&gold, &pred);
    Ok((corpus, pred, report))
}

/// Runs `sorot eval` (on the model file `model`, else the embedded one).
pub fn run(
    lang: Lang,
    file: &Path,
    model: Option<&Path>,
    predictions: Option<&Path>,
) -> Result<ExitCode, Error> {
    let (corpus, pred, report) = match model {
        Some(m) => evaluate_model(&load_model(m)?, file)?,
        None => evaluate(lang, file)?,
    };
    if let Some(out) = predictions {
        let f = std::fs::File::create(out)
            .map_err(|e| Error::io(format!("creating {}", out.display()), e))?;
        let mut w = std::io::BufWriter::new(f);
        let ctx = |e| Error::io(format!("writing {}", out.display()), e);
        for (s, p) in corpus.sentences().zip(&pred) {
            for ((tok, g), t) in s.tokens.iter().zip(&s.tags).zip(p) {
                writeln!(w, "{tok}\t{g}\t{t}").map_err(ctx)?;
            }
            writeln!(w).map_err(ctx)?;
        }
        w.flush().map_err(ctx)?;
    }
    let mut out = std::io::stdout().lock();
    let ctx = |e| Error::io("writing to stdout", e);
    let which = model.map_or_else(
        || format!("{} model", lang.code()),
        |m| m.display().to_string(),
    );
    writeln!(out, "{}: {which}", file.display()).map_err(ctx)?;
    write!(out, "{report}").map_err(ctx)?;
    let ppl = report.micro_over(&["PER", "ORG", "LOC"]);
    writeln!(
        out,
        "PER/ORG/LOC micro: precision {:.2}%; recall {:.2}%; FB1 {:.2}",
        ppl.precision, ppl.recall, ppl.f1
    )
    .map_err(ctx)?;
    writeln!(out, "macro FB1 over types: {:.2}", report.macro_f1).map_err(ctx)?;
    Ok(ExitCode::SUCCESS)
}
