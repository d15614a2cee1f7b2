#![no_main]
//! The terminal sanitiser on arbitrary text.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sorot_fuzz::checks::sanitizer(data));
