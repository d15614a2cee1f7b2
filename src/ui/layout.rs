//! Geometry: where each pane goes for a terminal size, and the one wrapping
//! authority for article text.
//!
//! The body is wrapped once per width by [`DocLayout::new`]; every wrapped
//! line keeps its byte range into [`Article::body`] (or the title), so
//! highlights (search matches now, entities later) are split at byte ranges
//! and never re-derived from rendered text. The app caches one layout per
//! (article, width), so scrolling only renders the visible lines.

use std::ops::Range;

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::state::Focus;
use crate::article::Article;

/// Below this many columns the screen only says it is too small.
pub const MIN_WIDTH: u16 = 40;
/// Below this many rows the screen only says it is too small.
pub const MIN_HEIGHT: u16 = 10;
/// From this width on, list and reader are shown side by side; below it only
/// the focused pane is shown, so neither is squeezed unreadable.
pub const TWO_PANE_WIDTH: u16 = 70;
/// Rows one article takes in the list (title line, source/date line).
pub const LIST_ITEM_HEIGHT: u16 = 2;
/// From this width on, the entity panel is shown beside both the list and
/// the reader; below it, the panel takes the list's place unless the list
/// has focus.
pub const THREE_PANE_WIDTH: u16 = 110;

/// Where the panes go. A pane that is not shown at this size is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub list: Option<Rect>,
    pub reader: Option<Rect>,
    /// The entity panel, when it is open and there is room.
    pub entities: Option<Rect>,
    pub status: Rect,
}

/// True when `area` is large enough to draw the reader.
pub fn fits(area: Rect) -> bool {
    area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT
}

/// Splits the screen with the entity panel closed, or `None` when it is too
/// small (see [`fits`]).
pub fn panes(area: Rect, focus: Focus) -> Option<Panes> {
    panes_for(area, focus, false)
}

/// Splits the screen, with the entity panel when `panel_open`, or `None`
/// when it is too small (see [`fits`]). Wide: list, reader, panel side by
/// side. Medium: two columns, the panel beside the reader unless the list
/// has focus. Narrow: only the focused pane.
pub fn panes_for(area: Rect, focus: Focus, panel_open: bool) -> Option<Panes> {
    if !fits(area) {
        return None;
    }
    let [main, status] = area.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    let panel_width = |w: u16| (w / 4).clamp(26, 40);
    if panel_open && area.width >= THREE_PANE_WIDTH {
        let list_width = (area.width * 3 / 10).clamp(28, 48);
        let [list, reader, entities] = main.layout(&Layout::horizontal([
            Constraint::Length(list_width),
            Constraint::Fill(1),
            Constraint::Length(panel_width(area.width)),
        ]));
        return Some(Panes {
            list: Some(list),
            reader: Some(reader),
            entities: Some(entities),
            status,
        });
    }
    if panel_open && area.width >= TWO_PANE_WIDTH && focus != Focus::List {
        let [reader, entities] = main.layout(&Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(panel_width(area.width).max(area.width * 2 / 5)),
        ]));
        return Some(Panes {
            list: None,
            reader: Some(reader),
            entities: Some(entities),
            status,
        });
    }
    if area.width >= TWO_PANE_WIDTH {
        let list_width = (area.width * 2 / 5).clamp(28, 56);
        let [list, reader] = main.layout(&Layout::horizontal([
            Constraint::Length(list_width),
            Constraint::Fill(1),
        ]));
        Some(Panes {
            list: Some(list),
            reader: Some(reader),
            entities: None,
            status,
        })
    } else {
        let (list, reader, entities) = match focus {
            Focus::List => (Some(main), None, None),
            Focus::Reader => (None, Some(main), None),
            Focus::Entities if panel_open => (None, None, Some(main)),
            Focus::Entities => (None, Some(main), None),
        };
        Some(Panes {
            list,
            reader,
            entities,
            status,
        })
    }
}

/// The text area inside the list pane's border.
pub fn list_inner(pane: Rect) -> Rect {
    pane.inner(ratatui::layout::Margin::new(1, 1))
}

/// The rows inside the entity panel's border.
pub fn panel_inner(pane: Rect) -> Rect {
    pane.inner(ratatui::layout::Margin::new(1, 1))
}

/// The text area inside the reading pane's border and side padding.
pub fn reader_inner(pane: Rect) -> Rect {
    pane.inner(ratatui::layout::Margin::new(2, 1))
}

/// How many whole articles fit in a list of `rows` rows.
pub fn list_capacity(rows: u16) -> usize {
    list_capacity_for(rows, LIST_ITEM_HEIGHT)
}

/// Rows one list item takes: title and source/date, plus a line of top
/// entities when those are shown (`t`).
pub fn list_item_height(top_entities: bool) -> u16 {
    if top_entities {
        LIST_ITEM_HEIGHT + 1
    } else {
        LIST_ITEM_HEIGHT
    }
}

/// How many whole items of `item_height` rows fit in `rows` rows.
pub fn list_capacity_for(rows: u16, item_height: u16) -> usize {
    usize::from((rows / item_height.max(1)).max(1))
}

/// What a line of the article layout shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Part of the wrapped title; the range is into [`Article::title`].
    Title,
    /// `by AUTHOR`.
    Byline,
    /// `SOURCE · DATE`.
    Dateline,
    /// The entity legend: each type with its count in this article.
    Legend,
    /// Empty line (after the header, between paragraphs).
    Blank,
    /// Part of a wrapped paragraph; the range is into [`Article::body`].
    Body,
    /// The `Links` heading before the article's numbered links.
    LinksHeading,
    /// Part of link `index`'s URL (the range is into
    /// `Article::links[index]`); `first` on its first line, which shows `[N]`.
    Link { index: usize, first: bool },
}

/// One line of an article as laid out for a width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLine {
    pub kind: LineKind,
    /// Byte range into the title (for [`LineKind::Title`]) or the body (for
    /// [`LineKind::Body`]); empty otherwise.
    pub range: Range<usize>,
}

/// An article wrapped to one width: header, blank line, then the body's
/// paragraphs separated by blank lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLayout {
    pub width: u16,
    pub lines: Vec<DocLine>,
    /// Indices into `lines` of the body lines, in order (their ranges increase),
    /// for finding the line that shows a body offset.
    body_lines: Vec<usize>,
}

impl DocLayout {
    /// Lays `article` out for a text area `width` columns wide.
    pub fn new(article: &Article, width: u16) -> Self {
        let w = usize::from(width.max(1));
        let mut lines = Vec::new();
        for range in wrap_ranges(&article.title, w) {
            lines.push(DocLine {
                kind: LineKind::Title,
                range,
            });
        }
        if article
            .author
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty())
        {
            lines.push(DocLine {
                kind: LineKind::Byline,
                range: 0..0,
            });
        }
        if article.source.is_some() || article.published.is_some() {
            lines.push(DocLine {
                kind: LineKind::Dateline,
                range: 0..0,
            });
        }
        // Always there (also before the article is annotated), so that
        // entities arriving never shift the text under the reader.
        lines.push(DocLine {
            kind: LineKind::Legend,
            range: 0..0,
        });
        let mut body_lines = Vec::new();
        for (i, (start, para)) in article.paragraphs().enumerate() {
            if i > 0 || !lines.is_empty() {
                lines.push(DocLine {
                    kind: LineKind::Blank,
                    range: 0..0,
                });
            }
            for r in wrap_ranges(para, w) {
                body_lines.push(lines.len());
                lines.push(DocLine {
                    kind: LineKind::Body,
                    range: start + r.start..start + r.end,
                });
            }
        }
        if !article.links.is_empty() {
            lines.push(DocLine {
                kind: LineKind::Blank,
                range: 0..0,
            });
            lines.push(DocLine {
                kind: LineKind::LinksHeading,
                range: 0..0,
            });
            for (index, url) in article.links.iter().enumerate() {
                let label = format!("[{}] ", index + 1).len();
                for (k, range) in wrap_ranges(url, w.saturating_sub(label).max(1))
                    .into_iter()
                    .enumerate()
                {
                    lines.push(DocLine {
                        kind: LineKind::Link {
                            index,
                            first: k == 0,
                        },
                        range,
                    });
                }
            }
        }
        DocLayout {
            width,
            lines,
            body_lines,
        }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines shown when scrolled to `scroll` with `rows` rows.
    pub fn window(&self, scroll: usize, rows: usize) -> &[DocLine] {
        let start = scroll.min(self.lines.len());
        let end = start.saturating_add(rows).min(self.lines.len());
        &self.lines[start..end]
    }

    /// Largest useful scroll offset for `rows` rows.
    pub fn max_scroll(&self, rows: usize) -> usize {
        self.lines.len().saturating_sub(rows)
    }

    /// The line showing title byte `offset` (the first title line when the
    /// offset is before every line).
    pub fn line_of_title_offset(&self, offset: usize) -> Option<usize> {
        self.lines
            .iter()
            .enumerate()
            .take_while(|(_, l)| l.kind == LineKind::Title)
            .filter(|(i, l)| *i == 0 || l.range.start <= offset)
            .map(|(i, _)| i)
            .last()
    }

    /// The line showing body byte `offset` (or the nearest body line before it).
    pub fn line_of_body_offset(&self, offset: usize) -> Option<usize> {
        let after = self
            .body_lines
            .partition_point(|&l| self.lines[l].range.start <= offset);
        let pick = after.checked_sub(1).or(if self.body_lines.is_empty() {
            None
        } else {
            Some(0)
        })?;
        self.body_lines.get(pick).copied()
    }
}

/// Wraps one paragraph (no newlines) to `width` columns and returns the byte
/// range of each wrapped line within `text`. Words longer than the width are
/// broken; trailing spaces at a break are not part of a line.
pub fn wrap_ranges(text: &str, width: usize) -> Vec<Range<usize>> {
    use textwrap::{Options, WordSeparator, WrapAlgorithm};
    if text.is_empty() {
        return Vec::new();
    }
    // First-fit over ASCII spaces: linear time (a 1 MB paragraph must wrap
    // in a few milliseconds) and the familiar greedy look of a reader.
    let opts = Options::new(width.max(1))
        .word_separator(WordSeparator::AsciiSpace)
        .wrap_algorithm(WrapAlgorithm::FirstFit)
        .break_words(true);
    let base = text.as_ptr() as usize;
    let mut cursor = 0;
    let mut out = Vec::new();
    for line in textwrap::wrap(text, opts) {
        let ptr = line.as_ptr() as usize;
        // textwrap borrows each line from `text` when there is no indent, so
        // the pointer gives the offset; anything else (an empty static line)
        // is placed at the cursor so ranges stay ordered and in bounds.
        let start = if ptr >= base && ptr - base + line.len() <= text.len() {
            ptr - base
        } else {
            cursor
        };
        let end = (start + line.len()).min(text.len());
        if text.is_char_boundary(start) && text.is_char_boundary(end) {
            out.push(start..end);
            cursor = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn article(title: &str, body: &str) -> Article {
        Article {
            title: title.into(),
            body: body.into(),
            ..Article::default()
        }
    }

    #[test]
    fn wrapped_ranges_cover_every_word_in_order() {
        let text = "Li Lei meninggalkan ByteDance untuk bergabung dengan UCSB di Santa Barbara.";
        let ranges = wrap_ranges(text, 20);
        assert!(ranges.len() > 1);
        let joined: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(joined.join(" "), text);
        for r in &ranges {
            assert!(text[r.clone()].width() <= 20, "{:?}", &text[r.clone()]);
        }
    }

    #[test]
    fn long_words_and_wide_characters_are_broken_to_fit() {
        let text = "字节跳动人工智能实验室的研究员张一鸣";
        for w in 1..12 {
            let ranges = wrap_ranges(text, w);
            let joined: String = ranges.iter().map(|r| &text[r.clone()]).collect();
            assert_eq!(joined, text, "width {w}");
            for r in &ranges {
                // a single wide char may exceed a 1-column width, nothing else
                let s = &text[r.clone()];
                assert!(s.width() <= w.max(2), "width {w}: {s}");
            }
        }
    }

    #[test]
    fn layout_has_header_blank_and_separated_paragraphs() {
        let mut a = article("A title", "First para.\n\nSecond para.");
        a.author = Some("Ani".into());
        a.source = Some("Kompas".into());
        let l = DocLayout::new(&a, 40);
        let kinds: Vec<LineKind> = l.lines.iter().map(|d| d.kind).collect();
        use LineKind::*;
        assert_eq!(
            kinds,
            [Title, Byline, Dateline, Legend, Blank, Body, Blank, Body]
        );
        assert_eq!(&a.body[l.lines[7].range.clone()], "Second para.");
    }

    #[test]
    fn body_offset_finds_its_line() {
        let body = "one two three four five six seven eight nine ten";
        let a = article("T", body);
        let l = DocLayout::new(&a, 10);
        let off = body.find("seven").unwrap();
        let line = l.line_of_body_offset(off).unwrap();
        assert!(l.lines[line].range.contains(&off));
        assert_eq!(l.line_of_body_offset(0), Some(3));
    }

    #[test]
    fn window_never_goes_out_of_bounds() {
        let a = article("T", "x");
        let l = DocLayout::new(&a, 10);
        assert!(l.window(100, 5).is_empty());
        assert_eq!(l.window(0, 100).len(), l.len());
        assert_eq!(l.max_scroll(100), 0);
    }

    #[test]
    fn panes_split_and_too_small() {
        assert!(panes(Rect::new(0, 0, 39, 20), Focus::List).is_none());
        assert!(panes(Rect::new(0, 0, 80, 9), Focus::List).is_none());
        let p = panes(Rect::new(0, 0, 80, 24), Focus::List).unwrap();
        assert!(p.list.is_some() && p.reader.is_some());
        assert_eq!(p.status.height, 1);
        let p = panes(Rect::new(0, 0, 40, 12), Focus::Reader).unwrap();
        assert!(p.list.is_none() && p.reader.is_some());
    }

    #[test]
    fn the_entity_panel_goes_beside_the_reader() {
        let wide = panes_for(Rect::new(0, 0, 140, 30), Focus::Entities, true).unwrap();
        assert!(wide.list.is_some() && wide.reader.is_some() && wide.entities.is_some());
        let mid = Rect::new(0, 0, 80, 24);
        let p = panes_for(mid, Focus::Entities, true).unwrap();
        let (r, e) = (p.reader.unwrap(), p.entities.unwrap());
        assert!(p.list.is_none() && r.right() == e.x);
        let p = panes_for(mid, Focus::List, true).unwrap();
        assert!(p.list.is_some() && p.entities.is_none());
        let p = panes_for(Rect::new(0, 0, 40, 12), Focus::Entities, true).unwrap();
        assert!(p.entities.is_some() && p.reader.is_none());
        let p = panes_for(Rect::new(0, 0, 40, 12), Focus::Reader, true).unwrap();
        assert!(p.entities.is_none() && p.reader.is_some());
    }

    #[test]
    fn title_offsets_find_their_line() {
        let a = article(
            "Peneliti Alibaba Cloud pindah ke Universitas Nasional Singapura",
            "x",
        );
        let l = DocLayout::new(&a, 20);
        let off = a.title.find("Singapura").unwrap();
        let line = l.line_of_title_offset(off).unwrap();
        assert_eq!(l.lines[line].kind, LineKind::Title);
        assert!(l.lines[line].range.contains(&off));
        assert_eq!(l.line_of_title_offset(0), Some(0));
    }
}
