//! The mark srm-docs leaves in every output folder it writes: `.srm-docs-output`, naming the
//! tool and listing every file it wrote. A later build replaces a folder only when it finds
//! this mark (or the folder is empty), and refuses one holding files the list does not name.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

/// File name of the marker inside an output folder.
pub(crate) const MARKER: &str = ".srm-docs-output";

/// File name of the marker inside a staging folder (what proves a leftover is ours).
pub(crate) const STAGING_MARKER: &str = ".srm-docs-staging";

/// First line of a marker; the rest lists the files, one a line: each file's stamp (see
/// [`Stamp`]; `- -` when unknown) and its `/`-separated path.
const HEADER: &str = "srm-docs output folder, format 2";

/// First line of the markers of earlier versions, which list paths only.
const HEADER_1: &str = "srm-docs output folder, format 1";

/// What a build knew of a file it left in the output: the hash and length of its bytes. A
/// later build that would write the same bytes leaves the file alone when it still has
/// that length and was not modified after the marker was written (nobody changed it since).
/// The marker holds no times, so two builds of the same site write the same marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// BLAKE3 of the bytes.
    pub hash: [u8; 32],
    /// Length in bytes.
    pub len: u64,
}

impl Stamp {
    /// True when the regular file at `path` has this stamp's length and was last modified
    /// no later than `marked` (the marker's modification time).
    pub(crate) fn matches(&self, path: &Path, marked: std::time::SystemTime) -> bool {
        std::fs::symlink_metadata(path).is_ok_and(|m| {
            m.is_file() && m.len() == self.len && m.modified().is_ok_and(|t| t <= marked)
        })
    }
}

/// The files of a marker with their stamps (`None` where unknown).
pub(crate) type Listing = BTreeMap<String, Option<Stamp>>;

/// The text of a marker listing `files`.
pub(crate) fn render(files: &Listing) -> String {
    let mut text = format!(
        "{HEADER}\n# Written by srm-docs {}. The next build replaces or updates this folder;\n\
         # files not listed below make it refuse to. Files written (hash, length, path):\n",
        env!("CARGO_PKG_VERSION")
    );
    for (f, stamp) in files {
        match stamp {
            Some(s) => {
                let hash = blake3::Hash::from_bytes(s.hash).to_hex();
                text.push_str(&format!("{hash} {} ", s.len));
            }
            None => text.push_str("- - "),
        }
        text.push_str(f);
        text.push('\n');
    }
    text
}

/// The files a marker lists with their stamps, or `None` when `text` is not a marker.
pub(crate) fn parse_listing(text: &str) -> Option<Listing> {
    let mut lines = text.lines();
    let stamped = match lines.next()? {
        HEADER => true,
        HEADER_1 => false,
        _ => return None,
    };
    let mut files = Listing::new();
    for line in lines.filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if !stamped {
            files.insert(line.to_string(), None);
            continue;
        }
        let mut parts = line.splitn(3, ' ');
        let (hash, len, path) = (parts.next()?, parts.next()?, parts.next()?);
        let stamp = (|| {
            Some(Stamp {
                hash: *blake3::Hash::from_hex(hash).ok()?.as_bytes(),
                len: len.parse().ok()?,
            })
        })();
        files.insert(path.to_string(), stamp);
    }
    Some(files)
}

/// The files a marker lists, or `None` when `text` is not a marker.
pub(crate) fn parse(text: &str) -> Option<BTreeSet<String>> {
    parse_listing(text).map(|files| files.into_keys().collect())
}

/// The stamped files the marker of the folder at `dir` lists, and when the marker was
/// written (empty, and the epoch, when there is none).
pub(crate) fn stamps(dir: &Path) -> (BTreeMap<String, Stamp>, std::time::SystemTime) {
    let path = dir.join(MARKER);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let files = parse_listing(&text).unwrap_or_default();
    let stamps = (files.into_iter())
        .filter_map(|(path, stamp)| Some((path, stamp?)))
        .collect();
    let marked = std::fs::metadata(&path).and_then(|m| m.modified());
    (stamps, marked.unwrap_or(std::time::UNIX_EPOCH))
}

/// What stands at an output path before a build replaces it.
#[derive(Debug)]
pub(crate) enum Existing {
    /// Nothing: the folder will be created.
    Missing,
    /// An empty folder.
    Empty,
    /// A folder srm-docs wrote, with the files its marker lists.
    Ours(BTreeSet<String>),
    /// A folder without a marker, or with files its marker does not list (a few named).
    Foreign {
        /// Some of the entries srm-docs did not write.
        samples: Vec<String>,
        /// How many such entries there are.
        count: usize,
        /// The files the marker lists, when there is one.
        listed: BTreeSet<String>,
    },
}

/// A first look at `dir` without walking it: whether it is missing, empty, carries a valid
/// marker (`Ours`, with the files it lists; unlisted files are found only by [`examine`]),
/// or neither (`Foreign`, naming a few top-level entries). A file is an error.
pub(crate) fn glance(dir: &Path) -> io::Result<Existing> {
    if !is_folder(dir)? {
        return Ok(Existing::Missing);
    }
    match std::fs::read_to_string(dir.join(MARKER)) {
        Ok(text) => {
            if let Some(files) = parse(&text) {
                return Ok(Existing::Ours(files));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<io::Result<_>>()?;
    if names.is_empty() {
        return Ok(Existing::Empty);
    }
    names.sort();
    Ok(Existing::Foreign {
        count: names.len(),
        samples: names.into_iter().take(5).collect(),
        listed: BTreeSet::new(),
    })
}

/// Examines the folder at `dir`, walking all of it. A file (or anything else that is not a
/// folder) is an error: a build never replaces it.
pub(crate) fn examine(dir: &Path) -> io::Result<Existing> {
    if !is_folder(dir)? {
        return Ok(Existing::Missing);
    }
    let listed = match std::fs::read_to_string(dir.join(MARKER)) {
        Ok(text) => parse(&text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let mut foreign = Vec::new();
    let mut count = 0;
    let allowed: Option<std::collections::HashSet<String>> = listed
        .as_ref()
        .map(|files| with_parents(files).into_iter().collect());
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let rel = relative(dir, entry.path());
        let ours = (rel == MARKER && listed.is_some())
            || allowed.as_ref().is_some_and(|a| a.contains(&rel));
        if !ours {
            count += 1;
            if foreign.len() < 5 {
                foreign.push(rel);
            }
        }
    }
    Ok(match (listed, count) {
        (_, 0) if std::fs::read_dir(dir)?.next().is_none() => Existing::Empty,
        (Some(files), 0) => Existing::Ours(files),
        (listed, _) => Existing::Foreign {
            samples: foreign,
            count,
            listed: listed.unwrap_or_default(),
        },
    })
}

/// Whether `dir` exists (following links); something there that is not a folder is an
/// error, since a build never replaces it.
fn is_folder(dir: &Path) -> io::Result<bool> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(true),
        Ok(_) => Err(io::Error::other("it is a file, not a folder")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The listed files and every folder above them.
fn with_parents(files: &BTreeSet<String>) -> BTreeSet<String> {
    let mut all = files.clone();
    for f in files {
        let mut path = f.as_str();
        while let Some(i) = path.rfind('/') {
            path = &path[..i];
            if !all.insert(path.to_string()) {
                break;
            }
        }
    }
    all
}

/// `path` relative to `base`, `/`-separated.
fn relative(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .map(PathBuf::from)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_marker_round_trips_and_other_text_is_not_one() {
        let list = files(&["index.html", "a/b/index.html"]);
        let stamp = Stamp {
            hash: [7; 32],
            len: 12,
        };
        let listing: Listing = [
            ("index.html".to_string(), Some(stamp)),
            ("a/b/index.html".to_string(), None),
        ]
        .into_iter()
        .collect();
        assert_eq!(parse_listing(&render(&listing)), Some(listing.clone()));
        assert_eq!(parse(&render(&listing)), Some(list.clone()));
        let older = "srm-docs output folder, format 1\n# comment\nindex.html\na/b/index.html\n";
        assert_eq!(parse(older), Some(list));
        assert_eq!(parse("srm-docs output folder, format 3\nx\n"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn folders_are_classified_by_what_they_hold() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        assert!(matches!(examine(&dir).unwrap(), Existing::Missing));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(matches!(examine(&dir).unwrap(), Existing::Empty));
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::fs::write(dir.join("a/b/index.html"), "x").unwrap();
        let listing = [("a/b/index.html".to_string(), None)].into_iter().collect();
        std::fs::write(dir.join(MARKER), render(&listing)).unwrap();
        assert!(matches!(examine(&dir).unwrap(), Existing::Ours(f) if f.len() == 1));
        std::fs::write(dir.join("a/CNAME"), "kb.example.com").unwrap();
        match examine(&dir).unwrap() {
            Existing::Foreign {
                samples,
                count,
                listed,
            } => {
                assert_eq!((samples, count), (vec!["a/CNAME".to_string()], 1));
                assert_eq!(listed.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        std::fs::remove_file(dir.join(MARKER)).unwrap();
        assert!(matches!(
            examine(&dir).unwrap(),
            Existing::Foreign { count: 4, .. }
        ));
        assert!(matches!(
            glance(&dir).unwrap(),
            Existing::Foreign { count: 1, .. }
        ));
        let file = tmp.path().join("file");
        std::fs::write(&file, "precious").unwrap();
        assert!(examine(&file).is_err() && glance(&file).is_err());
    }
}
