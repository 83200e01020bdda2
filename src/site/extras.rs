//! Files beside the HTML pages: `sitemap.xml`, the Atom feed and the offline search index
//! (the data exports are in [`super::exports`]). All deterministic: no clock, sorted input.

use super::Site;
use crate::content::Article;
use crate::render::escape::unescape_html;
use crate::render::pages::RenderedPage;
use crate::render::xml::XmlWriter;
use serde_json::json;

/// `sitemap.xml` listing every page with its permalink.
pub(crate) fn sitemap(site: &Site<'_>, pages: &[RenderedPage]) -> String {
    let mut urls: Vec<&str> = pages
        .iter()
        .filter(|p| p.in_sitemap)
        .map(|p| p.url.as_str())
        .collect();
    urls.sort_unstable();
    let mut xml = XmlWriter::with_capacity(100 + urls.len() * 64);
    xml.declaration("UTF-8");
    xml.start(
        "urlset",
        &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
    );
    xml.raw("\n");
    for u in urls {
        let path = u.strip_prefix(site.config.base_path.as_str()).unwrap_or(u);
        xml.raw("  ");
        xml.start("url", &[]);
        xml.text_element("loc", &site.config.permalink(path));
        xml.end("url");
        xml.raw("\n");
    }
    xml.end("urlset");
    xml.raw("\n");
    xml.into_string()
}

/// Atom feed of the 20 most recent dated articles.
pub(crate) fn atom(site: &Site<'_>) -> String {
    let mut dated: Vec<_> = site.articles.iter().filter(|a| a.date.is_some()).collect();
    dated.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.url_path.cmp(&b.url_path))
    });
    dated.truncate(20);
    let updated = dated
        .iter()
        .filter_map(|a| a.updated.as_ref().or(a.date.as_ref()))
        .max()
        .cloned()
        .unwrap_or_else(|| "1970-01-01".into());
    let cfg = site.config;
    let mut xml = XmlWriter::with_capacity(4096);
    xml.declaration("utf-8");
    xml.start(
        "feed",
        &[
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:lang", &cfg.language),
        ],
    );
    xml.raw("\n");
    feed_line(&mut xml, 1, |x| x.text_element("title", &cfg.title));
    feed_line(&mut xml, 1, |x| {
        x.text_element("subtitle", &cfg.description)
    });
    let self_link = cfg.permalink("atom.xml");
    feed_line(&mut xml, 1, |x| {
        x.empty("link", &[("rel", "self"), ("href", &self_link)])
    });
    feed_line(&mut xml, 1, |x| x.empty("link", &[("href", &cfg.base_url)]));
    feed_line(&mut xml, 1, |x| x.text_element("id", &cfg.base_url));
    if site.articles.iter().all(|a| a.authors.is_empty()) {
        // Atom requires an author: name the site when no article has one.
        feed_line(&mut xml, 1, |x| author(x, &cfg.title));
    }
    let updated = format!("{updated}T00:00:00Z");
    feed_line(&mut xml, 1, |x| x.text_element("updated", &updated));
    for a in dated {
        feed_entry(&mut xml, site, a);
    }
    xml.end("feed");
    xml.raw("\n");
    xml.into_string()
}

/// One `<entry>` of the Atom feed, indented one level.
fn feed_entry(xml: &mut XmlWriter, site: &Site<'_>, a: &Article) {
    let link = site.config.permalink(&a.url_path);
    let date = a.date.as_deref().unwrap_or("1970-01-01");
    let published = format!("{date}T00:00:00Z");
    let updated = format!("{}T00:00:00Z", a.updated.as_deref().unwrap_or(date));
    feed_line(xml, 1, |x| x.start("entry", &[]));
    feed_line(xml, 2, |x| x.text_element("title", &a.title));
    feed_line(xml, 2, |x| x.empty("link", &[("href", &link)]));
    feed_line(xml, 2, |x| x.text_element("id", &link));
    feed_line(xml, 2, |x| x.text_element("published", &published));
    feed_line(xml, 2, |x| x.text_element("updated", &updated));
    for name in &a.authors {
        feed_line(xml, 2, |x| author(x, name));
    }
    if let Some(summary) = &a.summary {
        feed_line(xml, 2, |x| x.text_element("summary", summary));
    }
    feed_line(xml, 1, |x| x.end("entry"));
}

/// Writes one line of the feed: two spaces per `level`, what `write` writes, a newline.
fn feed_line(xml: &mut XmlWriter, level: usize, write: impl FnOnce(&mut XmlWriter)) {
    xml.raw(&"  ".repeat(level));
    write(xml);
    xml.raw("\n");
}

/// `<author><name>…</name></author>`.
fn author(xml: &mut XmlWriter, name: &str) {
    xml.start("author", &[]);
    xml.text_element("name", name);
    xml.end("author");
}

/// Plain text of an HTML fragment: tags dropped, entities decoded by [`unescape_html`], words
/// separated by single spaces; stops after `max_words` words (the search index keeps only
/// the first few hundred, so the rest of a long page is not even scanned).
fn plain_text(html: &str, max_words: usize) -> String {
    let mut out = String::new();
    let mut words = 0;
    let mut in_tag = false;
    // Each piece ends at a `<` or `>`, which both end a word too.
    for piece in html.split_inclusive(['<', '>']) {
        if !in_tag {
            let text = piece.strip_suffix(['<', '>']).unwrap_or(piece);
            for word in text.split_whitespace() {
                if words == max_words {
                    return out;
                }
                if words > 0 {
                    out.push(' ');
                }
                out.push_str(&unescape_html(word));
                words += 1;
            }
        }
        if piece.ends_with('<') {
            in_tag = true;
        } else if piece.ends_with('>') {
            in_tag = false;
        }
    }
    out
}

/// The search-index entry of one page: title, URL, kind and the first words of its main
/// content (capped so the index stays small on big sites). `None` for pages not indexed.
pub(crate) fn search_entry(path: &str, url: &str, html: &str) -> Option<String> {
    const WORDS: usize = 300;
    if path == "search/index.html" || path == "404.html" {
        return None;
    }
    let main = html
        .split_once("<main")
        .and_then(|(_, m)| m.split_once("</main>"))
        .map_or(html, |(m, _)| m);
    let title = html
        .split_once("<h1")
        .and_then(|(_, r)| r.split_once('>'))
        .and_then(|(_, r)| r.split_once("</h1>"))
        .map(|(t, _)| plain_text(t, usize::MAX))
        .unwrap_or_default();
    let text = plain_text(main, WORDS);
    let kind = path.split('/').next().unwrap_or("");
    let kind = if kind == "index.html" { "home" } else { kind };
    Some(
        json!({"title": title.trim_end_matches(" #"), "url": url, "kind": kind, "text": text})
            .to_string(),
    )
}

/// The offline search index: every page's entry, in page order.
pub(crate) fn search_index(pages: &[RenderedPage]) -> String {
    let items = || {
        pages
            .iter()
            .filter(|p| p.in_sitemap)
            .filter_map(|p| p.artifacts.search.as_deref())
    };
    let mut out = String::with_capacity(2 + items().map(|i| i.len() + 1).sum::<usize>());
    out.push('[');
    for (n, item) in items().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn plain_text_drops_tags_decodes_entities_and_stops_at_the_word_limit() {
        let html = "<p>Keys &amp; <code>secrets</code>\n  stay&lt;here&gt;</p><p>4 &quot;five&quot; six</p>";
        assert_eq!(
            plain_text(html, usize::MAX),
            "Keys & secrets stay<here> 4 \"five\" six"
        );
        assert_eq!(plain_text(html, 3), "Keys & secrets");
        assert_eq!(plain_text("a<br>b &amp;lt; c", usize::MAX), "a b &lt; c");
        assert_eq!(plain_text("  <i></i> ", 5), "");
        assert_eq!(plain_text("x > y<a title='<'>z</a>", 9), "x y z");
    }
}
