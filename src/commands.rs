//! Headless subcommands; each file is one command and returns an exit code.

pub mod annotate;
pub mod eval;
pub mod fetch;
pub mod list;
pub mod shell;
pub mod train;
