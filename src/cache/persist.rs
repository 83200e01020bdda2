//! The on-disk cache used by `build`: the rendered pages and page groups of the last build,
//! so an unchanged input skips highlighting, Markdown and Tera. One pack file, versioned by
//! tool version and format ([`format`]); every entry carries its own checksum, so a corrupt
//! entry is detected and ignored (with a warning), and a foreign or damaged file is never
//! trusted. The cache can only skip work: keys hash every input, so the output is the same
//! as a cold build's.

mod format;
mod pages;
mod writer;

pub(crate) use pages::PageIndex;
pub(crate) use writer::Writer;

use super::{BuildCache, Key};
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

/// Opens `dir/build-cache.bin` (a missing file is simply empty): every entry's checksum
/// is verified, page groups are loaded, and rendered pages are only located — an index
/// of offsets in [`BuildCache::disk_pages`] reads each one when a build asks for it, so
/// a warm build never holds the whole cache in memory.
pub(crate) fn load(dir: &Path, cache: &mut BuildCache) -> LoadReport {
    let mut report = LoadReport::default();
    let Ok(file) = std::fs::File::open(dir.join(format::FILE)) else {
        return report;
    };
    let mut r = io::BufReader::with_capacity(1 << 20, &file);
    let mut offset = match format::read_header(&mut r) {
        Ok(len) => len,
        Err(why) => {
            report.rejected = Some(why);
            return report;
        }
    };
    let mut entries = HashMap::new();
    let mut buf = Vec::new();
    loop {
        let head = match format::read_entry(&mut r, &mut buf) {
            Ok(Some(head)) => head,
            Ok(None) => break,
            Err(_) => {
                report.corrupt += 1;
                break;
            }
        };
        let payload_at = offset + format::ENTRY_PREFIX;
        offset = payload_at + buf.len() as u64;
        if *blake3::hash(&buf).as_bytes() != head.sum {
            report.corrupt += 1;
            continue;
        }
        match head.kind {
            format::PAGE => {
                entries.insert(head.key, (payload_at, buf.len() as u64, head.sum));
                report.loaded += 1;
            }
            format::GROUP => match format::decode_group(&buf) {
                Some(stubs) => cache.groups.seed(head.key, Arc::new(stubs)),
                None => report.corrupt += 1,
            },
            _ => report.corrupt += 1,
        }
    }
    drop(r);
    if !entries.is_empty() {
        cache.disk_pages = Some(PageIndex::new(file, entries));
    }
    report
}

/// Writes the pages of the last build to `dir/build-cache.bin`, streaming entry by entry
/// into a temporary file that is renamed into place when complete.
pub(crate) fn save(dir: &Path, cache: &BuildCache) -> io::Result<()> {
    let w = Writer::create(dir)?;
    for (key, v) in cache.pages.entries() {
        w.append(&key, &v)?;
    }
    // Pages reused from the previous file are copied as they are, never decoded.
    if let Some(disk) = &cache.disk_pages {
        let reused: Vec<Key> = disk.used_keys();
        for key in reused {
            if cache.pages.peek(&key).is_none() {
                if let Some(payload) = disk.payload(&key) {
                    w.append_entry(format::PAGE, &key, &payload)?;
                }
            }
        }
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
            links: Vec::new(),
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
