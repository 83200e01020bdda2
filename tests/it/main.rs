//! The integration tests: one test binary (one link step) sharing one harness
//! ([`common`]): the real `srm-docs` binary run on fixture sites, a real HTTP client against
//! the real preview server, and Debian's chromium for what a browser must see.

mod common;

mod bad_input;
mod browser_pages;
mod build;
mod bundled;
mod dataset;
mod diagnostics;
mod notes;
mod output_safety;
mod parties;
mod preview_http;
mod providers;
mod reader;
mod search;
mod serve;
mod shipping;
mod xss;
