//! The built site as a value ([`Output`]: path → bytes) and the one place that writes it:
//! into a staging folder beside the target, swapped in only when complete, so a failed or
//! interrupted build never destroys the previous good output.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Shared, immutable file content: a byte vector or anything that exposes bytes (a cached
/// rendered page), so building and serving a site copies no page.
pub type Blob = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// Every file of a built site, keyed by `/`-separated relative path.
#[derive(Clone, Default)]
pub struct Output {
    /// Path → content. Shared so the preview server can swap whole sites cheaply.
    pub files: BTreeMap<String, Blob>,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.files.keys()).finish()
    }
}

impl Output {
    /// Adds or replaces a file.
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), Arc::new(bytes.into()));
    }

    /// Adds or replaces a file with shared content.
    pub fn insert_shared(&mut self, path: impl Into<String>, blob: Blob) {
        self.files.insert(path.into(), blob);
    }

    /// The bytes of a file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| (**b).as_ref())
    }

    /// Total size in bytes.
    pub fn total_bytes(&self) -> usize {
        self.files.values().map(|b| (**b).as_ref().len()).sum()
    }
}

/// Removes the entries of `dir` named `prefix` followed by the id of a process that no
/// longer runs: what a build interrupted by Ctrl-C or a crash left behind (a staging folder,
/// a half-written cache file). Does nothing where running processes cannot be listed.
pub fn remove_leftovers(dir: &Path, prefix: &str) {
    if !Path::new("/proc/self").is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let path = entry.path();
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}

/// A site being written: files go into a staging folder beside the target (`.NAME.staging-PID`)
/// while the build runs, and [`StagedDir::commit`] swaps it in whole. Dropped without a
/// commit (a failed build), the staging folder is removed and the live folder is untouched.
pub struct StagedDir {
    target: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    /// The live output, to hard-link files whose bytes did not change.
    previous: Option<PathBuf>,
    committed: bool,
}

impl StagedDir {
    /// Creates an empty staging folder for `dir`.
    pub fn begin(dir: &Path) -> io::Result<Self> {
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        remove_leftovers(parent, &format!(".{name}.staging-"));
        remove_leftovers(parent, &format!(".{name}.old-"));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging)?;
        Ok(StagedDir {
            target: dir.to_path_buf(),
            previous: dir.is_dir().then(|| dir.to_path_buf()),
            staging,
            old,
            committed: false,
        })
    }

    /// Writes one file (`/`-separated path relative to the site root). A file whose bytes
    /// equal the same path in the live output is hard-linked instead: on a rebuild most
    /// pages are unchanged, and reading to compare costs far less than writing.
    pub fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.staging.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if let Some(old) = self.previous.as_ref().map(|p| p.join(path)) {
            let same_len = std::fs::metadata(&old).is_ok_and(|m| m.len() == bytes.len() as u64);
            if same_len
                && std::fs::read(&old).is_ok_and(|b| b == bytes)
                && std::fs::hard_link(&old, &target).is_ok()
            {
                return Ok(());
            }
        }
        std::fs::write(target, bytes)
    }

    /// Writes every file of `output`, in parallel.
    pub fn write_output(&self, output: &Output) -> io::Result<()> {
        use rayon::prelude::*;
        output.files.par_iter().try_for_each(|(path, bytes)| {
            self.write(path, (**bytes).as_ref())
                .map_err(|e| io::Error::new(e.kind(), format!("{path}: {e}")))
        })
    }

    /// Replaces the target folder with the staging folder.
    pub fn commit(mut self) -> io::Result<()> {
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &self.old)?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = std::fs::rename(&self.old, &self.target);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&self.old);
        }
        Ok(())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a whole output the way `build` finishes one.
    fn write(output: &Output, dir: &Path) {
        let staged = StagedDir::begin(dir).unwrap();
        staged.write_output(output).unwrap();
        staged.commit().unwrap();
    }

    #[test]
    fn write_replaces_the_whole_folder() {
        let tmp = std::env::temp_dir().join(format!("srm-out-test-{}", std::process::id()));
        let dir = tmp.join("public");
        let mut a = Output::default();
        a.insert("index.html", "one");
        a.insert("x/stale.html", "old");
        write(&a, &dir);
        let mut b = Output::default();
        b.insert("index.html", "two");
        write(&b, &dir);
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "two"
        );
        assert!(!dir.join("x/stale.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn an_uncommitted_staged_dir_leaves_the_live_folder_as_it_was() {
        let tmp = std::env::temp_dir().join(format!("srm-staged-test-{}", std::process::id()));
        let dir = tmp.join("public");
        let mut live = Output::default();
        live.insert("index.html", "good");
        write(&live, &dir);
        {
            let staged = StagedDir::begin(&dir).unwrap();
            staged.write("index.html", b"half").unwrap();
            staged.write("articles/a/index.html", b"new").unwrap();
            // Dropped without commit: a failed build.
        }
        assert_eq!(std::fs::read(dir.join("index.html")).unwrap(), b"good");
        assert!(!dir.join("articles").exists());
        let names: Vec<_> = std::fs::read_dir(&tmp)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"], "the staging folder is removed");
        let staged = StagedDir::begin(&dir).unwrap();
        staged.write("index.html", b"good").unwrap();
        staged.write("articles/a/index.html", b"new").unwrap();
        staged.commit().unwrap();
        assert_eq!(
            std::fs::read(dir.join("articles/a/index.html")).unwrap(),
            b"new"
        );
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn leftovers_of_dead_builds_are_removed_and_live_ones_kept() {
        if !Path::new("/proc/self").is_dir() {
            return;
        }
        let tmp = std::env::temp_dir().join(format!("srm-leftover-test-{}", std::process::id()));
        std::fs::create_dir_all(&tmp).unwrap();
        // No process has an id this large (Linux caps ids at 2^22).
        let dead = tmp.join(".public.staging-4294967290");
        std::fs::create_dir_all(dead.join("articles")).unwrap();
        let live = tmp.join(format!(".public.staging-{}", std::process::id()));
        std::fs::create_dir_all(&live).unwrap();
        let unrelated = tmp.join(".public.staging-notapid");
        std::fs::create_dir_all(&unrelated).unwrap();
        remove_leftovers(&tmp, ".public.staging-");
        assert!(!dead.exists());
        assert!(live.exists() && unrelated.exists());
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
