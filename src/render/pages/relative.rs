//! Relative URLs: after templating, every internal URL of a page (the `href`, `src`,
//! `action`, `poster` and `data-root` attributes that start with the site's base path) is
//! rewritten relative to the page, so that the built folder works wherever it is put,
//! `file://` included. With `explicit_index`, a URL naming a folder names its `index.html`
//! (a folder opened from a zip or a shared drive has no server to find it) — except in
//! `data-root`, which names the root folder itself for scripts to build on.
//!
//! One pass over the finished HTML, so templates, Markdown and dataset text are all covered
//! alike; links are checked before, on their absolute form.

/// Attributes whose value is a URL that may be made relative.
const URL_ATTRIBUTES: [&str; 5] = ["href", "src", "action", "poster", "data-root"];

/// How a page's internal URLs are written.
#[derive(Clone, Copy)]
pub(crate) struct Relative<'a> {
    /// The site's base path (`/` or `/docs/`).
    pub base: &'a str,
    /// Whether a folder URL names its `index.html`.
    pub explicit_index: bool,
}

impl Relative<'_> {
    /// `html` with every internal URL relative to `page_url` (an absolute URL path under the
    /// base path). A page outside the base path is returned as it is.
    pub(crate) fn rewrite(&self, html: &str, page_url: &str) -> String {
        let Some(own) = page_url.strip_prefix(self.base) else {
            return html.to_string();
        };
        let up = "../".repeat(own.matches('/').count());
        let mut out = String::with_capacity(html.len() + html.len() / 16);
        let mut copied = 0;
        for (start, end, names_page) in url_values(html) {
            if let Some(url) = self.relative(&html[start..end], &up, names_page) {
                out.push_str(&html[copied..start]);
                out.push_str(&url);
                copied = end;
            }
        }
        out.push_str(&html[copied..]);
        out
    }

    /// The relative form of one attribute value, or `None` when it stays as it is (another
    /// site, a `#fragment`, a URL outside the base path).
    fn relative(&self, value: &str, up: &str, names_page: bool) -> Option<String> {
        let rest = value.strip_prefix(self.base)?;
        if value.starts_with("//") {
            return None;
        }
        let split = rest.find(['?', '#']).unwrap_or(rest.len());
        let (path, tail) = rest.split_at(split);
        let mut url = format!("{up}{path}");
        if names_page && self.explicit_index && (path.is_empty() || path.ends_with('/')) {
            url.push_str("index.html");
        }
        if url.is_empty() {
            url.push_str("./");
        }
        url.push_str(tail);
        Some(url)
    }
}

/// The byte ranges of the quoted values of [`URL_ATTRIBUTES`] in the tags of `html`
/// (text, comments and the insides of `<script>` and `<style>` are skipped), each with
/// whether it names a page (every attribute but `data-root`).
fn url_values(html: &str) -> Vec<(usize, usize, bool)> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| p + i) {
        if html[lt..].starts_with("<!--") {
            i = html[lt..].find("-->").map_or(html.len(), |p| lt + p + 3);
            continue;
        }
        if !bytes.get(lt + 1).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let name_end = bytes[lt + 1..]
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
            .map_or(html.len(), |p| lt + 1 + p);
        let name = &html[lt + 1..name_end];
        i = scan_attributes(html, name_end, &mut found);
        if let Some(close) = ["</script", "</style"]
            .into_iter()
            .find(|close| close[2..].eq_ignore_ascii_case(name))
        {
            i = find_ascii_ci(html, i, close).unwrap_or(html.len());
        }
    }
    found
}

/// Reads the attributes of a tag from `at` to its `>`, recording URL values; returns the
/// offset after the tag.
fn scan_attributes(html: &str, mut at: usize, found: &mut Vec<(usize, usize, bool)>) -> usize {
    let bytes = html.as_bytes();
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        if at >= bytes.len() || bytes[at] == b'>' {
            return (at + 1).min(html.len());
        }
        let name_start = at;
        while at < bytes.len() && !b" \t\n\r\x0c=>/".contains(&bytes[at]) {
            at += 1;
        }
        let name = &html[name_start..at];
        if bytes.get(at) != Some(&b'=') {
            continue;
        }
        at += 1;
        let (start, end, next) = match bytes.get(at) {
            Some(&q) if q == b'"' || q == b'\'' => {
                let end = html[at + 1..]
                    .find(q as char)
                    .map_or(html.len(), |p| at + 1 + p);
                (at + 1, end, (end + 1).min(html.len()))
            }
            _ => {
                let end = html[at..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(html.len(), |p| at + p);
                (at, end, end)
            }
        };
        if URL_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(name)) {
            found.push((start, end, !name.eq_ignore_ascii_case("data-root")));
        }
        at = next;
    }
}

/// The offset of `needle` (ASCII, lowercase) in `html` at or after `from`, ignoring case.
fn find_ascii_ci(html: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = html.as_bytes();
    (from..hay.len().saturating_sub(needle.len() - 1))
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(html: &str, page: &str) -> String {
        let r = Relative {
            base: "/docs/",
            explicit_index: false,
        };
        r.rewrite(html, page)
    }

    #[test]
    fn internal_urls_become_relative_to_the_page() {
        let html = r#"<html data-root="/docs/"><a href="/docs/">h</a><link href="/docs/static/s.css"><img src='/docs/a/b.png'><form action="/docs/search/"></form>"#;
        assert_eq!(
            rel(html, "/docs/articles/x/"),
            r#"<html data-root="../../"><a href="../../">h</a><link href="../../static/s.css"><img src='../../a/b.png'><form action="../../search/"></form>"#
        );
        assert_eq!(
            rel(r#"<a href="/docs/">h</a>"#, "/docs/"),
            r#"<a href="./">h</a>"#
        );
    }

    #[test]
    fn other_urls_text_and_scripts_stay() {
        let html = r##"<a href="https://x.org/docs/">x</a><a href="#top">t</a><a href="/other/">o</a><a href="//docs/">p</a> href="/docs/" <!-- <a href="/docs/"> --><style>a[href="/docs/"]{}</style><code>&lt;a href="/docs/"&gt;</code>"##;
        assert_eq!(rel(html, "/docs/a/"), html);
    }

    #[test]
    fn queries_and_fragments_are_kept_and_index_named_when_asked() {
        let r = Relative {
            base: "/",
            explicit_index: true,
        };
        assert_eq!(
            r.rewrite(
                r##"<a href="/matrix/?category=x#c">m</a><a href="/">h</a><a href="/atom.xml">f</a>"##,
                "/services/s3/"
            ),
            r##"<a href="../../matrix/index.html?category=x#c">m</a><a href="../../index.html">h</a><a href="../../atom.xml">f</a>"##
        );
        assert_eq!(
            r.rewrite(r##"<a href="/#x">h</a>"##, "/"),
            r##"<a href="index.html#x">h</a>"##
        );
        assert_eq!(
            r.rewrite(r#"<html data-root="/">"#, "/articles/x/"),
            r#"<html data-root="../../">"#,
            "the root is a folder for scripts, not a page"
        );
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for html in [
            "<a href=",
            "<a href=\"/docs/",
            "<",
            "<a",
            "<style>",
            "<!--",
            "<a b",
        ] {
            let _ = rel(html, "/docs/x/");
        }
    }
}
