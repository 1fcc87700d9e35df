//! A register file as rows of cells: CSV the way Dutch Excel writes it (`;` or `,`,
//! UTF-8 with or without a BOM, or Windows-1252; LF or CRLF; RFC 4180 quotes) or an XLSX
//! workbook (read with `calamine`). What the cells mean is [`super::import`]'s business.
//!
//! The format is detected, never guessed silently: [`Format`] says what was read, and the
//! import prints it, so that a file taken as Windows-1252 is visibly so.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;

/// The largest register file read (a register has hundreds or thousands of rows; a file
/// of this size is a mistake or an attack).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// The most an XLSX file may unpack to (all its parts together, as its zip directory
/// declares them): a small file that unpacks to gigabytes is refused before reading.
pub const MAX_XLSX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// How a file was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Csv {
        encoding: TextEncoding,
        delimiter: u8,
    },
    Xlsx {
        sheet: String,
    },
}

/// The character encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    /// Excel's "Unicode text" (with its BOM).
    Utf16Bom,
    /// Not valid UTF-8 and no BOM: what Dutch Excel writes as "CSV (gescheiden door
    /// lijstscheidingsteken)".
    Windows1252,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Format::Csv {
                encoding,
                delimiter,
            } => {
                let encoding = match encoding {
                    TextEncoding::Utf8 => "UTF-8",
                    TextEncoding::Utf8Bom => "UTF-8 met BOM",
                    TextEncoding::Utf16Bom => "UTF-16 met BOM",
                    TextEncoding::Windows1252 => "Windows-1252 (geen geldige UTF-8)",
                };
                let delimiter = match delimiter {
                    b'\t' => "tab".to_string(),
                    d => format!("'{}'", *d as char),
                };
                write!(f, "CSV, {encoding}, scheidingsteken {delimiter}")
            }
            Format::Xlsx { sheet } => write!(f, "Excel (XLSX), werkblad {sheet:?}"),
        }
    }
}

/// One cell: text (trimmed) or a date that the workbook stored as a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    /// An Excel error value (`#N/B`, `#DEEL/0!`): never a usable value.
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Text(t) if t.is_empty())
    }
}

/// A file's header and rows; `row` numbers are the file's own (CSV line, sheet row), so
/// that an error points where a person looks.
#[derive(Debug)]
pub struct Sheet {
    pub format: Format,
    pub header_row: u64,
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<Cell>)>,
    /// Values in columns right of the last header (XLSX): never read.
    pub beyond_header: usize,
}

/// Why a file could not be read as a table at all (Dutch, for the error message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

/// Read a register file: XLSX when it is a zip file, else CSV. `sheet` names the
/// worksheet of an XLSX file (default: the first).
pub fn read(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, Unreadable> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Unreadable(format!(
            "bestand is groter dan {} MiB",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes, sheet, MAX_XLSX_UNPACKED_BYTES);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Unreadable(
            "oud Excel-formaat (.xls); sla het bestand op als Excel-werkmap (.xlsx) of als CSV"
                .into(),
        ));
    }
    if let Some(name) = sheet {
        return Err(Unreadable(format!(
            "--sheet {name:?} geldt alleen voor XLSX-bestanden; dit is een tekstbestand"
        )));
    }
    read_csv(bytes)
}

fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), Unreadable> {
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|e| {
            Unreadable(format!(
                "begint met een UTF-8-BOM maar is geen geldige UTF-8 (byte {})",
                e.valid_up_to() + 3
            ))
        })?;
        (text.to_string(), TextEncoding::Utf8Bom)
    } else if let Some((utf16, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = utf16.decode_without_bom_handling(&bytes[bom..]);
        if bad {
            return Err(Unreadable(format!("ongeldige {}", utf16.name())));
        }
        (text.into_owned(), TextEncoding::Utf16Bom)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_string(), TextEncoding::Utf8),
            Err(_) => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                (text.into_owned(), TextEncoding::Windows1252)
            }
        }
    };
    if let Some(at) = text.find(['\0']) {
        return Err(Unreadable(format!(
            "geen tekstbestand: NUL-teken op positie {at} (een CSV- of XLSX-bestand verwacht)"
        )));
    }
    Ok((text, encoding))
}

/// `;`, `,` or tab: whichever occurs most in the header line outside quotes (`,` on a
/// tie). Dutch Excel writes `;`, because `,` is the decimal comma.
fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ';' if !quoted => counts[0] += 1,
            ',' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], i == 1)).unwrap_or(1);
    [b';', b',', b'\t'][best]
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, Unreadable> {
    let (text, encoding) = decode(bytes)?;
    let delimiter = delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut header: Option<(u64, Vec<String>)> = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths {
                pos,
                expected_len,
                len,
                ..
            } => Unreadable(format!(
                "{}: {len} velden, de kopregel heeft er {expected_len} (scheidingsteken '{}')",
                pos.as_ref().map_or(0, |p| p.line()),
                delimiter as char
            )),
            _ => Unreadable(format!(
                "{}: onleesbare CSV-regel: {e}",
                e.position().map_or(0, |p| p.line())
            )),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match header {
            None => header = Some((line, cells)),
            Some(_) => rows.push((line, cells.into_iter().map(Cell::Text).collect())),
        }
    }
    let (header_row, headers) = header.ok_or_else(|| Unreadable("het bestand is leeg".into()))?;
    Ok(Sheet {
        format: Format::Csv {
            encoding,
            delimiter,
        },
        header_row,
        headers,
        rows,
        beyond_header: 0,
    })
}

fn read_xlsx(bytes: &[u8], sheet: Option<&str>, max_unpacked: u64) -> Result<Sheet, Unreadable> {
    let not_xlsx = |e: &dyn fmt::Display| Unreadable(format!("geen leesbaar XLSX-bestand: {e}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_xlsx(&e))?;
    let mut unpacked = 0u64;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|e| not_xlsx(&e))?;
        unpacked = unpacked.saturating_add(part.size());
    }
    if unpacked > max_unpacked {
        return Err(Unreadable(format!(
            "XLSX-bestand pakt uit tot {:.1} MiB, meer dan de toegestane {:.1} MiB",
            unpacked as f64 / 1048576.0,
            max_unpacked as f64 / 1048576.0
        )));
    }
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| not_xlsx(&e))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            .cloned()
            .ok_or_else(|| {
                Unreadable(format!(
                    "geen werkblad {wanted:?}; de werkbladen zijn: {}",
                    quoted_list(&names)
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Unreadable("de werkmap heeft geen werkbladen".into()))?,
    };
    let unreadable =
        |e: calamine::XlsxError| Unreadable(format!("werkblad {name:?} onleesbaar: {e}"));
    // Number formats, to give back the leading zeros a format such as `0000000000` shows.
    let styles = workbook.worksheet_style(&name).map_err(unreadable)?;
    // Cell by cell, not `worksheet_range`: a range is dense, and two cells far apart
    // (A1 and XFD1048576) would make it 17 billion cells.
    let mut by_row: BTreeMap<u32, Vec<(u32, Data)>> = BTreeMap::new();
    let mut reader = workbook.worksheet_cells_reader(&name).map_err(unreadable)?;
    while let Some(c) = reader.next_cell().map_err(unreadable)? {
        let value = Data::from(c.get_value().clone());
        if value != Data::Empty {
            let (row, col) = c.get_position();
            by_row.entry(row).or_default().push((col, value));
        }
    }
    drop(reader);
    let zeros = |row: u32, col: u32| {
        let code = styles.get((row, col))?.number_format.as_ref()?;
        let code = code.format_code.as_str();
        (!code.is_empty() && code.bytes().all(|b| b == b'0')).then_some(code.len())
    };
    let mut rows_in = by_row.into_iter();
    let (header_row, header_cells) = loop {
        let (row, cells) = rows_in
            .next()
            .ok_or_else(|| Unreadable(format!("werkblad {name:?} is leeg")))?;
        let cells: Vec<(u32, Cell)> = cells.into_iter().map(|(c, d)| (c, cell(&d))).collect();
        if cells.iter().any(|(_, c)| !c.is_empty()) {
            break (row, cells);
        }
    };
    let width = header_cells
        .iter()
        .map(|(c, _)| *c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut headers = vec![String::new(); width];
    for (c, value) in &header_cells {
        headers[*c as usize] = cell_text(value);
    }
    let mut rows = Vec::new();
    let mut beyond_header = 0;
    for (row, values) in rows_in {
        let mut cells = vec![Cell::Text(String::new()); width];
        for (col, data) in values {
            let mut value = cell(&data);
            if let (Cell::Text(digits), Some(len), Data::Float(_) | Data::Int(_)) =
                (&value, zeros(row, col), &data)
            {
                if digits.len() < len && digits.bytes().all(|b| b.is_ascii_digit()) {
                    value = Cell::Text(format!("{digits:0>len$}"));
                }
            }
            match cells.get_mut(col as usize) {
                Some(slot) => *slot = value,
                None if !value.is_empty() => beyond_header += 1,
                None => {}
            }
        }
        if !cells.iter().all(Cell::is_empty) {
            rows.push((row as u64 + 1, cells));
        }
    }
    Ok(Sheet {
        format: Format::Xlsx { sheet: name },
        header_row: header_row as u64 + 1,
        headers,
        rows,
        beyond_header,
    })
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A workbook cell as the import reads it. Numbers become their digits as text
/// (`612345678`, not `612345678.0`): a number column in Excel is still a code or a phone
/// to a register.
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Text(String::new()),
        Data::String(s) => Cell::Text(s.trim().to_string()),
        Data::Int(i) => Cell::Text(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Cell::Text(format!("{f:.0}")),
        Data::Float(f) => Cell::Text(f.to_string()),
        Data::Bool(b) => Cell::Text(if *b { "WAAR" } else { "ONWAAR" }.into()),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) if d.is_datetime() => Cell::Date(dt.date()),
            _ => Cell::Text(d.as_f64().to_string()),
        },
        Data::DateTimeIso(s) => {
            match NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
                Ok(date) => Cell::Date(date),
                Err(_) => Cell::Text(s.trim().to_string()),
            }
        }
        Data::DurationIso(s) => Cell::Text(s.trim().to_string()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// A cell as text: a header name, or a value where text is wanted.
pub fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        Cell::Date(d) => d.to_string(),
        Cell::Error(e) => e.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(bytes: &[u8]) -> Sheet {
        read(bytes, None).unwrap()
    }

    #[test]
    fn delimiter_is_what_the_header_uses_outside_quotes() {
        assert_eq!(delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(delimiter("a,b,c\n"), b',');
        assert_eq!(delimiter("\"a;b\",c,d\n"), b',');
        assert_eq!(delimiter("a\tb\tc"), b'\t');
        assert_eq!(delimiter("enkel"), b',');
    }

    #[test]
    fn encodings_are_detected_and_named() {
        let s = csv(b"\xEF\xBB\xBFa;b\r\nB\xC3\xA9atrice;2\r\n");
        assert_eq!(s.headers, ["a", "b"]);
        assert_eq!(s.rows[0].1[0], Cell::Text("Béatrice".into()));
        assert_eq!(
            s.format.to_string(),
            "CSV, UTF-8 met BOM, scheidingsteken ';'"
        );
        let s = csv(b"a;b\nB\xE9atrice;2\n");
        assert_eq!(s.rows[0].1[0], Cell::Text("Béatrice".into()));
        assert!(
            s.format.to_string().contains("Windows-1252"),
            "{}",
            s.format
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a\tb\nx\ty\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let s = csv(&utf16);
        assert_eq!(
            (s.headers.len(), s.format.to_string().contains("UTF-16")),
            (2, true)
        );
    }

    #[test]
    fn rows_keep_their_line_numbers_across_quoted_newlines_and_blank_lines() {
        let s = csv(b"a,b\n\"x\ny\",1\n\n,\nz,2\n");
        let lines: Vec<u64> = s.rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, [2, 6]);
        assert_eq!(s.rows[0].1[0], Cell::Text("x\ny".into()));
    }

    #[test]
    fn what_is_not_a_table_is_refused_with_a_reason() {
        let err = |b: &[u8]| read(b, None).unwrap_err().0;
        assert!(err(b"").contains("leeg"));
        assert!(err(b"a,b\n1\0,2\n").contains("NUL"));
        assert!(
            err(b"a,b\n1,2,3\n").contains("2: 3 velden"),
            "{}",
            err(b"a,b\n1,2,3\n")
        );
        assert!(err(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).contains(".xls"));
        assert!(err(b"PK\x03\x04rubbish").contains("XLSX"));
        assert!(read(b"a,b\n", Some("Blad1"))
            .unwrap_err()
            .0
            .contains("--sheet"));
    }

    #[test]
    fn an_xlsx_that_unpacks_to_more_than_allowed_is_refused_before_reading() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for row in 0..200 {
            sheet.write_string(row, 0, "vergunningnummer").unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let whole = read_xlsx(&bytes, None, MAX_XLSX_UNPACKED_BYTES).unwrap();
        assert_eq!(whole.rows.len(), 199);
        let err = read_xlsx(&bytes, None, 4096).unwrap_err().0;
        assert!(
            err.contains("pakt uit tot") && err.contains("0.0 MiB"),
            "{err}"
        );
    }

    #[test]
    fn xlsx_cells_far_apart_are_read_sparsely_and_values_outside_the_header_counted() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(2, 1, "nummer").unwrap();
        sheet.write_string(3, 1, "A-1").unwrap();
        sheet.write_string(3, 5, "geheim").unwrap();
        sheet.write_string(1_048_575, 16_383, "ver weg").unwrap();
        let s = read_xlsx(
            &book.save_to_buffer().unwrap(),
            None,
            MAX_XLSX_UNPACKED_BYTES,
        )
        .unwrap();
        assert_eq!(
            (s.header_row, s.headers.clone()),
            (3, vec![String::new(), "nummer".into()])
        );
        let rows: Vec<u64> = s.rows.iter().map(|r| r.0).collect();
        assert_eq!(rows, [4]);
        assert_eq!(
            s.rows[0].1,
            [Cell::Text(String::new()), Cell::Text("A-1".into())]
        );
        assert_eq!(
            s.beyond_header, 2,
            "\"geheim\" and \"ver weg\" lie right of the header"
        );
    }

    #[test]
    fn a_number_format_of_zeros_gives_back_the_leading_zeros() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let zeros = rust_xlsxwriter::Format::new().set_num_format("0000000000");
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "telefoon").unwrap();
        sheet
            .write_number_with_format(1, 0, 612340301.0, &zeros)
            .unwrap();
        sheet.write_number(2, 0, 612340302.0).unwrap();
        let s = read_xlsx(
            &book.save_to_buffer().unwrap(),
            None,
            MAX_XLSX_UNPACKED_BYTES,
        )
        .unwrap();
        assert_eq!(s.rows[0].1[0], Cell::Text("0612340301".into()));
        assert_eq!(s.rows[1].1[0], Cell::Text("612340302".into()));
    }

    #[test]
    fn numbers_are_read_as_their_digits() {
        assert_eq!(
            cell(&Data::Float(612345678.0)),
            Cell::Text("612345678".into())
        );
        assert_eq!(cell(&Data::Float(599.0)), Cell::Text("599".into()));
        assert_eq!(cell(&Data::Int(42)), Cell::Text("42".into()));
        assert_eq!(cell(&Data::Float(1.5)), Cell::Text("1.5".into()));
        assert_eq!(
            cell(&Data::String(" 0612 ".into())),
            Cell::Text("0612".into())
        );
    }
}
