//! `sorot list`: print loaded articles for scripts and measurements.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::article::LoadOptions;
use crate::cli::{Error, ListFormat};

/// Runs `sorot list`.
pub fn run(
    _paths: &[PathBuf],
    _opts: &LoadOptions,
    _format: ListFormat,
) -> Result<ExitCode, Error> {
    Err(Error::Other("list: not built yet".into()))
}
