//! Splitting one wrapped line into styled spans at byte ranges. Marks come
//! in layers (entities below, search matches above); each layer is sorted
//! and non-overlapping, later layers patch earlier ones.

use std::borrow::Cow;
use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

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

    #[test]
    fn tabs_are_neutralised() {
        let line = styled_line("a\tb", 0..3, Style::new(), &[]);
        assert_eq!(line.spans[0].content, "a b");
    }
}
