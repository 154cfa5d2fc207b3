//! Writes EPUB books for tests, benchmarks and the committed fixture
//! (`tests/fixtures/epub/three-chapters.epub`, made by
//! `cargo run --example make_epub_fixture`): a zip with the `mimetype` entry
//! first and stored, `META-INF/container.xml`, a package document, an EPUB 3
//! navigation document, the chapters and any images. The zip is written
//! with fixed timestamps, so the same book gives the same bytes.

#![allow(dead_code)]

use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// One chapter: its file name, its name in the table of contents and its
/// XHTML body.
pub struct Chapter {
    pub file: String,
    pub label: String,
    pub body: String,
}

/// A book to write.
pub struct Book {
    pub title: String,
    pub author: String,
    pub date: String,
    pub chapters: Vec<Chapter>,
    /// Images: file name (under `images/`) and bytes.
    pub images: Vec<(String, Vec<u8>)>,
    /// Zip compression level for the text (0 = stored), so a test can pack
    /// the same book two ways.
    pub level: i64,
    /// Write the entries after `mimetype` in reverse order.
    pub reverse: bool,
}

/// A 1x1 PNG, for the image in the fixture.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The small book the tests read: three chapters (the second without a
/// heading of its own, so its name comes from the table of contents), a
/// navigation document and an image.
pub fn three_chapters() -> Book {
    Book {
        title: "The Lighthouse Keeper's Almanac".into(),
        author: "Mara Quill".into(),
        date: "2021-03-14".into(),
        chapters: vec![
            Chapter {
                file: "chapter-1.xhtml".into(),
                label: "One: The Lamp".into(),
                body: "<h1>The Lamp</h1>\n\
                    <p>The keeper trimmed the wick at dusk, as the almanac told him to.</p>\n\
                    <p>Oil came by boat on the first of every month.</p>"
                    .into(),
            },
            Chapter {
                file: "chapter-2.xhtml".into(),
                label: "Two: The Storm".into(),
                body: "<p>Rain drove against the glass for three nights running.</p>\n\
                    <p>On the fourth morning a gull sheltered on the gallery rail.</p>\n\
                    <blockquote><p>Keep the light, whatever the weather.</p></blockquote>"
                    .into(),
            },
            Chapter {
                file: "chapter-3.xhtml".into(),
                label: "Three: The Chart".into(),
                body: "<h1>The Chart</h1>\n\
                    <p>The chart of the bay hung above the stove.</p>\n\
                    <p><img src=\"../images/chart.png\" alt=\"A hand-drawn chart of the bay\"/></p>\n\
                    <p>Every wreck was marked on it in red ink.</p>"
                    .into(),
            },
        ],
        images: vec![("chart.png".into(), PNG.to_vec())],
        level: 6,
        reverse: false,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The bytes of the `.epub` file for `book`.
pub fn write(book: &Book) -> Vec<u8> {
    let mut entries: Vec<(String, Vec<u8>, bool)> = Vec::new();
    entries.push((
        "META-INF/container.xml".into(),
        br#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"#
        .to_vec(),
        true,
    ));
    let mut manifest = String::from(
        "    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n",
    );
    let mut spine = String::new();
    let mut nav_items = String::new();
    for (i, ch) in book.chapters.iter().enumerate() {
        manifest.push_str(&format!(
            "    <item id=\"c{i}\" href=\"text/{}\" media-type=\"application/xhtml+xml\"/>\n",
            ch.file
        ));
        spine.push_str(&format!("    <itemref idref=\"c{i}\"/>\n"));
        nav_items.push_str(&format!(
            "      <li><a href=\"text/{}\">{}</a></li>\n",
            ch.file,
            escape(&ch.label)
        ));
    }
    for (i, (name, _)) in book.images.iter().enumerate() {
        manifest.push_str(&format!(
            "    <item id=\"img{i}\" href=\"images/{name}\" media-type=\"image/png\"/>\n"
        ));
    }
    let opf = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</dc:identifier>
    <dc:title>{}</dc:title>
    <dc:creator>{}</dc:creator>
    <dc:date>{}</dc:date>
    <dc:language>en</dc:language>
    <meta property="dcterms:modified">2021-03-14T00:00:00Z</meta>
  </metadata>
  <manifest>
{manifest}  </manifest>
  <spine>
{spine}  </spine>
</package>
"#,
        escape(&book.title),
        escape(&book.author),
        escape(&book.date)
    );
    entries.push(("OEBPS/content.opf".into(), opf.into_bytes(), true));
    let nav = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Contents</title></head>
<body>
  <nav epub:type="toc" id="toc">
    <h1>Contents</h1>
    <ol>
{nav_items}    </ol>
  </nav>
</body>
</html>
"#
    );
    entries.push(("OEBPS/nav.xhtml".into(), nav.into_bytes(), true));
    for ch in &book.chapters {
        let xhtml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml">
<head><title>{}</title><link rel="stylesheet" href="../style.css"/></head>
<body>
{}
</body>
</html>
"#,
            escape(&ch.label),
            ch.body
        );
        entries.push((format!("OEBPS/text/{}", ch.file), xhtml.into_bytes(), true));
    }
    for (name, bytes) in &book.images {
        entries.push((format!("OEBPS/images/{name}"), bytes.clone(), false));
    }
    if book.reverse {
        entries.reverse();
    }

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/epub+zip").unwrap();
    for (name, bytes, text) in entries {
        let options = if text && book.level > 0 {
            SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(book.level))
        } else {
            stored
        };
        zip.start_file(name, options).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A long generated book of about `size` bytes of zip, for benchmarks: many
/// chapters of varied prose, so it compresses like a real book. The first
/// paragraph opens with `first_mark`.
pub fn long_book(size: usize, first_mark: &str) -> Vec<u8> {
    long_book_and_text(size, first_mark, "").0
}

/// [`long_book`] whose last paragraph ends with `last_mark`, and the same
/// book's text as plain text (chapter headings and paragraphs separated by
/// blank lines), for timing a pager on the same words.
pub fn long_book_and_text(size: usize, first_mark: &str, last_mark: &str) -> (Vec<u8>, String) {
    const WORDS: &[&str] = &[
        "the", "keeper", "lamp", "harbour", "storm", "light", "wick", "gallery", "tide", "chart",
        "wreck", "boat", "month", "oil", "glass", "rain", "gull", "rail", "stove", "bay", "night",
        "morning", "almanac", "weather", "north", "south", "channel", "reef", "signal", "fog",
        "bell", "rope", "ladder", "window", "logbook", "entry", "candle", "lantern", "cliff",
        "shore", "current", "anchor", "sail", "mast", "coast", "island", "pilot", "beacon",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut chapters = Vec::new();
    let mut text = String::new();
    let mut total = 0usize;
    // Deflate packs this prose about 3:1.
    let target = size * 3;
    let mut n = 0;
    while total < target {
        n += 1;
        let mut body = format!("<h1>Chapter {n}</h1>\n");
        text.push_str(&format!("Chapter {n}\n\n"));
        for p in 0..40 {
            let mut para = String::new();
            if n == 1 && p == 0 {
                para.push_str(first_mark);
                para.push(' ');
            }
            for w in 0..90 {
                let word = WORDS[(next() % WORDS.len() as u64) as usize];
                para.push_str(word);
                para.push(if w % 13 == 12 { '.' } else { ' ' });
                if w % 13 == 12 {
                    para.push(' ');
                }
            }
            body.push_str("<p>");
            body.push_str(&para);
            body.push_str("</p>\n");
            text.push_str(para.trim_end());
            text.push_str("\n\n");
        }
        total += body.len();
        chapters.push(Chapter {
            file: format!("ch{n:04}.xhtml"),
            label: format!("Chapter {n}"),
            body,
        });
    }
    if !last_mark.is_empty()
        && let Some(last) = chapters.last_mut()
    {
        let end = last.body.rfind("</p>").unwrap_or(last.body.len());
        last.body.insert_str(end, &format!(" {last_mark}"));
        let t = text.trim_end().len();
        text.truncate(t);
        text.push_str(&format!(" {last_mark}\n"));
    }
    let bytes = write(&Book {
        title: "A Long Generated Book".into(),
        author: "Bench Writer".into(),
        date: "2020-01-01".into(),
        chapters,
        images: Vec::new(),
        level: 6,
        reverse: false,
    });
    (bytes, text)
}
