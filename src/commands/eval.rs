//! `sorot eval`: score the embedded model on a column file as conlleval does.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::Error;
use crate::ner::Lang;

/// Runs `sorot eval`.
pub fn run(_lang: Lang, _file: &Path, _predictions: Option<&Path>) -> Result<ExitCode, Error> {
    Err(Error::Other("eval: not built yet".into()))
}
