//! Build-time rendering of Mermaid flowcharts to inline, themeable SVG.
//!
//! [`render_svg`] runs the headless [`merman`] engine (no JavaScript, no CDN) with a fixed
//! site configuration — classic look, plain SVG `<text>` labels instead of HTML
//! `<foreignObject>` labels, deterministic text measurement — and then rewrites the result so
//! that it can be pasted straight into an HTML5 page:
//!
//! * merman's own `<style>` sheet (hard-coded light colours) is dropped and replaced by a small
//!   sheet scoped to the diagram's id, whose colours all come from CSS custom properties;
//!   inline `fill`/`stroke`/`color` styles and presentation attributes are stripped (values of
//!   `none`/`transparent` are kept), so `style`, `classDef` and `linkStyle` colours in the
//!   source are ignored on purpose;
//! * the root element gets `role="img"`, a `<title>` (the `accTitle`, or "Flowchart diagram")
//!   and a `<desc>` holding the diagram source (preceded by the `accDescr`, if any), referenced
//!   by `aria-labelledby`/`aria-describedby`;
//! * it keeps its `viewBox`, gets `width="100%"` plus a `max-width` of the natural width, and
//!   `overflow: visible`, so it scales down on narrow screens and never clips text;
//! * `xlink:href` becomes `href` (no `xmlns:xlink`), `title="…"` attributes (invalid on SVG
//!   elements) become `<title>` children, comments and the bulky `data-points` attributes go.
//!
//! Every id inside the SVG starts with the sanitized `id` argument, so several diagrams can
//! share one page. Output is byte-for-byte deterministic for a given `(source, id)`.
//!
//! # CSS variables
//!
//! The page theme should define these for light and dark mode (each has a fallback, shown in
//! brackets, that keeps the diagram legible if the theme forgets it):
//!
//! | variable | used for | fallback |
//! | --- | --- | --- |
//! | `--mermaid-node-bg` | node fill | `transparent` |
//! | `--mermaid-line` | node borders, edges, arrow heads, subgraph borders | `currentColor` |
//! | `--mermaid-text` | all label text | `currentColor` |
//!
//! Optional refinements: `--mermaid-edge-label-bg` (box behind edge labels; default
//! `--mermaid-node-bg`, then `transparent`), `--mermaid-cluster-bg` (subgraph fill; default `none`),
//! `--mermaid-cluster-line` (subgraph border; default `--mermaid-line`) and `--mermaid-font`
//! (default `"trebuchet ms", verdana, arial, sans-serif`, the font the layout was measured for).
//!
//! # Limits
//!
//! Only flowcharts (`flowchart …` / `graph …`) are compiled in; other diagram types return an
//! error. Text widths are estimated from Trebuchet MS metrics at 16px while labels are drawn at
//! 15px, which leaves room for somewhat wider fallback fonts; very wide fonts can still make
//! text touch node borders. Labels are SVG text: markdown strings (`**bold**`, `_italic_`) and
//! `<br>` work, other HTML tags are shown literally and Font Awesome `fa:` icons are not drawn.
//! Colours from `style`, `classDef` and `linkStyle` are dropped (widths and dashes stay).
//! Subgraph titles sit inside the subgraph's top edge, where an edge entering it may cross them.

use std::any::Any;
use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};

use merman::svg::{sanitize_svg_id, SvgRenderOptions};
use merman::{
    MermaidEngine, OperationControl, RenderOutput, RenderRequest, Renderer,
    SourcePresentationConfig, SvgRequest,
};

/// Extra user units merman leaves around the drawing inside the `viewBox` (merman's default
/// is 8); the margin absorbs labels that come out wider than estimated.
const VIEWBOX_PADDING: f64 = 16.0;

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

/// Renders one Mermaid diagram's source to an inline `<svg>` element.
/// `id` is a unique, HTML-id-safe prefix (e.g. "mermaid-3") so several diagrams on one page
/// do not clash (ids inside the SVG, markers, styles must be scoped by it).
/// Returns Err(message) for source merman cannot parse or render (the caller then shows the
/// source as a code block and reports a warning). It never panics: merman and the
/// post-processing run under [`std::panic::catch_unwind`], and a panic becomes an `Err` (the
/// default panic hook still prints its message to stderr).
///
/// The id is normalized with merman's `sanitize_svg_id` (ASCII letters, digits, `-`, `_`;
/// ids that are already safe, such as `mermaid-3`, are kept as they are) and used as the
/// `<svg>` element's own `id`. See the module docs for the CSS variables the page must define.
pub fn render_svg(source: &str, id: &str) -> Result<String, String> {
    let id = sanitize_svg_id(id);
    let raw = catch_unwind(AssertUnwindSafe(|| render_raw(source, &id)))
        .map_err(|payload| format!("merman panicked: {}", panic_message(payload.as_ref())))??;
    catch_unwind(AssertUnwindSafe(|| rewrite(&raw, &id, source))).map_err(|payload| {
        format!(
            "post-processing the SVG panicked: {}",
            panic_message(payload.as_ref())
        )
    })?
}

/// Runs merman and returns its SVG unchanged.
fn render_raw(source: &str, id: &str) -> Result<String, String> {
    let site_config = SourcePresentationConfig::from_value(serde_json::json!({
        "theme": "default",
        "look": "classic",
        "htmlLabels": false,
        "fontFamily": "\"trebuchet ms\", verdana, arial, sans-serif",
        "fontSize": 16,
        "flowchart": {
            "look": "classic",
            "theme": "default",
            "htmlLabels": false,
            "minNodeWidth": 0,
            "wrappingWidth": 200,
            "padding": 15,
            "useMaxWidth": true
        }
    }));
    let renderer = Renderer::new()
        .with_presentation_engine(MermaidEngine::new().with_site_config(site_config));
    let request = SvgRequest {
        options: SvgRenderOptions {
            viewbox_padding: VIEWBOX_PADDING,
            diagram_id: Some(id.to_string()),
        },
        ..SvgRequest::default()
    };
    match renderer.render(RenderRequest::svg(source, OperationControl::new(), request)) {
        Ok(RenderOutput::Svg(Some(svg))) => Ok(svg.into_parts().0),
        Ok(_) => Err("no Mermaid diagram detected".to_string()),
        Err(err) => Err(err.to_string()),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// One parsed start tag: name, raw (still escaped) attribute values, and whether it is `/>`.
struct StartTag<'a> {
    name: &'a str,
    attrs: Vec<(&'a str, &'a str)>,
    self_closing: bool,
}

/// Parses the start tag at the beginning of `s` (which starts with `<` + a name character);
/// returns the tag and its length in bytes, or `None` if the tag is not terminated.
fn parse_start_tag(s: &str) -> Option<(StartTag<'_>, usize)> {
    let bytes = s.as_bytes();
    let is_name_end = |b: u8| b.is_ascii_whitespace() || b == b'>' || b == b'/' || b == b'=';
    let mut i = 1;
    while i < bytes.len() && !is_name_end(bytes[i]) {
        i += 1;
    }
    let name = &s[1..i];
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => {
                return Some((
                    StartTag {
                        name,
                        attrs,
                        self_closing: false,
                    },
                    i + 1,
                ));
            }
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                return Some((
                    StartTag {
                        name,
                        attrs,
                        self_closing: true,
                    },
                    i + 2,
                ));
            }
            b'/' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        while i < bytes.len() && !is_name_end(bytes[i]) {
            i += 1;
        }
        let attr_name = &s[start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            if attr_name.is_empty() {
                // A stray `=`-less character we cannot interpret; skip it.
                i += 1;
            } else {
                attrs.push((attr_name, ""));
            }
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match bytes.get(i)? {
            &quote @ (b'"' | b'\'') => {
                let value_start = i + 1;
                let len = s[value_start..].find(quote as char)?;
                i = value_start + len + 1;
                &s[value_start..value_start + len]
            }
            _ => {
                let value_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                &s[value_start..i]
            }
        };
        if !attr_name.is_empty() {
            attrs.push((attr_name, value));
        }
    }
}

/// Whether a paint value (possibly with `!important`) is `none` or `transparent`.
fn is_no_paint(value: &str) -> bool {
    let v = value.trim();
    let v = v.strip_suffix("!important").unwrap_or(v).trim();
    v.eq_ignore_ascii_case("none") || v.eq_ignore_ascii_case("transparent")
}

/// CSS properties whose colour values would fight the theme.
fn is_colour_property(prop: &str) -> bool {
    [
        "fill",
        "stroke",
        "color",
        "background",
        "background-color",
        "flood-color",
    ]
    .iter()
    .any(|p| prop.eq_ignore_ascii_case(p))
}

/// Drops colour declarations (except `none`/`transparent`) from an inline style.
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

/// Appends ` name="value"`, re-quoting a value that came from a single-quoted attribute.
fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    out.push_str(&value.replace('"', "&quot;"));
    out.push('"');
}

/// Emits a non-root start tag, without its closing `>`, with the attribute clean-up described
/// in the module docs; returns the raw value of a `title` attribute, if any.
fn push_start_tag<'a>(out: &mut String, tag: &StartTag<'a>) -> Option<&'a str> {
    let mut title = None;
    let mut style = Vec::new();
    out.push('<');
    out.push_str(tag.name);
    for &(name, value) in &tag.attrs {
        match name {
            "xmlns:xlink" | "data-points" => {}
            "title" => title = Some(value),
            "xlink:href" => {
                if !tag.attrs.iter().any(|(n, _)| *n == "href") {
                    push_attr(out, "href", value);
                }
            }
            "style" => filter_style(value, &mut style),
            _ if GEOMETRY_ATTRS.contains(&name) => push_attr(out, name, &round_numbers(value)),
            _ if is_colour_property(name) => {
                if is_no_paint(value) {
                    style.push(format!("{name}:{}", value.trim()));
                }
            }
            _ => push_attr(out, name, value),
        }
    }
    if !style.is_empty() {
        push_attr(out, "style", &style.join(";"));
    }
    title
}

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

/// Rounds every decimal number in `value` with more than two fraction digits (or an exponent)
/// to two decimals, leaving everything else (commands, separators, units) untouched.
fn round_numbers(value: &str) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts_number = bytes[i].is_ascii_digit()
            || (matches!(bytes[i], b'-' | b'+' | b'.')
                && bytes
                    .get(i + 1)
                    .is_some_and(|b| b.is_ascii_digit() || (*b == b'.' && bytes[i] != b'.')));
        if !starts_number {
            i += 1;
            continue;
        }
        let start = i;
        if matches!(bytes[i], b'-' | b'+') {
            i += 1;
        }
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let mut fraction = 0;
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
                fraction += 1;
            }
        }
        let mut exponent = false;
        if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
            let mut j = i + 1;
            if j < bytes.len() && matches!(bytes[j], b'-' | b'+') {
                j += 1;
            }
            if j < bytes.len() && bytes[j].is_ascii_digit() {
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                i = j;
                exponent = true;
            }
        }
        if fraction <= 2 && !exponent {
            continue;
        }
        let Ok(number) = value[start..i].parse::<f64>() else {
            continue;
        };
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
        copied = i;
    }
    if copied == 0 {
        Cow::Borrowed(value)
    } else {
        out.push_str(&value[copied..]);
        Cow::Owned(out)
    }
}

/// Copies a text node, undoing the double escaping merman applies to character references in
/// SVG-text labels: Mermaid's `#quot;`/`#9829;` codes (and entities typed in the source) reach
/// the text as `&amp;quot;`/`&amp;#9829;`, which would show literally. `&nbsp;` becomes
/// `&#160;` so the result stays well-formed XML too.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find("&amp;") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 5..];
        let entity = after.find(';').map(|end| &after[..end]).filter(|name| {
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
            numeric || matches!(*name, "quot" | "amp" | "lt" | "gt" | "apos" | "nbsp")
        });
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

/// Escapes text for an XML/HTML text node, dropping characters XML 1.0 forbids.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let text = text.replace("\r\n", "\n");
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(ch),
            '\r' => out.push('\n'),
            c if c.is_control() => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Formats a user-unit length for CSS, rounding up to a whole pixel.
fn css_px(value: f64) -> String {
    if value.is_finite() && value > 0.0 {
        format!("{}px", value.ceil() as u64)
    } else {
        "100%".to_string()
    }
}

/// Rewrites merman's SVG into the themed, accessible, HTML5-embeddable form.
fn rewrite(raw: &str, id: &str, source: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut acc_title: Option<&str> = None;
    let mut acc_desc: Option<&str> = None;
    // Where the root's <title>/<desc>/<style> go once accTitle/accDescr are known.
    let mut header_at: Option<usize> = None;
    let mut depth = 0usize;
    let mut root_done = false;
    let mut pos = 0usize;

    while let Some(rel) = raw[pos..].find('<') {
        let lt = pos + rel;
        if depth > 0 {
            push_text(&mut out, &raw[pos..lt]);
        }
        let rest = &raw[lt..];
        if let Some(body) = rest.strip_prefix("<!--") {
            pos = lt + 4 + body.find("-->").map_or(body.len(), |e| e + 3);
        } else if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>").map_or(rest.len(), |e| e + 3);
            out.push_str(&rest[..end]);
            pos = lt + end;
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            pos = lt + rest.find('>').map_or(rest.len(), |e| e + 1);
        } else if rest.starts_with("</") {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            if depth > 0 {
                out.push_str(&rest[..end]);
                depth -= 1;
                if depth == 0 {
                    root_done = true;
                    break;
                }
            }
            pos = lt + end;
        } else {
            let (tag, len) =
                parse_start_tag(rest).ok_or_else(|| "malformed SVG from merman".to_string())?;
            pos = lt + len;
            if depth == 0 {
                if tag.name != "svg" {
                    return Err(format!("unexpected root element <{}>", tag.name));
                }
                let view_box = tag
                    .attrs
                    .iter()
                    .find(|(n, _)| *n == "viewBox")
                    .map(|(_, v)| *v)
                    .ok_or_else(|| "merman's SVG has no viewBox".to_string())?;
                let width = view_box
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .nth(2)
                    .and_then(|w| w.parse::<f64>().ok())
                    .unwrap_or(0.0);
                let class = tag
                    .attrs
                    .iter()
                    .find(|(n, _)| *n == "class")
                    .map_or("flowchart", |(_, v)| *v);
                out.push_str("<svg");
                push_attr(&mut out, "id", id);
                push_attr(&mut out, "class", &format!("mermaid {class}"));
                push_attr(&mut out, "viewBox", &round_numbers(view_box));
                push_attr(&mut out, "width", "100%");
                push_attr(
                    &mut out,
                    "style",
                    &format!("max-width:{};height:auto;overflow:visible", css_px(width)),
                );
                push_attr(&mut out, "role", "img");
                push_attr(&mut out, "aria-roledescription", "flowchart");
                push_attr(&mut out, "aria-labelledby", &format!("{id}-title"));
                push_attr(&mut out, "aria-describedby", &format!("{id}-desc"));
                push_attr(&mut out, "xmlns", "http://www.w3.org/2000/svg");
                out.push('>');
                if tag.self_closing {
                    header_at = Some(out.len());
                    out.push_str("</svg>");
                    root_done = true;
                    break;
                }
                header_at = Some(out.len());
                depth = 1;
                continue;
            }
            let skip_element =
                tag.name == "style" || (depth == 1 && (tag.name == "title" || tag.name == "desc"));
            if skip_element {
                if tag.self_closing {
                    continue;
                }
                let close = format!("</{}>", tag.name);
                let inner_len = raw[pos..].find(&close).unwrap_or(raw.len() - pos);
                let inner = &raw[pos..pos + inner_len];
                match tag.name {
                    "title" if depth == 1 => acc_title = Some(inner.trim()),
                    "desc" if depth == 1 => acc_desc = Some(inner.trim()),
                    _ => {}
                }
                pos = (pos + inner_len + close.len()).min(raw.len());
                continue;
            }
            let title = push_start_tag(&mut out, &tag);
            match (title, tag.self_closing) {
                (None, true) => out.push_str("/>"),
                (None, false) => out.push('>'),
                (Some(title), _) => {
                    out.push_str("><title>");
                    out.push_str(title);
                    out.push_str("</title>");
                    if tag.self_closing {
                        out.push_str("</");
                        out.push_str(tag.name);
                        out.push('>');
                    }
                }
            }
            if !tag.self_closing {
                depth += 1;
            }
        }
    }
    if !root_done {
        return Err("merman's SVG is not terminated".to_string());
    }
    let header_at = header_at.ok_or_else(|| "merman returned no <svg> element".to_string())?;

    let title: Cow<'_, str> = match acc_title {
        Some(t) if !t.is_empty() => Cow::Borrowed(t),
        _ => Cow::Borrowed(DEFAULT_TITLE),
    };
    let mut desc = String::new();
    if let Some(d) = acc_desc.filter(|d| !d.is_empty()) {
        desc.push_str(d);
        desc.push_str("\n\n");
    }
    desc.push_str(&escape_text(source.trim_end()));
    let header = format!(
        "<title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>\
         <style>{}</style>",
        CSS.replace("#ID", &format!("#{id}"))
    );
    out.insert_str(header_at, &header);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TD: &str = "flowchart TD\n    A[Start] --> B{Decide}\n    subgraph Group [Subgroup]\n        B -->|yes| C[Finish]\n    end\n";

    /// All `id="…"` values in an SVG string.
    fn ids(svg: &str) -> Vec<String> {
        svg.match_indices(" id=\"")
            .map(|(i, m)| {
                let rest = &svg[i + m.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect()
    }

    #[test]
    fn flowchart_td_renders_labels_and_source() {
        let svg = render_svg(TD, "mermaid-3").expect("renders");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"));
        for label in ["Start", "Decide", "Finish", "Subgroup", "yes"] {
            assert!(
                svg.contains(&format!(">{label}</tspan>")),
                "missing {label}"
            );
        }
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains(&format!(
            "<desc id=\"mermaid-3-desc\">{}</desc>",
            escape_text(TD.trim_end())
        )));
        assert!(svg.contains("B{Decide}"));
        assert!(svg.contains("viewBox=\""));
        assert!(svg.contains("width=\"100%\""));
        assert!(!svg.contains("height=\"") || !svg[..svg.find('>').unwrap()].contains(" height="));
        assert!(!svg.contains("<?xml") && !svg.contains("<!DOCTYPE"));
        assert!(!svg.contains("xlink") && !svg.contains("foreignObject"));
        assert!(svg.contains("var(--mermaid-node-bg"));
        assert!(svg.contains("var(--mermaid-line"));
        assert!(svg.contains("var(--mermaid-text"));
        // No hard-coded colours survive outside the var() fallbacks.
        for colour in ["#000", "#333", "#fff", "#ECECFF", "#9370DB", "rgb("] {
            assert!(!svg.contains(colour), "hard-coded colour {colour}");
        }
        let ids = ids(&svg);
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(ids.len(), unique.len(), "duplicate ids");
        assert!(ids.iter().all(|i| i.starts_with("mermaid-3")), "{ids:?}");
    }

    #[test]
    fn rendering_is_deterministic() {
        let a = render_svg(TD, "mermaid-1").unwrap();
        let b = render_svg(TD, "mermaid-1").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn different_ids_share_no_element_ids() {
        let a = ids(&render_svg(TD, "mermaid-1").unwrap());
        let b = ids(&render_svg(TD, "mermaid-2").unwrap());
        assert!(!a.is_empty());
        assert!(a.iter().all(|i| !b.contains(i)), "{a:?} vs {b:?}");
    }

    #[test]
    fn garbage_input_is_an_error() {
        for source in [
            "",
            "this is not mermaid {{{",
            "flowchart TD\n  A[unclosed --> B\n",
            "flowchart TD\n  A --> ",
            "sequenceDiagram\n  A->>B: hi\n",
            "\u{0}\u{1}<svg>",
        ] {
            assert!(render_svg(source, "mermaid-9").is_err(), "{source:?}");
        }
    }

    #[test]
    fn flowchart_lr_works() {
        let svg = render_svg("flowchart LR\n  In --> Out\n", "m1").unwrap();
        assert!(svg.starts_with("<svg id=\"m1\""));
        assert!(svg.contains(">In</tspan>") && svg.contains(">Out</tspan>"));
    }

    #[test]
    fn accessibility_text_and_styles_are_cleaned() {
        let source = "flowchart TD\n  accTitle: Access <title>\n  accDescr: Described & more\n  \
                      A[\"a < b\"] --> B\n  click B \"https://example.com\" \"Go there\"\n  \
                      style A fill:#f9f,stroke:#333\n  classDef red fill:#f00\n  class B red\n  \
                      linkStyle 0 stroke:#ff3\n";
        let svg = render_svg(source, "acc").unwrap();
        assert!(svg.contains("<title id=\"acc-title\">Access &lt;"));
        assert!(svg.contains("<desc id=\"acc-desc\">Described &amp; more\n\nflowchart TD"));
        assert!(svg.contains("a &lt; b"));
        assert!(svg.contains("<title>Go there</title>"));
        assert!(svg.contains("href=\"https://example.com"));
        assert!(!svg.contains(" title=\""));
        let (before, after) = svg.split_once("</desc>").unwrap();
        let drawing = format!("{}{after}", &before[..before.find("<desc").unwrap()]);
        for colour in ["#f9f", "#333", "#f00", "#ff3", "rgb("] {
            assert!(!drawing.contains(colour), "hard-coded colour {colour}");
        }
        assert_eq!(svg.matches("<style>").count(), 1);
    }

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
        assert!(matches!(round_numbers("0 0 10 20.5"), Cow::Borrowed(_)));
    }

    #[test]
    fn double_escaped_references_are_decoded() {
        let mut out = String::new();
        push_text(
            &mut out,
            "&amp;quot;a&amp;quot; &amp;&amp;#9829; &amp;nbsp; &amp;bogus; &amp;#0; &amp;",
        );
        assert_eq!(
            out,
            "&quot;a&quot; &amp;&#9829; &#160; &amp;bogus; &amp;#0; &amp;"
        );
        let svg = render_svg("flowchart LR\n  A[\"#quot;Hi#quot; #9829;\"]\n", "q").unwrap();
        assert!(svg.contains("&quot;Hi&quot;"), "{svg}");
    }

    #[test]
    fn unsafe_id_is_sanitized() {
        let svg = render_svg("graph TD\n  A --> B\n", "my diagram").unwrap();
        assert!(svg.starts_with("<svg id=\"my-diagram\""));
    }
}
