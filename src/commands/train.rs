//! `sorot train`: train a model from CoNLL-style column files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::Error;
use crate::ner::Lang;

/// Runs `sorot train`.
pub fn run(
    _lang: Lang,
    _train: &[PathBuf],
    _dev: Option<&Path>,
    _out: &Path,
    _epochs: usize,
    _seed: u64,
) -> Result<ExitCode, Error> {
    Err(Error::Other("train: not built yet".into()))
}
