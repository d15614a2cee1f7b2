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
    /// Transitions with disallowed ones set to minus infinity.
    masked: Vec<f32>,
}

const NEG: f32 = f32::NEG_INFINITY;

/// Decodes the best path. `emit[i * nt + t]` is the score of tag t at token
/// i; `trans[(p + 1) * nt + t]` of t after p, and `trans[t]` of t first.
/// Writes tag indices into `out`.
///
/// Disallowed transitions become minus infinity, which no sum can beat, so
/// the inner loop needs no branch on the constraints; ties go to the lowest
/// previous tag, as a plain scan would give.
pub fn viterbi(
    emit: &[f32],
    trans: &[f32],
    c: &Constraints,
    scratch: &mut Scratch,
    out: &mut Vec<usize>,
) {
    let nt = c.nt;
    out.clear();
    if emit.len() < nt || nt == 0 {
        return;
    }
    let masked = &mut scratch.masked;
    masked.clear();
    masked.extend((0..nt).map(|t| if c.start[t] { trans[t] } else { NEG }));
    masked.extend((0..nt * nt).map(|k| if c.trans[k] { trans[nt + k] } else { NEG }));
    // Fixed widths let the compiler unroll the tag loops.
    match nt {
        3 => run::<3>(emit, scratch, &c.end, out),
        5 => run::<5>(emit, scratch, &c.end, out),
        7 => run::<7>(emit, scratch, &c.end, out),
        9 => run::<9>(emit, scratch, &c.end, out),
        13 => run::<13>(emit, scratch, &c.end, out),
        _ => run_any(nt, emit, scratch, &c.end, out),
    }
}

fn run<const N: usize>(emit: &[f32], scratch: &mut Scratch, end: &[bool], out: &mut Vec<usize>) {
    let (em, _) = emit.as_chunks::<N>();
    let n = em.len();
    let (start, rest) = scratch.masked.split_at(N);
    let (rows, _) = rest.as_chunks::<N>();
    let mut score = [NEG; N];
    for t in 0..N {
        score[t] = start[t] + em[0][t];
    }
    let back = &mut scratch.back;
    back.clear();
    back.resize(n * N, 0);
    let (back_rows, _) = back.as_chunks_mut::<N>();
    for i in 1..n {
        let mut best = [NEG; N];
        let mut arg = [0u8; N];
        for (p, row) in rows.iter().enumerate().take(N) {
            let sp = score[p];
            for t in 0..N {
                let s = sp + row[t];
                if s > best[t] {
                    best[t] = s;
                    arg[t] = p as u8;
                }
            }
        }
        for t in 0..N {
            score[t] = best[t] + em[i][t];
        }
        back_rows[i] = arg;
    }
    backtrack(&score, end, back, N, out);
}

// Index loops mirror the recurrence; iterator chains would hide it.
#[allow(clippy::needless_range_loop)]
fn run_any(nt: usize, emit: &[f32], scratch: &mut Scratch, end: &[bool], out: &mut Vec<usize>) {
    let n = emit.len() / nt;
    let Scratch {
        score,
        next,
        back,
        masked,
    } = scratch;
    score.clear();
    score.extend((0..nt).map(|t| masked[t] + emit[t]));
    next.clear();
    next.resize(nt, NEG);
    back.clear();
    back.resize(n * nt, 0);
    for i in 1..n {
        for t in 0..nt {
            let mut best = NEG;
            let mut arg = 0u8;
            for p in 0..nt {
                let s = score[p] + masked[(p + 1) * nt + t];
                if s > best {
                    best = s;
                    arg = p as u8;
                }
            }
            next[t] = best + emit[i * nt + t];
            back[i * nt + t] = arg;
        }
        std::mem::swap(score, next);
    }
    backtrack(score, end, back, nt, out);
}

fn backtrack(score: &[f32], end: &[bool], back: &[u8], nt: usize, out: &mut Vec<usize>) {
    let n = back.len() / nt;
    let mut best = NEG;
    let mut arg = 0;
    for (t, &s) in score.iter().enumerate() {
        if end[t] && s > best {
            best = s;
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

    #[test]
    fn fixed_width_decoder_matches_the_general_one() {
        // Small integers make ties common, so tie-breaking is compared too.
        let mut x = 12345u64;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 7) as f32 - 3.0
        };
        for labels in [
            &[Label::Per][..],
            &[Label::Per, Label::Org, Label::Loc, Label::Misc],
        ] {
            let ts = TagSet::new(Scheme::Iob2, labels);
            let c = Constraints::new(&ts);
            let nt = c.nt;
            for n in [1, 2, 5, 17] {
                let emit: Vec<f32> = (0..n * nt).map(|_| rnd()).collect();
                let trans: Vec<f32> = (0..(nt + 1) * nt).map(|_| rnd()).collect();
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                let mut sc = Scratch::default();
                viterbi(&emit, &trans, &c, &mut sc, &mut fast);
                run_any(nt, &emit, &mut sc, &c.end, &mut slow);
                assert_eq!(fast, slow, "{nt} tags, {n} tokens");
                assert_eq!(fast.len(), n);
                for w in fast.windows(2) {
                    assert!(ts.allowed(Some(ts.tag(w[0])), ts.tag(w[1])));
                }
            }
        }
    }
}
