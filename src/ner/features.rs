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
        buf.info.clear();
        buf.lower.clear();
        for t in toks {
            let ti = TokInfo::new(t.as_ref(), self.cues);
            buf.lower.push(ti.lower);
            buf.info.push(ti);
        }
        self.gaz.match_sentence(&buf.lower, &mut buf.gaz);
        buf.word_types.clear();
        buf.casing.clear();
        for t in &buf.info {
            // Exact form: "AI" must not inherit the types of the name "Ai".
            buf.word_types.push(self.gaz.word_types(t.word));
            buf.casing.push(self.gaz.word_casing(t.lower));
        }
    }

    /// Appends the features of the prepared sentence in `buf` to `out`;
    /// `doc` adds the second-stage document features.
    pub fn extract(&self, buf: &Buffers, doc: Option<&[DocInfo]>, out: &mut SentFeats) {
        out.clear();
        let info = &buf.info;
        let n = info.len();
        let shift = 64 - self.bits;
        let lettered = info.iter().filter(|t| t.flags & F_ALPHA != 0).count();
        let caps_line = lettered >= 1
            && info
                .iter()
                .all(|t| t.flags & F_ALPHA == 0 || t.flags & F_ALL_UPPER != 0);
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
                buf.gaz[j as usize]
            }
        };
        out.offs.push(0);
        for i in 0..n {
            let ii = i as isize;
            let t = &info[i];
            let (p1, p2, n1, n2) = (at(ii - 1), at(ii - 2), at(ii + 1), at(ii + 2));
            let mut push = |h: u64| out.feats.push((fmix(h) >> shift) as u32);
            let f = |tpl: u64, x: u64| mix(mix(tpl.wrapping_mul(0x1000_0001), x), tpl);
            push(f(1, 0));
            push(f(2, t.word));
            push(f(3, t.lower));
            push(f(4, t.shape));
            push(f(5, t.short));
            for k in 0..4 {
                if t.pre[k] != 0 {
                    push(f(6 + k as u64, t.pre[k]));
                }
                if t.suf[k] != 0 {
                    push(f(10 + k as u64, t.suf[k]));
                }
            }
            push(f(14, p1.lower));
            push(f(15, n1.lower));
            push(f(16, p2.lower));
            push(f(17, n2.lower));
            push(f(18, p1.short));
            push(f(19, n1.short));
            push(f(20, p2.short));
            push(f(21, n2.short));
            push(f(22, mix(p1.lower, t.lower)));
            push(f(23, mix(t.lower, n1.lower)));
            push(f(24, mix(mix(p1.short, t.short), n1.short)));
            push(f(46, at(ii - 3).lower));
            push(f(47, at(ii + 3).lower));
            push(f(48, mix(p2.lower, p1.lower)));
            push(f(49, mix(n1.lower, n2.lower)));
            push(f(25, mix(p1.word, t.short)));
            push(f(26, mix(t.short, n1.word)));
            if i == 0 {
                push(f(27, t.short));
                push(f(28, t.lower));
            }
            if caps_line {
                push(f(29, t.lower));
                push(f(30, t.short));
            }
            let capbit = (t.flags & F_INIT_UPPER) as u64;
            let g = buf.gaz[i];
            for b in 0..8 {
                if g & (1 << b) != 0 {
                    push(f(31, b * 2 + capbit));
                }
            }
            if g != 0 {
                push(f(32, g as u64 * 2 + capbit));
            }
            push(f(33, mix(gz(ii - 1) as u64, gz(ii + 1) as u64)));
            if t.cue != 0 {
                push(f(34, t.cue as u64 * 2 + capbit));
            }
            let around = mix(
                mix(p1.cue as u64, p2.cue as u64),
                mix(n1.cue as u64, n2.cue as u64),
            );
            if around != mix(mix(0, 0), mix(0, 0)) {
                push(f(35, mix(around, capbit)));
            }
            // An organisation cue within the next three tokens, for
            // capitalised tokens ("ByteDance AI Labs", "Baidu Research").
            if capbit != 0 {
                let org_ahead = (1..=3).any(|d| at(ii + d).cue & CUE_ORG != 0);
                if org_ahead {
                    push(f(36, 1));
                }
            }
            let wt = buf.word_types[i];
            for b in 0..4 {
                if wt & (1 << b) != 0 {
                    push(f(37, b * 2 + capbit));
                }
            }
            let cc = buf.casing[i] as u64;
            push(f(38, cc * 4 + capbit * 2 + (i == 0) as u64));
            push(f(39, mix(cc * 2 + capbit, mix(wt as u64, g as u64))));
            if let Some(d) = doc {
                let di = d[i];
                let dp = if i > 0 { d[i - 1].tag } else { 255 };
                let dn = if i + 1 < n { d[i + 1].tag } else { 254 };
                push(f(40, di.tag as u64));
                push(f(41, mix(dp as u64, di.tag as u64)));
                push(f(42, mix(di.tag as u64, dn as u64)));
                push(f(43, di.elsewhere as u64 * 2 + capbit));
                push(f(44, mix(di.majority as u64, di.tag as u64)));
                push(f(
                    45,
                    (di.cap_elsewhere as u64) * 4 + capbit * 2 + (i == 0) as u64,
                ));
            }
            out.offs.push(out.feats.len() as u32);
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
