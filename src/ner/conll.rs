//! Reader for CoNLL-style column files: token in the first column, tag in
//! the last, whitespace or TAB separated, CRLF tolerated, blank lines between
//! sentences, `-DOCSTART-` lines between documents. Tags may be IOB1 or IOB2
//! and come out as IOB2 with normalised types.

use std::path::Path;

use crate::ner::tags::{self, Tag};

/// One sentence: tokens and their IOB2 tags (same length).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sentence {
    pub tokens: Vec<String>,
    pub tags: Vec<Tag>,
}

/// One document: the sentences between two `-DOCSTART-` lines (or a window
/// of sentences, see [`window_documents`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    pub sentences: Vec<Sentence>,
}

/// A malformed line, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConllError {
    pub file: String,
    /// 1-based line number; 0 when the file could not be read at all.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ConllError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            // Not about a line: the file itself could not be read.
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for ConllError {}

/// What a file contained: its documents, and whether any `-DOCSTART-` line
/// marked real document boundaries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Corpus {
    pub documents: Vec<Document>,
    pub has_docstart: bool,
}

impl Corpus {
    /// All sentences in order.
    pub fn sentences(&self) -> impl Iterator<Item = &Sentence> {
        self.documents.iter().flat_map(|d| d.sentences.iter())
    }

    /// Number of tokens.
    pub fn token_count(&self) -> usize {
        self.sentences().map(|s| s.tokens.len()).sum()
    }
}

/// Reads and parses a column file; errors name the file (and line).
pub fn read_file(path: &Path) -> Result<Corpus, ConllError> {
    let bytes = std::fs::read(path).map_err(|e| ConllError {
        file: path.display().to_string(),
        line: 0,
        message: format!("cannot read: {e}"),
    })?;
    let text = String::from_utf8_lossy(&bytes);
    parse(&text, &path.display().to_string())
}

/// Parses column-file text; `name` is used in error messages.
pub fn parse(text: &str, name: &str) -> Result<Corpus, ConllError> {
    let mut corpus = Corpus::default();
    let mut doc = Document::default();
    let mut sent = Sentence::default();
    let finish_sentence = |sent: &mut Sentence, doc: &mut Document| {
        if !sent.tokens.is_empty() {
            tags::to_iob2_from_iob1(&mut sent.tags);
            doc.sentences.push(std::mem::take(sent));
        }
    };
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let mut cols = line.split_whitespace();
        let Some(token) = cols.next() else {
            finish_sentence(&mut sent, &mut doc);
            continue;
        };
        if token == "-DOCSTART-" {
            finish_sentence(&mut sent, &mut doc);
            corpus.has_docstart = true;
            if !doc.sentences.is_empty() {
                corpus.documents.push(std::mem::take(&mut doc));
            }
            continue;
        }
        let Some(tag) = cols.next_back() else {
            return Err(ConllError {
                file: name.to_owned(),
                line: i + 1,
                message: format!("token `{token}` has no tag column"),
            });
        };
        let tag = Tag::parse(tag).map_err(|message| ConllError {
            file: name.to_owned(),
            line: i + 1,
            message,
        })?;
        if matches!(tag, Tag::L(_) | Tag::U(_)) {
            return Err(ConllError {
                file: name.to_owned(),
                line: i + 1,
                message: format!("BILOU tag `{tag}` in an IOB file"),
            });
        }
        sent.tokens.push(token.to_owned());
        sent.tags.push(tag);
    }
    finish_sentence(&mut sent, &mut doc);
    if !doc.sentences.is_empty() {
        corpus.documents.push(doc);
    }
    Ok(corpus)
}

/// For corpora without `-DOCSTART-` (the Indonesian ones), regroups the
/// sentences into documents of `window` consecutive sentences, so
/// document-level features see a neighbourhood of article size rather than
/// the whole corpus.
pub fn window_documents(corpus: &mut Corpus, window: usize) {
    if corpus.has_docstart || window == 0 {
        return;
    }
    let all: Vec<Sentence> = std::mem::take(&mut corpus.documents)
        .into_iter()
        .flat_map(|d| d.sentences)
        .collect();
    let mut it = all.into_iter().peekable();
    while it.peek().is_some() {
        corpus.documents.push(Document {
            sentences: it.by_ref().take(window).collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::Label;

    #[test]
    fn reads_conll2003_iob1_with_docstart() {
        let text = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ I-NP I-MISC\nBritish JJ I-NP B-MISC\n\n-DOCSTART- -X- O O\n\nPeter NNP I-NP I-PER\n";
        let c = parse(text, "t.txt").unwrap();
        assert!(c.has_docstart);
        assert_eq!(c.documents.len(), 2);
        let s = &c.documents[0].sentences[0];
        assert_eq!(s.tokens, ["EU", "rejects", "German", "British"]);
        assert_eq!(
            s.tags,
            [
                Tag::B(Label::Org),
                Tag::O,
                Tag::B(Label::Misc),
                Tag::B(Label::Misc)
            ]
        );
        assert_eq!(c.documents[1].sentences[0].tags, [Tag::B(Label::Per)]);
    }

    #[test]
    fn tolerates_crlf_tabs_and_aliases() {
        let text = "Joko\tB-PERSON\r\nWidodo\tI-PERSON\r\ndi\tO\r\n\r\nBank PROPN B-ORGANISATION\r\nJakarta PROPN B-PLACE\r\n";
        let c = parse(text, "id.txt").unwrap();
        assert!(!c.has_docstart);
        let s: Vec<_> = c.sentences().collect();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens, ["Joko", "Widodo", "di"]);
        assert_eq!(s[0].tags, [Tag::B(Label::Per), Tag::I(Label::Per), Tag::O]);
        assert_eq!(s[1].tags, [Tag::B(Label::Org), Tag::B(Label::Loc)]);
        assert_eq!(c.token_count(), 5);
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse("a O\nb\n", "x.txt").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("x.txt", 2));
        assert!(e.to_string().starts_with("x.txt:2:"));
        let e = parse("a O\n\nb Q-PER\n", "y.txt").unwrap_err();
        assert_eq!(e.line, 3);
        let e = read_file(Path::new("/nonexistent/file.txt")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/nonexistent/file.txt: cannot read")
        );
    }

    #[test]
    fn windows_documents_without_docstart() {
        let text = "a O\n\nb O\n\nc O\n";
        let mut c = parse(text, "w").unwrap();
        window_documents(&mut c, 2);
        assert_eq!(c.documents.len(), 2);
        assert_eq!(c.documents[1].sentences.len(), 1);
    }
}
