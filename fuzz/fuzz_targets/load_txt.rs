#![no_main]
//! The txt loader on arbitrary bytes (decoding, parsing, normalising).
libfuzzer_sys::fuzz_target!(|data: &[u8]| sorot_fuzz::checks::loader("txt", data));
