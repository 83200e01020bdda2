//! Rendering: Markdown (event adapters), syntax highlighting, Mermaid diagrams, the page
//! contexts and their cache keys ([`pages`]) and the Tera templates of the theme.

pub mod highlight;
pub mod markdown;
pub mod mermaid;
pub mod pages;
pub mod templates;
