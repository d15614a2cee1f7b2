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

/// The distinct paths of `paths` in first-appearance order, each with how
/// often it was given: naming a training file twice weights it twice.
pub fn weighted_paths(paths: &[PathBuf]) -> Vec<(PathBuf, usize)> {
    let mut out: Vec<(PathBuf, usize)> = Vec::new();
    for p in paths {
        match out.iter_mut().find(|(q, _)| q == p) {
            Some((_, n)) => *n += 1,
            None => out.push((p.clone(), 1)),
        }
    }
    out
}

/// The `sorot train` options that shape the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub epochs: usize,
    pub seed: u64,
    pub bags: usize,
    /// log2 of the number of feature buckets.
    pub bits: u32,
    /// Keep the best stage-2 epoch on the dev files.
    pub select_epoch: bool,
}

/// Runs `sorot train`.
pub fn run(
    lang: Lang,
    train_files: &[PathBuf],
    aux: &[PathBuf],
    dev: &[PathBuf],
    out: &Path,
    settings: Settings,
) -> Result<ExitCode, Error> {
    let Settings {
        epochs,
        seed,
        bags,
        bits,
        select_epoch,
    } = settings;
    if epochs == 0 {
        return Err(Error::Usage("--epochs must be at least 1".into()));
    }
    if bags == 0 {
        return Err(Error::Usage("--bags must be at least 1".into()));
    }
    let start = Instant::now();
    // Target files are domain 0, the k-th auxiliary file domain k.
    let mut files: Vec<(PathBuf, usize, u8)> = weighted_paths(train_files)
        .into_iter()
        .map(|(p, n)| (p, n, 0))
        .collect();
    for (k, (p, n)) in weighted_paths(aux).into_iter().enumerate() {
        if files.iter().any(|(q, _, _)| *q == p) {
            return Err(Error::Usage(format!(
                "{} is both a --train and an --aux file",
                p.display()
            )));
        }
        let domain =
            u8::try_from(k + 1).map_err(|_| Error::Usage("at most 255 --aux files".into()))?;
        files.push((p, n, domain));
    }
    if files.is_empty() {
        return Err(Error::Usage("no training files".into()));
    }
    let mut docs = Vec::new();
    let mut uses = Vec::new();
    for (p, copies, domain) in files {
        let d = read_documents(&[p])?;
        uses.extend(std::iter::repeat_n(
            train::DocUse { copies, domain },
            d.len(),
        ));
        docs.extend(d);
    }
    let dev_sets = dev
        .iter()
        .map(|d| read_documents(std::slice::from_ref(d)))
        .collect::<Result<Vec<_>, _>>()?;
    let opts = Options {
        epochs,
        seed,
        bags,
        bits,
        select_epoch,
        ..Options::default()
    };
    eprintln!(
        "training {} model: {} epochs, seed {}, {} bag(s), 2^{} buckets",
        lang.code(),
        epochs,
        seed,
        bags,
        opts.bits
    );
    let model = train::train_weighted(&docs, &uses, &dev_sets, &opts, &mut |line| {
        eprintln!("{line}")
    });
    let bytes = model.to_bytes();
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
    }
    std::fs::write(out, &bytes).map_err(|e| Error::io(format!("writing {}", out.display()), e))?;
    for (path, d) in dev.iter().zip(&dev_sets) {
        let (g, p) = train::predict_corpus(&model, d);
        println!(
            "final dev {}: {}",
            path.display(),
            train::summary(&train::score(&g, &p))
        );
    }
    println!(
        "wrote {} ({} bytes) in {:.1} s",
        out.display(),
        bytes.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_paths_are_weights() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            weighted_paths(&[p("a"), p("b"), p("a")]),
            vec![(p("a"), 2), (p("b"), 1)]
        );
    }
}
