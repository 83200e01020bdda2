//! The clean-up rules for what merman writes inside the diagram, as pure string functions:
//! which attributes stay (colours go, `xlink:href` becomes `href`, a `title` attribute
//! becomes a child element), how long numbers are shortened, and how merman's doubly escaped
//! character references in labels are repaired. The XML plumbing lives in `svg.rs`.

use std::borrow::Cow;

/// Attributes whose numbers are rounded to two decimals (merman writes up to 17 digits).
const GEOMETRY_ATTRS: &[&str] = &[
    "d",
    "points",
    "transform",
    "x",
    "y",
    "width",
    "height",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "x1",
    "x2",
    "y1",
    "y2",
    "viewBox",
];

/// CSS properties (and presentation attributes) whose colour values would fight the theme.
const COLOUR_PROPERTIES: &[&str] = &[
    "fill",
    "stroke",
    "color",
    "background",
    "background-color",
    "flood-color",
];

/// A non-root element's attributes after clean-up.
#[derive(Debug, PartialEq)]
pub(super) struct Cleaned<'a> {
    /// Attributes to write, in order; values are still escaped, as they were read.
    pub(super) attrs: Vec<(&'a str, Cow<'a, str>)>,
    /// The raw value of a `title` attribute, which becomes a `<title>` child.
    pub(super) title: Option<&'a str>,
}

/// Cleans the attributes of one element inside the diagram (`attrs` are name and raw,
/// still-escaped value): drops `xmlns:xlink` and `data-points`, renames `xlink:href` to
/// `href` unless there is one, takes out `title`, drops colours from `style` and colour
/// presentation attributes (keeping `none`/`transparent`, moved into `style`), and rounds
/// the numbers of geometry attributes.
pub(super) fn clean_attributes<'a>(attrs: &[(&'a str, &'a str)]) -> Cleaned<'a> {
    let mut cleaned = Cleaned {
        attrs: Vec::with_capacity(attrs.len()),
        title: None,
    };
    let mut style = Vec::new();
    for &(name, value) in attrs {
        match name {
            "xmlns:xlink" | "data-points" => {}
            "title" => cleaned.title = Some(value),
            "xlink:href" => {
                if !attrs.iter().any(|(n, _)| *n == "href") {
                    cleaned.attrs.push(("href", Cow::Borrowed(value)));
                }
            }
            "style" => filter_style(value, &mut style),
            _ if GEOMETRY_ATTRS.contains(&name) => cleaned.attrs.push((name, round_numbers(value))),
            _ if is_colour_property(name) => {
                if is_no_paint(value) {
                    style.push(format!("{name}:{}", value.trim()));
                }
            }
            _ => cleaned.attrs.push((name, Cow::Borrowed(value))),
        }
    }
    if !style.is_empty() {
        cleaned.attrs.push(("style", Cow::Owned(style.join(";"))));
    }
    cleaned
}

/// Whether a paint value (possibly with `!important`) is `none` or `transparent`.
fn is_no_paint(value: &str) -> bool {
    let v = value.trim();
    let v = v.strip_suffix("!important").unwrap_or(v).trim();
    v.eq_ignore_ascii_case("none") || v.eq_ignore_ascii_case("transparent")
}

fn is_colour_property(prop: &str) -> bool {
    COLOUR_PROPERTIES
        .iter()
        .any(|p| prop.eq_ignore_ascii_case(p))
}

/// Appends the declarations of an inline style to `out`, without colours (except
/// `none`/`transparent`), empty declarations and repeats.
fn filter_style(style: &str, out: &mut Vec<String>) {
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let (prop, value) = (prop.trim(), value.trim());
        if prop.is_empty() || value.is_empty() {
            continue;
        }
        if is_colour_property(prop) && !is_no_paint(value) {
            continue;
        }
        let decl = format!("{prop}:{value}");
        if !out.contains(&decl) {
            out.push(decl);
        }
    }
}

/// Rounds every decimal number in `value` with more than two fraction digits (or an exponent)
/// to two decimals, leaving everything else (commands, separators, units) untouched.
pub(super) fn round_numbers(value: &str) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !starts_number(bytes, i) {
            i += 1;
            continue;
        }
        let start = i;
        let (end, long) = scan_number(bytes, start);
        i = end;
        if !long {
            continue;
        }
        let Some(mut text) = rounded(&value[start..end]) else {
            continue;
        };
        // `.5.123` is two numbers: keep the new one from merging with the previous one.
        let glued = start > 0 && (bytes[start - 1].is_ascii_digit() || bytes[start - 1] == b'.');
        if glued && text.starts_with(|c: char| c.is_ascii_digit()) {
            text = match text.strip_prefix("0.") {
                Some(rest) => format!(".{rest}"),
                None => format!(" {text}"),
            };
        }
        out.push_str(&value[copied..start]);
        out.push_str(&text);
        copied = end;
    }
    if copied == 0 {
        Cow::Borrowed(value)
    } else {
        out.push_str(&value[copied..]);
        Cow::Owned(out)
    }
}

/// Whether a number starts at `bytes[i]`: a digit, or a sign or point before a digit (or a
/// sign before a point).
fn starts_number(bytes: &[u8], i: usize) -> bool {
    bytes[i].is_ascii_digit()
        || (matches!(bytes[i], b'-' | b'+' | b'.')
            && bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_digit() || (*b == b'.' && bytes[i] != b'.')))
}

/// Scans the number starting at `start`; returns where it ends and whether it is long
/// (more than two fraction digits, or an exponent).
fn scan_number(bytes: &[u8], start: usize) -> (usize, bool) {
    let digits_from = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = start;
    if matches!(bytes[i], b'-' | b'+') {
        i += 1;
    }
    i = digits_from(i);
    let mut fraction = 0;
    if bytes.get(i) == Some(&b'.') {
        let end = digits_from(i + 1);
        fraction = end - i - 1;
        i = end;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(i + 1), Some(b'-' | b'+')));
        let end = digits_from(i + 1 + sign);
        if end > i + 1 + sign {
            return (end, true);
        }
    }
    (i, fraction > 2)
}

/// `number` with two decimals at most, without trailing zeros or a negative zero; `None` if
/// it does not parse.
fn rounded(number: &str) -> Option<String> {
    let number = number.parse::<f64>().ok()?;
    let mut text = format!("{number:.2}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    if text == "-0" {
        text = "0".to_string();
    }
    Some(text)
}

/// Appends a text node's raw (escaped) content, undoing the double escaping merman applies to
/// character references in SVG-text labels: Mermaid's `#quot;`/`#9829;` codes (and entities
/// typed in the source) reach the text as `&amp;quot;`/`&amp;#9829;`, which would show
/// literally. `&nbsp;` becomes `&#160;` so the result stays well-formed XML too.
pub(super) fn push_repaired_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find("&amp;") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 5..];
        let entity = after
            .find(';')
            .map(|end| &after[..end])
            .filter(|name| is_known_reference(name));
        match entity {
            Some(name) => {
                out.push('&');
                out.push_str(if name == "nbsp" { "#160" } else { name });
                out.push(';');
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push_str("&amp;");
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Whether `&name;` is a reference worth restoring: a numeric one naming an allowed
/// character, or one of the XML entities and `nbsp`.
fn is_known_reference(name: &str) -> bool {
    let numeric = name.strip_prefix('#').is_some_and(|n| {
        let (digits, radix) = match n.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (n, 10),
        };
        u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32)
            .is_some_and(|c| !c.is_control() || matches!(c, '\t' | '\n'))
    });
    numeric || matches!(name, "quot" | "amp" | "lt" | "gt" | "apos" | "nbsp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded() {
        assert_eq!(
            round_numbers("M-21.79 -17 C-12.156413300967417 -17,1.005,2e-7 L.5.123456"),
            "M-21.79 -17 C-12.16 -17,1,0 L.5.12"
        );
        assert_eq!(round_numbers("L.5.999 .5.0001"), "L.5 1 .5 0");
        assert_eq!(
            round_numbers("translate(135.03999999999996,93.5)"),
            "translate(135.04,93.5)"
        );
        assert_eq!(round_numbers("-0.0001 1.1em"), "0 1.1em");
        assert_eq!(round_numbers("1e 2E+3 -.1251"), "1e 2000 -0.13");
        assert!(matches!(round_numbers("0 0 10 20.5"), Cow::Borrowed(_)));
    }

    #[test]
    fn double_escaped_references_are_decoded() {
        let mut out = String::new();
        push_repaired_text(
            &mut out,
            "&amp;quot;a&amp;quot; &amp;&amp;#9829; &amp;nbsp; &amp;bogus; &amp;#0; &amp;",
        );
        assert_eq!(
            out,
            "&quot;a&quot; &amp;&#9829; &#160; &amp;bogus; &amp;#0; &amp;"
        );
    }

    #[test]
    fn attributes_lose_colours_and_keep_geometry_short() {
        let attrs = [
            ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
            ("class", "node default"),
            ("fill", "#f9f"),
            ("stroke", " none "),
            (
                "style",
                "fill:#333 !important;stroke-width:2px;;color:red;stroke-width:2px",
            ),
            ("x", "1.23456"),
            ("title", "Go &amp; see"),
            ("xlink:href", "https://example.com/?a=1&amp;b=2"),
            ("data-points", "W3sieCI6MX1d"),
        ];
        let cleaned = clean_attributes(&attrs);
        let attrs: Vec<(&str, &str)> = cleaned.attrs.iter().map(|(n, v)| (*n, &**v)).collect();
        assert_eq!(
            attrs,
            [
                ("class", "node default"),
                ("x", "1.23"),
                ("href", "https://example.com/?a=1&amp;b=2"),
                ("style", "stroke:none;stroke-width:2px"),
            ]
        );
        assert_eq!(cleaned.title, Some("Go &amp; see"));
    }

    #[test]
    fn xlink_href_gives_way_to_href() {
        let cleaned = clean_attributes(&[("href", "#a"), ("xlink:href", "#b")]);
        assert_eq!(cleaned.attrs, [("href", Cow::Borrowed("#a"))]);
        assert_eq!(cleaned.title, None);
    }
}
