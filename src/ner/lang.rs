//! Language identification between the languages we have models for.
//!
//! An article's `lang` field wins when present; this is the fallback that
//! picks the model otherwise. Only two candidates, so a full n-gram
//! classifier is overkill: function words (which make up about a third of
//! running news text in both languages) decide almost every case, and word
//! endings and letter combinations that one language has and the other
//! hardly ever does (`-nya`, `-kan`, `meng-` against `th`, `-ing`, `-tion`)
//! decide short titles that have no function word. Text in any other
//! language gets whichever of the two it resembles more; with no evidence at
//! all (empty text, a script neither language uses) the answer is English
//! with confidence 0.
//!
//! Only the first [`WINDOW`] bytes are read, so the cost is bounded however
//! long the article.

use super::Lang;

/// How many bytes from the start of the text are looked at.
pub const WINDOW: usize = 4096;

/// The most likely language of `text` (English when there is no evidence).
pub fn detect(text: &str) -> Lang {
    detect_scored(text).0
}

/// The most likely language and a confidence in `0.0..=1.0`: 0 means no
/// evidence either way, 1 means every clue pointed the same way. A few
/// words of evidence give a confidence well below 1 even when unanimous.
pub fn detect_scored(text: &str) -> (Lang, f32) {
    let (en, id) = scores(window(text));
    let total = en + id;
    if total <= 0.0 {
        return (Lang::En, 0.0);
    }
    let (lang, best, other) = if id > en {
        (Lang::Id, id, en)
    } else {
        (Lang::En, en, id)
    };
    // Margin share, damped by the amount of evidence so that one stray
    // word is not "certain".
    let margin = (best - other) / total;
    let amount = total / (total + 2.0);
    (lang, (margin * amount).clamp(0.0, 1.0))
}

/// The first `WINDOW` bytes of `text`, cut back to a char boundary.
fn window(text: &str) -> &str {
    if text.len() <= WINDOW {
        return text;
    }
    let mut end = WINDOW;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Evidence for English and for Indonesian.
fn scores(text: &str) -> (f32, f32) {
    let b = text.as_bytes();
    let (mut en, mut id) = (0.0f32, 0.0f32);
    let mut buf = [0u8; 24];
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'\'') {
            i += 1;
        }
        // Words touching non-ASCII letters (accented names, other scripts)
        // say nothing about English vs Indonesian.
        if b.get(i).is_some_and(|&c| c >= 0x80) || (start > 0 && b[start - 1] >= 0x80) {
            continue;
        }
        let len = i - start;
        if len > buf.len() {
            continue;
        }
        let w = &mut buf[..len];
        w.copy_from_slice(&b[start..i]);
        w.make_ascii_lowercase();
        let (e, d) = word_evidence(w);
        en += e;
        id += d;
    }
    (en, id)
}

/// Evidence one lowercase ASCII word gives for (English, Indonesian).
fn word_evidence(w: &[u8]) -> (f32, f32) {
    if is_en_function_word(w) {
        return (1.0, 0.0);
    }
    if is_id_function_word(w) {
        return (0.0, 1.0);
    }
    let (mut en, mut id) = (0.0, 0.0);
    let n = w.len();
    let ends = |s: &[u8]| n > s.len() + 1 && w.ends_with(s);
    let starts = |s: &[u8]| n > s.len() + 2 && w.starts_with(s);
    let has = |s: &[u8]| w.windows(s.len()).any(|x| x == s);
    // English: letter pairs Indonesian spelling does not use, and
    // inflectional endings.
    if has(b"th") || has(b"wh") || has(b"sh") || has(b"ee") || has(b"oo") || has(b"ck") {
        en += 0.5;
    }
    if ends(b"ing") || ends(b"tion") || ends(b"ed") || ends(b"ly") || ends(b"ment") {
        en += 0.5;
    }
    if ends(b"'s") || has(b"n't") || w.contains(&b'q') || w.contains(&b'x') || w.contains(&b'v') {
        en += 0.3;
    }
    // Indonesian: affixes and clitics.
    if ends(b"nya") || ends(b"kan") || ends(b"lah") || ends(b"kah") || ends(b"an") {
        id += 0.5;
    }
    if starts(b"meng")
        || starts(b"meny")
        || starts(b"mem")
        || starts(b"men")
        || starts(b"ber")
        || starts(b"ter")
        || starts(b"peng")
        || starts(b"pem")
        || starts(b"per")
        || starts(b"di")
        || starts(b"ke")
    {
        id += 0.3;
    }
    if has(b"ny") || has(b"ngg") || has(b"aa") || ends(b"ang") || ends(b"ung") || ends(b"ah") {
        id += 0.3;
    }
    (en, id)
}

fn is_en_function_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"the"
            | b"of"
            | b"and"
            | b"to"
            | b"in"
            | b"is"
            | b"that"
            | b"for"
            | b"on"
            | b"with"
            | b"was"
            | b"as"
            | b"by"
            | b"at"
            | b"said"
            | b"from"
            | b"it"
            | b"he"
            | b"his"
            | b"her"
            | b"she"
            | b"has"
            | b"have"
            | b"had"
            | b"are"
            | b"be"
            | b"been"
            | b"an"
            | b"which"
            | b"were"
            | b"this"
            | b"not"
            | b"but"
            | b"will"
            | b"would"
            | b"after"
            | b"who"
            | b"its"
            | b"their"
            | b"they"
            | b"we"
            | b"or"
            | b"into"
            | b"over"
            | b"about"
            | b"than"
            | b"more"
            | b"also"
            | b"new"
            | b"says"
            | b"when"
            | b"could"
            | b"there"
            | b"what"
            | b"all"
            | b"can"
            | b"up"
            | b"out"
            | b"our"
            | b"you"
            | b"how"
            | b"why"
    )
}

fn is_id_function_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"yang"
            | b"dan"
            | b"di"
            | b"ke"
            | b"dari"
            | b"ini"
            | b"itu"
            | b"dengan"
            | b"untuk"
            | b"pada"
            | b"dalam"
            | b"tidak"
            | b"akan"
            | b"adalah"
            | b"juga"
            | b"oleh"
            | b"karena"
            | b"ada"
            | b"sebagai"
            | b"atau"
            | b"mereka"
            | b"kata"
            | b"telah"
            | b"sudah"
            | b"bisa"
            | b"tersebut"
            | b"saat"
            | b"lebih"
            | b"para"
            | b"namun"
            | b"seperti"
            | b"kami"
            | b"kita"
            | b"bahwa"
            | b"hingga"
            | b"menjadi"
            | b"tahun"
            | b"tetapi"
            | b"masih"
            | b"dia"
            | b"ia"
            | b"sebuah"
            | b"satu"
            | b"harus"
            | b"hanya"
            | b"setelah"
            | b"bagi"
            | b"serta"
            | b"antara"
            | b"kepada"
            | b"secara"
            | b"sejak"
            | b"baru"
            | b"jika"
            | b"kalau"
            | b"belum"
            | b"sangat"
            | b"agar"
            | b"lalu"
            | b"tak"
            | b"pun"
            | b"nya"
            | b"kini"
            | b"ujar"
            | b"menurut"
            | b"apa"
            | b"siapa"
            | b"mengapa"
            | b"bagaimana"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, lang: Lang) {
        let (got, conf) = detect_scored(text);
        assert_eq!(got, lang, "{text:?} (confidence {conf})");
        assert!(conf > 0.0 && conf <= 1.0, "{text:?}: confidence {conf}");
        assert_eq!(detect(text), lang);
    }

    #[test]
    fn english_sentences() {
        check(
            "The European Commission said on Thursday it disagreed with German advice \
             to consumers to shun British lamb until scientists determine whether mad cow \
             disease can be transmitted to sheep.",
            Lang::En,
        );
        check(
            "ByteDance has hired Li Lei, a former director of Baidu Research, to lead its AI Lab.",
            Lang::En,
        );
    }

    #[test]
    fn indonesian_sentences() {
        check(
            "Presiden Joko Widodo meresmikan jalan tol baru di Sumatera Utara pada hari \
             Selasa, kata juru bicara istana kepada wartawan.",
            Lang::Id,
        );
        check(
            "Li Lei bergabung dengan ByteDance setelah sebelumnya bekerja sebagai \
             ilmuwan di Baidu Research.",
            Lang::Id,
        );
    }

    #[test]
    fn short_titles() {
        check("Jokowi Resmikan Tol Trans-Sumatera", Lang::Id);
        check("Harga Minyak Naik Lagi", Lang::Id);
        check("Pemerintah Umumkan Kebijakan Baru", Lang::Id);
        check("Stocks Rally as Fed Signals Pause", Lang::En);
        check("Shares Slump Amid Growing Uncertainty", Lang::En);
        check("What the Election Means for Markets", Lang::En);
    }

    #[test]
    fn mixed_text_follows_the_majority() {
        // Indonesian reporting that quotes English names and a phrase.
        check(
            "Menurut laporan The Wall Street Journal, perusahaan itu akan membuka \
             kantor baru di Singapura. \"We are excited,\" kata CEO perusahaan tersebut \
             kepada wartawan dalam konferensi pers.",
            Lang::Id,
        );
        // English reporting with Indonesian names and one quoted phrase.
        check(
            "The ministry said the Kementerian Keuangan programme, known locally as \
             \"Bantuan Langsung Tunai\", would be extended for another year after \
             protests in Jakarta and Surabaya.",
            Lang::En,
        );
    }

    #[test]
    fn no_evidence_defaults_to_english_with_zero_confidence() {
        assert_eq!(detect_scored(""), (Lang::En, 0.0));
        assert_eq!(detect_scored("   \n\t"), (Lang::En, 0.0));
        assert_eq!(detect_scored("12345 !!! 2016-05-01"), (Lang::En, 0.0));
        assert_eq!(detect_scored("北京市 字节跳动"), (Lang::En, 0.0));
    }

    #[test]
    fn other_languages_get_the_closest() {
        // Malay is closest to Indonesian.
        check(
            "Kerajaan akan mengumumkan bajet baharu untuk tahun hadapan",
            Lang::Id,
        );
        // French shares English spelling habits (`-ment`, `v`), but there
        // is little evidence, so the confidence stays low.
        let (lang, conf) = detect_scored("Le gouvernement français a annoncé");
        assert_eq!(lang, Lang::En);
        assert!(conf < 0.5, "{conf}");
    }

    #[test]
    fn confidence_grows_with_evidence() {
        let (_, short) = detect_scored("yang");
        let (_, long) = detect_scored("yang dan di ke dari ini itu dengan untuk pada");
        assert!(short < long, "{short} < {long}");
        assert!(long > 0.7);
    }

    #[test]
    fn only_the_first_window_is_read() {
        let mut text = "yang dan di ke dari ini itu dengan untuk pada ".repeat(100);
        assert!(text.len() > WINDOW);
        text.push_str(&"the of and to in is that for on with ".repeat(500));
        assert_eq!(detect(&text), Lang::Id);
        // A window edge inside a multibyte char must not panic.
        let t = format!("{}é{}", "a".repeat(WINDOW - 1), " the".repeat(10));
        assert_eq!(window(&t).len(), WINDOW - 1);
        let _ = detect(&t);
    }
}

/// Accuracy on the shared corpora (skipped with a message when absent).
#[cfg(test)]
mod corpus_tests {
    use super::*;
    use std::path::PathBuf;

    /// Share of sentences with at least `min_tokens` tokens detected as `lang`.
    fn accuracy(rel: &str, lang: Lang, min_tokens: usize, test: &str) -> Option<f64> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/ner")
            .join(rel);
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("{test}: skipped, {} not found", path.display());
            return None;
        };
        let (mut right, mut all) = (0usize, 0usize);
        let mut cur: Vec<&str> = vec![];
        for line in text.lines().chain(std::iter::once("")) {
            match line.split_whitespace().next() {
                Some("-DOCSTART-") => {}
                Some(tok) => cur.push(tok),
                None => {
                    if cur.len() >= min_tokens {
                        all += 1;
                        right += usize::from(detect(&cur.join(" ")) == lang);
                    }
                    cur.clear();
                }
            }
        }
        let acc = right as f64 / all.max(1) as f64;
        eprintln!(
            "{test}: {rel}: {:.2}% of {all} sentences of >= {min_tokens} tokens",
            100.0 * acc
        );
        Some(acc)
    }

    #[test]
    fn sentences_of_the_dev_sets_are_identified() {
        let test = "sentences_of_the_dev_sets_are_identified";
        // A sentence is far less text than an article: whole articles do better.
        for (rel, lang, min_tokens, want) in [
            ("en/conll2003/dev.txt", Lang::En, 8, 0.97),
            ("id/idner-news-2k/dev.txt", Lang::Id, 8, 0.97),
            ("id/nergrit/dev.txt", Lang::Id, 8, 0.97),
            ("en/conll2003/dev.txt", Lang::En, 3, 0.90),
            ("id/nergrit/dev.txt", Lang::Id, 3, 0.90),
        ] {
            if let Some(acc) = accuracy(rel, lang, min_tokens, test) {
                assert!(
                    acc >= want,
                    "{rel}: {:.2}% < {:.0}%",
                    100.0 * acc,
                    100.0 * want
                );
            }
        }
    }

    #[test]
    fn the_shared_sample_article_is_indonesian() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/samples/bytedance-li-lei-id.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!(
                "the_shared_sample_article_is_indonesian: skipped, {} not found",
                path.display()
            );
            return;
        };
        let (lang, conf) = detect_scored(&text);
        assert_eq!(lang, Lang::Id);
        assert!(conf > 0.5, "{conf}");
        // Its title line alone, too.
        assert_eq!(detect(text.lines().next().unwrap_or("")), Lang::Id);
    }
}
