//! Fuzz target: see `srm_docs::fuzzing::render_article`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| srm_docs::fuzzing::render_article(data));
