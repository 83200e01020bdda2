//! Everything the commands print on the terminal goes through [`Term`]: diagnostics, the
//! command's own warnings and notes, stage timings and summary lines, each shown or not as
//! the [`Verbosity`] asks. Errors always print.

use crate::diagnostics::Diagnostics;
use crate::pipeline::Stats;
use std::io::IsTerminal;
use std::time::Duration;

/// How much the commands print besides errors, which always print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// `--quiet`: errors, and the line saying a command failed; nothing on success.
    Quiet,
    /// Errors, warnings, the progress display on a terminal and the summary line.
    Normal,
    /// `--verbose`: also every stage's time and memory.
    Verbose,
}

/// What one preview rebuild did, for its summary line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RebuildCounts {
    /// Source files the batch changed.
    pub edited: usize,
    /// Pages rendered through their templates (the rest were reused).
    pub rendered: usize,
    /// Output files whose bytes changed.
    pub changed: usize,
    /// Whether only the edited articles were rebuilt (see `serve::incremental`).
    pub incremental: bool,
}

/// The terminal (standard error) as the commands see it.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    /// What to print besides errors.
    pub verbosity: Verbosity,
    color: bool,
}

impl Term {
    /// Standard error, coloured only on a terminal and without `NO_COLOR`.
    pub fn stderr(verbosity: Verbosity) -> Self {
        Term {
            verbosity,
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// Prints diagnostics: all of them under `--verbose`; errors and rare warnings in full
    /// and one line per frequent kind of warning by default (see `summary.rs`); only the
    /// errors under `--quiet`.
    pub fn diagnostics(&self, diags: &Diagnostics) {
        match self.verbosity {
            Verbosity::Verbose => return eprint!("{}", diags.render(self.color)),
            Verbosity::Normal => return eprint!("{}", crate::summary::render(diags, self.color)),
            Verbosity::Quiet => {}
        }
        for d in diags.errors() {
            eprint!("{}", d.render(self.color));
        }
    }

    /// Prints `error: …` (always).
    pub fn error(&self, message: impl std::fmt::Display) {
        eprintln!("error: {message}");
    }

    /// Prints a warning of the command itself (not of the content) unless `--quiet`.
    pub fn warning(&self, message: impl std::fmt::Display) {
        if !self.quiet() {
            eprintln!("warning: {message}");
        }
    }

    /// Prints `note: …` unless `--quiet`.
    pub fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet() {
            eprintln!("note: {message}");
        }
    }

    /// Prints a line that says a command failed (always).
    pub fn failure(&self, line: impl std::fmt::Display) {
        eprintln!("{line}");
    }

    /// Prints the last word of a failed command (content diagnostics were printed as found).
    pub fn failed(&self, e: &crate::error::Error) {
        use crate::error::Error;
        match e {
            Error::Config(diags) => self.diagnostics(diags),
            Error::Content {
                untouched: None, ..
            } => {}
            other => self.failure(other),
        }
    }

    /// Prints a summary line of a command that succeeded, unless `--quiet`.
    pub fn summary(&self, line: impl std::fmt::Display) {
        if !self.quiet() {
            eprintln!("{line}");
        }
    }

    /// True when `--verbose` or `SRM_TIMINGS` asks for per-stage timings (never under
    /// `--quiet`).
    pub fn timings_wanted(&self) -> bool {
        match self.verbosity {
            Verbosity::Quiet => false,
            Verbosity::Normal => std::env::var_os("SRM_TIMINGS").is_some(),
            Verbosity::Verbose => true,
        }
    }

    /// Prints one stage's time and the process's resident memory, when timings are wanted.
    pub(crate) fn timing(&self, stage: &str, elapsed: Duration) {
        if self.timings_wanted() {
            eprintln!(
                "timing: {stage} {:.1} ms (rss {} MiB)",
                elapsed.as_secs_f64() * 1e3,
                crate::pipeline::resident_mib()
            );
        }
    }

    /// Prints the stage timings of a build, when timings are wanted.
    pub(crate) fn stage_timings(&self, stats: &Stats) {
        if self.timings_wanted() {
            for t in &stats.timings {
                eprintln!(
                    "timing: {} {:.1} ms (rss {} MiB)",
                    t.stage,
                    t.elapsed.as_secs_f64() * 1e3,
                    t.rss_mib
                );
            }
        }
    }

    /// Prints one diagnostic (a config error found while serving).
    pub(crate) fn diagnostic(&self, d: &crate::diagnostics::Diagnostic) {
        eprint!("{}", d.render(self.color));
    }

    /// Prints where the preview serves, on standard output (scripts read it), and the base
    /// path when the site has one.
    pub(crate) fn serving(&self, addr: std::net::SocketAddr, base_path: &str) {
        use std::io::Write;
        println!("Serving at http://{addr}/");
        let _ = std::io::stdout().flush();
        if base_path != "/" {
            self.summary(format_args!("site base path: http://{addr}{base_path}"));
        }
    }

    /// Prints the line after a preview rebuild: always when it failed, else unless
    /// `--quiet`.
    pub(crate) fn rebuilt(&self, failed: bool, elapsed: Duration, counts: RebuildCounts) {
        let RebuildCounts {
            edited,
            rendered,
            changed,
            incremental,
        } = counts;
        let how = if incremental { " (incremental)" } else { "" };
        if failed {
            self.failure(format_args!(
                "rebuild failed in {elapsed:.1?}: {edited} source file(s) edited, {rendered} \
                 page(s) rendered, {changed} output file(s) changed{how}; serving the last good \
                 site"
            ));
        } else {
            self.summary(format_args!(
                "rebuilt in {elapsed:.1?}: {edited} source file(s) edited, {rendered} page(s) \
                 rendered, {changed} output file(s) changed{how}"
            ));
        }
    }

    /// Prints a preview build's read time and stage times on one line, when timings are
    /// wanted.
    pub(crate) fn rebuild_timings(&self, read: Duration, stats: &Stats) {
        if !self.timings_wanted() {
            return;
        }
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let stages: Vec<String> = stats
            .timings
            .iter()
            .map(|t| format!("{} {:.1}ms", t.stage, ms(t.elapsed)))
            .collect();
        eprintln!("timings: read {:.1}ms, {}", ms(read), stages.join(", "));
    }
}
