//! Code blocks: highlighted with syntect, `mermaid` drawn as SVG, language-less fences kept
//! byte for byte, and the check that a fence is closed.

use super::fence::{syntax_name, FenceInfo, PLAIN_TEXT};
use super::{Origin, Rendered, Settings};
use crate::diagnostics::Diagnostic;
use crate::render::escape::escape_html;
use crate::render::highlight::Highlighted;

/// Whether a fenced code block's source (`block`, opening line included) ends with its
/// closing fence. Only a block that runs to the end of the file (`at_end`) can be unclosed.
pub(super) fn fence_closes(block: &str, at_end: bool) -> bool {
    if !at_end {
        return true;
    }
    let opening = block.trim_start();
    let fence_char = opening.chars().next().unwrap_or('`');
    let width = opening.chars().take_while(|c| *c == fence_char).count();
    let mut lines = block.trim_end().lines();
    lines.next();
    lines.last().is_some_and(|last| {
        let last = last.trim();
        last.chars().count() >= width && last.chars().all(|c| c == fence_char)
    })
}

/// The HTML of a code block (see the module docs).
pub(super) fn code_block(
    info: &FenceInfo,
    text: &str,
    offset: usize,
    origin: &Origin<'_>,
    settings: &Settings<'_>,
    out: &mut Rendered,
) -> String {
    let block = block_html(&info.lang, text, offset, origin, settings, out);
    match &info.title {
        Some(title) => format!(
            "<div class=\"code-title\">{}</div>\n{block}",
            escape_html(title)
        ),
        None => block,
    }
}

/// The block itself, without its title.
fn block_html(
    lang: &str,
    text: &str,
    offset: usize,
    origin: &Origin<'_>,
    settings: &Settings<'_>,
    out: &mut Rendered,
) -> String {
    if lang.is_empty() {
        return format!(
            "<pre class=\"plain\"><code>{}</code></pre>\n",
            escape_html(text)
        );
    }
    if lang == "mermaid" {
        out.diagrams += 1;
        let id = format!("mermaid-{}", out.diagrams);
        match crate::render::mermaid::render_svg(text, &id) {
            Ok(svg) => return format!("<figure class=\"diagram\">{svg}</figure>\n"),
            Err(msg) => {
                out.diagnostics.push(Diagnostic::warning(
                    origin.location(offset),
                    format!("mermaid diagram could not be rendered ({msg}); shown as source"),
                ));
                return format!(
                    "<pre class=\"plain\"><code class=\"language-mermaid\">{}</code></pre>\n",
                    escape_html(text)
                );
            }
        }
    }
    let lang_attr = escape_html(lang);
    match settings.highlighter.highlight(syntax_name(lang), text) {
        Highlighted::Code(html) => {
            format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{html}</code></pre>\n")
        }
        Highlighted::UnknownLanguage(html) => {
            if PLAIN_TEXT.contains(&lang) {
                return format!(
                    "<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{html}</code></pre>\n"
                );
            }
            out.diagnostics.push(Diagnostic::warning(
                origin.location(offset),
                format!("unknown code language `{lang}`: shown as plain text"),
            ));
            format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{html}</code></pre>\n")
        }
    }
}
