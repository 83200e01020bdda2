//! Escaping text into HTML and XML, and back: the one place that knows which characters are
//! markup. Pages, feeds, the sitemap, highlighted code and Mermaid SVG all escape through here.

use std::borrow::Cow;

/// Escapes `&`, `<`, `>` and `"`: safe both in a text node and in a double-quoted attribute
/// value, in HTML and in XML. Borrows when there is nothing to escape.
pub(crate) fn escape_html(text: &str) -> Cow<'_, str> {
    escape_with(text, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        _ => None,
    })
}

/// Escapes `&`, `<` and `>` for an XML text node, leaving quotes readable, turns `\r\n` and
/// lone `\r` into `\n`, and drops the characters XML 1.0 forbids (control characters other
/// than tab and newline, U+FFFE, U+FFFF). Used for diagram source kept in an SVG `<desc>`.
pub(crate) fn escape_xml_text(text: &str) -> String {
    escape_with(&text.replace("\r\n", "\n"), |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '\r' => Some("\n"),
        '\t' | '\n' => None,
        '\u{FFFE}' | '\u{FFFF}' => Some(""),
        c if c.is_control() => Some(""),
        _ => None,
    })
    .into_owned()
}

/// Undoes [`escape_html`]: decodes `&lt;`, `&gt;`, `&quot;` and `&amp;` in one left-to-right
/// pass (so `&amp;lt;` becomes `&lt;`); any other `&` is kept as it is.
pub(crate) fn unescape_html(text: &str) -> Cow<'_, str> {
    const ENTITIES: [(&str, char); 4] = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&amp;", '&'),
    ];
    let Some(first) = text.find('&') else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut rest = &text[first..];
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match ENTITIES.iter().find(|(entity, _)| rest.starts_with(entity)) {
            Some((entity, decoded)) => {
                out.push(*decoded);
                rest = &rest[entity.len()..];
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

/// Copies `text`, replacing each character for which `replace` returns `Some`; borrows when
/// nothing is replaced.
fn escape_with(text: &str, replace: impl Fn(char) -> Option<&'static str>) -> Cow<'_, str> {
    let Some(first) = text.char_indices().find(|&(_, c)| replace(c).is_some()) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 8);
    out.push_str(&text[..first.0]);
    for c in text[first.0..].chars() {
        match replace(c) {
            Some(replacement) => out.push_str(replacement),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_the_four_markup_characters_and_nothing_else() {
        assert_eq!(
            escape_html(r#"a < b && "c" > 'd' é"#),
            "a &lt; b &amp;&amp; &quot;c&quot; &gt; 'd' é"
        );
        assert_eq!(escape_html("&amp;"), "&amp;amp;");
        assert!(matches!(escape_html("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn xml_text_keeps_quotes_normalizes_line_ends_and_drops_forbidden_characters() {
        assert_eq!(
            escape_xml_text("A[\"x\"] --> B<br>\r\nC\rD\t&\u{0}\u{7}\u{FFFE}\u{FFFF}E"),
            "A[\"x\"] --&gt; B&lt;br&gt;\nC\nD\t&amp;E"
        );
        assert_eq!(escape_xml_text("a\r\nb"), "a\nb");
    }

    #[test]
    fn unescape_undoes_escape_html_once() {
        let original = r#"<a href="x">Tom & "Jerry"</a> &amp; 'q'"#;
        assert_eq!(unescape_html(&escape_html(original)), original);
        assert_eq!(
            unescape_html("&amp;lt; &nbsp; &#39; & &am"),
            "&lt; &nbsp; &#39; & &am"
        );
        assert!(matches!(unescape_html("no entities"), Cow::Borrowed(_)));
    }
}
