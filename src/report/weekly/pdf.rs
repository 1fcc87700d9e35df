//! The weekly list as a printable A4 PDF for the municipality's enforcement officers.
//!
//! Choices:
//! - Fonts: the standard 14 fonts Helvetica and Helvetica-Bold (Type 1, not embedded) with
//!   `WinAnsiEncoding`. Every PDF reader has them, the file stays small and the text stays
//!   selectable and extractable (`pdftotext`), and no font file has to ship with webwacht.
//!   The price is the character set: text is encoded to Windows-1252 here, and characters
//!   outside it (emoji, CJK, most of Latin Extended) print as `?`.
//! - Layout by hand: `pdf-writer` is a low-level writer (objects, content-stream operators)
//!   and there is no well-kept pure-Rust layout engine that works without font files. The
//!   layout needed is simple: lines of text, wrapped with the Adobe AFM glyph widths of the
//!   two fonts, greedy by word, by character for a word longer than a line (URLs, hostile
//!   names). The page count is known only after layout, so the rows are laid out into pages
//!   first and the pages (with their footers "Pagina X van Y") written after.
//! - Safety: text from ad pages (advertiser, explanation) is attacker-controlled. It only
//!   ever reaches the file as the operand of a text-showing operator through `Str`, which
//!   escapes parentheses and backslashes (or writes a hex string); no content stream is
//!   built by formatting strings. C0 controls are dropped (`\n` breaks the line, a tab is
//!   a space).
//! - Deterministic: the same list gives the same bytes. No clock, no random ids: the Info
//!   dictionary's date is the list's `made_at` and the document ID a SHA-256 of the pages.
//! - Times are shown as `YYYY-MM-DD HH:MM` in Amsterdam time, as in the XLSX; a time that
//!   does not parse as RFC 3339 is shown as it is.

use chrono::{DateTime, Datelike, FixedOffset, Offset, Timelike};
use chrono_tz::Europe::Amsterdam;
use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::model::{summary_per_rule, ListRow, WeeklyList};

// ---------------------------------------------------------------------------------------
// Page geometry (PDF points, origin bottom left).

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN_X: f32 = 50.0;
const CONTENT_LEFT: f32 = MARGIN_X;
const CONTENT_RIGHT: f32 = PAGE_WIDTH - MARGIN_X;
const CONTENT_WIDTH: f32 = CONTENT_RIGHT - CONTENT_LEFT;
/// The top of the first line of a page.
const CONTENT_TOP: f32 = PAGE_HEIGHT - 50.0;
/// No line goes below this; the footer lives under it.
const CONTENT_BOTTOM: f32 = 64.0;
const CONTENT_HEIGHT: f32 = CONTENT_TOP - CONTENT_BOTTOM;
const FOOTER_RULE_Y: f32 = 48.0;
const FOOTER_BASELINE: f32 = 36.0;
/// Width of the summary table (rule title and count).
const TABLE_WIDTH: f32 = 380.0;
/// Space between a label column and its values.
const LABEL_GAP: f32 = 12.0;

// ---------------------------------------------------------------------------------------
// Fonts and text styles.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    /// The resource name in the page's font dictionary.
    fn resource(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    /// The advance width of a Windows-1252 byte, in 1/1000 of the font size.
    fn glyph_width(self, byte: u8) -> u16 {
        let table = match self {
            Font::Regular => &HELVETICA_WIDTHS,
            Font::Bold => &HELVETICA_BOLD_WIDTHS,
        };
        byte.checked_sub(0x20).map_or(0, |i| table[usize::from(i)])
    }
}

/// How a line of text looks: font, size, line height and gray level (0 is black).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    font: Font,
    size: f32,
    leading: f32,
    gray: f32,
}

impl Style {
    const fn new(font: Font, size: f32, leading: f32, gray: f32) -> Self {
        Style {
            font,
            size,
            leading,
            gray,
        }
    }

    /// The width of `text` (Windows-1252) in points.
    fn width(self, text: &[u8]) -> f32 {
        let units: u32 = text
            .iter()
            .map(|&b| u32::from(self.font.glyph_width(b)))
            .sum();
        units as f32 * self.size / 1000.0
    }

    /// The distance from the top of a line to its baseline: the glyphs (ascender 718,
    /// descender 207 in Helvetica) centred in the line height.
    fn baseline(self) -> f32 {
        (self.leading - 0.925 * self.size) / 2.0 + 0.718 * self.size
    }
}

const TITLE: Style = Style::new(Font::Bold, 18.0, 24.0, 0.0);
const META_LABEL: Style = Style::new(Font::Bold, 10.0, 14.0, 0.0);
const META_VALUE: Style = Style::new(Font::Regular, 10.0, 14.0, 0.0);
const NOTE: Style = Style::new(Font::Bold, 9.0, 12.0, 0.25);
const SECTION: Style = Style::new(Font::Bold, 12.5, 18.0, 0.0);
const TABLE_HEAD: Style = Style::new(Font::Bold, 9.5, 14.0, 0.0);
const TABLE_CELL: Style = Style::new(Font::Regular, 9.5, 13.0, 0.0);
const TOTAL: Style = Style::new(Font::Bold, 10.0, 15.0, 0.0);
const BODY: Style = Style::new(Font::Regular, 10.0, 14.0, 0.0);
const BLOCK_HEADING: Style = Style::new(Font::Bold, 10.5, 15.0, 0.0);
const CONTINUED: Style = Style::new(Font::Bold, 9.0, 13.0, 0.4);
const FIELD_LABEL: Style = Style::new(Font::Bold, 9.0, 12.5, 0.3);
const FIELD_VALUE: Style = Style::new(Font::Regular, 9.0, 12.5, 0.0);
const FOOTER: Style = Style::new(Font::Regular, 8.0, 10.0, 0.35);

// Advance widths of the printable WinAnsiEncoding characters 0x20..=0xFF, in 1/1000 em,
// from Adobe's Core 14 AFM files Helvetica.afm and Helvetica-Bold.afm (version 002.000,
// 1997; the `WX` of each glyph the encoding names, e.g. 0xE9 `eacute`). Accented letters
// have the width of their base letter there. Codes the encoding leaves undefined (0x7F,
// 0x81, 0x8D, 0x8F, 0x90, 0x9D) are 0; they are never written (see `winansi_byte`).
#[rustfmt::skip]
const HELVETICA_WIDTHS: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20..=0x2f
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30..=0x3f
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40..=0x4f
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50..=0x5f
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60..=0x6f
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0, // 0x70..=0x7f
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80..=0x8f
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, // 0x90..=0x9f
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xa0..=0xaf
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xb0..=0xbf
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xc0..=0xcf
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xd0..=0xdf
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xe0..=0xef
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xf0..=0xff
];
#[rustfmt::skip]
const HELVETICA_BOLD_WIDTHS: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20..=0x2f
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30..=0x3f
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40..=0x4f
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50..=0x5f
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60..=0x6f
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0, // 0x70..=0x7f
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80..=0x8f
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, // 0x90..=0x9f
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xa0..=0xaf
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xb0..=0xbf
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xc0..=0xcf
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xd0..=0xdf
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xe0..=0xef
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xf0..=0xff
];

// ---------------------------------------------------------------------------------------
// Text: Unicode to Windows-1252, wrapping.

/// `s` as paragraphs of Windows-1252 bytes, one per `\n` (also `\r\n`, `\r`, U+2028,
/// U+2029). Composed first (NFC), so a decomposed "é" prints as "é". Controls are dropped
/// (a tab becomes a space), and so are invisible format characters (zero-width space,
/// BOM, soft hyphen); anything else outside Windows-1252 becomes `?`.
fn winansi_paragraphs(s: &str) -> Vec<Vec<u8>> {
    let mut paragraphs = vec![Vec::new()];
    let mut previous_cr = false;
    for c in s.nfc() {
        let after_cr = previous_cr;
        previous_cr = c == '\r';
        match c {
            '\n' if after_cr => {}
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => paragraphs.push(Vec::new()),
            '\t' => push_byte(&mut paragraphs, b' '),
            '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            c if c.is_control() => {}
            c => push_byte(&mut paragraphs, winansi_byte(c)),
        }
    }
    paragraphs
}

fn push_byte(paragraphs: &mut [Vec<u8>], byte: u8) {
    if let Some(last) = paragraphs.last_mut() {
        last.push(byte);
    }
}

/// `s` on one line: paragraphs joined by a space.
fn winansi_line(s: &str) -> Vec<u8> {
    winansi_paragraphs(s).join(&b' ')
}

/// The Windows-1252 byte of a printable character, `?` for one it lacks.
fn winansi_byte(c: char) -> u8 {
    match c {
        ' '..='~' | '\u{A0}'..='\u{FF}' => c as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => b'?',
    }
}

/// `text` broken into lines no wider than `max_width`: greedy by word (runs of spaces
/// collapse), and by character for a word longer than a line. Always at least one line.
fn wrap(text: &[u8], style: Style, max_width: f32) -> Vec<Vec<u8>> {
    let space = style.width(b" ");
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let mut line_width = 0.0;
    for word in text.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        let word_width = style.width(word);
        if !line.is_empty() {
            if line_width + space + word_width <= max_width {
                line.push(b' ');
                line.extend_from_slice(word);
                line_width += space + word_width;
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        if word_width <= max_width {
            line.extend_from_slice(word);
            line_width = word_width;
        } else {
            line_width = break_word(word, style, max_width, &mut lines, &mut line);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lay a word wider than a line out by character: full lines go to `lines`, the rest stays
/// in `line` (empty when called). Returns the width of that rest.
fn break_word(
    word: &[u8],
    style: Style,
    max_width: f32,
    lines: &mut Vec<Vec<u8>>,
    line: &mut Vec<u8>,
) -> f32 {
    let mut width = 0.0;
    for &byte in word {
        let w = style.width(&[byte]);
        if !line.is_empty() && width + w > max_width {
            let rest = line.split_off(url_break(line).unwrap_or(line.len()));
            lines.push(std::mem::replace(line, rest));
            width = style.width(line);
        }
        line.push(byte);
        width += w;
    }
    width
}

/// Where to end a line that holds part of a long word, when it is a URL: after the last
/// `/`, `?`, `&`, `=`, `-`, `_`, `.` or `,` in the line's second half.
fn url_break(line: &[u8]) -> Option<usize> {
    line.iter()
        .rposition(|b| b"/?&=-_.,".contains(b))
        .filter(|&i| i >= line.len() / 2)
        .map(|i| i + 1)
}

/// `value`, or `fallback` when it is empty or only white space.
fn or_else<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    if value.trim().is_empty() {
        fallback
    } else {
        value
    }
}

/// An RFC 3339 time as `YYYY-MM-DD HH:MM` in Amsterdam time; anything else as it is.
fn display_time(s: &str) -> String {
    match DateTime::parse_from_rfc3339(s.trim()) {
        Ok(t) => t
            .with_timezone(&Amsterdam)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => s.to_string(),
    }
}

/// "1 signaal", "3 signalen".
fn signals_count(n: usize) -> String {
    if n == 1 {
        "1 signaal".to_string()
    } else {
        format!("{n} signalen")
    }
}

// ---------------------------------------------------------------------------------------
// Rows: what the document is made of, before it is cut into pages.

/// A run of text at a horizontal position on a line.
#[derive(Debug, Clone)]
struct Span {
    x: f32,
    style: Style,
    text: Vec<u8>,
}

#[derive(Debug, Clone)]
enum Row {
    /// One line of text (one or more spans); `baseline` is measured from the row's top.
    Line {
        height: f32,
        baseline: f32,
        spans: Vec<Span>,
    },
    /// Vertical space; dropped at the top of a page.
    Gap(f32),
    /// A horizontal line in the middle of `height`; dropped at the top of a page.
    Rule {
        height: f32,
        x0: f32,
        x1: f32,
        width: f32,
        gray: f32,
    },
}

impl Row {
    fn height(&self) -> f32 {
        match self {
            Row::Line { height, .. } | Row::Rule { height, .. } => *height,
            Row::Gap(height) => *height,
        }
    }

    /// A line of spans; its height and baseline come from the first span's style.
    fn line(spans: Vec<Span>) -> Row {
        let style = spans.first().map_or(BODY, |s| s.style);
        Row::Line {
            height: style.leading,
            baseline: style.baseline(),
            spans,
        }
    }

    fn text(x: f32, style: Style, text: Vec<u8>) -> Row {
        Row::line(vec![Span { x, style, text }])
    }

    /// A thin full-width rule with `height` of space around it.
    fn rule(height: f32, width: f32, gray: f32) -> Row {
        Row::Rule {
            height,
            x0: CONTENT_LEFT,
            x1: CONTENT_RIGHT,
            width,
            gray,
        }
    }
}

/// `text` wrapped to `max_width` as rows at `x`, one paragraph after the other.
fn paragraph_rows(text: &str, style: Style, x: f32, max_width: f32) -> Vec<Row> {
    winansi_paragraphs(text)
        .iter()
        .flat_map(|p| wrap(p, style, max_width))
        .map(|line| Row::text(x, style, line))
        .collect()
}

/// A label in a column of `label_width` and its value wrapped to the right of it; the
/// label stands on the value's first line.
fn label_value_rows(
    label: &str,
    value: &str,
    label_style: Style,
    value_style: Style,
    label_width: f32,
) -> Vec<Row> {
    let x = CONTENT_LEFT + label_width;
    let mut rows = paragraph_rows(value, value_style, x, CONTENT_RIGHT - x);
    if let Some(Row::Line { spans, .. }) = rows.first_mut() {
        spans.insert(
            0,
            Span {
                x: CONTENT_LEFT,
                style: label_style,
                text: winansi_line(label),
            },
        );
    }
    rows
}

/// The width of a label column that holds every one of `labels`.
fn label_column_width(labels: &[&str], style: Style) -> f32 {
    let widest = labels
        .iter()
        .map(|l| style.width(&winansi_line(l)))
        .fold(0.0, f32::max);
    widest + LABEL_GAP
}

/// Title, municipality, week, when made and the confidentiality note.
fn header_rows(list: &WeeklyList) -> Vec<Row> {
    let mut rows = vec![
        Row::text(
            CONTENT_LEFT,
            TITLE,
            winansi_line("Wekelijkse signalenlijst"),
        ),
        Row::Gap(6.0),
    ];
    let meta = [
        (
            "Gemeente:",
            format!("{} ({})", list.municipality_name, list.municipality_code),
        ),
        (
            "Week:",
            format!("{} ({} t/m {})", list.week, list.week_start, list.week_end),
        ),
        ("Opgemaakt:", display_time(&list.made_at)),
    ];
    let labels: Vec<&str> = meta.iter().map(|(l, _)| *l).collect();
    let label_width = label_column_width(&labels, META_LABEL);
    for (label, value) in &meta {
        rows.extend(label_value_rows(
            label,
            value,
            META_LABEL,
            META_VALUE,
            label_width,
        ));
    }
    rows.push(Row::Gap(8.0));
    rows.extend(paragraph_rows(
        "Vertrouwelijk: bevat persoonsgegevens. Alleen voor de handhaving van de gemeente.",
        NOTE,
        CONTENT_LEFT,
        CONTENT_WIDTH,
    ));
    rows.push(Row::rule(16.0, 0.8, 0.3));
    rows
}

/// "Samenvatting per regel": a table of rule titles and counts, and the total.
fn summary_rows(list: &WeeklyList) -> Vec<Row> {
    let mut rows = vec![
        Row::text(
            CONTENT_LEFT,
            SECTION,
            winansi_line("Samenvatting per regel"),
        ),
        Row::Gap(2.0),
    ];
    let summary = summary_per_rule(list);
    if !summary.is_empty() {
        let table_right = CONTENT_LEFT + TABLE_WIDTH;
        rows.push(Row::line(vec![
            Span {
                x: CONTENT_LEFT,
                style: TABLE_HEAD,
                text: winansi_line("Regel"),
            },
            right_aligned(table_right, TABLE_HEAD, "Aantal"),
        ]));
        rows.push(table_rule(table_right, 0.6, 0.3));
        for (title, count) in &summary {
            rows.extend(summary_table_row(title, *count, table_right));
        }
        rows.push(table_rule(table_right, 0.6, 0.3));
        rows.push(Row::Gap(3.0));
    }
    rows.push(Row::text(
        CONTENT_LEFT,
        TOTAL,
        winansi_line(&format!("Totaal: {}", signals_count(list.rows.len()))),
    ));
    rows
}

/// One rule of the summary: its title wrapped in the first column, the count right-aligned
/// on the first line.
fn summary_table_row(title: &str, count: usize, table_right: f32) -> Vec<Row> {
    let title_width = TABLE_WIDTH - 60.0;
    let mut rows = paragraph_rows(title, TABLE_CELL, CONTENT_LEFT, title_width);
    if let Some(Row::Line { spans, .. }) = rows.first_mut() {
        spans.push(right_aligned(table_right, TABLE_CELL, &count.to_string()));
    }
    rows
}

fn table_rule(table_right: f32, width: f32, gray: f32) -> Row {
    Row::Rule {
        height: 4.0,
        x0: CONTENT_LEFT,
        x1: table_right,
        width,
        gray,
    }
}

/// `text` (one line) ending at `right`.
fn right_aligned(right: f32, style: Style, text: &str) -> Span {
    let text = winansi_line(text);
    Span {
        x: right - style.width(&text),
        style,
        text,
    }
}

/// The labels of a signal's fields, in order.
const FIELD_LABELS: [&str; 11] = [
    "Toelichting",
    "Site",
    "Advertentie",
    "Plaats",
    "Adverteerder",
    "Telefoonnummers",
    "Vergunningnummers",
    "Eerst gezien",
    "Laatst gezien",
    "Bevestigd op",
    "Bewijs (SHA-256)",
];

/// A signal's field values, in the order of [`FIELD_LABELS`].
fn field_values(r: &ListRow) -> [String; 11] {
    let joined = |v: &[String]| {
        let parts: Vec<&str> = v
            .iter()
            .map(String::as_str)
            .filter(|s| !s.trim().is_empty())
            .collect();
        if parts.is_empty() {
            "geen".to_string()
        } else {
            parts.join(" | ")
        }
    };
    [
        or_else(&r.explanation, "-").to_string(),
        or_else(&r.site, "onbekend").to_string(),
        or_else(&r.ad_url, "onbekend").to_string(),
        or_else(&r.place, "onbekend").to_string(),
        or_else(&r.advertiser, "onbekend").to_string(),
        joined(&r.phones),
        joined(&r.licence_numbers),
        display_time(&r.first_seen),
        display_time(&r.last_seen),
        display_time(&r.confirmed_at),
        or_else(&r.evidence_sha256, "onbekend").to_string(),
    ]
}

/// "Signaal 12 — Geen vergunningnummer in advertentie (sterkte 7/10)".
fn signal_heading(r: &ListRow) -> String {
    format!(
        "Signaal {} \u{2014} {} (sterkte {}/10)",
        r.signal, r.rule_title, r.strength
    )
}

/// One signal: a rule above it (except the first), its heading and its fields.
fn signal_rows(r: &ListRow, first: bool, label_width: f32) -> Vec<Row> {
    let mut rows = Vec::new();
    if first {
        rows.push(Row::Gap(4.0));
    } else {
        rows.push(Row::rule(18.0, 0.4, 0.65));
    }
    rows.extend(paragraph_rows(
        &signal_heading(r),
        BLOCK_HEADING,
        CONTENT_LEFT,
        CONTENT_WIDTH,
    ));
    rows.push(Row::Gap(3.0));
    for (label, value) in FIELD_LABELS.iter().zip(field_values(r)) {
        rows.extend(label_value_rows(
            label,
            &value,
            FIELD_LABEL,
            FIELD_VALUE,
            label_width,
        ));
    }
    rows
}

/// The line that opens a page on which a signal goes on.
fn continued_row(r: &ListRow) -> Row {
    Row::text(
        CONTENT_LEFT,
        CONTINUED,
        winansi_line(&format!("Signaal {} (vervolg)", r.signal)),
    )
}

// ---------------------------------------------------------------------------------------
// Pages: rows cut into pages.

/// Something drawn on a page, at its final position.
#[derive(Debug, Clone)]
enum Item {
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: Vec<u8>,
    },
    Rule {
        x0: f32,
        x1: f32,
        y: f32,
        width: f32,
        gray: f32,
    },
}

/// The pages laid out so far and the top of the next row on the last one.
struct Pages {
    pages: Vec<Vec<Item>>,
    top: f32,
}

impl Pages {
    fn new() -> Self {
        Pages {
            pages: vec![Vec::new()],
            top: CONTENT_TOP,
        }
    }

    fn remaining(&self) -> f32 {
        self.top - CONTENT_BOTTOM
    }

    fn at_page_top(&self) -> bool {
        self.top >= CONTENT_TOP
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.top = CONTENT_TOP;
    }

    /// Put `rows` together where they fit as a whole. When they do not, but would on a
    /// page of their own, or the first `keep_lines` lines (a heading and what follows it)
    /// would not fit here, they start a new page; otherwise they run on over pages, each
    /// continuation opened by `continued`.
    fn place_block(&mut self, rows: &[Row], keep_lines: usize, continued: Option<&Row>) {
        let total = rows_height(rows);
        if total > self.remaining()
            && !self.at_page_top()
            && (total <= CONTENT_HEIGHT || keep_height(rows, keep_lines) > self.remaining())
        {
            self.new_page();
        }
        self.flow(rows, continued);
    }

    /// Put `rows` one after the other, starting a new page when one does not fit; there,
    /// `continued` goes before the next line of text.
    fn flow(&mut self, rows: &[Row], continued: Option<&Row>) {
        let mut pending = None;
        for row in rows {
            if row.height() > self.remaining() && !self.at_page_top() {
                self.new_page();
                pending = continued;
            }
            if matches!(row, Row::Line { .. }) {
                if let Some(c) = pending.take() {
                    self.place(c);
                }
            }
            self.place(row);
        }
    }

    /// Put one row at the current position (gaps and rules vanish at the top of a page).
    fn place(&mut self, row: &Row) {
        let top = self.top;
        let page = self.pages.last_mut().expect("there is always a page");
        match row {
            Row::Gap(_) | Row::Rule { .. } if top >= CONTENT_TOP => return,
            Row::Gap(_) => {}
            Row::Line {
                baseline, spans, ..
            } => page.extend(spans.iter().map(|s| Item::Text {
                x: s.x,
                y: top - baseline,
                style: s.style,
                text: s.text.clone(),
            })),
            Row::Rule {
                height,
                x0,
                x1,
                width,
                gray,
            } => page.push(Item::Rule {
                x0: *x0,
                x1: *x1,
                y: top - height / 2.0,
                width: *width,
                gray: *gray,
            }),
        }
        self.top -= row.height();
    }
}

fn rows_height(rows: &[Row]) -> f32 {
    rows.iter().map(Row::height).sum()
}

/// The height of `rows` up to and including their `lines`-th line of text.
fn keep_height(rows: &[Row], lines: usize) -> f32 {
    let mut seen = 0;
    let mut height = 0.0;
    for row in rows {
        if seen >= lines {
            break;
        }
        if matches!(row, Row::Line { .. }) {
            seen += 1;
        }
        height += row.height();
    }
    height
}

/// Lines of a signal that must share a page with its heading.
const KEEP_WITH_HEADING: usize = 3;

/// The whole list laid out in pages, without footers.
fn lay_out(list: &WeeklyList) -> Vec<Vec<Item>> {
    let mut pages = Pages::new();
    pages.flow(&header_rows(list), None);
    let summary = summary_rows(list);
    pages.place_block(&summary, 3, None);
    let section = vec![
        Row::Gap(14.0),
        Row::text(CONTENT_LEFT, SECTION, winansi_line("Signalen")),
    ];
    if list.rows.is_empty() {
        let mut rows = section;
        rows.push(Row::Gap(2.0));
        rows.extend(paragraph_rows(
            "Geen nieuwe signalen in deze week.",
            BODY,
            CONTENT_LEFT,
            CONTENT_WIDTH,
        ));
        pages.place_block(&rows, 2, None);
        return pages.pages;
    }
    let label_width = label_column_width(&FIELD_LABELS, FIELD_LABEL);
    for (i, r) in list.rows.iter().enumerate() {
        let mut rows = if i == 0 { section.clone() } else { Vec::new() };
        let heading_lines = rows
            .iter()
            .filter(|r| matches!(r, Row::Line { .. }))
            .count();
        rows.extend(signal_rows(r, i == 0, label_width));
        let keep = heading_lines + 1 + KEEP_WITH_HEADING;
        pages.place_block(&rows, keep, Some(&continued_row(r)));
    }
    pages.pages
}

// ---------------------------------------------------------------------------------------
// Writing the PDF.

/// The list as an A4 PDF. Deterministic: the same list gives the same bytes.
pub fn render(list: &WeeklyList) -> Vec<u8> {
    let pages = lay_out(list);
    let count = pages.len();
    let contents: Vec<Vec<u8>> = pages
        .iter()
        .enumerate()
        .map(|(i, items)| page_content(items, &footer_items(list, i + 1, count)))
        .collect();
    write_pdf(list, &contents)
}

/// The footer of page `number` of `count`: a rule, the list's municipality and week on the
/// left, "Pagina X van Y" on the right.
fn footer_items(list: &WeeklyList, number: usize, count: usize) -> Vec<Item> {
    let left = winansi_line(&format!(
        "Signalenlijst {} \u{00B7} {}",
        list.municipality_code, list.week
    ));
    let right = right_aligned(
        CONTENT_RIGHT,
        FOOTER,
        &format!("Pagina {number} van {count}"),
    );
    vec![
        Item::Rule {
            x0: CONTENT_LEFT,
            x1: CONTENT_RIGHT,
            y: FOOTER_RULE_Y,
            width: 0.4,
            gray: 0.6,
        },
        Item::Text {
            x: CONTENT_LEFT,
            y: FOOTER_BASELINE,
            style: FOOTER,
            text: left,
        },
        Item::Text {
            x: right.x,
            y: FOOTER_BASELINE,
            style: FOOTER,
            text: right.text,
        },
    ]
}

/// One page's content stream: the rules, then all text in one text object.
fn page_content(items: &[Item], footer: &[Item]) -> Vec<u8> {
    let mut content = Content::new();
    let all = || items.iter().chain(footer);
    for item in all() {
        if let Item::Rule {
            x0,
            x1,
            y,
            width,
            gray,
        } = item
        {
            content
                .set_line_width(*width)
                .set_stroke_gray(*gray)
                .move_to(*x0, *y)
                .line_to(*x1, *y)
                .stroke();
        }
    }
    content.begin_text();
    let mut current: Option<Style> = None;
    for item in all() {
        if let Item::Text { x, y, style, text } = item {
            if current.is_none_or(|c| c.font != style.font || c.size != style.size) {
                content.set_font(style.font.resource(), style.size);
            }
            if current.is_none_or(|c| c.gray != style.gray) {
                content.set_fill_gray(style.gray);
            }
            current = Some(*style);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
            content.show(Str(text));
        }
    }
    content.end_text();
    content.finish().into_vec()
}

/// The document: catalog, page tree, pages, the two fonts, Info and the document ID.
fn write_pdf(list: &WeeklyList, contents: &[Vec<u8>]) -> Vec<u8> {
    let catalog_id = Ref::new(1);
    let page_tree_id = Ref::new(2);
    let regular_id = Ref::new(3);
    let bold_id = Ref::new(4);
    let info_id = Ref::new(5);
    let page_ids: Vec<Ref> = (0..contents.len()).map(|i| object_ref(6 + 2 * i)).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id)
        .pages(page_tree_id)
        .lang(TextStr("nl-NL"));
    pdf.pages(page_tree_id)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(contents.len()).unwrap_or(i32::MAX));
    for (page_id, content) in page_ids.iter().zip(contents) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(page_tree_id)
            .contents(content_id);
        page.resources()
            .fonts()
            .pair(Font::Regular.resource(), regular_id)
            .pair(Font::Bold.resource(), bold_id);
        page.finish();
        pdf.stream(content_id, content);
    }
    for (id, base_font) in [(regular_id, "Helvetica"), (bold_id, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(base_font.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    write_info(&mut pdf, info_id, list);
    let id = document_id(list, contents);
    pdf.set_file_id((id.clone(), id));
    pdf.finish()
}

/// The reference of the `n`-th object (`n` is small: 2 objects a page).
fn object_ref(n: usize) -> Ref {
    Ref::new(i32::try_from(n).unwrap_or(i32::MAX))
}

/// Title, subject, creator and the list's `made_at` as creation date.
fn write_info(pdf: &mut Pdf, id: Ref, list: &WeeklyList) {
    let title = format!(
        "Wekelijkse signalenlijst {} {}",
        list.municipality_code, list.week
    );
    let subject = format!(
        "Signalen voor de gemeente {}, week {} ({} t/m {})",
        list.municipality_name, list.week, list.week_start, list.week_end
    );
    let mut info = pdf.document_info(id);
    info.title(TextStr(&title))
        .subject(TextStr(&subject))
        .creator(TextStr("webwacht"))
        .producer(TextStr("webwacht (pdf-writer)"));
    if let Ok(made) = DateTime::parse_from_rfc3339(list.made_at.trim()) {
        info.creation_date(pdf_date(made));
    }
}

/// A time as a PDF date with its UTC offset.
fn pdf_date(t: DateTime<FixedOffset>) -> Date {
    let offset = t.offset().fix().local_minus_utc();
    // The sign of a sub-hour offset west of UTC (none in use) would be lost; PDF dates
    // carry it on the hours.
    let hours = i8::try_from(offset / 3600).unwrap_or(0);
    let minutes = u8::try_from((offset.abs() % 3600) / 60).unwrap_or(0);
    let two = |v: u32| u8::try_from(v).unwrap_or(0);
    Date::new(u16::try_from(t.year()).unwrap_or(0))
        .month(two(t.month()))
        .day(two(t.day()))
        .hour(two(t.hour()))
        .minute(two(t.minute()))
        .second(two(t.second()))
        .utc_offset_hour(hours)
        .utc_offset_minute(minutes)
}

/// 16 bytes of the SHA-256 of the list's identity and every page's content.
fn document_id(list: &WeeklyList, contents: &[Vec<u8>]) -> Vec<u8> {
    let mut hash = Sha256::new();
    for part in [
        &list.municipality_code,
        &list.week.to_string(),
        &list.made_at,
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    for content in contents {
        hash.update(content);
        hash.update([0]);
    }
    hash.finalize()[..16].to_vec()
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;
    use crate::report::weekly::model::IsoWeek;

    fn signal(n: i64) -> ListRow {
        ListRow {
            signal: n,
            rule: "no_licence_number".to_string(),
            rule_title: "Geen vergunningnummer in advertentie".to_string(),
            strength: 7,
            explanation: "De advertentie noemt geen vergunningnummer; ook het café-adres \
                          ontbreekt. Reëel risico, naïef geformuleerd."
                .to_string(),
            municipality: "Utrecht".to_string(),
            site: "voorbeeldsite".to_string(),
            ad_url: format!("https://voorbeeld.invalid/advertentie/{n}"),
            place: "Utrecht".to_string(),
            advertiser: format!("Studio Zonnebloem {n}"),
            phones: vec!["+31612345678".to_string(), "+31687654321".to_string()],
            licence_numbers: Vec::new(),
            first_seen: "2026-11-23T09:15:00Z".to_string(),
            last_seen: "2026-11-28T21:40:00+00:00".to_string(),
            confirmed_at: "2026-11-29T10:02:33+01:00".to_string(),
            evidence_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                .to_string(),
        }
    }

    fn list(rows: Vec<ListRow>) -> WeeklyList {
        WeeklyList {
            municipality_code: "GM0344".to_string(),
            municipality_name: "Utrecht".to_string(),
            week: IsoWeek {
                year: 2026,
                week: 48,
            },
            week_start: "2026-11-23".to_string(),
            week_end: "2026-11-29".to_string(),
            made_at: "2026-12-07T07:00:12+01:00".to_string(),
            rows,
        }
    }

    /// The text `pdftotext` (poppler-utils) extracts, pages separated by form feeds.
    fn pdftotext(pdf: &[u8]) -> String {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), pdf).expect("write pdf");
        let out = Command::new("pdftotext")
            .arg(file.path())
            .arg("-")
            .output()
            .expect("pdftotext runs (apt-get install poppler-utils)");
        assert!(out.status.success(), "pdftotext failed: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "pdftotext complains: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 text")
    }

    /// Whether `qpdf --check` finds the file sound; `None` when qpdf is not installed.
    fn qpdf_check(pdf: &[u8]) -> Option<bool> {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), pdf).expect("write pdf");
        let out = Command::new("qpdf")
            .arg("--check")
            .arg(file.path())
            .output()
            .ok()?;
        Some(out.status.success() && out.stderr.is_empty())
    }

    fn pages_of(text: &str) -> Vec<&str> {
        text.split('\x0c')
            .filter(|p| !p.trim().is_empty())
            .collect()
    }

    #[test]
    fn a_list_of_three_signals_shows_its_signals_and_page_numbers() {
        let text = pdftotext(&render(&list(vec![signal(11), signal(12), signal(13)])));
        for expected in [
            "Wekelijkse signalenlijst",
            "Utrecht (GM0344)",
            "2026-W48 (2026-11-23 t/m 2026-11-29)",
            "2026-12-07 07:00",
            "Vertrouwelijk",
            "Totaal: 3 signalen",
            "Signaal 11 — Geen vergunningnummer in advertentie (sterkte 7/10)",
            "Signaal 12 — Geen vergunningnummer in advertentie (sterkte 7/10)",
            "Signaal 13 — Geen vergunningnummer in advertentie (sterkte 7/10)",
            "+31612345678 | +31687654321",
            "Studio Zonnebloem 12",
            "https://voorbeeld.invalid/advertentie/13",
            "café-adres",
            "Reëel risico, naïef",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "Pagina 1 van",
            "GM0344 · 2026-W48",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
    }

    #[test]
    fn times_show_in_amsterdam_time() {
        let text = pdftotext(&render(&list(vec![signal(1)])));
        // 09:15 UTC in November is 10:15 in Amsterdam; 10:02 at +01:00 stays 10:02.
        assert!(text.contains("2026-11-23 10:15"), "{text}");
        assert!(text.contains("2026-11-28 22:40"), "{text}");
        assert!(text.contains("2026-11-29 10:02"), "{text}");
        assert!(text.contains("geen"), "no licence numbers: {text}");
    }

    #[test]
    fn a_time_that_does_not_parse_is_shown_as_it_is() {
        assert_eq!(display_time("gisteren"), "gisteren");
        assert_eq!(display_time("2026-06-01T12:00:00Z"), "2026-06-01 14:00");
    }

    #[test]
    fn the_same_list_gives_the_same_bytes() {
        let l = list((1..=5).map(signal).collect());
        assert_eq!(render(&l), render(&l.clone()));
    }

    #[test]
    fn an_empty_week_says_so() {
        let text = pdftotext(&render(&list(Vec::new())));
        assert!(
            text.contains("Geen nieuwe signalen in deze week."),
            "{text}"
        );
        assert!(text.contains("Totaal: 0 signalen"), "{text}");
        assert!(text.contains("Pagina 1 van 1"), "{text}");
        assert!(!text.contains("Signaal "), "{text}");
    }

    #[test]
    fn sixty_signals_take_several_pages_and_the_last_footer_counts_them_all() {
        let text = pdftotext(&render(&list((1..=60).map(signal).collect())));
        let pages = pages_of(&text);
        let n = pages.len();
        assert!(n > 3, "{n} pages");
        assert!(
            pages[0].contains(&format!("Pagina 1 van {n}")),
            "{}",
            pages[0]
        );
        let last = pages[n - 1];
        assert!(last.contains(&format!("Pagina {n} van {n}")), "{last}");
        assert!(last.contains("Signaal 60 —"), "{last}");
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains(&format!("Pagina {} van {n}", i + 1)),
                "{page}"
            );
        }
    }

    #[test]
    fn no_text_leaves_the_margins_and_no_heading_ends_a_page() {
        let mut rows: Vec<ListRow> = (1..=40).map(signal).collect();
        rows[7].explanation = "Lang verhaal. ".repeat(400);
        rows[20].advertiser = "X".repeat(5000);
        rows[30].ad_url = format!("https://voorbeeld.invalid/{}", "a/b".repeat(300));
        for page in lay_out(&list(rows)) {
            let texts: Vec<(f32, f32, Style, &Vec<u8>)> = page
                .iter()
                .filter_map(|item| match item {
                    Item::Text { x, y, style, text } => Some((*x, *y, *style, text)),
                    Item::Rule { .. } => None,
                })
                .collect();
            for (x, y, style, text) in &texts {
                assert!(*x >= CONTENT_LEFT - 0.01, "left of margin: {x}");
                let right = x + style.width(text);
                assert!(right <= CONTENT_RIGHT + 0.01, "beyond margin: {right}");
                assert!(
                    *y >= CONTENT_BOTTOM && *y <= CONTENT_TOP,
                    "off the page: {y}"
                );
            }
            let last = texts.last().expect("a page has text");
            assert_ne!(last.2, BLOCK_HEADING, "a page ends with a heading");
        }
    }

    #[test]
    fn hostile_text_renders_as_plain_text_in_a_sound_file() {
        let mut r = signal(66);
        let long = "Zonnebloem(\\)".repeat(385); // 5,005 characters, no space
        r.advertiser = format!(
            "<script>alert(1)</script> =HYPERLINK(\"http://x\") (a b) c) \\ d\\ \
             \u{0}\u{7}\u{1b}[31m \u{1F600} 你好 {long}"
        );
        r.explanation = "Eerste regel\nTweede regel ) ( \\ \r\nDerde\tregel".to_string();
        r.place = "\u{202E}Utrecht".to_string();
        let pdf = render(&list(vec![r]));
        assert!(!pdf.contains(&0x1b), "a control character reached the file");
        let text = pdftotext(&pdf);
        for expected in [
            "<script>alert(1)</script>",
            "=HYPERLINK(\"http://x\")",
            "(a b) c) \\ d\\",
            "[31m ? ??",
            "Zonnebloem(\\)Zonnebloem(\\)",
            "Eerste regel\n",
            "Tweede regel ) ( \\",
            "Derde regel",
            "?Utrecht",
            "Signaal 66 (vervolg)",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        match qpdf_check(&pdf) {
            Some(sound) => assert!(sound, "qpdf --check finds fault"),
            None => eprintln!("qpdf not installed: only pdftotext checked the file"),
        }
    }

    #[test]
    fn characters_outside_windows_1252_become_question_marks() {
        assert_eq!(winansi_line("é€—ë"), vec![0xE9, 0x80, 0x97, 0xEB]);
        assert_eq!(winansi_line("a\u{1F600}b\u{4F60}"), b"a?b?".to_vec());
        assert_eq!(winansi_line("e\u{301}"), vec![0xE9], "composed first");
        assert_eq!(winansi_line("a\u{0}\u{1b}b\tc"), b"ab c".to_vec());
        assert_eq!(
            winansi_paragraphs("een\r\ntwee\ndrie"),
            vec![b"een".to_vec(), b"twee".to_vec(), b"drie".to_vec()]
        );
    }

    #[test]
    fn a_word_longer_than_a_line_is_broken_by_characters() {
        let word = vec![b'x'; 500];
        let lines = wrap(&word, FIELD_VALUE, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), word);
        assert!(lines.iter().all(|l| FIELD_VALUE.width(l) <= 100.0));
        let url = b"https://voorbeeld.invalid/advertenties/utrecht/studio-zonnebloem-nieuw";
        let lines = wrap(url, FIELD_VALUE, 150.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), url.to_vec());
        assert!(
            lines[0].ends_with(b"/") || lines[0].ends_with(b"-"),
            "{lines:?}"
        );
        let words = wrap(b"kort woord", FIELD_VALUE, 100.0);
        assert_eq!(words, vec![b"kort woord".to_vec()]);
    }
}
