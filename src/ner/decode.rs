//! Constrained first-order Viterbi decoding: the best tag sequence under
//! emission and transition scores, never producing an `I-X` after `O` or
//! after another type (and, in BILOU, never leaving an entity open).

use crate::ner::tags::TagSet;

/// Which transitions the tag set allows, precomputed for the decoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraints {
    pub nt: usize,
    /// `start[t]`: tag t may begin a sentence.
    pub start: Vec<bool>,
    /// `trans[p * nt + t]`: tag t may follow tag p.
    pub trans: Vec<bool>,
    /// `end[t]`: tag t may end a sentence.
    pub end: Vec<bool>,
}

impl Constraints {
    /// The constraints of `ts`.
    pub fn new(ts: &TagSet) -> Constraints {
        let nt = ts.len();
        let start = (0..nt).map(|t| ts.allowed(None, ts.tag(t))).collect();
        let mut trans = vec![false; nt * nt];
        for p in 0..nt {
            for t in 0..nt {
                trans[p * nt + t] = ts.allowed(Some(ts.tag(p)), ts.tag(t));
            }
        }
        let end = (0..nt).map(|t| ts.allowed_end(ts.tag(t))).collect();
        Constraints {
            nt,
            start,
            trans,
            end,
        }
    }
}

/// Scratch space reused between sentences.
#[derive(Debug, Default)]
pub struct Scratch {
    score: Vec<f32>,
    next: Vec<f32>,
    back: Vec<u8>,
}

/// Decodes the best path. `emit[i * nt + t]` is the score of tag t at token
/// i; `trans[(p + 1) * nt + t]` of t after p, and `trans[t]` of t first.
/// Writes tag indices into `out`.
// Index loops mirror the recurrence; iterator chains would hide it.
#[allow(clippy::needless_range_loop)]
pub fn viterbi(
    emit: &[f32],
    trans: &[f32],
    c: &Constraints,
    scratch: &mut Scratch,
    out: &mut Vec<usize>,
) {
    let nt = c.nt;
    let n = emit.len() / nt;
    out.clear();
    if n == 0 {
        return;
    }
    const NEG: f32 = f32::NEG_INFINITY;
    let Scratch { score, next, back } = scratch;
    score.clear();
    score.resize(nt, NEG);
    next.clear();
    next.resize(nt, NEG);
    back.clear();
    back.resize(n * nt, 0);
    for t in 0..nt {
        if c.start[t] {
            score[t] = trans[t] + emit[t];
        }
    }
    for i in 1..n {
        for t in 0..nt {
            let mut best = NEG;
            let mut arg = 0u8;
            for p in 0..nt {
                if c.trans[p * nt + t] {
                    let s = score[p] + trans[(p + 1) * nt + t];
                    if s > best {
                        best = s;
                        arg = p as u8;
                    }
                }
            }
            next[t] = best + emit[i * nt + t];
            back[i * nt + t] = arg;
        }
        std::mem::swap(score, next);
    }
    let mut best = NEG;
    let mut arg = 0;
    for t in 0..nt {
        if c.end[t] && score[t] > best {
            best = score[t];
            arg = t;
        }
    }
    out.resize(n, 0);
    out[n - 1] = arg;
    for i in (1..n).rev() {
        arg = back[i * nt + arg] as usize;
        out[i - 1] = arg;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::Label;
    use crate::ner::tags::{Scheme, Tag};

    #[test]
    fn never_starts_with_inside() {
        let ts = TagSet::new(Scheme::Iob2, &[Label::Per]);
        let c = Constraints::new(&ts);
        // Tags: O, B-PER, I-PER. I-PER is preferred everywhere by emissions.
        let emit = [0.0, 1.0, 5.0, 0.0, 0.0, 5.0];
        let trans = vec![0.0; 4 * 3];
        let mut out = Vec::new();
        viterbi(&emit, &trans, &c, &mut Scratch::default(), &mut out);
        let tags: Vec<Tag> = out.iter().map(|&i| ts.tag(i)).collect();
        assert_eq!(tags, [Tag::B(Label::Per), Tag::I(Label::Per)]);
    }

    #[test]
    fn no_inside_after_other_type() {
        let ts = TagSet::new(Scheme::Iob2, &[Label::Per, Label::Org]);
        let c = Constraints::new(&ts);
        // O B-PER I-PER B-ORG I-ORG; token 0 wants B-PER, token 1 wants I-ORG.
        let emit = [0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 3.0];
        let trans = vec![0.0; 6 * 5];
        let mut out = Vec::new();
        viterbi(&emit, &trans, &c, &mut Scratch::default(), &mut out);
        let tags: Vec<Tag> = out.iter().map(|&i| ts.tag(i)).collect();
        assert!(ts.allowed(Some(tags[0]), tags[1]));
        assert_ne!(tags[1], Tag::I(Label::Org));
        let mut empty = Vec::new();
        viterbi(&[], &trans, &c, &mut Scratch::default(), &mut empty);
        assert!(empty.is_empty());
    }
}
