//! The `build` and `check` commands as library functions: plain option structs in, a typed
//! report or [`Error`] out, everything printed through [`Term`]. `cli` maps them to exit
//! codes; tests and other programs can call them directly.

use crate::cache::persist::{self, Writer};
use crate::cache::{Key, PageArtifacts};
use crate::config::Config;
use crate::error::Error;
use crate::output::{target, BeginError, Placed, StagedDir};
use crate::pipeline::{self, BuildOptions, Engine, Stats};
use crate::progress::Display;
use crate::term::{Term, Verbosity};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `build` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildRequest {
    /// The site folder.
    pub root: PathBuf,
    /// Include drafts.
    pub drafts: bool,
    /// The output folder (default: the config's `output_dir`).
    pub output: Option<PathBuf>,
    /// Overrides the config's `base_url`.
    pub base_url: Option<String>,
    /// Where the build cache lives (default: `.srm-cache` in the site folder).
    pub cache_dir: Option<PathBuf>,
    /// Build without reading or writing the cache.
    pub no_cache: bool,
    /// Links name `index.html` (overrides `[links] explicit_index` when set).
    pub for_file: bool,
    /// Replace an existing output folder srm-docs did not write.
    pub force: bool,
}

/// What a successful `build` did.
#[derive(Debug)]
pub struct BuildReport {
    /// Pages, articles, files and bytes built, and stage timings.
    pub stats: Stats,
    /// The output folder, resolved.
    pub output_dir: PathBuf,
    /// How the output took its place.
    pub placed: Placed,
    /// Warnings reported.
    pub warnings: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
}

/// What a `check` found (it fails with [`Error::Content`] when that includes errors).
#[derive(Debug)]
pub struct CheckReport {
    /// Pages and articles checked.
    pub stats: Stats,
    /// Warnings reported.
    pub warnings: usize,
}

/// Loads the config of the site at `root`.
pub fn load_config(root: &Path) -> Result<Config, Error> {
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "site folder `{}` does not exist",
            root.display()
        )));
    }
    Config::load(root).map_err(|d| {
        let mut all = crate::diagnostics::Diagnostics::new();
        all.push(d);
        Error::Config(all)
    })
}

/// Builds the site into its output folder (see README, "What `build` will and will not
/// replace"); diagnostics, warnings and the progress display go to `term`.
pub fn build(req: &BuildRequest, term: &Term) -> Result<BuildReport, Error> {
    let (config, cache_dir) = build_config(req)?;
    let notice = |m: String| term.note(m);
    let checked = Instant::now();
    let staged = StagedDir::begin(&config.output_dir, req.force, &notice).map_err(|e| match e {
        BeginError::Refused(why) => Error::Refused(why),
        BeginError::Io(source) => Error::Write {
            path: config.output_dir.clone(),
            source,
        },
    })?;
    term.timing("output check", checked.elapsed());
    let started = Instant::now();
    let sources = read_sources(&config, term)?;
    term.timing("read", started.elapsed());
    let mut engine = Engine::one_shot();
    let cache = cache_dir.map(|dir| OpenCache::open(dir, &mut engine, term));
    let sink = DiskSink {
        output: &staged,
        cache: cache.as_ref().and_then(|c| c.writer.as_ref()),
    };
    let progress = Display::for_stderr(term.verbosity != Verbosity::Quiet);
    let result = pipeline::build_into_with_progress(
        &config,
        std::borrow::Cow::Owned(sources),
        &engine,
        BuildOptions { drafts: req.drafts },
        Some(&sink),
        &progress,
    );
    progress.finish();
    term.diagnostics(&result.diagnostics);
    term.stage_timings(&result.stats);
    warn_unreadable_cache_entries(&engine, term);
    let (errors, warnings) = result.diagnostics.counts();
    let Some(output) = result.output else {
        return Err(Error::Content {
            errors,
            warnings,
            untouched: Some(config.output_dir),
        });
    };
    let write_started = Instant::now();
    let write_error = |source| Error::Write {
        path: config.output_dir.clone(),
        source,
    };
    staged.write_output(&output).map_err(write_error)?;
    let placed = staged.commit().map_err(write_error)?;
    if let Some(cache) = cache {
        cache.finish(&engine, term);
    }
    term.timing("write+cache", write_started.elapsed());
    Ok(BuildReport {
        stats: result.stats,
        output_dir: config.output_dir,
        placed,
        warnings,
        elapsed: started.elapsed(),
    })
}

/// The config with the request's overrides and its output path resolved and checked, and
/// the cache folder to use, if any.
fn build_config(req: &BuildRequest) -> Result<(Config, Option<PathBuf>), Error> {
    let mut config = load_config(&req.root)?;
    if let Some(url) = &req.base_url {
        config
            .set_base_url(url)
            .map_err(|m| Error::Usage(format!("--base-url: {m}")))?;
    }
    if let Some(out) = &req.output {
        config.output_dir = out.clone();
    }
    config.explicit_index |= req.for_file;
    let cache_dir = (!req.no_cache).then(|| {
        req.cache_dir
            .clone()
            .unwrap_or_else(|| config.root.join(".srm-cache"))
    });
    let protected = target::Protected::for_site(&config.root, cache_dir.as_deref());
    config.output_dir = target::resolve(&config.output_dir, &protected)
        .map_err(|refusal| Error::Refused(refusal.0))?;
    Ok((config, cache_dir))
}

/// Reads the site's sources; an unreadable file is a content error.
fn read_sources(config: &Config, term: &Term) -> Result<pipeline::Sources, Error> {
    pipeline::read_sources(config).map_err(|d| {
        term.diagnostics(&d);
        let (errors, warnings) = d.counts();
        Error::Content {
            errors,
            warnings,
            untouched: None,
        }
    })
}

/// The build cache of one `build`: loaded into the engine when usable; otherwise a new
/// cache file that each page is appended to as it is rendered.
struct OpenCache {
    dir: PathBuf,
    writer: Option<Writer>,
    loaded_entries: usize,
    damaged: bool,
}

impl OpenCache {
    /// Loads the cache in `dir` (warning about what it had to ignore) or starts a new file.
    fn open(dir: PathBuf, engine: &mut Engine, term: &Term) -> Self {
        let loaded = persist::load(&dir, &mut engine.cache);
        if let Some(why) = &loaded.rejected {
            term.warning(format_args!(
                "build cache in {} ignored: {why}",
                dir.display()
            ));
        }
        if loaded.corrupt > 0 {
            term.warning(format_args!(
                "build cache in {}: {} corrupt entr{} ignored",
                dir.display(),
                loaded.corrupt,
                if loaded.corrupt == 1 { "y" } else { "ies" }
            ));
        }
        // With a cache loaded, pages are looked up and the table is saved again if it
        // changed; without one, each page goes to a new cache file and is not kept. Search
        // terms are kept either way, to be saved with the rest.
        engine.cache.search_terms.set_keeps(true);
        let writer = if loaded.loaded == 0 {
            Writer::create(&dir)
                .inspect_err(|e| warn_cache_not_written(&dir, e, term))
                .ok()
        } else {
            engine.cache.pages.set_keeps(true);
            None
        };
        OpenCache {
            dir,
            writer,
            loaded_entries: loaded.loaded,
            damaged: loaded.corrupt > 0,
        }
    }

    /// Puts the new cache file in place, or rewrites a loaded cache only when this build
    /// computed something new, dropped old pages or found damaged entries.
    fn finish(self, engine: &Engine, term: &Term) {
        let written = match self.writer {
            Some(w) => w.finish(&engine.cache),
            None => {
                let c = &engine.cache;
                let reused = c.disk.as_ref().map_or(0, |d| d.used());
                let computed = c.pages.misses() + c.search_terms.misses() + c.extras.misses();
                let stale = computed > 0 || reused != self.loaded_entries || self.damaged;
                if !stale {
                    return;
                }
                persist::save(&self.dir, &engine.cache)
            }
        };
        if let Err(e) = written {
            warn_cache_not_written(&self.dir, &e, term);
        }
    }
}

/// Cache entries found damaged when the build read them (their work was done again).
fn warn_unreadable_cache_entries(engine: &Engine, term: &Term) {
    let unreadable = engine.cache.disk.as_ref().map_or(0, |d| d.unreadable());
    if unreadable > 0 {
        term.warning(format_args!(
            "build cache: {unreadable} corrupt entr{} ignored (the work was done again)",
            if unreadable == 1 { "y" } else { "ies" },
        ));
    }
}

/// Where `build` puts each page as soon as it is rendered: the staged output folder and,
/// on a cold build, the new cache file.
struct DiskSink<'a> {
    output: &'a StagedDir,
    cache: Option<&'a Writer>,
}

impl pipeline::PageSink for DiskSink<'_> {
    fn page(&self, path: &str, key: Key, page: &PageArtifacts) -> Result<(), String> {
        self.output
            .write(path, page.html.as_bytes())
            .map_err(|e| e.to_string())?;
        if let Some(cache) = self.cache {
            // A page missing from the cache only costs a re-render next time.
            let _ = cache.append(&key, page);
        }
        Ok(())
    }
}

/// A cache that cannot be written only costs the next build time: a warning, not an error.
fn warn_cache_not_written(dir: &Path, e: &std::io::Error, term: &Term) {
    term.warning(format_args!(
        "cannot write the build cache to {}: {e}",
        dir.display()
    ));
}

pub use crate::import::{ImportReport, ImportRequest};

/// `matrix import`: applies an edited matrix CSV to the site's dataset and writes the matrix
/// as YAML (see [`ImportRequest`]). Problems in the dataset or the CSV are printed with their
/// positions, and nothing is written.
pub fn import_matrix(req: &ImportRequest, term: &Term) -> Result<ImportReport, Error> {
    let config = load_config(&req.root)?;
    let sources = read_sources(&config, term)?;
    let mut diags = crate::diagnostics::Diagnostics::new();
    let report = crate::import::run(req, &sources.data, &mut diags)?;
    term.diagnostics(&diags);
    report.ok_or_else(|| {
        let (errors, warnings) = diags.counts();
        Error::Content {
            errors,
            warnings,
            untouched: None,
        }
    })
}

/// Checks the site at `root` as `build` would, writing nothing.
pub fn check(root: &Path, drafts: bool, term: &Term) -> Result<CheckReport, Error> {
    let config = load_config(root)?;
    let sources = read_sources(&config, term)?;
    let progress = Display::for_stderr(term.verbosity != Verbosity::Quiet);
    let result = pipeline::build_into_with_progress(
        &config,
        std::borrow::Cow::Owned(sources),
        &Engine::one_shot(),
        BuildOptions { drafts },
        Some(&pipeline::DiscardPages),
        &progress,
    );
    progress.finish();
    term.diagnostics(&result.diagnostics);
    term.stage_timings(&result.stats);
    let (errors, warnings) = result.diagnostics.counts();
    let line = format!(
        "checked {} pages ({} articles): {errors} error(s), {warnings} warning(s)",
        result.stats.pages, result.stats.articles
    );
    if errors > 0 {
        term.failure(line);
        return Err(Error::Content {
            errors,
            warnings,
            untouched: None,
        });
    }
    term.summary(line);
    Ok(CheckReport {
        stats: result.stats,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet() -> Term {
        Term::stderr(Verbosity::Quiet)
    }

    #[test]
    fn build_and_check_run_in_process_and_report_typed_results() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        crate::init::init(&root).unwrap();
        let request = BuildRequest {
            root: root.clone(),
            ..BuildRequest::default()
        };
        let report = build(&request, &quiet()).unwrap();
        assert!(report.stats.pages > 10 && report.warnings == 0);
        assert_eq!(
            report.output_dir,
            root.canonicalize().unwrap().join("public")
        );
        assert!(check(&root, false, &quiet()).is_ok());
        let into_root = BuildRequest {
            output: Some(root.clone()),
            ..request
        };
        let refused = build(&into_root, &quiet()).unwrap_err();
        assert!(matches!(&refused, Error::Refused(why) if why.contains("it is the site folder")));
        assert_eq!(refused.exit_code(), 2);
        let missing = check(&tmp.path().join("nowhere"), false, &quiet()).unwrap_err();
        assert_eq!(missing.exit_code(), 2);
    }
}
