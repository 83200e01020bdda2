//! The on-disk cache used by `build`: the rendered pages, page groups, search terms and
//! generated files of the last build, so an unchanged input skips highlighting, Markdown,
//! Tera, the search index's tokenising and the compression of its files. One pack file, versioned by
//! tool version and format ([`format`]); every entry carries its own checksum, so a corrupt
//! entry is detected and ignored (with a warning), and a foreign or damaged file is never
//! trusted. The cache can only skip work: keys hash every input, so the output is the same
//! as a cold build's.

mod entries;
mod format;
mod writer;

pub(crate) use entries::DiskIndex;
pub(crate) use format::{EXTRA, PAGE, TERMS};
pub(crate) use writer::Writer;

use super::BuildCache;
use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// What happened while loading.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct LoadReport {
    /// Entries loaded.
    pub loaded: usize,
    /// Entries whose checksum or encoding was wrong (ignored).
    pub corrupt: usize,
    /// Why the whole file was ignored, if it was.
    pub rejected: Option<String>,
}

/// Opens `dir/build-cache.bin` (a missing file is simply empty): page groups are read,
/// verified against their checksums and loaded; the other entries are only located — an
/// index of offsets in [`BuildCache::disk`] reads and verifies each one when a build asks
/// for it, so a warm build neither reads nor holds the whole cache.
pub(crate) fn load(dir: &Path, cache: &mut BuildCache) -> LoadReport {
    let mut report = LoadReport::default();
    let Ok(file) = std::fs::File::open(dir.join(format::FILE)) else {
        return report;
    };
    let size = file.metadata().map_or(0, |m| m.len());
    let mut r = io::BufReader::with_capacity(1 << 16, &file);
    let mut offset = match format::read_header(&mut r) {
        Ok(len) => len,
        Err(why) => {
            report.rejected = Some(why);
            return report;
        }
    };
    let mut entries = HashMap::new();
    let mut buf = Vec::new();
    while let Ok(Some(head)) = format::read_head(&mut r) {
        let payload_at = offset + format::ENTRY_PREFIX;
        offset = payload_at.saturating_add(head.len);
        if offset > size {
            report.corrupt += 1; // cut short
            break;
        }
        match head.kind {
            format::PAGE | format::TERMS | format::EXTRA => {
                entries.insert((head.kind, head.key), (payload_at, head.len, head.sum));
                report.loaded += 1;
                if r.seek_relative(head.len as i64).is_err() {
                    break;
                }
            }
            format::GROUP => {
                if format::read_payload(&mut r, head.len, &mut buf).is_err() {
                    report.corrupt += 1;
                    break;
                }
                let sound = *blake3::hash(&buf).as_bytes() == head.sum;
                match format::decode_group(&buf).filter(|_| sound) {
                    Some(stubs) => cache.groups.seed(head.key, Arc::new(stubs)),
                    None => report.corrupt += 1,
                }
            }
            _ => {
                report.corrupt += 1;
                if r.seek_relative(head.len as i64).is_err() {
                    break;
                }
            }
        }
    }
    drop(r);
    if !entries.is_empty() {
        cache.disk = Some(DiskIndex::new(file, entries));
    }
    report
}

/// Writes what the last build used to `dir/build-cache.bin`, streaming entry by entry
/// into a temporary file that is renamed into place when complete.
pub(crate) fn save(dir: &Path, cache: &BuildCache) -> io::Result<()> {
    let w = Writer::create(dir)?;
    for (key, v) in cache.pages.entries() {
        w.append(&key, &v)?;
    }
    w.finish(cache)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::PageArtifacts;

    fn page(html: &str) -> PageArtifacts {
        PageArtifacts {
            html: html.into(),
            ids: ["top".to_string()].into_iter().collect(),
            search: Some(Default::default()),
            links: Default::default(),
            diagnostics: Default::default(),
        }
    }

    #[test]
    fn a_streamed_cache_loads_back_and_an_abandoned_one_keeps_the_previous() {
        let dir = std::env::temp_dir().join(format!("srm-cache-w-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (k1, k2) = (blake3::hash(b"1"), blake3::hash(b"2"));
        let w = Writer::create(&dir).unwrap();
        w.append(&k1, &page("<p>one</p>")).unwrap();
        w.append(&k2, &page("<p>two</p>")).unwrap();
        w.finish(&BuildCache::default()).unwrap();
        let mut cache = BuildCache::default();
        let report = load(&dir, &mut cache);
        assert_eq!((report.loaded, report.corrupt), (2, 0));
        assert_eq!(cache.page(&k2).unwrap().html, "<p>two</p>");
        assert!(cache.page(&blake3::hash(b"3")).is_none());
        {
            let w = Writer::create(&dir).unwrap();
            w.append(&k1, &page("<p>changed</p>")).unwrap();
            // Dropped unfinished: a failed build.
        }
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [format::FILE], "no temporary file is left");
        let mut cache = BuildCache::default();
        assert_eq!(load(&dir, &mut cache).loaded, 2);
        assert_eq!(cache.page(&k1).unwrap().html, "<p>one</p>");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
