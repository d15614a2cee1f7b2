//! `sorot fetch URL... --into DIR`: download feeds as article files.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::Error;
use crate::fetch::{FetchOptions, fetch_all};

/// Runs `sorot fetch`: one report line per feed on stdout as it finishes,
/// warnings on stderr. Exits with 1 only when every feed failed.
pub fn run(
    urls: &[String],
    into: &Path,
    timeout_secs: f64,
    max_bytes: u64,
) -> Result<ExitCode, Error> {
    if !(timeout_secs.is_finite() && timeout_secs > 0.0) {
        return Err(Error::Usage(format!(
            "--timeout must be a positive number of seconds, not {timeout_secs}"
        )));
    }
    let opts = FetchOptions {
        timeout: Duration::from_secs_f64(timeout_secs),
        max_bytes,
        ..FetchOptions::default()
    };
    let mut out_err = None;
    let run = fetch_all(urls, into, &opts, &mut |report| {
        use std::io::Write;
        if out_err.is_none()
            && let Err(e) = writeln!(std::io::stdout(), "{report}")
        {
            out_err = Some(e);
        }
    })
    .map_err(Error::Other)?;
    if let Some(e) = out_err {
        return Err(Error::io("writing the fetch report", e));
    }
    for w in &run.warnings {
        eprintln!("sorot fetch: warning: {w}");
    }
    Ok(if run.all_failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
