//! Terminal edge cases in a real terminal (tmux): the reader survives a
//! storm of resizes, down to 1x1 and up to 300x100, while it scrolls, and
//! still answers keys afterwards. (Every size on a TestBackend is in
//! `tui_snapshots.rs`; `sorot > file` is in `e2e_tmux.rs`.)

#[path = "common/tmux.rs"]
mod tmux;

#[test]
fn reader_survives_rapid_resizes_while_scrolling() {
    require_tmux!("reader_survives_rapid_resizes_while_scrolling");
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.txt");
    let mut text = String::from("Resize storm article\n\n");
    for i in 0..400 {
        text.push_str(&format!(
            "Paragraph {i}: 字节跳动 dan Jakarta e\u{301} 👍🏽 menulis kalimat yang cukup panjang untuk dibungkus.\n\n"
        ));
    }
    std::fs::write(&long, text).unwrap();
    std::fs::write(dir.path().join("short.txt"), "Short one\n\nJust a line.\n").unwrap();

    let s = tmux::Session::new("resize");
    s.start(&[dir.path().display().to_string()], 100, 30);
    s.wait_for("2 articles");
    s.keys(&["Enter"]);
    s.wait_for("Paragraph 0");

    // A fixed-seed walk over sizes, with scroll keys between resizes.
    let mut x: u32 = 0x1234_5678;
    let mut rand = |n: u32| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x % n
    };
    let edges = [
        (1, 1),
        (2, 1),
        (1, 2),
        (39, 9),
        (40, 10),
        (69, 24),
        (70, 24),
        (300, 100),
    ];
    for round in 0..120 {
        let (w, h) = if round % 5 == 0 {
            edges[(round / 5) % edges.len()]
        } else {
            (1 + rand(300) as u16, 1 + rand(100) as u16)
        };
        s.resize(w, h);
        let key = ["j", "k", "PageDown", "PageUp", "G", "g", "Space"][rand(7) as usize];
        s.keys(&[key]);
        assert!(s.alive(), "reader died at {w}x{h}:\n{}", s.screen());
    }
    s.resize(100, 30);
    // Keys sent before the reader has seen the last resize act on the old
    // size; wait until it has redrawn at 100 columns.
    s.wait_until("a redraw at 100x30", |sc| {
        sc.lines()
            .next()
            .is_some_and(|l| l.chars().count() == 100 && l.ends_with('┐'))
            && sc.contains("articles")
    });
    // Still answering: scroll to the end, then the help, then quit.
    s.keys(&["G"]);
    s.wait_for("Paragraph 399");
    s.keys(&["?"]);
    s.wait_for("switch pane");
    s.keys(&["Escape"]);
    s.wait_until("help closed", |sc| !sc.contains("switch pane"));
    s.keys(&["q"]);
    s.wait_exit();
    assert_eq!(
        s.format("#{pane_dead_status}"),
        "0",
        "reader exited with an error"
    );
}
