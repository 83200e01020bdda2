//! Writing XML documents (the sitemap, the Atom feed, Mermaid SVG) with quick-xml's
//! [`Writer`] into memory. Element helpers take plain text and escape it with
//! [`escape_html`]; [`XmlWriter::event`] writes any quick-xml event as it is, for callers
//! that copy markup they have read.

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;

use crate::render::escape::escape_html;

/// A quick-xml writer into a byte buffer, where writing cannot fail.
pub(crate) struct XmlWriter(Writer<Vec<u8>>);

impl XmlWriter {
    /// An empty document with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        XmlWriter(Writer::new(Vec::with_capacity(capacity)))
    }

    /// Writes one event as it is: names, attribute values and text must already be escaped.
    pub(crate) fn event(&mut self, event: Event<'_>) {
        self.0
            .write_event(event)
            .expect("writing to memory cannot fail");
    }

    /// Writes `<?xml version="1.0" encoding="…"?>` and a newline.
    pub(crate) fn declaration(&mut self, encoding: &str) {
        self.event(Event::Decl(BytesDecl::new("1.0", Some(encoding), None)));
        self.raw("\n");
    }

    /// Writes markup-free text as it is (line breaks and indentation between elements).
    pub(crate) fn raw(&mut self, text: &str) {
        self.event(Event::Text(BytesText::from_escaped(text)));
    }

    /// Writes a start tag with `attrs` (plain values, escaped here).
    pub(crate) fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(start_tag(name, attrs)));
    }

    /// Writes the end tag of `name`.
    pub(crate) fn end(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// Writes an empty element `<name …/>` with `attrs` (plain values, escaped here).
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(start_tag(name, attrs)));
    }

    /// Writes `<name>text</name>`, escaping the plain `text`.
    pub(crate) fn text_element(&mut self, name: &str, text: &str) {
        self.start(name, &[]);
        self.event(Event::Text(BytesText::from_escaped(escape_html(text))));
        self.end(name);
    }

    /// Appends everything `other` wrote.
    pub(crate) fn append(&mut self, other: XmlWriter) {
        self.0.get_mut().extend_from_slice(&other.0.into_inner());
    }

    /// The document written so far.
    pub(crate) fn into_string(self) -> String {
        // Everything written came from `&str`s, cut at markup boundaries.
        String::from_utf8(self.0.into_inner()).expect("XML written from UTF-8 text is UTF-8")
    }
}

/// A start tag with plain attribute values, escaped here.
fn start_tag<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let mut tag = BytesStart::new(name);
    for &(key, value) in attrs {
        tag.push_attribute(Attribute {
            key: QName(key),
            value: escape_html(value),
        });
    }
    tag
}

/// An attribute whose value is already escaped, to be written in double quotes: a raw `"`
/// (possible in a value read from a single-quoted attribute) is escaped as well.
pub(crate) fn escaped_attribute<'a>(name: &'a str, value: &'a str) -> Attribute<'a> {
    let value = match value.contains('"') {
        true => Cow::Owned(value.replace('"', "&quot;")),
        false => Cow::Borrowed(value),
    };
    Attribute {
        key: QName(name),
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_escape_text_and_attribute_values() {
        let mut xml = XmlWriter::with_capacity(0);
        xml.declaration("UTF-8");
        xml.start("feed", &[("xml:lang", "en\"x")]);
        xml.raw("\n  ");
        xml.text_element("title", "Q&A <today> \"now\" 'then'");
        xml.empty("link", &[("href", "https://h/?a=1&b=<2>")]);
        xml.end("feed");
        assert_eq!(
            xml.into_string(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xml:lang=\"en&quot;x\">\n  \
             <title>Q&amp;A &lt;today&gt; &quot;now&quot; 'then'</title>\
             <link href=\"https://h/?a=1&amp;b=&lt;2&gt;\"/></feed>"
        );
    }

    #[test]
    fn escaped_attributes_are_kept_but_double_quoted() {
        let mut tag = BytesStart::new("a");
        tag.push_attribute(escaped_attribute("title", "say \"hi\" &amp; go"));
        tag.push_attribute(escaped_attribute("href", "#x"));
        let mut xml = XmlWriter::with_capacity(0);
        xml.event(Event::Empty(tag));
        let mut other = XmlWriter::with_capacity(0);
        other.raw("!");
        xml.append(other);
        assert_eq!(
            xml.into_string(),
            "<a title=\"say &quot;hi&quot; &amp; go\" href=\"#x\"/>!"
        );
    }
}
