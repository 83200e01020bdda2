//! The cache file's bytes, both ways. A file is the magic `SRMCACHE`, a length-prefixed
//! version tag (tool version and format number), then entries: a kind byte, the 32-byte key,
//! the 32-byte BLAKE3 checksum of the payload, the payload's length (8 bytes, little-endian)
//! and the payload. Pages are postcard-encoded [`PageArtifacts`](crate::cache::PageArtifacts);
//! page groups are postcard-encoded stubs naming their template; search terms are
//! postcard-encoded [`DocTerms`](crate::site::search::DocTerms); generated files are
//! their bytes.

use crate::cache::{Key, PageStub};
use std::io::{self, Read, Write};

const MAGIC: &[u8; 8] = b"SRMCACHE";
const FORMAT: u32 = 4;

/// The cache file's name inside the cache folder.
pub(super) const FILE: &str = "build-cache.bin";

/// Entry kind: one rendered page.
pub(crate) const PAGE: u8 = b'P';
/// Entry kind: the page stubs of one page group.
pub(super) const GROUP: u8 = b'G';
/// Entry kind: one page's search terms.
pub(crate) const TERMS: u8 = b'T';
/// Entry kind: one generated file (a search shard, the sitemap, a data export …).
pub(crate) const EXTRA: u8 = b'X';

/// Bytes of an entry before its payload: kind, key, checksum, length.
pub(super) const ENTRY_PREFIX: u64 = 1 + 32 + 32 + 8;

/// The head of an entry read back.
pub(super) struct EntryHead {
    /// [`PAGE`], [`GROUP`], [`TERMS`], [`EXTRA`] or an unknown byte.
    pub(super) kind: u8,
    /// The entry's key.
    pub(super) key: Key,
    /// The checksum the writer recorded for the payload.
    pub(super) sum: [u8; 32],
    /// The payload's length.
    pub(super) len: u64,
}

/// The package version, the file format and the hash of the code that wrote the file: a
/// cache written by other code is never read.
fn version_tag() -> Vec<u8> {
    let code = env!("SRM_SOURCE_HASH");
    format!("{}:{FORMAT}:{code}", env!("CARGO_PKG_VERSION")).into_bytes()
}

/// Writes the magic and the version tag.
pub(super) fn write_header(w: &mut impl Write) -> io::Result<()> {
    w.write_all(MAGIC)?;
    let tag = version_tag();
    w.write_all(&(tag.len() as u64).to_le_bytes())?;
    w.write_all(&tag)
}

/// Checks the magic and the version tag; gives the header's length, or why the file is not
/// one this build may trust.
pub(super) fn read_header(r: &mut impl Read) -> Result<u64, String> {
    let mut magic = [0u8; 8];
    if r.read_exact(&mut magic).is_err() || &magic != MAGIC {
        return Err("not an srm-docs cache file".into());
    }
    let mut tag = Vec::new();
    if read_chunk(r, &mut tag).is_err() {
        return Err("truncated header".into());
    }
    if tag != version_tag() {
        return Err(format!(
            "written by another version ({})",
            String::from_utf8_lossy(&tag)
        ));
    }
    Ok((MAGIC.len() + 8 + tag.len()) as u64)
}

/// Writes one entry whose payload checksum `sum` is already computed.
pub(super) fn write_entry(
    w: &mut impl Write,
    kind: u8,
    key: &Key,
    sum: &Key,
    payload: &[u8],
) -> io::Result<()> {
    w.write_all(&[kind])?;
    w.write_all(key.as_bytes())?;
    w.write_all(sum.as_bytes())?;
    w.write_all(&(payload.len() as u64).to_le_bytes())?;
    w.write_all(payload)
}

/// Reads the next entry's head, and its payload into `buf`; `Ok(None)` at the end of the
/// file (a head cut short counts as the end).
#[cfg(test)]
pub(super) fn read_entry(r: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<Option<EntryHead>> {
    let Some(head) = read_head(r)? else {
        return Ok(None);
    };
    read_payload(r, head.len, buf)?;
    Ok(Some(head))
}

/// Reads the next entry's head (up to its payload); `Ok(None)` at the end of the file (a
/// head cut short counts as the end).
pub(super) fn read_head(r: &mut impl Read) -> io::Result<Option<EntryHead>> {
    let mut head = [0u8; 1 + 32 + 32 + 8];
    match r.read_exact(&mut head) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    Ok(Some(EntryHead {
        kind: head[0],
        key: Key::from_bytes(head[1..33].try_into().expect("32 bytes")),
        sum: head[33..65].try_into().expect("32 bytes"),
        len: u64::from_le_bytes(head[65..].try_into().expect("8 bytes")),
    }))
}

/// Reads a payload of `len` bytes into `buf` (refusing absurd lengths).
pub(super) fn read_payload(r: &mut impl Read, len: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    if len > 1 << 32 {
        return Err(io::Error::other("chunk too large"));
    }
    buf.clear();
    buf.resize(len as usize, 0);
    r.read_exact(buf)
}

/// Reads a length-prefixed chunk into `buf` (refusing absurd lengths).
fn read_chunk(r: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<()> {
    let mut len = [0u8; 8];
    r.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    if len > 1 << 32 {
        return Err(io::Error::other("chunk too large"));
    }
    buf.clear();
    buf.resize(len as usize, 0);
    r.read_exact(buf)
}

/// A group stub as stored: the template by name.
type StoredStub = (String, String, String, [u8; 32], bool);

/// The payload of a [`GROUP`] entry.
pub(super) fn encode_group(stubs: &[PageStub]) -> io::Result<Vec<u8>> {
    let stored: Vec<StoredStub> = stubs
        .iter()
        .map(|s| {
            (
                s.path.clone(),
                s.url.clone(),
                s.template.to_string(),
                *s.key.as_bytes(),
                s.in_sitemap,
            )
        })
        .collect();
    postcard::to_stdvec(&stored).map_err(io::Error::other)
}

/// Decodes a group; `None` when it names a template this build does not have.
pub(super) fn decode_group(bytes: &[u8]) -> Option<Vec<PageStub>> {
    let stored: Vec<StoredStub> = postcard::from_bytes(bytes).ok()?;
    stored
        .into_iter()
        .map(|(path, url, template, key, in_sitemap)| {
            let template = crate::render::templates::DEFAULT_TEMPLATES
                .iter()
                .find(|(name, _)| *name == template)?
                .0;
            Some(PageStub {
                path,
                url,
                template,
                key: Key::from_bytes(key),
                in_sitemap,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_as_written_and_a_cut_head_is_the_end() {
        let (key, payload) = (blake3::hash(b"k"), b"payload".as_slice());
        let mut file = Vec::new();
        write_header(&mut file).unwrap();
        write_entry(&mut file, PAGE, &key, &blake3::hash(payload), payload).unwrap();
        let mut r = file.as_slice();
        let header_len = read_header(&mut r).unwrap();
        assert_eq!(
            header_len as usize + ENTRY_PREFIX as usize + payload.len(),
            file.len()
        );
        let mut buf = Vec::new();
        let head = read_entry(&mut r, &mut buf).unwrap().unwrap();
        assert_eq!((head.kind, head.key, buf.as_slice()), (PAGE, key, payload));
        assert_eq!(head.sum, *blake3::hash(payload).as_bytes());
        assert!(read_entry(&mut r, &mut buf).unwrap().is_none());
        assert!(read_entry(&mut &[PAGE, 1, 2][..], &mut buf)
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_foreign_or_other_version_header_is_refused() {
        let refused = read_header(&mut &b"PK\x03\x04 not a cache"[..]).unwrap_err();
        assert_eq!(refused, "not an srm-docs cache file");
        let mut file = MAGIC.to_vec();
        file.extend(3u64.to_le_bytes());
        file.extend(b"0:1");
        let refused = read_header(&mut file.as_slice()).unwrap_err();
        assert_eq!(refused, "written by another version (0:1)");
        assert_eq!(
            read_header(&mut &MAGIC[..]).unwrap_err(),
            "truncated header"
        );
    }
}
