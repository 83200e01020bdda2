//! Command-line interface (clap derive): parses the arguments into the library's option
//! structs, calls the command and maps its result to an exit code (0 success, 1 content
//! errors, 2 usage or configuration errors; see [`crate::error::Error::exit_code`]).

use crate::commands::{self, BuildRequest};
use crate::error::Error;
use crate::output::Placed;
use crate::term::Term;
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::path::PathBuf;

pub use crate::term::Verbosity;

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
        /// Which example: `small` (a few pages on the built-in parties) or `platform` (an
        /// organisation's handbook: cloud provider, platform team, product teams).
        #[arg(long, default_value = "small")]
        example: String,
    },
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Validate content, dataset and every internal link without writing anything.
    Check(CommonArgs),
    /// Serve a live-reloading preview.
    Serve(ServeArgs),
    /// Work with the responsibility matrix.
    #[command(subcommand)]
    Matrix(MatrixCommand),
    /// Print a shell completion script to stdout (e.g. `srm-docs completions bash`).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

/// `matrix` subcommands.
#[derive(Debug, Subcommand)]
pub enum MatrixCommand {
    /// Turn an edited matrix CSV (the `data/matrix.csv` export) back into dataset YAML:
    /// changed cells become service overrides; ids, notes and sources are kept.
    Import {
        /// The site folder (holds srm-docs.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The edited CSV.
        file: PathBuf,
        /// Write the matrix here (a file holding only `matrix:`, such as
        /// content/data/matrix.yaml) instead of printing it.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Write the output even where its comments inside a row or after a value cannot be
        /// kept (comments on their own line before a row are always kept).
        #[arg(long)]
        drop_comments: bool,
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

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Port (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Poll the file system instead of using OS notifications (network or container mounts).
    #[arg(long)]
    poll: bool,
    /// Open the site in the default browser once it is served.
    #[arg(long)]
    open: bool,
}

impl ServeArgs {
    /// The library's options for these arguments.
    fn into_options(self) -> crate::serve::ServeOptions {
        crate::serve::ServeOptions {
            root: self.common.root,
            drafts: self.common.drafts,
            bind: self.bind,
            port: self.port,
            poll: self.poll,
            open: self.open,
        }
    }
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
    /// Links name `index.html` (as `[links] explicit_index = true`): for a site opened from
    /// disk, a zip or a shared drive rather than served.
    #[arg(long)]
    for_file: bool,
    /// Replace an existing output folder that srm-docs did not write (everything in it is
    /// deleted). Never allows the site folder, its content, themes or cache, a folder above
    /// the site, `/` or the home folder.
    #[arg(long)]
    force: bool,
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let verbosity = cli.verbosity();
    let term = Term::stderr(verbosity);
    let result = match cli.command {
        Command::Init { dir, example } => crate::init::init_example(&dir, &example).map(|dir| {
            term.summary(format_args!(
                "created a site in {}; next: srm-docs build --root {}",
                dir.display(),
                dir.display()
            ))
        }),
        Command::Build(args) => build(args, &term),
        Command::Check(args) => commands::check(&args.root, args.drafts, &term).map(|_| ()),
        Command::Serve(args) => crate::serve::run(args.into_options(), term),
        Command::Matrix(MatrixCommand::Import {
            root,
            file,
            output,
            drop_comments,
        }) => {
            let req = commands::ImportRequest {
                root,
                csv: file,
                output,
                drop_comments,
            };
            commands::import_matrix(&req, &term).map(|r| match &req.output {
                Some(out) => term.summary(format_args!(
                    "imported {} changed cell(s) into {}",
                    r.changed,
                    out.display()
                )),
                None => print!("{}", r.yaml),
            })
        }
        Command::Completions { shell } => return completions(shell),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            term.failed(&e);
            e.exit_code()
        }
    }
}

/// `build` from the command line: the summary line, and a note when the output is a mount
/// point updated in place.
fn build(args: BuildArgs, term: &Term) -> Result<(), Error> {
    let request = BuildRequest {
        root: args.common.root,
        drafts: args.common.drafts,
        output: args.output,
        base_url: args.base_url,
        cache_dir: args.cache_dir,
        no_cache: args.no_cache,
        for_file: args.for_file,
        force: args.force,
    };
    let report = commands::build(&request, term)?;
    let dir = report.output_dir.display();
    if let Placed::InPlace(done) = &report.placed {
        term.note(format_args!(
            "{dir} cannot be swapped whole (a mount point): updated in place, {} file(s) \
             written, {} removed",
            done.written, done.removed
        ));
    }
    let s = &report.stats;
    term.summary(format_args!(
        "built {} pages ({} articles, {} files, {:.1} MB) into {dir} in {:.2?} with {} warning(s)",
        s.pages,
        s.articles,
        s.files,
        s.bytes as f64 / 1e6,
        report.elapsed,
        report.warnings
    ));
    Ok(())
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
