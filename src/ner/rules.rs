//! Corrections applied to the tagger's output, the same in every caller
//! (`recognize`, `eval`, training's dev scores): rules about how names are
//! built that a hashed linear model trained on a few thousand sentences only
//! half learns, and that hold in every language we tag.

use crate::ner::Label;
use crate::ner::features::hash_lower;
use crate::ner::gazetteer::{CUE_PER, Cues};
use crate::ner::tags::{Tag, spans};

/// Part of [`crate::ner::model_version`]: bump it whenever a rule here
/// changes what is tagged, so cached annotations made before are redone.
pub const VERSION: u32 = 1;

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
}
