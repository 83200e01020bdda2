//! Command-line interface (clap derive) and the commands behind it. Each command returns an
//! exit code: 0 success, 1 content errors, 2 usage or configuration errors.

use crate::cache::{Key, PageArtifacts};
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::output::{target, BeginError, Placed, StagedDir};
use crate::pipeline::{self, BuildOptions, Engine};
use crate::progress::Display;
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

/// srm-docs: a static site generator for cloud shared-responsibility knowledge bases.
#[derive(Debug, Parser)]
#[command(name = "srm-docs", version = env!("SRM_VERSION"), about)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
    /// Print errors only: no warnings, progress, summary line or timings.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print the time and memory of every stage (as `SRM_TIMINGS=1` does).
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

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

impl Cli {
    /// The verbosity the flags ask for.
    pub fn verbosity(&self) -> Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, true) => Verbosity::Verbose,
            (false, false) => Verbosity::Normal,
        }
    }
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
    /// Print a shell completion script to stdout (e.g. `srm-docs completions bash`).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
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
    let verbosity = cli.verbosity();
    match cli.command {
        Command::Init { dir } => crate::init::run(&dir, verbosity),
        Command::Build(args) => build(args, verbosity),
        Command::Check(args) => check(args, verbosity),
        Command::Serve(args) => crate::serve::run(args, verbosity),
        Command::Completions { shell } => completions(shell),
    }
}

/// Writes the completion script for `shell` to stdout.
fn completions(shell: clap_complete::Shell) -> i32 {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "srm-docs",
        &mut std::io::stdout(),
    );
    0
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints diagnostics to stderr.
pub fn report(diags: &Diagnostics) {
    eprint!("{}", diags.render(color()));
}

/// Prints diagnostics to stderr as `verbosity` asks: only the errors under `--quiet`.
pub fn report_as(diags: &Diagnostics, verbosity: Verbosity) {
    if verbosity != Verbosity::Quiet {
        return report(diags);
    }
    for d in diags.errors() {
        eprint!("{}", d.render(color()));
    }
}

/// Prints a warning of the command itself (not of the content) unless `--quiet`.
fn warn(verbosity: Verbosity, message: std::fmt::Arguments<'_>) {
    if verbosity != Verbosity::Quiet {
        eprintln!("warning: {message}");
    }
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

fn build(args: BuildArgs, verbosity: Verbosity) -> i32 {
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
            report_as(&d, verbosity);
            return 1;
        }
    };
    if timings_wanted(verbosity) {
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
            warn(
                verbosity,
                format_args!("build cache in {} ignored: {why}", dir.display()),
            );
        }
        if loaded.corrupt > 0 {
            warn(
                verbosity,
                format_args!(
                    "build cache in {}: {} corrupt entr{} ignored",
                    dir.display(),
                    loaded.corrupt,
                    if loaded.corrupt == 1 { "y" } else { "ies" }
                ),
            );
        }
    }
    // With a cache loaded, pages are looked up and the table is saved again if it changed;
    // without one, each page goes to a new cache file as it is rendered and is not kept.
    let cache_writer = match &cache_dir {
        Some(dir) if loaded_pages == 0 => match crate::cache::persist::Writer::create(dir) {
            Ok(w) => Some(w),
            Err(e) => {
                warn_cache_not_written(dir, &e, verbosity);
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
    let progress = Display::for_stderr(verbosity != Verbosity::Quiet);
    let result = pipeline::build_into_with_progress(
        &config,
        std::borrow::Cow::Owned(sources),
        &engine,
        BuildOptions {
            drafts: args.common.drafts,
        },
        Some(&sink),
        &progress,
    );
    progress.finish();
    report_as(&result.diagnostics, verbosity);
    print_timings(&result.stats, verbosity);
    if let Some(unreadable) = engine
        .cache
        .disk_pages
        .as_ref()
        .map(|d| d.unreadable())
        .filter(|&n| n > 0)
    {
        warn(
            verbosity,
            format_args!(
                "{unreadable} build cache entr{} changed on disk during the build and {} rendered again",
                if unreadable == 1 { "y" } else { "ies" },
                if unreadable == 1 { "was" } else { "were" }
            ),
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
            warn_cache_not_written(dir, &e, verbosity);
        }
    } else if let Some(dir) = &cache_dir {
        // Rewrite a loaded cache only when this build computed something new, dropped old
        // pages or found damaged entries.
        let reused = engine.cache.disk_pages.as_ref().map_or(0, |d| d.used());
        let stale = engine.cache.pages.misses() > 0 || reused != loaded_pages || cache_damaged;
        if stale {
            if let Err(e) = crate::cache::persist::save(dir, &engine.cache) {
                warn_cache_not_written(dir, &e, verbosity);
            }
        }
    }
    if timings_wanted(verbosity) {
        eprintln!(
            "timing: write+cache {:.1} ms (rss {} MiB)",
            write_started.elapsed().as_secs_f64() * 1e3,
            pipeline::resident_mib()
        );
    }
    let s = &result.stats;
    if verbosity == Verbosity::Quiet {
        return 0;
    }
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
fn warn_cache_not_written(dir: &std::path::Path, e: &std::io::Error, verbosity: Verbosity) {
    warn(
        verbosity,
        format_args!("cannot write the build cache to {}: {e}", dir.display()),
    );
}

/// True when `--verbose` or `SRM_TIMINGS` asks for per-stage timings on stderr (never
/// under `--quiet`).
pub fn timings_wanted(verbosity: Verbosity) -> bool {
    match verbosity {
        Verbosity::Quiet => false,
        Verbosity::Normal => std::env::var_os("SRM_TIMINGS").is_some(),
        Verbosity::Verbose => true,
    }
}

/// Prints the stage timings of a build when [`timings_wanted`].
fn print_timings(stats: &pipeline::Stats, verbosity: Verbosity) {
    if timings_wanted(verbosity) {
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

fn check(args: CommonArgs, verbosity: Verbosity) -> i32 {
    let config = match load_config(&args.root) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let sources = match pipeline::read_sources(&config) {
        Ok(s) => s,
        Err(d) => {
            report_as(&d, verbosity);
            return 1;
        }
    };
    let progress = Display::for_stderr(verbosity != Verbosity::Quiet);
    let result = pipeline::build_into_with_progress(
        &config,
        std::borrow::Cow::Owned(sources),
        &Engine::one_shot(),
        BuildOptions {
            drafts: args.drafts,
        },
        Some(&pipeline::DiscardPages),
        &progress,
    );
    progress.finish();
    report_as(&result.diagnostics, verbosity);
    print_timings(&result.stats, verbosity);
    let (errors, warnings) = result.diagnostics.counts();
    if verbosity == Verbosity::Quiet && errors == 0 {
        return 0;
    }
    eprintln!(
        "checked {} pages ({} articles): {errors} error(s), {warnings} warning(s)",
        result.stats.pages, result.stats.articles
    );
    i32::from(errors > 0)
}
