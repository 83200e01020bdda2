//! Files beside the HTML pages: `sitemap.xml`, the Atom feed, the offline search index and
//! the machine-readable matrix exports (`data/matrix.json`, `data/matrix.csv`). All
//! deterministic: no clock, sorted input.

use super::Site;
use crate::content::Article;
use crate::dataset::Owner;
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

/// One exported matrix cell.
struct ExportRow<'a> {
    service: &'a str,
    service_name: &'a str,
    category: &'a str,
    control: &'a str,
    control_title: &'a str,
    layer: &'a str,
    owner: Owner,
    source: &'static str,
    aws: &'a str,
    customer: &'a str,
    note: &'a str,
    default_state: &'a str,
    varies: bool,
}

fn export_rows<'a>(site: &'a Site<'_>) -> Vec<ExportRow<'a>> {
    let ds = site.dataset;
    let mut rows = Vec::new();
    for s in &ds.services {
        for c in &ds.controls {
            let Some(row) = ds.matrix.get(&c.id) else {
                continue;
            };
            let (cell, source) = match row.overrides.get(&s.id) {
                Some(cell) => (cell, "override"),
                None => match row.defaults.get(&s.category) {
                    Some(cell) => (cell, "category"),
                    None => continue,
                },
            };
            let text =
                |t: &'a Option<crate::dataset::Text>| t.as_ref().map_or("", |t| t.md.as_str());
            rows.push(ExportRow {
                service: &s.id,
                service_name: &s.name,
                category: &s.category,
                control: &c.id,
                control_title: &c.title,
                layer: c.layer.id(),
                owner: cell.owner,
                source,
                aws: text(&cell.aws),
                customer: text(&cell.customer),
                note: text(&cell.note),
                default_state: cell.default_state.map_or("", |d| d.id()),
                varies: ds.spread(&c.id) == crate::dataset::Spread::Varies,
            });
        }
    }
    // Sorted by service then control, as documented (not in dataset order).
    rows.sort_by(|a, b| (a.service, a.control).cmp(&(b.service, b.control)));
    rows
}

/// Column names of the CSV export, in order (documented in the README).
pub(crate) const CSV_COLUMNS: &[&str] = &[
    "service",
    "service_name",
    "category",
    "control",
    "control_title",
    "layer",
    "owner",
    "resolved_from",
    "aws_part",
    "customer_part",
    "note",
    "default_state",
    "control_varies",
];

/// `data/matrix.json`: an object with `columns` and `rows` (one object per service × control).
pub(crate) fn matrix_json(site: &Site<'_>) -> String {
    let rows: Vec<serde_json::Value> = export_rows(site)
        .iter()
        .map(|r| {
            json!({
                "service": r.service, "service_name": r.service_name, "category": r.category,
                "control": r.control, "control_title": r.control_title, "layer": r.layer,
                "owner": r.owner.id(), "resolved_from": r.source, "aws_part": r.aws,
                "customer_part": r.customer, "note": r.note, "default_state": r.default_state,
                "control_varies": r.varies,
            })
        })
        .collect();
    let doc = json!({"schema": "srm-docs/matrix/v1", "columns": CSV_COLUMNS, "rows": rows});
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `data/matrix.csv`: the same rows as the JSON, RFC 4180 quoting.
pub(crate) fn matrix_csv(site: &Site<'_>) -> String {
    let mut out = CSV_COLUMNS.join(",") + "\r\n";
    for r in export_rows(site) {
        let fields = [
            r.service,
            r.service_name,
            r.category,
            r.control,
            r.control_title,
            r.layer,
            r.owner.id(),
            r.source,
            r.aws,
            r.customer,
            r.note,
            r.default_state,
            if r.varies { "true" } else { "false" },
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// The site's icon (`static/favicon.svg`): the first letter or digit of its title, white on
/// the theme's accent blue, in a rounded square.
pub(crate) fn favicon(title: &str) -> String {
    let letter: String = title
        .chars()
        .find(|c| c.is_alphanumeric())
        .map_or_else(|| "•".to_string(), |c| c.to_uppercase().collect());
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\">\
         <rect width=\"64\" height=\"64\" rx=\"14\" fill=\"#0a58ad\"/>\
         <text x=\"32\" y=\"45\" font-family=\"system-ui, sans-serif\" font-size=\"40\" \
         font-weight=\"700\" text-anchor=\"middle\" fill=\"#ffffff\">{}</text></svg>\n",
        crate::render::escape::escape_html(&letter)
    )
}

#[cfg(test)]
mod tests {
    use super::{favicon, plain_text};

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

    #[test]
    fn the_favicon_shows_the_titles_first_letter_escaped() {
        assert!(favicon("cloud KB").contains(">C</text>"));
        assert!(favicon("<b>").contains(">B</text>"));
        assert!(favicon("").contains(">•</text>"));
    }
}
