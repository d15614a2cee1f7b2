//! The reader: its state, the actions that change it, the key map, and the
//! event loop. `update` is pure; the loop does the I/O.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::article::LoadOptions;
use crate::cli::Error;

/// Starts the terminal reader on `paths` (the bundled samples when empty).
pub fn run_tui(_paths: &[PathBuf], _opts: &LoadOptions) -> Result<ExitCode, Error> {
    Err(Error::Other("reader: not built yet".into()))
}
