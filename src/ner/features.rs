//! Feature extraction: each token gets a list of hashed feature buckets
//! (word, lowercase, shapes, affixes, a ±2 window, neighbour bigrams,
//! capitalisation in context, gazetteer matches, cue words, and — in the
//! second stage — how the same word was tagged elsewhere in the document).
//!
//! Features are never built as strings: every primitive (a word, its
//! lowercase form, its shape, ...) is hashed once per token straight from its
//! characters, and a feature's bucket is a mix of a template id with one or
//! more primitive hashes. That keeps extraction allocation-free per token.

use crate::ner::gazetteer::{CUE_ORG, Cues, Gazetteer};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// FxHash step: folds `x` into `h`. Stable across builds and platforms
/// (models store hashes, so this must never change).
#[inline]
pub fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// Final avalanche (murmur3 fmix64) so the top bits are well mixed.
#[inline]
fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hash of a string's characters, as given.
#[inline]
pub fn hash_str(s: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325;
    for c in s.chars() {
        h = mix(h, c as u64);
    }
    h
}

/// Hash of a string's lowercase form (no allocation).
#[inline]
pub fn hash_lower(s: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325;
    for c in s.chars() {
        if c.is_ascii() {
            h = mix(h, c.to_ascii_lowercase() as u64);
        } else {
            for l in c.to_lowercase() {
                h = mix(h, l as u64);
            }
        }
    }
    h
}

/// Character class used by shapes.
#[inline]
fn class(c: char) -> u64 {
    if c.is_uppercase() {
        'X' as u64
    } else if c.is_lowercase() {
        'x' as u64
    } else if c.is_numeric() {
        'd' as u64
    } else if c.is_alphabetic() {
        'a' as u64
    } else {
        c as u64
    }
}

/// Per-token flags.
pub const F_INIT_UPPER: u8 = 1;
/// Every letter is uppercase (and there is at least one).
pub const F_ALL_UPPER: u8 = 2;
/// Contains a digit.
pub const F_DIGIT: u8 = 4;
/// Contains a letter.
pub const F_ALPHA: u8 = 8;

/// The hashed primitives of one token.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokInfo {
    pub word: u64,
    pub lower: u64,
    pub shape: u64,
    pub short: u64,
    pub pre: [u64; 4],
    pub suf: [u64; 4],
    pub flags: u8,
    pub cue: u8,
}

impl TokInfo {
    /// Hashes the primitives of `tok`.
    pub fn new(tok: &str, cues: &Cues) -> TokInfo {
        if tok.is_ascii() {
            TokInfo::new_ascii(tok.as_bytes(), cues)
        } else {
            TokInfo::new_any(tok, cues)
        }
    }

    /// [`TokInfo::new`] for ASCII tokens (nearly all of them): one pass over
    /// the bytes with byte-class tests, giving exactly the values of the
    /// general path.
    fn new_ascii(b: &[u8], cues: &Cues) -> TokInfo {
        const SEED: u64 = 0xcbf2_9ce4_8422_2325;
        let (mut word, mut lower) = (SEED, SEED);
        let mut shape = 0x1234_5678u64;
        let mut short = 0x8765_4321u64;
        let mut last = 0u64;
        let mut run = 0;
        let mut flags = 0u8;
        let (mut upper, mut letters) = (0usize, 0usize);
        let mut pre = [0u64; 4];
        let mut ph = 0x5151u64;
        for (i, &c) in b.iter().enumerate() {
            word = mix(word, c as u64);
            lower = mix(lower, c.to_ascii_lowercase() as u64);
            let cl = match c {
                b'A'..=b'Z' => 'X' as u64,
                b'a'..=b'z' => 'x' as u64,
                b'0'..=b'9' => 'd' as u64,
                _ => c as u64,
            };
            if cl == last {
                run += 1;
            } else {
                run = 1;
                short = mix(short, cl);
            }
            if run <= 4 {
                shape = mix(shape, cl);
            }
            last = cl;
            if c.is_ascii_alphabetic() {
                letters += 1;
                if c.is_ascii_uppercase() {
                    upper += 1;
                    if i == 0 {
                        flags |= F_INIT_UPPER;
                    }
                }
            } else if c.is_ascii_digit() {
                flags |= F_DIGIT;
            }
            if i < 4 {
                ph = mix(ph, c as u64);
                pre[i] = ph;
            }
        }
        let nchars = b.len();
        if letters > 0 {
            flags |= F_ALPHA;
            if upper == letters {
                flags |= F_ALL_UPPER;
            }
        }
        for (k, p) in pre.iter_mut().enumerate() {
            if nchars <= k + 1 {
                *p = 0;
            }
        }
        let mut suf = [0u64; 4];
        let mut sh = 0x7373u64;
        for (k, &c) in b.iter().rev().take(4).enumerate() {
            sh = mix(sh, c.to_ascii_lowercase() as u64);
            if nchars > k + 1 {
                suf[k] = sh;
            }
        }
        TokInfo {
            word,
            lower,
            shape,
            short,
            pre,
            suf,
            flags,
            cue: cues.get(lower),
        }
    }

    /// [`TokInfo::new`] for any token.
    fn new_any(tok: &str, cues: &Cues) -> TokInfo {
        let word = hash_str(tok);
        let lower = hash_lower(tok);
        let mut shape = 0x1234_5678u64;
        let mut short = 0x8765_4321u64;
        let mut last = 0u64;
        let mut run = 0;
        let mut flags = 0u8;
        let mut upper = 0usize;
        let mut letters = 0usize;
        let mut pre = [0u64; 4];
        let mut ph = 0x5151u64;
        let mut nchars = 0usize;
        for (i, c) in tok.chars().enumerate() {
            let cl = class(c);
            if cl == last {
                run += 1;
            } else {
                run = 1;
                short = mix(short, cl);
            }
            // Long shape keeps runs up to 4 (Xxxxx and Xxxxxxxx look alike).
            if run <= 4 {
                shape = mix(shape, cl);
            }
            last = cl;
            if c.is_alphabetic() {
                letters += 1;
                if c.is_uppercase() {
                    upper += 1;
                    if i == 0 {
                        flags |= F_INIT_UPPER;
                    }
                }
            } else if c.is_numeric() {
                flags |= F_DIGIT;
            }
            if i < 4 {
                ph = mix(ph, c as u64);
                pre[i] = ph;
            }
            nchars = i + 1;
        }
        if letters > 0 {
            flags |= F_ALPHA;
            if upper == letters {
                flags |= F_ALL_UPPER;
            }
        }
        // Affixes only when they are a proper part of the word.
        for (k, p) in pre.iter_mut().enumerate() {
            if nchars <= k + 1 {
                *p = 0;
            }
        }
        let mut suf = [0u64; 4];
        let mut sh = 0x7373u64;
        for (k, c) in tok.chars().rev().take(4).enumerate() {
            let lc = c.to_lowercase().next().unwrap_or(c);
            sh = mix(sh, lc as u64);
            if nchars > k + 1 {
                suf[k] = sh;
            }
        }
        TokInfo {
            word,
            lower,
            shape,
            short,
            pre,
            suf,
            flags,
            cue: cues.get(lower),
        }
    }

    fn pad(which: u64) -> TokInfo {
        TokInfo {
            word: which,
            lower: which,
            shape: which,
            short: which,
            pre: [0; 4],
            suf: [0; 4],
            flags: 0,
            cue: 0,
        }
    }
}

/// What the second stage knows about a token from the first stage's tags
/// for the whole document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocInfo {
    /// First-stage tag index at this token.
    pub tag: u8,
    /// Type mask (gazetteer bit layout) of first-stage entity tags the same
    /// word received elsewhere in the document.
    pub elsewhere: u8,
    /// Most frequent first-stage type of the same word elsewhere
    /// (1+label bit index), 0 when it was never inside an entity.
    pub majority: u8,
    /// The same word appears elsewhere in the document, not sentence-initially,
    /// with an uppercase first letter.
    pub cap_elsewhere: bool,
}

/// Turns sentences into hashed feature buckets.
pub struct Extractor<'a> {
    pub bits: u32,
    pub gaz: &'a Gazetteer,
    pub cues: &'a Cues,
}

/// Reusable buffers for one sentence.
#[derive(Debug, Default)]
pub struct Buffers {
    pub info: Vec<TokInfo>,
    pub lower: Vec<u64>,
    pub gaz: Vec<u8>,
    /// Per token: types of training names the word (exact form) occurred inside.
    pub word_types: Vec<u8>,
    /// Per token: the word's casing class in the training text.
    pub casing: Vec<u8>,
}

/// Per-token feature lists of a sentence, flattened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentFeats {
    /// `feats[offs[i]..offs[i+1]]` are token i's buckets.
    pub offs: Vec<u32>,
    pub feats: Vec<u32>,
}

impl SentFeats {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.offs.len().saturating_sub(1)
    }

    /// True for an empty sentence.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Token i's buckets.
    pub fn token(&self, i: usize) -> &[u32] {
        &self.feats[self.offs[i] as usize..self.offs[i + 1] as usize]
    }

    /// Empties, keeping capacity.
    pub fn clear(&mut self) {
        self.offs.clear();
        self.feats.clear();
    }
}

const BOS: u64 = 0xb05b_05b0_5b05;
const EOS: u64 = 0xe05e_05e0_5e05;

impl Extractor<'_> {
    /// Hashes the primitives and gazetteer matches of a sentence into `buf`.
    pub fn prepare<S: AsRef<str>>(&self, toks: &[S], buf: &mut Buffers) {
        buf.clear();
        self.prepare_append(toks.iter().map(|t| t.as_ref()), buf);
    }

    /// Like [`Extractor::prepare`], but appends the sentence after those
    /// already in `buf`, so a whole document shares one set of buffers.
    pub fn prepare_append<'t>(&self, toks: impl Iterator<Item = &'t str>, buf: &mut Buffers) {
        let from = buf.info.len();
        for t in toks {
            let ti = TokInfo::new(t, self.cues);
            buf.lower.push(ti.lower);
            // Exact form: "AI" must not inherit the types of the name "Ai".
            buf.word_types.push(self.gaz.word_types(ti.word));
            buf.casing.push(self.gaz.word_casing(ti.lower));
            buf.info.push(ti);
        }
        buf.gaz.resize(buf.info.len(), 0);
        self.gaz
            .match_into(&buf.lower[from..], &mut buf.gaz[from..]);
    }

    /// Appends the features of the prepared sentence in `buf` to `out`;
    /// `doc` adds the second-stage document features.
    pub fn extract(&self, buf: &Buffers, doc: Option<&[DocInfo]>, out: &mut SentFeats) {
        out.clear();
        let s = buf.sentence(0..buf.info.len());
        let caps_line = s.caps_line();
        out.offs.push(0);
        for i in 0..s.len() {
            self.local_feats(&s, i, caps_line, &mut out.feats);
            if let Some(d) = doc {
                self.doc_feats(&s, i, d, &mut out.feats);
            }
            out.offs.push(out.feats.len() as u32);
        }
    }

    /// [`Extractor::extract`], keeping only the templates `keep` accepts.
    pub fn extract_if(
        &self,
        buf: &Buffers,
        doc: Option<&[DocInfo]>,
        keep: impl Fn(u64) -> bool + Copy,
        out: &mut SentFeats,
    ) {
        out.clear();
        let s = buf.sentence(0..buf.info.len());
        let caps_line = s.caps_line();
        out.offs.push(0);
        for i in 0..s.len() {
            self.local_feats_if(&s, i, caps_line, keep, &mut out.feats);
            if let Some(d) = doc {
                self.doc_feats_if(&s, i, d, keep, &mut out.feats);
            }
            out.offs.push(out.feats.len() as u32);
        }
    }

    /// The local (first-stage) features of token `i` of `s`, appended to
    /// `out`. The second stage uses these same buckets plus
    /// [`Extractor::doc_feats`], which is what lets the tagger compute them
    /// once for both stages.
    pub fn local_feats(&self, s: &Sent<'_>, i: usize, caps_line: bool, out: &mut Vec<u32>) {
        self.local_feats_if(s, i, caps_line, |_| true, out);
    }

    /// [`Extractor::local_feats`], keeping only the templates `keep` accepts.
    #[inline(always)]
    pub fn local_feats_if(
        &self,
        s: &Sent<'_>,
        i: usize,
        caps_line: bool,
        keep: impl Fn(u64) -> bool,
        out: &mut Vec<u32>,
    ) {
        let shift = 64 - self.bits;
        let info = s.info;
        let n = info.len();
        let bos = TokInfo::pad(BOS);
        let eos = TokInfo::pad(EOS);
        let at = |j: isize| -> &TokInfo {
            if j < 0 {
                &bos
            } else if j as usize >= n {
                &eos
            } else {
                &info[j as usize]
            }
        };
        let gz = |j: isize| -> u8 {
            if j < 0 || j as usize >= n {
                0
            } else {
                s.gaz[j as usize]
            }
        };
        let mut put = |tpl: u64, x: u64| {
            if keep(tpl) {
                out.push((fmix(f(tpl, x)) >> shift) as u32);
            }
        };
        let ii = i as isize;
        let t = &info[i];
        let (p1, p2, n1, n2) = (at(ii - 1), at(ii - 2), at(ii + 1), at(ii + 2));
        put(1, 0);
        put(2, t.word);
        put(3, t.lower);
        put(4, t.shape);
        put(5, t.short);
        for k in 0..4 {
            if t.pre[k] != 0 {
                put(6 + k as u64, t.pre[k]);
            }
            if t.suf[k] != 0 {
                put(10 + k as u64, t.suf[k]);
            }
        }
        put(14, p1.lower);
        put(15, n1.lower);
        put(16, p2.lower);
        put(17, n2.lower);
        put(18, p1.short);
        put(19, n1.short);
        put(20, p2.short);
        put(21, n2.short);
        put(22, mix(p1.lower, t.lower));
        put(23, mix(t.lower, n1.lower));
        put(24, mix(mix(p1.short, t.short), n1.short));
        put(46, at(ii - 3).lower);
        put(47, at(ii + 3).lower);
        put(48, mix(p2.lower, p1.lower));
        put(49, mix(n1.lower, n2.lower));
        put(25, mix(p1.word, t.short));
        put(26, mix(t.short, n1.word));
        if i == 0 {
            put(27, t.short);
            put(28, t.lower);
        }
        if caps_line {
            put(29, t.lower);
            put(30, t.short);
        }
        let capbit = (t.flags & F_INIT_UPPER) as u64;
        let g = s.gaz[i];
        for b in 0..8 {
            if g & (1 << b) != 0 {
                put(31, b * 2 + capbit);
            }
        }
        if g != 0 {
            put(32, g as u64 * 2 + capbit);
        }
        put(33, mix(gz(ii - 1) as u64, gz(ii + 1) as u64));
        if t.cue != 0 {
            put(34, t.cue as u64 * 2 + capbit);
        }
        let around = mix(
            mix(p1.cue as u64, p2.cue as u64),
            mix(n1.cue as u64, n2.cue as u64),
        );
        if around != mix(mix(0, 0), mix(0, 0)) {
            put(35, mix(around, capbit));
        }
        // An organisation cue within the next three tokens, for
        // capitalised tokens ("ByteDance AI Labs", "Baidu Research").
        if capbit != 0 {
            let org_ahead = (1..=3).any(|d| at(ii + d).cue & CUE_ORG != 0);
            if org_ahead {
                put(36, 1);
            }
        }
        let wt = s.word_types[i];
        for b in 0..4 {
            if wt & (1 << b) != 0 {
                put(37, b * 2 + capbit);
            }
        }
        let cc = s.casing[i] as u64;
        put(38, cc * 4 + capbit * 2 + (i == 0) as u64);
        put(39, mix(cc * 2 + capbit, mix(wt as u64, g as u64)));
    }

    /// The document-level (second-stage) features of token `i` of `s`, from
    /// the first stage's tags over the whole document (`d`, per token of
    /// `s`), appended to `out`.
    pub fn doc_feats(&self, s: &Sent<'_>, i: usize, d: &[DocInfo], out: &mut Vec<u32>) {
        self.doc_feats_if(s, i, d, |_| true, out);
    }

    /// [`Extractor::doc_feats`], keeping only the templates `keep` accepts.
    #[inline(always)]
    pub fn doc_feats_if(
        &self,
        s: &Sent<'_>,
        i: usize,
        d: &[DocInfo],
        keep: impl Fn(u64) -> bool,
        out: &mut Vec<u32>,
    ) {
        let shift = 64 - self.bits;
        let n = s.len();
        let t = &s.info[i];
        let capbit = (t.flags & F_INIT_UPPER) as u64;
        let mut put = |tpl: u64, x: u64| {
            if keep(tpl) {
                out.push((fmix(f(tpl, x)) >> shift) as u32);
            }
        };
        let di = d[i];
        let dp = if i > 0 { d[i - 1].tag } else { 255 };
        let dn = if i + 1 < n { d[i + 1].tag } else { 254 };
        put(40, di.tag as u64);
        put(41, mix(dp as u64, di.tag as u64));
        put(42, mix(di.tag as u64, dn as u64));
        put(43, di.elsewhere as u64 * 2 + capbit);
        put(44, mix(di.majority as u64, di.tag as u64));
        put(
            45,
            (di.cap_elsewhere as u64) * 4 + capbit * 2 + (i == 0) as u64,
        );
    }
}

/// Feature template `tpl` over the primitive `x`.
#[inline]
fn f(tpl: u64, x: u64) -> u64 {
    mix(mix(tpl.wrapping_mul(0x1000_0001), x), tpl)
}

/// One prepared sentence: slices of a [`Buffers`].
#[derive(Debug, Clone, Copy)]
pub struct Sent<'a> {
    pub info: &'a [TokInfo],
    pub gaz: &'a [u8],
    pub word_types: &'a [u8],
    pub casing: &'a [u8],
}

impl Sent<'_> {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.info.len()
    }

    /// True for an empty sentence.
    pub fn is_empty(&self) -> bool {
        self.info.is_empty()
    }

    /// Every lettered token is all-caps (a headline line), and there is one.
    pub fn caps_line(&self) -> bool {
        self.info.iter().any(|t| t.flags & F_ALPHA != 0)
            && self
                .info
                .iter()
                .all(|t| t.flags & F_ALPHA == 0 || t.flags & F_ALL_UPPER != 0)
    }
}

impl Buffers {
    /// Makes room for `n` more tokens.
    pub fn reserve(&mut self, n: usize) {
        self.info.reserve(n);
        self.lower.reserve(n);
        self.gaz.reserve(n);
        self.word_types.reserve(n);
        self.casing.reserve(n);
    }

    /// Empties, keeping capacity.
    pub fn clear(&mut self) {
        self.info.clear();
        self.lower.clear();
        self.gaz.clear();
        self.word_types.clear();
        self.casing.clear();
    }

    /// The tokens `r` (one sentence) as a [`Sent`].
    pub fn sentence(&self, r: std::ops::Range<usize>) -> Sent<'_> {
        Sent {
            info: &self.info[r.clone()],
            gaz: &self.gaz[r.clone()],
            word_types: &self.word_types[r.clone()],
            casing: &self.casing[r],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_flags() {
        let c = Cues::new();
        let a = TokInfo::new("Jakarta", &c);
        let b = TokInfo::new("Bandung", &c);
        assert_eq!(a.shape, b.shape);
        assert_eq!(a.short, TokInfo::new("Xy", &c).short);
        assert_ne!(a.short, TokInfo::new("USA", &c).short);
        assert_eq!(a.flags, F_INIT_UPPER | F_ALPHA);
        assert_eq!(
            TokInfo::new("UCSB", &c).flags,
            F_INIT_UPPER | F_ALPHA | F_ALL_UPPER
        );
        assert_eq!(TokInfo::new("2016", &c).flags, F_DIGIT);
        assert_eq!(hash_lower("ÉCOLE"), hash_lower("école"));
        // The ASCII fast path agrees with the general one.
        for w in [
            "Jakarta",
            "U.S.",
            "a",
            "",
            "Co-founder",
            "2016",
            "x1Y",
            "AI",
            "McDonald's",
            "--",
        ] {
            let (fast, slow) = (TokInfo::new(w, &c), TokInfo::new_any(w, &c));
            assert_eq!(
                (
                    fast.word, fast.lower, fast.shape, fast.short, fast.pre, fast.suf, fast.flags,
                    fast.cue
                ),
                (
                    slow.word, slow.lower, slow.shape, slow.short, slow.pre, slow.suf, slow.flags,
                    slow.cue
                ),
                "{w}"
            );
        }
        // Affixes of a one-letter word are not features.
        assert_eq!(TokInfo::new("a", &c).pre, [0; 4]);
    }

    #[test]
    fn extraction_is_deterministic_and_bounded() {
        let g = Gazetteer::new();
        let c = Cues::new();
        let ex = Extractor {
            bits: 18,
            gaz: &g,
            cues: &c,
        };
        let mut buf = Buffers::default();
        let mut out = SentFeats::default();
        ex.prepare(&["Li", "Lei", "kata", "."], &mut buf);
        ex.extract(&buf, None, &mut out);
        assert_eq!(out.len(), 4);
        assert!(out.feats.iter().all(|&b| b < 1 << 18));
        let first = out.clone();
        ex.extract(&buf, None, &mut out);
        assert_eq!(first, out);
        let doc = vec![DocInfo::default(); 4];
        ex.extract(&buf, Some(&doc), &mut out);
        assert!(out.feats.len() > first.feats.len());
    }
}
