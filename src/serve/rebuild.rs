//! The preview's builds: the first one, and one per batch of file changes, each run with the
//! same memoised pipeline as `build`. A failed or panicking build keeps the last good site
//! and publishes its errors; browsers learn which pages changed.

use super::state::{Snapshot, State};
use super::watch::{Change, SiteWatcher};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::output::Output;
use crate::pipeline::{self, BuildOptions, BuildResult, Engine, Sources};
use crate::term::{RebuildCounts, Term};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Rebuilds the site as its files change, keeping what the next build can reuse.
pub(crate) struct Rebuilder {
    root: PathBuf,
    engine: Engine,
    opts: BuildOptions,
    sources: Option<Sources>,
    term: Term,
}

/// One build's outcome for the server.
struct Built {
    snapshot: Snapshot,
    /// Site paths whose bytes changed (`articles/a/` for pages).
    changed: Vec<String>,
    /// Pages rendered through their templates.
    rendered: usize,
}

impl Rebuilder {
    /// A rebuilder for the site at `config.root`, with the first build done.
    pub(crate) fn first(config: &Config, opts: BuildOptions, term: Term) -> (Self, Snapshot) {
        let mut me = Rebuilder {
            root: config.root.clone(),
            engine: Engine::default(),
            opts,
            sources: None,
            term,
        };
        let built = me.build(config, None, &[]);
        (me, built.snapshot)
    }

    /// Rebuilds after every batch of changes until the watcher stops.
    pub(crate) fn run(mut self, state: &State, watcher: &SiteWatcher) {
        while let Some(batch) =
            watcher.next_batch(Duration::from_millis(4), Duration::from_millis(250))
        {
            self.rebuild(state, &batch);
        }
    }

    fn rebuild(&mut self, state: &State, batch: &[(PathBuf, Change)]) {
        let started = Instant::now();
        let previous = state.snapshot();
        let config = match Config::load(&self.root) {
            Ok(c) => c,
            Err(d) => {
                self.term.diagnostic(&d);
                state.publish(Snapshot {
                    output: previous.output.clone(),
                    errors: vec![d.headline()],
                });
                state.broadcast("{\"errors\":true,\"changed\":[]}");
                return;
            }
        };
        state.set_base_path(config.base_path.to_string());
        self.engine.highlighter.clear_cache_if_larger_than(50_000);
        let paths: Vec<PathBuf> = batch.iter().map(|(p, _)| p.clone()).collect();
        let built = self.build(&config, Some(&previous), &paths);
        let failed = !built.snapshot.errors.is_empty();
        let all = batch.iter().any(|(_, c)| *c == Change::Config);
        let message = serde_json::json!({"errors": failed, "changed": built.changed, "all": all});
        state.publish(built.snapshot);
        state.broadcast(&message.to_string());
        let counts = RebuildCounts {
            edited: paths.len(),
            rendered: built.rendered,
            changed: built.changed.len(),
        };
        self.term.rebuilt(failed, started.elapsed(), counts);
    }

    /// Builds once, printing diagnostics and (when asked) timings; on failure the snapshot
    /// keeps `previous`'s output. After a panic nothing memoised is trusted any more.
    fn build(
        &mut self,
        config: &Config,
        previous: Option<&Snapshot>,
        changed: &[PathBuf],
    ) -> Built {
        let started = Instant::now();
        let read = pipeline::read_sources_reusing(config, self.sources.take(), changed);
        let read_time = started.elapsed();
        let result = match read {
            Ok(sources) => {
                let engine = &self.engine;
                let result = isolated(|| pipeline::build(config, &sources, engine, self.opts));
                if result.panicked {
                    self.engine = Engine::default();
                } else {
                    self.sources = Some(sources);
                }
                result.build
            }
            Err(diagnostics) => BuildResult {
                output: None,
                diagnostics,
                stats: Default::default(),
            },
        };
        if !result.diagnostics.is_empty() {
            self.term.diagnostics(&result.diagnostics);
        }
        self.term.rebuild_timings(read_time, &result.stats);
        settle(result, previous)
    }
}

/// The snapshot a build result leads to, and what changed since `previous`.
fn settle(result: BuildResult, previous: Option<&Snapshot>) -> Built {
    let rendered = result.stats.rendered;
    match result.output {
        Some(output) => Built {
            changed: previous.map_or_else(Vec::new, |p| changed_paths(&p.output, &output)),
            snapshot: Snapshot {
                output,
                errors: Vec::new(),
            },
            rendered,
        },
        None => Built {
            snapshot: Snapshot {
                output: previous.map(|p| p.output.clone()).unwrap_or_default(),
                errors: result
                    .diagnostics
                    .errors()
                    .iter()
                    .map(|d| d.headline())
                    .collect(),
            },
            changed: Vec::new(),
            rendered,
        },
    }
}

/// A build run so that a panic inside it (a bug) becomes an error shown in the overlay and
/// the terminal instead of killing the server; `panicked` says whether that happened.
struct Isolated {
    build: BuildResult,
    panicked: bool,
}

/// Runs `build`, turning a panic into a failed build with one error naming the panic.
fn isolated(build: impl FnOnce() -> BuildResult) -> Isolated {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)) {
        Ok(build) => Isolated {
            build,
            panicked: false,
        },
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            let mut diagnostics = Diagnostics::new();
            diagnostics.push(Diagnostic::error(
                Location::file("srm-docs"),
                format!(
                    "internal error while rebuilding ({what}); the last good site is still \
                     served; please report this with the edit that caused it"
                ),
            ));
            Isolated {
                build: BuildResult {
                    output: None,
                    diagnostics,
                    stats: Default::default(),
                },
                panicked: true,
            }
        }
    }
}

/// Site paths (`articles/a/` style for pages) whose content differs between two outputs.
fn changed_paths(old: &Output, new: &Output) -> Vec<String> {
    let page = |path: &str| path.trim_end_matches("index.html").to_string();
    let mut changed: Vec<String> = new
        .files
        .iter()
        .filter(|&(path, bytes)| {
            !old.files
                .get(path)
                .is_some_and(|b| Arc::ptr_eq(b, bytes) || (**b).as_ref() == (**bytes).as_ref())
        })
        .map(|(path, _)| page(path))
        .collect();
    changed.extend(
        old.files
            .keys()
            .filter(|path| !new.files.contains_key(*path))
            .map(|path| page(path)),
    );
    changed
}

/// The site folder `root` as an absolute path, so watcher events (absolute) classify
/// against it.
pub(crate) fn absolute_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_rebuild_becomes_a_failed_build_with_its_message() {
        let result = isolated(|| panic!("index out of bounds"));
        assert!(result.panicked && result.build.output.is_none());
        let text = result.build.diagnostics.render(false);
        assert!(
            text.contains("internal error while rebuilding (index out of bounds)"),
            "{text}"
        );
        let fine = isolated(|| BuildResult {
            output: Some(Output::default()),
            diagnostics: Diagnostics::new(),
            stats: Default::default(),
        });
        assert!(!fine.panicked);
    }
}
