//! The preview's HTTP side: resolve a request path inside the in-memory site (no traversal,
//! GET and HEAD only), pick the content type, and inject the live-reload client and the
//! error overlay into HTML pages.

use crate::render::escape::escape_html;

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A file of the site (key into the output map).
    File(String),
    /// A folder without its trailing slash: redirect to this path.
    Redirect(String),
    /// Not in the site.
    NotFound,
    /// Malformed or hostile path (traversal, NUL, backslash, bad encoding).
    BadRequest,
}

/// Decodes `%XX` escapes; `None` for invalid escapes or non-UTF-8 results.
pub(super) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Maps a request URL to a site file. `exists` says whether a key is in the site;
/// `base_path` may be percent-encoded (`/caf%C3%A9/`): it is compared decoded, like the URL.
pub(crate) fn resolve(url: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = percent_decode(path) else {
        return Resolved::BadRequest;
    };
    let decoded_base = percent_decode(base_path);
    let base_path = decoded_base.as_deref().unwrap_or(base_path);
    if decoded.contains(['\0', '\\']) || decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return Resolved::BadRequest;
    }
    let Some(rel) = decoded.strip_prefix(base_path) else {
        if format!("{decoded}/") == base_path {
            return Resolved::Redirect(base_path.to_string());
        }
        return Resolved::NotFound;
    };
    if rel.is_empty() || rel.ends_with('/') {
        let key = format!("{rel}index.html");
        return if exists(&key) {
            Resolved::File(key)
        } else {
            Resolved::NotFound
        };
    }
    if exists(rel) {
        return Resolved::File(rel.to_string());
    }
    if exists(&format!("{rel}/index.html")) {
        return Resolved::Redirect(format!("{path}/"));
    }
    Resolved::NotFound
}

/// Content type by file extension.
pub(super) fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" | "md" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The overlay listing build errors, as an HTML fragment.
pub(super) fn overlay(errors: &[String]) -> String {
    let items: String = errors
        .iter()
        .map(|e| format!("<li><pre>{}</pre></li>", escape_html(e)))
        .collect();
    format!(
        "<div id=\"srm-error-overlay\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:99999;background:#3b0a0a;color:#fff;font:14px/1.4 monospace;padding:1rem 1.5rem;box-shadow:0 4px 24px #0008\"><strong>Build failed — showing the last good version of this page.</strong><ul style=\"margin:.5rem 0 0;padding-left:1.2rem\">{items}</ul></div>"
    )
}

/// The tag that loads the live-reload client (`<base>__srm/reload.js`, a file, so pages
/// keep a strict script policy): `page` is the page's site path, `base` the site's base path.
pub(crate) fn client_tag(base: &str, page: &str, has_overlay: bool) -> String {
    format!(
        "<script src=\"{}__srm/reload.js\" data-page=\"{}\" data-overlay=\"{}\" defer></script>",
        escape_html(base),
        escape_html(page),
        u8::from(has_overlay)
    )
}

/// The live-reload client's source.
pub(crate) const CLIENT_JS: &str = include_str!("assets/reload.js");

/// Inserts `extra` before `</body>` (or at the end).
pub(super) fn inject(html: &str, extra: &str) -> String {
    match html.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &html[..i], &html[i..]),
        None => format!("{html}{extra}"),
    }
}

/// `url` with every byte that may not appear in an HTTP header value (non-ASCII, controls,
/// spaces) percent-encoded, so a redirect to a base path like `/café/` is a valid header.
pub(crate) fn ascii_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reload_client_tag_escapes_its_attributes() {
        let tag = client_tag("/d\"o/", "caf\u{e9}/\"><script>/", true);
        assert_eq!(
            tag,
            "<script src=\"/d&quot;o/__srm/reload.js\" data-page=\"caf\u{e9}/&quot;&gt;&lt;script&gt;/\" \
             data-overlay=\"1\" defer></script>"
        );
    }

    #[test]
    fn an_encoded_base_path_matches_requests_for_it() {
        let exists = |k: &str| k == "index.html";
        assert_eq!(
            resolve("/caf%C3%A9/", "/caf%C3%A9/", exists),
            Resolved::File("index.html".into())
        );
        assert_eq!(
            resolve("/caf%C3%A9", "/caf%C3%A9/", exists),
            Resolved::Redirect("/caf\u{e9}/".into())
        );
    }

    #[test]
    fn redirect_targets_are_made_header_safe() {
        assert_eq!(ascii_url("/caf\u{e9}/a b/"), "/caf%C3%A9/a%20b/");
        assert_eq!(ascii_url("/docs/?q=1"), "/docs/?q=1");
    }

    fn site(k: &str) -> bool {
        matches!(
            k,
            "index.html" | "articles/a/index.html" | "static/style.css"
        )
    }

    #[test]
    fn resolves_pages_files_and_folders() {
        assert_eq!(resolve("/", "/", site), Resolved::File("index.html".into()));
        assert_eq!(
            resolve("/articles/a/", "/", site),
            Resolved::File("articles/a/index.html".into())
        );
        assert_eq!(
            resolve("/articles/a", "/", site),
            Resolved::Redirect("/articles/a/".into())
        );
        assert_eq!(
            resolve("/static/style.css?v=1", "/", site),
            Resolved::File("static/style.css".into())
        );
        assert_eq!(resolve("/nope/", "/", site), Resolved::NotFound);
        assert_eq!(
            resolve("/docs/articles/a/", "/docs/", site),
            Resolved::File("articles/a/index.html".into())
        );
        assert_eq!(resolve("/articles/a/", "/docs/", site), Resolved::NotFound);
        assert_eq!(
            resolve("/docs", "/docs/", site),
            Resolved::Redirect("/docs/".into())
        );
    }

    #[test]
    fn rejects_traversal() {
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/a/%2E%2E/b",
            "/a\\b",
            "/a%00b",
            "/%zz",
        ] {
            assert_eq!(resolve(bad, "/", site), Resolved::BadRequest, "{bad}");
        }
    }

    #[test]
    fn injects_before_body_end() {
        assert_eq!(inject("<body>x</body>", "<s>"), "<body>x<s></body>");
    }
}
