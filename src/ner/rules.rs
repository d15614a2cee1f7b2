//! Corrections applied to the tagger's output, the same in every caller
//! (`recognize`, `eval`, training's dev scores): rules about how names are
//! built that a hashed linear model trained on a few thousand sentences only
//! half learns, and that hold in every language we tag.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use crate::ner::Label;
use crate::ner::features::hash_lower;
use crate::ner::features::{F_INIT_UPPER, TokInfo, mix};
use crate::ner::gazetteer::{CUE_PER, Cues};
use crate::ner::model::IdHasher;
use crate::ner::tags::{Tag, spans};

/// Part of [`crate::ner::model_version`]: bump it whenever a rule here
/// changes what is tagged, so cached annotations made before are redone.
pub const VERSION: u32 = 2;

/// Words that end an organisation's name: "Tencent AI Lab", "Baidu
/// Research", "Apple Inc" (any case; a trailing full stop is ignored). In
/// the annotated corpora every one of the 205 entities ending with one is an
/// organisation (CoNLL-2003 train and dev 191, idner-news-2k 11, NERGRIT 3).
const ORG_FINAL: &[&str] = &["lab", "labs", "research", "inc", "corp", "ltd", "tbk"];

/// Organisation head words: a name ending with one is an organisation
/// whatever the tagger thought it was, and when the tagger got the type
/// wrong, a capitalised word just before the name that it left out belongs
/// to it ("Tencent" in "direktur Tencent AI Lab", where "AI Lab" alone came
/// out as a person); never a title or other person cue ("sebagai Direktur AI
/// Labs"). Names already tagged ORG keep their bounds: there the word before
/// is usually rightly apart ("Underwriter Bear Stearns Inc").
pub fn org_heads<'a>(text: impl Fn(usize) -> &'a str, cues: &Cues, tags: &mut [Tag]) {
    // Runs on every sentence tagged: most have no head word inside a name,
    // and those are left without building their span list.
    if !(0..tags.len()).any(|i| tags[i] != Tag::O && is_org_final(text(i))) {
        return;
    }
    for (a, b, label) in spans(tags) {
        if label == Label::Org || !is_org_final(text(b - 1)) {
            continue;
        }
        let mut start = a;
        // Not from the sentence's first word: its capital says nothing.
        let before = text(start.saturating_sub(1));
        if start >= 2
            && tags[start - 1] == Tag::O
            && starts_upper(before)
            && cues.get(hash_lower(before)) & CUE_PER == 0
        {
            start -= 1;
        }
        tags[start] = Tag::B(Label::Org);
        for t in &mut tags[start + 1..b] {
            *t = Tag::I(Label::Org);
        }
    }
}

/// Longest name, in tokens, that [`propagate`] carries to other mentions.
const PROPAGATE_MAX: usize = 6;

/// Document-level consistency: a name the tagger found somewhere in the
/// document is tagged the same way where it recurs and the tagger left it
/// out ("ByteDance" found in two sentences of an article and missed in four
/// others). `info` holds the document's tokens, `sents` each sentence's
/// range of them, `text(k)` token `k`'s text and `tags` every sentence's IOB2
/// tags. A recurrence must match the name token for token
/// (case included), be untagged throughout, and not be part of a longer
/// capitalised sequence (a capitalised untagged word right after it, or
/// right before it unless that word opens the sentence); the type carried
/// is the one the name got most often, and a name tagged with two types
/// equally often is not carried.
///
/// Only names the model does not know are carried: `known` says whether
/// training gave the model a name (its gazetteer). For those the tagger
/// learned from context how the corpora treat each mention (idner-news-2k
/// leaves "Indonesia" untagged in some sentences and tags it in others), and
/// carrying its tags lowered that dev set by 0.76 F1; for a name it has
/// never seen, the other mentions are the best evidence there is.
pub fn propagate<'a>(
    info: &[TokInfo],
    sents: &[Range<usize>],
    text: impl Fn(usize) -> &'a str,
    known: impl Fn(&[TokInfo]) -> bool,
    tags: &mut [Vec<Tag>],
) {
    // Runs on every document tagged, so it works on the tokens' hashes
    // (exact form, `TokInfo::word`) and leaves early when it can.
    let upper = |k: usize| info[k].flags & F_INIT_UPPER != 0;
    let key_of = |from: usize, len: usize| -> u64 {
        info[from..from + len]
            .iter()
            .fold(0x243f_6a88_85a3_08d3, |h, t| mix(h, t.word))
    };
    // A name's key → one occurrence (flat token index), length, counts per type.
    let mut names: HashMap<u64, (usize, usize, [u16; 4]), Fast> = HashMap::default();
    for (r, t) in sents.iter().zip(tags.iter()) {
        if t.iter().all(|&x| x == Tag::O) {
            continue;
        }
        for (a, b, label) in spans(t) {
            let (from, len) = (r.start + a, b - a);
            if len <= PROPAGATE_MAX && upper(from) {
                let e = names
                    .entry(key_of(from, len))
                    .or_insert((from, len, [0; 4]));
                let n = &mut e.2[label.index()];
                *n = n.saturating_add(1);
            }
        }
    }
    // First word's hash → (length, key, type) of the names carried,
    // longest first, so "Baidu Research" is tried before "Baidu".
    let mut by_first: HashMap<u64, Vec<(usize, u64, Label)>, Fast> = HashMap::default();
    for (key, (from, len, counts)) in names {
        let words = &info[from..from + len];
        if (len == 1 && is_short_acronym(text(from))) || known(words) {
            continue;
        }
        let best = *counts.iter().max().unwrap_or(&0);
        if counts.iter().filter(|&&n| n == best).count() > 1 {
            continue;
        }
        let label = Label::ALL[counts.iter().position(|&n| n == best).unwrap_or(0)];
        by_first
            .entry(words[0].word)
            .or_default()
            .push((len, key, label));
    }
    if by_first.is_empty() {
        return;
    }
    for v in by_first.values_mut() {
        v.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    for (r, t) in sents.iter().zip(tags.iter_mut()) {
        let n = t.len();
        let mut i = 0;
        while i < n {
            let k = r.start + i;
            let cands = match t[i] == Tag::O && upper(k) {
                true => by_first.get(&info[k].word),
                false => None,
            };
            let Some(cands) = cands else {
                i += 1;
                continue;
            };
            let hit = cands.iter().find(|&&(len, key, _)| {
                let end = i + len;
                end <= n
                    && t[i..end].iter().all(|&x| x == Tag::O)
                    && key_of(k, len) == key
                    && !(end < n && t[end] == Tag::O && upper(r.start + end))
                    && !(i > 1 && t[i - 1] == Tag::O && upper(k - 1))
            });
            match hit {
                Some(&(len, _, label)) => {
                    t[i] = Tag::B(label);
                    for x in &mut t[i + 1..i + len] {
                        *x = Tag::I(label);
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
    }
}

/// Hash maps over keys that are already hashes.
type Fast = BuildHasherDefault<IdHasher>;

/// A one-word name of two or three capitals ("AI", "CEO"): the tagger's
/// type for an unseen one is mostly its prior for acronyms, and acronyms
/// are often not names at all (38% of such tokens in CoNLL-2003 train are
/// not, against 13% of capitalised words inside a sentence), so one guess
/// is not carried to every mention.
fn is_short_acronym(w: &str) -> bool {
    (2..=3).contains(&w.chars().count()) && w.chars().all(char::is_uppercase)
}

fn is_org_final(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    ORG_FINAL.iter().any(|h| h.eq_ignore_ascii_case(word))
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::tags::Tag::{B, I, O};

    fn fix(words: &[&str], mut tags: Vec<Tag>) -> Vec<Tag> {
        org_heads(|i| words[i], &Cues::new(), &mut tags);
        tags
    }

    #[test]
    fn a_name_ending_with_an_org_head_becomes_an_organisation() {
        let (per, loc, org) = (Label::Per, Label::Loc, Label::Org);
        // Mistyped, with the capitalised word before it left out.
        let w = ["direktur", "Tencent", "AI", "Lab", ","];
        assert_eq!(
            fix(&w, vec![O, O, B(per), I(per), O]),
            vec![O, B(org), I(org), I(org), O]
        );
        // Mistyped, nothing to take in; any case, trailing full stop.
        let w = ["di", "Baidu", "RESEARCH."];
        assert_eq!(fix(&w, vec![O, B(loc), I(loc)]), vec![O, B(org), I(org)]);
        // Nor a title.
        let w = ["sebagai", "Direktur", "AI", "Labs"];
        assert_eq!(
            fix(&w, vec![O, O, B(per), I(per)]),
            vec![O, O, B(org), I(org)]
        );
        // The sentence's first word is not taken in.
        let w = ["Kemarin", "AI", "Labs"];
        assert_eq!(fix(&w, vec![O, B(per), I(per)]), vec![O, B(org), I(org)]);
        // Already an organisation: bounds kept.
        let w = ["said", "Underwriter", "Bear", "Stearns", "Inc"];
        let tags = vec![O, O, B(org), I(org), I(org)];
        assert_eq!(fix(&w, tags.clone()), tags);
        // Other names, and a head word outside any name, are left alone.
        let w = ["Li", "Lei", "joined", "the", "lab"];
        let tags = vec![B(per), I(per), O, O, O];
        assert_eq!(fix(&w, tags.clone()), tags);
    }

    fn carry(doc: &[&[&str]], tags: Vec<Vec<Tag>>, known: &[&str]) -> Vec<Vec<Tag>> {
        let cues = Cues::new();
        let words: Vec<&str> = doc.iter().flat_map(|s| s.iter().copied()).collect();
        let info: Vec<TokInfo> = words.iter().map(|w| TokInfo::new(w, &cues)).collect();
        let mut sents = Vec::new();
        for s in doc {
            let at = sents.last().map_or(0, |r: &Range<usize>| r.end);
            sents.push(at..at + s.len());
        }
        let mut tags = tags;
        let known = |name: &[TokInfo]| {
            name.len() == 1
                && known
                    .iter()
                    .any(|k| TokInfo::new(k, &cues).word == name[0].word)
        };
        propagate(&info, &sents, |k| words[k], known, &mut tags);
        tags
    }

    #[test]
    fn an_unseen_name_is_tagged_where_it_recurs() {
        let org = Label::Org;
        let doc: &[&[&str]] = &[
            &["Kemarin", "ByteDance", "Research", "tumbuh"],
            &["Li", "bergabung", "dengan", "ByteDance", "."],
            &[
                "Dia",
                "meninggalkan",
                "ByteDance",
                "dan",
                "ByteDance",
                "Research",
            ],
            // Part of a longer capitalised run: left alone.
            &["Dia", "Mantan", "ByteDance", "kini"],
            &["di", "ByteDance", "Shanghai"],
            // In lower case it is another word.
            &["bytedance", "itu"],
        ];
        let tags = vec![
            vec![O, B(org), I(org), O],
            vec![B(Label::Per), O, O, B(org), O],
            vec![O; 6],
            vec![O; 4],
            vec![O; 3],
            vec![O; 2],
        ];
        let out = carry(doc, tags, &[]);
        assert_eq!(out[2], vec![O, O, B(org), O, B(org), I(org)]);
        assert_eq!(out[3], vec![O; 4]);
        assert_eq!(out[4], vec![O; 3]);
        assert_eq!(out[5], vec![O; 2]);
        // "Li" was a person, but has no untagged recurrence.
        assert_eq!(out[1], vec![B(Label::Per), O, O, B(org), O]);
    }

    #[test]
    fn known_names_ties_and_acronyms_are_not_carried() {
        let (loc, org, per) = (Label::Loc, Label::Org, Label::Per);
        let doc: &[&[&str]] = &[
            &["di", "Indonesia", "dan", "AI", "dan", "Megvii"],
            &["Megvii", "kata", "Megvii"],
            &["pakar", "AI", "di", "Indonesia", "dan", "Megvii", "."],
        ];
        let tags = vec![
            vec![O, B(loc), O, B(org), O, B(org)],
            vec![B(per), O, O],
            vec![O; 7],
        ];
        // Indonesia is known, AI is an acronym, Megvii ORG once and PER
        // once is a tie.
        let out = carry(doc, tags.clone(), &["Indonesia"]);
        assert_eq!(out, tags);
        // Unknown and a majority: carried, and the tie is broken.
        let mut more = tags.clone();
        more[1][2] = B(org);
        let out = carry(doc, more, &[]);
        assert_eq!(out[2], vec![O, O, O, B(loc), O, B(org), O]);
    }

    #[test]
    fn counts_saturate_rather_than_wrap() {
        // 65,536 organisation mentions would wrap a u16 count to 0 and
        // let the single person mention win.
        let org = Label::Org;
        let mut doc: Vec<&[&str]> = vec![&["di", "Megvii"]; 1 << 16];
        let mut tags = vec![vec![O, B(org)]; 1 << 16];
        doc.push(&["oleh", "Megvii"]);
        tags.push(vec![O, B(Label::Per)]);
        doc.push(&["dari", "Megvii"]);
        tags.push(vec![O, O]);
        let out = carry(&doc, tags, &[]);
        assert_eq!(out.last().unwrap(), &vec![O, B(org)]);
    }
}
