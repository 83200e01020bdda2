//! Writing a cache file while a build renders its pages: entries are appended from any
//! thread into a temporary file that replaces the previous cache only when complete.

use super::format::{self, FILE};
use crate::cache::{BuildCache, Key, PageArtifacts};
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A cache file being written while a build renders its pages: entries are appended as
/// they come (from any thread) into a temporary file, renamed into place by
/// [`Writer::finish`]; dropped unfinished (a failed build), the temporary file is removed
/// and the previous cache stays.
pub(crate) struct Writer {
    dir: PathBuf,
    tmp: PathBuf,
    out: Mutex<Option<io::BufWriter<std::fs::File>>>,
}

impl Writer {
    /// Starts a new cache file in `dir`.
    pub(crate) fn create(dir: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        crate::output::remove_dead_files(dir, &format!("{FILE}.tmp-"));
        let tmp = dir.join(format!("{FILE}.tmp-{}", std::process::id()));
        let mut w = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        format::write_header(&mut w)?;
        Ok(Writer {
            dir: dir.to_path_buf(),
            tmp,
            out: Mutex::new(Some(w)),
        })
    }

    /// Appends one rendered page (encoded and checksummed before taking the lock).
    pub(crate) fn append(&self, key: &Key, page: &PageArtifacts) -> io::Result<()> {
        let payload = postcard::to_stdvec(page).map_err(io::Error::other)?;
        self.append_entry(format::PAGE, key, &payload)
    }

    /// Appends one framed entry: kind, key, checksum, length, payload.
    pub(super) fn append_entry(&self, kind: u8, key: &Key, payload: &[u8]) -> io::Result<()> {
        let sum = blake3::hash(payload);
        let mut guard = self.out.lock().expect("cache writer");
        let w = guard
            .as_mut()
            .ok_or_else(|| io::Error::other("the cache file was abandoned"))?;
        let written = format::write_entry(w, kind, key, &sum, payload);
        if written.is_err() {
            // A half-written entry would break the framing: abandon the file.
            *guard = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
        written
    }

    /// Appends the page groups, search terms and generated files of `cache` (groups say
    /// which list and dataset pages a build made from which inputs, so a warm build skips
    /// their contexts), copies the entries the build reused from the loaded file as they
    /// are, flushes the file and puts it in place of the previous cache.
    pub(crate) fn finish(self, cache: &BuildCache) -> io::Result<()> {
        let terms = cache.search_terms.entries();
        let extras = cache.extras.entries();
        // Entries reused from the previous file are copied, never decoded (pages first).
        if let Some(disk) = &cache.disk {
            let mut fresh: HashSet<(u8, Key)> = HashSet::new();
            fresh.extend(terms.iter().map(|(k, _)| (format::TERMS, *k)));
            fresh.extend(extras.iter().map(|(k, _)| (format::EXTRA, *k)));
            fresh.extend(
                cache
                    .pages
                    .entries()
                    .into_iter()
                    .map(|(k, _)| (format::PAGE, k)),
            );
            let mut reused = disk.used_entries();
            reused.retain(|id| !fresh.contains(id));
            reused.sort_by_key(|&(kind, _)| kind != format::PAGE);
            for (kind, key) in reused {
                if let Some(payload) = disk.payload(kind, &key) {
                    self.append_entry(kind, &key, &payload)?;
                }
            }
        }
        for (key, stubs) in cache.groups.entries() {
            self.append_entry(format::GROUP, &key, &format::encode_group(&stubs)?)?;
        }
        for (key, terms) in terms {
            let payload = postcard::to_stdvec(&*terms).map_err(io::Error::other)?;
            self.append_entry(format::TERMS, &key, &payload)?;
        }
        for (key, bytes) in extras {
            self.append_entry(format::EXTRA, &key, &bytes)?;
        }
        let w = self
            .out
            .lock()
            .expect("cache writer")
            .take()
            .ok_or_else(|| io::Error::other("the cache file was abandoned"))?;
        let placed = w
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|_| std::fs::rename(&self.tmp, self.dir.join(FILE)));
        if placed.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        placed
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if self.out.get_mut().map(|o| o.is_some()).unwrap_or(true) {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
