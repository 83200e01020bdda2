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

    /// Writes everything to `dir` atomically: staging folder, then rename over the old one.
    pub fn write_to(&self, dir: &Path) -> io::Result<()> {
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
        let _ = std::fs::remove_dir_all(&staging);
        let previous = dir.is_dir().then_some(dir);
        if let Err(e) = self.write_tree(&staging, previous) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
        let had_old = dir.exists();
        if had_old {
            std::fs::rename(dir, &old)?;
        }
        if let Err(e) = std::fs::rename(&staging, dir) {
            if had_old {
                let _ = std::fs::rename(&old, dir);
            }
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Writes every file under `root`. A file whose bytes equal the same path in `previous`
    /// (the live output) is hard-linked instead of written: on a rebuild most pages are
    /// unchanged, and reading to compare costs far less than writing.
    fn write_tree(&self, root: &Path, previous: Option<&Path>) -> io::Result<()> {
        use rayon::prelude::*;
        let mut dirs: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| Path::new(p).parent().map(|d| root.join(d)))
            .collect();
        dirs.sort();
        dirs.dedup();
        std::fs::create_dir_all(root)?;
        for d in &dirs {
            std::fs::create_dir_all(d)?;
        }
        self.files.par_iter().try_for_each(|(path, bytes)| {
            let bytes: &[u8] = (**bytes).as_ref();
            let target = root.join(path);
            if let Some(old) = previous.map(|p| p.join(path)) {
                let same_len = std::fs::metadata(&old).is_ok_and(|m| m.len() == bytes.len() as u64);
                if same_len
                    && std::fs::read(&old).is_ok_and(|b| b == bytes)
                    && std::fs::hard_link(&old, &target).is_ok()
                {
                    return Ok(());
                }
            }
            std::fs::write(target, bytes)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_replaces_the_whole_folder() {
        let tmp = std::env::temp_dir().join(format!("srm-out-test-{}", std::process::id()));
        let dir = tmp.join("public");
        let mut a = Output::default();
        a.insert("index.html", "one");
        a.insert("x/stale.html", "old");
        a.write_to(&dir).unwrap();
        let mut b = Output::default();
        b.insert("index.html", "two");
        b.write_to(&dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "two"
        );
        assert!(!dir.join("x/stale.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
