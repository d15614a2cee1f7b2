//! Training: an averaged structured perceptron over hashed features, with
//! constrained Viterbi decoding, in two stages (local features, then local
//! plus document-level features from the first stage's tags).
//!
//! Nothing seen at training time may know its own answer: the gazetteer
//! features of a training document come from a gazetteer built without that
//! document's fold, and the first-stage tags stage 2 learns from are
//! predicted by first-stage models trained without that fold (jackknifing).
//! Otherwise the model would learn to trust gazetteer and document features
//! far more than they deserve on new text.

use crate::ner::Label;
use crate::ner::conll::Document;
use crate::ner::decode::{self, Constraints, Scratch};
use crate::ner::features::{Buffers, Extractor, SentFeats};
use crate::ner::features::{hash_lower, hash_str};
use crate::ner::gazetteer::{Cues, Gazetteer, casing_class};
use crate::ner::model::{Model, Stage, doc_infos};
use crate::ner::score::{Report, conlleval};
use crate::ner::tags::{Scheme, Tag, TagSet};

/// Training settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub epochs: usize,
    pub seed: u64,
    /// log2 of the number of feature buckets.
    pub bits: u32,
    pub scheme: Scheme,
    /// Folds for the jackknifed gazetteer and first-stage tags.
    pub folds: usize,
    /// 1 = local features only; 2 = add the document-level stage.
    pub stages: usize,
    /// Perceptrons (differing in shuffling seed) averaged per stage.
    pub bags: usize,
    /// Keep the stage-2 epoch with the best mean dev F1 (one bag only).
    pub select_epoch: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            epochs: 12,
            seed: 1,
            bits: 18,
            scheme: Scheme::Iob2,
            folds: 10,
            stages: 2,
            bags: 1,
            select_epoch: false,
        }
    }
}

/// Deterministic xorshift64* for shuffling.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Feature templates (see `features.rs`) the auxiliary corpora's own
/// weights see in stage 1: the bias, the word, and its gazetteer matches
/// and name-word types. Measured on both Indonesian dev sets: fewer
/// templates leave the target convention blurred, more take too much of
/// what the auxiliary corpus teaches away from the shared weights.
const AUX_TEMPLATES_1: [u64; 6] = [1, 2, 3, 31, 32, 37];
/// Stage 2: the gazetteer matches, name-word types, and the document
/// features of the first stage's tag.
const AUX_TEMPLATES_2: [u64; 6] = [31, 32, 37, 40, 43, 44];

/// A training sentence: features and gold tag indices.
struct Example {
    feats: SentFeats,
    /// The features the auxiliary weights see (empty for domain 0).
    aux_feats: SentFeats,
    gold: Vec<usize>,
    /// 0: the target convention; k > 0: auxiliary corpus k, which also
    /// trains weights of its own (see [`Perceptron::aux`]).
    domain: u8,
}

/// The perceptron's weights with lazy averaging: the average is
/// `w - u / c`, where `u` accumulates each update times its time step.
///
/// Auxiliary corpora (annotated to other conventions) also get weights of
/// their own, `aux`, over the same features: while training on such a
/// corpus the tagger scores with `w + aux[k]` and updates both, so `aux[k]`
/// soaks up where that corpus's conventions differ and `w` keeps what the
/// corpora share ("frustratingly easy" domain adaptation). Only `w` is
/// kept in the model. The auxiliary weights see only a few templates
/// ([`AUX_TEMPLATES_1`], [`AUX_TEMPLATES_2`]), so that the shared weights
/// still learn most of what the auxiliary corpus teaches.
struct Perceptron {
    nt: usize,
    w: Vec<i32>,
    u: Vec<i64>,
    tw: Vec<i32>,
    tu: Vec<i64>,
    aux: Vec<Vec<i32>>,
    c: i64,
}

impl Perceptron {
    fn new(bits: u32, nt: usize, aux: usize) -> Perceptron {
        Perceptron {
            nt,
            w: vec![0; (1 << bits) * nt],
            u: vec![0; (1 << bits) * nt],
            tw: vec![0; (nt + 1) * nt],
            tu: vec![0; (nt + 1) * nt],
            aux: vec![vec![0; (1 << bits) * nt]; aux],
            c: 1,
        }
    }

    fn decode(&self, ex: &Example, cons: &Constraints, sc: &mut Scratch, out: &mut Vec<usize>) {
        let nt = self.nt;
        let mut emit = vec![0f32; ex.gold.len() * nt];
        let aux = (ex.domain as usize).checked_sub(1).map(|k| &self.aux[k]);
        for i in 0..ex.gold.len() {
            let e = &mut emit[i * nt..(i + 1) * nt];
            for &b in ex.feats.token(i) {
                let row = &self.w[b as usize * nt..b as usize * nt + nt];
                for (x, &w) in e.iter_mut().zip(row) {
                    *x += w as f32;
                }
            }
            if let Some(a) = aux {
                for &b in ex.aux_feats.token(i) {
                    let row = &a[b as usize * nt..b as usize * nt + nt];
                    for (x, &w) in e.iter_mut().zip(row) {
                        *x += w as f32;
                    }
                }
            }
        }
        let trans: Vec<f32> = self.tw.iter().map(|&t| t as f32).collect();
        decode::viterbi(&emit, &trans, cons, sc, out);
    }

    fn add(&mut self, ex: &Example, i: usize, tag: usize, d: i32) {
        let nt = self.nt;
        for &b in ex.feats.token(i) {
            let k = b as usize * nt + tag;
            self.w[k] += d;
            self.u[k] += self.c * d as i64;
        }
        if let Some(k) = (ex.domain as usize).checked_sub(1) {
            let a = &mut self.aux[k];
            for &b in ex.aux_feats.token(i) {
                a[b as usize * nt + tag] += d;
            }
        }
    }

    fn add_trans(&mut self, prev: Option<usize>, tag: usize, d: i32) {
        let k = prev.map_or(0, |p| p + 1) * self.nt + tag;
        self.tw[k] += d;
        self.tu[k] += self.c * d as i64;
    }

    fn learn(&mut self, ex: &Example, pred: &[usize]) {
        let g = &ex.gold;
        if g.as_slice() != pred {
            for i in 0..g.len() {
                if g[i] != pred[i] {
                    self.add(ex, i, g[i], 1);
                    self.add(ex, i, pred[i], -1);
                }
                let gp = if i > 0 { Some(g[i - 1]) } else { None };
                let pp = if i > 0 { Some(pred[i - 1]) } else { None };
                if gp != pp || g[i] != pred[i] {
                    self.add_trans(gp, g[i], 1);
                    self.add_trans(pp, pred[i], -1);
                }
            }
        }
        self.c += 1;
    }

    fn averaged_f32(&self) -> (Vec<f32>, Vec<f32>) {
        let c = self.c as f64;
        let avg = |w: &[i32], u: &[i64]| -> Vec<f32> {
            w.iter()
                .zip(u)
                .map(|(&w, &u)| (w as f64 - u as f64 / c) as f32)
                .collect()
        };
        (avg(&self.w, &self.u), avg(&self.tw, &self.tu))
    }

    fn averaged(&self) -> Stage {
        let (w, t) = self.averaged_f32();
        Stage::quantise(&w, &t)
    }
}

/// Trains `epochs` epochs; after each, `after_epoch` gets the averaged
/// stage and the epoch number.
fn train_stage(
    examples: &[&Example],
    bits: u32,
    cons: &Constraints,
    epochs: usize,
    seed: u64,
    mut after_epoch: impl FnMut(usize, &Perceptron),
) -> Perceptron {
    let aux = examples
        .iter()
        .map(|e| e.domain as usize)
        .max()
        .unwrap_or(0);
    let mut p = Perceptron::new(bits, cons.nt, aux);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = Rng::new(seed);
    let mut sc = Scratch::default();
    let mut pred = Vec::new();
    for epoch in 1..=epochs {
        rng.shuffle(&mut order);
        for &k in &order {
            let ex = examples[k];
            if ex.gold.is_empty() {
                continue;
            }
            p.decode(ex, cons, &mut sc, &mut pred);
            p.learn(ex, &pred);
        }
        after_epoch(epoch, &p);
    }
    p
}

/// Trains `bags` perceptrons that differ only in their shuffling seed (in
/// parallel) and averages their weights: a cheap ensemble that smooths out
/// the order sensitivity of the perceptron. Only the first reports epochs.
fn train_bagged(
    examples: &[&Example],
    bits: u32,
    cons: &Constraints,
    epochs: usize,
    seed: u64,
    bags: usize,
    after_epoch: impl FnMut(usize, &Perceptron),
) -> Stage {
    let bags = bags.max(1);
    let results: Vec<(Vec<f32>, Vec<f32>)> = std::thread::scope(|s| {
        let others: Vec<_> = (1..bags)
            .map(|b| {
                s.spawn(move || {
                    let sd = seed.wrapping_add(1000 * b as u64);
                    train_stage(examples, bits, cons, epochs, sd, |_, _| {}).averaged_f32()
                })
            })
            .collect();
        // The first runs here: its progress callback need not be Send.
        let first = train_stage(examples, bits, cons, epochs, seed, after_epoch).averaged_f32();
        let mut r = vec![first];
        r.extend(
            others
                .into_iter()
                .map(|h| h.join().expect("training thread panicked")),
        );
        r
    });
    let n = results.len() as f32;
    let mut it = results.into_iter();
    let (mut w, mut t) = it.next().expect("at least one bag");
    for (w2, t2) in it {
        w.iter_mut().zip(&w2).for_each(|(a, b)| *a += b);
        t.iter_mut().zip(&t2).for_each(|(a, b)| *a += b);
    }
    w.iter_mut().for_each(|x| *x /= n);
    t.iter_mut().for_each(|x| *x /= n);
    Stage::quantise(&w, &t)
}

/// Scores IOB2 predictions against gold with conlleval.
pub fn score(gold: &[Vec<Tag>], pred: &[Vec<Tag>]) -> Report {
    let pairs: Vec<(Vec<String>, Vec<String>)> = gold
        .iter()
        .zip(pred)
        .map(|(g, p)| {
            (
                g.iter().map(|t| t.to_string()).collect(),
                p.iter().map(|t| t.to_string()).collect(),
            )
        })
        .collect();
    conlleval(&pairs)
}

/// Tags every document of `docs` with `model`; returns (gold, predicted) per sentence.
pub fn predict_corpus(model: &Model, docs: &[Document]) -> (Vec<Vec<Tag>>, Vec<Vec<Tag>>) {
    let mut gold = Vec::new();
    let mut pred = Vec::new();
    for d in docs {
        let sents: Vec<&[String]> = d.sentences.iter().map(|s| &s.tokens[..]).collect();
        pred.extend(model.tag_document(&sents));
        gold.extend(d.sentences.iter().map(|s| s.tags.clone()));
    }
    (gold, pred)
}

/// One line summarising a report: PER/ORG/LOC micro F1 and per type.
pub fn summary(r: &Report) -> String {
    let mut s = format!(
        "PER/ORG/LOC micro F1 {:.2}",
        r.micro_over(&["PER", "ORG", "LOC"]).f1
    );
    for (t, p) in &r.per_type {
        s.push_str(&format!("  {t} {:.2}", p.f1));
    }
    s.push_str(&format!("  (all-type micro {:.2})", r.micro.f1));
    s
}

/// Types present in the training data, in [`Label::ALL`] order.
pub fn labels_in(docs: &[Document]) -> Vec<Label> {
    let mut seen = [false; 4];
    for s in docs.iter().flat_map(|d| &d.sentences) {
        for t in &s.tags {
            if let Some(l) = t.label() {
                seen[Label::ALL.iter().position(|&x| x == l).unwrap_or(0)] = true;
            }
        }
    }
    Label::ALL
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(l, _)| *l)
        .collect()
}

fn add_entities(g: &mut Gazetteer, doc: &Document) {
    for s in &doc.sentences {
        for (a, b, l) in crate::ner::tags::spans(&s.tags) {
            g.insert_tokens(&s.tokens[a..b], l);
            for t in &s.tokens[a..b] {
                if t.chars().next().is_some_and(char::is_alphabetic) {
                    g.insert_word_type(hash_str(t), l);
                }
            }
        }
    }
}

/// Casing classes of every word of the training text (labels unused).
fn casing_table(docs: &[Document]) -> Vec<(u64, u8)> {
    let mut counts: std::collections::HashMap<u64, (u32, u32)> = Default::default();
    for s in docs.iter().flat_map(|d| &d.sentences) {
        for (i, t) in s.tokens.iter().enumerate() {
            let Some(c) = t.chars().next() else { continue };
            if !c.is_alphabetic() {
                continue;
            }
            let e = counts.entry(hash_lower(t)).or_default();
            if c.is_uppercase() {
                // Sentence-initial capitals say nothing about the word.
                if i > 0 {
                    e.0 += 1;
                }
            } else if t.chars().all(|c| !c.is_uppercase()) {
                e.1 += 1;
            }
        }
    }
    let mut v: Vec<(u64, u8)> = counts
        .into_iter()
        .map(|(h, (c, l))| (h, casing_class(c, l)))
        .filter(|&(_, k)| k != 0)
        .collect();
    v.sort_unstable();
    v
}

/// Builds the gazetteer from countries plus the entities of `docs` whose
/// index is not in fold `skip` (`None`: all of them).
fn gazetteer(
    docs: &[Document],
    casing: &[(u64, u8)],
    folds: usize,
    skip: Option<usize>,
) -> Gazetteer {
    let mut g = Gazetteer::new();
    g.add_countries();
    for &(h, k) in casing {
        g.insert_word_casing(h, k);
    }
    for (k, d) in docs.iter().enumerate() {
        if skip != Some(k % folds) {
            add_entities(&mut g, d);
        }
    }
    g
}

/// Per document: per sentence lowercase hashes, flags, and stage-1 features.
struct Prepared {
    lower: Vec<Vec<u64>>,
    flags: Vec<Vec<u8>>,
}

fn prepare_doc(ex: &Extractor, doc: &Document) -> Prepared {
    let mut buf = Buffers::default();
    let mut p = Prepared {
        lower: Vec::new(),
        flags: Vec::new(),
    };
    for s in &doc.sentences {
        ex.prepare(&s.tokens, &mut buf);
        p.lower.push(buf.lower.clone());
        p.flags.push(buf.info.iter().map(|t| t.flags).collect());
    }
    p
}

/// Trains a model. `dev` are development sets scored after every epoch
/// (each, and their mean); `log` receives progress lines.
pub fn train(
    docs: &[Document],
    dev: &[Vec<Document>],
    opts: &Options,
    log: &mut dyn FnMut(&str),
) -> Model {
    train_weighted(docs, &[], dev, opts, log)
}

/// How a training document is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocUse {
    /// Times the document is seen per epoch (a corpus weight).
    pub copies: usize,
    /// 0 for the target annotation convention; k > 0 for auxiliary corpus
    /// k, whose own weights absorb where its convention differs (see
    /// [`Perceptron`]).
    pub domain: u8,
}

impl Default for DocUse {
    fn default() -> Self {
        DocUse {
            copies: 1,
            domain: 0,
        }
    }
}

/// Like [`train`], but document `k` is used as `uses[k]` says (missing
/// entries: once, target convention). The copies of a document share its
/// jackknife fold, so no copy learns from another's gazetteer entries or
/// first-stage tags.
pub fn train_weighted(
    docs: &[Document],
    uses: &[DocUse],
    dev: &[Vec<Document>],
    opts: &Options,
    log: &mut dyn FnMut(&str),
) -> Model {
    let use_of = |k: usize| uses.get(k).copied().unwrap_or_default();
    let copies_of = |k: usize| use_of(k).copies;
    let aux_keep = |tpl: u64| AUX_TEMPLATES_1.contains(&tpl);
    let aux_keep2 = |tpl: u64| AUX_TEMPLATES_2.contains(&tpl);
    let labels = labels_in(docs);
    let tagset = TagSet::new(opts.scheme, &labels);
    let cons = Constraints::new(&tagset);
    let cues = Cues::new();
    let folds = opts.folds.max(2);
    let casing = casing_table(docs);
    let full_gaz = gazetteer(docs, &casing, folds, None);
    let fold_gaz: Vec<Gazetteer> = (0..folds)
        .map(|k| gazetteer(docs, &casing, folds, Some(k)))
        .collect();
    log(&format!(
        "{} documents, {} sentences, {} tokens; labels {:?}; gazetteer {} entries",
        docs.len(),
        docs.iter().map(|d| d.sentences.len()).sum::<usize>(),
        docs.iter()
            .flat_map(|d| &d.sentences)
            .map(|s| s.tokens.len())
            .sum::<usize>(),
        labels,
        full_gaz.len()
    ));

    // Stage-1 examples, each document's gazetteer features from its fold's gazetteer.
    let mut ex1: Vec<Example> = Vec::new();
    let mut ex1_doc: Vec<usize> = Vec::new();
    let mut prepared = Vec::with_capacity(docs.len());
    let mut buf = Buffers::default();
    for (k, d) in docs.iter().enumerate() {
        let ex = Extractor {
            bits: opts.bits,
            gaz: &fold_gaz[k % folds],
            cues: &cues,
        };
        for s in &d.sentences {
            ex.prepare(&s.tokens, &mut buf);
            let mut f = SentFeats::default();
            ex.extract(&buf, None, &mut f);
            let mut af = SentFeats::default();
            if use_of(k).domain > 0 {
                ex.extract_if(&buf, None, aux_keep, &mut af);
            }
            ex1.push(Example {
                feats: f,
                aux_feats: af,
                gold: tagset.encode(&s.tags),
                domain: use_of(k).domain,
            });
            ex1_doc.push(k);
        }
        prepared.push(prepare_doc(&ex, d));
    }

    // A progress line and the mean PER/ORG/LOC micro F1 over the dev sets.
    let eval = |model: &Model| -> (String, f64) {
        let reports: Vec<Report> = dev
            .iter()
            .map(|d| {
                let (g, p) = predict_corpus(model, d);
                score(&g, &p)
            })
            .collect();
        let f1s: Vec<f64> = reports
            .iter()
            .map(|r| r.micro_over(&["PER", "ORG", "LOC"]).f1)
            .collect();
        let mean = f1s.iter().sum::<f64>() / f1s.len().max(1) as f64;
        if let [r] = &reports[..] {
            return (summary(r), mean);
        }
        let each: Vec<String> = f1s.iter().map(|f| format!("{f:.2}")).collect();
        let line = format!("PER/ORG/LOC micro F1 {} (mean {mean:.2})", each.join(" / "));
        (line, mean)
    };
    // Each document's examples, repeated per its copies.
    let repeat = |ex_doc: &[usize], keep: &dyn Fn(usize) -> bool| -> Vec<usize> {
        let mut idx = Vec::new();
        for (i, &k) in ex_doc.iter().enumerate() {
            if keep(k) {
                idx.extend(std::iter::repeat_n(i, copies_of(k)));
            }
        }
        idx
    };

    log("stage 1 (local features)");
    let refs1: Vec<&Example> = repeat(&ex1_doc, &|_| true)
        .into_iter()
        .map(|i| &ex1[i])
        .collect();
    let stage1 = train_bagged(
        &refs1,
        opts.bits,
        &cons,
        opts.epochs,
        opts.seed,
        opts.bags,
        |e, p| {
            if !dev.is_empty() {
                let m = Model::new(
                    tagset.clone(),
                    opts.bits,
                    full_gaz.clone(),
                    vec![p.averaged()],
                );
                log(&format!("  epoch {e:2}: dev {}", eval(&m).0));
            }
        },
    );
    if opts.stages < 2 {
        return Model::new(tagset, opts.bits, full_gaz, vec![stage1]);
    }

    // Jackknifed stage-1 tags for every training document.
    log(&format!("jackknife: {folds} first-stage models"));
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(folds);
    let fold_tags: Vec<Vec<(usize, Vec<Vec<usize>>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (ex1, ex1_doc, cons, tagset) = (&ex1, &ex1_doc, &cons, &tagset);
                let (fold_gaz, repeat) = (&fold_gaz, &repeat);
                s.spawn(move || {
                    let mut res = Vec::new();
                    for k in (t..folds).step_by(threads) {
                        let train_idx = repeat(ex1_doc, &|d| d % folds != k);
                        let subset: Vec<&Example> = train_idx.iter().map(|&i| &ex1[i]).collect();
                        let st = train_stage(
                            &subset,
                            opts.bits,
                            cons,
                            opts.epochs,
                            opts.seed,
                            |_, _| {},
                        )
                        .averaged();
                        let m =
                            Model::new(tagset.clone(), opts.bits, fold_gaz[k].clone(), vec![st]);
                        for (di, d) in docs.iter().enumerate() {
                            if di % folds != k {
                                continue;
                            }
                            let sents: Vec<&[String]> =
                                d.sentences.iter().map(|s| &s.tokens[..]).collect();
                            let tags = m.tag_document_raw(&sents);
                            let idx = tags.iter().map(|t| tagset.encode(t)).collect();
                            res.push((di, idx));
                        }
                    }
                    res
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("jackknife thread panicked"))
            .collect()
    });
    let mut doc_tags: Vec<Vec<Vec<usize>>> = vec![Vec::new(); docs.len()];
    for (di, t) in fold_tags.into_iter().flatten() {
        doc_tags[di] = t;
    }

    let mut ex2: Vec<Example> = Vec::with_capacity(ex1.len());
    let mut ex2_doc: Vec<usize> = Vec::with_capacity(ex1.len());
    for (k, d) in docs.iter().enumerate() {
        let ex = Extractor {
            bits: opts.bits,
            gaz: &fold_gaz[k % folds],
            cues: &cues,
        };
        let p = &prepared[k];
        let lower: Vec<&[u64]> = p.lower.iter().map(|l| &l[..]).collect();
        let infos = doc_infos(&tagset, &lower, &p.flags, &doc_tags[k]);
        for (si, s) in d.sentences.iter().enumerate() {
            ex.prepare(&s.tokens, &mut buf);
            let mut f = SentFeats::default();
            ex.extract(&buf, Some(&infos[si]), &mut f);
            let mut af = SentFeats::default();
            if use_of(k).domain > 0 {
                ex.extract_if(&buf, Some(&infos[si]), aux_keep2, &mut af);
            }
            ex2.push(Example {
                feats: f,
                aux_feats: af,
                gold: tagset.encode(&s.tags),
                domain: use_of(k).domain,
            });
            ex2_doc.push(k);
        }
    }
    drop(refs1);
    drop(ex1);
    let refs2: Vec<&Example> = repeat(&ex2_doc, &|_| true)
        .into_iter()
        .map(|i| &ex2[i])
        .collect();

    log("stage 2 (local + document features)");
    // With dev sets and `select_epoch`, the stage-2 epoch with the best mean
    // dev F1 (the earliest on a tie) is kept instead of the last one.
    let mut best: Option<(f64, usize, Stage)> = None;
    let stage2 = train_bagged(
        &refs2,
        opts.bits,
        &cons,
        opts.epochs,
        opts.seed.wrapping_add(1),
        opts.bags,
        |e, p| {
            if !dev.is_empty() {
                let m = Model::new(
                    tagset.clone(),
                    opts.bits,
                    full_gaz.clone(),
                    vec![stage1.clone(), p.averaged()],
                );
                let (line, mean) = eval(&m);
                log(&format!("  epoch {e:2}: dev {line}"));
                if opts.select_epoch && opts.bags <= 1 && best.as_ref().is_none_or(|b| mean > b.0) {
                    best = Some((mean, e, p.averaged()));
                }
            }
        },
    );
    let stage2 = match best {
        Some((mean, e, st)) => {
            log(&format!("kept stage-2 epoch {e} (mean dev F1 {mean:.2})"));
            st
        }
        None => stage2,
    };
    Model::new(tagset, opts.bits, full_gaz, vec![stage1, stage2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::conll::parse;

    #[test]
    fn learns_a_toy_corpus_deterministically() {
        let mut text = String::new();
        for name in ["Budi", "Siti", "Andi", "Joko", "Rina", "Agus"] {
            for city in ["Jakarta", "Bandung", "Medan"] {
                text.push_str(&format!(
                    "{name} B-PER\npergi O\nke O\n{city} B-LOC\n. O\n\n"
                ));
            }
        }
        let mut c = parse(&text, "toy").unwrap();
        crate::ner::conll::window_documents(&mut c, 3);
        let opts = Options {
            epochs: 3,
            bits: 14,
            folds: 3,
            ..Options::default()
        };
        let m = train(&c.documents, &[], &opts, &mut |_| {});
        let toks = ["Rina", "pergi", "ke", "Medan", "."];
        let tags = m.tag_document(&[&toks[..]]);
        assert_eq!(tags[0][0], Tag::B(Label::Per));
        assert_eq!(tags[0][3], Tag::B(Label::Loc));
        let m2 = train(&c.documents, &[], &opts, &mut |_| {});
        assert_eq!(m.to_bytes(), m2.to_bytes(), "same seed, same model");
        // Plain uses are the unweighted model.
        let plain = vec![DocUse::default(); c.documents.len()];
        let m3 = train_weighted(&c.documents, &plain, &[], &opts, &mut |_| {});
        assert_eq!(m.to_bytes(), m3.to_bytes());
        // An auxiliary half, weighted twice, still learns and is deterministic.
        let uses: Vec<DocUse> = (0..c.documents.len())
            .map(|k| DocUse {
                copies: 1 + k % 2,
                domain: (k % 2) as u8,
            })
            .collect();
        let dev = vec![c.documents.clone()];
        let opts = Options {
            select_epoch: true,
            ..opts
        };
        let a = train_weighted(&c.documents, &uses, &dev, &opts, &mut |_| {});
        let b = train_weighted(&c.documents, &uses, &dev, &opts, &mut |_| {});
        assert_eq!(a.to_bytes(), b.to_bytes());
        assert_eq!(a.tag_document(&[&toks[..]])[0][3], Tag::B(Label::Loc));
    }
}
