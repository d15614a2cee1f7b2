#![no_main]
//! Wrapping, highlighting and drawing the reader with arbitrary text, marks
//! and terminal sizes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sorot_fuzz::checks::layout(data));
