//! sorot: a terminal news reader that puts the people, organisations and
//! places of every article in the spotlight.
//!
//! Module map (each module's own doc says what it owns and what it must not do):
//! - [`article`]: finding, reading, parsing and normalising article files.
//! - [`text`]: sanitising untrusted text and folding it for search.
//! - [`state`]: read/starred state that survives restarts, written atomically.
//! - [`annotations`]: background annotation, its disk cache and the library entity index.
//! - [`ner`]: the entity recogniser (tokeniser, features, model, decoder).
//! - [`entities`]: merging an article's mentions into entities (panel, index).
//! - [`app`]: the reader's state, actions, key map and pure `update`.
//! - [`ui`]: drawing; reads app state, never does I/O or NER.
//! - [`config`]: the user's config file (settings, themes, keys), validated with line numbers.
//! - [`user_entities`]: the user's always/never entity lists, applied over the model.
//! - [`cli`]: command-line definitions and dispatch for the thin `main`.
//! - [`commands`]: the headless subcommands (`list`, `annotate`, `train`, `eval`, `fetch`).
//! - [`fetch`]: downloading feeds into a folder of article files.
//! - [`export`]: annotated articles as standalone HTML pages.

pub mod annotations;
pub mod app;
pub mod article;
pub mod cli;
pub mod commands;
pub mod config;
pub mod entities;
pub mod export;
pub mod fetch;
pub mod ner;
pub mod state;
pub mod text;
pub mod ui;
pub mod user_entities;
