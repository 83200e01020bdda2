//! `srm-docs serve`: live-reload preview (see the submodules).

use clap::Args;

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    common: crate::cli::CommonArgs,
}

/// Runs the preview server; returns the exit code.
pub fn run(args: ServeArgs) -> i32 {
    let _ = args.common;
    eprintln!("error: serve is not available in this build yet");
    2
}
