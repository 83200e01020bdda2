//! Command-line interface (clap derive) and the commands behind it. Each command returns an
//! exit code: 0 success, 1 content errors, 2 usage or configuration errors.

use crate::cache::{Key, PageArtifacts};
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::output::{target, BeginError, Placed, StagedDir};
use crate::pipeline::{self, BuildOptions, Engine};
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

/// srm-docs: a static site generator for cloud shared-responsibility knowledge bases.
#[derive(Debug, Parser)]
#[command(name = "srm-docs", version, about)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a small working site in DIR.
    Init {
        /// Folder to create (must be empty or missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Validate content, dataset and every internal link without writing anything.
    Check(CommonArgs),
    /// Serve a live-reloading preview.
    Serve(crate::serve::ServeArgs),
}

/// Options shared by every command that reads a site.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// The site folder (holds srm-docs.toml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
}

/// Options of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Output folder (default: `output_dir` from the config, else `public`).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Override `base_url` from the config.
    #[arg(long)]
    base_url: Option<String>,
    /// Where the build cache lives (default: `.srm-cache` in the site folder).
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Build without reading or writing the cache.
    #[arg(long)]
    no_cache: bool,
    /// Replace an existing output folder that srm-docs did not write (everything in it is
    /// deleted). Never allows the site folder, its content, themes or cache, a folder above
    /// the site, `/` or the home folder.
    #[arg(long)]
    force: bool,
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Init { dir } => crate::init::run(&dir),
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Serve(args) => crate::serve::run(args),
    }
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints diagnostics to stderr.
pub fn report(diags: &Diagnostics) {
    eprint!("{}", diags.render(color()));
}

/// Loads the config for a root; prints and returns exit code 2 on failure.
pub fn load_config(root: &std::path::Path) -> Result<Config, i32> {
    if !root.is_dir() {
        eprintln!("error: site folder `{}` does not exist", root.display());
        return Err(2);
    }
    Config::load(root).map_err(|d| {
        eprint!("{}", d.render(color()));
        2
    })
}

fn build(args: BuildArgs) -> i32 {
    let mut config = match load_config(&args.common.root) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(url) = &args.base_url {
        if let Err(m) = config.set_base_url(url) {
            eprintln!("error: --base-url: {m}");
            return 2;
        }
    }
    if let Some(out) = &args.output {
        config.output_dir = out.clone();
    }
    let cache_dir = (!args.no_cache).then(|| {
        args.cache_dir
            .clone()
            .unwrap_or_else(|| config.root.join(".srm-cache"))
    });
    let protected = target::Protected::for_site(&config.root, cache_dir.as_deref());
    config.output_dir = match target::resolve(&config.output_dir, &protected) {
        Ok(dir) => dir,
        Err(refusal) => {
            eprintln!("error: {refusal}");
            return 2;
        }
    };
    let notice = |m: String| eprintln!("note: {m}");
    let staged = match StagedDir::begin(&config.output_dir, args.force, &notice) {
        Ok(s) => s,
        Err(BeginError::Refused(why)) => {
            eprintln!("error: {why}");
            return 2;
        }
        Err(BeginError::Io(e)) => {
            eprintln!("error: cannot write {}: {e}", config.output_dir.display());
            return 1;
        }
    };
    let started = std::time::Instant::now();
    let sources = match pipeline::read_sources(&config) {
        Ok(s) => s,
        Err(d) => {
            report(&d);
            return 1;
        }
    };
    if timings_wanted() {
        eprintln!(
            "timing: read {:.1} ms (rss {} MiB)",
            started.elapsed().as_secs_f64() * 1e3,
            pipeline::resident_mib()
        );
    }
    let mut engine = Engine::one_shot();
    let mut loaded_pages = 0;
    let mut cache_damaged = false;
    if let Some(dir) = &cache_dir {
        let loaded = crate::cache::persist::load(dir, &mut engine.cache);
        loaded_pages = loaded.loaded;
        cache_damaged = loaded.corrupt > 0;
        if let Some(why) = &loaded.rejected {
            eprintln!("warning: build cache in {} ignored: {why}", dir.display());
        }
        if loaded.corrupt > 0 {
            eprintln!(
                "warning: build cache in {}: {} corrupt entr{} ignored",
                dir.display(),
                loaded.corrupt,
                if loaded.corrupt == 1 { "y" } else { "ies" }
            );
        }
    }
    // With a cache loaded, pages are looked up and the table is saved again if it changed;
    // without one, each page goes to a new cache file as it is rendered and is not kept.
    let cache_writer = match &cache_dir {
        Some(dir) if loaded_pages == 0 => match crate::cache::persist::Writer::create(dir) {
            Ok(w) => Some(w),
            Err(e) => {
                warn_cache_not_written(dir, &e);
                None
            }
        },
        _ => None,
    };
    if loaded_pages > 0 {
        engine.cache.pages.set_keeps(true);
    }
    let sink = DiskSink {
        output: &staged,
        cache: cache_writer.as_ref(),
    };
    let result = pipeline::build_into(
        &config,
        std::borrow::Cow::Owned(sources),
        &engine,
        BuildOptions {
            drafts: args.common.drafts,
        },
        Some(&sink),
    );
    report(&result.diagnostics);
    print_timings(&result.stats);
    if let Some(unreadable) = engine
        .cache
        .disk_pages
        .as_ref()
        .map(|d| d.unreadable())
        .filter(|&n| n > 0)
    {
        eprintln!(
            "warning: {unreadable} build cache entr{} changed on disk during the build and {} rendered again",
            if unreadable == 1 { "y" } else { "ies" },
            if unreadable == 1 { "was" } else { "were" }
        );
    }
    let (errors, warnings) = result.diagnostics.counts();
    let Some(output) = result.output else {
        eprintln!(
            "build failed: {errors} error(s), {warnings} warning(s); {} left untouched",
            config.output_dir.display()
        );
        return 1;
    };
    let write_started = std::time::Instant::now();
    match staged.write_output(&output).and_then(|()| staged.commit()) {
        Ok(Placed::Swapped) => {}
        Ok(Placed::InPlace(done)) => eprintln!(
            "note: {} cannot be swapped whole (a mount point): updated in place, {} file(s) \
             written, {} removed",
            config.output_dir.display(),
            done.written,
            done.removed
        ),
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", config.output_dir.display());
            return 1;
        }
    }
    if let (Some(dir), Some(w)) = (&cache_dir, cache_writer) {
        if let Err(e) = w.finish(&engine.cache) {
            warn_cache_not_written(dir, &e);
        }
    } else if let Some(dir) = &cache_dir {
        // Rewrite a loaded cache only when this build computed something new, dropped old
        // pages or found damaged entries.
        let reused = engine.cache.disk_pages.as_ref().map_or(0, |d| d.used());
        let stale = engine.cache.pages.misses() > 0 || reused != loaded_pages || cache_damaged;
        if stale {
            if let Err(e) = crate::cache::persist::save(dir, &engine.cache) {
                warn_cache_not_written(dir, &e);
            }
        }
    }
    if timings_wanted() {
        eprintln!(
            "timing: write+cache {:.1} ms (rss {} MiB)",
            write_started.elapsed().as_secs_f64() * 1e3,
            pipeline::resident_mib()
        );
    }
    let s = &result.stats;
    eprintln!(
        "built {} pages ({} articles, {} files, {:.1} MB) into {} in {:.2?} with {warnings} warning(s)",
        s.pages,
        s.articles,
        s.files,
        s.bytes as f64 / 1e6,
        config.output_dir.display(),
        started.elapsed()
    );
    0
}

/// Where `build` puts each page as soon as it is rendered: the staged output folder and,
/// on a cold build, the new cache file.
struct DiskSink<'a> {
    output: &'a StagedDir,
    cache: Option<&'a crate::cache::persist::Writer>,
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
fn warn_cache_not_written(dir: &std::path::Path, e: &std::io::Error) {
    eprintln!(
        "warning: cannot write the build cache to {}: {e}",
        dir.display()
    );
}

/// True when `SRM_TIMINGS` asks for per-stage timings on stderr.
fn timings_wanted() -> bool {
    std::env::var_os("SRM_TIMINGS").is_some()
}

/// Prints the stage timings of a build when `SRM_TIMINGS` is set.
fn print_timings(stats: &pipeline::Stats) {
    if timings_wanted() {
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

fn check(args: CommonArgs) -> i32 {
    let config = match load_config(&args.root) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let sources = match pipeline::read_sources(&config) {
        Ok(s) => s,
        Err(d) => {
            report(&d);
            return 1;
        }
    };
    let result = pipeline::build_into(
        &config,
        std::borrow::Cow::Owned(sources),
        &Engine::one_shot(),
        BuildOptions {
            drafts: args.drafts,
        },
        Some(&pipeline::DiscardPages),
    );
    report(&result.diagnostics);
    print_timings(&result.stats);
    let (errors, warnings) = result.diagnostics.counts();
    eprintln!(
        "checked {} pages ({} articles): {errors} error(s), {warnings} warning(s)",
        result.stats.pages, result.stats.articles
    );
    i32::from(errors > 0)
}
