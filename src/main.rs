//! The `srm-docs` binary: parse arguments, run the command, exit with its code.

use clap::Parser;

/// mimalloc: builds allocate many small strings and JSON values from several threads at
/// once, where it is markedly faster than the system allocator and fragments less.
/// Built without transparent huge pages (`no_thp`): with them, every 2 MiB region the
/// allocator touches is zeroed and counted whole, which cost a 10,000-article build 1 s of
/// kernel time and 150–200 MB of peak memory. (`--no-default-features` builds with the
/// system allocator, for heap profilers.)
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = srm_docs::cli::Cli::parse();
    std::process::exit(srm_docs::cli::run(cli));
}
