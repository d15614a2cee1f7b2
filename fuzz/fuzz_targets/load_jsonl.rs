#![no_main]
//! The jsonl loader on arbitrary bytes (decoding, parsing, normalising).
libfuzzer_sys::fuzz_target!(|data: &[u8]| sorot_fuzz::checks::loader("jsonl", data));
