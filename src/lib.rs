//! srm-docs builds a static documentation site for a knowledge base about the cloud shared
//! responsibility model from Markdown articles and a YAML responsibility dataset.
//!
//! Data flow, shared by `build`, `check` and `serve`:
//!
//! ```text
//! args → Config → read files (Sources) → parse (front matter, Markdown, dataset YAML)
//!      → validate (Dataset + Articles + Diagnostics) → Site graph (pages, URLs, links,
//!        backlinks) → render (Markdown events → HTML, syntect, Tera), in slices and groups
//!      → build: each page streamed to a PageSink (staging dir + cache file), the rest as an
//!        Output, then the staging dir swapped in   |   check: pages dropped
//!      | serve: every page kept in an Output (path → bytes), swapped in memory
//! ```

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
