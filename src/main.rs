//! The `srm-docs` binary: parse arguments, run the command, exit with its code.

use clap::Parser;

fn main() {
    let cli = srm_docs::cli::Cli::parse();
    std::process::exit(srm_docs::cli::run(cli));
}
