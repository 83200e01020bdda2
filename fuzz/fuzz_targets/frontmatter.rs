//! Fuzz target: see `srm_docs::fuzzing::front_matter`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| srm_docs::fuzzing::front_matter(data));
