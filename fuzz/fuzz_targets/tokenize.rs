#![no_main]
//! Tokeniser, sentence splitter, language detection, span merging (and the
//! recogniser, once it is part of sorot) on arbitrary text.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sorot_fuzz::checks::tokenizer(data));
