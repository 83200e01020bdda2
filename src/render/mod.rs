//! Rendering: Markdown (event adapters), syntax highlighting, Mermaid diagrams and the Tera
//! templates of the theme.

pub mod escape;
pub mod highlight;
pub mod markdown;
pub mod mermaid;
pub mod templates;
pub mod xml;
