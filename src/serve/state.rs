//! What the preview shows, shared between the rebuild thread and the connection threads:
//! the last good site with the errors of the latest build, the live-reload listeners and
//! the site's base path. No globals: one [`State`] per running preview.

use crate::output::Output;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// The last good site and, after a failed rebuild, its errors.
#[derive(Default)]
pub(crate) struct Snapshot {
    /// The last good output.
    pub(crate) output: Output,
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
