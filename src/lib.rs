//! srm-docs builds a static documentation site for a knowledge base about the cloud shared
//! responsibility model from Markdown articles and a YAML responsibility dataset.
//!
//! Data flow, shared by `build`, `check` and `serve`, with the module behind each stage:
//!
//! ```text
//! cli (args → option structs) → commands (build, check) | serve
//!   → config (srm-docs.toml → Config)
//!   → sources (read content/ and the theme → Sources)
//!   → content (front matter, Markdown → Article) and dataset (YAML → validated Dataset)
//!   → site (Site graph: pages, URLs, links, backlinks; page contexts in site::pages)
//!   → render (Markdown → HTML, syntect, Mermaid, Tera), in slices and page groups
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

pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod dataset;
pub mod date;
pub mod diagnostics;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod init;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod serve;
pub mod site;
pub mod source;
pub mod sources;
pub mod term;
pub mod yaml;
