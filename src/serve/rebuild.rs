//! The preview's builds: the first one, and one per batch of file changes. A batch that
//! edits only articles is tried incrementally first (see [`super::incremental`]); anything
//! else runs the same memoised pipeline as `build`. A failed or panicking build keeps the
//! last good site and publishes its errors; browsers learn which pages changed.

use super::incremental;
use super::state::{Served, Snapshot, State};
use super::watch::{Change, SiteWatcher};
use crate::cache::PageStore;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::pipeline::{self, BuildOptions, BuildResult, Engine, Sources};
use crate::term::{RebuildCounts, Term};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Rebuilds the site as its files change, keeping what the next build can reuse.
pub(crate) struct Rebuilder {
    root: PathBuf,
    engine: Engine,
    /// Where pages' HTML is kept (`None` when no folder could be made: pages stay in memory).
    store: Option<Arc<PageStore>>,
    opts: BuildOptions,
    sources: Option<Sources>,
    /// What the last good build leaves for an incremental rebuild (`None` after a failure).
    kept: Option<incremental::Warm>,
    term: Term,
}

/// Highlighted blocks the preview keeps between builds (the block cache is emptied when it
/// holds more).
const BLOCKS_KEPT: usize = 2_000;

/// One build's outcome for the server.
struct Built {
    snapshot: Snapshot,
    /// Site paths whose bytes changed (`articles/a/` for pages).
    changed: Vec<String>,
    /// Pages rendered through their templates.
    rendered: usize,
    /// Whether only the edited articles were rebuilt.
    incremental: bool,
}

/// A build's result and, when it succeeded, the site to serve.
type Attempt = (BuildResult, Option<Served>);

impl Rebuilder {
    /// A rebuilder for the site at `config.root`, with the first build done.
    pub(crate) fn first(config: &Config, opts: BuildOptions, term: Term) -> (Self, Snapshot) {
        let store = match PageStore::create(&std::env::temp_dir()) {
            Ok(store) => Some(Arc::new(store)),
            Err(e) => {
                term.warning(format_args!(
                    "cannot make a folder for the preview's pages ({e}); they are kept in memory"
                ));
                None
            }
        };
        let mut me = Rebuilder {
            root: config.root.clone(),
            engine: engine_with(store.clone()),
            store,
            opts,
            sources: None,
            kept: None,
            term,
        };
        let built = me.build(config, None, &[], false, &|_, _| {});
        super::memory::give_back();
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
                    site: Arc::clone(&previous.site),
                    errors: vec![d.headline()],
                });
                state.broadcast("{\"errors\":true,\"changed\":[]}");
                return;
            }
        };
        state.set_base_path(config.base_path.to_string());
        let paths: Vec<PathBuf> = batch.iter().map(|(p, _)| p.clone()).collect();
        let articles_only = batch.iter().all(|(_, c)| *c == Change::Article);
        // Pages an incremental rebuild publishes early are announced then, not again.
        let announced = RefCell::new(Vec::new());
        let early = |site: Served, changed: &[String]| {
            let (site, errors) = (Arc::new(site), Vec::new());
            state.publish(Snapshot { site, errors });
            let message = serde_json::json!({"errors": false, "changed": changed, "all": false});
            state.broadcast(&message.to_string());
            announced.borrow_mut().extend_from_slice(changed);
        };
        let built = self.build(&config, Some(&previous), &paths, articles_only, &early);
        let failed = !built.snapshot.errors.is_empty();
        let all = batch.iter().any(|(_, c)| *c == Change::Config);
        let announced = announced.into_inner();
        let fresh: Vec<&String> = (built.changed.iter())
            .filter(|c| !announced.contains(c))
            .collect();
        let message = serde_json::json!({"errors": failed, "changed": fresh, "all": all});
        let served = Arc::clone(&built.snapshot.site);
        state.publish(built.snapshot);
        state.broadcast(&message.to_string());
        if !built.incremental {
            // An incremental rebuild leaves the memos unpruned: every file is still needed.
            self.sweep(&previous.site, &served);
        }
        let counts = RebuildCounts {
            edited: paths.len(),
            rendered: built.rendered,
            changed: built.changed.len(),
            incremental: built.incremental,
        };
        self.term.rebuilt(failed, started.elapsed(), counts);
        super::memory::give_back();
    }

    /// Removes the page files that neither the site now served, the one before it (a
    /// request may still be reading it) nor the page and Markdown memos need.
    fn sweep(&self, before: &Served, now: &Served) {
        let Some(store) = &self.store else { return };
        let served: std::collections::HashSet<&crate::cache::Key> =
            before.keys().chain(now.keys()).collect();
        let cache = &self.engine.cache;
        let memo = |k: &crate::cache::Key| cache.pages.contains(k) || cache.markdown.contains(k);
        store.sweep(|k| served.contains(k) || memo(k));
    }

    /// Builds once, printing diagnostics and (when asked) timings; on failure the snapshot
    /// keeps `previous`'s site. After a panic nothing memoised is trusted any more.
    fn build(
        &mut self,
        config: &Config,
        previous: Option<&Snapshot>,
        changed: &[PathBuf],
        articles_only: bool,
        early: incremental::Early<'_>,
    ) -> Built {
        let started = Instant::now();
        let read = pipeline::read_sources_reusing(config, self.sources.take(), changed);
        let read_time = started.elapsed();
        let ((result, site), paths) = match read {
            Ok(sources) => {
                let misses = self.engine.cache.pages.misses();
                let patch = match previous {
                    Some(p) if articles_only => {
                        self.incremental(config, &sources, p, changed, early)
                    }
                    _ => None,
                };
                let mut built = patch.unwrap_or_else(|| (self.full(config, &sources), None));
                // Pages an incremental attempt rendered before falling back count too.
                built.0 .0.stats.rendered = self.engine.cache.pages.misses().saturating_sub(misses);
                let mut sources = sources;
                sources.drop_markdown_bytes();
                self.sources = Some(sources);
                built
            }
            Err(diagnostics) => {
                self.kept = None;
                let result = BuildResult {
                    output: None,
                    diagnostics,
                    stats: Default::default(),
                    kept: None,
                };
                ((result, None), None)
            }
        };
        if !result.diagnostics.is_empty() {
            self.term.diagnostics(&result.diagnostics);
        }
        self.term.rebuild_timings(read_time, &result.stats);
        settle(result, site, previous, paths)
    }

    /// The memoised pipeline over the whole site; keeps what the next incremental rebuild
    /// needs when it succeeds. After a panic nothing memoised is trusted any more.
    fn full(&mut self, config: &Config, sources: &Sources) -> Attempt {
        self.kept = None;
        let engine = &self.engine;
        let mut result = isolated(|| pipeline::build(config, sources, engine, self.opts));
        if result.panicked {
            self.engine = engine_with(self.store.clone());
        }
        let site = result.build.output.take().map(|files| Served {
            files,
            pages: (result.build.kept.iter())
                .filter(|_| self.store.is_some())
                .flat_map(|k| k.pages.iter().map(|p| (p.path.clone(), p.key)))
                .collect(),
            store: self.store.clone(),
        });
        self.kept = result.build.kept.take().map(incremental::Warm::new);
        // Rendered Markdown is memoised whole: highlighted blocks only help the few
        // articles edited next, so they are bounded (the pipeline drops the line memos).
        self.engine
            .highlighter
            .clear_cache_if_larger_than(BLOCKS_KEPT);
        (result.build, site)
    }

    /// The incremental rebuild of edited articles, when it applies (see
    /// [`incremental::rebuild`]); a failure or a panic drops what it started from, so the
    /// next rebuild is a full one.
    fn incremental(
        &mut self,
        config: &Config,
        sources: &Sources,
        previous: &Snapshot,
        changed: &[PathBuf],
        early: incremental::Early<'_>,
    ) -> Option<(Attempt, Option<Vec<String>>)> {
        let mut kept = self.kept.take()?;
        let engine = &self.engine;
        let mut patch = None;
        let result = isolated(|| {
            patch = incremental::rebuild(
                config,
                sources,
                engine,
                &mut kept,
                &previous.site,
                changed,
                early,
            );
            BuildResult {
                output: None,
                diagnostics: Diagnostics::new(),
                stats: Default::default(),
                kept: None,
            }
        });
        if result.panicked {
            self.engine = engine_with(self.store.clone());
            return Some(((result.build, None), None));
        }
        let patch = patch?;
        if patch.site.is_some() {
            self.kept = Some(kept);
        }
        Some(((patch.result, patch.site), Some(patch.changed)))
    }
}

/// A preview's engine, keeping pages in `store` when there is one.
fn engine_with(store: Option<Arc<PageStore>>) -> Engine {
    let mut engine = Engine::default();
    engine.cache.store = store;
    engine
}

/// The snapshot a build result leads to, and what changed since `previous` (`changed`, when
/// the build knows it).
fn settle(
    result: BuildResult,
    site: Option<Served>,
    previous: Option<&Snapshot>,
    changed: Option<Vec<String>>,
) -> Built {
    let rendered = result.stats.rendered;
    let incremental = changed.is_some();
    match site {
        Some(site) => Built {
            changed: changed.unwrap_or_else(|| {
                previous.map_or_else(Vec::new, |p| changed_paths(&p.site, &site))
            }),
            snapshot: Snapshot {
                site: Arc::new(site),
                errors: Vec::new(),
            },
            rendered,
            incremental,
        },
        None => Built {
            snapshot: Snapshot {
                site: previous.map(|p| Arc::clone(&p.site)).unwrap_or_default(),
                errors: result
                    .diagnostics
                    .errors()
                    .iter()
                    .map(|d| d.headline())
                    .collect(),
            },
            changed: Vec::new(),
            rendered,
            incremental,
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
                    kept: None,
                },
                panicked: true,
            }
        }
    }
}

/// Site paths (`articles/a/` style for pages) whose content differs between two sites.
fn changed_paths(old: &Served, new: &Served) -> Vec<String> {
    let page = |path: &str| path.trim_end_matches("index.html").to_string();
    let mut changed: Vec<String> = (new.paths().into_iter())
        .filter(|path| !old.same(new, path))
        .map(page)
        .collect();
    changed.extend(
        (old.paths().into_iter())
            .filter(|path| !new.contains(path))
            .map(page),
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
    use crate::output::Output;
    use crate::term::Verbosity;

    fn article(title: &str, body: &str) -> String {
        tagged(title, "basics", body)
    }

    fn tagged(title: &str, tags: &str, body: &str) -> String {
        format!("---\ntitle: {title}\ndate: 2026-01-02\ntags: [{tags}]\n---\n\n{body}\n")
    }

    /// The output of a one-shot `build` of the site at `root`.
    fn full_build(config: &Config) -> Output {
        let sources = pipeline::read_sources(config).expect("reads");
        let engine = Engine::one_shot();
        let built = pipeline::build(config, &sources, &engine, BuildOptions::default());
        built.output.expect("builds")
    }

    #[test]
    fn after_a_sequence_of_edits_the_served_site_equals_a_build_of_the_same_tree() {
        let dir = tempfile::tempdir().unwrap();
        let root = absolute_root(dir.path());
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        write(
            "srm-docs.toml",
            "title = \"T\"\nbase_url = \"http://localhost/\"\n",
        );
        write(
            "content/articles/b.md",
            &article("Beta", "## Part\n\nSee [a](a.md#intro)."),
        );
        let a = write(
            "content/articles/a.md",
            &article("Alpha", "## Intro\n\nFirst text."),
        );
        let config = Config::load(&root).unwrap();
        let opts = BuildOptions::default();
        let (mut me, first) = Rebuilder::first(&config, opts, Term::stderr(Verbosity::Quiet));
        let mut served = first;
        // ((title, tags, body) of a.md, pages rendered, incremental, errors)
        let edits = [
            (
                ("Alpha", "basics", "## Intro\n\nA new body, [b](b.md#part)."),
                1,
                true,
                false,
            ),
            (
                (
                    "Alpha",
                    "basics",
                    "## Intro\n\nA [broken](b.md#nowhere) link.",
                ),
                1,
                true,
                true,
            ),
            (("Alpha", "basics", "## Intro\n\nFixed."), 1, false, false),
            (
                ("Alpha", "basics", "## Intro\n\n## Added heading\n\nText."),
                1,
                false,
                false,
            ),
            (
                ("Alpha", "basics", "## Intro\n\n## Added heading\n\nMore."),
                1,
                true,
                false,
            ),
            (
                ("Renamed", "basics", "## Intro\n\n## Added heading\n\nMore."),
                8,
                false,
                false,
            ),
            (
                (
                    "Renamed",
                    "basics, new",
                    "## Intro\n\n## Added heading\n\nMore.",
                ),
                7,
                false,
                false,
            ),
            (
                ("Renamed", "basics, new", "## Intro\n\nLast [b](b.md#part)."),
                1,
                false,
                false,
            ),
            (
                ("Renamed", "basics, new", "## Intro\n\nLast [b](b.md#part)!"),
                1,
                true,
                false,
            ),
        ];
        for (n, ((title, tags, body), renders, fast, errors)) in edits.into_iter().enumerate() {
            write("content/articles/a.md", &tagged(title, tags, body));
            let built = me.build(
                &config,
                Some(&served),
                std::slice::from_ref(&a),
                true,
                &|_, _| {},
            );
            assert_eq!(built.incremental, fast, "edit {n}: incremental");
            assert_eq!(built.rendered, renders, "edit {n}: pages rendered");
            assert_eq!(
                !built.snapshot.errors.is_empty(),
                errors,
                "edit {n}: errors"
            );
            if !errors {
                let expected = full_build(&config);
                let got = &built.snapshot.site;
                assert!(
                    !got.pages.is_empty(),
                    "edit {n}: pages are served from files"
                );
                let keys: Vec<&str> = expected.files.keys().map(String::as_str).collect();
                assert_eq!(got.paths(), keys, "edit {n}: files");
                for (path, bytes) in &expected.files {
                    let same = got.read(path).as_deref() == Some((**bytes).as_ref());
                    assert!(same, "edit {n}: {path} differs from a build");
                }
                assert!(
                    built.changed.contains(&"articles/a/".to_string()),
                    "edit {n}"
                );
            } else {
                assert!(Arc::ptr_eq(&built.snapshot.site, &served.site));
            }
            me.sweep(&served.site, &built.snapshot.site);
            let store = me.store.as_ref().expect("a page store");
            let (pages, markdown) = (
                me.engine.cache.pages.entries(),
                me.engine.cache.markdown.entries(),
            );
            let live = (served.site.pages.values())
                .chain(built.snapshot.site.pages.values())
                .chain(pages.iter().map(|(k, _)| k))
                .chain(markdown.iter().map(|(k, _)| k))
                .collect::<std::collections::HashSet<_>>();
            assert!(
                store.len() <= live.len(),
                "edit {n}: only needed pages stored"
            );
            let site = &built.snapshot.site;
            assert!(site.pages.values().all(|k| store.has(k)), "edit {n}");
            served = built.snapshot;
        }
    }

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
            kept: None,
        });
        assert!(!fine.panicked);
    }
}
