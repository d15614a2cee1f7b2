//! `sorot annotate`: recognise entities in articles, headless, over all cores.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::article::LoadOptions;
use crate::cli::{AnnotateFormat, ColorChoice, Error};

/// Runs `sorot annotate`.
pub fn run(
    _paths: &[PathBuf],
    _opts: &LoadOptions,
    _format: AnnotateFormat,
    _color: ColorChoice,
) -> Result<ExitCode, Error> {
    Err(Error::Other("annotate: not built yet".into()))
}
