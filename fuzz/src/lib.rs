//! Fuzz-target support: the checks live in [`checks`], shared with the
//! main crate's regression tests.
pub mod checks;
