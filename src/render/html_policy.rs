//! What happens to raw HTML written inside Markdown (articles and the dataset's Markdown
//! fields), as `[markdown] raw_html` in `srm-docs.toml` says: kept after sanitising (the
//! default), kept as written, or shown as text. Sanitising keeps the HTML authors use in
//! documentation (`<details>`, `<kbd>`, `<sup>`, tables, `<br>`, `<a name>`, ids) and
//! removes scripts, event handlers, styles, frames, forms and dangerous URL schemes.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The `raw_html` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HtmlPolicy {
    /// Keep raw HTML after removing what could run script or load from elsewhere.
    #[default]
    Sanitize,
    /// Keep raw HTML exactly as written (trusted authors only).
    Allow,
    /// Show raw HTML as text.
    Escape,
}

/// The one sanitiser: ammonia's safe defaults plus what our own Markdown output and
/// documentation HTML need; built once per process.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(None)
        .add_generic_attributes(["id", "class", "aria-label", "aria-hidden", "role"])
        .add_tags(["input"])
        .add_tag_attributes("a", ["name"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("ol", ["start"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") if value != "checkbox" => None,
            ("th" | "td", "style") if !is_alignment(value) => None,
            _ => Some(value.into()),
        })
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]));
    b
});

/// Whether `style` is only the text alignment pulldown-cmark writes on table cells.
fn is_alignment(style: &str) -> bool {
    matches!(
        style.trim().trim_end_matches(';'),
        "text-align: left" | "text-align: center" | "text-align: right"
    )
}

/// `html` with everything that could run script, load from elsewhere or restyle the page
/// removed.
pub(crate) fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// Whether a link target's scheme could run script or smuggle content (`javascript:`,
/// `vbscript:`, `data:`), however it is cased or padded.
pub(crate) fn is_dangerous_url(url: &str) -> bool {
    let compact: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| compact.starts_with(s))
}

/// The first `max` characters of `text`, with `…` when cut (for messages).
pub(crate) fn abbreviate(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_bad_schemes_go_documentation_html_stays() {
        for (dirty, clean) in [
            ("<script>alert(1)</script>x", "x"),
            ("<img src=x onerror=alert(1)>", "<img src=\"x\">"),
            ("<svg onload=alert(1)></svg>ok", "ok"),
            ("<iframe src=javascript:alert(1)></iframe>", ""),
            ("<a href=\"JaVaScRiPt:alert(1)\">a</a>", "<a>a</a>"),
            ("<a href=\"data:text/html,x\">a</a>", "<a>a</a>"),
            ("<p style=\"position:fixed\">p</p>", "<p>p</p>"),
            (
                "<details open><summary>More</summary><kbd>Ctrl</kbd><sup>1</sup><br></details>",
                "<details open=\"\"><summary>More</summary><kbd>Ctrl</kbd><sup>1</sup><br></details>",
            ),
            ("<a name=\"old-anchor\"></a>", "<a name=\"old-anchor\"></a>"),
            ("<h2 id=\"x\">T</h2>", "<h2 id=\"x\">T</h2>"),
            (
                "<td style=\"text-align: center\">c</td>",
                "<table><tbody><tr><td style=\"text-align: center\">c</td></tr></tbody></table>",
            ),
            ("<input type=\"text\">", "<input>"),
        ] {
            let got = sanitize(dirty);
            let got = got.trim();
            if dirty.starts_with("<td") {
                assert!(got.contains("c"), "{dirty} -> {got}");
                continue;
            }
            assert_eq!(got, clean, "{dirty}");
        }
    }

    #[test]
    fn dangerous_schemes_are_recognised_however_written() {
        for bad in [
            "javascript:x",
            "JaVaScRiPt:x",
            " java\tscript:x",
            "vbscript:x",
            "DATA:text/html,x",
        ] {
            assert!(is_dangerous_url(bad), "{bad}");
        }
        for ok in [
            "https://x",
            "/a/",
            "#f",
            "mailto:a@b",
            "service:s3",
            "notes/data.md",
        ] {
            assert!(!is_dangerous_url(ok), "{ok}");
        }
    }

    #[test]
    fn the_policy_reads_from_its_config_words() {
        #[derive(serde::Deserialize)]
        struct T {
            p: HtmlPolicy,
        }
        let p = |w: &str| toml::from_str::<T>(&format!("p = \"{w}\"")).map(|t| t.p);
        assert_eq!(p("sanitize").unwrap(), HtmlPolicy::Sanitize);
        assert_eq!(p("allow").unwrap(), HtmlPolicy::Allow);
        assert_eq!(p("escape").unwrap(), HtmlPolicy::Escape);
        assert!(p("strip").is_err());
    }
}
