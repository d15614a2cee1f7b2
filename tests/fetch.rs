//! `sorot fetch` against a local HTTP server that each test starts on
//! 127.0.0.1 (port 0). No other network is used. Every server stops by
//! itself: it serves a bounded number of connections within a deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sorot::fetch::{FetchOptions, FetchRun, Outcome, STATE_FILE, fetch_all};

/// A request as the test server saw it.
#[derive(Debug, Clone)]
struct Request {
    path: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the handler tells the server to do with a request.
enum Reply {
    Send(Vec<u8>),
    /// Keep the connection open and say nothing until the server stops.
    Hang,
    /// Send these bytes (headers promising more), then go quiet.
    SendThenHang(Vec<u8>),
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Send(bytes)
}

struct Server {
    base: String,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<Request>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `handler` on an ephemeral port for at most 20 s and 50
    /// connections, whichever comes first (or until dropped).
    fn start(handler: impl Fn(&Request) -> Reply + Send + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop2, requests2) = (stop.clone(), requests.clone());
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut served = 0;
            while served < 50 && Instant::now() < deadline && !stop2.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        served += 1;
                        serve(stream, &handler, &requests2, &stop2, deadline);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            base,
            stop,
            requests,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    handler: &dyn Fn(&Request) -> Reply,
    log: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
    deadline: Instant,
) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    for _ in 0..100 {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let req = Request { path, headers };
    log.lock().unwrap().push(req.clone());
    let reply = handler(&req);
    match reply {
        Reply::Send(ref bytes) => {
            let mut stream = stream;
            let _ = stream.write_all(bytes);
            let _ = stream.flush();
            // Let the client read before the socket closes.
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let mut sink = [0u8; 256];
            let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
            let _ = (&stream).read(&mut sink);
        }
        Reply::Hang | Reply::SendThenHang(_) => {
            if let Reply::SendThenHang(bytes) = &reply {
                let _ = (&stream).write_all(bytes);
                let _ = (&stream).flush();
            }
            while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

fn rss(ids: &[u32]) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Local Wire</title>",
    );
    for id in ids {
        s.push_str(&format!(
            "<item><title>Story {id} from Bandung</title><guid>story-{id}</guid>\
             <link>http://local.example/{id}</link><author>desk@local (Rina Wijaya)</author>\
             <pubDate>Mon, 30 Nov 2026 10:0{}:00 GMT</pubDate>\
             <description>&lt;p&gt;First paragraph {id}.&lt;/p&gt;&lt;p&gt;Second &amp;amp; last.&lt;/p&gt;</description></item>",
            id % 10
        ));
    }
    s.push_str("</channel></rss>");
    s.into_bytes()
}

fn quick() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(5),
        ..FetchOptions::default()
    }
}

fn fetch(urls: &[String], dir: &Path, opts: &FetchOptions) -> FetchRun {
    let mut seen = Vec::new();
    let run = fetch_all(urls, dir, opts, &mut |r| seen.push(r.clone())).expect("dir usable");
    assert_eq!(seen, run.reports, "progress reports every feed, in order");
    run
}

fn articles(dir: &Path) -> Vec<serde_json::Value> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| {
            assert!(n.ends_with(".json"), "{n}");
            serde_json::from_slice(&std::fs::read(dir.join(n)).unwrap()).unwrap()
        })
        .collect()
}

fn hidden_temp_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp-")
        })
        .count()
}

#[test]
fn new_items_are_stored_and_refetch_adds_no_duplicates() {
    let version = Arc::new(Mutex::new(vec![1, 2, 3]));
    let v2 = version.clone();
    let server = Server::start(move |_| response("200 OK", &[], &rss(&v2.lock().unwrap())));
    let dir = tempfile::tempdir().unwrap();
    let urls = vec![server.url("/feed.xml")];

    let run = fetch(&urls, dir.path(), &quick());
    assert_eq!(
        run.reports[0].outcome,
        Outcome::Fetched { new: 3, known: 0 }
    );
    assert_eq!(
        run.reports[0].to_string(),
        format!("{}: 3 new, 0 known", urls[0])
    );
    let stored = articles(dir.path());
    assert_eq!(stored.len(), 3);
    let first = stored
        .iter()
        .find(|a| a["title"] == "Story 1 from Bandung")
        .expect("story 1 stored");
    assert_eq!(
        first["body"],
        serde_json::json!(["First paragraph 1.", "Second & last."])
    );
    assert_eq!(first["url"], "http://local.example/1");
    assert_eq!(first["source"], "Local Wire");
    assert_eq!(first["published"], "2026-11-30T10:01:00Z");
    assert!(first["author"].as_str().unwrap().contains("Rina Wijaya"));

    // The feed gains one item and keeps the others: only the new one is added.
    *version.lock().unwrap() = vec![4, 1, 2, 3];
    let run = fetch(&urls, dir.path(), &quick());
    assert_eq!(
        run.reports[0].outcome,
        Outcome::Fetched { new: 1, known: 3 }
    );
    assert_eq!(articles(dir.path()).len(), 4);
    // The same items fetched into another folder get the same file names.
    let other = tempfile::tempdir().unwrap();
    fetch(&urls, other.path(), &quick());
    let names = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| !n.to_string_lossy().starts_with('.'))
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(dir.path()), names(other.path()));
    assert_eq!(hidden_temp_files(dir.path()), 0);
    assert!(!run.all_failed());
}

#[test]
fn conditional_requests_get_not_modified() {
    let server = Server::start(|req| {
        if req.header("If-None-Match") == Some("\"v1\"")
            || req.header("If-Modified-Since") == Some("Mon, 30 Nov 2026 10:00:00 GMT")
        {
            return response("304 Not Modified", &[], b"");
        }
        let validators: &[(&str, &str)] = if req.path == "/etag" {
            &[("ETag", "\"v1\"")]
        } else {
            &[("Last-Modified", "Mon, 30 Nov 2026 10:00:00 GMT")]
        };
        response("200 OK", validators, &rss(&[1, 2]))
    });
    let dir = tempfile::tempdir().unwrap();
    let urls = vec![server.url("/etag"), server.url("/lastmod")];
    let run = fetch(&urls, dir.path(), &quick());
    for r in &run.reports {
        assert_eq!(r.outcome, Outcome::Fetched { new: 2, known: 0 }, "{r}");
    }
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(STATE_FILE)).unwrap()).unwrap();
    assert_eq!(state["feeds"][&urls[0]]["etag"], "\"v1\"");

    let run = fetch(&urls, dir.path(), &quick());
    for r in &run.reports {
        assert_eq!(r.outcome, Outcome::NotModified, "{r}");
        assert_eq!(r.to_string(), format!("{}: not modified", r.url));
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    assert_eq!(reqs[2].header("If-None-Match"), Some("\"v1\""));
    assert_eq!(
        reqs[3].header("If-Modified-Since"),
        Some("Mon, 30 Nov 2026 10:00:00 GMT")
    );
    assert_eq!(
        reqs[0].header("If-None-Match"),
        None,
        "first fetch is unconditional"
    );
    // Each feed shares item ids but gets its own files (the URL is in the name).
    assert_eq!(articles(dir.path()).len(), 4);
}

#[test]
fn redirects_are_followed_but_loops_are_not() {
    let server = Server::start(|req| match req.path.as_str() {
        "/old" => response("301 Moved Permanently", &[("Location", "/hop")], b""),
        "/hop" => response("302 Found", &[("Location", "/feed")], b""),
        "/feed" => response("200 OK", &[], &rss(&[7])),
        "/loop" => response("302 Found", &[("Location", "/loop")], b""),
        _ => response("404 Not Found", &[], b"no"),
    });
    let dir = tempfile::tempdir().unwrap();
    let run = fetch(
        &[server.url("/old"), server.url("/loop")],
        dir.path(),
        &quick(),
    );
    assert_eq!(
        run.reports[0].outcome,
        Outcome::Fetched { new: 1, known: 0 }
    );
    match &run.reports[1].outcome {
        Outcome::Failed(reason) => assert!(reason.contains("more than 5 redirects"), "{reason}"),
        other => panic!("redirect loop: {other:?}"),
    }
    let loops = server
        .requests()
        .iter()
        .filter(|r| r.path == "/loop")
        .count();
    assert_eq!(loops, 6, "the first request and 5 redirects, then stop");
    assert!(!run.all_failed());
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = Server::start(|req| {
        if req.path == "/drip" {
            Reply::SendThenHang(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<rss ".to_vec())
        } else {
            Reply::Hang
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let opts = FetchOptions {
        timeout: Duration::from_millis(500),
        ..FetchOptions::default()
    };
    let started = Instant::now();
    let run = fetch(
        &[server.url("/slow"), server.url("/drip")],
        dir.path(),
        &opts,
    );
    let took = started.elapsed();
    for r in &run.reports {
        match &r.outcome {
            Outcome::Failed(reason) => assert!(reason.contains("timed out"), "{}: {reason}", r.url),
            other => panic!("timeout: {other:?}"),
        }
    }
    // Two feeds at 500 ms each, with room for a loaded machine.
    assert!(took < Duration::from_secs(6), "took {took:?}");
    assert!(run.all_failed());
    assert!(articles(dir.path()).is_empty());
}

#[test]
fn oversized_invalid_and_missing_feeds_fail_with_reasons() {
    let server = Server::start(|req| match req.path.as_str() {
        "/big" => {
            let mut body = rss(&[1]);
            body.extend(std::iter::repeat_n(b' ', 20_000));
            response("200 OK", &[], &body)
        }
        "/junk" => response("200 OK", &[], b"this is not a feed at all"),
        "/html" => response("200 OK", &[], b"<html><body><p>hello</p></body></html>"),
        _ => response("404 Not Found", &[], b"gone"),
    });
    let dir = tempfile::tempdir().unwrap();
    let opts = FetchOptions {
        max_bytes: 10_000,
        ..quick()
    };
    let urls: Vec<String> = ["/big", "/junk", "/html", "/missing"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    let run = fetch(&urls, dir.path(), &opts);
    let reasons: Vec<String> = run
        .reports
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Failed(reason) => reason.clone(),
            other => panic!("{}: {other:?}", r.url),
        })
        .collect();
    assert!(reasons[0].contains("10000-byte limit"), "{}", reasons[0]);
    assert!(reasons[1].starts_with("invalid feed:"), "{}", reasons[1]);
    assert!(reasons[2].starts_with("invalid feed:"), "{}", reasons[2]);
    assert_eq!(reasons[3], "HTTP 404 Not Found");
    assert!(run.all_failed());
    assert!(articles(dir.path()).is_empty());
    // Failed feeds leave no validators behind.
    assert!(!dir.path().join(STATE_FILE).exists());
}

#[test]
fn corrupt_state_file_is_set_aside() {
    let server = Server::start(|_| response("200 OK", &[("ETag", "\"e\"")], &rss(&[1])));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(STATE_FILE), "{ not json").unwrap();
    let run = fetch(&[server.url("/f")], dir.path(), &quick());
    assert_eq!(
        run.reports[0].outcome,
        Outcome::Fetched { new: 1, known: 0 }
    );
    assert_eq!(run.warnings.len(), 1, "{:?}", run.warnings);
    assert!(run.warnings[0].contains("unreadable"), "{:?}", run.warnings);
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(STATE_FILE)).unwrap()).unwrap();
    assert_eq!(state["feeds"][&server.url("/f")]["etag"], "\"e\"");
}

#[test]
fn cli_reports_each_feed_and_fails_only_when_all_fail() {
    let server = Server::start(|req| match req.path.as_str() {
        "/feed" => response("200 OK", &[], &rss(&[1, 2])),
        _ => response("404 Not Found", &[], b""),
    });
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("news");
    let bin = env!("CARGO_BIN_EXE_sorot");
    let out = std::process::Command::new(bin)
        .args([
            "fetch",
            &server.url("/feed"),
            &server.url("/nope"),
            "--timeout",
            "5",
            "--into",
        ])
        .arg(&into)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            format!("{}: 2 new, 0 known", server.url("/feed")),
            format!("{}: error: HTTP 404 Not Found", server.url("/nope")),
        ]
    );
    assert_eq!(articles(&into).len(), 2);

    let out = std::process::Command::new(bin)
        .args(["fetch", &server.url("/nope"), "--timeout", "5", "--into"])
        .arg(&into)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    let out = std::process::Command::new(bin)
        .args(["fetch", "not a url", "--into"])
        .arg(&into)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("not a url: error: "), "{stdout}");
}

#[test]
fn fetched_articles_load_offline_with_the_feed_items_identity() {
    let server = Server::start(|_| response("200 OK", &[("ETag", "\"x\"")], &rss(&[1, 2, 3])));
    let dir = tempfile::tempdir().unwrap();
    let run = fetch(&[server.url("/f")], dir.path(), &quick());
    assert_eq!(
        run.reports[0].outcome,
        Outcome::Fetched { new: 3, known: 0 }
    );
    drop(server);
    let (mut loaded, problems) = sorot::article::load_all(
        &[dir.path().to_path_buf()],
        &sorot::article::LoadOptions::default(),
    );
    assert!(
        problems.is_empty(),
        "the state file is hidden: {problems:?}"
    );
    let mut direct =
        sorot::article::feed::parse_feed(Path::new("f.xml"), &rss(&[1, 2, 3])).unwrap();
    loaded.sort_by(|a, b| a.id.cmp(&b.id));
    direct.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(loaded.len(), 3);
    for (l, d) in loaded.iter().zip(&direct) {
        // Read state follows an article whether read from the feed file or
        // from what `fetch` stored.
        assert_eq!(l.id, d.id);
        assert_eq!(
            (
                &l.title,
                &l.body,
                &l.author,
                &l.published,
                &l.source,
                &l.url
            ),
            (
                &d.title,
                &d.body,
                &d.author,
                &d.published,
                &d.source,
                &d.url
            )
        );
    }
}

#[test]
fn cli_rejects_unusable_folder_and_bad_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let bin = env!("CARGO_BIN_EXE_sorot");
    // No server is needed: both fail before any request.
    let out = std::process::Command::new(bin)
        .args(["fetch", "http://127.0.0.1:9/feed", "--into"])
        .arg(file.join("sub"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("a-file/sub: cannot create"), "{stderr}");
    let out = std::process::Command::new(bin)
        .args([
            "fetch",
            "http://127.0.0.1:9/feed",
            "--timeout",
            "0",
            "--into",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--timeout must be a positive"), "{stderr}");
}

#[test]
fn cli_without_urls_uses_the_config_feeds_section() {
    let server = Server::start(|req| match req.path.as_str() {
        "/feed" => response("200 OK", &[], &rss(&[1, 2])),
        _ => response("404 Not Found", &[], b""),
    });
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("from-config");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[feeds]\nurls = [\"{}\"]\ninto = \"{}\"\n",
            server.url("/feed"),
            into.display()
        ),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_sorot");
    let out = std::process::Command::new(bin)
        .args(["fetch", "--timeout", "5", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [format!("{}: 2 new, 0 known", server.url("/feed"))]
    );
    let articles = std::fs::read_dir(&into)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && !n.starts_with('.'))
        .count();
    assert_eq!(articles, 2, "one file per item in the config's `into`");

    // With neither URLs nor a [feeds] section it says what is missing.
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let out = std::process::Command::new(bin)
        .args(["fetch", "--config"])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no feed URL given"));
}
