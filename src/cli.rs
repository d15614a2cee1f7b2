//! Command-line definitions (clap) and dispatch. `main` parses [`Cli`] and
//! calls [`run`]; every subcommand lives in [`crate::commands`], the reader in
//! [`crate::app`].

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// sorot: a terminal news reader that highlights people, organisations and places.
#[derive(Debug, Parser)]
// Not `args_conflicts_with_subcommands`: that made the global options count
// as reader arguments, so `sorot --config F list` opened a path named `list`.
// A subcommand name is one only before any path (`sorot DIR list` opens two).
#[command(
    name = "sorot",
    version,
    about,
    override_usage = "sorot [OPTIONS] [PATH]...\n       sorot [OPTIONS] <COMMAND> [ARGS]..."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Article files or directories to open (default: the bundled sample articles).
    pub paths: Vec<PathBuf>,
    /// Skip files larger than this many bytes [default: the config's max-size, else 50000000].
    #[arg(long, global = true)]
    pub max_size: Option<u64>,
    /// Read this config file instead of $XDG_CONFIG_HOME/sorot/config.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The headless subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the loaded articles, one per line (path, title, published, lang; tab separated).
    #[command(
        after_help = "Problems go to standard error as `sorot: PATH: reason`, followed by a count.\n\
        Exit status: 0 when it ran, even if some files had problems; 1 when nothing at all could be read."
    )]
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Tsv)]
        format: ListFormat,
        /// Article files or directories (default: the bundled sample articles).
        paths: Vec<PathBuf>,
    },
    /// Recognise entities in articles and print them.
    Annotate {
        /// Output format.
        #[arg(long, value_enum, default_value_t = AnnotateFormat::Jsonl)]
        format: AnnotateFormat,
        /// When to colour `ansi` output.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// Write the output to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Article files or directories (default: the bundled sample articles).
        paths: Vec<PathBuf>,
    },
    /// Train a recogniser model from CoNLL-style column files.
    Train {
        /// Model language.
        #[arg(long, value_enum)]
        lang: LangArg,
        /// Training files (token first column, tag last column). A file named
        /// N times is weighted N times (its sentences are seen N times per epoch).
        #[arg(long, num_args = 1.., required_unless_present = "aux")]
        train: Vec<PathBuf>,
        /// Auxiliary training files annotated to other conventions: they train
        /// the model together with weights of their own (one set per file,
        /// not kept in the model) that absorb where their conventions differ
        /// from the --train files'. Naming a file N times weights it N times.
        #[arg(long, num_args = 1..)]
        aux: Vec<PathBuf>,
        /// Development files scored after each epoch (each on its own, and
        /// their mean F1).
        #[arg(long, num_args = 1..)]
        dev: Vec<PathBuf>,
        /// Where to write the model.
        #[arg(long)]
        out: PathBuf,
        /// Number of training epochs.
        #[arg(long, default_value_t = 12)]
        epochs: usize,
        /// Random seed for shuffling (training is deterministic for a seed).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Perceptrons per stage, differing in shuffling seed, whose weights
        /// are averaged (a small ensemble; trained in parallel).
        #[arg(long, default_value_t = 1)]
        bags: usize,
        /// log2 of the number of hashed feature buckets.
        #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u32).range(8..=24))]
        bits: u32,
        /// Keep the stage-2 epoch with the best mean PER/ORG/LOC F1 over the
        /// --dev files instead of the last epoch (with --bags 1).
        #[arg(long)]
        select_epoch: bool,
    },
    /// Score the embedded model on a CoNLL-style column file, as conlleval does.
    Eval {
        /// Model language.
        #[arg(long, value_enum)]
        lang: LangArg,
        /// Column file to score.
        file: PathBuf,
        /// Score this model file instead of the embedded one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Write `token<TAB>gold<TAB>predicted` lines here.
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
    /// Check the config file (path and problems), or print the default one.
    Config {
        /// Print a fully commented default config file.
        #[arg(long)]
        default: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// Print the manual page (roff).
    Man,
    /// Download feeds (RSS, Atom, JSON Feed) and store each new item as a `.json` article.
    Fetch {
        /// Feed URLs (http or https; default: `urls` under `[feeds]` in the config).
        urls: Vec<String>,
        /// Folder to store the articles in, created when missing (default: `into`
        /// under `[feeds]` in the config, else `$XDG_DATA_HOME/sorot/feeds`).
        #[arg(long)]
        into: Option<PathBuf>,
        /// Give up on a feed after this many seconds (connect, redirects and download).
        #[arg(long, default_value_t = 15.0)]
        timeout: f64,
        /// Largest feed accepted, in bytes.
        #[arg(long, default_value_t = 10 * 1024 * 1024)]
        max_bytes: u64,
    },
}

/// Shells `sorot completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
}

/// `sorot list` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Tsv,
    Jsonl,
}

/// `sorot annotate` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnnotateFormat {
    Jsonl,
    Conll,
    Ansi,
    /// One standalone HTML page with entities marked, a legend and entity counts.
    Html,
}

/// Colour choice for terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Model languages selectable on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Id,
}

impl From<LangArg> for crate::ner::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::En => crate::ner::Lang::En,
            LangArg::Id => crate::ner::Lang::Id,
        }
    }
}

/// An error that ends a command; its message names the file and the problem.
#[derive(Debug)]
pub enum Error {
    /// An I/O error, with what was being done.
    Io {
        context: String,
        source: std::io::Error,
    },
    /// Wrong usage or bad input, already phrased for the user.
    Usage(String),
    /// Anything else, already phrased for the user.
    Other(String),
}

impl Error {
    /// Wraps an I/O error with what was being done when it happened.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// True when the error is a closed pipe (e.g. `sorot list | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// Process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::Usage(msg) | Error::Other(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for Error {}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    use crate::commands::shell;
    use crate::config::Settings;
    let Cli {
        command,
        paths,
        max_size,
        config,
    } = cli;
    // The config (and the user entity lists it names) apply to every
    // command that reads articles; `paths` from the config stand in for
    // none given.
    let load = |given: Vec<PathBuf>| {
        let settings = Settings::load(config.as_deref());
        let opts = crate::article::LoadOptions {
            max_size: max_size.unwrap_or(settings.config.max_size),
        };
        let paths = if given.is_empty() {
            settings.config.paths.clone()
        } else {
            given
        };
        (settings, opts, paths)
    };
    match command {
        None => {
            let (settings, opts, paths) = load(paths);
            crate::app::run_tui(&paths, &opts, settings)
        }
        Some(Command::List { format, paths }) => {
            let (settings, opts, paths) = load(paths);
            settings.warn();
            crate::commands::list::run(&paths, &opts, format)
        }
        Some(Command::Annotate {
            format,
            color,
            out,
            paths,
        }) => {
            let (settings, opts, paths) = load(paths);
            settings.warn();
            crate::commands::annotate::run(&paths, &opts, format, color, out.as_deref())
        }
        Some(Command::Train {
            lang,
            train,
            aux,
            dev,
            out,
            epochs,
            seed,
            bags,
            bits,
            select_epoch,
        }) => crate::commands::train::run(
            lang.into(),
            &train,
            &aux,
            &dev,
            &out,
            crate::commands::train::Settings {
                epochs,
                seed,
                bags,
                bits,
                select_epoch,
            },
        ),
        Some(Command::Eval {
            lang,
            file,
            model,
            predictions,
        }) => {
            crate::commands::eval::run(lang.into(), &file, model.as_deref(), predictions.as_deref())
        }
        Some(Command::Config { default }) => shell::config(default, config.as_deref()),
        Some(Command::Completions { shell: sh }) => shell::completions(sh),
        Some(Command::Man) => shell::man(),
        Some(Command::Fetch {
            urls,
            into,
            timeout,
            max_bytes,
        }) => {
            let settings = Settings::load(config.as_deref());
            settings.warn();
            let feeds = &settings.config.feeds;
            let urls = if urls.is_empty() {
                feeds.urls.clone()
            } else {
                urls
            };
            if urls.is_empty() {
                return Err(Error::Usage(
                    "fetch: no feed URL given, and the config has no `urls` under `[feeds]`".into(),
                ));
            }
            let into = into
                .or_else(|| feeds.into.clone())
                .or_else(|| dirs::data_dir().map(|d| d.join("sorot").join("feeds")))
                .ok_or_else(|| {
                    Error::Usage("fetch: no --into folder given and no data directory".into())
                })?;
            crate::commands::fetch::run(&urls, &into, timeout, max_bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("sorot").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    #[test]
    fn global_options_before_a_subcommand_keep_it_a_subcommand() {
        let cli = parse(&["--config", "c.toml", "list", "news"]);
        assert_eq!(cli.config, Some(PathBuf::from("c.toml")));
        match cli.command {
            Some(Command::List { paths, .. }) => assert_eq!(paths, [PathBuf::from("news")]),
            other => panic!("not list: {other:?}"),
        }
        assert!(cli.paths.is_empty());
        let cli = parse(&["--max-size", "10", "annotate", "a.txt"]);
        assert_eq!(cli.max_size, Some(10));
        assert!(matches!(cli.command, Some(Command::Annotate { .. })));
        // After the subcommand too (global options).
        let cli = parse(&["list", "--config", "c.toml", "news"]);
        assert_eq!(cli.config, Some(PathBuf::from("c.toml")));
        assert!(matches!(cli.command, Some(Command::List { .. })));
    }

    #[test]
    fn a_subcommand_name_after_a_path_is_a_path() {
        let cli = parse(&["news", "list"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.paths, [PathBuf::from("news"), PathBuf::from("list")]);
        let cli = parse(&["--config", "c.toml", "news"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.paths, [PathBuf::from("news")]);
    }
}
