//! srm-docs builds a static documentation site for a knowledge base about the cloud shared
//! responsibility model from Markdown articles and a YAML responsibility dataset.
//!
//! Data flow, shared by `build`, `check` and `serve`, with the module behind each stage:
//!
//! ```text
//! cli (args → option structs) → commands (build, check) | serve
//!   → config (srm-docs.toml → Config)
//!   → sources (read content/ and the theme → Sources)
//!   → content (front matter, Markdown → Article) and dataset (YAML → validated Dataset;
//!     dataset::check_article_references: every entity an article names exists)
//!   → site (Site graph: URLs, scheme links, tags, backlinks, responsibility stacks)
//!   → render::pages (typed page contexts, keyed by cache::KeyBuilder; Tera in
//!     render::pages::render_pages) over render::{markdown, highlight, mermaid, templates},
//!     articles in slices, other pages in groups
//!   → pipeline::PageSink: build streams each page to output (staging folder, marker,
//!     atomic swap) and cache (the build cache file) | check drops pages
//!     | serve keeps every page in an output::Output, swapped in memory
//! ```
//!
//! `pipeline` runs the stages in order; `term` does all the commands' printing and
//! `error::Error` carries every failure to its exit code.

// Diagnostics travel on the error path only and carry a path, a position, the source line and
// a hint; boxing them would add an allocation to every error for no measurable gain.
#![allow(clippy::result_large_err)]
#![warn(missing_docs, unreachable_pub)]

// The library's public surface: the commands and what they take and return. Everything
// else is internal (`pub(crate)` at most).
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostics;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod init;
pub mod serve;
pub mod term;

mod cache;
mod content;
mod dataset;
mod date;
mod import;
mod output;
mod pipeline;
mod progress;
mod render;
mod site;
mod source;
mod sources;
mod summary;
mod yaml;

pub use output::{InPlace, Placed};
pub use pipeline::{StageTiming, Stats};
