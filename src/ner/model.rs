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
use std::sync::LazyLock;

use crate::ner::decode::{self, Constraints, Scratch};
use crate::ner::features::{Buffers, DocInfo, Extractor, F_INIT_UPPER, SentFeats};
use crate::ner::gazetteer::{Cues, Gazetteer};
use crate::ner::tags::{Scheme, Tag, TagSet};
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
    /// Stage 1 tags from local features; stage 2 (when present) adds the
    /// document-level features computed from stage 1's tags.
    pub stages: Vec<Stage>,
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
struct IdHasher(u64);

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
// Parallel per-sentence arrays are indexed together; zips four deep read worse.
#[allow(clippy::needless_range_loop)]
pub fn doc_infos(
    tagset: &TagSet,
    lower: &[&[u64]],
    flags: &[Vec<u8>],
    tags: &[Vec<usize>],
) -> Vec<Vec<DocInfo>> {
    // counts[0] = O, counts[1 + label] = entity of that label; [5] = capitalised
    // occurrences not at sentence start.
    type Counts = [u16; 6];
    let mut map: HashMap<u64, Counts, BuildHasherDefault<IdHasher>> = HashMap::default();
    let class = |t: usize| -> usize {
        match tagset.tag(t).label() {
            None => 0,
            Some(l) => 1 + label_code(l) as usize,
        }
    };
    for s in 0..lower.len() {
        for i in 0..lower[s].len() {
            let c = map.entry(lower[s][i]).or_default();
            if flags[s][i] & F_INIT_UPPER != 0 {
                c[class(tags[s][i])] += 1;
                if i > 0 {
                    c[5] += 1;
                }
            }
        }
    }
    let mut out = Vec::with_capacity(lower.len());
    for s in 0..lower.len() {
        let mut row = Vec::with_capacity(lower[s].len());
        for i in 0..lower[s].len() {
            let mut c = map[&lower[s][i]];
            if flags[s][i] & F_INIT_UPPER != 0 {
                c[class(tags[s][i])] -= 1;
                if i > 0 {
                    c[5] -= 1;
                }
            }
            let mut elsewhere = 0u8;
            let mut majority = 0u8;
            let mut best = c[0];
            for k in 1..5 {
                if c[k] > 0 {
                    elsewhere |= 1 << (k - 1);
                    if c[k] > best {
                        best = c[k];
                        majority = k as u8;
                    }
                }
            }
            row.push(DocInfo {
                tag: tags[s][i] as u8,
                elsewhere,
                majority,
                cap_elsewhere: c[5] > 0,
            });
        }
        out.push(row);
    }
    out
}

impl Model {
    /// Assembles a model.
    pub fn new(tagset: TagSet, bits: u32, gaz: Gazetteer, stages: Vec<Stage>) -> Model {
        let cons = Constraints::new(&tagset);
        let trans_f = stages
            .iter()
            .map(|s| s.trans.iter().map(|&t| t as f32).collect())
            .collect();
        Model {
            tagset,
            bits,
            gaz,
            stages,
            cons,
            cues: Cues::new(),
            trans_f,
        }
    }

    /// Entity types this model outputs.
    pub fn labels(&self) -> &[Label] {
        &self.tagset.labels
    }

    /// Serialises the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let nt = self.tagset.len();
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
        out.push(self.stages.len() as u8);
        self.gaz.write(&mut out);
        for st in &self.stages {
            for &t in &st.trans {
                out.extend_from_slice(&t.to_le_bytes());
            }
            let rows: Vec<usize> = (0..st.weights.len() / nt)
                .filter(|&r| st.weights[r * nt..(r + 1) * nt].iter().any(|&w| w != 0))
                .collect();
            out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
            let mut prev = 0usize;
            for r in rows {
                put_varint(&mut out, (r - prev) as u64);
                prev = r;
                let row = &st.weights[r * nt..(r + 1) * nt];
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
        let mut stages = Vec::with_capacity(nstages);
        for _ in 0..nstages {
            let tb = r.take((nt + 1) * nt * 2)?;
            let trans = tb
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect();
            let n = u32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes")) as usize;
            let mut weights = vec![0i16; rows * nt];
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
                        weights[row * nt + t] =
                            i16::try_from(w).map_err(|_| r.err("weight out of range"))?;
                    }
                }
            }
            stages.push(Stage { weights, trans });
        }
        if r.pos != bytes.len() {
            return Err(r.err("trailing bytes"));
        }
        Ok(Model::new(tagset, bits, gaz, stages))
    }

    fn extractor(&self) -> Extractor<'_> {
        Extractor {
            bits: self.bits,
            gaz: &self.gaz,
            cues: &self.cues,
        }
    }

    fn decode_stage(
        &self,
        stage_index: usize,
        feats: &SentFeats,
        emit: &mut Vec<f32>,
        acc: &mut Vec<i32>,
        scratch: &mut Scratch,
        out: &mut Vec<usize>,
    ) {
        let nt = self.tagset.len();
        let stage = &self.stages[stage_index];
        emit.clear();
        emit.resize(feats.len() * nt, 0.0);
        // Fixed-width rows let the compiler unroll and vectorise the sums.
        match nt {
            5 => emissions::<5>(&stage.weights, feats, emit),
            7 => emissions::<7>(&stage.weights, feats, emit),
            9 => emissions::<9>(&stage.weights, feats, emit),
            _ => {
                for i in 0..feats.len() {
                    acc.clear();
                    acc.resize(nt, 0);
                    for &b in feats.token(i) {
                        let row = &stage.weights[b as usize * nt..b as usize * nt + nt];
                        for (a, &w) in acc.iter_mut().zip(row) {
                            *a += w as i32;
                        }
                    }
                    for (e, &a) in emit[i * nt..(i + 1) * nt].iter_mut().zip(acc.iter()) {
                        *e = a as f32;
                    }
                }
            }
        }
        decode::viterbi(emit, &self.trans_f[stage_index], &self.cons, scratch, out);
    }

    /// Tags a document given as sentences of tokens; returns IOB2 tags per
    /// sentence. Document-level features see all sentences at once.
    pub fn tag_document<S: AsRef<str>>(&self, sentences: &[&[S]]) -> Vec<Vec<Tag>> {
        self.tag_document_stages(sentences, self.stages.len())
    }

    /// Like [`Model::tag_document`] but stops after `stages` stages (for
    /// measuring what the document pass adds).
    pub fn tag_document_stages<S: AsRef<str>>(
        &self,
        sentences: &[&[S]],
        stages: usize,
    ) -> Vec<Vec<Tag>> {
        let ex = self.extractor();
        let mut feats = SentFeats::default();
        let mut emit = Vec::new();
        let mut acc = Vec::new();
        let mut scratch = Scratch::default();
        let two = stages >= 2 && self.stages.len() >= 2;
        // Stage 2 needs every sentence's primitives again; keeping them
        // avoids hashing each token twice.
        let mut bufs: Vec<Buffers> = Vec::with_capacity(if two { sentences.len() } else { 0 });
        let mut one = Buffers::default();
        let mut tags: Vec<Vec<usize>> = Vec::with_capacity(sentences.len());
        for s in sentences {
            let buf = if two {
                bufs.push(Buffers::default());
                bufs.last_mut().expect("just pushed")
            } else {
                &mut one
            };
            ex.prepare(s, buf);
            ex.extract(buf, None, &mut feats);
            let mut out = Vec::new();
            self.decode_stage(0, &feats, &mut emit, &mut acc, &mut scratch, &mut out);
            tags.push(out);
        }
        if two {
            let lower: Vec<&[u64]> = bufs.iter().map(|b| &b.lower[..]).collect();
            let flags: Vec<Vec<u8>> = bufs
                .iter()
                .map(|b| b.info.iter().map(|t| t.flags).collect())
                .collect();
            let infos = doc_infos(&self.tagset, &lower, &flags, &tags);
            for (k, buf) in bufs.iter().enumerate() {
                ex.extract(buf, Some(&infos[k]), &mut feats);
                self.decode_stage(1, &feats, &mut emit, &mut acc, &mut scratch, &mut tags[k]);
            }
        }
        tags.iter().map(|t| self.tagset.decode(t)).collect()
    }
}

/// Sums each token's weight rows into `emit` for a tag set of `N` tags.
fn emissions<const N: usize>(weights: &[i16], feats: &SentFeats, emit: &mut [f32]) {
    for i in 0..feats.len() {
        let mut acc = [0i32; N];
        for &b in feats.token(i) {
            let start = b as usize * N;
            if let Some(row) = weights.get(start..start + N) {
                for t in 0..N {
                    acc[t] += row[t] as i32;
                }
            }
        }
        for t in 0..N {
            emit[i * N + t] = acc[t] as f32;
        }
    }
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
        assert_eq!(m2.stages, m.stages);
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
