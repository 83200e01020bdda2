//! Links and images written in raw HTML (`<img src="images/x.png">`, `<a href="other.md">`),
//! resolved, rewritten and checked like Markdown ones, before the HTML policy sees them.

use super::links::{rewrite_image, rewrite_link};
use super::{Origin, Rendered, Settings};
use pulldown_cmark::CowStr;

/// `html` (found at `offset` in the Markdown) with every `src` and `href` value resolved.
pub(super) fn rewrite<'a>(
    html: CowStr<'a>,
    offset: usize,
    origin: &Origin<'_>,
    settings: &Settings<'_>,
    out: &mut Rendered,
) -> CowStr<'a> {
    if !html.contains(" src=") && !html.contains(" href=") {
        return html;
    }
    let mut result = String::with_capacity(html.len());
    let mut last = 0;
    for (start, end, is_src) in url_attributes(&html) {
        let value = html[start..end].replace("&amp;", "&");
        let at = offset + start;
        let rewritten = if is_src {
            rewrite_image(&value, at, origin, settings, out)
        } else {
            rewrite_link(&value, at, origin, settings, out)
        };
        if let Some(url) = rewritten {
            result.push_str(&html[last..start]);
            result.push_str(&crate::render::escape::escape_html(&url));
            last = end;
        }
    }
    if last == 0 {
        return html;
    }
    result.push_str(&html[last..]);
    result.into()
}

/// The byte ranges of the quoted values of ` src=` and ` href=` attributes, with whether
/// each is a `src`.
fn url_attributes(html: &str) -> Vec<(usize, usize, bool)> {
    let mut found = Vec::new();
    for (name, is_src) in [(" src=", true), (" href=", false)] {
        for (i, _) in html.match_indices(name) {
            let start = i + name.len();
            let Some(quote) = html[start..]
                .chars()
                .next()
                .filter(|q| matches!(q, '"' | '\''))
            else {
                continue;
            };
            if let Some(len) = html[start + 1..].find(quote) {
                found.push((start + 1, start + 1 + len, is_src));
            }
        }
    }
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::url_attributes;

    #[test]
    fn finds_quoted_src_and_href_values() {
        let html = "<img src=\"a.png\" alt=\"x\"><a href='b.md'>b</a><p data-src=\"no\">";
        let found: Vec<(&str, bool)> = url_attributes(html)
            .into_iter()
            .map(|(s, e, src)| (&html[s..e], src))
            .collect();
        assert_eq!(found, [("a.png", true), ("b.md", false)]);
    }
}
