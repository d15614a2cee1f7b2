//! Splitting one wrapped line into styled spans at byte ranges. Marks come
//! in layers (entities at the bottom, then the selected entity's mentions,
//! then search matches); each layer is sorted and non-overlapping, later
//! layers patch earlier ones. Lines come from [`crate::ui::layout`], the one
//! wrapping authority, as byte ranges, so an entity split by a line break
//! is styled on both lines without re-deriving anything from rendered text.

use std::borrow::Cow;
use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::ner;
use crate::ui::theme::Theme;

/// A styled byte range of the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub range: Range<usize>,
    pub style: Style,
}

/// The marks of `layer` that overlap `line` (layer sorted by start, disjoint).
fn overlapping<'m>(layer: &'m [Mark], line: &Range<usize>) -> &'m [Mark] {
    let first = layer.partition_point(|m| m.range.end <= line.start);
    let last = first + layer[first..].partition_point(|m| m.range.start < line.end);
    &layer[first..last]
}

/// The entity spans (sorted, disjoint) touching `window` as a highlight
/// layer, each styled by its type; types switched off in `enabled`
/// (indexed like [`ner::Label::ALL`]) are left out. Only the spans near
/// the window are looked at, so a huge article costs the same per frame.
pub fn entity_marks(
    spans: &[ner::Span],
    window: Range<usize>,
    enabled: [bool; 4],
    theme: &Theme,
) -> Vec<Mark> {
    let first = spans.partition_point(|s| s.end() <= window.start);
    spans[first..]
        .iter()
        .take_while(|s| s.start() < window.end)
        .filter(|s| enabled[s.label.index()])
        .map(|s| Mark {
            range: s.start()..s.end(),
            style: theme.entity(s.label),
        })
        .collect()
}

/// Ranges (sorted, disjoint) as one layer in one style: the selected
/// entity's mentions, for instance.
pub fn uniform_marks(ranges: impl IntoIterator<Item = Range<usize>>, style: Style) -> Vec<Mark> {
    ranges
        .into_iter()
        .map(|range| Mark { range, style })
        .collect()
}

/// Builds the styled line for `text[line]`. Tabs become single spaces so
/// the text cannot move the cursor (and byte ranges stay the same).
pub fn styled_line<'a>(
    text: &'a str,
    line: Range<usize>,
    base: Style,
    layers: &[&[Mark]],
) -> Line<'a> {
    let line = line.start.min(text.len())..line.end.min(text.len());
    let mut cuts = vec![line.start, line.end];
    let hits: Vec<&[Mark]> = layers.iter().map(|l| overlapping(l, &line)).collect();
    for layer in &hits {
        for m in *layer {
            for p in [m.range.start, m.range.end] {
                if line.contains(&p) && text.is_char_boundary(p) {
                    cuts.push(p);
                }
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut spans = Vec::with_capacity(cuts.len());
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let Some(seg) = text.get(a..b) else { continue };
        let mut style = base;
        for layer in &hits {
            if let Some(m) = layer
                .iter()
                .find(|m| m.range.start <= a && b <= m.range.end)
            {
                style = style.patch(m.style);
            }
        }
        let seg: Cow<'a, str> = if seg.contains('\t') {
            Cow::Owned(seg.replace('\t', " "))
        } else {
            Cow::Borrowed(seg)
        };
        spans.push(Span::styled(seg, style));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    fn mark(range: Range<usize>, fg: Color) -> Mark {
        Mark {
            range,
            style: Style::new().fg(fg),
        }
    }

    fn parts(line: &Line<'_>) -> Vec<(String, Option<Color>)> {
        line.spans
            .iter()
            .map(|s| (s.content.to_string(), s.style.fg))
            .collect()
    }

    #[test]
    fn marks_split_the_line_at_their_bytes() {
        let text = "Li Lei joined ByteDance";
        let m = [mark(0..6, Color::Magenta), mark(14..23, Color::Blue)];
        let line = styled_line(text, 0..23, Style::new(), &[&m]);
        assert_eq!(
            parts(&line),
            [
                ("Li Lei".into(), Some(Color::Magenta)),
                (" joined ".into(), None),
                ("ByteDance".into(), Some(Color::Blue)),
            ]
        );
    }

    #[test]
    fn a_mark_across_a_line_break_styles_both_parts() {
        let text = "Zhang Yiming";
        let m = [mark(0..12, Color::Magenta)];
        let first = styled_line(text, 0..5, Style::new(), &[&m]);
        let second = styled_line(text, 6..12, Style::new(), &[&m]);
        assert_eq!(parts(&first), [("Zhang".into(), Some(Color::Magenta))]);
        assert_eq!(parts(&second), [("Yiming".into(), Some(Color::Magenta))]);
    }

    #[test]
    fn later_layers_patch_earlier_ones_and_multibyte_is_safe() {
        let text = "Gedung Merah Putih di Jakarta—ibu kota";
        let entity = [Mark {
            range: 22..29,
            style: Style::new().fg(Color::Green).add_modifier(Modifier::ITALIC),
        }];
        let found = [mark(25..31, Color::Yellow)];
        let line = styled_line(text, 0..text.len(), Style::new(), &[&entity, &found]);
        let p = parts(&line);
        assert!(p.contains(&("Jak".into(), Some(Color::Green))), "{p:?}");
        assert!(p.contains(&("arta".into(), Some(Color::Yellow))), "{p:?}");
        // the em dash is 3 bytes; a mark ending inside it is ignored, not a panic
        assert_eq!(
            line.spans.iter().map(|s| s.content.len()).sum::<usize>(),
            text.len()
        );
        let italic = line.spans.iter().find(|s| s.content == "arta").unwrap();
        assert!(italic.style.add_modifier.contains(Modifier::ITALIC));
    }

    use crate::ner::Label;
    use crate::ui::layout::wrap_ranges;

    /// The style of every byte of `text` as drawn when wrapped to `width`
    /// (bytes dropped at a break are `None`), with `layers` applied.
    fn drawn(text: &str, width: usize, layers: &[&[Mark]]) -> Vec<Option<Style>> {
        let mut out = vec![None; text.len()];
        for r in wrap_ranges(text, width) {
            let line = styled_line(text, r.clone(), Style::new(), layers);
            let mut at = r.start;
            for span in &line.spans {
                out[at..at + span.content.len()].fill(Some(span.style));
                at += span.content.len();
            }
            assert_eq!(at, r.end, "a line lost or gained bytes");
        }
        out
    }

    fn spans(text: &str, ents: &[(&str, Label)]) -> Vec<ner::Span> {
        let mut from = 0;
        ents.iter()
            .map(|(m, label)| {
                let start = from + text[from..].find(m).unwrap();
                from = start + m.len();
                ner::Span::new(start, from, *label)
            })
            .collect()
    }

    /// Wraps `text` at every width from 1 to its length and checks that each
    /// entity byte is drawn in its type's style and every other drawn byte
    /// in the base style.
    fn check_all_widths(text: &str, ents: &[(&str, Label)]) {
        let theme = Theme::default();
        let sp = spans(text, ents);
        let marks = entity_marks(&sp, 0..text.len(), [true; 4], &theme);
        for width in 1..=text.len() {
            let styles = drawn(text, width, &[&marks]);
            for (b, st) in styles.iter().enumerate() {
                let Some(st) = st else {
                    assert_eq!(
                        text.as_bytes()[b],
                        b' ',
                        "width {width}: byte {b} not drawn"
                    );
                    continue;
                };
                let want = sp
                    .iter()
                    .find(|s| s.start() <= b && b < s.end())
                    .map_or(Style::new(), |s| theme.entity(s.label));
                assert_eq!(*st, want, "width {width}, byte {b} of {text:?}");
            }
        }
    }

    #[test]
    fn entities_at_line_start_and_end_survive_wrapping() {
        check_all_widths(
            "Chen Wei bertemu Liu Yang",
            &[("Chen Wei", Label::Per), ("Liu Yang", Label::Per)],
        );
    }

    #[test]
    fn an_entity_across_a_break_is_styled_on_both_lines() {
        let text = "direktur Microsoft Research Asia di Beijing";
        check_all_widths(
            text,
            &[
                ("Microsoft Research Asia", Label::Org),
                ("Beijing", Label::Loc),
            ],
        );
        // At width 20 the organisation really is split over two lines.
        let theme = Theme::default();
        let sp = spans(text, &[("Microsoft Research Asia", Label::Org)]);
        let marks = entity_marks(&sp, 0..text.len(), [true; 4], &theme);
        let lines = wrap_ranges(text, 20);
        let styled: Vec<Vec<(String, Style)>> = lines
            .iter()
            .map(|r| {
                styled_line(text, r.clone(), Style::new(), &[&marks])
                    .spans
                    .iter()
                    .map(|s| (s.content.to_string(), s.style))
                    .collect()
            })
            .collect();
        assert_eq!(styled[0][1], ("Microsoft".into(), theme.entity_org));
        assert_eq!(styled[1][0], ("Research Asia".into(), theme.entity_org));
    }

    #[test]
    fn adjacent_entities_keep_their_own_styles() {
        // Two entities with no byte between them, and one right after a quote.
        check_all_widths(
            "ByteDanceBeijing “Huawei”",
            &[
                ("ByteDance", Label::Org),
                ("Beijing", Label::Loc),
                ("Huawei", Label::Org),
            ],
        );
    }

    #[test]
    fn wide_characters_are_split_on_char_boundaries() {
        check_all_widths(
            "字节跳动的张一鸣在北京",
            &[
                ("字节跳动", Label::Org),
                ("张一鸣", Label::Per),
                ("北京", Label::Loc),
            ],
        );
    }

    #[test]
    fn switched_off_types_and_the_window_limit_marks() {
        let theme = Theme::default();
        let text = "Chen Wei di Beijing dan Shanghai";
        let sp = spans(
            text,
            &[
                ("Chen Wei", Label::Per),
                ("Beijing", Label::Loc),
                ("Shanghai", Label::Loc),
            ],
        );
        let only_per = entity_marks(&sp, 0..text.len(), [true, true, false, true], &theme);
        assert_eq!(only_per.len(), 1);
        assert_eq!(only_per[0].style, theme.entity_per);
        let window = entity_marks(&sp, 9..19, [true; 4], &theme);
        assert_eq!(window.len(), 1);
        assert_eq!(&text[window[0].range.clone()], "Beijing");
    }

    #[test]
    fn search_and_selection_layers_go_on_top_of_entities() {
        let theme = Theme::default();
        let text = "Zhao Xinyi di ByteDance";
        let sp = spans(
            text,
            &[("Zhao Xinyi", Label::Per), ("ByteDance", Label::Org)],
        );
        let ents = entity_marks(&sp, 0..text.len(), [true; 4], &theme);
        let selected = uniform_marks(std::iter::once(0..10), theme.mention_selected);
        let found = [mark(5..8, Color::Yellow)];
        let line = styled_line(
            text,
            0..text.len(),
            Style::new(),
            &[&ents, &selected, &found],
        );
        let zhao = line.spans.iter().find(|s| s.content == "Zhao ").unwrap();
        assert_eq!(zhao.style, theme.entity_per.patch(theme.mention_selected));
        let xin = line.spans.iter().find(|s| s.content == "Xin").unwrap();
        assert_eq!(xin.style.fg, Some(Color::Yellow));
        assert!(xin.style.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn tabs_are_neutralised() {
        let line = styled_line("a\tb", 0..3, Style::new(), &[]);
        assert_eq!(line.spans[0].content, "a b");
    }
}
