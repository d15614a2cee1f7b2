//! Generates a deterministic benchmark corpus of news-like articles.
//!
//! `cargo run --release --example gen_corpus -- DIR N [SEED]`
//!
//! Writes N articles (about 3.3 KB of text each, so 10,000 ≈ 33 MB) into
//! nested folders `DIR/SECTION/YEAR/MONTH/`, in mixed formats: plain text,
//! Markdown with front matter, single JSON objects, JSON arrays of three and
//! JSON lines files of five. Half English, half Indonesian-looking text, rich
//! in people, organisations and places. The same N and seed always give the
//! same bytes (a small xorshift generator, no external crate).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// xorshift64*: small, fast, and stable across platforms and releases.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "Ana", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hendra", "Indah", "Joko", "Kartika",
    "Lestari", "Maya", "Nanda", "Oktavia", "Putu", "Rizky", "Sari", "Teguh", "Wulan", "James",
    "Maria", "David", "Sarah", "Michael", "Emma", "Daniel", "Olivia", "Thomas", "Grace", "Li",
    "Wei", "Zhang", "Priya", "Arjun", "Nguyen", "Kenji", "Amira", "Omar", "Sofia",
];
const LAST: &[&str] = &[
    "Santoso",
    "Wijaya",
    "Pratama",
    "Hidayat",
    "Saputra",
    "Kurniawan",
    "Setiawan",
    "Nugroho",
    "Siregar",
    "Simanjuntak",
    "Hasibuan",
    "Lubis",
    "Tan",
    "Lim",
    "Smith",
    "Johnson",
    "Brown",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Chen",
    "Wang",
    "Liu",
    "Patel",
    "Sharma",
    "Tanaka",
    "Khan",
    "Rahman",
];
const ORGS: &[&str] = &[
    "PT Nusantara Energi Tbk",
    "Bank Mandala",
    "Kementerian Perhubungan",
    "Universitas Gadjah Mada",
    "Institut Teknologi Bandung",
    "Komisi Pemberantasan Korupsi",
    "Pelindo Samudra",
    "Garuda Cargo",
    "Silika Labs",
    "Kopi Data Labs",
    "Asian Development Bank",
    "World Health Organization",
    "Meridian Capital",
    "Harbor Logistics Inc",
    "Blue Reef Research",
    "Pacific Grid Corp",
    "University of Melbourne",
    "Tokopasar",
    "Sorot Wire",
    "Bulog",
];
const PLACES: &[&str] = &[
    "Jakarta",
    "Surabaya",
    "Bandung",
    "Semarang",
    "Medan",
    "Makassar",
    "Yogyakarta",
    "Denpasar",
    "Balikpapan",
    "Pontianak",
    "Manado",
    "Ambon",
    "Jayapura",
    "Singapore",
    "Kuala Lumpur",
    "Manila",
    "Bangkok",
    "Tokyo",
    "Sydney",
    "Perth",
    "Rotterdam",
    "Nairobi",
    "Geneva",
    "London",
];
const SECTIONS: &[&str] = &[
    "economy", "politics", "tech", "health", "climate", "sport", "culture", "world",
];

const EN_SUBJ: &[&str] = &[
    "The company",
    "The ministry",
    "Officials",
    "Analysts",
    "Residents",
    "The board",
    "Investors",
    "Researchers",
    "The regional government",
    "Local traders",
];
const EN_VERB: &[&str] = &[
    "said",
    "announced",
    "confirmed",
    "warned",
    "expected",
    "reported",
    "estimated",
    "argued",
];
const EN_OBJ: &[&str] = &[
    "that the new terminal would open next year",
    "that prices had risen for the third month in a row",
    "a plan to expand the network to twelve more cities",
    "that talks with the union would resume on Monday",
    "a budget of 4.2 trillion rupiah for the project",
    "that the flood defences had held during the storm",
    "that exports of palm oil fell by eight percent",
    "an agreement to share data on dengue outbreaks",
    "that the vaccine trial had enrolled 3,000 volunteers",
    "that demand for electric scooters kept growing",
];
const ID_SUBJ: &[&str] = &[
    "Perusahaan itu",
    "Kementerian",
    "Para pejabat",
    "Para analis",
    "Warga setempat",
    "Direksi",
    "Para investor",
    "Tim peneliti",
    "Pemerintah daerah",
    "Pedagang pasar",
];
const ID_VERB: &[&str] = &[
    "mengatakan",
    "mengumumkan",
    "menegaskan",
    "memperingatkan",
    "memperkirakan",
    "melaporkan",
];
const ID_OBJ: &[&str] = &[
    "bahwa terminal baru akan dibuka tahun depan",
    "bahwa harga naik selama tiga bulan berturut-turut",
    "rencana memperluas jaringan ke dua belas kota lagi",
    "bahwa perundingan dengan serikat pekerja dilanjutkan Senin",
    "anggaran Rp4,2 triliun untuk proyek tersebut",
    "bahwa tanggul penahan banjir bertahan selama badai",
    "bahwa ekspor minyak sawit turun delapan persen",
    "kesepakatan berbagi data wabah demam berdarah",
    "bahwa uji vaksin melibatkan 3.000 relawan",
    "bahwa permintaan skuter listrik terus tumbuh",
];

struct Gen {
    rng: Rng,
}

struct Art {
    title: String,
    author: String,
    date: String,
    source: String,
    url: Option<String>,
    lang: &'static str,
    paragraphs: Vec<String>,
}

impl Gen {
    fn person(&mut self) -> String {
        format!("{} {}", self.rng.pick(FIRST), self.rng.pick(LAST))
    }

    fn sentence(&mut self, en: bool) -> String {
        let r = &mut self.rng;
        let (subj, verb, obj) = if en {
            (r.pick(EN_SUBJ), r.pick(EN_VERB), r.pick(EN_OBJ))
        } else {
            (r.pick(ID_SUBJ), r.pick(ID_VERB), r.pick(ID_OBJ))
        };
        let org = r.pick(ORGS);
        let place = r.pick(PLACES);
        let person = self.person();
        match self.rng.below(4) {
            0 if en => format!("{subj} in {place} {verb} {obj}, according to {person} of {org}."),
            0 => format!("{subj} di {place} {verb} {obj}, menurut {person} dari {org}."),
            1 if en => {
                format!("\"We are ready,\" {person}, a director at {org}, {verb} in {place}.")
            }
            1 => format!("\"Kami siap,\" kata {person}, direktur {org}, di {place}."),
            2 if en => format!("{person} {verb} {obj}."),
            2 => format!("{person} {verb} {obj}."),
            _ if en => format!("{org} {verb} {obj} after meetings in {place}."),
            _ => format!("{org} {verb} {obj} setelah pertemuan di {place}."),
        }
    }

    fn article(&mut self, n: usize) -> Art {
        let en = self.rng.below(2) == 0;
        let place = self.rng.pick(PLACES);
        let org = self.rng.pick(ORGS);
        let title = if en {
            format!(
                "{org} {} {place} plan, report {n}",
                self.rng.pick(&["backs", "delays", "expands", "reviews"])
            )
        } else {
            format!(
                "{org} {} rencana di {place}, laporan {n}",
                self.rng.pick(&["dukung", "tunda", "perluas", "kaji"])
            )
        };
        let mut paragraphs = Vec::new();
        let mut size = title.len();
        // About 3.3 KB of article text in all.
        while size < 3150 {
            let k = 2 + self.rng.below(3);
            let mut p = String::new();
            for i in 0..k {
                if i > 0 {
                    p.push(' ');
                }
                p.push_str(&self.sentence(en));
            }
            size += p.len() + 2;
            paragraphs.push(p);
        }
        let year = 2023 + self.rng.below(4);
        let month = 1 + self.rng.below(12);
        let day = 1 + self.rng.below(28);
        let date = if self.rng.below(2) == 0 {
            format!("{year}-{month:02}-{day:02}")
        } else {
            format!(
                "{year}-{month:02}-{day:02}T{:02}:{:02}:00+07:00",
                self.rng.below(24),
                self.rng.below(60)
            )
        };
        let url = (self.rng.below(2) == 0).then(|| format!("https://news.example/{n}"));
        Art {
            title,
            author: self.person(),
            date,
            source: self
                .rng
                .pick(&[
                    "Sorot Wire",
                    "Kabar Nusantara",
                    "Warta Pesisir",
                    "Straits Ledger",
                ])
                .to_owned(),
            url,
            lang: if en { "en" } else { "id" },
            paragraphs,
        }
    }
}

fn json_obj(a: &Art, body_as_array: bool) -> serde_json::Value {
    let body = if body_as_array {
        serde_json::json!(a.paragraphs)
    } else {
        serde_json::json!(a.paragraphs.join("\n\n"))
    };
    let mut v = serde_json::json!({
        "title": a.title,
        "author": a.author,
        "published": a.date,
        "source": a.source,
        "lang": a.lang,
        "body": body,
    });
    if let Some(u) = &a.url {
        v["url"] = serde_json::json!(u);
    }
    v
}

fn txt(a: &Art) -> String {
    let mut s = String::with_capacity(3500);
    s.push_str(&a.title);
    s.push('\n');
    for p in &a.paragraphs {
        s.push_str(p);
        s.push('\n');
    }
    s
}

fn md(a: &Art) -> String {
    let mut s = String::with_capacity(3600);
    let _ = writeln!(
        s,
        "---\ntitle: \"{}\"\nauthor: {}\ndate: {}\nsource: {}\nlang: {}",
        a.title, a.author, a.date, a.source, a.lang
    );
    if let Some(u) = &a.url {
        let _ = writeln!(s, "url: {u}");
    }
    s.push_str("---\n\n");
    for (i, p) in a.paragraphs.iter().enumerate() {
        if i == 2 {
            let _ = writeln!(s, "## {}\n", a.title.split(',').next().unwrap_or(""));
        }
        // Emphasise the first words, as real Markdown articles do.
        match p.split_once(' ') {
            Some((w, rest)) if i == 0 => {
                let _ = writeln!(s, "**{w}** {rest}\n");
            }
            _ => {
                let _ = writeln!(s, "{p}\n");
            }
        }
    }
    s
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(n)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: gen_corpus DIR N [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2024);
    match generate(Path::new(dir), n, seed) {
        Ok((files, bytes)) => {
            eprintln!("gen_corpus: {n} articles in {files} files, {bytes} bytes, under {dir}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(dir: &Path, n: usize, seed: u64) -> std::io::Result<(usize, u64)> {
    let mut g = Gen {
        rng: Rng::new(seed),
    };
    let mut made = 0usize;
    let mut files = 0usize;
    let mut bytes = 0u64;
    while made < n {
        let section = g.rng.pick(SECTIONS);
        let year = 2023 + g.rng.below(4);
        let month = 1 + g.rng.below(12);
        let folder: PathBuf = dir
            .join(section)
            .join(year.to_string())
            .join(format!("{month:02}"));
        fs::create_dir_all(&folder)?;
        let kind = g.rng.below(100);
        let (name, content, count) = match kind {
            0..35 => {
                let a = g.article(made);
                (format!("a{made:06}.txt"), txt(&a), 1)
            }
            35..60 => {
                let a = g.article(made);
                (format!("a{made:06}.md"), md(&a), 1)
            }
            60..85 => {
                let a = g.article(made);
                let arr = g.rng.below(2) == 0;
                (
                    format!("a{made:06}.json"),
                    serde_json::to_string_pretty(&json_obj(&a, arr)).unwrap_or_default(),
                    1,
                )
            }
            85..93 => {
                let k = 3.min(n - made);
                let items: Vec<_> = (0..k)
                    .map(|i| json_obj(&g.article(made + i), i % 2 == 0))
                    .collect();
                (
                    format!("a{made:06}-batch.json"),
                    serde_json::to_string(&items).unwrap_or_default(),
                    k,
                )
            }
            _ => {
                let k = 5.min(n - made);
                let mut s = String::new();
                for i in 0..k {
                    s.push_str(&json_obj(&g.article(made + i), false).to_string());
                    s.push('\n');
                }
                (format!("a{made:06}-feed.jsonl"), s, k)
            }
        };
        fs::write(folder.join(name), &content)?;
        bytes += content.len() as u64;
        files += 1;
        made += count;
    }
    Ok((files, bytes))
}
