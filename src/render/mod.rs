//! Rendering: Markdown (event adapters), syntax highlighting, Mermaid diagrams, the page
//! contexts and their cache keys ([`pages`]), the Tera templates of the theme, and the HTML
//! escaping and XML writing they share.

pub(crate) mod escape;
pub(crate) mod highlight;
pub(crate) mod html_policy;
pub(crate) mod markdown;
pub(crate) mod mermaid;
pub(crate) mod pages;
mod template_cycles;
pub(crate) mod templates;
pub(crate) mod xml;
