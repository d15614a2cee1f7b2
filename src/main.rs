//! Thin entry point: parse arguments, run, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = sorot::cli::Cli::parse();
    match sorot::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if err.is_broken_pipe() {
                return ExitCode::SUCCESS;
            }
            eprintln!("sorot: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
