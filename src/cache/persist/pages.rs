//! The rendered pages of a loaded cache file: located at load, read on demand, so a warm
//! build never holds the whole cache in memory. Threads read entries of the one open file at
//! once, through positioned reads.

use crate::cache::{Key, PageArtifacts};
use std::collections::{HashMap, HashSet};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The rendered pages of a cache file, by key: located at load, read on demand.
pub(crate) struct PageIndex {
    file: std::fs::File,
    /// Key → (payload offset, payload length, payload checksum).
    entries: HashMap<Key, (u64, u64, [u8; 32])>,
    used: Mutex<HashSet<Key>>,
    unreadable: AtomicUsize,
}

impl PageIndex {
    /// An index of the verified page entries of the open cache `file`.
    pub(super) fn new(file: std::fs::File, entries: HashMap<Key, (u64, u64, [u8; 32])>) -> Self {
        PageIndex {
            file,
            entries,
            used: Mutex::new(HashSet::new()),
            unreadable: AtomicUsize::new(0),
        }
    }

    /// True when the file holds `key`; marks it used.
    pub(crate) fn touch(&self, key: &Key) -> bool {
        let present = self.entries.contains_key(key);
        if present {
            self.used.lock().expect("page index").insert(*key);
        }
        present
    }

    /// Reads and decodes the page stored under `key`. An entry that no longer reads back
    /// as it was verified (the file changed underneath) counts as missing.
    pub(crate) fn get(&self, key: &Key) -> Option<PageArtifacts> {
        let payload = self.payload(key)?;
        match postcard::from_bytes(&payload) {
            Ok(page) => {
                self.used.lock().expect("page index").insert(*key);
                Some(page)
            }
            Err(_) => {
                self.unreadable.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// The verified payload bytes of an entry.
    pub(super) fn payload(&self, key: &Key) -> Option<Vec<u8>> {
        let &(at, len, sum) = self.entries.get(key)?;
        let mut payload = vec![0u8; len as usize];
        let read = read_exact_at(&self.file, &mut payload, at);
        if read.is_err() || *blake3::hash(&payload).as_bytes() != sum {
            self.unreadable.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        Some(payload)
    }

    /// The keys the current build used.
    pub(super) fn used_keys(&self) -> Vec<Key> {
        self.used
            .lock()
            .expect("page index")
            .iter()
            .copied()
            .collect()
    }

    /// Number of distinct pages the current build used.
    pub(crate) fn used(&self) -> usize {
        self.used.lock().expect("page index").len()
    }

    /// Entries that failed to read back after load.
    pub(crate) fn unreadable(&self) -> usize {
        self.unreadable.load(Ordering::Relaxed)
    }
}

/// Reads exactly `buf.len()` bytes at `at` without moving a shared cursor, so threads can
/// read entries of one open file at once.
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.read_exact_at(buf, at)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            match file.seek_read(&mut buf[done..], at + done as u64)? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (file, buf, at);
        Err(io::Error::other("positioned reads are not supported here"))
    }
}
