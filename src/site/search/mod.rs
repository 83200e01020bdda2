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
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::Arc;

/// The folder of the index, under the site root.
pub(crate) const FOLDER: &str = "search";

/// Pages whose terms a one-shot build counts at once (in parallel) before it merges and
/// drops them.
const TERMS_AT_ONCE: usize = 256;

/// Every file of the search index: (output path, bytes). A one-shot build whose pages,
/// dataset and settings are those of the cached previous build takes its files from the
/// cache as they are, without reading any page's terms.
pub(crate) fn files(
    site: &Site<'_>,
    pages: &[RenderedPage],
    cache: &BuildCache,
) -> Vec<(String, Blob)> {
    if cache.patch_search {
        return made_files(site, pages, cache)
            .into_iter()
            .map(|(p, _, b)| (p, b))
            .collect();
    }
    let set_key = inputs_key(site, pages);
    if let Some(files) = cached_files(&set_key, cache) {
        // The pages' terms stay cached for the build after the next edit.
        let entities = entity_names(site);
        for p in pages
            .iter()
            .filter(|p| p.in_sitemap && p.artifacts.search.is_some())
        {
            cache.touch_terms(&terms_key(p, &entities));
        }
        return files;
    }
    let files = made_files(site, pages, cache);
    let listing: Vec<(&str, [u8; 32])> = files
        .iter()
        .map(|(p, k, _)| (p.as_str(), *k.as_bytes()))
        .collect();
    if let Ok(bytes) = postcard::to_stdvec(&listing) {
        cache.extra_or(set_key, || bytes);
    }
    files.into_iter().map(|(p, _, b)| (p, b)).collect()
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

/// Every file of the search index, made from the pages' terms: (output path, cache key,
/// bytes).
fn made_files(
    site: &Site<'_>,
    pages: &[RenderedPage],
    cache: &BuildCache,
) -> Vec<(String, Key, Blob)> {
    let entities = entity_names(site);
    let indexed: Vec<(&RenderedPage, &PageDoc)> = pages
        .iter()
        .filter(|p| p.in_sitemap)
        .filter_map(|p| Some((p, p.artifacts.search.as_ref()?)))
        .collect();
    let answers = answers::answers(site);
    let extra = serde_json::json!({
        "pages": indexed.len(),
        "answers": answers.is_some(),
        "docs_per_file": index::DOCS_PER_FILE,
        "stop": tokens::STOP_WORDS,
    });
    let mut shards = if cache.patch_search {
        let terms: Vec<Arc<DocTerms>> = (indexed.par_iter())
            .map(|(page, doc)| page_terms(page, doc, &entities, cache))
            .collect();
        let mut merged = cache.search_index.lock().expect("search index");
        merged.update(&terms);
        index::shards(&merged, extra)
    } else {
        let mut merged = merged::Builder::default();
        let mut counted: Vec<Arc<DocTerms>> = Vec::new();
        // Each chunk is merged (on one thread) while the next one is counted.
        for chunk in indexed.chunks(TERMS_AT_ONCE) {
            let merging = std::mem::take(&mut counted);
            (counted, ()) = rayon::join(
                || {
                    (chunk.par_iter())
                        .map(|(page, doc)| page_terms(page, doc, &entities, cache))
                        .collect()
                },
                || merging.iter().for_each(|t| merged.add(t)),
            );
        }
        counted.iter().for_each(|t| merged.add(t));
        index::shards(&merged.finish(), extra)
    };
    if let Some(json) = answers {
        shards.push(Shard {
            name: "answers".into(),
            json,
        });
    }
    let mut files: Vec<_> = shards.par_iter().map(|s| encoded(s, cache)).collect();
    files.extend(doc_files(site, &indexed, cache));
    files
}

/// A page's terms, memoised by its key and the dataset names it stands for.
fn page_terms(
    page: &RenderedPage,
    doc: &PageDoc,
    entities: &HashMap<String, Vec<String>>,
    cache: &BuildCache,
) -> Arc<DocTerms> {
    let names = entities
        .get(page.path.as_str())
        .map_or(&[][..], Vec::as_slice);
    cache.terms_or(terms_key(page, entities), || DocTerms::new(doc, names))
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

/// A shard's file: its output path, key and encoded bytes, re-encoded only when its
/// payload changed.
fn encoded(shard: &Shard, cache: &BuildCache) -> (String, Key, Blob) {
    let key = KeyBuilder::new("search shard")
        .str(&shard.name)
        .str(&shard.json)
        .finish();
    let blob = cache.extra_or(key, || encode(shard));
    (format!("{FOLDER}/{}.js", shard.name), key, blob as Blob)
}

/// The document shards ([`index::DOCS_PER_FILE`] pages each), each memoised by the URLs
/// and keys of its pages: an edit re-encodes the one shard of the edited page.
fn doc_files(
    site: &Site<'_>,
    indexed: &[(&RenderedPage, &PageDoc)],
    cache: &BuildCache,
) -> Vec<(String, Key, Blob)> {
    let chunks: Vec<_> = indexed.chunks(index::DOCS_PER_FILE).enumerate().collect();
    chunks
        .par_iter()
        .map(|(n, chunk)| {
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
                let docs = (chunk.iter().zip(&urls))
                    .map(|((_, doc), url)| index::doc_json(url, doc))
                    .collect();
                encode(&index::doc_shard(*n, docs))
            });
            (format!("{FOLDER}/d/{n}.js"), key, blob as Blob)
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
/// base64-encoded (the browser inflates it with `DecompressionStream`).
fn encode(shard: &Shard) -> Vec<u8> {
    let name = serde_json::Value::from(shard.name.as_str());
    if shard.name == "index" {
        return format!("srmSearchShard({name},{});\n", shard.json).into_bytes();
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(shard.json.as_bytes()).expect("in memory");
    let packed = z.finish().expect("in memory");
    let b64 = base64::engine::general_purpose::STANDARD.encode(packed);
    format!("srmSearchShard({name},\"{b64}\");\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

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
