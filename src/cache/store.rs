//! The folder `serve` keeps rendered HTML in, so a large site's pages are not all held in
//! memory: each page goes to a file named after its cache key (`<key>.html`), written once
//! and never changed (a key names one content), and is read back when it is served or
//! reused. A new version of a page is a new file; the old one is removed by [`PageStore::sweep`]
//! once nothing serves or caches its key any more.
//!
//! The folder is a fresh one under the system's temporary folder, marked as srm-docs's
//! (`srm-docs-preview-<pid>-<n>`); it is removed when the store is dropped, and folders
//! left by a preview that was killed are removed by the next one.

use super::Key;
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// What every store folder's name starts with.
const PREFIX: &str = "srm-docs-preview-";

/// Rendered HTML on disk, by key.
pub(crate) struct PageStore {
    dir: PathBuf,
    /// Keys whose file is complete.
    written: Mutex<HashSet<Key>>,
    /// Numbers the temporary files, so two writers of one key never share one.
    writes: AtomicU64,
}

impl PageStore {
    /// A new, empty store folder under `parent` (the system's temporary folder in `serve`);
    /// first removes the store folders there whose process has ended.
    pub(crate) fn create(parent: &Path) -> io::Result<Self> {
        remove_abandoned(parent);
        let pid = std::process::id();
        for n in 0u32.. {
            let dir = parent.join(format!("{PREFIX}{pid}-{n}"));
            match std::fs::create_dir(&dir) {
                Ok(()) => {
                    return Ok(PageStore {
                        dir,
                        written: Mutex::new(HashSet::new()),
                        writes: AtomicU64::new(0),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => {}
                Err(e) => return Err(e),
            }
        }
        unreachable!("the loop returns")
    }

    /// The store's folder.
    #[cfg(test)]
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, key: &Key) -> PathBuf {
        self.dir.join(format!("{}.html", key.to_hex()))
    }

    /// Whether the HTML of `key` is stored.
    pub(crate) fn has(&self, key: &Key) -> bool {
        self.written.lock().expect("page store").contains(key)
    }

    /// Stores the HTML of `key` unless it already is (the same key is the same HTML). The
    /// file is complete before it gets its name and its key counts as stored.
    pub(crate) fn put(&self, key: &Key, html: &[u8]) -> io::Result<()> {
        if self.has(key) {
            return Ok(());
        }
        let path = self.file(key);
        let n = self.writes.fetch_add(1, Ordering::Relaxed);
        let tmp = path.with_extension(format!("tmp{n}"));
        std::fs::write(&tmp, html)?;
        std::fs::rename(&tmp, &path)?;
        self.written.lock().expect("page store").insert(*key);
        Ok(())
    }

    /// The HTML stored under `key`.
    pub(crate) fn read(&self, key: &Key) -> io::Result<Vec<u8>> {
        std::fs::read(self.file(key))
    }

    /// Removes every file whose key is not `live`.
    pub(crate) fn sweep(&self, live: impl Fn(&Key) -> bool) {
        let dead: Vec<Key> = {
            let mut written = self.written.lock().expect("page store");
            let dead = written.iter().filter(|k| !live(k)).copied().collect();
            written.retain(|k| live(k));
            dead
        };
        for key in dead {
            let _ = std::fs::remove_file(self.file(&key));
        }
    }

    /// Number of stored files.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.written.lock().expect("page store").len()
    }
}

impl Drop for PageStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Removes the store folders in `parent` whose process no longer runs (Linux, where
/// `/proc` says so; elsewhere nothing is removed).
fn remove_abandoned(parent: &Path) {
    if !Path::new("/proc/self").is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let gone = pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists();
        if gone && entry.file_type().is_ok_and(|t| t.is_dir()) && holds_only_pages(&entry.path()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether `dir` holds nothing but files a store writes (`<key>.html`, `<key>.tmp<n>`): a
/// folder of that name holding anything else is not srm-docs's to remove.
fn holds_only_pages(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.into_iter().all(|entry| {
        let Ok(entry) = entry else { return false };
        let name = entry.file_name();
        let Some((key, ext)) = name.to_str().and_then(|n| n.split_once('.')) else {
            return false;
        };
        let ext_ok = ext == "html"
            || ext
                .strip_prefix("tmp")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        entry.file_type().is_ok_and(|t| t.is_file())
            && key.len() == 64
            && key.bytes().all(|b| b.is_ascii_hexdigit())
            && ext_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::KeyBuilder;

    fn key(n: u64) -> Key {
        KeyBuilder::new("test").u64(n).finish()
    }

    #[test]
    fn stores_reads_sweeps_and_removes_its_folder() {
        let parent = tempfile::tempdir().unwrap();
        let store = PageStore::create(parent.path()).unwrap();
        let dir = store.dir().to_path_buf();
        store.put(&key(1), b"<p>one</p>").unwrap();
        store.put(&key(2), b"<p>two</p>").unwrap();
        store.put(&key(1), b"ignored: the key is stored").unwrap();
        assert_eq!(store.read(&key(1)).unwrap(), b"<p>one</p>");
        assert!(store.has(&key(2)) && !store.has(&key(3)));
        store.sweep(|k| *k == key(2));
        assert!(!store.has(&key(1)) && store.read(&key(1)).is_err());
        assert_eq!(store.read(&key(2)).unwrap(), b"<p>two</p>");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        drop(store);
        assert!(!dir.exists());
    }

    #[test]
    fn folders_of_ended_processes_are_removed_and_others_kept() {
        let parent = tempfile::tempdir().unwrap();
        // No process has a pid this large on Linux (its limit is 2^22).
        let ended = parent.path().join(format!("{PREFIX}4294967295-0"));
        let foreign = parent.path().join("srm-docs-other");
        // Named like a store of an ended process, but holding a file no store writes.
        let look_alike = parent.path().join(format!("{PREFIX}4294967295-1"));
        std::fs::create_dir(&ended).unwrap();
        std::fs::write(ended.join(format!("{}.html", key(1).to_hex())), "x").unwrap();
        std::fs::write(ended.join(format!("{}.tmp7", key(2).to_hex())), "x").unwrap();
        std::fs::create_dir(&foreign).unwrap();
        std::fs::create_dir(&look_alike).unwrap();
        std::fs::write(look_alike.join("notes.md"), "mine").unwrap();
        let store = PageStore::create(parent.path()).unwrap();
        if Path::new("/proc/self").is_dir() {
            assert!(!ended.exists());
        }
        assert!(foreign.exists() && store.dir().exists());
        assert!(look_alike.join("notes.md").exists(), "not a store's files");
        let second = PageStore::create(parent.path()).unwrap();
        assert_ne!(second.dir(), store.dir());
        assert!(store.dir().exists(), "a running process's folder stays");
    }
}
