//! Build script: sets `SRM_VERSION` for `srm-docs --version` to the package version and,
//! when the crate is built from a git checkout, the commit it was built from
//! (`0.1.0 (1a2b3c4)`). Without git or without a `.git` beside `Cargo.toml` (a published
//! crate, a source tarball) it is the version alone: this script never fails the build.
//! Also sets `SRM_SOURCE_HASH`, a hash of the code and the default theme this binary was
//! built from, so a build cache written by other code (even an uncommitted change) is
//! never trusted.

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let version = env!("CARGO_PKG_VERSION");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = if manifest_dir.join(".git").exists() {
        for path in git_paths_to_watch(&manifest_dir) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        git(&manifest_dir, &["rev-parse", "--short", "HEAD"])
    } else {
        None
    };
    println!(
        "cargo:rustc-env=SRM_SOURCE_HASH={:016x}",
        source_hash(&manifest_dir)
    );
    match commit {
        Some(c) => println!("cargo:rustc-env=SRM_VERSION={version} ({c})"),
        None => println!("cargo:rustc-env=SRM_VERSION={version}"),
    }
}

/// The output of `git ARGS` run in `dir`, trimmed; `None` when git is missing, fails or
/// prints nothing.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// The files whose change means HEAD may name another commit: `HEAD` itself, the branch
/// it points to and `packed-refs` (where a branch may live instead). Git resolves the
/// folders, so linked worktrees (where `.git` is a file) work too. Only files that exist
/// are listed: Cargo reruns the script on every build for a missing one.
fn git_paths_to_watch(dir: &Path) -> Vec<PathBuf> {
    let resolve = |arg: &str| git(dir, &["rev-parse", arg]).map(|p| dir.join(p));
    let mut paths = Vec::new();
    if let Some(git_dir) = resolve("--git-dir") {
        paths.push(git_dir.join("HEAD"));
    }
    if let Some(common) = resolve("--git-common-dir") {
        if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
            paths.push(common.join(branch));
        }
        paths.push(common.join("packed-refs"));
    }
    paths.retain(|p| p.exists());
    paths
}

/// A hash of every file under `src/` and `themes/` (paths and bytes, in sorted order), and
/// of the manifest and lock file; Cargo reruns the script when any of them changes.
fn source_hash(dir: &Path) -> u64 {
    let mut files = Vec::new();
    for root in ["src", "themes"] {
        println!("cargo:rerun-if-changed={root}");
        collect_files(&dir.join(root), &mut files);
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        files.push(dir.join(file));
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        hasher.write(
            file.strip_prefix(dir)
                .unwrap_or(&file)
                .as_os_str()
                .as_encoded_bytes(),
        );
        hasher.write(&std::fs::read(&file).unwrap_or_default());
    }
    hasher.finish()
}

/// Every file below `dir`, recursively (nothing when it cannot be read).
fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
