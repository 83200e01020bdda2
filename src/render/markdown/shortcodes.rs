//! Hugo shortcodes and Jekyll Liquid tags (placeholder: rewrites nothing yet).

use super::source::Builder;

/// Rewrites one line holding shortcodes or tags into `b`; false when it holds none.
pub(super) fn rewrite_line(_line: &str, _start: usize, _removed: usize, _b: &mut Builder) -> bool {
    false
}
