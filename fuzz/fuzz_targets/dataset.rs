//! Fuzz target: see `srm_docs::fuzzing::dataset`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| srm_docs::fuzzing::dataset(data));
