//! Fuzz target: see `srm_docs::fuzzing::serve_url`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| srm_docs::fuzzing::serve_url(data));
