//! The trained model: tag set, gazetteer and one or two stages of hashed
//! weights, its compact binary format, the embedded models (loaded lazily,
//! once), and tagging a document with it.
//!
//! File format (little endian): magic `SORNER01`; scheme `u8` (1 IOB2,
//! 2 BILOU); label count `u8` and label codes (`u8` each, 0 PER 1 ORG 2 LOC
//! 3 MISC); hash bits `u8`; stage count `u8`; the gazetteer (see
//! [`Gazetteer::write`]); then per stage the transition table as
//! `(tags+1)×tags` `i16`, a row count `u32`, and the non-zero weight rows,
//! each as a varint bucket delta, a varint mask of non-zero tags and one
//! zig-zag varint per set bit. Weights are quantised to `i16` with one scale
//! per stage; the scale cancels in the argmax, so it is not stored.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::LazyLock;

use crate::ner::decode::{self, Constraints, Scratch};
use crate::ner::features::{Buffers, DocInfo, Extractor, F_INIT_UPPER, TokInfo};
use crate::ner::gazetteer::{Cues, Gazetteer};
use crate::ner::tags::{Scheme, Tag, TagSet};
use crate::ner::token::Token;
use crate::ner::weights::Weights;
use crate::ner::{Label, Lang};

const MAGIC: &[u8; 8] = b"SORNER01";

/// One stage's weights, dense at run time: `weights[bucket * nt + tag]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub weights: Vec<i16>,
    /// `(nt + 1) × nt`: row 0 is the sentence start, row p+1 follows tag p.
    pub trans: Vec<i16>,
}

impl Stage {
    /// Quantises float weights to `i16` with a common scale.
    pub fn quantise(weights: &[f32], trans: &[f32]) -> Stage {
        let max = weights
            .iter()
            .chain(trans)
            .fold(0f32, |m, w| m.max(w.abs()))
            .max(1e-6);
        let scale = 32_000.0 / max;
        let q = |w: &f32| (w * scale).round().clamp(-32_767.0, 32_767.0) as i16;
        Stage {
            weights: weights.iter().map(q).collect(),
            trans: trans.iter().map(q).collect(),
        }
    }
}

/// A trained recogniser.
#[derive(Debug, Clone)]
pub struct Model {
    pub tagset: TagSet,
    pub bits: u32,
    pub gaz: Gazetteer,
    /// Number of stages: stage 1 tags from local features; stage 2 (when
    /// present) adds the document-level features computed from stage 1's tags.
    nstages: usize,
    /// Every stage's weights, interleaved so that one bucket's rows for all
    /// stages are adjacent (a bucket's block is `[stage][tag]`), stored only
    /// for buckets with a non-zero weight (see [`Weights`]). Both stages
    /// share the local feature buckets, so the tagger reads the two rows of
    /// a bucket with one cache miss.
    weights: Weights,
    /// Each stage's `(nt + 1) × nt` transitions (see [`Stage::trans`]).
    trans: Vec<Vec<i16>>,
    cons: Constraints,
    cues: Cues,
    /// Each stage's transitions as `f32`, as the decoder takes them.
    trans_f: Vec<Vec<f32>>,
}

/// Why a model file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid model: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

fn label_code(l: Label) -> u8 {
    match l {
        Label::Per => 0,
        Label::Org => 1,
        Label::Loc => 2,
        Label::Misc => 3,
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[derive(Clone)]
struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn err(&self, what: &str) -> ModelError {
        ModelError(format!("{what} at byte {}", self.pos))
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        let v = *self.b.get(self.pos).ok_or_else(|| self.err("truncated"))?;
        self.pos += 1;
        Ok(v)
    }
    fn take(&mut self, n: usize) -> Result<&[u8], ModelError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| self.err("overflow"))?;
        let s = self
            .b
            .get(self.pos..end)
            .ok_or_else(|| self.err("truncated"))?;
        self.pos = end;
        Ok(s)
    }
    fn varint(&mut self) -> Result<u64, ModelError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= ((byte & 0x7f) as u64) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.err("varint too long"))
    }
}

/// Identity hasher for keys that are already hashes.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// Computes each token's [`DocInfo`] from the first stage's tags over a
/// whole document: how the same (lowercased) word was tagged elsewhere.
/// `lower`/`flags` are per sentence, per token; `tags` are tag indices.
pub fn doc_infos(
    tagset: &TagSet,
    lower: &[&[u64]],
    flags: &[Vec<u8>],
    tags: &[Vec<usize>],
) -> Vec<Vec<DocInfo>> {
    let mut sents = Vec::with_capacity(lower.len());
    let mut at = 0;
    for l in lower {
        sents.push(at..at + l.len());
        at += l.len();
    }
    let flat = doc_infos_flat(
        tagset,
        &lower.concat(),
        &flags.concat(),
        &tags.concat(),
        &sents,
    );
    sents.iter().map(|r| flat[r.clone()].to_vec()).collect()
}

/// [`doc_infos`] over a document stored flat: `lower`, `flags` and `tags`
/// per token, `sents` the token ranges of its sentences.
pub fn doc_infos_flat(
    tagset: &TagSet,
    lower: &[u64],
    flags: &[u8],
    tags: &[usize],
    sents: &[Range<usize>],
) -> Vec<DocInfo> {
    // counts[0] = O, counts[1 + label] = entity of that label; [5] = capitalised
    // occurrences not at sentence start.
    type Counts = [u16; 6];
    let mut map: HashMap<u64, Counts, BuildHasherDefault<IdHasher>> = HashMap::default();
    map.reserve(lower.len());
    let class = |t: usize| -> usize {
        match tagset.tag(t).label() {
            None => 0,
            Some(l) => 1 + label_code(l) as usize,
        }
    };
    let mut initial = vec![false; lower.len()];
    for r in sents {
        if r.start < r.end {
            initial[r.start] = true;
        }
    }
    for k in 0..lower.len() {
        let c = map.entry(lower[k]).or_default();
        if flags[k] & F_INIT_UPPER != 0 {
            let x = &mut c[class(tags[k])];
            *x = x.saturating_add(1);
            if !initial[k] {
                c[5] = c[5].saturating_add(1);
            }
        }
    }
    let mut out = Vec::with_capacity(lower.len());
    for k in 0..lower.len() {
        let mut c = map[&lower[k]];
        if flags[k] & F_INIT_UPPER != 0 {
            c[class(tags[k])] -= 1;
            if !initial[k] {
                c[5] -= 1;
            }
        }
        let mut elsewhere = 0u8;
        let mut majority = 0u8;
        let mut best = c[0];
        for (j, &n) in c.iter().enumerate().take(5).skip(1) {
            if n > 0 {
                elsewhere |= 1 << (j - 1);
                if n > best {
                    best = n;
                    majority = j as u8;
                }
            }
        }
        out.push(DocInfo {
            tag: tags[k] as u8,
            elsewhere,
            majority,
            cap_elsewhere: c[5] > 0,
        });
    }
    out
}

impl Model {
    /// Assembles a model.
    pub fn new(tagset: TagSet, bits: u32, gaz: Gazetteer, stages: Vec<Stage>) -> Model {
        let nt = tagset.len();
        let ns = stages.len();
        let rows = 1usize << bits;
        let mut dense = vec![0i16; rows * ns * nt];
        for (k, st) in stages.iter().enumerate() {
            for (b, row) in st.weights.chunks_exact(nt).enumerate().take(rows) {
                let at = (b * ns + k) * nt;
                dense[at..at + nt].copy_from_slice(row);
            }
        }
        let trans = stages.into_iter().map(|s| s.trans).collect();
        let weights = Weights::from_dense(&dense, ns * nt);
        Model::from_parts(tagset, bits, gaz, weights, trans)
    }

    fn from_parts(
        tagset: TagSet,
        bits: u32,
        gaz: Gazetteer,
        weights: Weights,
        trans: Vec<Vec<i16>>,
    ) -> Model {
        let cons = Constraints::new(&tagset);
        let trans_f = trans
            .iter()
            .map(|s| s.iter().map(|&t| t as f32).collect())
            .collect();
        Model {
            tagset,
            bits,
            gaz,
            nstages: trans.len(),
            weights,
            trans,
            cons,
            cues: Cues::new(),
            trans_f,
        }
    }

    /// Entity types this model outputs.
    pub fn labels(&self) -> &[Label] {
        &self.tagset.labels
    }

    /// Number of stages (1, or 2 with the document-level stage).
    pub fn stage_count(&self) -> usize {
        self.nstages
    }

    /// Stage `k`'s weight row for `bucket` (one weight per tag), `None`
    /// when every stage's row for it is zero.
    fn row(&self, k: usize, bucket: usize) -> Option<&[i16]> {
        let nt = self.tagset.len();
        self.weights.block(bucket).map(|b| &b[k * nt..(k + 1) * nt])
    }

    /// Heap bytes held by the weights (the bulk of a loaded model).
    pub fn weight_bytes(&self) -> usize {
        self.weights.heap_bytes()
    }

    /// Serialises the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.push(match self.tagset.scheme {
            Scheme::Bilou => 2,
            _ => 1,
        });
        out.push(self.tagset.labels.len() as u8);
        for &l in &self.tagset.labels {
            out.push(label_code(l));
        }
        out.push(self.bits as u8);
        out.push(self.nstages as u8);
        self.gaz.write(&mut out);
        let buckets = 1usize << self.bits;
        for (k, trans) in self.trans.iter().enumerate() {
            for &t in trans {
                out.extend_from_slice(&t.to_le_bytes());
            }
            let rows: Vec<(usize, &[i16])> = (0..buckets)
                .filter_map(|r| self.row(k, r).map(|row| (r, row)))
                .filter(|(_, row)| row.iter().any(|&w| w != 0))
                .collect();
            out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
            let mut prev = 0usize;
            for (r, row) in rows {
                put_varint(&mut out, (r - prev) as u64);
                prev = r;
                let mask = row
                    .iter()
                    .enumerate()
                    .fold(0u64, |m, (t, &w)| if w != 0 { m | 1 << t } else { m });
                put_varint(&mut out, mask);
                for &w in row.iter().filter(|&&w| w != 0) {
                    let z = ((w as i64) << 1) ^ ((w as i64) >> 63);
                    put_varint(&mut out, z as u64);
                }
            }
        }
        out
    }

    /// Reads a model written by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader { b: bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err(ModelError("not a sorot model (bad magic)".into()));
        }
        let scheme = match r.u8()? {
            1 => Scheme::Iob2,
            2 => Scheme::Bilou,
            s => return Err(ModelError(format!("unknown tag scheme {s}"))),
        };
        let nl = r.u8()? as usize;
        let mut labels = Vec::with_capacity(nl);
        for _ in 0..nl {
            labels.push(match r.u8()? {
                0 => Label::Per,
                1 => Label::Org,
                2 => Label::Loc,
                3 => Label::Misc,
                c => return Err(ModelError(format!("unknown label code {c}"))),
            });
        }
        let bits = r.u8()? as u32;
        if !(8..=24).contains(&bits) {
            return Err(ModelError(format!("hash bits {bits} out of range")));
        }
        let nstages = r.u8()? as usize;
        if !(1..=2).contains(&nstages) {
            return Err(ModelError(format!("stage count {nstages} out of range")));
        }
        let (gaz, used) = Gazetteer::read(&bytes[r.pos..]).ok_or_else(|| r.err("bad gazetteer"))?;
        r.pos += used;
        let tagset = TagSet::new(scheme, &labels);
        let nt = tagset.len();
        let rows = 1usize << bits;
        if nt > 64 {
            return Err(r.err("too many tags"));
        }
        // Two passes over the weights: the first finds the occupied buckets,
        // so the packed table is allocated once at its final size and no
        // dense table ever exists (it would be 3x larger).
        let start = r.clone();
        let mut occupied = vec![0u64; rows.div_ceil(64)];
        read_stages(&mut r, nstages, nt, rows, |_, row, _, _| {
            Weights::mark(&mut occupied, row)
        })?;
        if r.pos != bytes.len() {
            return Err(r.err("trailing bytes"));
        }
        let mut weights = Weights::with_occupied(rows, nstages * nt, occupied);
        let mut r = start;
        let trans = read_stages(&mut r, nstages, nt, rows, |k, row, t, w| {
            if let Some(b) = weights.block_mut(row) {
                b[k * nt + t] = w;
            }
        })?;
        Ok(Model::from_parts(tagset, bits, gaz, weights, trans))
    }

    /// True when the training data (or a shipped name list) had `name` as a
    /// name, of any type.
    fn knows(&self, name: &[TokInfo]) -> bool {
        self.gaz.get(crate::ner::gazetteer::seq_hash(
            name.iter().map(|t| t.lower),
        )) != 0
    }

    fn extractor(&self) -> Extractor<'_> {
        Extractor {
            bits: self.bits,
            gaz: &self.gaz,
            cues: &self.cues,
        }
    }

    /// Tags a document given as sentences of tokens; returns IOB2 tags per
    /// sentence. Document-level features see all sentences at once.
    pub fn tag_document<S: AsRef<str>>(&self, sentences: &[&[S]]) -> Vec<Vec<Tag>> {
        self.tag_document_stages(sentences, self.nstages)
    }

    /// Like [`Model::tag_document`] but stops after `stages` stages (for
    /// measuring what the document pass adds).
    pub fn tag_document_stages<S: AsRef<str>>(
        &self,
        sentences: &[&[S]],
        stages: usize,
    ) -> Vec<Vec<Tag>> {
        self.tag_document_with(sentences, stages, true)
    }

    /// The tagger's own tags for a document, without the output rules of
    /// [`crate::ner::rules`]: what the document stage sees at run time, so
    /// what training gives it to learn from.
    pub fn tag_document_raw<S: AsRef<str>>(&self, sentences: &[&[S]]) -> Vec<Vec<Tag>> {
        self.tag_document_with(sentences, self.nstages, false)
    }

    fn tag_document_with<S: AsRef<str>>(
        &self,
        sentences: &[&[S]],
        stages: usize,
        rules: bool,
    ) -> Vec<Vec<Tag>> {
        let ex = self.extractor();
        let mut buf = Buffers::default();
        let mut sents = Vec::with_capacity(sentences.len());
        for s in sentences {
            let from = buf.info.len();
            ex.prepare_append(s.iter().map(|t| t.as_ref()), &mut buf);
            sents.push(from..buf.info.len());
        }
        let mut tags = Vec::new();
        self.tag_prepared(&buf, &sents, stages, &mut tags);
        if !rules {
            return sents
                .iter()
                .map(|r| self.tagset.decode(&tags[r.clone()]))
                .collect();
        }
        let flat: Vec<&str> = sentences
            .iter()
            .flat_map(|s| s.iter().map(|w| w.as_ref()))
            .collect();
        self.decode_with_rules(&buf, &sents, &tags, |k| flat[k])
    }

    /// Tags the tokens `tokens` of `text` (split into sentences `sents`, as
    /// token ranges) as one document; returns the IOB2 tags of each sentence
    /// as token ranges with their labels, via `emit(start, end, label)`
    /// with token indices into `tokens`.
    pub fn tag_tokens(
        &self,
        text: &str,
        tokens: &[Token],
        sents: &[Range<usize>],
        mut emit: impl FnMut(usize, usize, Label),
    ) {
        let ex = self.extractor();
        let mut buf = Buffers::default();
        buf.reserve(tokens.len());
        for r in sents {
            ex.prepare_append(tokens[r.clone()].iter().map(|t| t.text(text)), &mut buf);
        }
        let mut tags = Vec::new();
        self.tag_prepared(&buf, sents, self.nstages, &mut tags);
        let all = self.decode_with_rules(&buf, sents, &tags, |k| tokens[k].text(text));
        for (r, iob2) in sents.iter().zip(&all) {
            for (a, b, label) in crate::ner::tags::spans(iob2) {
                emit(r.start + a, r.start + b, label);
            }
        }
    }

    /// Decodes each sentence's tag indices (`sents` are token ranges into
    /// `buf` and `tags`) to IOB2 and applies the output rules: the
    /// organisation-head rule per sentence, then document consistency.
    /// `word(k)` is token `k`'s text.
    fn decode_with_rules<'a>(
        &self,
        buf: &Buffers,
        sents: &[Range<usize>],
        tags: &[usize],
        word: impl Fn(usize) -> &'a str,
    ) -> Vec<Vec<Tag>> {
        let mut out: Vec<Vec<Tag>> = sents
            .iter()
            .map(|r| {
                let mut iob2 = self.tagset.decode(&tags[r.clone()]);
                crate::ner::rules::org_heads(|i| word(r.start + i), &self.cues, &mut iob2);
                iob2
            })
            .collect();
        crate::ner::rules::propagate(&buf.info, sents, &word, |name| self.knows(name), &mut out);
        out
    }

    /// Tags a prepared document (`buf` holds every sentence, `sents` their
    /// token ranges), writing one tag index per token into `tags`.
    ///
    /// The local features are hashed once: their stage-1 and stage-2 weight
    /// rows are adjacent in one block of `weights`, so the first pass sums
    /// both and keeps the stage-2 part; the second pass only adds the
    /// document features.
    fn tag_prepared(
        &self,
        buf: &Buffers,
        sents: &[Range<usize>],
        stages: usize,
        tags: &mut Vec<usize>,
    ) {
        let nt = self.tagset.len();
        let ns = self.nstages;
        let two = stages >= 2 && ns >= 2;
        let ntok = buf.info.len();
        let ex = self.extractor();
        tags.clear();
        tags.resize(ntok, 0);
        let mut feats: Vec<u32> = Vec::with_capacity(96);
        let mut emit: Vec<f32> = Vec::new();
        let mut local2: Vec<i32> = if two { vec![0; ntok * nt] } else { Vec::new() };
        let mut acc = vec![0i32; 2 * nt];
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        // Stage 1 reads its own row, or both rows of a bucket when stage 2 follows.
        let lanes = if two { 2 } else { 1 };
        for r in sents {
            let s = buf.sentence(r.clone());
            let caps = s.caps_line();
            emit.clear();
            for i in 0..s.len() {
                feats.clear();
                ex.local_feats(&s, i, caps, &mut feats);
                acc.fill(0);
                sum_rows(&self.weights, 0, lanes * nt, &feats, &mut acc);
                emit.extend(acc[..nt].iter().map(|&a| a as f32));
                if two {
                    let k = (r.start + i) * nt;
                    local2[k..k + nt].copy_from_slice(&acc[nt..2 * nt]);
                }
            }
            decode::viterbi(&emit, &self.trans_f[0], &self.cons, &mut scratch, &mut out);
            tags[r.clone()].copy_from_slice(&out);
        }
        if !two {
            return;
        }
        let flags: Vec<u8> = buf.info.iter().map(|t| t.flags).collect();
        let infos = doc_infos_flat(&self.tagset, &buf.lower, &flags, tags, sents);
        for r in sents {
            let s = buf.sentence(r.clone());
            let d = &infos[r.clone()];
            emit.clear();
            for i in 0..s.len() {
                feats.clear();
                ex.doc_feats(&s, i, d, &mut feats);
                let k = (r.start + i) * nt;
                acc[..nt].copy_from_slice(&local2[k..k + nt]);
                sum_rows(&self.weights, nt, nt, &feats, &mut acc);
                emit.extend(acc[..nt].iter().map(|&a| a as f32));
            }
            decode::viterbi(&emit, &self.trans_f[1], &self.cons, &mut scratch, &mut out);
            tags[r.clone()].copy_from_slice(&out);
        }
    }
}

/// Reads every stage's transitions (returned) and non-zero weights (passed
/// to `on(stage, bucket, tag, weight)`), checking each against the shape.
fn read_stages(
    r: &mut Reader<'_>,
    nstages: usize,
    nt: usize,
    rows: usize,
    mut on: impl FnMut(usize, usize, usize, i16),
) -> Result<Vec<Vec<i16>>, ModelError> {
    let mut trans = Vec::with_capacity(nstages);
    for k in 0..nstages {
        let tb = r.take((nt + 1) * nt * 2)?;
        trans.push(
            tb.chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect(),
        );
        let n = u32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes")) as usize;
        let mut row = 0usize;
        for _ in 0..n {
            row = row
                .checked_add(r.varint()? as usize)
                .filter(|&x| x < rows)
                .ok_or_else(|| r.err("weight row out of range"))?;
            let mask = r.varint()?;
            if mask >> nt != 0 {
                return Err(r.err("weight mask names a missing tag"));
            }
            for t in 0..nt {
                if mask & (1 << t) != 0 {
                    let z = r.varint()?;
                    let w = ((z >> 1) as i64) ^ -((z & 1) as i64);
                    on(
                        k,
                        row,
                        t,
                        i16::try_from(w).map_err(|_| r.err("weight out of range"))?,
                    );
                }
            }
        }
    }
    Ok(trans)
}

/// Adds, for every bucket in `feats`, the `len` weights starting `first` of
/// the bucket's block in `weights` to `acc[..len]` (empty buckets add
/// nothing).
#[inline]
fn sum_rows(weights: &Weights, first: usize, len: usize, feats: &[u32], acc: &mut [i32]) {
    // Fixed widths let the compiler unroll and vectorise the sums.
    match len {
        5 => sum_fixed::<5>(weights, first, feats, acc),
        7 => sum_fixed::<7>(weights, first, feats, acc),
        9 => sum_fixed::<9>(weights, first, feats, acc),
        10 => sum_fixed::<10>(weights, first, feats, acc),
        14 => sum_fixed::<14>(weights, first, feats, acc),
        18 => sum_fixed::<18>(weights, first, feats, acc),
        _ => {
            for &b in feats {
                if let Some(row) = weights
                    .block(b as usize)
                    .and_then(|r| r.get(first..first + len))
                {
                    for (a, &w) in acc.iter_mut().zip(row) {
                        *a += w as i32;
                    }
                }
            }
        }
    }
}

#[inline]
fn sum_fixed<const L: usize>(weights: &Weights, first: usize, feats: &[u32], acc: &mut [i32]) {
    let mut sum = [0i32; L];
    sum.copy_from_slice(&acc[..L]);
    for &b in feats {
        if let Some(row) = weights
            .block(b as usize)
            .and_then(|r| r.get(first..first + L))
        {
            for t in 0..L {
                sum[t] += row[t] as i32;
            }
        }
    }
    acc[..L].copy_from_slice(&sum);
}

static EN: LazyLock<Result<Model, ModelError>> =
    LazyLock::new(|| Model::from_bytes(embedded_bytes(Lang::En)));
static ID: LazyLock<Result<Model, ModelError>> =
    LazyLock::new(|| Model::from_bytes(embedded_bytes(Lang::Id)));

/// The embedded model for `lang`, decoded on first use.
pub fn embedded(lang: Lang) -> Result<&'static Model, &'static ModelError> {
    match lang {
        Lang::En => EN.as_ref(),
        Lang::Id => ID.as_ref(),
    }
}

/// The embedded model file for `lang` (for measuring load time and size).
pub fn embedded_bytes(lang: Lang) -> &'static [u8] {
    match lang {
        Lang::En => include_bytes!("../../assets/models/en.bin"),
        Lang::Id => include_bytes!("../../assets/models/id.bin"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Model {
        let ts = TagSet::new(Scheme::Iob2, &[Label::Per, Label::Loc]);
        let nt = ts.len();
        let bits = 10;
        let mut w = vec![0f32; (1 << bits) * nt];
        w[3 * nt + 1] = 2.5;
        w[700 * nt + 4] = -1.25;
        let t = vec![0.5f32; (nt + 1) * nt];
        let mut g = Gazetteer::new();
        g.insert_tokens(&["Li", "Lei"], Label::Per);
        Model::new(ts, bits, g, vec![Stage::quantise(&w, &t); 2])
    }

    #[test]
    fn round_trips_through_bytes() {
        let m = tiny();
        let b = m.to_bytes();
        let m2 = Model::from_bytes(&b).unwrap();
        assert_eq!(m2.stage_count(), 2);
        assert_eq!(m2.weights, m.weights);
        assert_eq!(m2.trans, m.trans);
        assert_eq!(m2.gaz, m.gaz);
        assert_eq!(m2.tagset, m.tagset);
        assert_eq!(m2.to_bytes(), b);
        let toks = ["Li", "Lei", "pergi", "."];
        assert_eq!(m2.tag_document(&[&toks[..]]).len(), 1);
    }

    #[test]
    fn embedded_models_load_and_round_trip() {
        for lang in [Lang::En, Lang::Id] {
            let bytes = embedded_bytes(lang);
            let m = embedded(lang).expect("embedded model loads");
            assert_eq!(
                m.to_bytes(),
                bytes,
                "{lang:?} model re-serialises identically"
            );
        }
    }

    #[test]
    fn rejects_bad_bytes_without_panicking() {
        let b = tiny().to_bytes();
        assert!(Model::from_bytes(b"nope").is_err());
        for cut in [8, 12, 20, b.len() - 1] {
            assert!(Model::from_bytes(&b[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = b.clone();
        extra.push(0);
        assert!(Model::from_bytes(&extra).is_err());
        let mut bad = b.clone();
        bad[8] = 9;
        assert!(Model::from_bytes(&bad).is_err());
    }

    #[test]
    fn doc_infos_count_other_occurrences() {
        let ts = TagSet::new(Scheme::Iob2, &[Label::Per]);
        let lower: Vec<&[u64]> = vec![&[1, 2], &[1]];
        let flags = vec![vec![F_INIT_UPPER, 0], vec![F_INIT_UPPER]];
        let tags = vec![vec![1, 0], vec![0]];
        let d = doc_infos(&ts, &lower, &flags, &tags);
        // The second "1" sees the first one tagged B-PER.
        assert_eq!(d[1][0].elsewhere, 1);
        assert_eq!(d[1][0].majority, 1, "one PER against no O is PER");
        assert_eq!(d[0][0].elsewhere, 0);
    }
}
