//! Rendering: Markdown (event adapters), syntax highlighting, Mermaid diagrams, the page
//! contexts and their cache keys ([`pages`]), the Tera templates of the theme, and the HTML
//! escaping and XML writing they share.

pub mod escape;
pub mod highlight;
pub mod html_policy;
pub mod markdown;
pub mod mermaid;
pub mod pages;
mod template_cycles;
pub mod templates;
pub mod xml;
