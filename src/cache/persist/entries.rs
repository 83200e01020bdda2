//! The entries of a loaded cache file (rendered pages, search terms, generated files):
//! located at load, read on demand, so a warm build never holds the whole cache in memory.
//! Threads read entries of the one open file at once, through positioned reads.

use crate::cache::Key;
use std::collections::{HashMap, HashSet};
use std::io;
use std::sync::Mutex;

/// An entry's kind byte and key.
pub(crate) type EntryId = (u8, Key);

/// The entries of a cache file, by kind and key: located at load, read on demand.
pub(crate) struct DiskIndex {
    file: std::fs::File,
    /// (kind, key) → (payload offset, payload length, payload checksum).
    entries: HashMap<EntryId, (u64, u64, [u8; 32])>,
    used: Mutex<HashSet<EntryId>>,
    /// Entries found damaged when read.
    unreadable: Mutex<HashSet<EntryId>>,
}

impl DiskIndex {
    /// An index of the verified entries of the open cache `file`.
    pub(super) fn new(
        file: std::fs::File,
        entries: HashMap<EntryId, (u64, u64, [u8; 32])>,
    ) -> Self {
        DiskIndex {
            file,
            entries,
            used: Mutex::new(HashSet::new()),
            unreadable: Mutex::new(HashSet::new()),
        }
    }

    /// True when the file holds the entry; marks it used.
    pub(crate) fn touch(&self, kind: u8, key: &Key) -> bool {
        let present = self.entries.contains_key(&(kind, *key));
        if present {
            self.used.lock().expect("disk index").insert((kind, *key));
        }
        present
    }

    /// Reads and decodes the entry, accepting it only when `valid` holds for the decoded
    /// value; marks it used. An entry that no longer reads back as it was verified (the
    /// file changed underneath) or does not decode counts as missing.
    pub(crate) fn get<T: serde::de::DeserializeOwned>(
        &self,
        kind: u8,
        key: &Key,
        valid: impl FnOnce(&T) -> bool,
    ) -> Option<T> {
        let payload = self.read(kind, key)?;
        match postcard::from_bytes(&payload) {
            Ok(value) if valid(&value) => {
                self.used.lock().expect("disk index").insert((kind, *key));
                Some(value)
            }
            _ => {
                self.unreadable
                    .lock()
                    .expect("disk index")
                    .insert((kind, *key));
                None
            }
        }
    }

    /// The verified payload bytes of an entry; marks it used.
    pub(crate) fn payload(&self, kind: u8, key: &Key) -> Option<Vec<u8>> {
        let payload = self.read(kind, key)?;
        self.used.lock().expect("disk index").insert((kind, *key));
        Some(payload)
    }

    /// The verified payload bytes of an entry.
    fn read(&self, kind: u8, key: &Key) -> Option<Vec<u8>> {
        let &(at, len, sum) = self.entries.get(&(kind, *key))?;
        let mut payload = vec![0u8; len as usize];
        let read = read_exact_at(&self.file, &mut payload, at);
        if read.is_err() || *blake3::hash(&payload).as_bytes() != sum {
            self.unreadable
                .lock()
                .expect("disk index")
                .insert((kind, *key));
            return None;
        }
        Some(payload)
    }

    /// The entries the current build used.
    pub(super) fn used_entries(&self) -> Vec<EntryId> {
        self.used
            .lock()
            .expect("disk index")
            .iter()
            .copied()
            .collect()
    }

    /// Number of distinct entries the current build used.
    pub(crate) fn used(&self) -> usize {
        self.used.lock().expect("disk index").len()
    }

    /// Entries that failed to read back after load.
    pub(crate) fn unreadable(&self) -> usize {
        self.unreadable.lock().expect("disk index").len()
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
