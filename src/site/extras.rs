//! Files beside the HTML pages: `sitemap.xml`, the Atom feed and the favicon (the data exports are in
//! [`super::exports`], the search index in [`super::search`]). All deterministic: no clock,
//! sorted input.

use super::Site;
use crate::content::Article;
use crate::render::pages::RenderedPage;
use crate::render::xml::XmlWriter;

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
    use super::favicon;

    #[test]
    fn the_favicon_shows_the_titles_first_letter_escaped() {
        assert!(favicon("cloud KB").contains(">C</text>"));
        assert!(favicon("<b>").contains(">B</text>"));
        assert!(favicon("").contains(">•</text>"));
    }
}
