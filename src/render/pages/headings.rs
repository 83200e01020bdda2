//! The headings of every page, whatever made them (Markdown, dataset templates, lists):
//! each `h2`–`h4` inside `<main>` gets an id (from its text, unique in the page) and a
//! visible anchor link when it lacks them, and a page with at least [`TOC_MIN`] `h2`s gets
//! a table of contents where its template put [`TOC_MARKER`].

use crate::content::slugify;
use crate::render::escape::unescape_html;
use crate::site::links::ids_in;
use std::collections::HashSet;

/// Where a template wants the table of contents.
pub(crate) const TOC_MARKER: &str = "<!--srm:toc-->";

/// The fewest `h2`s that make a page long enough for a table of contents.
const TOC_MIN: usize = 3;

/// A heading as the table of contents lists it.
struct Heading {
    level: u8,
    id: String,
    /// Its text, still HTML-escaped.
    text: String,
}

/// `html` with ids and anchor links on its headings and its table of contents in place.
pub(crate) fn decorate(html: &str) -> String {
    let (start, end) = match (html.find("<main"), html.rfind("</main>")) {
        (Some(s), Some(e)) if s < e => (s, e),
        _ => return place_toc(html.to_string(), &[]),
    };
    // The page's ids, collected only when a heading needs one made up.
    let mut ids = None;
    let mut out = String::with_capacity(html.len() + 2048);
    out.push_str(&html[..start]);
    let mut headings = Vec::new();
    let mut at = start;
    while let Some((open, level)) = next_heading(html, at, end) {
        let Some(tag_end) = html[open..end].find('>').map(|p| open + p) else {
            break;
        };
        let close_tag = format!("</h{level}>");
        let Some(close) = html[tag_end..end].find(&close_tag).map(|p| tag_end + p) else {
            break;
        };
        let tag = &html[open..tag_end];
        let inner = &html[tag_end + 1..close];
        let text = strip_tags(inner.split(" <a class=\"anchor\"").next().unwrap_or(inner));
        let id = match attribute(tag, "id") {
            Some(id) => id.to_string(),
            None => unique(
                ids.get_or_insert_with(|| ids_in(html)),
                &slugify(&unescape_html(&text)),
            ),
        };
        out.push_str(&html[at..open + 3]);
        if attribute(tag, "id").is_none() {
            out.push_str(&format!(" id=\"{id}\""));
        }
        out.push_str(&html[open + 3..close]);
        if !inner.contains("class=\"anchor\"") {
            out.push_str(&format!(
                " <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>"
            ));
        }
        at = close;
        headings.push(Heading {
            level,
            id,
            text: text.trim().to_string(),
        });
    }
    out.push_str(&html[at..]);
    place_toc(out, &headings)
}

/// The next `<h2`, `<h3` or `<h4` tag in `html[from..to]`: its offset and level.
fn next_heading(html: &str, from: usize, to: usize) -> Option<(usize, u8)> {
    let bytes = html.as_bytes();
    memchr::memchr_iter(b'<', &bytes[from..to])
        .map(|p| from + p)
        .find_map(|p| match bytes.get(p + 1..p + 4)? {
            [b'h', l @ b'2'..=b'4', b' ' | b'>'] => Some((p, l - b'0')),
            _ => None,
        })
}

/// The value of a double-quoted attribute in an opening tag.
fn attribute<'h>(tag: &'h str, name: &str) -> Option<&'h str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    tag[start..].split('"').next()
}

/// `slug` (or `section`) made unique among `ids`, which then holds it.
fn unique(ids: &mut HashSet<String>, slug: &str) -> String {
    let base = if slug.is_empty() { "section" } else { slug };
    let mut id = base.to_string();
    let mut n = 1;
    while ids.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    ids.insert(id.clone());
    id
}

/// The text of an HTML fragment (tags dropped, entities kept).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Puts the table of contents of `headings` at the first marker (when the page has enough
/// `h2`s) and removes every marker.
fn place_toc(html: String, headings: &[Heading]) -> String {
    let mut markers = memchr::memmem::find_iter(html.as_bytes(), TOC_MARKER).peekable();
    if markers.peek().is_none() {
        return html;
    }
    let toc = match headings.iter().filter(|h| h.level == 2).count() >= TOC_MIN {
        true => toc_html(headings),
        false => String::new(),
    };
    let mut out = String::with_capacity(html.len() + toc.len());
    let mut copied = 0;
    for (n, at) in markers.enumerate() {
        out.push_str(&html[copied..at]);
        if n == 0 {
            out.push_str(&toc);
        }
        copied = at + TOC_MARKER.len();
    }
    out.push_str(&html[copied..]);
    out
}

fn toc_html(headings: &[Heading]) -> String {
    let mut toc = String::from(
        "<nav class=\"toc\" aria-label=\"Contents\">\n<div class=\"toc-inner\">\n\
         <p class=\"toc-title\">On this page</p>\n<ol>\n",
    );
    for h in headings.iter().filter(|h| h.level <= 3) {
        toc.push_str(&format!(
            "<li class=\"toc-level-{}\"><a href=\"#{}\">{}</a></li>\n",
            h.level, h.id, h.text
        ));
    }
    toc.push_str("</ol>\n</div>\n</nav>");
    toc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_ids_and_anchors_once() {
        let html = "<h2>Outside</h2><main><h2>Who does what</h2><h3 id=\"x\">X &amp; Y</h3>\
                    <h2 id=\"a\">A <a class=\"anchor\" href=\"#a\" aria-label=\"l\">#</a></h2>\
                    <h2>Who does what</h2><h5>five</h5><header></header></main>";
        let out = decorate(html);
        assert!(out.starts_with("<h2>Outside</h2>"), "{out}");
        assert!(out.contains(
            "<h2 id=\"who-does-what\">Who does what <a class=\"anchor\" href=\"#who-does-what\""
        ));
        assert!(out.contains("<h3 id=\"x\">X &amp; Y <a class=\"anchor\" href=\"#x\""));
        assert_eq!(out.matches("href=\"#a\"").count(), 1);
        assert!(out.contains("<h2 id=\"who-does-what-2\">"));
        assert!(out.contains("<h5>five</h5><header>"));
    }

    #[test]
    fn a_table_of_contents_only_for_long_pages() {
        let short = format!("<main>{TOC_MARKER}<h2>a</h2><h2>b</h2></main>");
        assert!(!decorate(&short).contains("toc"));
        let long = format!(
            "<main>{TOC_MARKER}<h2>a</h2><h3>sub</h3><h2>b</h2><h2>c</h2></main>{TOC_MARKER}"
        );
        let out = decorate(&long);
        assert!(
            out.contains("<li class=\"toc-level-3\"><a href=\"#sub\">sub</a></li>"),
            "{out}"
        );
        assert_eq!(out.matches("class=\"toc\"").count(), 1);
        assert!(!out.contains(TOC_MARKER));
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for html in [
            "<main><h2",
            "<main><h2>x</main>",
            "<main><h3 id=\"",
            "</main><main>",
        ] {
            let _ = decorate(html);
        }
    }
}
