//! `sorot train`: train a model from CoNLL-style column files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::Error;
use crate::ner::Lang;
use crate::ner::conll::{self, Document};
use crate::ner::train::{self, Options};

/// Sentences per pseudo-document for corpora without `-DOCSTART-` lines
/// (about one news article), so document features see article-sized context.
pub const DOC_WINDOW: usize = 20;

/// Reads column files into documents, windowing files without `-DOCSTART-`.
pub fn read_documents(paths: &[PathBuf]) -> Result<Vec<Document>, Error> {
    let mut docs = Vec::new();
    for p in paths {
        let mut c = conll::read_file(p).map_err(|e| Error::Usage(e.to_string()))?;
        if c.token_count() == 0 {
            return Err(Error::Usage(format!("{}: no tokens", p.display())));
        }
        conll::window_documents(&mut c, DOC_WINDOW);
        docs.extend(c.documents);
    }
    Ok(docs)
}

/// Runs `sorot train`.
pub fn run(
    lang: Lang,
    train_files: &[PathBuf],
    dev: Option<&Path>,
    out: &Path,
    epochs: usize,
    seed: u64,
) -> Result<ExitCode, Error> {
    if epochs == 0 {
        return Err(Error::Usage("--epochs must be at least 1".into()));
    }
    let start = Instant::now();
    let docs = read_documents(train_files)?;
    let dev_docs = match dev {
        Some(d) => read_documents(&[d.to_path_buf()])?,
        None => Vec::new(),
    };
    let opts = Options {
        epochs,
        seed,
        ..Options::default()
    };
    eprintln!(
        "training {} model: {} epochs, seed {}, 2^{} buckets",
        lang.code(),
        epochs,
        seed,
        opts.bits
    );
    let model = train::train(&docs, &dev_docs, &opts, &mut |line| eprintln!("{line}"));
    let bytes = model.to_bytes();
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
    }
    std::fs::write(out, &bytes).map_err(|e| Error::io(format!("writing {}", out.display()), e))?;
    if !dev_docs.is_empty() {
        let (g, p) = train::predict_corpus(&model, &dev_docs);
        println!("final dev: {}", train::summary(&train::score(&g, &p)));
    }
    println!(
        "wrote {} ({} bytes) in {:.1} s",
        out.display(),
        bytes.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
