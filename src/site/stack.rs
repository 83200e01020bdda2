//! The responsibility stack picture of a service: one band per layer from facility (bottom)
//! to data (top), each band split into that layer's controls and coloured by who owns them
//! for this service. Inline SVG generated from the dataset; readable without colour (every
//! cell carries its owner as text) and described by `<title>`/`<desc>`.

use crate::dataset::{Dataset, Layer, Owner, Service, Vocabulary};
use crate::render::escape::escape_html;
use std::fmt::Write as _;

const WIDTH: usize = 720;
/// Height of a band with a one-line label.
const BAND: usize = 46;
/// Height of each further line of a wrapped label.
const LINE: usize = 15;
const LABEL: usize = 110;
/// Average advance of a character of the labels' 12 px font, for wrapping.
const CHAR_WIDTH: f64 = 7.0;

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
    let rows: Vec<Band<'_>> = layers.iter().map(|(l, cells)| band(*l, cells)).collect();
    let height = rows.iter().map(|b| b.height).sum::<usize>() + 8;
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
    let mut y = 4;
    for b in &rows {
        draw_band(&mut svg, ds, b, y);
        y += b.height;
    }
    svg.push_str("</svg>");
    svg
}

/// One layer of the stack: its cells in rows of at most [`PER_ROW`], each label wrapped to
/// its cell's width.
struct Band<'a> {
    layer: Layer,
    rows: Vec<Row<'a>>,
    height: usize,
}

/// One row of a band's cells.
struct Row<'a> {
    cells: Vec<(&'a str, &'a Owner, Vec<String>)>,
    cell_width: f64,
    height: usize,
}

/// The most cells side by side: more are put on a further row, so labels keep their words.
const PER_ROW: usize = 5;

fn band<'a>(layer: Layer, cells: &[StackCell<'a>]) -> Band<'a> {
    let per_row = cells.len().div_ceil(cells.len().div_ceil(PER_ROW)).max(1);
    let rows: Vec<Row<'a>> = cells
        .chunks(per_row)
        .map(|chunk| {
            let cell_width = (WIDTH - LABEL - 4) as f64 / chunk.len() as f64;
            let chars = ((cell_width - 8.0) / CHAR_WIDTH).max(4.0) as usize;
            let cells: Vec<_> = chunk
                .iter()
                .map(|(_, title, owner)| (*title, *owner, wrap(title, chars)))
                .collect();
            let lines = cells.iter().map(|c| c.2.len()).max().unwrap_or(1);
            Row {
                cells,
                cell_width,
                height: BAND + (lines - 1) * LINE,
            }
        })
        .collect();
    Band {
        layer,
        height: rows.iter().map(|r| r.height).sum(),
        rows,
    }
}

/// Writes one band at `y`: its layer name, then each row of cells.
fn draw_band(svg: &mut String, ds: &Dataset, band: &Band<'_>, y: usize) {
    let _ = write!(
        svg,
        "<text class=\"stack-layer\" x=\"4\" y=\"{}\">{}</text>",
        y + band.height / 2 + 4,
        escape_html(band.layer.id())
    );
    let mut row_y = y;
    for row in &band.rows {
        draw_row(svg, ds, row, row_y);
        row_y += row.height;
    }
}

/// Writes one row of cells at `y`, each with its wrapped label and its owner.
fn draw_row(svg: &mut String, ds: &Dataset, row: &Row<'_>, y: usize) {
    let w = row.cell_width;
    for (j, (title, owner, lines)) in row.cells.iter().enumerate() {
        let x = LABEL as f64 + j as f64 * w;
        let tx = x + w / 2.0;
        let o = escape_html(ds.owner_label(owner));
        let _ = write!(
            svg,
            "<g class=\"stack-cell {cls}\"><title>{t}: {o}</title><rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" rx=\"4\"/><text x=\"{tx:.1}\" y=\"{ty}\" text-anchor=\"middle\">",
            cls = owner.class(),
            t = escape_html(title),
            h = row.height - 4,
            ty = y + 18,
        );
        for (k, line) in lines.iter().enumerate() {
            let dy = if k == 0 { 0 } else { LINE };
            let _ = write!(
                svg,
                "<tspan x=\"{tx:.1}\" dy=\"{dy}\">{}</tspan>",
                escape_html(line)
            );
        }
        let _ = write!(
            svg,
            "</text><text class=\"stack-owner\" x=\"{tx:.1}\" y=\"{}\" text-anchor=\"middle\">{o}</text></g>",
            y + row.height - 12,
        );
    }
}

/// `text` in lines of at most `width` characters, broken between words or after a hyphen
/// (a longer word is broken inside).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        for (k, piece) in word.split_inclusive('-').enumerate() {
            let mut piece: Vec<char> = piece.chars().collect();
            let glued = k > 0;
            while piece.len() > width {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(piece.drain(..width).collect());
            }
            let piece: String = piece.into_iter().collect();
            let gap = usize::from(!line.is_empty() && !glued);
            if !line.is_empty() && line.chars().count() + gap + piece.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            } else if gap == 1 {
                line.push(' ');
            }
            line.push_str(&piece);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_wrap_between_words_and_nothing_is_cut() {
        assert_eq!(
            wrap("Network traffic protection", 10),
            ["Network", "traffic", "protection"]
        );
        assert_eq!(wrap("Guest OS patching", 20), ["Guest OS patching"]);
        assert_eq!(
            wrap("Supercalifragilistic", 8),
            ["Supercal", "ifragili", "stic"]
        );
        assert_eq!(wrap("", 8), [""]);
        assert_eq!(
            wrap("Infrastructure-level DDoS", 16),
            ["Infrastructure-", "level DDoS"]
        );
        assert_eq!(
            wrap("Client-side encryption", 12),
            ["Client-side", "encryption"]
        );
        let words = "Identity and access management for the platform";
        assert_eq!(wrap(words, 12).join(" "), words);
    }
}
