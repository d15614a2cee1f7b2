//! `sorot list` run as a binary, on the fixtures and on temporary folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn sorot(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sorot"))
        .args(args)
        .current_dir(cwd)
        .env("XDG_DATA_HOME", cwd.join("xdg-data"))
        .output()
        .expect("run sorot")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lines(b: &[u8]) -> Vec<String> {
    String::from_utf8(b.to_vec())
        .expect("utf-8 output")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn lists_the_fixtures_as_tsv() {
    let out = sorot(&["list", "tests/fixtures/articles"], &root());
    assert!(out.status.success(), "{out:?}");
    let stdout = lines(&out.stdout);
    let expected = [
        "tests/fixtures/articles/front.md\tFerry service resumes to Karimunjawa\t2026-02-03\ten",
        "tests/fixtures/articles/good.txt\tRain delays harvest in Central Java\t\t",
        "tests/fixtures/articles/lines.jsonl\tBali airport adds night flights\t2026-03-01\ten",
        "tests/fixtures/articles/lines.jsonl\tPameran batik dibuka di Solo\t2026-03-02\tid",
        "tests/fixtures/articles/lines.jsonl\tLibrary extends hours in Malang\t2026-03-03\ten",
        "tests/fixtures/articles/many.json\tMuseum in Surabaya reopens\t2026-01-15\ten",
        "tests/fixtures/articles/many.json\tHarga beras turun di Makassar\t2026-01-20\tid",
        "tests/fixtures/articles/many.json\tStartup opens office in Medan\t2026-01-25T12:30:00Z\ten",
        "tests/fixtures/articles/nested/deeper/inner.txt\tNested article about Bogor\t\t",
        "tests/fixtures/articles/one.json\tKereta cepat tambah jadwal akhir pekan\t2026-04-10T08:00:00+07:00\tid",
    ];
    assert_eq!(stdout, expected);
    let stderr = lines(&out.stderr);
    assert_eq!(
        stderr,
        [
            "sorot: tests/fixtures/articles/broken.json: line 3, column 49: EOF while parsing a string",
            "sorot: tests/fixtures/articles/lines.jsonl: line 3: column 66: EOF while parsing an object",
            "sorot: 10 articles loaded, 2 problems",
        ]
    );
}

#[test]
fn jsonl_format_has_all_keys() {
    let out = sorot(
        &[
            "list",
            "--format",
            "jsonl",
            "tests/fixtures/articles/one.json",
        ],
        &root(),
    );
    assert!(out.status.success());
    let l = lines(&out.stdout);
    assert_eq!(l.len(), 1);
    let v: serde_json::Value = serde_json::from_str(&l[0]).unwrap();
    assert_eq!(v["path"], "tests/fixtures/articles/one.json");
    assert_eq!(v["title"], "Kereta cepat tambah jadwal akhir pekan");
    assert_eq!(v["author"], "Rina Marlina");
    assert_eq!(v["source"], "Warta Pesisir");
    assert_eq!(v["lang"], "id");
    assert_eq!(v["published"], "2026-04-10T08:00:00+07:00");
    assert_eq!(v["url"], "https://example.org/warta/kereta-cepat");
    assert_eq!(v["id"], "https://example.org/warta/kereta-cepat");
    assert!(out.stderr.is_empty());
}

#[test]
fn no_paths_lists_the_bundled_samples() {
    let t = tempfile::tempdir().unwrap();
    let out = sorot(&["list"], t.path());
    assert!(out.status.success());
    let l = lines(&out.stdout);
    assert!(l.len() >= 10, "{l:?}");
    assert!(l.iter().all(|x| x.starts_with("bundled:")), "{l:?}");
    assert!(l.iter().all(|x| x.split('\t').count() == 4));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn nothing_readable_exits_1_and_empty_dir_exits_0() {
    let t = tempfile::tempdir().unwrap();
    let out = sorot(&["list", "missing.txt"], t.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        lines(&out.stderr),
        [
            "sorot: missing.txt: no such file or directory",
            "sorot: 0 articles loaded, 1 problem"
        ]
    );
    fs::create_dir(t.path().join("empty")).unwrap();
    let out = sorot(&["list", "empty"], t.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn help_documents_exit_status() {
    let out = sorot(&["list", "--help"], &root());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Exit status"), "{text}");
}

#[test]
fn hostile_folder_loads_the_good_and_reports_the_bad() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("corpus");
    fs::create_dir(&d).unwrap();
    fs::write(
        d.join("evil.json"),
        r#"{"title": "Clean\u001b]0;owned\u0007 title\u001b[2J", "body": "x\u009b31my", "lang": "e\u202en"}"#,
    )
    .unwrap();
    fs::write(d.join("good.txt"), "Good title\nGood body.").unwrap();
    fs::write(d.join("empty.md"), "").unwrap();
    fs::write(d.join("latin1.txt"), b"Caf\xe9\nbody").unwrap();
    fs::write(d.join("big.txt"), "x".repeat(3000)).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&d, d.join("loop")).unwrap();
        std::os::unix::fs::symlink(d.join("nowhere"), d.join("dangling.txt")).unwrap();
        let _ = Command::new("mkfifo").arg(d.join("pipe.txt")).status();
    }
    let out = sorot(&["list", "--max-size", "2048", "corpus"], t.path());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = lines(&out.stdout);
    assert_eq!(
        stdout,
        [
            "corpus/evil.json\tClean title\t\ten",
            "corpus/good.txt\tGood title\t\t",
            "corpus/latin1.txt\tCaf\u{FFFD}\t\t",
        ]
    );
    for b in out.stdout.iter().chain(&out.stderr) {
        assert!(
            *b == b'\n' || *b == b'\t' || *b >= 0x20,
            "control byte {b:#x}"
        );
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("corpus/big.txt: file is 2.9 KiB, above the size limit"),
        "{stderr}"
    );
    assert!(stderr.contains("corpus/empty.md: empty file"), "{stderr}");
    #[cfg(unix)]
    {
        assert!(
            stderr.contains("corpus/dangling.txt: dangling symbolic link"),
            "{stderr}"
        );
        assert!(
            stderr.contains("corpus/loop: symbolic link loop"),
            "{stderr}"
        );
        if d.join("pipe.txt").exists() {
            assert!(
                stderr.contains("corpus/pipe.txt: not a regular file (named pipe)"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn broken_pipe_is_not_an_error() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("many");
    fs::create_dir(&d).unwrap();
    for i in 0..3000 {
        fs::write(
            d.join(format!("a{i:04}.txt")),
            format!("Title {i}\nBody {i}."),
        )
        .unwrap();
    }
    for format in ["tsv", "jsonl"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sorot"))
            .args(["list", "--format", format, "many"])
            .current_dir(t.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read a little, then close the pipe, as `| head -1` does.
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 16];
        std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{format}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.stderr.is_empty(), "{format}: {err}");
    }
}
