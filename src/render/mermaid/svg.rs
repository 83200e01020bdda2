//! Rewrites merman's SVG into the themed, accessible, HTML5-embeddable form described in the
//! [parent module](super). quick-xml reads merman's markup as a stream of events and a
//! quick-xml writer writes the rewritten stream; the rules for attributes and text are the
//! pure functions of [`clean`](super::clean).

use std::borrow::Cow;
use std::fmt::Display;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Reader;

use super::clean::{clean_attributes, push_repaired_text, round_numbers};
use crate::render::escape::escape_xml_text;
use crate::render::xml::{escaped_attribute, XmlWriter};

/// The smallest scale a diagram is shown at: its 16 px labels stay at 12 px or more.
const MIN_SCALE: f64 = 0.75;

/// Title used when the source has no `accTitle`.
const DEFAULT_TITLE: &str = "Flowchart diagram";

/// Scoped stylesheet; `#ID` is replaced with `#` + the diagram id. Rule order matters where
/// merman puts several edge classes on one path (later rules win).
const CSS: &str = concat!(
    "#ID{font-family:var(--mermaid-font,\"trebuchet ms\",verdana,arial,sans-serif);",
    "font-size:15px;fill:var(--mermaid-text,currentColor);}",
    "#ID text{fill:var(--mermaid-text,currentColor);stroke:none;}",
    "#ID .node rect,#ID .node circle,#ID .node ellipse,#ID .node polygon,#ID .node path",
    "{fill:var(--mermaid-node-bg,transparent);stroke:var(--mermaid-line,currentColor);",
    "stroke-width:1.5px;}",
    "#ID .node .label text{text-anchor:middle;}",
    "#ID .node.clickable{cursor:pointer;}",
    "#ID .cluster rect,#ID .cluster path{fill:var(--mermaid-cluster-bg,none);",
    "stroke:var(--mermaid-cluster-line,var(--mermaid-line,currentColor));stroke-width:1px;}",
    "#ID .edgeLabel rect.background,#ID .edgeLabel .label rect",
    "{fill:var(--mermaid-edge-label-bg,var(--mermaid-node-bg,transparent));stroke:none;}",
    "#ID .flowchart-link,#ID .edgePaths path{stroke:var(--mermaid-line,currentColor);fill:none;}",
    "#ID .edge-thickness-normal{stroke-width:1.5px;}",
    "#ID .edge-thickness-thick{stroke-width:3.5px;}",
    "#ID .edge-pattern-solid{stroke-dasharray:0;}",
    "#ID .edge-thickness-invisible{stroke-width:0;fill:none;}",
    "#ID .edge-pattern-dashed{stroke-dasharray:3;}",
    "#ID .edge-pattern-dotted{stroke-dasharray:2;}",
    "#ID .edge-animation-slow,#ID .edge-animation-fast{stroke-dasharray:9,5;stroke-linecap:round;}",
    "#ID .marker,#ID .arrowheadPath{fill:var(--mermaid-line,currentColor);",
    "stroke:var(--mermaid-line,currentColor);}",
    "#ID .marker.cross{fill:none;}",
    "#ID .flowchartTitleText{text-anchor:middle;font-size:18px;}",
    "#ID rect.text{fill:none;stroke-width:0;}",
);

/// Rewrites merman's SVG `raw` for the diagram `id` drawn from `source`: a new root element,
/// then a header (`<title>`, `<desc>` with the source, the scoped `<style>`), then merman's
/// drawing with its own style sheet, comments and colours taken out.
pub(super) fn rewrite(raw: &str, id: &str, source: &str) -> Result<String, String> {
    let mut reader = Reader::from_str(raw);
    reader.config_mut().allow_dangling_amp = true;
    let root = Root::read(&mut reader)?;
    // The drawing goes to its own buffer: the header before it needs the title and desc
    // found inside it.
    let mut drawing = Drawing::with_capacity(raw.len());
    if !root.empty {
        drawing.copy(&mut reader)?;
    }
    let mut out = XmlWriter::with_capacity(raw.len() + CSS.len() + source.len());
    out.event(Event::Start(root.new_start_tag(id)));
    write_header(&mut out, id, &drawing, source);
    out.append(drawing.out);
    out.event(Event::End(BytesEnd::new("svg")));
    Ok(out.into_string())
}

/// What merman's root `<svg>` element passes on to the rewritten one.
struct Root {
    /// Its `viewBox`, as written.
    view_box: String,
    /// Its `class` (merman's diagram kind), as written.
    class: String,
    /// Whether it is an empty element (`<svg …/>`).
    empty: bool,
}

impl Root {
    /// Reads up to and including the root's start tag; what comes before it (XML declaration,
    /// doctype, comments, white space) is dropped.
    fn read(reader: &mut Reader<&[u8]>) -> Result<Root, String> {
        let (tag, empty) = loop {
            match reader.read_event().map_err(malformed)? {
                Event::Start(tag) => break (tag, false),
                Event::Empty(tag) => break (tag, true),
                Event::Eof => return Err("merman returned no <svg> element".to_string()),
                _ => {}
            }
        };
        if tag.name().as_ref() != "svg" {
            return Err(format!("unexpected root element <{}>", tag.name().as_ref()));
        }
        let attrs = attributes(&tag)?;
        let find = |name: &str| attrs.iter().find(|a| a.key.as_ref() == name);
        let view_box = find("viewBox").ok_or("merman's SVG has no viewBox")?;
        Ok(Root {
            view_box: view_box.value.to_string(),
            class: find("class").map_or("flowchart".to_string(), |a| a.value.to_string()),
            empty,
        })
    }

    /// The rewritten root's start tag: merman's `viewBox` (rounded) and class, a fluid width
    /// between [`MIN_SCALE`] of the natural one (text stays readable: a narrower box
    /// scrolls) and the natural one, and the accessibility attributes.
    fn new_start_tag(&self, id: &str) -> BytesStart<'static> {
        let width = self
            .view_box
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .nth(2)
            .and_then(|w| w.parse::<f64>().ok())
            .unwrap_or(0.0);
        let style = format!(
            "min-width:{};max-width:{};height:auto;overflow:visible",
            css_px((width * MIN_SCALE).round()),
            css_px(width)
        );
        let mut svg = BytesStart::new("svg");
        for (name, value) in [
            ("id", Cow::Borrowed(id)),
            ("class", Cow::Owned(format!("mermaid {}", self.class))),
            ("viewBox", round_numbers(&self.view_box)),
            ("width", Cow::Borrowed("100%")),
            ("style", Cow::Owned(style)),
            ("role", Cow::Borrowed("img")),
            ("aria-roledescription", Cow::Borrowed("flowchart")),
            ("aria-labelledby", Cow::Owned(format!("{id}-title"))),
            ("aria-describedby", Cow::Owned(format!("{id}-desc"))),
            ("xmlns", Cow::Borrowed("http://www.w3.org/2000/svg")),
        ] {
            svg.push_attribute(escaped_attribute(name, &value));
        }
        svg
    }
}

/// The rewritten content of the root element, plus the root's own `<title>` and `<desc>`
/// (raw, trimmed), which the new header uses instead.
struct Drawing {
    out: XmlWriter,
    /// Raw text read since the last markup, repaired and written at the next markup.
    text: String,
    title: Option<String>,
    desc: Option<String>,
    /// Elements open below the root.
    depth: usize,
}

impl Drawing {
    fn with_capacity(capacity: usize) -> Self {
        Drawing {
            out: XmlWriter::with_capacity(capacity),
            text: String::new(),
            title: None,
            desc: None,
            depth: 0,
        }
    }

    /// Copies the events up to the root's end tag, rewritten.
    fn copy(&mut self, reader: &mut Reader<&[u8]>) -> Result<(), String> {
        loop {
            let event = reader.read_event().map_err(malformed)?;
            match &event {
                Event::Text(text) => self.text.push_str(text),
                // quick-xml reports `&name;` apart from the text around it: put it back.
                Event::GeneralRef(name) => {
                    self.text.push('&');
                    self.text.push_str(name);
                    self.text.push(';');
                }
                _ => self.flush_text(),
            }
            match event {
                Event::Start(tag) => self.element(reader, &tag, false)?,
                Event::Empty(tag) => self.element(reader, &tag, true)?,
                Event::End(_) if self.depth == 0 => return Ok(()),
                Event::End(end) => {
                    self.depth -= 1;
                    self.out.event(Event::End(end));
                }
                Event::CData(cdata) => self.out.event(Event::CData(cdata)),
                Event::Eof => return Err("merman's SVG is not terminated".to_string()),
                // Text was handled above; comments, processing instructions, doctypes go.
                _ => {}
            }
        }
    }

    fn flush_text(&mut self) {
        if !self.text.is_empty() {
            let mut repaired = String::with_capacity(self.text.len());
            push_repaired_text(&mut repaired, &self.text);
            self.out
                .event(Event::Text(BytesText::from_escaped(repaired)));
            self.text.clear();
        }
    }

    /// Writes one element's start tag with cleaned attributes (a `title` attribute becomes a
    /// `<title>` child); `<style>` elements, and `<title>`/`<desc>` of the root, are taken out.
    fn element(
        &mut self,
        reader: &mut Reader<&[u8]>,
        tag: &BytesStart<'_>,
        empty: bool,
    ) -> Result<(), String> {
        let name = tag.name();
        let name = name.as_ref();
        let header_part = self.depth == 0 && (name == "title" || name == "desc");
        if name == "style" || header_part {
            if !empty {
                let inner = reader.read_text(tag.name()).map_err(malformed)?;
                let inner = Some(inner.trim().to_string());
                match name {
                    "title" if header_part => self.title = inner,
                    "desc" if header_part => self.desc = inner,
                    _ => {}
                }
            }
            return Ok(());
        }
        let attrs = attributes(tag)?;
        let pairs: Vec<(&str, &str)> = attrs.iter().map(|a| (a.key.0, &*a.value)).collect();
        let cleaned = clean_attributes(&pairs);
        let mut start = BytesStart::new(name);
        for (name, value) in &cleaned.attrs {
            start.push_attribute(escaped_attribute(name, value));
        }
        match cleaned.title {
            None if empty => self.out.event(Event::Empty(start)),
            None => self.out.event(Event::Start(start)),
            Some(title) => {
                self.out.event(Event::Start(start.borrow()));
                escaped_text_element(&mut self.out, "title", None, title);
                if empty {
                    self.out.event(Event::End(start.to_end()));
                }
            }
        }
        if !empty {
            self.depth += 1;
        }
        Ok(())
    }
}

/// Writes the root's `<title>` (the `accTitle`, or a default), `<desc>` (the `accDescr`, a
/// blank line, then the diagram source) and the scoped `<style>`.
fn write_header(out: &mut XmlWriter, id: &str, drawing: &Drawing, source: &str) {
    let title = drawing.title.as_deref().filter(|t| !t.is_empty());
    let mut desc = String::new();
    if let Some(d) = drawing.desc.as_deref().filter(|d| !d.is_empty()) {
        desc.push_str(d);
        desc.push_str("\n\n");
    }
    desc.push_str(&escape_xml_text(source.trim_end()));
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let css = CSS.replace("#ID", &format!("#{id}"));
    escaped_text_element(
        out,
        "title",
        Some(&title_id),
        title.unwrap_or(DEFAULT_TITLE),
    );
    escaped_text_element(out, "desc", Some(&desc_id), &desc);
    escaped_text_element(out, "style", None, &css);
}

/// A start tag's attributes as written (values still escaped), duplicates and all.
fn attributes<'a>(tag: &'a BytesStart<'_>) -> Result<Vec<Attribute<'a>>, String> {
    tag.html_attributes()
        .with_checks(false)
        .collect::<Result<_, _>>()
        .map_err(malformed)
}

/// Writes `<name id="…">text</name>` (no `id` if `None`); `text` is already escaped.
fn escaped_text_element(out: &mut XmlWriter, name: &str, id: Option<&str>, text: &str) {
    let mut start = BytesStart::new(name);
    if let Some(id) = id {
        start.push_attribute(escaped_attribute("id", id));
    }
    out.event(Event::Start(start));
    out.event(Event::Text(BytesText::from_escaped(text)));
    out.event(Event::End(BytesEnd::new(name)));
}

/// Formats a user-unit length for CSS, rounding up to a whole pixel.
fn css_px(value: f64) -> String {
    if value.is_finite() && value > 0.0 {
        format!("{}px", value.ceil() as u64)
    } else {
        "100%".to_string()
    }
}

fn malformed(err: impl Display) -> String {
    format!("malformed SVG from merman: {err}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "flowchart TD\n  A[\"q\"] --> B\n";

    /// The rewritten SVG split into its root start tag, its header (title, desc, style) and
    /// the drawing after it.
    fn parts(svg: &str) -> (&str, &str, &str) {
        let root_end = svg.find('>').unwrap() + 1;
        let header_end = svg.find("</style>").unwrap() + "</style>".len();
        let drawing = svg[header_end..].strip_suffix("</svg>").unwrap();
        (&svg[..root_end], &svg[root_end..header_end], drawing)
    }

    #[test]
    fn entities_comments_style_blocks_and_cdata() {
        let raw = concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE svg><!-- lead -->",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" ",
            "class=\"flowchart\" viewBox=\"0 0 100.123456 50\" width=\"100%\">",
            "<title>  The &amp; title </title><desc>Some &lt;desc&gt;</desc>",
            "<style>#x{fill:red}</style><g transform=\"translate(1.23456,2)\">",
            "<text x=\"1\" y=\"2.0000001\" data-label=\"a &gt; b\" title=\"t &amp; u\">",
            "a &amp;quot;b&amp;quot; &amp;nbsp; &amp;#9829;<tspan>nested &lt;x&gt;</tspan> tail",
            "</text><!-- mid --><a xlink:href=\"#n&amp;1\"><rect width=\"1.555\" height=\"2\" ",
            "fill=\"#fff\" stroke=\"none\" style=\"fill:red;stroke-width:1px\"/></a></g>",
            "<style><![CDATA[ .a > .b { fill: red } ]]></style>",
            "<g><![CDATA[raw <cdata> & stuff]]></g></svg><!-- after -->",
        );
        let svg = rewrite(raw, "d1", SOURCE).unwrap();
        let (root, header, drawing) = parts(&svg);
        assert_eq!(
            root,
            "<svg id=\"d1\" class=\"mermaid flowchart\" viewBox=\"0 0 100.12 50\" width=\"100%\" \
             style=\"min-width:75px;max-width:101px;height:auto;overflow:visible\" role=\"img\" \
             aria-roledescription=\"flowchart\" aria-labelledby=\"d1-title\" \
             aria-describedby=\"d1-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
        );
        assert!(header.starts_with(
            "<title id=\"d1-title\">The &amp; title</title><desc id=\"d1-desc\">Some \
             &lt;desc&gt;\n\nflowchart TD\n  A[\"q\"] --&gt; B</desc><style>#d1{font-family:"
        ));
        assert!(!header.contains("fill:red") && !drawing.contains("fill:red"));
        assert_eq!(
            drawing,
            "<g transform=\"translate(1.23,2)\"><text x=\"1\" y=\"2\" data-label=\"a &gt; b\">\
             <title>t &amp; u</title>a &quot;b&quot; &#160; &#9829;<tspan>nested &lt;x&gt;\
             </tspan> tail</text><a href=\"#n&amp;1\"><rect width=\"1.55\" height=\"2\" \
             style=\"stroke:none;stroke-width:1px\"/></a></g>\
             <g><![CDATA[raw <cdata> & stuff]]></g>"
        );
    }

    #[test]
    fn single_quoted_values_with_quotes_and_angle_brackets() {
        let raw = "<svg viewBox='0,0,10,20' class='x \"y\"'><g data-x='a \"q\" > b' \
                   d='M0.123,1.98765'/><path title='it&apos;s \"quoted\"'/></svg>";
        let svg = rewrite(raw, "d2", SOURCE).unwrap();
        let (root, header, drawing) = parts(&svg);
        assert!(root.starts_with(
            "<svg id=\"d2\" class=\"mermaid x &quot;y&quot;\" viewBox=\"0,0,10,20\" \
             width=\"100%\" style=\"min-width:8px;max-width:10px;"
        ));
        assert!(header.starts_with("<title id=\"d2-title\">Flowchart diagram</title>"));
        assert_eq!(
            drawing,
            "<g data-x=\"a &quot;q&quot; > b\" d=\"M0.12,1.99\"/>\
             <path><title>it&apos;s \"quoted\"</title></path>"
        );
    }

    #[test]
    fn only_the_roots_title_and_desc_move_and_text_passes_as_read() {
        let raw = "<svg viewBox=\"0 0 5 5\"><g><title>inner title kept</title><desc>inner \
                   desc</desc></g><text>a & b &amp; c</text><g a=1 b>x</g><title/><style/></svg>";
        let svg = rewrite(raw, "d6", SOURCE).unwrap();
        let (_, header, drawing) = parts(&svg);
        assert!(header.starts_with("<title id=\"d6-title\">Flowchart diagram</title>"));
        assert_eq!(
            drawing,
            "<g><title>inner title kept</title><desc>inner desc</desc></g>\
             <text>a & b &amp; c</text><g a=\"1\" b=\"\">x</g>"
        );
    }

    #[test]
    fn an_empty_root_still_gets_its_header() {
        let svg = rewrite("<svg viewBox=\"0 0 5 5\"/>", "d3", SOURCE).unwrap();
        let (root, header, drawing) = parts(&svg);
        assert!(
            root.contains(" style=\"min-width:4px;max-width:5px;height:auto;overflow:visible\"")
        );
        assert!(header.contains("<desc id=\"d3-desc\">flowchart TD\n"));
        assert_eq!(drawing, "");
    }

    #[test]
    fn unusable_svg_is_an_error() {
        for (raw, error) in [
            ("<g viewBox=\"0 0 5 5\"></g>", "unexpected root element <g>"),
            ("<svg class=\"c\"><g/></svg>", "merman's SVG has no viewBox"),
            (
                "<svg viewBox=\"0 0 5 5\"><g>",
                "merman's SVG is not terminated",
            ),
            ("<!-- nothing -->", "merman returned no <svg> element"),
        ] {
            assert_eq!(rewrite(raw, "d", SOURCE).unwrap_err(), error, "{raw}");
        }
        let mismatched = rewrite("<svg viewBox=\"0 0 5 5\"><g></a></svg>", "d", SOURCE);
        assert!(mismatched
            .unwrap_err()
            .starts_with("malformed SVG from merman: "));
    }
}
