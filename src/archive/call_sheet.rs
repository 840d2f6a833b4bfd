//! The call sheet of an evidence export: one PDF that a court or the police can read
//! without callrec — parties, times, the PBX's CDRs, the verdict, the hashes and who
//! signed the record.
//!
//! Written with `pdf-writer` (a small, well-kept writer of PDF objects) in the PDF's
//! built-in Helvetica, so no font is embedded; its WinAnsi encoding covers German and
//! the other Western European languages, anything else prints as `?`.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// A4 in points.
const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 50.0;

/// One line of the sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetLine {
    Title(String),
    Heading(String),
    /// A label and its value, side by side.
    Field(String, String),
    /// Running text, wrapped to the page.
    Text(String),
    /// Machine text (CDRs, hashes, log lines): a fixed-width face, wrapped.
    Code(String),
    Gap,
}

impl SheetLine {
    fn size(&self) -> f32 {
        match self {
            SheetLine::Title(_) => 16.0,
            SheetLine::Heading(_) => 12.0,
            SheetLine::Code(_) => 7.5,
            _ => 9.5,
        }
    }
}

/// The PDF of `lines`, on as many A4 pages as they need.
pub fn render(lines: &[SheetLine]) -> Vec<u8> {
    let pages = layout(lines);
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let fonts = [Ref::new(3), Ref::new(4), Ref::new(5)];
    let font_names = [Name(b"F1"), Name(b"F2"), Name(b"F3")];
    let first_page = 6;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    for (font, base) in fonts
        .iter()
        .zip([&b"Helvetica"[..], b"Helvetica-Bold", b"Courier"])
    {
        pdf.type1_font(*font)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (page_lines, id) in pages.iter().zip(&page_ids) {
        let content_id = Ref::new(id.get() + 1);
        let mut page = pdf.page(*id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut font_map = resources.fonts();
        for (name, font) in font_names.iter().zip(fonts) {
            font_map.pair(*name, font);
        }
        font_map.finish();
        resources.finish();
        page.finish();
        let mut content = Content::new();
        for placed in page_lines {
            content.begin_text();
            content.set_font(font_names[placed.font], placed.size);
            content.next_line(placed.x, placed.y);
            content.show(Str(&win_ansi(&placed.text)));
            content.end_text();
        }
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

/// A piece of text at its place on a page.
struct Placed {
    font: usize,
    size: f32,
    x: f32,
    y: f32,
    text: String,
}

/// Puts the lines on pages, wrapping long ones and starting a new page when one is full.
fn layout(lines: &[SheetLine]) -> Vec<Vec<Placed>> {
    let mut pages = vec![Vec::new()];
    let mut y = PAGE.1 - MARGIN;
    let width = PAGE.0 - 2.0 * MARGIN;
    for line in lines {
        let size = line.size();
        let (font, x, texts): (usize, f32, Vec<String>) = match line {
            SheetLine::Title(t) => (1, MARGIN, vec![t.clone()]),
            SheetLine::Heading(t) => {
                y -= 6.0;
                (1, MARGIN, vec![t.clone()])
            }
            SheetLine::Field(label, value) => {
                let label_width = 150.0;
                let chars = chars_for(width - label_width, size, 0.5);
                let mut parts = wrap(value, chars);
                if parts.is_empty() {
                    parts.push(String::new());
                }
                for (i, part) in parts.iter().enumerate() {
                    let page = next_line(&mut pages, &mut y, size);
                    if i == 0 {
                        page.push(Placed {
                            font: 1,
                            size,
                            x: MARGIN,
                            y,
                            text: label.clone(),
                        });
                    }
                    page.push(Placed {
                        font: 0,
                        size,
                        x: MARGIN + label_width,
                        y,
                        text: part.clone(),
                    });
                }
                continue;
            }
            SheetLine::Text(t) => (0, MARGIN, wrap(t, chars_for(width, size, 0.5))),
            SheetLine::Code(t) => (2, MARGIN, wrap(t, chars_for(width, size, 0.6))),
            SheetLine::Gap => {
                y -= size;
                continue;
            }
        };
        for text in texts {
            let page = next_line(&mut pages, &mut y, size);
            page.push(Placed {
                font,
                size,
                x,
                y,
                text,
            });
        }
    }
    pages
}

/// Moves down one line (onto a new page when this one is full) and returns the page.
fn next_line<'a>(pages: &'a mut Vec<Vec<Placed>>, y: &mut f32, size: f32) -> &'a mut Vec<Placed> {
    *y -= size * 1.35;
    if *y < MARGIN {
        pages.push(Vec::new());
        *y = PAGE.1 - MARGIN - size * 1.35;
    }
    pages.last_mut().expect("there is always a page")
}

/// How many characters of a face whose average width is `em` (in ems) fit in `width`.
fn chars_for(width: f32, size: f32, em: f32) -> usize {
    ((width / (size * em)) as usize).max(10)
}

/// Breaks `text` into pieces of at most `chars` characters, at spaces where it can.
fn wrap(text: &str, chars: usize) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let mut word = word.to_string();
            while word.chars().count() > chars {
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                let cut: String = word.chars().take(chars).collect();
                word = word.chars().skip(chars).collect();
                out.push(cut);
            }
            let needed =
                line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
            if needed > chars && !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        out.push(line);
    }
    out
}

/// The text in the Windows-1252 code page the built-in fonts use.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_and_fills_several_pages() {
        let mut lines = vec![SheetLine::Title("Call sheet".into())];
        for i in 0..200 {
            lines.push(SheetLine::Code(format!(
                "<cdr line=\"{i}\"> {}",
                "x".repeat(150)
            )));
        }
        let pages = layout(&lines);
        assert!(pages.len() > 3, "{} pages", pages.len());
        for page in &pages {
            for placed in page {
                assert!(placed.y >= MARGIN - 1.0 && placed.y <= PAGE.1 - MARGIN);
            }
        }
        let pdf = render(&lines);
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn german_letters_are_in_the_fonts_code_page() {
        assert_eq!(
            win_ansi("Gespräch – Größe"),
            b"Gespr\xe4ch \x96 Gr\xf6\xdfe"
        );
        assert_eq!(win_ansi("→"), b"?");
        assert_eq!(wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
    }
}
