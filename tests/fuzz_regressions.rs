//! Replays inputs through exactly the checks the fuzz targets run (the
//! checks file is shared with `fuzz/`), so a crasher the fuzzer found stays
//! fixed: each minimised crasher becomes a case here, next to hand-written
//! hostile seeds for every target.

#[path = "../fuzz/src/checks.rs"]
mod checks;

/// Hand-written inputs that hit the edges of every parser.
const SEEDS: &[&[u8]] = &[
    b"",
    b"\n\n\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe\x00",
    b"\xfe\xff\x00T\x00i",
    b"\x1b]0;title\x07\x1b[2J\x1b[?1049h\x1b]52;c;ZXZpbA==\x07\xc2\x9b2J",
    b"\xe2\x80\xaeevil\xe2\x81\xa6",
    b"[1, \"x\", null, {\"title\": 3}, {\"title\": \"ok\", \"body\": [\"a\"]}]",
    b"{\"title\": \"t\", \"body\": \"b\"}\n{bad\n[]\n{\"title\": \"u\"}",
    b"---\ntitle: x\n---\n# h\n\n```\ncode\n```\n",
    b"---\n---\n",
    b"# \n\n## \n",
    b"{\"title\": \"\\ud800\", \"body\": \"\\u001b[2J\"}",
    b"\"just a string\"",
    b"{\"title\": {\"nested\": [1,2,3]}, \"published\": \"2025-13-45\"}",
];

#[test]
fn loaders_survive_the_seeds() {
    for ext in ["txt", "md", "json", "jsonl"] {
        for seed in SEEDS {
            checks::loader(ext, seed);
        }
    }
}

#[test]
fn loaders_survive_deep_nesting() {
    let deep = "[".repeat(100_000);
    let obj = "{\"a\":".repeat(50_000);
    for ext in ["json", "jsonl", "txt", "md"] {
        checks::loader(ext, deep.as_bytes());
        checks::loader(ext, obj.as_bytes());
    }
}

#[test]
fn sanitizer_tokenizer_and_layout_survive_the_seeds() {
    for seed in SEEDS {
        checks::sanitizer(seed);
        checks::tokenizer(seed);
        checks::layout(seed);
    }
    assert!(checks::terminal_safe("plain text\nok"));
    assert!(!checks::terminal_safe("\x1b[2J"));
}

#[test]
fn layout_at_extreme_sizes_with_marks_everywhere() {
    // width, height, 3 marks (one past the end, one inside a wide char,
    // one huge), then title NUL body.
    let mut input = Vec::new();
    for (w, h) in [(0u16, 0u16), (1, 1), (319, 119), (2, 50)] {
        input.clear();
        input.extend_from_slice(&w.to_le_bytes());
        input.extend_from_slice(&h.to_le_bytes());
        input.push(3);
        for (s, l) in [(9000u16, 10u16), (1, 1), (0, 63)] {
            input.extend_from_slice(&s.to_le_bytes());
            input.extend_from_slice(&l.to_le_bytes());
        }
        input.extend_from_slice(
            "字節跳動 title\0body 字 with\twide 👍🏽 e\u{301}\n\nsecond".as_bytes(),
        );
        checks::layout(&input);
    }
}
