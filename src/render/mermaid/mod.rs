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

mod clean;
mod svg;

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::LazyLock;

use merman::svg::{sanitize_svg_id, SvgRenderOptions};
use merman::{
    MermaidEngine, OperationControl, RenderOutput, RenderRequest, Renderer,
    SourcePresentationConfig, SvgRequest,
};

/// Extra user units merman leaves around the drawing inside the `viewBox` (merman's default
/// is 8); the margin absorbs labels that come out wider than estimated.
const VIEWBOX_PADDING: f64 = 16.0;

/// merman's renderer with the site configuration, built on first use and shared by every
/// diagram of the process (it is `Sync`; its only inner state is a theme cache behind a
/// mutex, rebuilt when the theme changes, so sharing does not change any output).
static RENDERER: LazyLock<Renderer> = LazyLock::new(|| {
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
    Renderer::new().with_presentation_engine(MermaidEngine::new().with_site_config(site_config))
});

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
pub(crate) fn render_svg(source: &str, id: &str) -> Result<String, String> {
    let id = sanitize_svg_id(id);
    let raw = catch_unwind(AssertUnwindSafe(|| render_raw(source, &id)))
        .map_err(|payload| format!("merman panicked: {}", panic_message(payload.as_ref())))??;
    catch_unwind(AssertUnwindSafe(|| svg::rewrite(&raw, &id, source))).map_err(|payload| {
        format!(
            "post-processing the SVG panicked: {}",
            panic_message(payload.as_ref())
        )
    })?
}

/// Runs merman and returns its SVG unchanged.
fn render_raw(source: &str, id: &str) -> Result<String, String> {
    let request = SvgRequest {
        options: SvgRenderOptions {
            viewbox_padding: VIEWBOX_PADDING,
            diagram_id: Some(id.to_string()),
        },
        ..SvgRequest::default()
    };
    match RENDERER.render(RenderRequest::svg(source, OperationControl::new(), request)) {
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
            crate::render::escape::escape_xml_text(TD.trim_end())
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
    fn mermaid_codes_in_labels_are_decoded() {
        let svg = render_svg("flowchart LR\n  A[\"#quot;Hi#quot; #9829;\"]\n", "q").unwrap();
        assert!(svg.contains("&quot;Hi&quot;"), "{svg}");
    }

    #[test]
    fn unsafe_id_is_sanitized() {
        let svg = render_svg("graph TD\n  A --> B\n", "my diagram").unwrap();
        assert!(svg.starts_with("<svg id=\"my-diagram\""));
    }
}
