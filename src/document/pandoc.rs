//! Pandoc's title block: up to three `%` lines at the very start of a
//! Markdown file give its title, authors and date (`% Rust Release Notes`).
//! Without it the title would read `% Rust Release Notes`.

use super::meta::{Metadata, parse_date};
use super::piece::Piece;
use super::sanitize::sanitize;
use super::{BlockKind, Container, markdown};

/// What a title block yields: metadata, the blocks shown for it (a level-1
/// heading and a byline) and where the body starts.
pub(super) struct TitleBlock {
    pub meta: Metadata,
    pub pieces: Vec<Piece>,
    pub end: usize,
}

/// Reads a title block starting at `from`: lines that start with `%` (title,
/// then authors, then date), each continued by lines that start with a space.
/// `None` when the source does not start with `%`.
pub(super) fn title_block(src: &str, from: usize) -> Option<TitleBlock> {
    let rest = src.get(from..)?;
    if !rest.starts_with('%') {
        return None;
    }
    let mut fields: Vec<String> = Vec::new();
    let mut end = from;
    let mut pos = from;
    for line in rest.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        if let Some(field) = text.strip_prefix('%') {
            if fields.len() == 3 {
                break;
            }
            fields.push(field.trim().to_owned());
        } else if text.starts_with([' ', '\t']) && !text.trim().is_empty() {
            if let Some(last) = fields.last_mut() {
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(text.trim());
            }
        } else {
            break;
        }
        pos += line.len();
        end = pos - (line.len() - text.len());
    }
    let mut fields = fields.into_iter();
    let title = fields.next().filter(|t| !t.is_empty());
    let author = fields.next().filter(|a| !a.is_empty());
    let date_text = fields.next().filter(|d| !d.is_empty());
    let mut pieces = Vec::new();
    let mut title_text = None;
    if let Some(title) = &title {
        // The title may hold inline Markdown (`*emphasis*`, links).
        let mut heading = markdown::parse(&format!("# {title}"), 0);
        if let Some(mut piece) = heading.pop().filter(|_| heading.is_empty()) {
            // Parsed from a stand-in line, not from the source itself.
            piece.source.clear();
            piece.kind = BlockKind::Heading(1);
            piece.container = Container::default();
            piece.joinable = false;
            title_text = Some(piece.text.clone());
            pieces.push(piece);
        }
    }
    let byline: Vec<&str> = [author.as_deref(), date_text.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !byline.is_empty() {
        let mut piece = Piece::new(BlockKind::Byline, Container::default());
        piece.text = sanitize(&byline.join("\n")).into_owned();
        pieces.push(piece);
    }
    let meta = Metadata {
        title: title_text,
        author: author.map(|a| sanitize(&a).into_owned()),
        date: date_text.as_deref().and_then(parse_date),
        source_url: None,
        date_text: date_text.map(|d| sanitize(&d).into_owned()),
    };
    Some(TitleBlock { meta, pieces, end })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_author_and_date_lines() {
        let src = "% Release *Notes*\n% Ann Lee; Bo Chan\n% 15 April 2021\n\nBody.";
        let b = title_block(src, 0).map(|b| (b.meta, b.pieces, b.end));
        let Some((meta, pieces, end)) = b else {
            panic!("no title block");
        };
        assert_eq!(meta.title.as_deref(), Some("Release Notes"));
        assert_eq!(meta.author.as_deref(), Some("Ann Lee; Bo Chan"));
        assert_eq!(meta.date, chrono::NaiveDate::from_ymd_opt(2021, 4, 15));
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0].kind, BlockKind::Heading(1));
        assert_eq!(pieces[1].text, "Ann Lee; Bo Chan\n15 April 2021");
        assert_eq!(&src[end..], "\n\nBody.");
    }

    #[test]
    fn continuation_lines_and_empty_fields() {
        let src = "% A title that\n  goes on\n%\n% 2021-04-15\nBody";
        let Some(b) = title_block(src, 0) else {
            panic!("no title block");
        };
        assert_eq!(b.meta.title.as_deref(), Some("A title that goes on"));
        assert_eq!(b.meta.author, None);
        assert_eq!(b.meta.date_text.as_deref(), Some("2021-04-15"));
        assert_eq!(&src[b.end..], "\nBody");
        assert!(title_block("No block", 0).is_none());
    }
}
