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

/// A training sentence: features and gold tag indices.
struct Example {
    feats: SentFeats,
    gold: Vec<usize>,
}

/// The perceptron's weights with lazy averaging: the average is
/// `w - u / c`, where `u` accumulates each update times its time step.
struct Perceptron {
    nt: usize,
    w: Vec<i32>,
    u: Vec<i64>,
    tw: Vec<i32>,
    tu: Vec<i64>,
    c: i64,
}

impl Perceptron {
    fn new(bits: u32, nt: usize) -> Perceptron {
        Perceptron {
            nt,
            w: vec![0; (1 << bits) * nt],
            u: vec![0; (1 << bits) * nt],
            tw: vec![0; (nt + 1) * nt],
            tu: vec![0; (nt + 1) * nt],
            c: 1,
        }
    }

    fn decode(&self, ex: &Example, cons: &Constraints, sc: &mut Scratch, out: &mut Vec<usize>) {
        let nt = self.nt;
        let mut emit = vec![0f32; ex.gold.len() * nt];
        for i in 0..ex.gold.len() {
            let e = &mut emit[i * nt..(i + 1) * nt];
            for &b in ex.feats.token(i) {
                let row = &self.w[b as usize * nt..b as usize * nt + nt];
                for (x, &w) in e.iter_mut().zip(row) {
                    *x += w as f32;
                }
            }
        }
        let trans: Vec<f32> = self.tw.iter().map(|&t| t as f32).collect();
        decode::viterbi(&emit, &trans, cons, sc, out);
    }

    fn add(&mut self, feats: &[u32], tag: usize, d: i32) {
        let nt = self.nt;
        for &b in feats {
            let k = b as usize * nt + tag;
            self.w[k] += d;
            self.u[k] += self.c * d as i64;
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
                    self.add(ex.feats.token(i), g[i], 1);
                    self.add(ex.feats.token(i), pred[i], -1);
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
    let mut p = Perceptron::new(bits, cons.nt);
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

/// Trains a model. `log` receives progress lines (per-epoch dev scores).
pub fn train(
    docs: &[Document],
    dev: &[Document],
    opts: &Options,
    log: &mut dyn FnMut(&str),
) -> Model {
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
            ex1.push(Example {
                feats: f,
                gold: tagset.encode(&s.tags),
            });
            ex1_doc.push(k);
        }
        prepared.push(prepare_doc(&ex, d));
    }

    let eval = |model: &Model| -> String {
        if dev.is_empty() {
            return String::new();
        }
        let (g, p) = predict_corpus(model, dev);
        summary(&score(&g, &p))
    };

    log("stage 1 (local features)");
    let refs1: Vec<&Example> = ex1.iter().collect();
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
                log(&format!("  epoch {e:2}: dev {}", eval(&m)));
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
                let fold_gaz = &fold_gaz;
                s.spawn(move || {
                    let mut res = Vec::new();
                    for k in (t..folds).step_by(threads) {
                        let train_idx: Vec<usize> = (0..ex1.len())
                            .filter(|&i| ex1_doc[i] % folds != k)
                            .collect();
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
                            let tags = m.tag_document(&sents);
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
            ex2.push(Example {
                feats: f,
                gold: tagset.encode(&s.tags),
            });
        }
    }
    drop(refs1);
    drop(ex1);
    let refs2: Vec<&Example> = ex2.iter().collect();

    log("stage 2 (local + document features)");
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
                log(&format!("  epoch {e:2}: dev {}", eval(&m)));
            }
        },
    );
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
    }
}
