//! The decoration drawn before a block's text: quote bars, list indentation,
//! bullets and the code indent. It is not canonical text, so it is built here
//! rather than stored in the document.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::document::Container;

/// Drawn once per enclosing block quote.
pub const QUOTE_BAR: &str = "│ ";

/// Indentation of a code block inside its container.
pub const CODE_INDENT: &str = "  ";

/// Indentation of a list level when no marker tells its width.
pub const DEFAULT_LIST_INDENT: u16 = 2;

/// The prefixes of a block's first line and of its other lines; both have the
/// same width so the text column does not move (hanging indent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefixes {
    /// Before the first line: shows the list marker, if any.
    pub first: String,
    /// Before every other line.
    pub rest: String,
    /// Cells either prefix takes.
    pub width: u16,
}

/// Builds the prefixes for a block in `container`, fitted to a `width`-cell
/// column so at least half of it is left for text. `list_indents[k]` is the
/// indentation of list level `k + 1` (the width of that level's marker and its
/// space); missing levels use [`DEFAULT_LIST_INDENT`].
pub fn prefixes(container: &Container, code: bool, list_indents: &[u16], width: u16) -> Prefixes {
    let mut pieces: Vec<(String, String)> = Vec::new();
    for _ in 0..container.quote_depth {
        pieces.push((QUOTE_BAR.to_string(), QUOTE_BAR.to_string()));
    }
    let depth = usize::from(container.list_depth);
    for level in 1..=depth {
        match container.marker.as_deref() {
            Some(marker) if level == depth => {
                let first = format!("{marker} ");
                let rest = " ".repeat(first.width());
                pieces.push((first, rest));
            }
            _ => {
                let indent = list_indents
                    .get(level - 1)
                    .copied()
                    .unwrap_or(DEFAULT_LIST_INDENT);
                let pad = " ".repeat(usize::from(indent));
                pieces.push((pad.clone(), pad));
            }
        }
    }
    if code {
        pieces.push((CODE_INDENT.to_string(), CODE_INDENT.to_string()));
    }
    fit(pieces, usize::from(width / 2))
}

/// Drops outer pieces until the prefix fits in `max` cells, then cuts the last
/// piece if it alone is too wide.
fn fit(mut pieces: Vec<(String, String)>, max: usize) -> Prefixes {
    let total = |p: &[(String, String)]| p.iter().map(|(f, _)| f.width()).sum::<usize>();
    let mut skip = 0;
    while skip < pieces.len() && total(&pieces[skip..]) > max {
        skip += 1;
    }
    if skip == pieces.len()
        && max > 0
        && let Some(last) = pieces.pop()
    {
        let first = truncate(&last.0, max);
        let rest = truncate(&last.1, max);
        let w = first.width().max(rest.width());
        return Prefixes {
            first: pad(first, w),
            rest: pad(rest, w),
            width: w as u16,
        };
    }
    let kept = pieces.get(skip..).unwrap_or(&[]);
    let first: String = kept.iter().map(|(f, _)| f.as_str()).collect();
    let rest: String = kept.iter().map(|(_, r)| r.as_str()).collect();
    let w = first.width().max(rest.width());
    Prefixes {
        first: pad(first, w),
        rest: pad(rest, w),
        width: w as u16,
    }
}

/// The longest run of whole clusters of `s` that fits in `max` cells.
fn truncate(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = g.width();
        if used + w > max {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out
}

fn pad(mut s: String, width: usize) -> String {
    let w = s.width();
    s.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(quotes: u8, lists: u8, marker: Option<&str>) -> Container {
        Container {
            quote_depth: quotes,
            list_depth: lists,
            marker: marker.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn quote_bars_per_level() {
        let p = prefixes(&container(2, 0, None), false, &[], 80);
        assert_eq!(p.first, "│ │ ");
        assert_eq!(p.rest, "│ │ ");
        assert_eq!(p.width, 4);
    }

    #[test]
    fn marker_then_hanging_indent() {
        let p = prefixes(&container(0, 1, Some("12.")), false, &[], 80);
        assert_eq!(p.first, "12. ");
        assert_eq!(p.rest, "    ");
        let nested = prefixes(&container(1, 2, Some("•")), false, &[4], 80);
        assert_eq!(nested.first, "│     • ");
        assert_eq!(nested.rest, "│       ");
    }

    #[test]
    fn list_paragraph_without_marker_uses_level_indent() {
        let p = prefixes(&container(0, 1, None), false, &[4], 80);
        assert_eq!(p.first, "    ");
    }

    #[test]
    fn code_indent_inside_quote() {
        let p = prefixes(&container(1, 0, None), true, &[], 80);
        assert_eq!(p.first, "│   ");
    }

    #[test]
    fn narrow_column_drops_outer_pieces() {
        let p = prefixes(&container(3, 1, Some("•")), false, &[], 6);
        assert_eq!(p.first, "• ");
        let p = prefixes(&container(3, 1, Some("12.")), false, &[], 4);
        assert_eq!((p.first.as_str(), p.width), ("12", 2));
        let p = prefixes(&container(3, 1, Some("•")), false, &[], 1);
        assert_eq!(p.width, 0);
    }
}
