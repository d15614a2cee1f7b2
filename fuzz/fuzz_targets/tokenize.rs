#![no_main]
//! Tokeniser, sentence splitter, language detection, the recogniser (both
//! models) and mention merging on arbitrary text.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sorot_fuzz::checks::tokenizer(data));
