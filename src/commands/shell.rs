//! `sorot config`, `sorot completions SHELL` and `sorot man`: files for the
//! user's shell and system, generated from the clap definitions so they can
//! never disagree with the real options.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, Error, ShellArg};

fn write_stdout(bytes: &[u8], what: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io(format!("writing {what}"), e))
}

/// The completion script for `shell`.
pub fn completion_script(shell: ShellArg) -> Vec<u8> {
    use clap_complete::Shell;
    let sh = match shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
    };
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(sh, &mut cmd, "sorot", &mut out);
    out
}

/// Runs `sorot completions SHELL`.
pub fn completions(shell: ShellArg) -> Result<ExitCode, Error> {
    write_stdout(&completion_script(shell), "the completion script")?;
    Ok(ExitCode::SUCCESS)
}

/// The manual page in roff. Its SUBCOMMANDS section lists every command;
/// `sorot help COMMAND` has each one's options.
pub fn man_page() -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| Error::io("rendering the manual page", e))?;
    Ok(out)
}

/// Runs `sorot man`.
pub fn man() -> Result<ExitCode, Error> {
    write_stdout(&man_page()?, "the manual page")?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `sorot config`: with `default`, prints the commented default file;
/// otherwise names the config file in use and lists its problems (exit 1
/// when there are any).
pub fn config(default: bool, explicit: Option<&Path>) -> Result<ExitCode, Error> {
    if default {
        write_stdout(
            crate::config::default_file().as_bytes(),
            "the default config",
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let settings = crate::config::Settings::load(explicit);
    let mut report = String::new();
    match &settings.path {
        Some(p) => report.push_str(&format!("config: {}\n", p.display())),
        None => report.push_str(&format!(
            "config: none (defaults; the file would be {})\n",
            crate::config::default_path().map_or_else(
                || "unknown: no config directory".into(),
                |p| p.display().to_string()
            )
        )),
    }
    if let Some(p) = settings.config.entities_path() {
        report.push_str(&format!("entity lists: {}\n", p.display()));
    }
    for e in &settings.errors {
        report.push_str(&format!("{e}\n"));
    }
    write_stdout(report.as_bytes(), "the config report")?;
    Ok(if settings.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
