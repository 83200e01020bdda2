//! The offline full-text search index, in shards under `search/` that the browser loads on
//! first use (see `themes/default/static/search.js`). Every file is a script that hands its
//! payload to `srmSearchShard(name, payload)`, so the same files load over HTTP and from a
//! folder opened from disk (`file://`, where `fetch` fails); payloads other than the small
//! root are zlib-compressed and base64-encoded.
//!
//! Per page ([`extract`]): the title, the headings with their ids and the text of `<main>`,
//! kept with the cached page. Per page version ([`terms::DocTerms`], memoised by page key,
//! kept in `build`'s cache file): the stems ([`tokens`]) and where they occur. Per build: the merge
//! ([`merged`]: patched in `serve`, from scratch in a one-shot build, which drops each
//! page's terms once merged) into vocabulary, posting and document shards ([`index`]) and
//! the "who is responsible?" table ([`answers`]); each file is re-encoded only when its
//! payload changed.

mod answers;
mod cut;
mod extract;
mod index;
mod merged;
mod terms;
mod tokens;

pub(crate) use extract::{page_doc, PageDoc};
pub(crate) use index::DocTerms;
pub(crate) use merged::Merged;

use crate::cache::{BuildCache, Key, KeyBuilder};
use crate::dataset::Kind;
use crate::output::Blob;
use crate::render::pages::RenderedPage;
use crate::site::Site;
use base64::Engine as _;
use index::Shard;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The folder of the index, under the site root.
pub(crate) const FOLDER: &str = "search";

/// Every file of the search index: (output path, bytes). A one-shot build whose pages,
/// dataset and settings are those of the cached previous build takes its files from the
/// cache as they are, without reading any page's terms.
pub(crate) fn files(
    site: &Site<'_>,
    pages: &[RenderedPage],
    cache: &BuildCache,
) -> Vec<(String, Blob)> {
    if cache.patch_search {
        return made_files(site, pages, cache, None);
    }
    let set_key = inputs_key(site, pages);
    if let Some(files) = cached_files(&set_key, cache) {
        // The pages' terms stay cached for the build after the next edit.
        let entities = entity_names(site);
        for (p, _) in indexed(pages, cache) {
            cache.touch_terms(&terms_key(p, &entities));
        }
        return files;
    }
    let keys = KeyLog::default();
    let files = made_files(site, pages, cache, Some(&keys));
    let keys = keys.into_inner().expect("search file keys");
    let listing: Option<Vec<(&str, [u8; 32])>> = (files.iter())
        .map(|(p, _)| Some((p.as_str(), *keys.get(p)?.as_bytes())))
        .collect();
    if let Some(bytes) = listing.and_then(|l| postcard::to_stdvec(&l).ok()) {
        cache.extra_or(set_key, || bytes);
    }
    files
}

/// Empties what every thread of the pool (and this one) remembers of words while counting
/// terms: stems of the written forms met (up to 100,000 per thread) and the counter's tables.
pub(crate) fn forget_words() {
    let forget = || {
        tokens::forget_stems();
        terms::forget_counter();
    };
    rayon::broadcast(|_| forget());
    forget();
}

/// Everything the search files show: each page's key, path, URL and whether it is listed,
/// the dataset and the settings (which shape URLs).
fn inputs_key(site: &Site<'_>, pages: &[RenderedPage]) -> Key {
    let mut key = KeyBuilder::new("search files");
    key.key(&site.data_key).str(&format!("{:?}", site.config));
    for p in pages {
        key.key(&p.key)
            .str(&p.path)
            .str(&p.url)
            .u64(u64::from(p.in_sitemap));
    }
    key.finish()
}

/// The files listed under `set_key` by an earlier build, when every one is still cached.
fn cached_files(set_key: &Key, cache: &BuildCache) -> Option<Vec<(String, Blob)>> {
    let listing = cache.extra(set_key)?;
    let listing: Vec<(String, [u8; 32])> = postcard::from_bytes(&listing).ok()?;
    (listing.into_iter())
        .map(|(path, key)| Some((path, cache.extra(&Key::from_bytes(key))? as Blob)))
        .collect()
}

/// Every file of the search index, made from the pages' terms: (output path, bytes); the
/// cache key of each file made goes to `keys` when given.
fn made_files(
    site: &Site<'_>,
    pages: &[RenderedPage],
    cache: &BuildCache,
    keys: Option<&KeyLog>,
) -> Vec<(String, Blob)> {
    let entities = entity_names(site);
    let indexed = indexed(pages, cache);
    let answers = answers::answers(site);
    let extra = serde_json::json!({
        "pages": indexed.len(),
        "answers": answers.is_some(),
        "docs_per_file": index::DOCS_PER_FILE,
        "stop": tokens::STOP_WORDS,
    });
    let file = |name: &str, json: &str| encoded(name, json, cache, keys);
    let (mut files, docs) = if cache.patch_search {
        let mut merged = cache.search_index.lock().expect("search index");
        kept_merge(&mut merged, site, &indexed, &entities, extra, cache)
    } else {
        // The document files do not depend on the merge: made beside it.
        rayon::join(
            || scratch_merge(&indexed, &entities, extra, cache, &file),
            || {
                doc_files(
                    site,
                    &indexed,
                    &|n| text(indexed[n], cache),
                    cache,
                    None,
                    keys,
                )
            },
        )
    };
    if let Some(json) = answers {
        files.push(("answers".into(), encoded("answers", &json, cache, keys)));
    }
    (files.into_iter())
        .map(|(name, blob)| (format!("{FOLDER}/{name}.js"), blob))
        .chain((docs.into_iter().enumerate()).map(|(n, blob)| (format!("{FOLDER}/d/{n}.js"), blob)))
        .collect()
}

/// An indexed page with its search text when held (`None` when it is kept in the page
/// store, see [`BuildCache::keep_on_disk`]).
type Indexed<'a> = (&'a RenderedPage, Option<&'a PageDoc>);

/// The pages the index covers (listed in the sitemap, not the search or 404 page), in order.
fn indexed<'a>(pages: &'a [RenderedPage], cache: &BuildCache) -> Vec<Indexed<'a>> {
    let stored = |p: &RenderedPage| {
        p.artifacts.html.is_empty()
            && extract::indexed(&p.path)
            && cache.store.as_ref().is_some_and(|s| s.has(&p.key))
    };
    (pages.iter())
        .filter(|p| p.in_sitemap)
        .filter(|p| p.artifacts.search.is_some() || stored(p))
        .map(|p| (p, p.artifacts.search.as_ref()))
        .collect()
}

/// A page's search text: the one held, or else extracted again from its stored HTML (an
/// empty text if that cannot be read).
fn text<'a>((page, held): Indexed<'a>, cache: &BuildCache) -> Cow<'a, PageDoc> {
    if let Some(doc) = held {
        return Cow::Borrowed(doc);
    }
    let html = cache.stored_html(&page.key).unwrap_or_default();
    Cow::Owned(page_doc(&page.path, &html).unwrap_or_default())
}

/// The shard files (named without folder and suffix) of the `indexed` pages merged from
/// scratch, dropping each page's terms once merged.
fn scratch_merge(
    indexed: &[Indexed<'_>],
    entities: &HashMap<String, Vec<String>>,
    extra: serde_json::Value,
    cache: &BuildCache,
    file: &(dyn Fn(&str, &str) -> Blob + Sync),
) -> Vec<(String, Blob)> {
    let terms = |n: usize| {
        let p = indexed[n];
        page_terms(p.0, || text(p, cache), entities, cache)
    };
    let merged = merged::Builder::counted(indexed.len(), &terms);
    index::shard_files(&mut merged.finish(), extra, file)
}

/// The shard files (named without folder and suffix) and document files of the `indexed`
/// pages through the merge `serve` keeps: only the pages whose key changed since the last
/// build are counted again (their old terms from their stored HTML), and only their
/// document files made again. The search text of the pages of those files is extracted
/// once, in parallel. The merge holds the terms of the entity pages only, whose terms
/// depend on the dataset too (of every page without a page store); terms are not memoised.
fn kept_merge(
    merged: &mut Merged,
    site: &Site<'_>,
    indexed: &[Indexed<'_>],
    entities: &HashMap<String, Vec<String>>,
    extra: serde_json::Value,
    cache: &BuildCache,
) -> (Vec<(String, Blob)>, Vec<Blob>) {
    let names = |page: &RenderedPage| entities.get(page.path.as_str());
    // A page's terms depend on its page only, unless it stands for dataset names.
    let keys: Vec<Key> = (indexed.iter())
        .map(|&(page, _)| match names(page) {
            Some(_) => terms_key(page, entities),
            None => page.key,
        })
        .collect();
    let changed = merged.changed(&keys);
    let chunk_changed = |n: usize| {
        let first = n - n % index::DOCS_PER_FILE;
        let end = (first + index::DOCS_PER_FILE).min(changed.len());
        changed[first..end].contains(&true)
    };
    let texts: Vec<Option<Cow<'_, PageDoc>>> = (indexed.par_iter().enumerate())
        .map(|(n, &p)| chunk_changed(n).then(|| text(p, cache)))
        .collect();
    let text_of = |n: usize| match &texts[n] {
        Some(doc) => Cow::Borrowed(&**doc),
        None => text(indexed[n], cache),
    };
    let terms = |n: usize| {
        let names = names(indexed[n].0).map_or(&[][..], Vec::as_slice);
        Arc::new(DocTerms::new(&text_of(n), names))
    };
    let old = |n: usize, key: Key| {
        let html = cache.stored_html(&key)?;
        Some(DocTerms::new(&page_doc(&indexed[n].0.path, &html)?, &[]))
    };
    merged.update(&merged::Pages {
        // Without a page store nothing can be counted again.
        hold: (indexed.iter())
            .map(|&(p, _)| names(p).is_some() || cache.store.is_none())
            .collect(),
        keys,
        terms: &terms,
        old: &old,
    });
    let old_docs = std::mem::take(&mut merged.doc_files);
    let before = Some((&old_docs[..], &changed[..]));
    let docs = doc_files(site, indexed, &text_of, cache, before, None);
    merged.doc_files = docs.clone();
    let file = |name: &str, json: &str| encoded(name, json, cache, None);
    (index::shard_files(merged, extra, &file), docs)
}

/// A page's terms, memoised by its key and the dataset names it stands for (`doc` is
/// called only when they are not).
fn page_terms<'a>(
    page: &RenderedPage,
    doc: impl FnOnce() -> Cow<'a, PageDoc>,
    entities: &HashMap<String, Vec<String>>,
    cache: &BuildCache,
) -> Arc<DocTerms> {
    let names = entities
        .get(page.path.as_str())
        .map_or(&[][..], Vec::as_slice);
    cache.terms_or(terms_key(page, entities), || DocTerms::new(&doc(), names))
}

/// The key of a page's terms: its page key and the dataset names it stands for.
fn terms_key(page: &RenderedPage, entities: &HashMap<String, Vec<String>>) -> Key {
    let mut key = KeyBuilder::new("search terms");
    key.key(&page.key);
    for n in entities.get(page.path.as_str()).into_iter().flatten() {
        key.str(n);
    }
    key.finish()
}

/// Cache keys of the search files a one-shot build made, by output path: the build lists
/// them under the key of its inputs (see [`files`]).
type KeyLog = Mutex<HashMap<String, Key>>;

/// Notes in `keys` (when given) that the file at `path` is cached under `key`.
fn log_key(keys: Option<&KeyLog>, path: String, key: Key) {
    if let Some(keys) = keys {
        keys.lock().expect("search file keys").insert(path, key);
    }
}

/// A shard's file, encoded again only when its payload changed.
fn encoded(name: &str, json: &str, cache: &BuildCache, keys: Option<&KeyLog>) -> Blob {
    let key = KeyBuilder::new("search shard").str(name).str(json).finish();
    let shard = || Shard {
        name: name.to_string(),
        json: json.to_string(),
    };
    log_key(keys, format!("{FOLDER}/{name}.js"), key);
    cache.extra_or(key, || encode(&shard()))
}

/// The document shards ([`index::DOCS_PER_FILE`] pages each), each memoised by the URLs
/// and keys of its pages: an edit re-encodes the one shard of the edited page (`text(n)`
/// is the search text of page `n`). Given the files made last time for the same number of
/// pages and which pages changed since, the files of unchanged pages are kept without
/// looking them up.
fn doc_files<'a>(
    site: &Site<'_>,
    indexed: &[Indexed<'_>],
    text: &(dyn Fn(usize) -> Cow<'a, PageDoc> + Sync),
    cache: &BuildCache,
    before: Option<(&[Blob], &[bool])>,
    keys: Option<&KeyLog>,
) -> Vec<Blob> {
    let chunks: Vec<_> = indexed.chunks(index::DOCS_PER_FILE).enumerate().collect();
    let before = before.filter(|(files, _)| files.len() == chunks.len());
    chunks
        .par_iter()
        .map(|(n, chunk)| {
            let first = n * index::DOCS_PER_FILE;
            if let Some((files, changed)) = before {
                if !changed[first..first + chunk.len()].contains(&true) {
                    return Arc::clone(&files[*n]);
                }
            }
            let urls: Vec<String> = (chunk.iter())
                .map(|(page, _)| answers::relative(site, &page.url))
                .collect();
            let mut key = KeyBuilder::new("search documents");
            key.u64(*n as u64);
            for ((page, _), url) in chunk.iter().zip(&urls) {
                key.key(&page.key).str(url);
            }
            let key = key.finish();
            let blob = cache.extra_or(key, || {
                let docs = (urls.iter().enumerate())
                    .map(|(i, url)| index::doc_json(url, &text(first + i)))
                    .collect();
                encode(&index::doc_shard(*n, docs))
            });
            log_key(keys, format!("{FOLDER}/d/{n}.js"), key);
            blob as Blob
        })
        .collect()
}

/// The dataset names each entity page stands for (output path → names and aliases), so
/// "IaaS" finds the infrastructure category.
fn entity_names(site: &Site<'_>) -> HashMap<String, Vec<String>> {
    let ds = site.dataset;
    let page = |kind, id: &str| answers::relative(site, &site.entity_url(kind, id)) + "index.html";
    let mut out = HashMap::new();
    for s in &ds.services {
        let names = [s.name.clone(), s.id.to_string()]
            .into_iter()
            .chain(s.aliases.clone());
        out.insert(page(Kind::Service, &s.id), names.collect());
    }
    for c in &ds.categories {
        let names = [c.label.clone(), c.id.to_string()]
            .into_iter()
            .chain(c.aliases.clone());
        out.insert(page(Kind::Category, &c.id), names.collect());
    }
    for c in &ds.controls {
        out.insert(
            page(Kind::Control, &c.id),
            vec![c.title.clone(), c.id.to_string()],
        );
    }
    for s in &ds.scenarios {
        out.insert(page(Kind::Scenario, &s.id), vec![s.title.clone()]);
    }
    out
}

/// A shard as a script: the root as plain JSON, every other payload zlib-compressed and
/// base64-encoded (the browser inflates it with `DecompressionStream`). libdeflate at level
/// 5: on the 1k benchmark corpus's payloads (9.4 MB) it made 1.69 MB in 77 ms where zlib-rs
/// took 95 ms at level 5 and 122 ms at level 6 (1.68 MB); level 1 made 1.93 MB, level 9
/// saved 3 % at four times the time.
fn encode(shard: &Shard) -> Vec<u8> {
    let name = serde_json::Value::from(shard.name.as_str());
    if shard.name == "index" {
        return format!("srmSearchShard({name},{});\n", shard.json).into_bytes();
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(deflated(shard.json.as_bytes()));
    format!("srmSearchShard({name},\"{b64}\");\n").into_bytes()
}

/// `bytes` in the zlib format. A compressor is made for each payload (a few hundred
/// kilobytes of tables, not kept: `serve` would hold one per thread between rebuilds).
fn deflated(bytes: &[u8]) -> Vec<u8> {
    let level = libdeflater::CompressionLvl::new(5).expect("a valid level");
    let mut compressor = libdeflater::Compressor::new(level);
    let mut out = vec![0; compressor.zlib_compress_bound(bytes.len())];
    let len = (compressor.zlib_compress(bytes, &mut out)).expect("the bound leaves room");
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn a_page_kept_in_the_page_store_is_indexed_from_its_stored_html() {
        let parent = tempfile::tempdir().unwrap();
        let cache = BuildCache {
            store: Some(Arc::new(
                crate::cache::PageStore::create(parent.path()).unwrap(),
            )),
            ..BuildCache::default()
        };
        let html = "<main><h1>Roles</h1><p>Who patches the hypervisor</p></main>";
        let page = |path: &str| {
            let key = KeyBuilder::new("test page").str(path).finish();
            let artifacts = crate::cache::PageArtifacts {
                html: html.into(),
                ids: Default::default(),
                search: page_doc(path, html),
                links: Default::default(),
                diagnostics: Default::default(),
            };
            let artifacts = cache.keep_on_disk(&key, Arc::new(artifacts)).unwrap();
            RenderedPage {
                path: path.into(),
                url: format!("/{path}"),
                artifacts,
                key,
                in_sitemap: true,
            }
        };
        let pages = [page("a/index.html"), page("404.html")];
        // The page holds neither its HTML nor its search text any more.
        assert!(pages[0].artifacts.html.is_empty() && pages[0].artifacts.search.is_none());
        let indexed = indexed(&pages, &cache);
        assert_eq!(indexed.len(), 1, "the 404 page is not indexed");
        let text = text(indexed[0], &cache);
        assert_eq!(Some(&*text), page_doc("a/index.html", html).as_ref());
        assert!(text.sections[0].text.contains("hypervisor"));
    }

    #[test]
    fn shards_are_scripts_with_a_compressed_payload_except_the_root() {
        let root = Shard {
            name: "index".into(),
            json: "{\"pages\":1}".into(),
        };
        assert_eq!(encode(&root), b"srmSearchShard(\"index\",{\"pages\":1});\n");
        let doc = Shard {
            name: "d/7".into(),
            json: "{\"title\":\"</script>\"}".into(),
        };
        let text = String::from_utf8(encode(&doc)).unwrap();
        let b64 = text
            .strip_prefix("srmSearchShard(\"d/7\",\"")
            .and_then(|t| t.strip_suffix("\");\n"))
            .unwrap();
        let packed = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let mut json = String::new();
        flate2::read::ZlibDecoder::new(&packed[..])
            .read_to_string(&mut json)
            .unwrap();
        assert_eq!(json, doc.json);
    }
}
