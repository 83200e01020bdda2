//! File watching for `serve`: which paths matter ([`classify`], a pure function), and a
//! watcher (notify, or polling with `--poll`) whose events are coalesced over a short settle
//! window into one batch per burst — an editor's atomic save or a `git checkout` of a
//! thousand files becomes one rebuild.

use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// What a changed path means for the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    /// Not an input (editor temp file, output folder, VCS metadata…).
    Ignore,
    /// A Markdown article.
    Article,
    /// A dataset file.
    Data,
    /// A theme template or static file.
    Theme,
    /// `srm-docs.toml`.
    Config,
    /// Another file under `content/` (copied as an asset).
    Asset,
}

/// Classifies a path relative to the site root.
pub(super) fn classify(root: &Path, output: &Path, path: &Path) -> Change {
    if path.starts_with(output) {
        return Change::Ignore;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with('~')
        || name.starts_with(".#")
        || name == "4913"
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || name.ends_with(".tmp")
        || name.ends_with(".crswap")
        || name == ".DS_Store";
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if temp || hidden {
        return Change::Ignore;
    }
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    match parts.next().as_deref() {
        Some("srm-docs.toml") if rel.components().count() == 1 => Change::Config,
        Some("themes") => Change::Theme,
        Some("content") => {
            use crate::sources::{classify_content, ContentKind};
            match classify_content(rel.strip_prefix("content").unwrap_or(rel)) {
                ContentKind::Data => Change::Data,
                ContentKind::Markdown => Change::Article,
                ContentKind::Asset => Change::Asset,
            }
        }
        _ => Change::Ignore,
    }
}

/// What reaches the watcher's channel.
enum Signal {
    /// A file-system event (or a watching error).
    Event(notify::Result<notify::Event>),
    /// [`Stopper::stop`] was called.
    Stop,
}

/// Ends a watcher's [`SiteWatcher::next_batch`] from another thread.
#[derive(Clone)]
pub(super) struct Stopper(Sender<Signal>);

impl Stopper {
    /// Makes the watcher's current and every later `next_batch` return `None`.
    pub(super) fn stop(&self) {
        let _ = self.0.send(Signal::Stop);
    }
}

/// A running watcher; dropping it stops watching.
pub(super) struct SiteWatcher {
    _watcher: Box<dyn Watcher + Send>,
    rx: Receiver<Signal>,
    tx: Sender<Signal>,
    root: PathBuf,
    output: PathBuf,
}

impl SiteWatcher {
    /// Watches `content/` and `themes/` recursively and the root itself (for the config and
    /// for folders created later). Folders are watched, never single files, so atomic saves
    /// (write a temporary file, rename it over the original) are seen.
    pub(super) fn start(root: &Path, output: &Path, poll: bool) -> notify::Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel();
        let events = tx.clone();
        let handler = move |e: notify::Result<notify::Event>| {
            let _ = events.send(Signal::Event(e));
        };
        let mut watcher: Box<dyn Watcher + Send> = if poll {
            Box::new(notify::PollWatcher::new(
                handler,
                notify::Config::default().with_poll_interval(Duration::from_millis(250)),
            )?)
        } else {
            Box::new(notify::recommended_watcher(handler)?)
        };
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for dir in ["content", "themes"] {
            let d = root.join(dir);
            if d.is_dir() {
                watcher.watch(&d, RecursiveMode::Recursive)?;
            }
        }
        Ok(SiteWatcher {
            _watcher: watcher,
            rx,
            tx,
            root: root.to_path_buf(),
            output: output.to_path_buf(),
        })
    }

    /// A handle that stops this watcher from another thread.
    pub(super) fn stopper(&self) -> Stopper {
        Stopper(self.tx.clone())
    }

    /// Blocks until a relevant change arrives, then waits until the file system has been
    /// quiet for `settle` (at most `max_wait` in all) and returns the batch's changes.
    /// `None` when the watcher has stopped.
    pub(super) fn next_batch(
        &self,
        settle: Duration,
        max_wait: Duration,
    ) -> Option<Vec<(PathBuf, Change)>> {
        let mut batch: Vec<(PathBuf, Change)> = Vec::new();
        loop {
            match self.rx.recv().ok()? {
                Signal::Event(event) => self.absorb(event, &mut batch),
                Signal::Stop => return None,
            }
            if !batch.is_empty() {
                break;
            }
        }
        let started = Instant::now();
        loop {
            let left = max_wait.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match self.rx.recv_timeout(settle.min(left)) {
                Ok(Signal::Event(event)) => self.absorb(event, &mut batch),
                Ok(Signal::Stop) => return None,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(batch)
    }

    fn absorb(&self, event: notify::Result<notify::Event>, batch: &mut Vec<(PathBuf, Change)>) {
        let Ok(event) = event else { return };
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        for path in event.paths {
            let change = classify(&self.root, &self.output, &path);
            if change != Change::Ignore && !batch.iter().any(|(p, _)| *p == path) {
                batch.push((path, change));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(p: &str) -> Change {
        classify(Path::new("/site"), Path::new("/site/public"), Path::new(p))
    }

    #[test]
    fn classifies_inputs_and_ignores_editor_noise() {
        assert_eq!(c("/site/content/articles/a.md"), Change::Article);
        assert_eq!(c("/site/content/data/matrix.yaml"), Change::Data);
        assert_eq!(c("/site/themes/default/templates/base.html"), Change::Theme);
        assert_eq!(c("/site/srm-docs.toml"), Change::Config);
        assert_eq!(c("/site/content/img/x.png"), Change::Asset);
        for noise in [
            "/site/content/articles/.a.md.swp",
            "/site/content/articles/a.md~",
            "/site/content/articles/.#a.md",
            "/site/content/articles/4913",
            "/site/content/articles/a.md___jb_tmp___",
            "/site/content/articles/a.tmp",
            "/site/public/index.html",
            "/site/.git/index",
            "/site/target/debug/x",
        ] {
            assert_eq!(c(noise), Change::Ignore, "{noise}");
        }
    }
}
