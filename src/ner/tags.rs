//! Tag schemes (IOB1, IOB2, BILOU): parsing, conversion between schemes,
//! decoding a tag sequence into entity spans, and the transition constraints
//! the decoder enforces.
//!
//! Owns: everything that knows what `B-`, `I-`, `L-` and `U-` mean. Every
//! other module speaks [`Tag`] values in IOB2 unless it asks this module.

use crate::ner::Label;

/// One token's tag. `B`/`I` are shared by all schemes; `L` (last) and `U`
/// (unit) only occur in BILOU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    O,
    B(Label),
    I(Label),
    L(Label),
    U(Label),
}

impl Tag {
    /// The entity type, `None` for `O`.
    pub fn label(self) -> Option<Label> {
        match self {
            Tag::O => None,
            Tag::B(l) | Tag::I(l) | Tag::L(l) | Tag::U(l) => Some(l),
        }
    }

    /// Parses `O`, `B-PER`, `I-ORG`, `L-LOC`, `U-MISC` (also `E-`/`S-` as
    /// BIOES spellings of `L-`/`U-`), normalising type aliases with
    /// [`label_from_type`].
    pub fn parse(s: &str) -> Result<Tag, String> {
        if s == "O" {
            return Ok(Tag::O);
        }
        let (prefix, ty) = s
            .split_once(['-', '_'])
            .ok_or_else(|| format!("tag `{s}` is neither `O` nor `PREFIX-TYPE`"))?;
        if ty.is_empty() {
            return Err(format!("tag `{s}` has an empty type"));
        }
        let l = label_from_type(ty);
        match prefix {
            "B" => Ok(Tag::B(l)),
            "I" => Ok(Tag::I(l)),
            "L" | "E" => Ok(Tag::L(l)),
            "U" | "S" => Ok(Tag::U(l)),
            _ => Err(format!("tag `{s}` has unknown prefix `{prefix}`")),
        }
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tag::O => f.write_str("O"),
            Tag::B(l) => write!(f, "B-{}", l.as_str()),
            Tag::I(l) => write!(f, "I-{}", l.as_str()),
            Tag::L(l) => write!(f, "L-{}", l.as_str()),
            Tag::U(l) => write!(f, "U-{}", l.as_str()),
        }
    }
}

/// Normalises a corpus type name: `PERSON`→PER, `ORGANISATION`/`ORGANIZATION`→ORG,
/// `PLACE`/`LOCATION`→LOC; every other type (MISC, GPE, EVENT, ...) becomes MISC,
/// the only other type the models know.
pub fn label_from_type(ty: &str) -> Label {
    match ty.to_ascii_uppercase().as_str() {
        "PER" | "PERSON" | "PERS" => Label::Per,
        "ORG" | "ORGANISATION" | "ORGANIZATION" => Label::Org,
        "LOC" | "LOCATION" | "PLACE" => Label::Loc,
        _ => Label::Misc,
    }
}

/// Tagging schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `B-` only where an entity directly follows one of the same type.
    Iob1,
    /// `B-` at the start of every entity.
    Iob2,
    /// Begin / Inside / Last / Outside / Unit.
    Bilou,
}

/// Converts IOB1 (or already-IOB2) tags to IOB2 in place: an `I-X` that
/// does not continue an entity of type X starts one. Idempotent on IOB2.
pub fn to_iob2_from_iob1(tags: &mut [Tag]) {
    let mut prev = Tag::O;
    for t in tags.iter_mut() {
        if let Tag::I(l) = *t
            && prev.label() != Some(l)
        {
            *t = Tag::B(l);
        }
        prev = *t;
    }
}

/// Converts IOB2 to IOB1: `B-X` only where the previous token is of type X.
pub fn iob2_to_iob1(tags: &[Tag]) -> Vec<Tag> {
    let mut out = Vec::with_capacity(tags.len());
    let mut prev = Tag::O;
    for &t in tags {
        let n = match t {
            Tag::B(l) if prev.label() != Some(l) => Tag::I(l),
            other => other,
        };
        out.push(n);
        prev = t;
    }
    out
}

/// Converts IOB2 to BILOU, going through spans so ill-formed input
/// (`I-X` after `O`) gets the same reading conlleval gives it.
pub fn iob2_to_bilou(tags: &[Tag]) -> Vec<Tag> {
    let mut out = vec![Tag::O; tags.len()];
    for (s, e, l) in spans(tags) {
        if e - s == 1 {
            out[s] = Tag::U(l);
        } else {
            out[s] = Tag::B(l);
            for t in &mut out[s + 1..e - 1] {
                *t = Tag::I(l);
            }
            out[e - 1] = Tag::L(l);
        }
    }
    out
}

/// Converts BILOU (or IOB2) to IOB2 via spans.
pub fn bilou_to_iob2(tags: &[Tag]) -> Vec<Tag> {
    let mut out = vec![Tag::O; tags.len()];
    for (s, e, l) in spans(tags) {
        out[s] = Tag::B(l);
        for t in &mut out[s + 1..e] {
            *t = Tag::I(l);
        }
    }
    out
}

/// Decodes a tag sequence in IOB1, IOB2 or BILOU into `(start, end, label)`
/// token ranges, as conlleval reads chunks: an entity starts at `B`/`U`, at
/// an `I`/`L` whose type differs from the previous token's, or at an `I`/`L`
/// after `O`, `L` or `U`; it ends before `O`, `B`, `U`, a type change, or
/// after `L`/`U`.
pub fn spans(tags: &[Tag]) -> Vec<(usize, usize, Label)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Label)> = None;
    let mut prev = Tag::O;
    for (i, &t) in tags.iter().enumerate() {
        let starts = match t {
            Tag::O => false,
            Tag::B(_) | Tag::U(_) => true,
            Tag::I(l) | Tag::L(l) => {
                matches!(prev, Tag::O | Tag::L(_) | Tag::U(_)) || prev.label() != Some(l)
            }
        };
        if (starts || t == Tag::O)
            && let Some((s, l)) = open.take()
        {
            out.push((s, i, l));
        }
        if starts {
            open = t.label().map(|l| (i, l));
        }
        if matches!(t, Tag::L(_) | Tag::U(_))
            && let Some((s, l)) = open.take()
        {
            out.push((s, i + 1, l));
        }
        prev = t;
    }
    if let Some((s, l)) = open {
        out.push((s, tags.len(), l));
    }
    out
}

/// The tag inventory of a model: a scheme and a list of entity types,
/// mapping tags to dense indices (0 is `O`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSet {
    pub scheme: Scheme,
    pub labels: Vec<Label>,
    tags: Vec<Tag>,
}

impl TagSet {
    /// Builds the inventory for `scheme` (IOB2 or BILOU; IOB1 is only an
    /// input format and is treated as IOB2) over `labels`.
    pub fn new(scheme: Scheme, labels: &[Label]) -> TagSet {
        let scheme = if scheme == Scheme::Iob1 {
            Scheme::Iob2
        } else {
            scheme
        };
        let mut tags = vec![Tag::O];
        for &l in labels {
            match scheme {
                Scheme::Bilou => {
                    tags.extend([Tag::B(l), Tag::I(l), Tag::L(l), Tag::U(l)]);
                }
                _ => tags.extend([Tag::B(l), Tag::I(l)]),
            }
        }
        TagSet {
            scheme,
            labels: labels.to_vec(),
            tags,
        }
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.tags.len()
    }

    /// Never true: `O` is always present.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    /// The tag at `index`.
    pub fn tag(&self, index: usize) -> Tag {
        self.tags[index]
    }

    /// The index of `tag`; tags of a type the set lacks map to `O`.
    pub fn index(&self, tag: Tag) -> usize {
        self.tags.iter().position(|&t| t == tag).unwrap_or(0)
    }

    /// Converts IOB2 tags into this set's scheme, as indices.
    pub fn encode(&self, iob2: &[Tag]) -> Vec<usize> {
        let conv;
        let tags = if self.scheme == Scheme::Bilou {
            conv = iob2_to_bilou(iob2);
            &conv[..]
        } else {
            iob2
        };
        tags.iter().map(|&t| self.index(t)).collect()
    }

    /// Converts indices in this set's scheme back to IOB2 tags.
    pub fn decode(&self, indices: &[usize]) -> Vec<Tag> {
        let tags: Vec<Tag> = indices.iter().map(|&i| self.tag(i)).collect();
        if self.scheme == Scheme::Bilou {
            bilou_to_iob2(&tags)
        } else {
            tags
        }
    }

    /// Whether `next` may follow `prev` (`None` = sentence start): no
    /// `I-X`/`L-X` except after `B-X`/`I-X`; in BILOU, no `O`/`B`/`U` after
    /// an open `B`/`I`.
    pub fn allowed(&self, prev: Option<Tag>, next: Tag) -> bool {
        let open = match prev {
            Some(Tag::B(l)) | Some(Tag::I(l)) => Some(l),
            _ => None,
        };
        let continues = matches!(next, Tag::I(_) | Tag::L(_));
        if continues {
            return open.is_some() && open == next.label();
        }
        if self.scheme == Scheme::Bilou && open.is_some() {
            // An entity opened with B must close with L before anything else.
            return false;
        }
        true
    }

    /// Whether `last` may end a sentence (BILOU forbids an open entity).
    pub fn allowed_end(&self, last: Tag) -> bool {
        self.scheme != Scheme::Bilou || !matches!(last, Tag::B(_) | Tag::I(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<Tag> {
        s.split_whitespace()
            .map(|x| Tag::parse(x).unwrap())
            .collect()
    }

    #[test]
    fn parse_normalises_aliases() {
        assert_eq!(Tag::parse("B-PERSON").unwrap(), Tag::B(Label::Per));
        assert_eq!(Tag::parse("I-ORGANISATION").unwrap(), Tag::I(Label::Org));
        assert_eq!(Tag::parse("I-ORGANIZATION").unwrap(), Tag::I(Label::Org));
        assert_eq!(Tag::parse("B-PLACE").unwrap(), Tag::B(Label::Loc));
        assert_eq!(Tag::parse("B-LOCATION").unwrap(), Tag::B(Label::Loc));
        assert_eq!(Tag::parse("I-MISC").unwrap(), Tag::I(Label::Misc));
        assert_eq!(Tag::parse("B-EVENT").unwrap(), Tag::B(Label::Misc));
        assert!(Tag::parse("X-PER").is_err());
        assert!(Tag::parse("PER").is_err());
        assert!(Tag::parse("B-").is_err());
    }

    #[test]
    fn iob1_to_iob2_starts_entities() {
        let mut tags = t("I-ORG O I-MISC I-MISC B-MISC O I-PER I-LOC");
        to_iob2_from_iob1(&mut tags);
        assert_eq!(tags, t("B-ORG O B-MISC I-MISC B-MISC O B-PER B-LOC"));
        // Idempotent on IOB2.
        let before = tags.clone();
        to_iob2_from_iob1(&mut tags);
        assert_eq!(tags, before);
        assert_eq!(
            iob2_to_iob1(&tags),
            t("I-ORG O I-MISC I-MISC B-MISC O I-PER I-LOC")
        );
    }

    #[test]
    fn bilou_round_trip() {
        let iob2 = t("B-PER I-PER I-PER O B-LOC B-LOC O B-ORG I-ORG");
        let b = iob2_to_bilou(&iob2);
        assert_eq!(b, t("B-PER I-PER L-PER O U-LOC U-LOC O B-ORG L-ORG"));
        assert_eq!(bilou_to_iob2(&b), iob2);
    }

    #[test]
    fn spans_follow_conlleval() {
        assert_eq!(
            spans(&t("B-PER I-PER O I-LOC I-LOC B-LOC I-ORG")),
            vec![
                (0, 2, Label::Per),
                (3, 5, Label::Loc),
                (5, 6, Label::Loc),
                (6, 7, Label::Org)
            ]
        );
        assert_eq!(
            spans(&t("U-PER B-ORG L-ORG I-ORG")),
            vec![(0, 1, Label::Per), (1, 3, Label::Org), (3, 4, Label::Org)]
        );
        assert!(spans(&t("O O")).is_empty());
        assert_eq!(spans(&t("B-MISC")), vec![(0, 1, Label::Misc)]);
    }

    #[test]
    fn tagset_constraints() {
        let ts = TagSet::new(Scheme::Iob2, &[Label::Per, Label::Org]);
        assert_eq!(ts.len(), 5);
        assert!(!ts.allowed(None, Tag::I(Label::Per)));
        assert!(!ts.allowed(Some(Tag::O), Tag::I(Label::Per)));
        assert!(!ts.allowed(Some(Tag::B(Label::Org)), Tag::I(Label::Per)));
        assert!(ts.allowed(Some(Tag::B(Label::Per)), Tag::I(Label::Per)));
        assert!(ts.allowed(Some(Tag::I(Label::Per)), Tag::B(Label::Per)));
        let b = TagSet::new(Scheme::Bilou, &[Label::Per]);
        assert_eq!(b.len(), 5);
        assert!(!b.allowed(Some(Tag::B(Label::Per)), Tag::O));
        assert!(b.allowed(Some(Tag::I(Label::Per)), Tag::L(Label::Per)));
        assert!(!b.allowed(Some(Tag::L(Label::Per)), Tag::I(Label::Per)));
        assert!(!b.allowed_end(Tag::B(Label::Per)));
        let iob2 = t("B-PER I-PER O B-PER");
        assert_eq!(b.decode(&b.encode(&iob2)), iob2);
    }
}
