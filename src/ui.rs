//! Drawing. Reads app state and never does I/O or NER; every colour comes
//! from the one `Theme`.
