//! The built site as a value ([`Output`]: path → bytes) and the one place that writes it to
//! disk. [`target`] decides whether a path may hold the output at all, [`marker`] recognises
//! a folder srm-docs wrote, [`StagedDir`] writes into a staging folder and puts it in place
//! only when complete ([`swap`]), so a failed or interrupted build never destroys the
//! previous output, and nothing srm-docs did not write is ever deleted or overwritten.

pub(crate) mod marker;
mod staged;
pub(crate) mod swap;
pub(crate) mod target;

pub use staged::Placed;
pub(crate) use staged::{remove_dead_files, BeginError, StagedDir};
pub use swap::InPlace;

use std::collections::BTreeMap;

use std::sync::Arc;

/// Shared, immutable file content: a byte vector or anything that exposes bytes (a cached
/// rendered page), so building and serving a site copies no page.
pub(crate) type Blob = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// Every file of a built site, keyed by `/`-separated relative path.
#[derive(Clone, Default)]
pub(crate) struct Output {
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
    pub(crate) fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), Arc::new(bytes.into()));
    }

    /// Adds or replaces a file with shared content.
    pub(crate) fn insert_shared(&mut self, path: impl Into<String>, blob: Blob) {
        self.files.insert(path.into(), blob);
    }

    /// The bytes of a file.
    pub(crate) fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| (**b).as_ref())
    }

    /// Total size in bytes.
    pub(crate) fn total_bytes(&self) -> usize {
        self.files.values().map(|b| (**b).as_ref().len()).sum()
    }
}
