//! Reading a site's inputs (the I/O edge of every build): Markdown, dataset YAML and other
//! files under `content/`, and the theme's overrides, into [`Sources`]. One pure classifier,
//! [`classify_content`], says what a file under `content/` is, for the reader and the
//! watcher alike. A rebuild reuses the bytes of files whose size and time did not change.

use crate::cache::KeyBuilder;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::render::templates::{self, TemplateFile};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// Raw inputs of a build, read from disk once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sources {
    /// Markdown files: (path relative to the root, e.g. `content/articles/x.md`, bytes).
    pub markdown: Vec<(String, Vec<u8>)>,
    /// Dataset files: (path relative to the root, bytes).
    pub data: Vec<(String, Vec<u8>)>,
    /// Other files under `content/`, copied as they are: (path relative to `content/`, bytes).
    pub assets: Vec<(String, Vec<u8>)>,
    /// Theme template overrides.
    pub templates: Vec<TemplateFile>,
    /// Theme static overrides: (path relative to `static/`, bytes).
    pub statics: Vec<(String, Vec<u8>)>,
    /// Size, modification time and content hash of every file under `content/`, so a
    /// rebuild re-reads and re-hashes only files that changed.
    pub stamps: HashMap<std::path::PathBuf, Stamp>,
    /// The site root the stamps' paths start with.
    pub root: std::path::PathBuf,
    /// Warnings found while reading (symbolic links skipped), reported by the build.
    pub warnings: Diagnostics,
}

impl Sources {
    /// Frees the bytes of every Markdown file: `serve` keeps the parsed articles, which hold
    /// their own text. The stamps stay, so an unchanged file is still known without being
    /// read, and [`Sources::markdown_bytes`] reads one again if it must be parsed again.
    pub(crate) fn drop_markdown_bytes(&mut self) {
        for (_, bytes) in &mut self.markdown {
            *bytes = Vec::new();
        }
    }

    /// The bytes of the Markdown file at `path` (relative to the root) as listed here
    /// (`bytes`), or read again from disk when they were dropped.
    pub(crate) fn markdown_bytes<'b>(
        &self,
        path: &str,
        bytes: &'b [u8],
    ) -> Result<std::borrow::Cow<'b, [u8]>, Diagnostic> {
        let file = self.root.join(path);
        let dropped = bytes.is_empty() && self.stamps.get(&file).is_some_and(|s| s.len > 0);
        if !dropped {
            return Ok(std::borrow::Cow::Borrowed(bytes));
        }
        std::fs::read(&file)
            .map(std::borrow::Cow::Owned)
            .map_err(|e| {
                Diagnostic::error(
                    Location::file(path),
                    format!("cannot read the file again: {e}"),
                )
            })
    }
}

/// What identifies one version of a file without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// Length in bytes.
    pub len: u64,
    /// Modification time.
    pub modified: Option<std::time::SystemTime>,
    /// Hash of the path (relative to the root) and the bytes.
    pub key: crate::cache::Key,
}

/// `p` relative to `root`, `/`-separated.
fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Reads every input of the site under `config.root` (the I/O edge).
pub(crate) fn read_sources(config: &Config) -> Result<Sources, Diagnostics> {
    read_sources_reusing(config, None, &[])
}

/// The fast path of a rebuild: when every changed path is an existing, already known file
/// under `content/`, only those files are read again; nothing is walked.
fn reread_changed(
    mut previous: Sources,
    changed: &[std::path::PathBuf],
) -> Result<Sources, Sources> {
    let content = previous.root.join("content");
    let known = changed
        .iter()
        .all(|p| p.starts_with(&content) && previous.stamps.contains_key(p) && p.is_file());
    if !known || changed.is_empty() {
        return Err(previous);
    }
    for path in changed {
        let Ok(bytes) = std::fs::read(path) else {
            return Err(previous);
        };
        let meta = std::fs::metadata(path).ok();
        let rel_root = rel(&previous.root, path);
        let rel_content = rel(&content, path);
        let slot = previous
            .markdown
            .iter_mut()
            .chain(previous.data.iter_mut())
            .find(|(k, _)| *k == rel_root)
            .or_else(|| previous.assets.iter_mut().find(|(k, _)| *k == rel_content));
        let Some((key_path, slot)) = slot else {
            return Err(previous);
        };
        let key = source_key(key_path, &bytes);
        *slot = bytes;
        previous.stamps.insert(
            path.clone(),
            Stamp {
                len: meta.as_ref().map_or(0, |m| m.len()),
                modified: meta.and_then(|m| m.modified().ok()),
                key,
            },
        );
    }
    Ok(previous)
}

/// Like [`read_sources`], but reuses the bytes of `previous` for files whose size and
/// modification time are unchanged and that are not in `changed` (the watcher's batch).
pub(crate) fn read_sources_reusing(
    config: &Config,
    previous: Option<Sources>,
    changed: &[std::path::PathBuf],
) -> Result<Sources, Diagnostics> {
    let previous = match previous.filter(|p| p.root == config.root) {
        Some(p) => match reread_changed(p, changed) {
            Ok(updated) => return Ok(updated),
            Err(p) => Some(p),
        },
        None => None,
    };
    let mut known = Known::from(previous);
    let mut diags = Diagnostics::new();
    let mut warnings = Diagnostics::new();
    let mut found = walk_content(config, &mut known, changed, &mut diags, &mut warnings);
    diags.extend(read_found(&mut found, &config.root));
    let mut sources = Sources {
        root: config.root.clone(),
        ..Sources::default()
    };
    sources.warnings = warnings;
    for f in found {
        let Some((bytes, key)) = f.read else { continue };
        let (len, modified) = f.stamp;
        sources.stamps.insert(f.path, Stamp { len, modified, key });
        match f.class {
            ContentKind::Data => sources.data.push((f.key_path, bytes)),
            ContentKind::Markdown => sources.markdown.push((f.key_path, bytes)),
            ContentKind::Asset => sources.assets.push((f.key_path, bytes)),
        }
    }
    read_theme(config, &mut sources, &mut diags);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(sources)
    }
}

/// The bytes and stamps of the previous read, by path, for reuse.
#[derive(Default)]
struct Known {
    bytes: HashMap<String, Vec<u8>>,
    stamps: HashMap<std::path::PathBuf, Stamp>,
}

impl From<Option<Sources>> for Known {
    fn from(previous: Option<Sources>) -> Self {
        previous.map_or_else(Known::default, |p| Known {
            bytes: p
                .markdown
                .into_iter()
                .chain(p.data)
                .chain(p.assets)
                .collect(),
            stamps: p.stamps,
        })
    }
}

/// Walks `content/` (sorted; hidden files and the output folder skipped; symbolic links
/// followed while they stay inside the site folder), taking the bytes of unchanged files
/// from `known`; the rest are left to [`read_found`].
fn walk_content(
    config: &Config,
    known: &mut Known,
    changed: &[std::path::PathBuf],
    diags: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Vec<Found> {
    let root = &config.root;
    let content = root.join("content");
    let output = config.output_dir.canonicalize().ok();
    let mut found = Vec::new();
    if !content.is_dir() {
        if content.exists() {
            diags.push(Diagnostic::error(
                Location::file("content"),
                "`content` must be a folder (articles and the dataset go in it), not a file",
            ));
        }
        return found;
    }
    if content.join("data").is_file() {
        diags.push(Diagnostic::error(
            Location::file("content/data"),
            "`content/data` must be a folder of dataset files (*.yaml), not a file",
        ));
    }
    let links = LinkGuard::new(root, &content);
    let walk = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| links.admits(e));
    for entry in walk {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                match e.loop_ancestor() {
                    Some(_) => warnings.push(walk_error(root, &content, &e)),
                    None => diags.push(walk_error(root, &content, &e)),
                }
                continue;
            }
        };
        let path = entry.path();
        let skipped = !entry.file_type().is_file()
            || is_hidden(path, &content)
            || output.as_deref().is_some_and(|o| path.starts_with(o));
        if skipped {
            continue;
        }
        let class = classify_content(path.strip_prefix(&content).unwrap_or(path));
        let key_path = match class {
            ContentKind::Data | ContentKind::Markdown => rel(root, path),
            ContentKind::Asset => rel(&content, path),
        };
        let meta = entry.metadata().ok();
        let stamp = (
            meta.as_ref().map_or(0, |m| m.len()),
            meta.and_then(|m| m.modified().ok()),
        );
        let unchanged = known
            .stamps
            .get(path)
            .filter(|s| (s.len, s.modified) == stamp && stamp.1.is_some())
            .filter(|_| !changed.iter().any(|c| c == path));
        let read = match (unchanged, known.bytes.remove(key_path.as_str())) {
            (Some(s), Some(bytes)) => Some((bytes, s.key)),
            _ => None,
        };
        found.push(Found {
            path: path.to_path_buf(),
            key_path,
            class,
            stamp,
            read,
        });
    }
    warnings.extend(links.into_warnings());
    found
}

/// A walk error: a symbolic link that loops back to a folder above it is skipped with a
/// warning; anything else (a folder that cannot be read) is an error.
fn walk_error(root: &Path, content: &Path, e: &walkdir::Error) -> Diagnostic {
    let at = Location::file(rel(root, e.path().unwrap_or(content)));
    match e.loop_ancestor() {
        Some(ancestor) => Diagnostic::warning(
            at,
            format!(
                "symbolic link loops back to {}: skipped",
                rel(root, ancestor)
            ),
        ),
        None => Diagnostic::error(at, e.to_string()),
    }
}

/// Decides which symbolic links the content walk follows: those that stay inside the site
/// folder or inside the content folder (which may itself be a link, e.g. to a notes vault
/// kept elsewhere). The others are skipped, each with a warning.
struct LinkGuard {
    root: std::path::PathBuf,
    /// The real site folder and the real content folder.
    allowed: [std::path::PathBuf; 2],
    skipped: std::cell::RefCell<Diagnostics>,
}

impl LinkGuard {
    fn new(root: &Path, content: &Path) -> Self {
        let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        LinkGuard {
            root: root.to_path_buf(),
            allowed: [real(root), real(content)],
            skipped: Default::default(),
        }
    }

    /// Whether the walk may enter or take `entry` (the content folder itself always).
    fn admits(&self, entry: &walkdir::DirEntry) -> bool {
        if !entry.path_is_symlink() || entry.depth() == 0 {
            return true;
        }
        let why = match entry.path().canonicalize() {
            Ok(target) if self.allowed.iter().any(|a| target.starts_with(a)) => return true,
            Ok(target) => format!(
                "symbolic link to {} leaves the site folder: skipped",
                target.display()
            ),
            Err(e) => format!("symbolic link cannot be followed ({e}): skipped"),
        };
        let at = Location::file(rel(&self.root, entry.path()));
        self.skipped.borrow_mut().push(Diagnostic::warning(at, why));
        false
    }

    fn into_warnings(self) -> Diagnostics {
        self.skipped.into_inner()
    }
}

/// Reads (in parallel) every found file not reused from the previous read: on a cold disk
/// cache, reading thousands of small files one after another is the slowest part of a large
/// build's start. Returns the errors of files that could not be read.
fn read_found(found: &mut [Found], root: &Path) -> Diagnostics {
    let diags = std::sync::Mutex::new(Diagnostics::new());
    found
        .par_iter_mut()
        .filter(|f| f.read.is_none())
        .for_each(|f| {
            f.read = match std::fs::read(&f.path) {
                Ok(b) => {
                    let key = source_key(&f.key_path, &b);
                    Some((b, key))
                }
                Err(e) => {
                    let at = Location::file(rel(root, &f.path));
                    let d = Diagnostic::error(at, format!("cannot read: {e}"));
                    diags.lock().expect("read diagnostics").push(d);
                    None
                }
            };
        });
    diags.into_inner().expect("read diagnostics")
}

/// Reads the theme's template and static-file overrides (`themes/<theme>/`).
fn read_theme(config: &Config, sources: &mut Sources, diags: &mut Diagnostics) {
    let theme_dir = config.root.join("themes").join(&config.theme);
    match templates::read_overrides(&theme_dir) {
        Ok(t) => sources.templates = t,
        Err(d) => diags.push(d),
    }
    let static_dir = theme_dir.join("static");
    if !static_dir.is_dir() {
        return;
    }
    let files = walkdir::WalkDir::new(&static_dir).sort_by_file_name();
    for e in files
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        match std::fs::read(e.path()) {
            Ok(b) => sources.statics.push((rel(&static_dir, e.path()), b)),
            Err(err) => diags.push(Diagnostic::error(Location::file(e.path()), err.to_string())),
        }
    }
}

/// What a file under `content/` is, and so where it goes in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContentKind {
    /// An article (`*.md`, `*.markdown` outside `data/`).
    Markdown,
    /// A dataset file (`data/*.yaml`, `data/*.yml`).
    Data,
    /// Anything else: copied into the site as it is.
    Asset,
}

/// Classifies a path relative to `content/`: the one rule the reader and the watcher share.
pub(crate) fn classify_content(rel: &Path) -> ContentKind {
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    match (rel.starts_with("data"), ext) {
        (true, "yaml" | "yml") => ContentKind::Data,
        (false, "md" | "markdown") => ContentKind::Markdown,
        _ => ContentKind::Asset,
    }
}

/// A file found by the walk: its bytes and hash, reused from the previous read or read now
/// (`None` until read, or when reading failed).
struct Found {
    path: std::path::PathBuf,
    key_path: String,
    class: ContentKind,
    stamp: (u64, Option<std::time::SystemTime>),
    read: Option<(Vec<u8>, crate::cache::Key)>,
}

fn is_hidden(path: &Path, base: &Path) -> bool {
    path.strip_prefix(base)
        .map(|p| {
            p.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .unwrap_or(false)
}

/// The content hash of a source file: from its stamp when read, else computed.
pub(crate) fn stamp_key(sources: &Sources, rel_path: &str, bytes: &[u8]) -> crate::cache::Key {
    sources
        .stamps
        .get(&sources.root.join(rel_path))
        .map(|s| s.key)
        .unwrap_or_else(|| source_key(rel_path, bytes))
}

/// The content hash of a source file: its path (relative to the site root) and its bytes.
fn source_key(rel_path: &str, bytes: &[u8]) -> crate::cache::Key {
    KeyBuilder::new("source")
        .str(rel_path)
        .bytes(bytes)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_markdown_is_read_again_and_an_empty_file_stays_empty() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), "# A\n").unwrap();
        std::fs::write(root.join("content/e.md"), "").unwrap();
        std::fs::write(root.join("srm-docs.toml"), "title = \"T\"\n").unwrap();
        let config = Config::load(&root).unwrap();
        let mut sources = read_sources(&config).unwrap();
        sources.drop_markdown_bytes();
        let bytes = |path: &str| {
            let listed = &sources.markdown.iter().find(|(p, _)| p == path).unwrap().1;
            assert!(listed.is_empty());
            sources.markdown_bytes(path, listed).unwrap().into_owned()
        };
        assert_eq!(bytes("content/a.md"), b"# A\n");
        assert_eq!(bytes("content/e.md"), b"");
        std::fs::remove_file(root.join("content/a.md")).unwrap();
        let err = sources.markdown_bytes("content/a.md", &[]).unwrap_err();
        assert!(
            err.message.contains("cannot read the file again"),
            "{}",
            err.message
        );
    }

    #[test]
    fn content_files_are_classified_by_folder_and_extension() {
        let kind = |p: &str| classify_content(Path::new(p));
        assert_eq!(kind("articles/a.md"), ContentKind::Markdown);
        assert_eq!(kind("notes.markdown"), ContentKind::Markdown);
        assert_eq!(kind("data/services.yaml"), ContentKind::Data);
        assert_eq!(kind("data/sub/x.yml"), ContentKind::Data);
        assert_eq!(kind("data/readme.md"), ContentKind::Asset);
        assert_eq!(kind("articles/config.yaml"), ContentKind::Asset);
        assert_eq!(kind("img/diagram.png"), ContentKind::Asset);
        assert_eq!(kind("database/x.yaml"), ContentKind::Asset);
    }
}
