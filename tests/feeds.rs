//! Parsing tests for feed files (RSS 2.0, Atom, JSON Feed) and saved HTML
//! pages, including malformed and hostile input.

use std::path::{Path, PathBuf};

use sorot::article::Article;
use sorot::article::feed::{Kind, parse_feed, sniff};
use sorot::article::html::{html_to_paragraphs, parse_html, reduce};

fn fixture(name: &str) -> (PathBuf, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (path, bytes)
}

fn feed(name: &str) -> Vec<Article> {
    let (path, bytes) = fixture(name);
    parse_feed(&path, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// True when `s` holds nothing that could drive a terminal.
fn is_clean(s: &str) -> bool {
    s.chars().all(|c| !sorot::text::is_forbidden(c))
}

fn assert_clean(a: &Article) {
    for field in [
        Some(&a.title),
        a.author.as_ref(),
        a.published.as_ref(),
        a.source.as_ref(),
        a.url.as_ref(),
        a.lang.as_ref(),
        Some(&a.body),
    ]
    .into_iter()
    .flatten()
    {
        assert!(is_clean(field), "control character in {field:?}");
    }
    assert!(!a.title.is_empty());
    assert!(
        !a.body.contains("\n\n\n"),
        "empty paragraph in {:?}",
        a.body
    );
    for (_, p) in a.paragraphs() {
        assert!(!p.contains('\n'), "newline inside paragraph {p:?}");
    }
}

#[test]
fn rss2_items_become_articles() {
    let items = feed("rss2.xml");
    // The fourth item has neither title nor text and is left out.
    assert_eq!(items.len(), 3, "{items:#?}");
    let a = &items[0];
    assert_eq!(a.title, "Ferry schedule changes at Tanjung Priok");
    assert_eq!(a.author.as_deref(), Some("Siti Rahmawati"));
    assert_eq!(a.published.as_deref(), Some("2026-12-01T01:30:00Z"));
    assert_eq!(a.source.as_deref(), Some("Kabar Pelabuhan"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://kabar.example/ferry-schedule")
    );
    assert_eq!(a.id, "https://kabar.example/ferry-schedule");
    assert_eq!(a.lang.as_deref(), Some("id"));
    // content:encoded wins over the description; the script is dropped.
    assert_eq!(
        a.body,
        "The port authority in Jakarta said on Tuesday that ferries to Lampung will leave every two hours.\n\n\
         Officials from Pelni & ASDP met on Monday."
    );
    // An escaped-HTML description is HTML after XML decoding: reduced once.
    assert_eq!(
        items[1].body,
        "Catches of tuna rose in November.\n\nCooperatives in Sulawesi plan new cold stores."
    );
    assert_eq!(items[1].published.as_deref(), Some("2026-11-30T17:00:00Z"));
    // No title: the start of the text stands in.
    assert_eq!(
        items[2].title,
        "An item with no title still becomes an article."
    );
    assert_eq!(items[2].url, None);
    assert_eq!(items[2].id.len(), 16, "hash identity without a URL");
    items.iter().for_each(assert_clean);
}

#[test]
fn atom_entries_become_articles() {
    let items = feed("atom.xml");
    assert_eq!(items.len(), 2);
    let a = &items[0];
    assert_eq!(a.title, "Signal upgrade finished in Leeds");
    assert_eq!(a.author.as_deref(), Some("Amelia Hart"));
    assert_eq!(a.published.as_deref(), Some("2026-11-28T08:15:00Z"));
    assert_eq!(a.url.as_deref(), Some("https://rail.example/leeds-signals"));
    assert_eq!(a.source.as_deref(), Some("Northern Rail Notes"));
    assert_eq!(
        a.body,
        "Work done early\n\nNetwork Rail said the upgrade between Leeds and York ended a week early."
    );
    let b = &items[1];
    // No author of its own: the feed's author. No published date: updated.
    assert_eq!(b.author.as_deref(), Some("Desk Editor"));
    assert_eq!(b.published.as_deref(), Some("2026-11-27T12:00:00Z"));
    assert_eq!(b.url.as_deref(), Some("https://rail.example/consultation"));
    assert_eq!(
        b.body,
        "Passengers in Newcastle can comment until January.\n\nA second round follows in spring."
    );
    items.iter().for_each(assert_clean);
}

#[test]
fn json_feed_items_become_articles() {
    let items = feed("feed.json");
    assert_eq!(items.len(), 2);
    let a = &items[0];
    assert_eq!(a.title, "Banjir surut di Semarang");
    assert_eq!(a.author.as_deref(), Some("Budi Santoso"));
    assert_eq!(a.published.as_deref(), Some("2026-11-29T23:00:00Z"));
    assert_eq!(a.source.as_deref(), Some("Catatan Kota"));
    assert_eq!(a.url.as_deref(), Some("https://catatan.example/42"));
    assert_eq!(
        a.body,
        "Wali Kota Semarang meninjau Kali Garang.\n\nPompa tambahan\n\nPosko di Genuk"
    );
    let b = &items[1];
    assert_eq!(b.author.as_deref(), Some("Redaksi"));
    assert_eq!(
        b.body,
        "Pedagang di Simpang Lima kembali berjualan.\n\nPemerintah kota memberi izin hingga Desember."
    );
    items.iter().for_each(assert_clean);
}

#[test]
fn malformed_feeds_fail_with_a_reason() {
    for name in ["malformed.xml", "notafeed.json"] {
        let (path, bytes) = fixture(name);
        let err = parse_feed(&path, &bytes).expect_err(name);
        assert!(!err.is_empty(), "{name}: empty reason");
    }
    let path = Path::new("x.xml");
    assert!(parse_feed(path, b"").is_err());
    assert!(parse_feed(path, b"\x00\xff\xfe binary junk").is_err());
    assert!(parse_feed(path, b"<html><body>not a feed</body></html>").is_err());
    let empty = br#"<rss version="2.0"><channel><title>Empty</title></channel></rss>"#;
    let err = parse_feed(path, empty).expect_err("empty feed");
    assert!(err.contains("no items"), "{err}");
}

#[test]
fn hostile_feed_content_is_sanitised() {
    let rss = "<rss version=\"2.0\"><channel><title>T&#x1b;]0;owned&#x7;</title>\
        <item><title>Clear&#x1b;[2J &#x202E;gnp.exe</title>\
        <dc:creator xmlns:dc=\"http://purl.org/dc/elements/1.1/\">A&#x9b;B</dc:creator>\
        <description>&lt;p&gt;x&amp;#27;[2Jy&amp;#x202E;z&lt;/p&gt;</description></item>\
        </channel></rss>";
    let items = parse_feed(Path::new("h.rss"), rss.as_bytes()).expect("parses");
    assert_eq!(items.len(), 1);
    let a = &items[0];
    assert_clean(a);
    // Whole escape sequences go, not just their ESC.
    assert_eq!(a.title, "Clear gnp.exe");
    assert_eq!(a.source.as_deref(), Some("T"));
    assert_eq!(a.body, "xyz");
}

#[test]
fn deeply_nested_feed_does_not_overflow() {
    // Run on a small stack so any recursion per nesting level would fail.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let depth = 100_000;
            let mut xml = String::from("<rss version=\"2.0\"><channel><title>Deep</title><item><title>x</title><description>");
            xml.push_str(&"<b>".repeat(depth));
            xml.push_str(&"</b>".repeat(depth));
            xml.push_str("</description></item></channel></rss>");
            // Well-formed, so the parser has to walk every level; whether it
            // keeps the item or rejects the nesting, it must return.
            let _ = parse_feed(Path::new("deep.xml"), xml.as_bytes());
            let mut json = String::from(r#"{"version":"https://jsonfeed.org/version/1.1","title":"d","items":[{"id":"1","content_text":"#);
            json.push_str(&"[".repeat(depth));
            json.push_str("}]}");
            parse_feed(Path::new("deep.json"), json.as_bytes()).is_err()
        })
        .unwrap();
    assert!(
        handle.join().expect("no stack overflow"),
        "deep JSON must be rejected"
    );
}

#[test]
fn html_page_takes_title_and_article_text() {
    let (path, bytes) = fixture("page.html");
    let a = parse_html(&path, &bytes).expect("parses");
    assert_eq!(a.title, "Harbour & Rail Weekly – Issue 12");
    assert_eq!(
        a.body,
        "Cranes arrive in Surabaya\n\n\
         Three new cranes arrived at Tanjung Perak on Friday, the operator Pelindo said.\n\n\
         The cranes were built in Shanghai — and shipped in two weeks.\n\n\
         line one\n\nline two\n\nCrane A\n\nCrane B"
    );
    assert_eq!(a.author.as_deref(), Some("Dewi Lestari"));
    assert_eq!(a.published.as_deref(), Some("2026-11-27T14:05:00+07:00"));
    assert_eq!(a.source.as_deref(), Some("Harbour & Rail Weekly"));
    assert_eq!(a.lang.as_deref(), Some("en"));
    // The canonical link beats og:url, and is the identity.
    assert_eq!(
        a.url.as_deref(),
        Some("https://weekly.example/cranes-surabaya")
    );
    assert_eq!(a.id, "https://weekly.example/cranes-surabaya");
    assert_clean(&a);
    // Without a URL the identity is the content hash.
    let a = parse_html(Path::new("n.html"), b"<title>T</title><p>Text</p>").unwrap();
    assert_eq!((a.id.len(), a.url.as_deref()), (16, None));
    // The first <h1> is the title when there is no <title>.
    let page = reduce("<body><h1>  First <em>heading</em> </h1><h1>Second</h1><p>t</p></body>");
    assert_eq!(page.title, None);
    assert_eq!(page.h1.as_deref(), Some("First heading"));
    let a = parse_html(Path::new("n.html"), b"<h1>Only heading</h1><p>Text</p>").unwrap();
    assert_eq!(a.title, "Only heading");
    // Neither: the file name, as for every format.
    let a = parse_html(Path::new("dir/saved-page.htm"), b"<p>Text</p>").unwrap();
    assert_eq!(a.title, "saved-page.htm");
}

#[test]
fn html_without_article_uses_main_then_body_minus_furniture() {
    let p = html_to_paragraphs(
        "<nav>menu</nav><main><p>Main text</p></main><footer>foot</footer><p>outside</p>",
    );
    assert_eq!(p, ["Main text"]);
    let p = html_to_paragraphs(
        "<html><head><title>t</title><body><header>Top</header><p>Body text</p><aside>ad</aside><form><p>login</p></form>",
    );
    assert_eq!(p, ["Body text"], "an unclosed <head> ends at <body>");
}

#[test]
fn hostile_html_never_yields_control_characters() {
    let (path, bytes) = fixture("hostile.html");
    let a = parse_html(&path, &bytes).expect("parses");
    assert_clean(&a);
    assert_eq!(a.title, "Evil titletxt.exe");
    assert_eq!(a.author.as_deref(), Some("Mallory"));
    assert_eq!(a.lang.as_deref(), Some("en"));
    let paras: Vec<&str> = a.paragraphs().map(|(_, p)| p).collect();
    assert_eq!(
        paras,
        [
            // HTML remaps references to 0x80..0x9F through windows-1252, so
            // &#x9b; (CSI) is `›` and &#128; is `€`; &#0; becomes U+FFFD.
            "Clearscreen \u{203A}31m C1 € win1252 \u{FFFD} nul reversediso",
            "Double &#27;[2J stays literal",
            "OSC 52 clipboard",
            "Unclosed inline",
        ]
    );
    assert!(!a.body.contains("injected"));
    assert!(!a.body.contains("enable js"));
}

#[test]
fn page_without_text_is_a_problem() {
    let (path, bytes) = fixture("empty-body.html");
    let err = parse_html(&path, &bytes).expect_err("no text");
    assert!(err.contains("no readable text"), "{err}");
    assert!(parse_html(Path::new("e.html"), b"").is_err());
}

#[test]
fn invalid_utf8_html_is_decoded_with_a_note() {
    let a = parse_html(Path::new("l.html"), b"<title>Caf\xe9</title><p>ok</p>").unwrap();
    assert_eq!(a.title, "Caf\u{FFFD}");
    assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
}

#[test]
fn deeply_nested_html_does_not_recurse() {
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let depth = 100_000;
            let mut html = String::from("<title>Deep</title>");
            for tag in ["div", "b", "article", "nav", "span"] {
                html.push_str(&format!("<{tag}>").repeat(depth));
                html.push_str(&format!("{tag} bottom"));
                html.push_str(&format!("</{tag}>").repeat(depth));
            }
            // Stray end tags far beyond any open element must not underflow.
            html.push_str(&"</article></nav>".repeat(depth));
            html.push_str("<p>after</p>");
            html_to_paragraphs(&html)
        })
        .unwrap();
    let p = handle.join().expect("no stack overflow");
    assert_eq!(p, ["article bottom"], "the <article> region wins");
    let p = html_to_paragraphs(&("<p>".repeat(100_000) + "x"));
    assert_eq!(p, ["x"]);
}

#[test]
fn sniffing_recognises_formats_by_content() {
    for (name, kind) in [
        ("rss2.xml", Kind::Feed),
        ("atom.xml", Kind::Feed),
        ("feed.json", Kind::Feed),
        ("page.html", Kind::Html),
        ("hostile.html", Kind::Html),
    ] {
        let (_, bytes) = fixture(name);
        assert_eq!(sniff(&bytes), Some(kind), "{name}");
    }
    assert_eq!(sniff(br#"{"title": "an article", "body": "text"}"#), None);
    assert_eq!(sniff(b"Title line\n\nBody"), None);
    assert_eq!(
        sniff(b"\xEF\xBB\xBF\n  <rss version=\"2.0\">"),
        Some(Kind::Feed)
    );
}

#[test]
fn loader_dispatches_feeds_and_pages_by_extension_and_content() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        let (_, bytes) = fixture(from);
        std::fs::write(dir.path().join(to), bytes).unwrap();
    };
    copy("rss2.xml", "a-rss2.xml");
    copy("atom.xml", "b.atom");
    copy("feed.json", "c-feed.json");
    copy("page.html", "d-page.htm");
    // Unknown extensions: recognised by content.
    copy("rss2.xml", "e-rss-saved.download");
    copy("page.html", "f-page-saved");
    copy("malformed.xml", "g-broken.rss");
    // An ordinary JSON article stays with the JSON loader.
    std::fs::write(
        dir.path().join("h-article.json"),
        r#"{"title": "Plain JSON article", "body": "Text."}"#,
    )
    .unwrap();
    let (articles, problems) = sorot::article::load_all(
        &[dir.path().to_path_buf()],
        &sorot::article::LoadOptions::default(),
    );
    let count = |file: &str| articles.iter().filter(|a| a.path.ends_with(file)).count();
    assert_eq!(count("a-rss2.xml"), 3);
    assert_eq!(count("b.atom"), 2);
    assert_eq!(count("c-feed.json"), 2);
    assert_eq!(count("d-page.htm"), 1);
    assert_eq!(count("e-rss-saved.download"), 3);
    assert_eq!(count("f-page-saved"), 1);
    assert_eq!(count("h-article.json"), 1);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].path.ends_with("g-broken.rss"));
    assert!(problems[0].reason.contains("XML"), "{}", problems[0]);
    articles.iter().for_each(assert_clean);
}

#[test]
fn xml_encoding_declaration_is_honoured() {
    let mut rss =
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Caf"
            .to_vec();
    rss.push(0xE9);
    rss.extend_from_slice(b"</title><item><title>Na");
    rss.push(0xEF);
    rss.extend_from_slice(b"ve</title><description>ok</description></item></channel></rss>");
    let items = parse_feed(Path::new("latin1.rss"), &rss).expect("parses");
    assert_eq!(items[0].title, "Naïve");
    assert_eq!(items[0].source.as_deref(), Some("Café"));
}

#[test]
fn xml_entity_expansion_bomb_is_not_expanded() {
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a0 \"lol lol lol lol lol lol lol lol lol lol\">",
    );
    for i in 1..10 {
        let prev = format!("&a{};", i - 1).repeat(10);
        xml.push_str(&format!("<!ENTITY a{i} \"{prev}\">"));
    }
    xml.push_str("]><rss version=\"2.0\"><channel><title>Bomb</title><item><title>t</title><description>&a9;</description></item></channel></rss>");
    let started = std::time::Instant::now();
    let result = parse_feed(Path::new("bomb.xml"), xml.as_bytes());
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // Either rejected or kept unexpanded: never a billion `lol`s.
    if let Ok(items) = result {
        assert!(items.iter().all(|a| a.body.len() < 10_000), "{items:?}");
    }
}

/// Deterministic xorshift64*, so a failure reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

#[test]
fn random_markup_soup_stays_clean() {
    const PIECES: &[&str] = &[
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<br>",
        "<b>",
        "</b>",
        "<script>",
        "</script>",
        "<style>",
        "</style>",
        "<nav>",
        "</nav>",
        "<article>",
        "</article>",
        "<main>",
        "</main>",
        "<title>",
        "</title>",
        "<h1>",
        "</h1>",
        "<pre>",
        "</pre>",
        "<svg/>",
        "<textarea>",
        "</textarea>",
        "<plaintext>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<a href=\"&#27;[2J\">",
        "</a>",
        "<meta name=author content=\"&#x9b;x\">",
        "&#27;",
        "&#x1b;[2J",
        "&#x9b;",
        "&#x85;",
        "&#0;",
        "&#x202E;",
        "&#x2066;",
        "&#7;",
        "&#13;",
        "&#xD800;",
        "&#x110000;",
        "&amp;",
        "&amp;#27;",
        "&",
        "&#",
        "&#x",
        "&nbsp;",
        "&notanentity;",
        "<",
        ">",
        "\"",
        "'",
        "=",
        "/",
        "\u{1b}]0;t\u{7}",
        "\u{9b}1m",
        "\r\n",
        "\n\n",
        "\t",
        " ",
        "text",
        "Jakarta",
        "Surabaya",
        "é",
        "字节跳动",
        "\u{0}",
        "\u{feff}",
        "\u{2028}",
    ];
    let mut rng = Rng(0x5EED_0F50_0707);
    for case in 0..3000 {
        let len = (rng.next() % 60) as usize;
        let doc: String = (0..len).map(|_| rng.pick(PIECES)).collect();
        for p in html_to_paragraphs(&doc) {
            assert!(is_clean(&p), "case {case}: {doc:?} -> {p:?}");
            assert!(
                !p.is_empty() && !p.contains('\n'),
                "case {case}: {doc:?} -> {p:?}"
            );
            assert_eq!(p.trim(), p, "case {case}");
        }
        match parse_html(Path::new("soup.html"), doc.as_bytes()) {
            Ok(a) => assert_clean(&a),
            Err(e) => assert!(!e.is_empty()),
        }
        let rss = format!(
            "<rss version=\"2.0\"><channel><title>{doc}</title><item><title>{doc}</title>\
             <description><![CDATA[{doc}]]></description></item></channel></rss>"
        );
        if let Ok(items) = parse_feed(Path::new("soup.rss"), rss.as_bytes()) {
            items.iter().for_each(assert_clean);
        }
    }
}
