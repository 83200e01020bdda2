//! The responsibility stack picture of a service: one band per layer from facility (bottom)
//! to data (top), each band split into that layer's controls and coloured by who owns them
//! for this service. Inline SVG generated from the dataset; readable without colour (every
//! cell carries its owner as text) and described by `<title>`/`<desc>`.

use crate::dataset::{Dataset, Layer, Owner, Service, Vocabulary};
use crate::render::escape::escape_html;
use std::fmt::Write as _;

const WIDTH: usize = 720;
const BAND: usize = 46;
const LABEL: usize = 110;

/// One cell of the stack: control id, control title, owner.
type StackCell<'a> = (&'a str, &'a str, &'a Owner);

/// The SVG for one service.
pub(crate) fn service_stack(ds: &Dataset, service: &Service) -> String {
    let layers: Vec<(Layer, Vec<StackCell<'_>>)> = Layer::ALL
        .iter()
        .rev()
        .map(|layer| {
            let cells = ds
                .controls
                .iter()
                .filter(|c| c.layer == *layer)
                .filter_map(|c| {
                    let cell = ds.cell(&c.id, service)?;
                    (cell.owner != Owner::NotApplicable).then_some((
                        c.id.as_str(),
                        c.title.as_str(),
                        &cell.owner,
                    ))
                })
                .collect::<Vec<_>>();
            (*layer, cells)
        })
        .filter(|(_, cells)| !cells.is_empty())
        .collect();
    let height = layers.len() * BAND + 8;
    let name = escape_html(&service.name);
    let mut desc = String::new();
    for (layer, cells) in &layers {
        let _ = write!(desc, "{layer}: ");
        let parts: Vec<String> = cells
            .iter()
            .map(|(_, title, o)| format!("{} ({})", escape_html(title), o.id()))
            .collect();
        let _ = write!(desc, "{}. ", parts.join(", "));
    }
    let mut svg = format!(
        "<svg class=\"stack\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"stack-title stack-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"stack-title\">Responsibility stack for {name}</title><desc id=\"stack-desc\">{}</desc>",
        desc.trim_end()
    );
    for (i, (layer, cells)) in layers.iter().enumerate() {
        let y = 4 + i * BAND;
        let _ = write!(
            svg,
            "<text class=\"stack-layer\" x=\"4\" y=\"{}\">{}</text>",
            y + BAND / 2 + 4,
            escape_html(layer.id())
        );
        let w = (WIDTH - LABEL - 4) as f64 / cells.len() as f64;
        for (j, (id, title, owner)) in cells.iter().enumerate() {
            let x = LABEL as f64 + j as f64 * w;
            let short: String = title.chars().take(((w / 7.0) as usize).max(4)).collect();
            let short = if short.chars().count() < title.chars().count() {
                format!("{}…", short.trim_end())
            } else {
                short
            };
            let _ = write!(
                svg,
                "<g class=\"stack-cell {cls}\"><title>{t}: {o}</title><rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" rx=\"4\"/><text x=\"{tx:.1}\" y=\"{ty}\" text-anchor=\"middle\">{s}</text><text class=\"stack-owner\" x=\"{tx:.1}\" y=\"{ty2}\" text-anchor=\"middle\">{o}</text></g>",
                cls = owner.class(),
                t = escape_html(title),
                o = escape_html(ds.owner_label(owner)),
                h = BAND - 4,
                tx = x + w / 2.0,
                ty = y + 18,
                ty2 = y + 34,
                s = escape_html(&short),
            );
            let _ = id;
        }
    }
    svg.push_str("</svg>");
    svg
}
