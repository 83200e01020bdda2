//! What the search index keeps of one rendered page: its title (the `<h1>`) and the plain
//! text of its `<main>`, cut into sections at each heading (with the heading's `id`, so a
//! result links to the matching section). Markup, attributes, scripts, styles, inline SVG
//! and text hidden from sight (`visually-hidden`, `aria-hidden="true"`) are left out.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The searchable text of one page (cached with the page, so `serve` re-reads only pages
/// that changed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PageDoc {
    /// The page's `<h1>` as text.
    pub title: String,
    /// The first part of its output path (`articles`, `services`…; `home` for the home page).
    pub kind: String,
    /// The text before the first heading, then one section per `<h2>`–`<h6>`.
    pub sections: Vec<Section>,
    /// The text of its code blocks (`<pre>`): searched, but not shown in snippets.
    pub code: String,
}

/// The text under one heading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Section {
    /// The heading's `id` (empty when it has none, and for the text before any heading).
    pub id: String,
    /// The heading as text (empty for the text before any heading).
    pub heading: String,
    /// The section's text, words separated by single spaces.
    pub text: String,
}

/// How an element's name matters to the text around it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Element {
    /// Its content is never text for readers (`script`, `style`, `svg`…).
    Skipped,
    /// It does not separate words (`<em>x</em>y` is one word).
    Inline,
    /// It has no end tag.
    Void,
    /// Any other element: a word boundary.
    Block,
}

/// What kind of element `name` (lower case) is.
fn element(name: &str) -> Element {
    match name {
        "noscript" | "script" | "style" | "svg" | "template" => Element::Skipped,
        "a" | "abbr" | "b" | "code" | "del" | "em" | "i" | "ins" | "kbd" | "mark" | "q" | "s"
        | "small" | "span" | "strong" | "sub" | "sup" | "time" | "u" | "var" => Element::Inline,
        "area" | "base" | "br" | "col" | "embed" | "hr" | "img" | "input" | "link" | "meta"
        | "source" | "track" | "wbr" => Element::Void,
        _ => Element::Block,
    }
}

/// Whether the page at output `path` is indexed (all but the search and 404 pages).
pub(crate) fn indexed(path: &str) -> bool {
    path != "search/index.html" && path != "404.html"
}

/// The searchable text of a page, or `None` for pages not indexed (see [`indexed`]).
pub(crate) fn page_doc(path: &str, html: &str) -> Option<PageDoc> {
    if !indexed(path) {
        return None;
    }
    let main = main_of(html).unwrap_or(html);
    let kind = match path.split('/').next().unwrap_or("") {
        "index.html" => "home",
        k => k,
    };
    let mut doc = Scanner::default().run(main);
    doc.kind = kind.to_string();
    Some(doc)
}

/// The content of the first `<main>` element of `html`, if it has one.
fn main_of(html: &str) -> Option<&str> {
    let start = memchr::memmem::find(html.as_bytes(), b"<main")?;
    let open = start + memchr::memchr(b'>', &html.as_bytes()[start..])? + 1;
    let len = memchr::memmem::find(&html.as_bytes()[open..], b"</main>")?;
    Some(&html[open..open + len])
}

/// Walks the HTML once, sending text to the title, a heading or the current section.
#[derive(Default)]
struct Scanner {
    doc: PageDoc,
    /// Name and nesting depth of the element being skipped, if any.
    skip: Option<(String, usize)>,
    /// Level, id and text of the heading being read, if any.
    heading: Option<(u8, String, String)>,
    /// Depth of `<pre>` elements around the text being read.
    pre: usize,
    text: String,
}

impl Scanner {
    fn run(mut self, html: &str) -> PageDoc {
        let mut rest = html;
        while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
            self.push_text(&rest[..lt]);
            rest = &rest[lt..];
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.split_once("-->").map_or("", |(_, r)| r);
                continue;
            }
            let Some(gt) = memchr::memchr(b'>', rest.as_bytes()) else {
                rest = "";
                break;
            };
            self.tag(&rest[1..gt]);
            rest = &rest[gt + 1..];
        }
        self.push_text(rest);
        self.end_section();
        self.doc
    }

    fn push_text(&mut self, raw: &str) {
        if self.skip.is_some() || raw.is_empty() {
            return;
        }
        let text = decode_entities(raw);
        let target = match &mut self.heading {
            Some((_, _, h)) => h,
            None if self.pre > 0 => &mut self.doc.code,
            None => &mut self.text,
        };
        push_collapsed(target, &text);
    }

    fn tag(&mut self, inner: &str) {
        if self.skip.is_none() && is_plain_span(inner) {
            return; // the tags of highlighted code: nothing to do
        }
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let name_end = name_end(inner);
        let name = ascii_lowercase(&inner[..name_end]);
        let attrs = &inner[name_end..];
        if let Some((skipped, depth)) = &mut self.skip {
            if *skipped == name {
                if closing {
                    *depth -= 1;
                } else if !attrs.trim_end().ends_with('/') {
                    *depth += 1;
                }
                if *depth == 0 {
                    self.skip = None;
                }
            }
            return;
        }
        let kind = element(&name);
        if !closing && kind != Element::Void && hidden(kind, attrs) {
            self.skip = Some((name.into_owned(), 1));
            return;
        }
        if kind != Element::Inline {
            self.push_text(" ");
        }
        if name == "pre" {
            self.pre = if closing {
                self.pre.saturating_sub(1)
            } else {
                self.pre + 1
            };
        }
        if let Some(level) = heading_level(&name) {
            if closing {
                self.end_heading(level);
            } else {
                self.heading = Some((
                    level,
                    attr(attrs, "id").unwrap_or_default().into_owned(),
                    String::new(),
                ));
            }
        }
    }

    fn end_heading(&mut self, level: u8) {
        let Some((open, id, text)) = self.heading.take() else {
            return;
        };
        let text = text
            .trim()
            .trim_end_matches(['#', '¶', '§'])
            .trim()
            .to_string();
        if open == 1 && level == 1 && self.doc.title.is_empty() {
            self.doc.title = text;
            return;
        }
        self.end_section();
        self.doc.sections.push(Section {
            id,
            heading: text,
            text: String::new(),
        });
    }

    /// Moves the text read so far into the last section (or a first one without heading).
    fn end_section(&mut self) {
        let text = std::mem::take(&mut self.text).trim().to_string();
        match self.doc.sections.last_mut() {
            Some(s) => s.text = text,
            None if !text.is_empty() => self.doc.sections.push(Section {
                text,
                ..Section::default()
            }),
            None => {}
        }
    }
}

/// Where the element name at the start of a tag's text ends: at white space or `/`.
fn name_end(inner: &str) -> usize {
    let ends = |c: char| c.is_whitespace() || c == '/';
    match (inner.bytes()).position(|b| !(b.is_ascii_alphanumeric() || b == b'-')) {
        Some(i) if inner.as_bytes()[i].is_ascii() && ends(char::from(inner.as_bytes()[i])) => i,
        Some(i) => inner[i..].find(ends).map_or(inner.len(), |n| i + n),
        None => inner.len(),
    }
}

/// `name` in lower case, copied only when it has upper-case letters.
fn ascii_lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// True for an element whose content readers do not see as text. Most tags (the spans of
/// highlighted code) have no attribute that could hide them, which a look for `hidden` and
/// `&` (an attribute value may spell it with character references) tells cheaply.
fn hidden(kind: Element, attrs: &str) -> bool {
    if kind == Element::Skipped {
        return true;
    }
    if !may_hide(attrs.as_bytes()) {
        return false;
    }
    attr(attrs, "aria-hidden").as_deref() == Some("true")
        || attr(attrs, "class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == "visually-hidden"))
}

/// Whether a tag's attribute text could hide its element: it mentions `hidden` or has a
/// character reference (which could spell it).
fn may_hide(attrs: &[u8]) -> bool {
    attrs.windows(6).any(|w| w == b"hidden") || attrs.contains(&b'&')
}

/// True for the text of a `</span>` or of a `<span>` whose attributes (after a space)
/// cannot hide it: an inline element whose tags change nothing in the text.
fn is_plain_span(inner: &str) -> bool {
    match inner.as_bytes() {
        b"/span" => true,
        [b's', b'p', b'a', b'n', attrs @ ..] => {
            attrs.first().is_none_or(|&b| b == b' ') && !may_hide(attrs)
        }
        _ => false,
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

/// The value of attribute `name` in a start tag's attribute text (quoted or bare).
fn attr<'a>(attrs: &'a str, name: &str) -> Option<Cow<'a, str>> {
    let mut rest = attrs;
    while let Some(i) = rest.find(name) {
        let before_ok = rest[..i].ends_with(|c: char| c.is_whitespace());
        let after = rest[i + name.len()..].trim_start();
        rest = &rest[i + name.len()..];
        if !before_ok {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let raw = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or(""),
        };
        return Some(decode_entities(raw));
    }
    None
}

/// Appends `text` to `out` with runs of white space collapsed to one space (none at the
/// start of an empty `out`). Text between runs is copied in as few pieces as possible: a
/// lone ASCII space after other text needs no collapsing. ASCII is classified a byte at a
/// time; other characters decoded.
fn push_collapsed(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // Whether the character at `at` is white space, and its length.
    let char_at = |at: usize| match bytes[at] {
        b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => (true, 1),
        0..=0x7f => (false, 1),
        _ => {
            let c = text[at..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        }
    };
    let (mut at, mut copied) = (0, 0);
    while at < bytes.len() {
        if matches!(bytes[at], b'!'..=b'~') {
            at += 1; // printable ASCII other than space: the common case
            continue;
        }
        let (space, len) = char_at(at);
        let lone =
            || bytes[at] == b' ' && at > copied && !(at + 1 < bytes.len() && char_at(at + 1).0);
        if !space || lone() {
            at += len;
            continue;
        }
        out.push_str(&text[copied..at]);
        at += len;
        while at < bytes.len() {
            match char_at(at) {
                (true, len) => at += len,
                (false, _) => break,
            }
        }
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        copied = at;
    }
    out.push_str(&text[copied..]);
}

/// Decodes character references: the named ones templates and Markdown emit, and numeric.
fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..].split_once(';').and_then(|(name, _)| {
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, name.len() + 2))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(main: &str) -> PageDoc {
        let html = format!("<header><h1>Site</h1></header><main id=\"main\" class=\"wrap\">{main}</main><footer>f</footer>");
        page_doc("articles/x/index.html", &html).unwrap()
    }

    #[test]
    fn the_title_the_sections_and_their_ids_come_from_headings() {
        let d = doc("<h1>Keys &amp; <em>secrets</em></h1><p>Intro\n  text</p>\
                     <h2 id=\"env\">Envelope <a class=\"anchor\" href=\"#env\">#</a></h2><p>Data key.</p>\
                     <h3>No id</h3><p>Last para<strong>graph</strong>.</p>");
        assert_eq!(d.title, "Keys & secrets");
        assert_eq!(d.kind, "articles");
        let got: Vec<(&str, &str, &str)> = d
            .sections
            .iter()
            .map(|s| (s.id.as_str(), s.heading.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("", "", "Intro text"),
                ("env", "Envelope", "Data key."),
                ("", "No id", "Last paragraph."),
            ]
        );
    }

    #[test]
    fn markup_attributes_scripts_svg_and_hidden_text_are_left_out() {
        let d = doc("<h1>T</h1><p title=\"wrap\">a<script>alert(1)</script> b</p>\
                     <svg><text>label</text><svg><text>x</text></svg></svg><p>c</p>\
                     <span class=\"x visually-hidden\">sr <b>only</b></span><i aria-hidden=\"true\">icon</i>\
                     <!-- note --><p>d&#39;e &#x3C;f&gt; &unknown; &amp</p>\
                     <pre><code>aws s3 ls</code></pre>");
        assert_eq!(d.sections.len(), 1);
        assert_eq!(d.sections[0].text, "a b c d'e <f> &unknown; &amp");
        assert_eq!(d.code.trim(), "aws s3 ls");
    }

    #[test]
    fn hiding_attributes_count_however_they_are_spelt() {
        let d = doc(
            "<p>a<span class=\"visually&#45;hidden\">b</span><span class=hk>c</span>\
                     <SPAN ARIA-HIDDEN=true>d</SPAN><span aria-hidden='true'>e</span>\
                     <span data-x=\"hidden\">f</span><br class=\"visually-hidden\">g</p>",
        );
        assert_eq!(d.sections[0].text, "acdf g");
    }

    #[test]
    fn spans_nested_in_a_hidden_span_stay_hidden() {
        let d = doc(
            "<p>a<span aria-hidden=\"true\">b<span class=\"hk\">c</span>d</span>e\
             <span>f</span><span class=\"hs\">g</span></p>",
        );
        assert_eq!(d.sections[0].text, "aefg");
    }

    #[test]
    fn white_space_collapses_as_a_split_on_white_space_would() {
        for text in [
            "",
            " ",
            "a",
            " a ",
            "a  b",
            "\t\na\x0b\x0cb\r",
            "x\u{a0}y\u{2003} z",
            "é  ü",
            "  ",
            "one two three",
            "one two ",
            " lead and trail ",
            "日本 語\u{3000}x",
            "a \u{2003}b",
            "ü ü  ü\n",
        ] {
            for start in ["", "w", "w "] {
                let mut reference = start.to_string();
                for (n, word) in text.split(char::is_whitespace).enumerate() {
                    if n > 0 && !reference.is_empty() && !reference.ends_with(' ') {
                        reference.push(' ');
                    }
                    reference.push_str(word);
                }
                let mut got = start.to_string();
                push_collapsed(&mut got, text);
                assert_eq!(got, reference, "{text:?} after {start:?}");
            }
        }
    }

    #[test]
    fn element_names_end_where_a_split_on_space_or_slash_would() {
        for inner in [
            "span",
            "span class=x",
            "br/",
            "h2\tid=a",
            "x\u{a0}y",
            "é b",
            "a-b/",
        ] {
            let reference =
                (inner.find(|c: char| c.is_whitespace() || c == '/')).unwrap_or(inner.len());
            assert_eq!(name_end(inner), reference, "{inner:?}");
        }
    }

    #[test]
    fn search_and_404_are_not_indexed_and_the_home_page_is_home() {
        assert!(page_doc("search/index.html", "<main></main>").is_none());
        assert!(page_doc("404.html", "<main></main>").is_none());
        assert_eq!(
            page_doc("index.html", "<main><p>x</p></main>")
                .unwrap()
                .kind,
            "home"
        );
    }
}
