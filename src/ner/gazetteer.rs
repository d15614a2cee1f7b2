//! Gazetteers: lists of known entity names (from the training data and from
//! the shipped country lists) matched against token sequences, and the cue
//! words that signal an organisation, a person or a place nearby.
//!
//! Names are stored only as hashes of their lowercased token sequences, which
//! keeps the model small and ships no corpus text.

use crate::ner::Label;
use crate::ner::features::{hash_lower, mix};

/// Longest name (in tokens) a gazetteer matches.
pub const MAX_NAME_TOKENS: usize = 6;

/// Country names in English and Indonesian, derived from umpirsky/country-list
/// (MIT licence, see `assets/gazetteers/LICENSE-country-list`).
pub const COUNTRIES: &str = include_str!("../../assets/gazetteers/countries.txt");

/// Bit for `label` in a type mask.
pub fn label_bit(label: Label) -> u8 {
    match label {
        Label::Per => 1,
        Label::Org => 2,
        Label::Loc => 4,
        Label::Misc => 8,
    }
}

/// A set of names, each with the mask of types it was seen with.
///
/// Open addressing over pre-hashed keys: lookups are a multiply and a probe,
/// which matters because every token tries every name length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gazetteer {
    keys: Vec<u64>,
    masks: Vec<u8>,
    len: usize,
}

/// The hash of a lowercased token sequence, as the gazetteer keys names.
/// Never 0 (0 marks an empty slot).
pub fn seq_hash(lower_hashes: impl IntoIterator<Item = u64>) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15;
    for x in lower_hashes {
        h = mix(h, x);
    }
    h | 1
}

impl Gazetteer {
    /// An empty gazetteer.
    pub fn new() -> Gazetteer {
        Gazetteer::default()
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no names are stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn slot(&self, key: u64) -> usize {
        let cap = self.keys.len();
        let mut i = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20) as usize & (cap - 1);
        loop {
            if self.keys[i] == key || self.keys[i] == 0 {
                return i;
            }
            i = (i + 1) & (cap - 1);
        }
    }

    /// Adds `mask` to the name with hash `key` (from [`seq_hash`]).
    pub fn insert_hash(&mut self, key: u64, mask: u8) {
        if (self.len + 1) * 2 > self.keys.len() {
            self.grow();
        }
        let i = self.slot(key);
        if self.keys[i] == 0 {
            self.keys[i] = key;
            self.len += 1;
        }
        self.masks[i] |= mask;
    }

    fn grow(&mut self) {
        let cap = (self.keys.len() * 2).max(64);
        let old_keys = std::mem::replace(&mut self.keys, vec![0; cap]);
        let old_masks = std::mem::replace(&mut self.masks, vec![0; cap]);
        self.len = 0;
        for (k, m) in old_keys.into_iter().zip(old_masks) {
            if k != 0 {
                let i = self.slot(k);
                self.keys[i] = k;
                self.masks[i] = m;
                self.len += 1;
            }
        }
    }

    /// Adds a name given as tokens.
    pub fn insert_tokens<S: AsRef<str>>(&mut self, tokens: &[S], label: Label) {
        if tokens.is_empty() || tokens.len() > MAX_NAME_TOKENS {
            return;
        }
        let key = seq_hash(tokens.iter().map(|t| hash_lower(t.as_ref())));
        self.insert_hash(key, label_bit(label));
    }

    /// The type mask of the name with hash `key`, 0 when absent.
    pub fn get(&self, key: u64) -> u8 {
        if self.keys.is_empty() {
            return 0;
        }
        let i = self.slot(key);
        if self.keys[i] == key {
            self.masks[i]
        } else {
            0
        }
    }

    /// Adds the shipped country names as places. Names are split on spaces
    /// and around commas, parentheses and periods the way the corpora
    /// tokenise them.
    pub fn add_countries(&mut self) {
        for line in COUNTRIES.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let spaced = line
                .replace(',', " , ")
                .replace('(', " ( ")
                .replace(')', " ) ");
            let toks: Vec<&str> = spaced.split_whitespace().collect();
            self.insert_tokens(&toks, Label::Loc);
        }
    }

    /// For each token of a sentence (given as lowercase hashes), the mask of
    /// gazetteer matches covering it: bits 0-3 say "begins a name of type
    /// PER/ORG/LOC/MISC", bits 4-7 "continues one".
    pub fn match_sentence(&self, lower: &[u64], out: &mut Vec<u8>) {
        out.clear();
        out.resize(lower.len(), 0);
        self.match_into(lower, out);
    }

    /// [`Gazetteer::match_sentence`] into a slice as long as `lower`.
    pub fn match_into(&self, lower: &[u64], out: &mut [u8]) {
        out.fill(0);
        if self.is_empty() {
            return;
        }
        for i in 0..lower.len() {
            let mut h = 0x9e37_79b9_7f4a_7c15;
            for j in i..lower.len().min(i + MAX_NAME_TOKENS) {
                h = mix(h, lower[j]);
                let m = self.get(h | 1);
                if m != 0 {
                    out[i] |= m;
                    for o in &mut out[i + 1..=j] {
                        *o |= m << 4;
                    }
                }
            }
        }
    }

    /// Key of a single word's entry in the word table (a separate key space
    /// from names, in the same hash table).
    pub fn word_key(lower: u64, table: u64) -> u64 {
        mix(mix(0x7a11_5eed_0000_0000 ^ table, lower), table) | 1
    }

    /// Records that a word (by [`crate::ner::features::hash_str`] of its
    /// exact form) occurred inside a name of type `label`.
    pub fn insert_word_type(&mut self, lower: u64, label: Label) {
        self.insert_hash(Gazetteer::word_key(lower, WORD_TYPES), label_bit(label));
    }

    /// Type mask of the names a word occurred inside, 0 when none.
    pub fn word_types(&self, lower: u64) -> u8 {
        self.get(Gazetteer::word_key(lower, WORD_TYPES))
    }

    /// Stores a word's casing class (see [`casing_class`]).
    pub fn insert_word_casing(&mut self, lower: u64, class: u8) {
        let key = Gazetteer::word_key(lower, WORD_CASING);
        if self.get(key) == 0 && class != 0 {
            self.insert_hash(key, class);
        }
    }

    /// A word's casing class, 0 when unknown.
    pub fn word_casing(&self, lower: u64) -> u8 {
        self.get(Gazetteer::word_key(lower, WORD_CASING))
    }

    /// Serialises as `u32 count` then `(u64 key, u8 mask)` pairs.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.len as u32).to_le_bytes());
        let mut pairs: Vec<(u64, u8)> = self
            .keys
            .iter()
            .zip(&self.masks)
            .filter(|(k, _)| **k != 0)
            .map(|(k, m)| (*k, *m))
            .collect();
        // Sorted so that the file is byte-identical for the same names.
        pairs.sort_unstable();
        for (k, m) in pairs {
            out.extend_from_slice(&k.to_le_bytes());
            out.push(m);
        }
    }

    /// Reads what [`Gazetteer::write`] wrote; returns the gazetteer and the
    /// bytes consumed.
    pub fn read(bytes: &[u8]) -> Option<(Gazetteer, usize)> {
        let n = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let body = bytes.get(4..4 + n.checked_mul(9)?)?;
        let mut g = Gazetteer::new();
        for rec in body.chunks_exact(9) {
            let k = u64::from_le_bytes(rec[..8].try_into().ok()?);
            if k == 0 {
                return None;
            }
            g.insert_hash(k, rec[8]);
        }
        Some((g, 4 + n * 9))
    }
}

const WORD_TYPES: u64 = 1;
const WORD_CASING: u64 = 2;

/// How a word is usually written in running text, from counts of its
/// capitalised and all-lowercase occurrences: 1 never lowercase, 2 rarely
/// (<10%), 3 sometimes, 4 mostly (>50%), 5 almost always (>90%); 0 when seen
/// fewer than twice. Lets the model tell "Baru" (sentence-initial common
/// word) from "Baidu" (a name) without labels.
pub fn casing_class(capitalised: u32, lowercase: u32) -> u8 {
    let n = capitalised + lowercase;
    if n < 2 {
        return 0;
    }
    let r = lowercase as f64 / n as f64;
    if lowercase == 0 {
        1
    } else if r < 0.1 {
        2
    } else if r <= 0.5 {
        3
    } else if r <= 0.9 {
        4
    } else {
        5
    }
}

/// Cue classes: bit 0 organisation cue, bit 1 person cue (title or speech
/// verb), bit 2 place cue.
pub const CUE_ORG: u8 = 1;
/// See [`CUE_ORG`].
pub const CUE_PER: u8 = 2;
/// See [`CUE_ORG`].
pub const CUE_LOC: u8 = 4;

const ORG_CUES: &[&str] = &[
    "inc",
    "inc.",
    "corp",
    "corp.",
    "corporation",
    "co",
    "co.",
    "ltd",
    "ltd.",
    "llc",
    "plc",
    "ag",
    "gmbh",
    "labs",
    "lab",
    "laboratory",
    "research",
    "university",
    "universitas",
    "institut",
    "institute",
    "komisi",
    "commission",
    "kementerian",
    "ministry",
    "pt",
    "tbk",
    "bank",
    "group",
    "grup",
    "partai",
    "party",
    "association",
    "asosiasi",
    "foundation",
    "yayasan",
    "council",
    "dewan",
    "badan",
    "agency",
    "committee",
    "komite",
    "club",
    "fc",
    "united",
    "company",
    "holdings",
    "airlines",
    "airways",
    "news",
    "times",
    "organisation",
    "organization",
    "union",
    "federation",
    "federasi",
    "persatuan",
    "college",
    "akademi",
    "sekolah",
    "school",
    "department",
    "departemen",
    "polda",
    "polres",
    "pengadilan",
    "court",
    "technologies",
    "technology",
    "systems",
    "studio",
    "studios",
    "media",
    "capital",
    "fund",
    "exchange",
    "perusahaan",
    "lembaga",
    "kantor",
    "mahkamah",
    "kepolisian",
    "pemerintah",
];

const PER_CUES: &[&str] = &[
    "dr",
    "dr.",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "prof",
    "prof.",
    "presiden",
    "president",
    "direktur",
    "director",
    "kata",
    "said",
    "says",
    "menteri",
    "minister",
    "pak",
    "bu",
    "bapak",
    "ibu",
    "sen.",
    "gov.",
    "gubernur",
    "governor",
    "bupati",
    "walikota",
    "ceo",
    "pendiri",
    "founder",
    "ujar",
    "ungkap",
    "tutur",
    "jelas",
    "jenderal",
    "general",
    "kapten",
    "sir",
    "lord",
    "raja",
    "king",
    "queen",
    "ratu",
    "pangeran",
    "prince",
    "ketua",
    "chairman",
    "coach",
    "pelatih",
    "ilmuwan",
    "scientist",
    "profesor",
    "professor",
    "mengatakan",
    "menurut",
    "told",
    "added",
    "striker",
    "midfielder",
    "spokesman",
    "juru",
    "saudara",
    "sdr",
    "h.",
];

const LOC_CUES: &[&str] = &[
    "kota",
    "kabupaten",
    "provinsi",
    "province",
    "jalan",
    "jl",
    "jl.",
    "desa",
    "kecamatan",
    "city",
    "river",
    "sungai",
    "gunung",
    "mount",
    "pulau",
    "island",
    "lake",
    "danau",
    "selat",
    "teluk",
    "laut",
    "di",
    "in",
    "ke",
    "dari",
    "near",
    "capital",
    "ibukota",
    "wilayah",
];

/// Sorted hashes of the cue words, for a binary search per token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cues {
    entries: Vec<(u64, u8)>,
}

impl Cues {
    /// Builds the cue table.
    pub fn new() -> Cues {
        let mut entries: Vec<(u64, u8)> = Vec::new();
        for (list, bit) in [
            (ORG_CUES, CUE_ORG),
            (PER_CUES, CUE_PER),
            (LOC_CUES, CUE_LOC),
        ] {
            for w in list {
                entries.push((hash_lower(w), bit));
            }
        }
        entries.sort_unstable();
        let mut merged: Vec<(u64, u8)> = Vec::with_capacity(entries.len());
        for (h, b) in entries {
            match merged.last_mut() {
                Some(last) if last.0 == h => last.1 |= b,
                _ => merged.push((h, b)),
            }
        }
        Cues { entries: merged }
    }

    /// The cue classes of a word given its lowercase hash.
    pub fn get(&self, lower_hash: u64) -> u8 {
        match self.entries.binary_search_by_key(&lower_hash, |e| e.0) {
            Ok(i) => self.entries[i].1,
            Err(_) => 0,
        }
    }
}

impl Default for Cues {
    fn default() -> Self {
        Cues::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_multi_token_names_case_insensitively() {
        let mut g = Gazetteer::new();
        g.insert_tokens(&["Baidu", "Research"], Label::Org);
        g.insert_tokens(&["Baidu"], Label::Org);
        g.insert_tokens(&["Jakarta"], Label::Loc);
        let toks = ["di", "BAIDU", "Research", "jakarta"];
        let lower: Vec<u64> = toks.iter().map(|t| hash_lower(t)).collect();
        let mut out = Vec::new();
        g.match_sentence(&lower, &mut out);
        assert_eq!(out, vec![0, 2, 2 << 4, 4]);
        let mut bytes = Vec::new();
        g.write(&mut bytes);
        let (g2, used) = Gazetteer::read(&bytes).unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(g2.len(), 3);
        let mut out2 = Vec::new();
        g2.match_sentence(&lower, &mut out2);
        assert_eq!(out, out2);
        assert!(Gazetteer::read(&bytes[..bytes.len() - 1]).is_none());
    }

    #[test]
    fn word_tables_are_separate_key_spaces() {
        use crate::ner::features::hash_str;
        let mut g = Gazetteer::new();
        g.insert_tokens(&["Ai"], Label::Per);
        g.insert_word_type(hash_str("Ai"), Label::Per);
        g.insert_word_casing(hash_lower("baru"), casing_class(3, 40));
        assert_eq!(g.word_types(hash_str("Ai")), 1);
        assert_eq!(g.word_types(hash_str("AI")), 0, "exact form only");
        assert_eq!(g.word_casing(hash_lower("baru")), 5);
        assert_eq!(g.word_casing(hash_lower("ai")), 0);
        assert_eq!(casing_class(1, 0), 0);
        assert_eq!(casing_class(5, 0), 1);
        assert_eq!(casing_class(19, 1), 2);
        assert_eq!(casing_class(5, 5), 3);
        assert_eq!(casing_class(2, 8), 4);
    }

    #[test]
    fn countries_and_cues() {
        let mut g = Gazetteer::new();
        g.add_countries();
        assert!(g.len() > 200);
        let k = seq_hash(["amerika", "serikat"].iter().map(|t| hash_lower(t)));
        assert_eq!(g.get(k), 4);
        let c = Cues::new();
        assert_eq!(c.get(hash_lower("Universitas")), CUE_ORG);
        assert_eq!(c.get(hash_lower("kata")), CUE_PER);
        assert_eq!(c.get(hash_lower("Jakarta")), 0);
    }
}
