//! What the preview shows, shared between the rebuild thread and the connection threads:
//! the last good site with the errors of the latest build, the live-reload listeners and
//! the site's base path. No globals: one [`State`] per running preview.

use crate::cache::{Key, PageStore};
use crate::output::Output;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// A built site as the preview serves it: the files that are not pages in memory, and the
/// key of each page, whose HTML is in the page store (a file per key, never changed, so
/// switching a page to a new version is replacing its key here).
#[derive(Clone, Default)]
pub(crate) struct Served {
    /// Files kept in memory (every file when there is no page store).
    pub(crate) files: Output,
    /// Page path → key of its HTML in `store`.
    pub(crate) pages: BTreeMap<String, Key>,
    /// Where the pages' HTML is.
    pub(crate) store: Option<Arc<PageStore>>,
}

impl Served {
    /// Whether the site has a file at `path`.
    pub(crate) fn contains(&self, path: &str) -> bool {
        self.files.files.contains_key(path) || self.pages.contains_key(path)
    }

    /// The bytes of the file at `path`; `None` when there is none or its page file is gone
    /// (a newer site replaced it).
    pub(crate) fn read(&self, path: &str) -> Option<Cow<'_, [u8]>> {
        if let Some(bytes) = self.files.get(path) {
            return Some(Cow::Borrowed(bytes));
        }
        let key = self.pages.get(path)?;
        self.store.as_ref()?.read(key).ok().map(Cow::Owned)
    }

    /// Every path, sorted.
    pub(crate) fn paths(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = (self.files.files.keys().chain(self.pages.keys()))
            .map(String::as_str)
            .collect();
        paths.sort_unstable();
        paths
    }

    /// Whether the file at `path` has the same bytes in `self` and in `other` (a page with
    /// the same key has).
    pub(crate) fn same(&self, other: &Served, path: &str) -> bool {
        let (a, b) = (self.pages.get(path), other.pages.get(path));
        if a.is_some() && a == b {
            return true;
        }
        let (x, y) = (self.files.files.get(path), other.files.files.get(path));
        if let (Some(x), Some(y)) = (x, y) {
            if Arc::ptr_eq(x, y) {
                return true;
            }
        }
        match (self.read(path), other.read(path)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    }

    /// The keys of the pages served, for the store's sweep.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &Key> {
        self.pages.values()
    }
}

/// The last good site and, after a failed rebuild, its errors.
#[derive(Default)]
pub(crate) struct Snapshot {
    /// The last good site.
    pub(crate) site: Arc<Served>,
    /// Errors of the latest build (`path:line:col: message` lines), empty after a good one.
    pub(crate) errors: Vec<String>,
}

/// Shared server state.
pub(crate) struct State {
    snapshot: RwLock<Arc<Snapshot>>,
    listeners: Mutex<Vec<Sender<String>>>,
    base_path: RwLock<String>,
}

impl State {
    /// State that serves `snapshot` under `base_path`.
    pub(crate) fn new(snapshot: Snapshot, base_path: String) -> Self {
        State {
            snapshot: RwLock::new(Arc::new(snapshot)),
            listeners: Mutex::new(Vec::new()),
            base_path: RwLock::new(base_path),
        }
    }

    /// The snapshot now served.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Serves `snapshot` from now on.
    pub(crate) fn publish(&self, snapshot: Snapshot) {
        *self
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
    }

    /// The site's base path (`/` or `/docs/`).
    pub(crate) fn base_path(&self) -> String {
        self.base_path
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sets the base path after the config changed.
    pub(crate) fn set_base_path(&self, base: String) {
        *self
            .base_path
            .write()
            .unwrap_or_else(PoisonError::into_inner) = base;
    }

    /// Registers a live-reload listener.
    pub(crate) fn listen(&self, tx: Sender<String>) {
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tx);
    }

    /// Sends `message` to every listener, dropping the ones whose stream has gone.
    pub(crate) fn broadcast(&self, message: &str) {
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|tx| tx.send(message.to_string()).is_ok());
    }
}
